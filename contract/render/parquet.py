"""An evaluation as a Parquet file (polars; no pyarrow), built a batch of findings at a time.

The columns are the CSV's (contract.render.report.CSV_COLUMNS), typed: money as exact
Decimal(38, 2) (null when unknown, never 0), dates as dates, the rest as text (null where the CSV
leaves a cell empty for want of a value). Text is kept as the input files gave it: unlike the CSV,
a Parquet file is read by programs, not opened by a spreadsheet, so nothing is quoted.

Polars cannot append to a Parquet file, so each finding's cells are appended to column lists as it
comes (the finding is then dropped), the lists become a DataFrame every :data:`BATCH_ROWS` rows (a
batch of columns is far lighter than the findings it came from), and the batches are written once
at the end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from contract.render.produced import Produced
from contract.render.report import CSV_COLUMNS, MONEY_COLUMNS, finding_values

BATCH_ROWS = 50_000
"""Rows gathered in Python lists before they become a (columnar) DataFrame."""


def schema() -> dict[str, Any]:
    """The Parquet file's column types, in the CSV's column order."""
    import polars as pl

    money = pl.Decimal(precision=38, scale=2)
    types = {"as_of": pl.Date(), "due": pl.Date(), **dict.fromkeys(MONEY_COLUMNS, money)}
    return {name: types.get(name, pl.String()) for name in CSV_COLUMNS}


def write_parquet(produced: Produced, path: Path, batch_rows: int = BATCH_ROWS) -> int:
    """Write the findings of `produced` to `path`; the number of findings written."""
    import polars as pl

    if batch_rows < 1:
        raise ValueError(f"batch_rows must be at least 1, not {batch_rows}")
    types = schema()
    frames: list[pl.DataFrame] = []
    columns: list[list[Any]] = [[] for _ in types]
    rows = 0

    def flush() -> None:
        frames.append(pl.DataFrame(dict(zip(types, columns, strict=True)), schema=types))
        for column in columns:
            column.clear()

    for f in produced:
        for column, cell in zip(columns, finding_values(f).values(), strict=True):
            column.append(cell)
        rows += 1
        if rows % batch_rows == 0:
            flush()
    if rows % batch_rows or not frames:
        flush()
    table = pl.concat(frames, rechunk=False)
    table.write_parquet(path, row_group_size=batch_rows)
    return table.height
