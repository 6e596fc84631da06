"""Figures across the years: each term's value in every version that has it, and the money an
average network is paid in every version.

A parameter's value in a version is the one in force on the version's last day, as the evaluator
reads it (:func:`contract.evaluation.values.national`: dated values, and national formulas computed
from them); an entitlement's is its rate's. The money by year is the diff's average network priced
by the evaluator (:class:`contract.analysis.diff.Pricing`), never re-derived here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from contract.analysis.diff import AVERAGE_NETWORK_PATIENTS, Pricing
from contract.analysis.diff.money import assumptions as average_network_assumptions
from contract.evaluation.values import National, national
from contract.lang.text import day
from contract.render import charts
from contract.site.model import Site, TermHistory
from contract.site.tables import sources
from contract.site.words import value_words
from contract.spec.schema import Entitlement, Parameter, Unit, Version

CHARTED_UNITS = (Unit.gbp, Unit.patients, Unit.minutes, Unit.hours, Unit.days, Unit.percent, Unit.ratio, Unit.count,
                 Unit.points, Unit.wte)
"""Units whose values are numbers worth drawing across the years."""


@dataclass
class YearRow:
    """One version's value of a term, in words, with where it comes from."""

    version: Version
    value: Decimal | bool | date | str | None
    words: str
    since: str
    """When the value took effect ('' for a formula, or when the version has no value)."""
    source: str
    """The citations of the dated value (or of the term, for a formula), as linked Markdown."""
    via: str = ""
    """For an entitlement: the rate parameter the value is read from."""


def _parameter_of(version: Version, term: Any) -> Parameter | None:
    if isinstance(term, Parameter):
        return term
    if isinstance(term, Entitlement) and term.rate:
        found = version.terms.get(term.rate)
        return found if isinstance(found, Parameter) else None
    return None


class Years:
    """The site's figures across the years, each computed once."""

    def __init__(self, site: Site):
        self.site = site
        self._national: dict[str, National] = {}

    def national(self, version: Version) -> National:
        """The version's national values on its last day (the evaluator's reading)."""
        if version.id not in self._national:
            self._national[version.id] = national(version, version.meta.in_force.end)
        return self._national[version.id]

    def rows(self, history: TermHistory) -> list[YearRow]:
        """One row per version that has the term, when it has a value (a parameter, or an entitlement
        with a rate); empty for a term with no value (an obligation, a sanction)."""
        rows = []
        for version, term in history.entries:
            param = _parameter_of(version, term)
            if param is None:
                continue
            found = self.national(version)
            value = found.values.get(param.id)
            dated = found.dated.get(param.id)
            if param.formula:
                words = value_words(param, value) if value is not None else "computed for each network"
                since, cited = "", param.citations
            elif dated is not None:
                words, since, cited = value_words(param, value), day(dated.effective), dated.citations
            else:
                words, since, cited = "no value in force on the last day", "", param.citations
            rows.append(YearRow(version=version, value=value, words=words, since=since, source=sources(cited),
                                via=param.id if param is not term else ""))
        return rows

    def chart(self, history: TermHistory) -> str | None:
        """A small SVG of the value in each version, for a number worth drawing in two versions or more."""
        rows = self.rows(history)
        params = [_parameter_of(v, t) for v, t in history.entries]
        units = {p.unit for p in params if p is not None}
        numbers = [r.value if isinstance(r.value, Decimal | int) and not isinstance(r.value, bool) else None
                   for r in rows]
        if len(units) != 1 or next(iter(units)) not in CHARTED_UNITS or sum(n is not None for n in numbers) < 2:
            return None
        unit = next(iter(units))
        title = f"{history.latest.title} in each version"
        return charts.steps_over_versions(title, [r.version.id for r in rows],
                                          [Decimal(n) if n is not None else None for n in numbers],
                                          "£" if unit is Unit.gbp else "")

    @cached_property
    def pricing(self) -> dict[str, Pricing]:
        """Each version's payment lines priced for the average network by the evaluator."""
        return {v.id: Pricing(v, AVERAGE_NETWORK_PATIENTS) for v in self.site.versions}

    def money(self) -> list[dict[str, Any]]:
        """Per version: the priced total, by service (payment stream) and by line, and the lines
        not priced (with why)."""
        out = []
        for version in self.site.versions:
            lines = self.pricing[version.id].lines
            priced = {t: p.amount for t, p in lines.items() if p.amount is not None}
            streams: dict[str, Decimal] = {}
            for tid, amount in priced.items():
                service = version.terms[tid].service
                streams[service] = streams.get(service, Decimal(0)) + amount
            out.append({"version": version, "total": sum(priced.values(), Decimal(0)), "priced": priced,
                        "streams": streams,
                        "not_priced": {t: p.note or "not priced" for t, p in lines.items() if p.amount is None}})
        return out

    def streams(self) -> list[str]:
        """Every payment stream (service) with money priced in some version."""
        return sorted({s for row in self.money() for s in row["streams"]})

    def assumptions(self) -> list[str]:
        """The average network's inputs in words (contract.analysis.diff.money)."""
        return average_network_assumptions(AVERAGE_NETWORK_PATIENTS)

    def money_chart(self) -> str:
        rows = self.money()
        return charts.stacked_by_version(
            "Priced payment lines for the average network, by stream", [r["version"].id for r in rows],
            [(s, [r["streams"].get(s, Decimal(0)) for r in rows]) for s in self.streams()])
