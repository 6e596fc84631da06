"""The model of the whole site, computed once from the specs: every version in order, each term's
history across versions, the author test cases that name each term, the diffs the site shows and
the sanction statecharts."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from contract.analysis.diff import MultiDiff, VersionDiff, describe, diff, diff_many
from contract.evaluation.cases import LoadedCase, load_cases
from contract.evaluation.sanctions import ladder
from contract.lang.expressions import ExpressionError, parse_condition, parse_formula, refs, to_sentence
from contract.lang.text import day
from contract.render.vocab import CHANGE_CLASS_WORDS
from contract.site.datafiles import load_glossary, load_timeline
from contract.site.mermaid import sanction_mermaid, statechart_mermaid
from contract.site.words import value_words
from contract.spec.loader import SPECS_ROOT, catalogue, load_version, version_ids
from contract.spec.schema import Parameter, Status, Version

SETTLED = (Status.in_force, Status.superseded)
"""Statuses of a contract year that was (or is) the contract, as opposed to a draft or a proposal."""

DRAFTS = (Status.draft, Status.proposal)


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
        settled = [(v, t) for v, t in self.entries if v.meta.status in SETTLED]
        return (settled or self.entries)[-1]


@dataclass
class Change:
    """How one term differs between two versions, in words: its state and classes, and what moved."""

    words: str
    summary: str = ""


def term_change(version_diff: VersionDiff, term_id: str) -> Change | None:
    """A term's change in a VersionDiff: its state and classes in words, and the change described."""
    for item in version_diff.changes:
        if item.id == term_id:
            classes = "; ".join(CHANGE_CLASS_WORDS[c] for c in item.classes)
            return Change(f"{item.state.value}: {classes}" if classes else item.state.value, describe(item))
    return None


class Site:
    """Everything the templates need, computed once from the specs."""

    def __init__(self, root: Path = SPECS_ROOT):
        self.root = root
        loaded = [load_version(v, root) for v in version_ids(root)]
        self.versions: list[Version] = sorted(loaded, key=lambda v: (v.meta.in_force.start, v.meta.published, v.id))
        self.by_id = {v.id: v for v in self.versions}
        self.order = {v.id: i for i, v in enumerate(self.versions)}
        self.fields = catalogue(root)
        self.histories: dict[str, TermHistory] = {}
        for version in self.versions:
            for term_id, term in version.terms.items():
                self.histories.setdefault(term_id, TermHistory(term_id)).entries.append((version, term))
        self.cases = self._load_cases()
        self.timeline = load_timeline(root)
        self.glossary = load_glossary(root)

    # --- cases --------------------------------------------------------------------------------

    def _load_cases(self) -> dict[tuple[str, str], list[LoadedCase]]:
        """(version id, term id) -> the author cases whose expectations name the term."""
        found: dict[tuple[str, str], list[LoadedCase]] = {}
        for version in self.versions:
            for loaded in load_cases(version.id, self.root):
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
        """A condition or formula of the version in words (as written when it does not parse)."""
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
        """An input field or parameter by its label (its name, spaced, when it has none)."""
        if not name:
            return ""
        return self.labels(version).get(name, name.replace("_", " "))

    # --- versions, pairs, chains --------------------------------------------------------------

    def is_year(self, version: Version) -> bool:
        return version.meta.status in SETTLED and not version.meta.base

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
            if version.meta.status in DRAFTS:
                found += [(version.id, y.id) for y in years if y.meta.in_force.start == version.meta.in_force.start]
        unique = list(dict.fromkeys(found))
        return sorted(unique, key=lambda p: (self.order[p[1]], self.order[p[0]]))

    @cached_property
    def chains(self) -> list[tuple[str, ...]]:
        """base → draft or proposal → the contract year it became."""
        found = []
        for a, b in self.pairs:
            for b2, c in self.pairs:
                if (b2 == b and self.by_id[b].meta.base == a and self.by_id[b].meta.status in DRAFTS
                        and self.is_year(self.by_id[c])):
                    found.append((a, b, c))
        return found

    # --- diffs --------------------------------------------------------------------------------

    @cached_property
    def diffs(self) -> dict[tuple[str, str], VersionDiff]:
        return {(a, b): diff(self.by_id[a], self.by_id[b]) for a, b in self.pairs}

    @cached_property
    def multi_diffs(self) -> dict[tuple[str, ...], MultiDiff]:
        return {c: diff_many([self.by_id[v] for v in c]) for c in self.chains}

    def change(self, pair: tuple[str, str], term_id: str) -> Change | None:
        """How `term_id` changed between the two versions of `pair`; None when it did not."""
        return term_change(self.diffs[pair], term_id)

    # --- sanctions ----------------------------------------------------------------------------

    def chart(self, version: Version, term: Any) -> Any | None:
        """contract.evaluation.sanctions' runnable statechart of a sanction term, when the term's steps
        say how events move between them."""
        if not getattr(term, "is_ladder", False):
            return None
        return ladder(version, term.id).chart

    def ladder(self, version: Version, term: Any) -> str:
        """The mermaid state diagram of one sanction term: from the statechart the engine runs
        when there is one, otherwise from the steps in order."""
        chart = self.chart(version, term)
        if chart is not None:
            return statechart_mermaid(term, chart)
        return sanction_mermaid(term)
