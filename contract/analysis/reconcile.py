"""What the rules say was due, against what NHS Payments to General Practice says was paid.

One evaluation (:func:`contract.evaluation.evaluate.evaluate`) gives the amount due for each payment
line; nothing here computes money. Each line is put under one of the payments file's streams by
its spec's ``paid_under`` (:func:`stream_of`). Participation is compared per practice; every other stream per
network, the paid side summed over the network's practices in the payments file, since a network's
money goes to the practice that is its nominated payee (a payee that is not a practice is not in the
file: such a network's paid amount is blank, "payee outside the practice file").

A row's reason names what explains a gap when it can be told from the inputs: an input missing, a
practice or network not in the population, an opt-out, the payer's lists differing from the lists the
rules used (list date, membership), or a gap equal to whole monthly instalments. See docs/reconcile.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from contract.evaluation.evaluate import evaluate
from contract.evaluation.results import Evaluation, Finding, Status
from contract.io.readers.payments import STREAMS, Payments
from contract.lang.text import number
from contract.spec.facts import Population
from contract.spec.loader import load_version
from contract.spec.schema import Entitlement, Version

TOLERANCE = Decimal("0.01")
"""Paid within 1% of due counts as agreeing."""
RATIO_PLACES = Decimal("0.000001")
PAYEE_OUTSIDE = "payee outside the practice file"


def stream_of(version: Version, term_id: str) -> str | None:
    """The stream a version's payment line is paid under (its spec's `paid_under`), or None if it
    has none in the payments file (or is not a payment line)."""
    term = version.terms.get(term_id)
    if isinstance(term, Entitlement) and term.paid_under is not None:
        return term.paid_under.value
    return None


class RowStatus(StrEnum):
    agrees = "agrees"
    """Paid within 1% of due (or both zero)."""
    paid_more = "paid_more"
    paid_less = "paid_less"
    not_computed = "not_computed"
    """The rules could not say what was due (an input missing, or the entity not in the population)."""
    not_paid = "not_paid"
    """Nothing under this heading reached a practice of the network (or the practice is not in the file)."""


CSV_COLUMNS = ("version", "entity_type", "entity_code", "commissioner_code", "stream", "computed_gbp",
               "paid_gbp", "difference_gbp", "ratio", "status", "reason")


class ReconcileRow(BaseModel):
    """One practice (participation) or network (other streams) and one stream."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    entity_type: str
    entity_code: str
    commissioner_code: str | None = None
    stream: str
    computed_gbp: Decimal | None = None
    paid_gbp: Decimal | None = None
    difference_gbp: Decimal | None = None
    """paid − computed."""
    ratio: Decimal | None = None
    """paid ÷ computed, to 6 places; None when either is missing or nothing was due."""
    status: RowStatus
    reason: str = ""


class StreamSummary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stream: str
    terms: list[str]
    """The version's payment lines compared under this stream."""
    rows: int
    with_ratio: int
    median: Decimal | None = None
    lower_quartile: Decimal | None = None
    upper_quartile: Decimal | None = None
    statuses: dict[str, int] = Field(default_factory=dict)
    computed_total: Decimal
    paid_total: Decimal
    largest_unexplained: list[ReconcileRow] = Field(default_factory=list)
    """The rows with the largest differences no reason explains, largest first."""


class Reconciliation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    as_of: date
    payments_file: str
    rows: list[ReconcileRow]
    summaries: list[StreamSummary]
    streams_not_in_file: list[str]
    """Streams the version has payment lines for but the payments file has no heading for."""
    streams_without_lines: list[str]
    """Headings of the payments file no payment line of the version is mapped to (shown, not compared)."""


def reconcile(version: Version | str, population: Population, payments: Payments, as_of: date,
              *, largest: int = 10) -> Reconciliation:
    """Compare what ``version``'s rules say was due at ``as_of`` with what ``payments`` says was paid."""
    spec = load_version(version) if isinstance(version, str) else version
    evaluation = evaluate(spec, population, as_of)
    return compare(spec, evaluation, population, payments, largest=largest)


def compare(spec: Version, evaluation: Evaluation, population: Population, payments: Payments,
            *, largest: int = 10) -> Reconciliation:
    """:func:`reconcile` on an evaluation already made (of ``population`` under ``spec``)."""
    terms = {t.id: stream_of(spec, t.id) for t in spec.terms.values() if isinstance(t, Entitlement)}
    by_stream: dict[str, list[str]] = {}
    for term_id, stream in terms.items():
        if stream is not None:
            by_stream.setdefault(stream, []).append(term_id)
    compared = [s for s in STREAMS if s in by_stream and s in payments.streams]
    findings: dict[tuple[str, str, str], list[Finding]] = {}
    for f in evaluation.findings:
        stream = terms.get(f.term_id)
        if stream in compared:
            findings.setdefault((stream, f.entity_type, f.entity_code), []).append(f)
    rows: list[ReconcileRow] = []
    builder = _Rows(spec, population, payments)
    for stream in compared:
        rows += _payee_for_others(builder.stream(stream, findings))
    summaries = [summarise(stream, sorted(by_stream[stream]), [r for r in rows if r.stream == stream], largest)
                 for stream in compared]
    return Reconciliation(
        version=spec.id, as_of=evaluation.as_of, payments_file=payments.file, rows=rows, summaries=summaries,
        streams_not_in_file=[s for s in STREAMS if s in by_stream and s not in payments.streams],
        streams_without_lines=[s for s in payments.streams if s not in by_stream],
    )


class _Rows:
    """Builds the rows of one stream, with the facts the reasons need."""

    def __init__(self, spec: Version, population: Population, payments: Payments):
        self.spec, self.population, self.payments = spec, population, payments
        self.file_members = payments.members()

    def stream(self, stream: str, findings: dict[tuple[str, str, str], list[Finding]]) -> list[ReconcileRow]:
        level = "practice" if stream == "participation" else "network"
        if level == "practice":
            paid = {code: p.paid[stream] for code, p in self.payments.practices.items() if stream in p.paid}
        else:
            paid = self.payments.network_paid(stream)
        ours = {code: fs for (s, kind, code), fs in findings.items() if s == stream and kind == level}
        rows = [self._row(stream, level, code, fs, paid.get(code)) for code, fs in sorted(ours.items())]
        rows += [self._unmatched(stream, level, code, amount) for code, amount in sorted(paid.items())
                 if code not in ours and amount != 0]
        return rows

    def _row(self, stream: str, level: str, code: str, fs: list[Finding], paid: Decimal | None) -> ReconcileRow:
        missing = [f for f in fs if f.status is Status.input_missing]
        computed = None if missing else sum((f.amount for f in fs if f.amount is not None), Decimal(0))
        ratio = None if computed is None or paid is None or computed == 0 else (paid / computed).quantize(RATIO_PLACES)
        difference = None if computed is None or paid is None else paid - computed
        status = _status(computed, paid, ratio)
        reason = ""
        if missing:
            reason = "input missing: " + "; ".join(dict.fromkeys(m for f in missing for m in f.missing))
        elif paid is None:
            reason = PAYEE_OUTSIDE if level == "network" else "practice not in the payments file"
        elif status is not RowStatus.agrees:
            reason = self._explain(level, code, fs, paid, computed or Decimal(0))
        return ReconcileRow(version=self.spec.id, entity_type=level, entity_code=code,
                            commissioner_code=fs[0].commissioner_code, stream=stream, computed_gbp=computed,
                            paid_gbp=paid, difference_gbp=difference, ratio=ratio, status=status, reason=reason)

    def _unmatched(self, stream: str, level: str, code: str, paid: Decimal) -> ReconcileRow:
        """Paid to a practice or network the population does not have."""
        if level == "practice":
            entry = self.payments.practices[code]
            commissioner, where = entry.commissioner_code, "practice not in the population"
        else:
            members = self.file_members[code]
            commissioner, where = members[0].commissioner_code, "network not in the population"
        return ReconcileRow(version=self.spec.id, entity_type=level, entity_code=code, commissioner_code=commissioner,
                            stream=stream, paid_gbp=paid, status=RowStatus.not_computed, reason=where)

    # --- reasons ---------------------------------------------------------------------------------

    def _explain(self, level: str, code: str, fs: list[Finding], paid: Decimal, computed: Decimal) -> str:
        if level == "practice":
            practice = self.population.practices.get(code)
            values = practice.values if practice else {}
            if values.get("signed_up") is False or "opted_out_on" in values:
                return "opted out (per the inputs)"
        if computed == 0:
            return ""
        expected = self._at_payers_lists(level, code, fs)
        if expected is not None and expected[0] != 0 and abs(paid / expected[0] - 1) <= TOLERANCE:
            return expected[1]
        return _one_line_only(fs, paid) or _instalments(fs, paid / computed)

    def _at_payers_lists(self, level: str, code: str, fs: list[Finding]) -> tuple[Decimal, str] | None:
        """What was due scaled by the payments file's lists over the lists the rules used (per line,
        by its basis): if the paid amount matches this, the gap is the lists' date or membership."""
        if level != "network" or code not in self.population.networks:
            return None
        ours = [self.population.practices[c] for c in self.population.networks[code].member_codes
                if c in self.population.practices]
        theirs = self.file_members.get(code, [])
        expected, notes = Decimal(0), []
        for f in fs:
            if f.amount is None or f.amount == 0:
                continue
            term = self.spec.terms[f.term_id]
            basis = term.basis if isinstance(term, Entitlement) else None
            if basis not in ("registered_list", "weighted_list"):
                return None
            rules = sum((_decimal(p.values.get(basis)) for p in ours), Decimal(0))
            file = sum((getattr(p, basis) for p in theirs), Decimal(0))
            if rules == 0:
                return None
            expected += f.amount * file / rules
            notes.append(f"{basis.replace('_', ' ')} {number(file)} in the payments file, {number(rules)} used")
        membership = {p.code for p in theirs} != {p.code for p in ours}
        what = "list-date and membership difference" if membership else "list-date difference"
        return expected, f"{what} ({'; '.join(dict.fromkeys(notes))})"


def _decimal(value: object) -> Decimal:
    """A list size as a Decimal; 0 for a value not given."""
    return Decimal(value) if isinstance(value, int | Decimal) and not isinstance(value, bool) else Decimal(0)


def _one_line_only(fs: list[Finding], paid: Decimal) -> str:
    """For a stream of several lines: 'matches <line> alone' when paid is within 1% of one line's amount."""
    paying = [f for f in fs if f.amount]
    if len(paying) < 2:
        return ""
    for f in paying:
        if abs(paid / (f.amount or 1) - 1) <= TOLERANCE:
            return f"paid matches {f.title} alone"
    return ""


def _instalments(fs: list[Finding], ratio: Decimal) -> str:
    """'k of n monthly instalments' when the ratio is within half a percent of k/n, n the schedule's length."""
    lengths = {len(f.schedule) for f in fs if f.amount}
    if len(lengths) != 1:
        return ""
    n = lengths.pop()
    for k in range(1, n):
        if abs(ratio - Decimal(k) / n) <= TOLERANCE / 2:
            return f"consistent with {k} of {n} monthly instalments paid"
    return ""


SEVERAL_NETWORKS = Decimal("1.5")
"""Paid this many times what was due, or more, a network's payee may be paid for other networks too."""


def _payee_for_others(rows: list[ReconcileRow]) -> list[ReconcileRow]:
    """Name a possible cause for a network paid far more than due: its payee practice may also receive
    the money of networks of the same commissioner that have no payee in the file."""
    unpaid: dict[str | None, int] = {}
    for r in rows:
        if r.status is RowStatus.not_paid and r.entity_type == "network":
            unpaid[r.commissioner_code] = unpaid.get(r.commissioner_code, 0) + 1
    out = []
    for r in rows:
        others = unpaid.get(r.commissioner_code, 0)
        if not r.reason and r.ratio is not None and r.ratio >= SEVERAL_NETWORKS and others:
            note = (f"paid {number(r.ratio.quantize(Decimal('0.01')))} times what was due; {others} other "
                    f"network(s) of commissioner {r.commissioner_code} have no payee in the file, and this "
                    "network's payee may be paid for some of them")
            r = r.model_copy(update={"reason": note})
        out.append(r)
    return out


def _status(computed: Decimal | None, paid: Decimal | None, ratio: Decimal | None) -> RowStatus:
    if computed is None:
        return RowStatus.not_computed
    if paid is None:
        return RowStatus.not_paid
    if ratio is None:  # nothing was due
        return RowStatus.agrees if paid == 0 else RowStatus.paid_more
    if abs(ratio - 1) <= TOLERANCE:
        return RowStatus.agrees
    return RowStatus.paid_more if ratio > 1 else RowStatus.paid_less


# --- summary ----------------------------------------------------------------------------------------


def quantile(values: Sequence[Decimal], q: Decimal) -> Decimal:
    """The q-quantile of sorted ``values`` by linear interpolation between closest ranks (q in 0..1)."""
    if not values:
        raise ValueError("no values")
    position = q * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def summarise(stream: str, terms: list[str], rows: Iterable[ReconcileRow], largest: int = 10) -> StreamSummary:
    rows = list(rows)
    ratios = sorted(r.ratio for r in rows if r.ratio is not None)
    statuses: dict[str, int] = {}
    for r in rows:
        statuses[r.status.value] = statuses.get(r.status.value, 0) + 1
    unexplained = sorted((r for r in rows if r.difference_gbp and not r.reason and r.status is not RowStatus.agrees),
                         key=lambda r: (-abs(r.difference_gbp or 0), r.entity_code))

    def q(x: str) -> Decimal | None:
        return quantile(ratios, Decimal(x)).quantize(RATIO_PLACES, ROUND_HALF_UP) if ratios else None

    return StreamSummary(
        stream=stream, terms=terms, rows=len(rows), with_ratio=len(ratios),
        median=q("0.5"), lower_quartile=q("0.25"), upper_quartile=q("0.75"), statuses=statuses,
        computed_total=sum((r.computed_gbp for r in rows if r.computed_gbp is not None), Decimal(0)),
        paid_total=sum((r.paid_gbp for r in rows if r.paid_gbp is not None), Decimal(0)),
        largest_unexplained=unexplained[:largest],
    )
