"""Sanction events: what happened to a practice or network on a sanction ladder, and when.

An events file is CSV or JSON (a list of objects) with these columns; only ``entity_code``,
``date`` and ``event`` are required, and the others only where the event needs them:

============  ==========================================================================
column        meaning
============  ==========================================================================
entity_code   the practice or network code (``entity`` is accepted instead, for YAML cases)
date          the day it happened: 2019-09-02, 20190902 or 02/09/2019
event         one of :data:`RECORDED_EVENTS` (``cure_period_expired`` is derived, never recorded)
term_id       the obligation missed: required for ``obligation_missed``, optional for a
              withholding or a deferral (which obligation's payments are held back)
cure_days     days allowed to remedy: required for ``remedial_notice_served`` and only there;
              at least the version's minimum (28 days in the specs we hold)
amount_gbp    pounds held back: only for ``payment_withheld`` and ``payment_deferred``; left
              blank, the evaluation computes it from the payment schedules (docs/sanctions.md)
note          free text, carried into the explanation
============  ==========================================================================

The reader is strict, because one bad event changes every later step of a ladder: an unknown
column, a bad date, an unknown event, an unknown term id, a cure period below the minimum or a
field on an event that does not take it is an :class:`~contract.spec.facts.InputError`. Every bad row
of a file is found before the error is raised, and the error lists them all (``.issues``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path

from contract.evaluation.events import LadderEvent, minimum_cure_days
from contract.io.readers.common import check_length, csv_rows, expect_text, load_json
from contract.spec.facts import FieldDef, FieldType, InputError, InputIssue, Level, coerce, parse_date
from contract.spec.schema import DERIVED_SANCTION_EVENTS, Obligation, SanctionEvent, Version

COLUMNS = ("entity_code", "date", "event", "term_id", "cure_days", "amount_gbp", "note")
ALIASES = {"entity": "entity_code"}
RECORDED_EVENTS = tuple(e for e in SanctionEvent if e not in DERIVED_SANCTION_EVENTS)

_NEEDS_TERM = {SanctionEvent.obligation_missed}
_TAKES_TERM = {SanctionEvent.obligation_missed, SanctionEvent.payment_withheld, SanctionEvent.payment_deferred}
_TAKES_CURE = {SanctionEvent.remedial_notice_served}
_TAKES_AMOUNT = {SanctionEvent.payment_withheld, SanctionEvent.payment_deferred}

_CODE = FieldDef(name="entity_code", level=Level.practice, type=FieldType.code, label="Code",
                 description="ODS code")
# Bounds by meaning, not contract figures: one withholding is at most a network's payments for a
# year (far under £100m); a cure period is at most a contract year, and ten years is surely a typing error.
_MONEY = FieldDef(name="amount_gbp", level=Level.practice, type=FieldType.money, label="Amount",
                  description="pounds", maximum=Decimal(100_000_000))
_COUNT = FieldDef(name="cure_days", level=Level.practice, type=FieldType.count, label="Cure days",
                  description="days", maximum=Decimal(3660))
EARLIEST_EVENT, LATEST_EVENT = dt.date(2019, 1, 1), dt.date(2099, 12, 31)
"""Event dates a network contract can have: from the first DES year (2019) to the end of the century."""
NOTE_LIMIT = 2_000
"""The longest note an event may carry, in characters."""


class EventsError(InputError):
    """Bad rows in an events file; ``issues`` lists every one (the message shows them all)."""

    def __init__(self, issues: list[InputIssue]):
        self.issues = issues
        first = issues[0]
        super().__init__(first.file, first.row, first.field, first.message)
        shown = "\n".join(f"  {i}" for i in issues[:50])
        more = f"\n  … and {len(issues) - 50} more" if len(issues) > 50 else ""
        self.args = (f"{len(issues)} bad event row(s):\n{shown}{more}",)


class _Rows:
    def __init__(self, source: str, version: Version | None):
        self.source, self.version = source, version
        self.issues: list[InputIssue] = []
        self.minimum = minimum_cure_days(version) if version is not None else None

    def issue(self, row: int | None, field: str | None, message: str) -> None:
        self.issues.append(InputIssue(file=self.source, row=row, field=field, message=message))

    def columns(self, names: Iterable[str], row: int | None) -> bool:
        ok, seen = True, set()
        for name in names:
            key = ALIASES.get(name, name)
            if key in seen:
                self.issue(row, name, "column given twice (entity and entity_code are the same column)")
                ok = False
            seen.add(key)
            if key not in COLUMNS:
                self.issue(row, name[:60] or "(blank)", f"unknown column (allowed: {', '.join(COLUMNS)})")
                ok = False
        return ok

    def record(self, row: int, raw: Mapping[str, object]) -> LadderEvent | None:
        cells = {ALIASES.get(k, k): v for k, v in raw.items()}
        cells = {k: (v.strip() if isinstance(v, str) else v) for k, v in cells.items()}
        cells = {k: v for k, v in cells.items() if v not in (None, "")}
        before = len(self.issues)
        values: dict[str, object] = {"file": self.source, "row": row}

        for required in ("entity_code", "date", "event"):
            if required not in cells:
                self.issue(row, required, "is empty (every event needs entity_code, date and event)")
        if "entity_code" in cells:
            try:
                values["entity_code"] = coerce(_CODE, str(cells["entity_code"]))
            except ValueError as exc:
                self.issue(row, "entity_code", str(exc))
        if "date" in cells:
            day = cells["date"]
            try:
                found_day = day if isinstance(day, dt.date) else parse_date(str(day))
                if not EARLIEST_EVENT <= found_day <= LATEST_EVENT:
                    raise ValueError(f"{found_day} is outside {EARLIEST_EVENT} to {LATEST_EVENT}, "
                                     "the years an event of this contract can fall in")
                values["date"] = found_day
            except ValueError as exc:
                self.issue(row, "date", str(exc))
        event = None
        if "event" in cells:
            text = str(cells["event"])
            if text in {e.value for e in DERIVED_SANCTION_EVENTS}:
                self.issue(row, "event", f"{text!r} is derived from the remedial notice's date and cure_days; "
                                         "do not record it")
            elif text not in {e.value for e in RECORDED_EVENTS}:
                known = ", ".join(e.value for e in RECORDED_EVENTS)
                self.issue(row, "event", f"unknown event {text[:60]!r} (known: {known})")
            else:
                event = SanctionEvent(text)
                values["event"] = event
        if event is not None:
            self._term(row, event, cells, values)
            self._cure(row, event, cells, values)
            self._amount(row, event, cells, values)
        if "note" in cells:
            too_long = check_length(str(cells["note"]), NOTE_LIMIT)
            if too_long:
                self.issue(row, "note", too_long)
            values["note"] = str(cells["note"])
        if len(self.issues) > before:
            return None
        return LadderEvent.model_validate(values)

    def _term(self, row: int, event: SanctionEvent, cells: dict, values: dict) -> None:
        term_id = cells.get("term_id")
        if term_id is None:
            if event in _NEEDS_TERM:
                self.issue(row, "term_id", f"is empty: {event.value} needs the id of the obligation missed")
            return
        if event not in _TAKES_TERM:
            self.issue(row, "term_id", f"{event.value} takes no term_id (leave it blank)")
            return
        term_id = str(term_id)
        if len(term_id) > 200:
            self.issue(row, "term_id", f"is {len(term_id):,} characters long; no term id is")
            return
        if self.version is not None:
            found = self.version.terms.get(term_id)
            if found is None:
                self.issue(row, "term_id", f"unknown term id {term_id!r} in {self.version.id}")
                return
            if not isinstance(found, Obligation):
                self.issue(row, "term_id", f"{term_id} is a {found.kind}, not an obligation")
                return
        values["term_id"] = term_id

    def _cure(self, row: int, event: SanctionEvent, cells: dict, values: dict) -> None:
        raw = cells.get("cure_days")
        if raw is None:
            if event in _TAKES_CURE:
                self.issue(row, "cure_days", "is empty: a remedial notice states the days allowed to remedy")
            return
        if event not in _TAKES_CURE:
            self.issue(row, "cure_days", f"{event.value} takes no cure_days (only remedial_notice_served)")
            return
        try:
            days = int(coerce(_COUNT, raw if not isinstance(raw, float) else str(raw)))  # type: ignore[arg-type]
        except ValueError as exc:
            self.issue(row, "cure_days", str(exc))
            return
        if self.minimum is not None and days < self.minimum:
            self.issue(row, "cure_days", f"{days} days is below the minimum cure period of {self.minimum} days "
                                         f"in {self.version.id}")  # type: ignore[union-attr]
            return
        if days < 1:
            self.issue(row, "cure_days", "must be at least 1 day")
            return
        values["cure_days"] = days

    def _amount(self, row: int, event: SanctionEvent, cells: dict, values: dict) -> None:
        raw = cells.get("amount_gbp")
        if raw is None:
            return
        if event not in _TAKES_AMOUNT:
            self.issue(row, "amount_gbp", f"{event.value} takes no amount_gbp (only payment_withheld and "
                                          "payment_deferred)")
            return
        try:
            values["amount_gbp"] = coerce(_MONEY, raw if not isinstance(raw, float) else repr(raw))
        except ValueError as exc:
            self.issue(row, "amount_gbp", str(exc))

    def finish(self, events: list[LadderEvent]) -> list[LadderEvent]:
        if self.issues:
            raise EventsError(self.issues)
        return events


def events_from_records(records: Iterable[Mapping[str, object]], source: str = "events",
                        version: Version | None = None, first_row: int = 1) -> list[LadderEvent]:
    """Events from mappings (a JSON list, or a YAML case's `events`), numbered from `first_row`.

    With `version`, term ids must be obligations of that version and cure periods at least its
    minimum; without it those two checks wait for the evaluation."""
    rows = _Rows(source, version)
    events: list[LadderEvent] = []
    for number, record in enumerate(records, start=first_row):
        if not isinstance(record, Mapping):
            rows.issue(number, None, "is not an object with event columns")
            continue
        if not rows.columns([str(k) for k in record], number):
            continue
        found = rows.record(number, record)  # type: ignore[arg-type]
        if found is not None:
            events.append(found)
    return rows.finish(events)


def read_events(path: Path | str, version: Version | None = None) -> list[LadderEvent]:
    """Read an events file (CSV or JSON, judged by its content); raise :class:`EventsError` listing
    every bad row."""
    path = Path(path)
    name = path.name
    if expect_text(path, name, "a CSV or JSON events file") == "json":
        data = load_json(path, name)
        if not isinstance(data, list):
            raise InputError(name, None, None, "must be a JSON list of event objects")
        return events_from_records(data, source=name, version=version)
    return _read_csv(path, name, version)


def _read_csv(path: Path, name: str, version: Version | None) -> list[LadderEvent]:
    rows = _Rows(name, version)
    events: list[LadderEvent] = []
    lines = csv_rows(path, name)
    header = [h.strip() for h in next(lines, (1, []))[1]]
    if not header:
        raise InputError(name, None, None, "is empty (no header row)")
    if not rows.columns(header, None):
        raise EventsError(rows.issues)
    for line, cells in lines:
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            rows.issue(line, None, f"has {len(cells)} cells; the header has {len(header)}")
            continue
        found = rows.record(line, dict(zip(header, cells, strict=True)))
        if found is not None:
            events.append(found)
    return rows.finish(events)


# --- the `--events F` option of the evaluate and explain commands ----------------------------------


def add_events_option(parser) -> None:
    parser.add_argument("--events", type=Path, metavar="F",
                        help="sanction events file, .csv or .json (see docs/sanctions.md)")


def events_of(args, version: Version) -> list[LadderEvent] | None:
    """The events file named by `--events`, read strictly against `version` (None when not given)."""
    path = getattr(args, "events", None)
    if path is None:
        return None
    if not Path(path).exists():
        raise InputError(str(path), None, None, "no such file")
    return read_events(path, version)
