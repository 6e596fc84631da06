"""Helpers shared by the readers: the default catalogue, code checks and issue reporting."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from contract.io.readers.summary import FileSummary
from contract.spec.facts import FieldDef, FieldType, InputError, InputIssue, Level, Population, coerce

# Codes (practice, network, commissioner) are not catalogue fields: they identify the entity a
# row is about. They are checked with the catalogue's own `code` rule so that the two agree.
_CODE = FieldDef(name="code", level=Level.practice, type=FieldType.code, label="Code", description="ODS code")


def check_code(raw: object) -> str:
    """An ODS-like code, stripped; raise ValueError saying why it is not one."""
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
