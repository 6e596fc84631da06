"""The docs site, generated from the specs.

``generate()`` renders Markdown pages into ``docs/`` from the loaded versions, their author test
cases, the diffs between versions, the sanction ladders, ``specs/timeline.yaml`` and
``specs/glossary.yaml``, with the jinja2 templates in ``contract/templates/docs``; it writes the
navigation into ``mkdocs.yml`` between two marker lines. ``build()`` then runs ``mkdocs build
--strict``. The output is reproducible byte for byte: every iteration is sorted or follows the specs'
own order, and nothing reads the clock or writes an absolute path.

What belongs to the generator: the pages in ``GENERATED_DIRS`` (stale files there are deleted) and
``GENERATED_FILES``. Everything else in ``docs/`` is written by hand (``inputs.md``, ``diff.md``,
``sanctions.md`` ...) and is left alone; top-level hand-written pages appear in the navigation under
"Guides". The site's assets are checked in: ``docs/stylesheets/extra.css`` and the vendored mermaid
(``docs/javascripts/vendor/mermaid.min.js``, MIT, loaded by ``docs/javascripts/mermaid-loader.js``
so that no page asks a CDN for it).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import inspect
import itertools
import os
import posixpath
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pydantic import BaseModel, ConfigDict, Field

from contract.lang.expressions import ExpressionError, parse_condition, parse_formula, refs, to_sentence
from contract.spec.loader import SPECS_ROOT, catalogue, load_version, version_ids
from contract.spec.schema import Citation, Citations, Parameter, Status, Version
from contract.spec.yamlio import SpecError, load_yaml

ROOT = Path(__file__).resolve().parents[2]
DOCS_ROOT = ROOT / "docs"
CONFIG = ROOT / "mkdocs.yml"
TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "docs"

GENERATED_DIRS = ("versions", "terms", "diffs", "reference", "how-to")
"""Folders of ``docs/`` the generator owns outright: it deletes files there that it did not write."""
GENERATED_FILES = ("index.md", "timeline.md", "glossary.md", "includes/abbreviations.md")
"""Single generated files; the rest of ``docs/`` is hand-written."""

HAND_WRITTEN = {
    "inputs.md": "Input files",
    "diff.md": "Reading a diff",
    "sanctions.md": "Sanctions",
}
"""Hand-written pages the nav names (when they exist); other top-level pages are titled from their
first heading."""

NAV_BEGIN = "# BEGIN generated nav (contract docs generate; do not edit by hand)"
NAV_END = "# END generated nav"

MERMAID_VERSION = "11.17.2"
MERMAID_SHA256 = "581ed7d74bd9048d0e3a91363927d72ef22942d7722546b27f7cc29e35390eb8"
MERMAID_JS = Path("javascripts/vendor/mermaid.min.js")

RUNNABLE = "runnable"
"""Class of a ```` ```{.bash .runnable} ```` block in a how-to: the tests run these commands."""

MODEL_STATUS_WORDS = {
    Status.in_force: "in force",
    Status.superseded: "superseded",
    Status.draft: "draft",
    Status.proposal: "proposal",
}


# ---------------------------------------------------------------------------------------------
# Data files of the site: the timeline and the glossary


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class TimelineEvent(_Strict):
    date: date
    precision: Annotated[str, Field(pattern=r"^(day|month|year)$")] = "day"
    """How much of the date the sources give; a `month` event is dated on the first of the month."""
    end: date | None = None
    """The last day of an event that spans several days."""
    title: str
    summary: str
    citations: Citations
    versions: list[str] = Field(default_factory=list)
    """Versions the event belongs to (linked when the version exists)."""


class Timeline(_Strict):
    events: list[TimelineEvent]


class GlossaryEntry(_Strict):
    term: str
    abbr: Annotated[str | None, Field(pattern=r"^[A-Z][A-Za-z0-9]+$")] = None
    definition: str
    citations: list[Citation] = Field(default_factory=list)
    """Sources that define the word this way; none for common usage."""
    terms: list[str] = Field(default_factory=list)
    """Ids of terms the word is about (linked when the term exists)."""


class Glossary(_Strict):
    entries: list[GlossaryEntry]


def _read(model: type[BaseModel], path: Path) -> Any:
    data = load_yaml(path)
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if not str(k).startswith("x-")}
    try:
        return model.model_validate(data)
    except ValueError as exc:
        errors = getattr(exc, "errors", None)
        if errors:
            first = errors()[0]
            raise SpecError(path, ".".join(str(p) for p in first["loc"]), first["msg"]) from None
        raise SpecError(path, None, str(exc)) from None


def load_timeline(root: Path = SPECS_ROOT) -> Timeline:
    timeline: Timeline = _read(Timeline, root / "timeline.yaml")
    days = [e.date for e in timeline.events]
    if days != sorted(days):
        raise SpecError(root / "timeline.yaml", "events", "events must be in date order")
    for i, event in enumerate(timeline.events):
        if event.end is not None and event.end <= event.date:
            raise SpecError(root / "timeline.yaml", f"events.{i}.end", "ends on or before it starts")
        if event.precision != "day" and (event.date.day != 1 or (event.precision == "year" and event.date.month != 1)):
            raise SpecError(root / "timeline.yaml", f"events.{i}.date", f"a {event.precision} date starts on the 1st")
    return timeline


def load_glossary(root: Path = SPECS_ROOT) -> Glossary:
    glossary: Glossary = _read(Glossary, root / "glossary.yaml")
    seen: set[str] = set()
    for i, entry in enumerate(glossary.entries):
        for key in filter(None, (entry.term.lower(), entry.abbr)):
            if key in seen:
                raise SpecError(root / "glossary.yaml", f"entries.{i}", f"{key!r} is defined twice")
            seen.add(key)
    return glossary


# ---------------------------------------------------------------------------------------------
# Words for values, rates and dates


PER_WORDS = {
    "registered_patient": "per registered patient",
    "weighted_patient": "per weighted patient",
    "adjusted_patient": "per adjusted patient",
    "bed": "per bed",
    "wte": "per whole-time equivalent",
    "point": "per point",
    "network": "per network",
    "practice": "per practice",
    "1000_patients": "per 1,000 patients",
}
PERIOD_WORDS = {"year": "a year", "month": "a month", "week": "a week", "day": "a day",
                "period": "for the period"}
UNIT_WORDS = {"patients": "patients", "minutes": "minutes", "hours": "hours", "days": "days",
              "points": "points", "wte": "WTE", "ratio": "", "count": ""}


def day(value: date | None) -> str:
    """1 April 2019."""
    return "" if value is None else f"{value.day} {value:%B %Y}"


def event_date(event: TimelineEvent) -> str:
    if event.precision == "year":
        return f"{event.date:%Y}"
    if event.precision == "month":
        return f"{event.date:%B %Y}"
    if event.end is None:
        return day(event.date)
    if (event.end.year, event.end.month) == (event.date.year, event.date.month):
        return f"{event.date.day}–{event.end.day} {event.end:%B %Y}"
    return f"{day(event.date)} – {day(event.end)}"


def number(value: Decimal | int) -> str:
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def pounds(value: Decimal) -> str:
    """An amount of money to the penny: £75,000.00."""
    return f"£{Decimal(value):,.2f}"


def money(value: Decimal) -> str:
    """£1.50, £0.147, £37,810 (pennies shown when the value has them)."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"£{int(value):,}"
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        return f"£{value:,.2f}"
    return f"£{value.normalize():,f}"


def typed_value(param: Any, value: Any) -> Any:
    """A value as its parameter's unit says (YAML gives numbers and dates as text)."""
    unit = str(getattr(param, "unit", "") or "")
    if not isinstance(value, str):
        return value
    if unit == "date":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if unit not in ("flag", "date"):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


def value_words(param: Any, value: Any) -> str:
    """A parameter value with its unit and basis: '£0.147 per weighted patient a month'."""
    unit = str(getattr(param, "unit", "") or "")
    value = typed_value(param, value)
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, date):
        text = day(value)
    elif isinstance(value, Decimal | int):
        if unit == "gbp":
            text = money(value)
        elif unit == "percent":
            text = f"{number(value)}%"
        else:
            text = " ".join(filter(None, [number(value), UNIT_WORDS.get(unit, unit)]))
    else:
        text = str(value)
    per = getattr(param, "per", None)
    period = getattr(param, "period", None)
    extra = [PER_WORDS.get(str(per), str(per)) if per else "", PERIOD_WORDS.get(str(period), "") if period else ""]
    return " ".join(filter(None, [text, *extra]))


def _sentence(text: Any) -> str:
    """Help text as a sentence: capital first letter (only), full stop."""
    text = str(text or "").strip()
    if not text:
        return ""
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "?", "!")) else ".")


def _cell(text: Any) -> str:
    """Text safe inside a Markdown table cell: one line, no pipes, no raw HTML."""
    return re.sub(r"\s+", " ", _md(text)).replace("|", "\\|").strip()


def _md(text: Any) -> str:
    """Spec prose as Markdown text: angle brackets escaped so that prose never becomes HTML."""
    return "" if text is None else str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _mermaid_text(text: str) -> str:
    """A label mermaid accepts inside a state diagram (no quotes, colons, semicolons or hashes)."""
    return re.sub(r"[\"':;#{}<>]", " ", text).strip()


def _indent(text: str, width: int = 4) -> str:
    """Indent every non-empty line (content tabs and admonitions nest by indentation)."""
    pad = " " * width
    return "\n".join(pad + line if line.strip() else "" for line in text.split("\n"))


def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False).rstrip("\n")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# ---------------------------------------------------------------------------------------------
# Pages and links


def term_page(term_id: str) -> str:
    return f"terms/{term_id}.md"


def version_page(version_id: str, part: str = "index") -> str:
    return f"versions/{version_id}/{part}.md"


def diff_page(ids: Iterable[str]) -> str:
    return "diffs/" + "_to_".join(ids) + ".md"


VERSION_PARTS = [
    ("index", "Overview"),
    ("obligations", "Obligations"),
    ("payments", "Payments"),
    ("parameters", "Parameters"),
    ("roles", "Additional roles"),
    ("sanctions", "Sanctions"),
]


def relative(from_page: str, to_page: str) -> str:
    """A link from one docs page to another, relative to the first (mkdocs checks them in strict mode)."""
    anchor = ""
    if "#" in to_page:
        to_page, anchor = to_page.split("#", 1)
        anchor = "#" + anchor
    if not to_page:
        return anchor
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".") + anchor


# ---------------------------------------------------------------------------------------------
# Optional modules by other parts of the project: used when present


def _optional(module: str) -> Any | None:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            return None
        raise


# ---------------------------------------------------------------------------------------------
# The model of the whole site


@dataclass
class TermHistory:
    """One term id across every version that has it, in version order."""

    id: str
    entries: list[tuple[Version, Any]] = field(default_factory=list)

    @property
    def latest(self) -> Any:
        return self.entries[-1][1]

    @property
    def current(self) -> tuple[Version, Any]:
        """The newest contract year that has the term (drafts and proposals only if nothing else)."""
        settled = [(v, t) for v, t in self.entries if v.meta.status in (Status.in_force, Status.superseded)]
        return (settled or self.entries)[-1]


@dataclass
class Change:
    """How one term differs between two versions (from contract.analysis.diff when it is present)."""

    kind: str
    summary: str = ""


class Site:
    """Everything the templates need, computed once from the specs."""

    def __init__(self, root: Path = SPECS_ROOT, docs_dir: Path = DOCS_ROOT):
        self.root = root
        self.docs_dir = docs_dir
        ids = version_ids(root)
        loaded = [load_version(v, root) for v in ids]
        self.versions: list[Version] = sorted(
            loaded, key=lambda v: (v.meta.in_force.start, v.meta.published, v.id))
        self.by_id = {v.id: v for v in self.versions}
        self.order = {v.id: i for i, v in enumerate(self.versions)}
        self.fields = catalogue(root)
        self.histories: dict[str, TermHistory] = {}
        for version in self.versions:
            for term_id, term in version.terms.items():
                self.histories.setdefault(term_id, TermHistory(term_id)).entries.append((version, term))
        self.cases = self._load_cases()
        self.diff_module = _optional("contract.analysis.diff")
        self.sanctions_module = _optional("contract.evaluation.sanctions")
        self.timeline = load_timeline(root)
        self.glossary = load_glossary(root)

    # --- cases --------------------------------------------------------------------------------

    def _load_cases(self) -> dict[tuple[str, str], list[Any]]:
        """(version id, term id) -> the author cases whose expectations name the term."""
        module = _optional("contract.evaluation.cases")
        found: dict[tuple[str, str], list[Any]] = {}
        if module is None:
            return found
        for version in self.versions:
            for loaded in module.load_cases(version.id, self.root):
                for term_id in dict.fromkeys(e.term for e in loaded.case.expect):
                    found.setdefault((version.id, term_id), []).append(loaded)
        return found

    @property
    def case_count(self) -> int:
        return len({(c.file, c.case.name) for cases in self.cases.values() for c in cases})

    # --- labels and words ---------------------------------------------------------------------

    def labels(self, version: Version) -> dict[str, str]:
        """Words for the names an expression may use: field labels and parameter titles."""
        words = {f.name: f.label[0].lower() + f.label[1:] for f in self.fields.values()}
        for term in version.terms.values():
            if isinstance(term, Parameter):
                words[term.id] = term.title[0].lower() + term.title[1:]
        words["as_of"] = "the as-of date"
        return words

    def words(self, version: Version, text: str | None, condition: bool) -> str:
        if not text:
            return ""
        try:
            tree = parse_condition(text) if condition else parse_formula(text)
        except ExpressionError:
            return text
        return to_sentence(tree, self.labels(version))

    def names_in(self, text: str | None, condition: bool) -> list[str]:
        if not text:
            return []
        try:
            return sorted(refs(parse_condition(text) if condition else parse_formula(text)))
        except ExpressionError:
            return []

    def due_words(self, version: Version, due: str | None) -> str:
        if not due:
            return ""
        try:
            return day(date.fromisoformat(due))
        except ValueError:
            pass
        param = version.terms.get(due)
        if isinstance(param, Parameter) and param.values:
            return " then ".join(value_words(param, v.value) for v in param.values)
        return due

    def rate_words(self, version: Version, rate_id: str | None) -> str:
        """A rate parameter's values in words, with the dates they take effect when several."""
        param = version.terms.get(rate_id) if rate_id else None
        if not isinstance(param, Parameter):
            return rate_id or ""
        if param.formula:
            return self.words(version, param.formula, condition=False)
        if len(param.values) == 1:
            return value_words(param, param.values[0].value)
        return "; ".join(f"{value_words(param, v.value)} from {day(v.effective)}" for v in param.values)

    def name_words(self, version: Version, name: str | None) -> str:
        if not name:
            return ""
        return self.labels(version).get(name, name.replace("_", " "))

    # --- versions, pairs, chains --------------------------------------------------------------

    def is_year(self, version: Version) -> bool:
        return version.meta.status in (Status.in_force, Status.superseded) and not version.meta.base

    @cached_property
    def pairs(self) -> list[tuple[str, str]]:
        """The diffs the site shows: consecutive contract years; each overlay against its base; each
        draft or proposal against the contract year it became."""
        found: list[tuple[str, str]] = []
        years = [v for v in self.versions if self.is_year(v)]
        found += [(a.id, b.id) for a, b in itertools.pairwise(years)]
        for version in self.versions:
            if version.meta.base and version.meta.base in self.by_id:
                found.append((version.meta.base, version.id))
            if version.meta.status in (Status.draft, Status.proposal):
                found += [(version.id, y.id) for y in years if y.meta.in_force.start == version.meta.in_force.start]
        unique = list(dict.fromkeys(found))
        return sorted(unique, key=lambda p: (self.order[p[1]], self.order[p[0]]))

    @cached_property
    def chains(self) -> list[tuple[str, ...]]:
        """base → draft or proposal → the contract year it became."""
        found = []
        for a, b in self.pairs:
            for b2, c in self.pairs:
                if b2 == b and self.by_id[b].meta.base == a and self.by_id[b].meta.status in (
                        Status.draft, Status.proposal) and self.is_year(self.by_id[c]):
                    found.append((a, b, c))
        return found

    # --- diffs --------------------------------------------------------------------------------

    @cached_property
    def diffs(self) -> dict[tuple[str, str], Any]:
        if self.diff_module is None:
            return {}
        return {(a, b): self.diff_module.diff(self.by_id[a], self.by_id[b]) for a, b in self.pairs}

    @cached_property
    def multi_diffs(self) -> dict[tuple[str, ...], Any]:
        if self.diff_module is None or not hasattr(self.diff_module, "diff_many"):
            return {}
        return {c: self.diff_module.diff_many([self.by_id[v] for v in c]) for c in self.chains}

    def change(self, pair: tuple[str, str], term_id: str) -> Change | None:
        """How `term_id` changed between the two versions of `pair`; None when it did not."""
        a, b = (self.by_id[v].terms.get(term_id) for v in pair)
        if a is None and b is None:
            return None
        diff = self.diffs.get(pair)
        if diff is not None:
            found = _term_change(diff, term_id)
            if found is not None:
                return found
            if a == b:
                return None
        if a is None:
            return Change("added")
        if b is None:
            return Change("removed")
        return None if a == b else Change("changed")

    # --- sanctions ----------------------------------------------------------------------------

    def chart(self, version: Version, term: Any) -> Any | None:
        """contract.evaluation.sanctions' runnable statechart of a sanction term, when the module is present
        and the term's steps say how events move between them."""
        if self.sanctions_module is None or not getattr(term, "is_ladder", False):
            return None
        return self.sanctions_module.ladder(version, term.id).chart

    def ladder(self, version: Version, term: Any) -> str:
        """The mermaid state diagram of one sanction term: from the statechart the engine runs
        when there is one, otherwise from the steps in order."""
        chart = self.chart(version, term)
        if chart is not None:
            return statechart_mermaid(term, chart)
        return sanction_mermaid(term)


def _term_change(diff: Any, term_id: str) -> Change | None:
    """A term's change in a contract.analysis.diff VersionDiff: its classes, and the change in words."""
    from contract.analysis.diff import describe

    for item in diff.changes:
        if item.id == term_id:
            classes = ", ".join(c.value.replace("_", " ") for c in item.classes)
            return Change(f"{item.state.value}: {classes}" if classes else item.state.value, describe(item))
    return None


def tally(diff: Any) -> dict[str, int]:
    """Terms added, removed and changed, and terms carrying each class, counted from the changes
    themselves (the class `changed` is called `unranked` here, to keep it apart from the state)."""
    counts = {"added": 0, "removed": 0, "changed": 0, "unranked": 0, "unfunded": 0}
    for item in diff.changes:
        counts[item.state.value] += 1
        for cls in item.classes:
            key = "unranked" if cls.value == "changed" else cls.value
            counts[key] = counts.get(key, 0) + 1
        counts["unfunded"] += bool(item.unfunded)
    for key in ("new_obligation", "obligation_dropped", "funding_up", "funding_down", "stricter", "looser",
                "timing", "editorial"):
        counts.setdefault(key, 0)
    return counts


def signed_money(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    if amount == 0:
        return "£0"
    return ("+" if amount > 0 else "−") + money(abs(amount))


def _critic_text(text: str) -> str:
    """Text that can sit inside CriticMarkup and a table cell: escaped, one line, no markers."""
    text = _cell(text)
    for marker in ("{++", "++}", "{--", "--}", "{~~", "~~}", "~>", "{==", "==}", "{>>", "<<}"):
        text = text.replace(marker, marker[0] + "\u200b" + marker[1:])
    return text


def critic(segments: Iterable[Any]) -> str:
    """A contract.lang.redline redline as CriticMarkup, every piece of text escaped for Markdown."""
    from contract.lang.redline import Segment, to_critic

    return to_critic([Segment(op=s.op, text=_critic_text(s.text) if s.text.strip() else s.text) for s in segments])


def critic_side(text: str | None, mark: str) -> str:
    """One side of a change in a table: deleted (`--`) or inserted (`++`) text, or a dash."""
    if text is None or not str(text).strip():
        return "—"
    return f"{{{mark}{_critic_text(str(text))}{mark}}}"


def sanction_mermaid(term: Any) -> str:
    """A stateDiagram of a sanction's steps in the order the term lists them. The steps say nothing
    of the events between them, so the arrows carry only what the steps do say: the cure period a
    step allows before the next may be taken. The last step ends the ladder when it is termination."""
    steps = list(getattr(term, "steps", []))
    # Left to right reads well for a short ladder; a long one would shrink to illegibility.
    lines = ["stateDiagram-v2", "    direction LR" if len(steps) <= 4 else "    direction TB"]
    for step in steps:
        lines.append(f'    state "{_mermaid_text(step.title)}" as {step.state}')
    if steps:
        lines.append(f"    [*] --> {steps[0].state}")
    for here, there in itertools.pairwise(steps):
        label = f": after a cure period of {here.cure_days} days" if here.cure_days else ""
        lines.append(f"    {here.state} --> {there.state}{label}")
    if steps and steps[-1].state == "termination":
        lines.append(f"    {steps[-1].state} --> [*]")
    return "\n".join(lines)


COMMON_MOVE = 5
"""A move (event → next state) taken from at least this many states is not drawn as an arrow from
each: a sanction statechart lets a commissioner terminate or serve a notice from almost anywhere,
and drawing each arrow would bury the ladder. The page says those moves in words instead."""


def _common_moves(chart: Any) -> dict[tuple[str, str], list[str]]:
    sources: dict[tuple[str, str], list[str]] = {}
    for state, moves in chart.transitions:
        for event, target in moves:
            if target != state:
                sources.setdefault((event, target), []).append(state)
    return {move: froms for move, froms in sources.items() if len(froms) >= COMMON_MOVE}


def statechart_mermaid(term: Any, chart: Any) -> str:
    """A contract.evaluation.sanctions statechart (its `transitions`: (state, ((event, target), ...)) pairs,
    the table the engine's durable_rules statechart is built from) as a mermaid stateDiagram.

    Each arrow is a dated event; events that lead to the same state are drawn as one arrow. Events
    that leave the state as it is (a further withholding while a notice runs) are not drawn, nor are
    moves common to many states (see COMMON_MOVE, and `common_moves` for the words); the table of
    moves beside the diagram has every one. A state with no way out is final."""
    titles = {step.state: step.title for step in getattr(term, "steps", [])}
    common = _common_moves(chart)
    lines = ["stateDiagram-v2"]
    for state, _moves in chart.transitions:
        lines.append(f'    state "{_mermaid_text(titles.get(state, state.replace("_", " ")))}" as {state}')
    lines.append(f"    [*] --> {chart.initial}")
    for state, moves in chart.transitions:
        arrows: dict[str, list[str]] = {}
        for event, target in moves:
            if target != state and (event, target) not in common:
                arrows.setdefault(target, []).append(event.replace("_", " "))
        for target, events in arrows.items():
            lines.append(f"    {state} --> {target}: {_mermaid_text(' / '.join(events))}")
        if not moves:
            lines.append(f"    {state} --> [*]")
    return "\n".join(lines)


def common_moves(term: Any, chart: Any) -> list[str]:
    """The moves the diagram leaves out because many states take them, in words (Markdown)."""
    titles = {step.state: step.title for step in getattr(term, "steps", [])}
    states = [state for state, _moves in chart.transitions]
    live = [state for state, moves in chart.transitions if moves]
    said = []
    for (event, target), froms in sorted(_common_moves(chart).items(), key=lambda m: (states.index(m[0][1]), m[0][0])):
        others = [s for s in live if s not in froms and s != target]
        where = (f"from every state but {', '.join(_md(titles.get(s, s)) for s in others)}" if others
                 else "from every state")
        said.append(f"*{event.replace('_', ' ')}* leads to **{_md(titles.get(target, target))}** {where}")
    return said


def transition_table(term: Any, chart: Any) -> dict[str, Any]:
    """Every move of a statechart as a matrix: a row per state, a column per event it takes, the
    next state in each cell ("stays" when the event leaves the state as it is)."""
    titles = {step.state: step.title for step in getattr(term, "steps", [])}
    events = list(dict.fromkeys(e for _state, moves in chart.transitions for e, _t in moves))
    rows = []
    for state, moves in chart.transitions:
        found = dict(moves)
        cells = ["stays" if found.get(e) == state else _cell(titles.get(found[e], found[e])) if e in found else ""
                 for e in events]
        rows.append([f"**{_cell(titles.get(state, state))}**", *cells])
    return {"header": ["State", *[e.replace("_", " ") for e in events]], "rows": rows}


# ---------------------------------------------------------------------------------------------
# A term in words: the rows of its "rule" table, and its tables of values, roles, steps, indicators


def _unit_words(param: Any) -> str:
    per, period = getattr(param, "per", None), getattr(param, "period", None)
    return " ".join(filter(None, [PER_WORDS.get(str(per), str(per)) if per else "",
                                  PERIOD_WORDS.get(str(period), "") if period else ""]))


def _amount_words(param: Any, value: Any) -> str:
    return value_words(param.model_copy(update={"per": None, "period": None}), value) \
        if isinstance(param, Parameter) else str(value)


ROUNDING_WORDS = {"penny": "to the penny", "whole": "to a whole number",
                  "quarter_hour_minutes": "to the nearest quarter of an hour"}


def rule_rows(site: Site, version: Version, term: Any, link: Callable[..., str]) -> list[dict[str, str]]:
    """(label, words, expression) rows that say what the term asks, gives or does, in words."""
    rows: list[dict[str, str]] = []

    def row(label: str, words: str, code: str = "") -> None:
        if words:
            rows.append({"label": label, "words": words, "code": code})

    def expr(label: str, text: str | None, condition: bool) -> None:
        if text:
            row(label, _md(site.words(version, text, condition)), text)

    def links(ids: Iterable[str]) -> str:
        return ", ".join(link(i, site.histories[i].latest.title if i in site.histories else None) for i in ids)

    kind = term.kind
    level = getattr(term, "level", None)
    if kind == "parameter":
        if term.formula:
            expr("Value", term.formula, condition=False)
        elif len(term.values) == 1:
            row("Value", _md(value_words(term, term.values[0].value)))
        else:
            row("Value", f"{len(term.values)} values over time (below); from {day(term.values[-1].effective)}: "
                         + _md(value_words(term, term.values[-1].value)))
        row("Unit", " ".join(filter(None, [str(term.unit.value), _unit_words(term)])))
        if term.rounding:
            row("Rounding", ROUNDING_WORDS.get(term.rounding, term.rounding))
    elif kind == "obligation":
        row("Who", _md(term.who))
        expr("Met when", term.requirement, condition=True)
        expr("Applies when", term.applies_when, condition=True)
        if term.due:
            row("Due", _md(site.due_words(version, term.due)), term.due)
        row("How often", _md(term.frequency or ""))
        row("Paid for by", links(term.funded_by) if term.funded_by else "**no funding attached**")
        row("Money at risk", links(term.funds))
        row("Work", _md(term.workload or ""))
    elif kind == "entitlement":
        row("Who pays whom", _md(f"{term.payer} pays {term.payee}"))
        method = str(getattr(term.method, "value", term.method))
        if term.rate:
            row("Rate", link(term.rate, _md(site.rate_words(version, term.rate))))
        if term.basis:
            expr("Basis", term.basis, condition=False)
        if method == "rate_times_basis":
            row("Amount", "the rate × the basis, pro rata to the months of the accrual period the rate covers")
        elif method == "staff_reimbursement":
            row("Amount", "each eligible post reimbursed at the roles table's share of actual cost, up to its maximum")
        else:
            row("Amount", _md(method.replace("_", " ")))
        if term.roles:
            row("Roles", link(term.roles))
        for attr, label in (("indicators", "Indicators"), ("list_adjustment", "List-size adjustment"),
                            ("aspiration", "Aspiration payments")):
            if getattr(term, attr, None):
                row(label, link(getattr(term, attr)))
        expr("Eligible when", term.eligible_when, condition=True)
        row("Accrues", f"{day(term.accrual.start)} to {day(term.accrual.end)}")
        schedule = term.schedule
        words = _md(schedule.description)
        if schedule.first_payment:
            words += f" First payment {day(schedule.first_payment)}."
        if getattr(schedule, "final_payment", None):
            words += f" Final payment {day(schedule.final_payment)}."
        row("Paid", words)
    elif kind == "sanction":
        row("Starts when", "an obligation of the version is not met" if not term.applies_to
            else "one of these is not met: " + links(term.applies_to))
        row("Steps", " → ".join(_md(s.title) for s in term.steps))
    elif kind == "roles":
        if term.posts_per_role:
            row("Posts per role", link(term.posts_per_role))
        row("Additional staff only", "yes" if term.requires_additional else "no")
    elif kind == "indicators":
        if getattr(term, "max_points", None) is not None:
            row("Points available", number(term.max_points))
        if getattr(term, "achieved_points", None):
            row("Points achieved (input)", _md(site.name_words(version, term.achieved_points)), term.achieved_points)
    if level is not None:
        row("Level", str(getattr(level, "value", level)))
    if term.in_effect:
        row("In effect", f"{day(term.in_effect.start)} to {day(term.in_effect.end)}")
    return rows


def _sources(citations: Iterable[Citation]) -> str:
    return "; ".join(f"[{_cell(c.title)}]({c.url}) ({c.confidence.value}{', ⚠' if c.caveat else ''})"
                     for c in citations)


def term_tables(site: Site, version: Version, term: Any) -> list[dict[str, Any]]:
    """The term's tables: dated values, roles, sanction steps, indicators."""
    tables = []
    if getattr(term, "values", None):
        tables.append({
            "title": "Values by the date they take effect",
            "header": ["Effective", "Value", "Decided", "Note", "Source"],
            "rows": [[day(v.effective), _cell(value_words(term, v.value)), day(v.decided), _cell(v.note or ""),
                      _sources(v.citations)] for v in term.values],
            "citations": [c for v in term.values for c in v.citations]})
    if getattr(term, "roles", None) and isinstance(term.roles, list):
        tables.append({
            "title": "Roles",
            "header": ["Role", "Reimbursed", "Maximum per WTE a year", "From", "Source"],
            "rows": [[f"{_cell(r.title)} (`{r.role}`)", f"{number(r.reimbursed_percent)}%",
                      money(r.max_per_wte_year) if r.max_per_wte_year is not None else "not stated",
                      day(r.available_from), _sources(r.citations)] for r in term.roles],
            "citations": [c for r in term.roles for c in r.citations]})
    if term.kind == "sanction":
        tables.append({
            "title": "Steps",
            "header": ["Step", "What happens", "Cure period", "Money", "Source"],
            "rows": [[f"{_cell(s.title)} (`{s.state}`)", _cell(s.summary),
                      f"{s.cure_days} days" if s.cure_days else "", s.money or "", _sources(s.citations)]
                     for s in term.steps],
            "citations": [c for s in term.steps for c in s.citations]})
    if term.kind == "indicators" and getattr(term, "indicators", None):
        def reads(i: Any) -> str:
            names = [i.achievement] if i.achievement else [i.numerator, i.denominator, *i.exclusions]
            return ", ".join(f"`{n}`" for n in names if n)

        def points(value: Any) -> str:
            return "not found" if value is None else number(value)

        tables.append({
            "title": "Indicators",
            "header": ["Code", "Indicator", "Points", "Lower", "Upper", "Reads", "Source"],
            "rows": [[f"`{i.id}`", _cell(i.title), points(i.points),
                      f"{number(i.lower)}%" if i.lower is not None else "not found",
                      f"{number(i.upper)}%" if i.upper is not None else "not found",
                      reads(i), _sources(i.citations)] for i in term.indicators],
            "citations": [c for i in term.indicators for c in i.citations]})
    return tables


def term_yaml(term: Any) -> str:
    """The term as the spec holds it, after loading: its model dumped to YAML."""
    return _yaml(term.model_dump(mode="json", exclude_none=True))


def case_yaml(loaded: Any) -> str:
    data = loaded.case.model_dump(mode="json", exclude_defaults=True)
    for key in ("name", "as_of", "source", "working"):
        data.pop(key, None)
    return _yaml(data)


CONFIDENCE_ORDER = ["official", "secondary", "derived"]


def weakest(citations: Iterable[Citation]) -> str:
    """The least certain confidence among the citations (official, then secondary, then derived)."""
    levels = [CONFIDENCE_ORDER.index(c.confidence.value) for c in citations]
    return CONFIDENCE_ORDER[max(levels)] if levels else ""


def caveats(citations: Iterable[Citation]) -> list[Citation]:
    """The citations with a caveat, once each, in order."""
    seen: dict[tuple[str, str], Citation] = {}
    for c in citations:
        if c.caveat and (c.url, c.caveat) not in seen:
            seen[(c.url, c.caveat)] = c
    return list(seen.values())


# ---------------------------------------------------------------------------------------------
# The CLI and API reference


def _metavar(action: argparse.Action) -> str:
    if action.metavar:
        return str(action.metavar)
    if action.choices and action.option_strings:
        return "{" + ",".join(str(c) for c in action.choices) + "}"
    return action.dest.upper()


def _usage(prog: str, parser: argparse.ArgumentParser) -> str:
    """The usage line, built from the parser's actions (argparse's own wraps to the terminal width)."""
    parts = [prog]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        name = _metavar(action)
        if not action.option_strings:
            parts.append({"*": f"[{name} ...]", "+": f"{name} [{name} ...]", "?": f"[{name}]"}.get(
                str(action.nargs), name))
            continue
        flag = action.option_strings[-1] if action.option_strings[-1].startswith("--") else action.option_strings[0]
        text = flag if action.nargs == 0 else f"{flag} {name}"
        parts.append(text if action.required else f"[{text}]")
    return " ".join(parts)


def cli_reference() -> dict[str, Any]:
    from contract.cli.app import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {c.dest: c.help for c in sub._choices_actions}
    commands = []
    for name, command in sub.choices.items():
        nested = [a for a in command._actions if isinstance(a, argparse._SubParsersAction)]
        subcommands = []
        if nested:
            inner = nested[0]
            inner_helps = {c.dest: c.help for c in inner._choices_actions}
            for child_name, child in inner.choices.items():
                subcommands.append({"name": f"{name} {child_name}", "help": inner_helps.get(child_name, ""),
                                    "usage": _usage(f"contract {name} {child_name}", child),
                                    "arguments": _arguments(child)})
        commands.append({"name": name, "help": helps.get(name, ""),
                         "usage": _usage(f"contract {name}", command) + (" COMMAND" if nested else ""),
                         "arguments": _arguments(command), "subcommands": subcommands})
    return {"description": parser.description, "commands": commands}


def _arguments(parser: argparse.ArgumentParser) -> list[dict[str, str]]:
    rows = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        name = ", ".join(action.option_strings) or (action.metavar or action.dest.upper())
        details = []
        if action.choices:
            details.append("one of " + ", ".join(f"`{c}`" for c in action.choices))
        if action.required:
            details.append("required")
        if isinstance(action, argparse._AppendAction) and "repeatable" not in (action.help or ""):
            details.append("repeatable")
        rows.append({"name": name, "help": action.help or "", "details": "; ".join(details)})
    return rows


API_FUNCTIONS = [
    ("contract.spec.loader", "load_version"),
    ("contract.spec.loader", "version_ids"),
    ("contract.spec.loader", "read_meta"),
    ("contract.evaluation.evaluate", "evaluate"),
    ("contract.analysis.diff", "diff"),
    ("contract.analysis.diff", "diff_many"),
    ("contract.analysis.impact", "impact"),
    ("contract.evaluation.cases", "load_cases"),
    ("contract.io.generate", "generate"),
    ("contract.site.docs_gen", "generate"),
    ("contract.site.docs_gen", "build"),
]
"""The Python API on the reference page, in this order; a module not (yet) present is listed as such."""


def _signature(func: Callable[..., Any]) -> str:
    sig = inspect.signature(func)
    params = []
    for p in sig.parameters.values():
        text = p.name
        if p.kind is p.VAR_POSITIONAL:
            text = "*" + text
        elif p.kind is p.VAR_KEYWORD:
            text = "**" + text
        if p.annotation is not p.empty:
            text += f": {_annotation(p.annotation)}"
        if p.default is not p.empty:
            text += f" = {_default(p.default)}"
        params.append(text)
    kw_only = [i for i, p in enumerate(sig.parameters.values()) if p.kind is p.KEYWORD_ONLY]
    if kw_only and not any(p.kind is p.VAR_POSITIONAL for p in sig.parameters.values()):
        params.insert(kw_only[0], "*")
    result = f" -> {_annotation(sig.return_annotation)}" if sig.return_annotation is not sig.empty else ""
    return f"{func.__name__}({', '.join(params)}){result}"


def _annotation(value: Any) -> str:
    text = value if isinstance(value, str) else getattr(value, "__name__", repr(value))
    return re.sub(r"\b(typing|pathlib|datetime|decimal|contract\.\w+)\.", "", str(text))


def _default(value: Any) -> str:
    if isinstance(value, Path):
        # Never an absolute path on a page: name the folder relative to the checkout.
        try:
            return f"<checkout>/{value.relative_to(ROOT).as_posix()}"
        except ValueError:
            return repr(value.name)
    return repr(value)


def api_reference() -> list[dict[str, Any]]:
    found = []
    for module_name, name in API_FUNCTIONS:
        module = _optional(module_name)
        func = getattr(module, name, None) if module is not None else None
        if func is None:
            found.append({"module": module_name, "name": name, "missing": True})
            continue
        found.append({"module": module_name, "name": name, "missing": False, "signature": _signature(func),
                      "doc": inspect.cleandoc(func.__doc__ or "(no docstring)")})
    return found


def schema_reference() -> list[dict[str, Any]]:
    """Every model of contract.spec.schema with its fields and their attribute docstrings."""
    from contract.spec import schema

    models = []
    for name, obj in vars(schema).items():
        if not (inspect.isclass(obj) and issubclass(obj, BaseModel) and obj.__module__ == schema.__name__):
            continue
        if name.startswith("_") or name == "Strict":
            continue
        rows = []
        for fname, finfo in obj.model_fields.items():
            required = finfo.is_required()
            rows.append({"name": fname, "type": _annotation(finfo.annotation).replace("NoneType", "None"),
                         "required": required, "doc": finfo.description or ""})
        models.append({"name": name, "doc": inspect.cleandoc(obj.__doc__ or ""), "fields": rows})
    return models


# ---------------------------------------------------------------------------------------------
# Rendering


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=False,  # Markdown, not HTML: spec text goes through the `md` and `cell` filters
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    env.filters.update(cell=_cell, md=_md, sentence=_sentence, indent_block=_indent, yaml=_yaml, day=day,
                       money=money, pounds=pounds, number=number, slug=_slug, mermaid_text=_mermaid_text)
    env.tests["contains"] = lambda seq, item: item in seq
    return env


class Renderer:
    def __init__(self, site: Site, hand_written: dict[str, str]):
        self.site = site
        self.hand_written = hand_written
        self.env = _environment()
        self.pages: dict[str, str] = {}

    def describe(self, change: Any) -> str:
        return self.site.diff_module.describe(change) if self.site.diff_module is not None else ""

    def page(self, path: str, template: str, **context: Any) -> None:
        def href(target: str) -> str:
            return relative(path, target)

        term_link = self.term_link_for(path)

        def rules(version: Version, term: Any) -> list[dict[str, str]]:
            return rule_rows(self.site, version, term, term_link)

        text = self.env.get_template(template).render(
            site=self.site, page=path, href=href, term_link=term_link, rules=rules,
            tables=lambda v, t: term_tables(self.site, v, t), term_yaml=term_yaml, case_yaml=case_yaml,
            caveats=caveats, value_words=value_words, amount_words=_amount_words, unit_words=_unit_words,
            term_page=term_page, version_page=version_page, diff_page=diff_page,
            status_words=MODEL_STATUS_WORDS, weakest=weakest,
            hand_written=self.hand_written, tally=tally, signed_money=signed_money, critic=critic,
            critic_side=critic_side, describe=self.describe, transition_table=transition_table,
            common_moves=common_moves, sources=_sources, **context)
        text = re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"
        self.pages[path] = text

    def term_link_for(self, path: str) -> Callable[[str], str]:
        def term_link(term_id: str, text: str | None = None) -> str:
            label = text or f"`{term_id}`"
            if term_id in self.site.histories:
                return f"[{label}]({relative(path, term_page(term_id))})"
            return label

        return term_link


def render_pages(root: Path = SPECS_ROOT, docs_dir: Path = DOCS_ROOT) -> tuple[dict[str, str], str]:
    """Every generated page (path relative to docs/ -> Markdown) and the nav block for mkdocs.yml."""
    site = Site(root, docs_dir)
    hand_written = hand_written_pages(docs_dir)
    r = Renderer(site, hand_written)
    r.page("index.md", "home.md.j2", commands=cli_reference()["commands"])
    r.page("versions/index.md", "versions_index.md.j2")
    for version in site.versions:
        for part, _title in VERSION_PARTS:
            r.page(version_page(version.id, part), f"version_{part}.md.j2", version=version)
    r.page("terms/index.md", "terms_index.md.j2")
    for term_id in sorted(site.histories):
        r.page(term_page(term_id), "term.md.j2", history=site.histories[term_id])
    r.page("diffs/index.md", "diffs_index.md.j2")
    for pair in site.pairs:
        r.page(diff_page(pair), "diff.md.j2", pair=pair, diff=site.diffs.get(pair))
    for chain in site.chains:
        r.page(diff_page(chain), "diff_chain.md.j2", chain=chain, multi=site.multi_diffs.get(chain))
    r.page("timeline.md", "timeline.md.j2", event_date=event_date)
    r.page("glossary.md", "glossary.md.j2")
    r.page("includes/abbreviations.md", "abbreviations.md.j2")
    r.page("reference/cli.md", "cli.md.j2", cli=cli_reference())
    r.page("reference/api.md", "api.md.j2", functions=api_reference(), models=schema_reference())
    batch = how_to_example(site)
    r.page("how-to/commissioner-batch-run.md", "howto_commissioner.md.j2", example=batch)
    r.page("how-to/negotiator-diff.md", "howto_negotiator.md.j2", example=batch,
           commands={c["name"] for c in cli_reference()["commands"]})
    nav = render_nav(site, r.pages, hand_written)
    return dict(sorted(r.pages.items())), nav


def hand_written_pages(docs_dir: Path) -> dict[str, str]:
    """Top-level Markdown pages of docs/ the generator did not write, with their titles."""
    found = {}
    for path in sorted(docs_dir.glob("*.md")):
        name = path.name
        if name in GENERATED_FILES:
            continue
        title = HAND_WRITTEN.get(name)
        if title is None:
            heading = re.search(r"^# (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
            title = heading.group(1).strip() if heading else name.removesuffix(".md").replace("-", " ").capitalize()
        found[name] = title
    return found


def how_to_example(site: Site) -> dict[str, Any]:
    """The versions and date the how-to pages use. The commissioner evaluates the newest contract
    year at the start of its seventh month (so that the year is well under way); the negotiator
    compares the newest proposal (or draft) with its base, else the last two contract years."""
    years = [v for v in site.versions if site.is_year(v)] or site.versions
    version = years[-1]
    start = version.meta.in_force.start
    month = start.month + 6
    as_of = date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    overlays = [v for v in site.versions if v.meta.base and v.meta.status in (Status.proposal, Status.draft)]
    if overlays:
        pair = (overlays[-1].meta.base, overlays[-1].id)
    elif len(site.versions) > 1:
        pair = (site.versions[-2].id, site.versions[-1].id)
    else:
        pair = (version.id, version.id)
    chain = next((c for c in site.chains if c[:2] == pair), None)
    b = site.by_id[pair[1]]
    entitlements = b.of_kind("entitlement") or list(b.terms.values())
    return {"version": version.id, "as_of": as_of.isoformat(), "pair": pair, "chain": chain,
            "term": entitlements[0].id}


def render_nav(site: Site, pages: dict[str, str], hand_written: dict[str, str]) -> str:
    guides: list[Any] = [
        {"Commissioner: a batch run": "how-to/commissioner-batch-run.md"},
        {"Negotiator: compare two versions": "how-to/negotiator-diff.md"},
    ]
    guides += [{title: name} for name, title in hand_written.items()]
    versions: list[Any] = ["versions/index.md"]
    for version in site.versions:
        versions.append({version.id: [version_page(version.id, part) if part == "index"
                                      else {title: version_page(version.id, part)}
                                      for part, title in VERSION_PARTS]})
    diffs: list[Any] = ["diffs/index.md"]
    diffs += [{" → ".join(pair): diff_page(pair)} for pair in site.pairs]
    diffs += [{" → ".join(chain): diff_page(chain)} for chain in site.chains]
    nav = [
        {"Home": "index.md"},
        {"Guides": guides},
        {"Versions": versions},
        {"Terms": ["terms/index.md"]},
        {"Changes": diffs},
        {"History": [{"Timeline": "timeline.md"}, {"Glossary": "glossary.md"}]},
        {"Reference": [{"Command line": "reference/cli.md"}, {"Python API": "reference/api.md"}]},
    ]
    for entry in _nav_paths(nav):
        if entry not in pages and entry not in hand_written:
            raise AssertionError(f"nav names {entry}, which is not generated")
    return _yaml({"nav": nav})


def _nav_paths(nav: Any) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [p for item in nav for p in _nav_paths(item)]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in _nav_paths(value)]
    return []


# ---------------------------------------------------------------------------------------------
# Writing and building


@dataclass
class Generated:
    written: list[str]
    unchanged: list[str]
    removed: list[str]
    nav_changed: bool


def replace_nav(config_text: str, nav: str) -> str:
    begin, end = config_text.find(NAV_BEGIN), config_text.find(NAV_END)
    if begin < 0 or end < begin:
        raise ValueError(f"mkdocs.yml has no generated nav block ({NAV_BEGIN!r} … {NAV_END!r})")
    return config_text[:begin] + NAV_BEGIN + "\n" + nav + "\n" + config_text[end:]


def generate(docs_dir: Path = DOCS_ROOT, config: Path | None = CONFIG, root: Path = SPECS_ROOT) -> Generated:
    """Render every generated page into `docs_dir` (and the nav into `config`), deleting stale
    generated pages. Files whose bytes would not change are not touched."""
    check_assets(docs_dir)
    pages, nav = render_pages(root, docs_dir)
    written, unchanged, removed = [], [], []
    for rel, text in pages.items():
        path = docs_dir / rel
        data = text.encode("utf-8")
        if path.exists() and path.read_bytes() == data:
            unchanged.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(rel)
    for folder in GENERATED_DIRS:
        for path in sorted((docs_dir / folder).rglob("*")):
            rel = path.relative_to(docs_dir).as_posix()
            if path.is_file() and rel not in pages:
                path.unlink()
                removed.append(rel)
        for path in sorted((docs_dir / folder).rglob("*"), reverse=True):
            if path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    nav_changed = False
    if config is not None:
        old = config.read_text(encoding="utf-8")
        new = replace_nav(old, nav)
        if new != old:
            config.write_text(new, encoding="utf-8")
            nav_changed = True
    return Generated(written, unchanged, removed, nav_changed)


def check_assets(docs_dir: Path = DOCS_ROOT) -> None:
    """The vendored mermaid must be the pinned one: the site must never fall back to a CDN."""
    path = docs_dir / MERMAID_JS
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: vendor mermaid {MERMAID_VERSION} "
                                "(see docs/javascripts/vendor/README.txt)")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != MERMAID_SHA256:
        raise ValueError(f"{path} is not mermaid {MERMAID_VERSION} (sha256 {digest}); "
                         "update MERMAID_SHA256 deliberately")


class BuildError(RuntimeError):
    """mkdocs failed, or warned (strict mode)."""


def build(site_dir: Path | None = None, config: Path = CONFIG, regenerate: bool = True) -> str:
    """Generate the pages (unless `regenerate` is false), then ``mkdocs build --strict``. Returns
    mkdocs' log; raises BuildError when it fails or logs a warning."""
    if regenerate:
        generate(config.parent / "docs", config)
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f", str(config)]
    if site_dir is not None:
        command += ["--site-dir", str(Path(site_dir).resolve())]
    # Material prints an end-of-life notice on every build unless told not to.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(command, cwd=config.parent, capture_output=True, text=True, env=env, check=False)
    log = done.stdout + done.stderr
    warnings: list[str] = []
    for line in log.splitlines():
        if line.startswith(("WARNING", "ERROR")):
            warnings.append(line)
        elif warnings and line.startswith((" ", "\t", "-")) and not line.startswith(("INFO", "DEBUG")):
            warnings.append(line)  # the continuation lines of a warning (the pages it names)
    if done.returncode != 0 or warnings:
        raise BuildError("mkdocs build --strict failed:\n" + ("\n".join(warnings) or log))
    return log


def main(argv: list[str] | None = None) -> int:
    """`python -m contract.site.docs_gen [--site-dir DIR]`: generate and build (the CLI wraps this)."""
    parser = argparse.ArgumentParser(prog="python -m contract.site.docs_gen")
    parser.add_argument("--site-dir", type=Path)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    build(args.site_dir)
    print(f"built in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
