"""A term in words and tables: the rows of its "rule" table, its tables of values, roles, steps and
indicators, its sources, and the counts of a diff by state and class."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from contract.analysis.diff import ChangeClass, TermState, VersionDiff
from contract.evaluation.cases import LoadedCase
from contract.lang.text import day, number, rate
from contract.render.vocab import CHANGE_CLASS_WORDS, CONFIDENCE_WORDS, METHOD_WORDS, UNIT_WORDS
from contract.site.markdown import cell, prose, yaml_text
from contract.site.model import Site
from contract.site.words import unit_words, value_words
from contract.spec.schema import Citation, Confidence, Method, Version

ROUNDING_WORDS = {"penny": "to the penny", "whole": "to a whole number",
                  "quarter_hour_minutes": "to the nearest quarter of an hour"}

METHOD_SENTENCES = {
    Method.rate_times_basis: "the rate × the basis, pro rata to the months of the accrual period the rate covers",
    Method.staff_reimbursement: "each eligible post reimbursed at the roles table's share of actual cost, "
                                "up to its maximum",
}
"""The amount of a payment line, said in full where a short name (METHOD_WORDS) would not do."""


def rule_rows(site: Site, version: Version, term: Any, link: Callable[..., str]) -> list[dict[str, str]]:
    """(label, words, expression) rows that say what the term asks, gives or does, in words."""
    rows: list[dict[str, str]] = []

    def row(label: str, words: str, code: str = "") -> None:
        if words:
            rows.append({"label": label, "words": words, "code": code})

    def expr(label: str, text: str | None, condition: bool) -> None:
        if text:
            row(label, prose(site.words(version, text, condition)), text)

    def links(ids: Iterable[str]) -> str:
        return ", ".join(link(i, site.histories[i].latest.title if i in site.histories else None) for i in ids)

    kind = term.kind
    level = getattr(term, "level", None)
    if kind == "parameter":
        if term.formula:
            expr("Value", term.formula, condition=False)
        elif len(term.values) == 1:
            row("Value", prose(value_words(term, term.values[0].value)))
        else:
            row("Value", f"{len(term.values)} values over time (below); from {day(term.values[-1].effective)}: "
                         + prose(value_words(term, term.values[-1].value)))
        row("Unit", " ".join(filter(None, [UNIT_WORDS[term.unit], unit_words(term)])))
        if term.rounding:
            row("Rounding", ROUNDING_WORDS.get(term.rounding, term.rounding))
    elif kind == "obligation":
        row("Who", prose(term.who))
        expr("Met when", term.requirement, condition=True)
        expr("Applies when", term.applies_when, condition=True)
        if term.due:
            row("Due", prose(site.due_words(version, term.due)), term.due)
        row("How often", prose(term.frequency or ""))
        row("Paid for by", links(term.funded_by) if term.funded_by else "**no funding attached**")
        row("Money at risk", links(term.funds))
        row("Work", prose(term.workload or ""))
    elif kind == "entitlement":
        _entitlement_rows(site, version, term, link, row, expr)
    elif kind == "sanction":
        row("Starts when", "an obligation of the version is not met" if not term.applies_to
            else "one of these is not met: " + links(term.applies_to))
        row("Steps", " → ".join(prose(s.title) for s in term.steps))
    elif kind == "roles":
        if term.posts_per_role:
            row("Posts per role", link(term.posts_per_role))
        row("Additional staff only", "yes" if term.requires_additional else "no")
    elif kind == "indicators":
        if getattr(term, "max_points", None) is not None:
            row("Points available", number(term.max_points))
        if getattr(term, "achieved_points", None):
            row("Points achieved (input)", prose(site.name_words(version, term.achieved_points)),
                term.achieved_points)
    if level is not None:
        row("Level", str(getattr(level, "value", level)))
    if term.in_effect:
        row("In effect", f"{day(term.in_effect.start)} to {day(term.in_effect.end)}")
    return rows


def _entitlement_rows(site: Site, version: Version, term: Any, link: Callable[..., str],
                      row: Callable[..., None], expr: Callable[..., None]) -> None:
    row("Who pays whom", prose(f"{term.payer} pays {term.payee}"))
    if term.rate:
        row("Rate", link(term.rate, prose(site.rate_words(version, term.rate))))
    if term.basis:
        expr("Basis", term.basis, condition=False)
    row("Amount", METHOD_SENTENCES.get(term.method) or METHOD_WORDS[term.method])
    if term.roles:
        row("Roles", link(term.roles))
    for attr, label in (("indicators", "Indicators"), ("list_adjustment", "List-size adjustment"),
                        ("aspiration", "Aspiration payments")):
        if getattr(term, attr, None):
            row(label, link(getattr(term, attr)))
    expr("Eligible when", term.eligible_when, condition=True)
    row("Accrues", f"{day(term.accrual.start)} to {day(term.accrual.end)}")
    schedule = term.schedule
    words = prose(schedule.description)
    if schedule.first_payment:
        words += f" First payment {day(schedule.first_payment)}."
    if getattr(schedule, "final_payment", None):
        words += f" Final payment {day(schedule.final_payment)}."
    row("Paid", words)


def sources(citations: Iterable[Citation]) -> str:
    """Citations on one line: linked titles, each with its confidence (⚠ when it has a caveat)."""
    return "; ".join(f"[{cell(c.title)}]({c.url}) ({CONFIDENCE_WORDS[c.confidence]}{', ⚠' if c.caveat else ''})"
                     for c in citations)


def term_tables(site: Site, version: Version, term: Any) -> list[dict[str, Any]]:
    """The term's tables: dated values, roles, sanction steps, indicators."""
    tables = []
    if getattr(term, "values", None):
        tables.append({
            "title": "Values by the date they take effect",
            "header": ["Effective", "Value", "Decided", "Note", "Source"],
            "rows": [[day(v.effective), cell(value_words(term, v.value)), day(v.decided), cell(v.note or ""),
                      sources(v.citations)] for v in term.values],
            "citations": [c for v in term.values for c in v.citations]})
    if getattr(term, "roles", None) and isinstance(term.roles, list):
        tables.append({
            "title": "Roles",
            "header": ["Role", "Reimbursed", "Maximum per WTE a year", "From", "Source"],
            "rows": [[f"{cell(r.title)} (`{r.role}`)", f"{number(r.reimbursed_percent)}%",
                      rate(r.max_per_wte_year) if r.max_per_wte_year is not None else "not stated",
                      day(r.available_from), sources(r.citations)] for r in term.roles],
            "citations": [c for r in term.roles for c in r.citations]})
    if term.kind == "sanction":
        tables.append({
            "title": "Steps",
            "header": ["Step", "What happens", "Cure period", "Money", "Source"],
            "rows": [[f"{cell(s.title)} (`{s.state}`)", cell(s.summary),
                      f"{s.cure_days} days" if s.cure_days else "", s.money or "", sources(s.citations)]
                     for s in term.steps],
            "citations": [c for s in term.steps for c in s.citations]})
    if term.kind == "indicators" and getattr(term, "indicators", None):
        tables.append(_indicator_table(term))
    return tables


def _indicator_table(term: Any) -> dict[str, Any]:
    def reads(i: Any) -> str:
        names = [i.achievement] if i.achievement else [i.numerator, i.denominator, *i.exclusions]
        return ", ".join(f"`{n}`" for n in names if n)

    def points(value: Any) -> str:
        return "not found" if value is None else number(value)

    return {
        "title": "Indicators",
        "header": ["Code", "Indicator", "Points", "Lower", "Upper", "Reads", "Source"],
        "rows": [[f"`{i.id}`", cell(i.title), points(i.points),
                  f"{number(i.lower)}%" if i.lower is not None else "not found",
                  f"{number(i.upper)}%" if i.upper is not None else "not found",
                  reads(i), sources(i.citations)] for i in term.indicators],
        "citations": [c for i in term.indicators for c in i.citations]}


def term_yaml(term: Any) -> str:
    """The term as the spec holds it, after loading: its model dumped to YAML."""
    return yaml_text(term.model_dump(mode="json", exclude_none=True))


def case_yaml(loaded: LoadedCase) -> str:
    """An author test case's inputs and expectations as YAML (its name, date and working are shown apart)."""
    data = loaded.case.model_dump(mode="json", exclude_defaults=True)
    for key in ("name", "as_of", "source", "working"):
        data.pop(key, None)
    return yaml_text(data)


CONFIDENCE_ORDER = [Confidence.official, Confidence.secondary, Confidence.derived]


def weakest(citations: Iterable[Citation]) -> str:
    """The least certain confidence among the citations (official, then secondary, then derived), in words."""
    levels = [CONFIDENCE_ORDER.index(c.confidence) for c in citations]
    return CONFIDENCE_WORDS[CONFIDENCE_ORDER[max(levels)]] if levels else ""


def caveats(citations: Iterable[Citation]) -> list[Citation]:
    """The citations with a caveat, once each, in order."""
    seen: dict[tuple[str, str], Citation] = {}
    for c in citations:
        if c.caveat and (c.url, c.caveat) not in seen:
            seen[(c.url, c.caveat)] = c
    return list(seen.values())


def state_counts(version_diff: VersionDiff) -> list[tuple[str, int]]:
    """Terms added, removed and changed, as the diff counted them (never recounted here)."""
    return [(state.value, version_diff.counts[state.value]) for state in TermState]


def class_counts(version_diff: VersionDiff) -> list[tuple[ChangeClass, str, int]]:
    """Every change class, its words and the number of terms carrying it, as the diff counted them."""
    return [(cls, CHANGE_CLASS_WORDS[cls], version_diff.counts[cls.value]) for cls in ChangeClass]
