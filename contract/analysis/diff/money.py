"""Money for an average network, priced by the evaluator.

A synthetic network of :data:`AVERAGE_NETWORK_PATIENTS` registered patients (its member practices
and every other input declared in :data:`AVERAGE_NETWORK_INPUTS`, the one list of the report's
assumptions) is evaluated under each version with the real evaluator
(:func:`contract.evaluation.evaluate.evaluate`) on the last day of the version's year, and each
payment line is priced from the findings' amounts: a practice-level line for all member practices
together. A line the average network is not eligible for (the participation payment of a practice
that opted out) is priced at £0, so that mutually exclusive lines are never both paid; a formula
rate (a proposal's consolidated core rate) is priced as the evaluator computes it. A line whose
inputs are not assumed (posts, beds, indicator achievement) is not priced, and says why.
`overrides` (``--set``) replace national parameters in the evaluation they are given to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from contract.evaluation.evaluate import evaluate
from contract.evaluation.results import Evaluation, Status
from contract.lang.expressions import ExpressionError
from contract.lang.text import number
from contract.spec.facts import FactValue, Network, Population, Practice, Provenance
from contract.spec.schema import Entitlement, Method, Parameter, Version

AVERAGE_NETWORK_PATIENTS = Decimal(50000)
"""The average network the money is priced for: a reporting assumption, not a contract figure."""

AVERAGE_NETWORK_PRACTICES = 5
"""Member practices of the average network (their lists are equal shares of its patients): a
reporting assumption. Every line is linear in the lists, so the number changes no figure."""

NETWORK_CODE = "AVERAGE"
SOURCE = Provenance(file="the diff's average network (an assumption of the report)")


@dataclass(frozen=True)
class Input:
    """One input of the average network: the field, its level, its value (a function of the
    practice's or the network's registered patients) and the assumption in words."""

    field: str
    level: str
    value: object
    words: str

    def at(self, patients: Decimal) -> FactValue:
        return self.value(patients) if callable(self.value) else self.value  # type: ignore[return-value]


AVERAGE_NETWORK_INPUTS: tuple[Input, ...] = (
    Input("registered_list", "practice", int,
          "registered patients shared equally among the member practices"),
    Input("weighted_list", "practice", lambda n: n, "weighted (Carr-Hill) list equal to the registered list"),
    Input("adjusted_list", "practice", lambda n: n, "adjusted population equal to the registered list"),
    Input("signed_up", "practice", True, "every member practice signed up to the DES (none opted out)"),
    Input("registered", "network", True, "the network registered and confirmed"),
    Input("clinical_director_named", "network", True, "a clinical director in post"),
    Input("nominated_payee_named", "network", True, "a nominated payee named"),
    Input("caip_awarded_percent", "network", Decimal(100),
          "the whole capacity and access improvement payment awarded (100%)"),
    Input("caip_self_declared", "network", True, "capacity and access improvement self-declared"),
)
"""Every input the average network is given. Everything else is not given: no opt-out date, no
care home beds, no additional-roles posts, no indicator achievement; those lines are not priced."""

NOT_ASSUMED = ("every obligation met, so no payment is withheld (each line is its full amount)",
               "no opt-out date, care home beds, additional-roles posts or indicator achievement: "
               "lines that depend on them are not priced")


def assumptions(patients: Decimal = AVERAGE_NETWORK_PATIENTS,
                practices: int = AVERAGE_NETWORK_PRACTICES) -> list[str]:
    """The average network's inputs in words, in the order declared."""
    shares = practice_lists(patients, practices)
    head = (f"{number(patients)} registered patients in {practices} member practices "
            f"({', '.join(number(s) for s in shares)})")
    return [head, *(i.words for i in AVERAGE_NETWORK_INPUTS[1:]), *NOT_ASSUMED]


def practice_lists(patients: Decimal, practices: int) -> list[Decimal]:
    """Equal whole shares of the patients; the remainder goes to the first practices."""
    whole = int(patients)
    share, extra = divmod(whole, practices)
    return [Decimal(share + (1 if i < extra else 0)) for i in range(practices)]


def average_network(patients: Decimal = AVERAGE_NETWORK_PATIENTS,
                    practices: int = AVERAGE_NETWORK_PRACTICES) -> Population:
    """A population of one network, built from AVERAGE_NETWORK_INPUTS."""
    population = Population(sources=[SOURCE.file])
    network = Network(code=NETWORK_CODE, name="Average network")
    for i, share in enumerate(practice_lists(patients, practices), start=1):
        practice = Practice(code=f"AVGP{i}", name=f"Average practice {i}",
                            pcn_code=NETWORK_CODE)
        for item in AVERAGE_NETWORK_INPUTS:
            if item.level == "practice":
                practice.set(item.field, item.at(share), SOURCE)
        population.practices[practice.code] = practice
        network.member_codes.append(practice.code)
    for item in AVERAGE_NETWORK_INPUTS:
        if item.level == "network":
            network.set(item.field, item.at(patients), SOURCE)
    population.networks[network.code] = network
    return population


class LinePrice(NamedTuple):
    """A payment line's money for the average network over the version's year, or why not."""

    amount: Decimal | None
    note: str | None = None


NOTHING = LinePrice(Decimal(0))

_PER_WORDS = {"bed": "per bed", "wte": "per whole-time equivalent", "point": "per point"}


class Pricing:
    """One version's payment lines priced for the average network by the evaluator."""

    def __init__(self, version: Version, patients: Decimal = AVERAGE_NETWORK_PATIENTS,
                 overrides: dict[str, Decimal] | None = None):
        self.version, self.patients = version, patients
        self.overrides = dict(overrides or {})
        self.as_of: date = version.meta.in_force.end
        self._lines: dict[str, LinePrice] | None = None

    @property
    def evaluation(self) -> Evaluation:
        return evaluate(self.version, average_network(self.patients), self.as_of, overrides=self.overrides)

    @property
    def lines(self) -> dict[str, LinePrice]:
        if self._lines is None:
            self._lines = self._price()
        return self._lines

    def line(self, tid: str) -> LinePrice:
        term = self.version.terms.get(tid)
        if not isinstance(term, Entitlement):
            return NOTHING
        return self.lines[tid]

    def total(self, tids: Iterable[str]) -> LinePrice:
        """The sum of several lines: unpriced when any of them is."""
        found = [self.line(t) for t in tids]
        notes = sorted({p.note for p in found if p.amount is None and p.note})
        if any(p.amount is None for p in found):
            return LinePrice(None, "; ".join(notes) or "not priced")
        return LinePrice(sum((p.amount for p in found), Decimal(0)))  # type: ignore[misc]

    def _price(self) -> dict[str, LinePrice]:
        try:
            evaluation = self.evaluation
        except (ValueError, ExpressionError) as exc:  # a version the evaluator cannot run
            why = f"the version cannot be evaluated: {exc}"
            return {t.id: LinePrice(None, why) for t in self.version.terms.values() if isinstance(t, Entitlement)}
        findings: dict[str, list] = {}
        for f in evaluation.findings:
            if f.term_kind == "entitlement":
                findings.setdefault(f.term_id, []).append(f)
        return {t.id: self._line(t, findings.get(t.id, [])) for t in self.version.terms.values()
                if isinstance(t, Entitlement)}

    def _line(self, term: Entitlement, found: list) -> LinePrice:
        missing = [f for f in found if f.status is Status.input_missing or
                   (f.status is not Status.not_applicable and f.amount is None)]
        if missing:
            return LinePrice(None, self._why_not(term, missing))
        if found and all(f.status is Status.not_applicable for f in found):
            reason = found[0].explanation.removeprefix("Not payable: ").rstrip(".")
            return LinePrice(Decimal(0), f"not payable to the average network: {reason}")
        return LinePrice(sum((f.amount for f in found if f.amount is not None), Decimal(0)))

    def _why_not(self, term: Entitlement, missing: list) -> str:
        if term.method is Method.staff_reimbursement:
            return "reimburses actual staff costs: depends on each network's posts"
        if term.method is not Method.rate_times_basis:
            return "paid on indicator achievement: depends on each network's results"
        rate = self.version.terms.get(term.rate or "")
        per = rate.per.value if isinstance(rate, Parameter) and rate.per else ""
        names = sorted({name for f in missing for name in f.missing})
        lacking = f"; {', '.join(names)} not assumed" if names else ""
        paid = _PER_WORDS.get(per, "on " + (term.basis or "its basis"))
        return f"paid {paid}: depends on each network's numbers{lacking}"
