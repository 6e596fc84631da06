"""Helpers shared by the readers: the default catalogue, code checks and issue reporting."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path

from contract.io.readers.summary import FileSummary
from contract.spec.facts import (
    CODE_PATTERN,
    TEXT_LIMIT,
    FieldDef,
    FieldType,
    InputError,
    InputIssue,
    Level,
    Population,
    coerce,
)

# Codes (practice, network, commissioner) are not catalogue fields: they identify the entity a
# row is about. They are checked with the catalogue's own `code` rule so that the two agree.
_CODE = FieldDef(name="code", level=Level.practice, type=FieldType.code, label="Code", description="ODS code")


def check_code(raw: object) -> str:
    """An ODS-like code, stripped; raise ValueError saying why it is not one."""
    if isinstance(raw, str):  # the common case, without coerce's dispatch: the same rule and result
        text = raw.strip()
        if CODE_PATTERN.match(text):
            return text
    if raw is None:
        raise ValueError("is empty")
    return str(coerce(_CODE, raw))


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def report(population: Population, summary: FileSummary, row: int | None, field: str | None, message: str) -> None:
    """Record an issue against the file being read."""
    population.issues.append(InputIssue(file=summary.file, row=row, field=field, message=message))
    summary.issues += 1


def unreadable(file: str, exc: OSError | UnicodeDecodeError) -> InputError:
    """The InputError for a file that cannot be opened or is not text."""
    if isinstance(exc, UnicodeDecodeError):
        return InputError(file, None, None, f"is not UTF-8 text (byte {exc.start}: {exc.reason})")
    return InputError(file, None, None, f"cannot be read ({exc.strerror or exc})")


def header_index(header: Sequence[object], required: Iterable[str], file: str, where: str) -> dict[str, int]:
    """Column positions by header name; a missing required header is an InputError.

    ``where`` is the sheet (or "header") so the message says where the header was looked for."""
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        if isinstance(name, str) and name.strip():
            index.setdefault(name.strip(), i)
    missing = [name for name in required if name not in index]
    if missing:
        raise InputError(file, None, None, f"{where}: missing column(s) {', '.join(map(repr, missing))}")
    return index


# --- reading a file by what it holds --------------------------------------------------------------

JSON_DEPTH_LIMIT = 20
"""The deepest nesting a JSON input may have: ours are a list of flat objects (depth 2)."""
CELL_LIMIT = 131_072
"""The longest CSV cell, in characters (Python's csv default); longer is not a value any field can mean."""

_ZIP = b"PK\x03\x04"


def sniff(path: Path, file: str) -> str:
    """What a file holds, judged by its first bytes rather than its name: "xlsx" (a zip archive),
    "json" (text starting with ``[`` or ``{``), "csv" (other text), or an InputError if it cannot
    be opened or is binary of another kind."""
    try:
        if path.is_dir():
            raise InputError(file, None, None, "is a folder, not a file")
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise unreadable(file, exc) from None
    if head.startswith(_ZIP):
        return "xlsx"
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text[:1] in (b"[", b"{"):
        return "json"
    if b"\x00" in head:
        raise InputError(file, None, None, "is a binary file, not CSV, JSON or an .xlsx workbook")
    return "csv"


def expect_text(path: Path, file: str, what: str) -> str:
    """"csv" or "json" for a text input; a workbook is refused, naming what was expected."""
    kind = sniff(path, file)
    if kind == "xlsx":
        raise InputError(file, None, None, f"is an .xlsx workbook (a zip archive), not {what}; "
                                           "export the sheet as CSV")
    return kind


def load_json(path: Path, file: str) -> object:
    """A JSON input: numbers exact (Decimal), depth at most :data:`JSON_DEPTH_LIMIT`; an
    InputError naming the line for anything else."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise unreadable(file, exc) from None
    line = _too_deep(text)
    if line is not None:
        raise InputError(file, line, None, f"JSON nested more than {JSON_DEPTH_LIMIT} levels deep")
    try:
        return json.loads(text, parse_float=Decimal, parse_int=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError(file, exc.lineno, None, f"not valid JSON ({exc.msg})") from None
    except (ValueError, RecursionError) as exc:
        raise InputError(file, None, None, f"not valid JSON ({' '.join(str(exc).split())[:200]})") from None


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number JSON allows")


def _too_deep(text: str) -> int | None:
    """The line where nesting first passes the limit, or None (strings skipped)."""
    depth, line, in_string, escaped = 0, 1, False, False
    for char in text:
        if char == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > JSON_DEPTH_LIMIT:
                return line
        elif char in "]}":
            depth -= 1
    return None


def csv_rows(path: Path, file: str) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) per CSV record, the header included (line 1). A record's number is the line
    it starts on. A broken record (an unterminated quote, a cell over :data:`CELL_LIMIT`
    characters, a NUL byte) is an InputError naming the line where it starts."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, strict=True)
            start = 1
            try:
                for cells in reader:  # a csv.Error can only come from the reader: nothing is thrown in
                    yield start, cells
                    start = reader.line_num + 1
            except csv.Error as exc:
                raise InputError(file, start, None, _csv_problem(str(exc))) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise unreadable(file, exc) from None


def _csv_problem(message: str) -> str:
    if "field larger than field limit" in message:
        return f"a cell is longer than {CELL_LIMIT:,} characters (no value can be that long)"
    if "unexpected end of data" in message or "EOF" in message:
        return "a quote opened on this row is never closed (the rest of the file would be one cell)"
    if "NUL" in message or "null byte" in message:
        return "contains a NUL byte (not a text CSV file)"
    return f"is not well-formed CSV ({message})"


def check_header(header: Sequence[str], file: str) -> None:
    """Every column named once: a repeated column would leave one of its values unread."""
    seen: dict[str, int] = {}
    for i, name in enumerate(header, start=1):
        key = name.strip()
        if not key:
            continue
        if key in seen:
            raise InputError(file, 1, key, f"column appears twice (columns {seen[key]} and {i})")
        seen[key] = i


def check_length(value: object, limit: int = TEXT_LIMIT) -> str | None:
    """Why a text value is too long, or None."""
    if isinstance(value, str) and len(value) > limit:
        return f"is {len(value):,} characters long; at most {limit:,} are allowed"
    return None
