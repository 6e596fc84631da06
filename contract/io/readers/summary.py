"""What each input file contributed: rows read, rows used, rows left out and why.

Every data row of every file ends up in exactly one place: used, or counted under a reason in
``left_out`` (and, when the row is wrong rather than merely irrelevant, also reported as an
:class:`~contract.spec.facts.InputIssue`). ``FileSummary.balanced`` checks that nothing slipped through.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class FileSummary(BaseModel):
    """One file (or one sheet of a workbook)."""

    model_config = ConfigDict(extra="forbid")

    file: str
    sheet: str | None = None
    format: str
    """What the file was read as, e.g. "QOF prevalence (NHS Digital)"."""
    rows: int = 0
    """Data rows read (header excluded)."""
    used: int = 0
    left_out: dict[str, int] = Field(default_factory=dict)
    """Rows not used, by reason."""
    counts: dict[str, int] = Field(default_factory=dict)
    """Other numbers worth printing, in order, e.g. {"practices matched": 6657}."""
    issues: int = 0
    """Issues this file raised (they are listed on the Population)."""
    rows_left_out: dict[str, list[int]] = Field(default_factory=dict)
    """The row numbers behind a reason, where rows are left out for a reason that is not an issue
    but still worth finding (e.g. a relationship that ended on or before the as-of date)."""

    def leave_out(self, reason: str, rows: int = 1, row: int | None = None) -> None:
        self.left_out[reason] = self.left_out.get(reason, 0) + rows
        if row is not None:
            self.note_row(reason, row)

    def note_row(self, reason: str, row: int) -> None:
        """Remember which row a reason is about (shown by ``str``)."""
        self.rows_left_out.setdefault(reason, []).append(row)

    def count(self, label: str, n: int = 1) -> None:
        self.counts[label] = self.counts.get(label, 0) + n

    @property
    def balanced(self) -> bool:
        """Every row read is either used or left out for a stated reason."""
        return self.rows == self.used + sum(self.left_out.values())

    def __str__(self) -> str:
        name = self.file + (f" [{self.sheet}]" if self.sheet else "")
        parts = [f"{self.rows:,} rows", f"{self.used:,} used"]
        parts += [f"{n:,} {label}" for label, n in self.counts.items()]
        parts += [f"{n:,} left out ({reason}{self._rows_of(reason)})" for reason, n in self.left_out.items()]
        if self.issues:
            parts.append(f"{self.issues:,} issues")
        return f"{name}: " + ", ".join(parts)

    def _rows_of(self, reason: str, shown: int = 20) -> str:
        rows = self.rows_left_out.get(reason)
        if not rows:
            return ""
        more = f" and {len(rows) - shown:,} more" if len(rows) > shown else ""
        return ": row" + ("s " if len(rows) > 1 else " ") + ", ".join(map(str, rows[:shown])) + more


class ReadSummary(BaseModel):
    """All the files read into one Population, in the order they were read."""

    model_config = ConfigDict(extra="forbid")

    files: list[FileSummary] = Field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(f) for f in self.files)
