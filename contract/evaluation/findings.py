"""The finding builder: the pieces every finding shares (values shown and their sources, inputs
missing, citations, confidence, a condition in words), for one version at one as-of date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from contract.evaluation.context import Context, Labels
from contract.evaluation.results import Finding, Instalment, Status
from contract.evaluation.values import National
from contract.lang.expressions import Value, condition_names, describe_value, parse_condition, to_sentence
from contract.spec.facts import StaffMember
from contract.spec.schema import Citation, Confidence, Obligation, Parameter, Term, Version

_CONFIDENCE_ORDER = [Confidence.official, Confidence.secondary, Confidence.derived]
_SHOWN_MEMBERS = 5
_SENTENCES_KEPT = 4_096


def weakest(citations: Iterable[Citation]) -> Confidence:
    """The weakest confidence among the citations (derived when there are none)."""
    found = [c.confidence for c in citations]
    return max(found, key=_CONFIDENCE_ORDER.index) if found else Confidence.derived


_FINDING_FIELDS = frozenset(Finding.model_fields)


def trusted_finding(**values: object) -> Finding:
    """A finding from values the evaluator's own typed code made, every field given, not validated
    again: what pydantic's `model_construct` does, without its per-field search for aliases and
    defaults, which alone was a tenth of a national evaluation. tests/test_findings_valid.py checks,
    for every version, that each finding equals the one pydantic validates from its own dump."""
    if len(values) != len(_FINDING_FIELDS):  # a misspelt name fails the validity test's dump
        raise TypeError(f"a finding needs exactly its fields: {sorted(values.keys() ^ _FINDING_FIELDS)}")
    finding = Finding.__new__(Finding)
    object.__setattr__(finding, "__dict__", values)
    object.__setattr__(finding, "__pydantic_fields_set__", set(values))
    object.__setattr__(finding, "__pydantic_extra__", None)
    object.__setattr__(finding, "__pydantic_private__", None)
    return finding


class FindingBuilder:
    """Turns an entity's values and a term into a finding, citing the term and the values it read."""

    def __init__(self, version: Version, national: National, labels: Labels,
                 staff: Iterable[StaffMember] = (), staff_given: bool = False):
        self.version = version
        self.national = national
        self.labels = labels
        self._staff_by_network: dict[str, list[StaffMember]] = {}
        for member in staff:
            self._staff_by_network.setdefault(member.pcn_code, []).append(member)
        self.staff_given = staff_given or bool(self._staff_by_network)
        """True when a staff file was given, even one with no posts."""
        self._cited: dict[tuple[str, frozenset[str]], tuple[list[Citation], Confidence]] = {}
        self._national_words: dict[str, str] = {}
        self._sorted: dict[frozenset[str], tuple[str, ...]] = {}
        self._sentences: dict[tuple[str, tuple[Value | None, ...]], str] = {}

    def staff_of(self, network_code: str) -> list[StaffMember]:
        """The additional-roles posts a network claims."""
        return self._staff_by_network.get(network_code, [])

    @property
    def as_of(self) -> date:
        return self.national.as_of

    def rate_on(self, param: Parameter, day: date, ctx: Context) -> Decimal | None:
        """The rate of `param` for a month, for this entity (see :meth:`National.rate_on`)."""
        return self.national.rate_on(param, day, ctx.env)

    def values(self, ctx: Context, names: Iterable[str]) -> dict[str, str]:
        """The values that decided a finding, in words, each with where it came from. A national
        value (one the entity neither gives nor computes) reads the same for every entity: its words
        are written once per evaluation."""
        shown = {}
        for name in self._in_order(names):
            if name not in ctx.env:
                continue
            if name not in ctx.sources and name in self.national.values:
                words = self._national_words.get(name)
                if words is None:
                    words = self._national_words[name] = self._words(ctx.env[name], self.national.source_of(name))
                shown[name] = words
                continue
            where = self.national.source_of(name) if name in self.national.overridden else (
                ctx.sources.get(name) or self.national.source_of(name))
            shown[name] = self._words(ctx.env[name], where)
        return shown

    @staticmethod
    def _words(value: Value, where: str) -> str:
        return describe_value(value) + (f" ({where})" if where else "")

    def _in_order(self, names: Iterable[str]) -> tuple[str, ...]:
        key = names if isinstance(names, frozenset) else frozenset(names)
        found = self._sorted.get(key)
        if found is None:
            found = self._sorted[key] = tuple(sorted(key))
        return found

    def missing(self, ctx: Context, names: Iterable[str]) -> list[str]:
        """The names the entity lacks, a network total naming the member practices that lack it."""
        lacking = []
        for name in (n for n in self._in_order(names) if n not in ctx.env):
            members = ctx.missing_from_members.get(name)
            if members:
                more = len(members) - _SHOWN_MEMBERS
                shown = ", ".join(members[:_SHOWN_MEMBERS]) + (f" and {more} more" if more > 0 else "")
                lacking.append(f"{name} (not given for member practices {shown})")
            else:
                lacking.append(name)
        return lacking

    def citations(self, term: Term, names: Iterable[str] = ()) -> list[Citation]:
        """The term's citations, then those of the dated values it read."""
        cites = list(term.citations)
        for name in names:
            dated = self.national.dated.get(name)
            if dated is not None and name not in self.national.overridden:
                cites.extend(c for c in dated.citations if c not in cites)
        return cites

    def _cited_once(self, term: Term, names: frozenset[str]) -> tuple[list[Citation], Confidence]:
        """:meth:`citations` and their weakest confidence, worked out once per term and names (they
        are the same for every entity) and shared by its findings."""
        key = (term.id, names)
        found = self._cited.get(key)
        if found is None:
            cites = self.citations(term, names)
            found = self._cited[key] = (cites, weakest(cites))
        return found

    def finding(self, ctx: Context, term: Term, status: Status, explanation: str, names: Iterable[str] = (), *,
                amount: Decimal | None = None, withheld: Decimal | None = None, maximum: Decimal | None = None,
                schedule: list[Instalment] | None = None, due: date | None = None,
                missing: list[str] | None = None) -> Finding:
        """One finding, built without re-validation (:func:`trusted_finding`)."""
        names = frozenset(names)
        cites, confidence = self._cited_once(term, names)
        return trusted_finding(
            version=self.version.id, as_of=self.as_of, entity_type=ctx.level.value, entity_code=ctx.code,
            entity_name=ctx.name, commissioner_code=ctx.commissioner, term_id=term.id, term_kind=term.kind,
            title=term.title, status=status, explanation=explanation, values=self.values(ctx, names),
            citations=cites, confidence=confidence, amount=amount, withheld=withheld, maximum=maximum,
            schedule=schedule or [], due=due, missing=missing or [],
        )

    def due_date(self, term: Obligation, ctx: Context) -> date | None:
        """An obligation's due date: a date in the spec, or a date parameter's value."""
        if not term.due:
            return None
        try:
            return date.fromisoformat(term.due)
        except ValueError:
            return ctx.date_of(term.due)

    def sentence(self, condition: str, ctx: Context) -> str:
        """A condition in words, each name followed by the entity's value: written once for each
        combination of the values it reads (most conditions read flags and national values, so a
        few sentences serve every entity)."""
        key = (condition, tuple(ctx.env.get(name) for name in self._in_order(condition_names(condition))))
        found = self._sentences.get(key)
        if found is None:
            if len(self._sentences) >= _SENTENCES_KEPT:  # list sizes make most keys unique: stay bounded
                self._sentences.clear()
            found = self._sentences[key] = to_sentence(parse_condition(condition), self.labels, ctx.env)
        return found
