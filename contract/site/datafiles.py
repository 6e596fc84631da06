"""The site's own data files: ``specs/timeline.yaml`` and ``specs/glossary.yaml``, validated."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from contract.lang.text import day
from contract.spec.loader import SPECS_ROOT
from contract.spec.schema import Citation, Citations
from contract.spec.yamlio import SpecError, load_yaml


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
    """The timeline, its events in date order, each dated no more precisely than its sources allow."""
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
    """The glossary; a word or an abbreviation defined twice is an error."""
    glossary: Glossary = _read(Glossary, root / "glossary.yaml")
    seen: set[str] = set()
    for i, entry in enumerate(glossary.entries):
        for key in filter(None, (entry.term.lower(), entry.abbr)):
            if key in seen:
                raise SpecError(root / "glossary.yaml", f"entries.{i}", f"{key!r} is defined twice")
            seen.add(key)
    return glossary


def event_date(event: TimelineEvent) -> str:
    """An event's date as precisely as it is known: 2019, January 2019, 1 April 2019, 4–6 March 2020."""
    if event.precision == "year":
        return f"{event.date:%Y}"
    if event.precision == "month":
        return f"{event.date:%B %Y}"
    if event.end is None:
        return day(event.date)
    if (event.end.year, event.end.month) == (event.date.year, event.date.month):
        return f"{event.date.day}–{event.end.day} {event.end:%B %Y}"
    return f"{day(event.date)} – {day(event.end)}"
