"""The rows of an .xlsx sheet, as openpyxl's read-only ``iter_rows(values_only=True)`` gives them, faster
(the national register in about half the time).

openpyxl builds a dict per cell, parses every coordinate and every shared string through its
descriptor classes; the register's partner sheet (80,000 cells) and its shared-strings table are
most of the time it takes to read the national inputs. This module keeps openpyxl for everything
about the workbook (its zip archive, manifest, sheet names, styles, epoch, dimensions, errors on a
damaged part) and reads only the cells itself, for the common kinds of cell: a shared string, a
number not formatted as a date, a boolean, a formula's cached text without its formula, an inline
string of plain text. Any other cell (a formula, a date, rich text, an error, a cell without a plain
``<v>``) is handed to openpyxl's own cell parser, so that every value is exactly the one openpyxl
gives. Rows are padded, cut and numbered as openpyxl's read-only sheet does (tests/test_readers.py
compares the two on the real register and on generated workbooks).

What is not read: a sheet's other parts (column widths, print settings, conditional formats,
extensions), which openpyxl parses and checks while it reads rows. A damaged one of those no longer
stops the register being read: its cells are all the readers use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any

from openpyxl.cell.text import Text
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import column_index_from_string
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

_ROW = f"{{{SHEET_MAIN_NS}}}row"
_CELL = f"{{{SHEET_MAIN_NS}}}c"
_VALUE = f"{{{SHEET_MAIN_NS}}}v"
_STRING_ITEM = f"{{{SHEET_MAIN_NS}}}si"
_INLINE = f"{{{SHEET_MAIN_NS}}}is"
_PLAIN_TEXT = f"{{{SHEET_MAIN_NS}}}t"

Row = tuple[Any, ...]


class _Reader(ExcelReader):
    """openpyxl's reader, with a shared-strings table read without a ``Text`` object per plain string."""

    def read_strings(self) -> None:
        part = self.package.find("application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = shared_strings(source)


def shared_strings(source: IO[bytes]) -> list[str]:
    """The shared-strings table, each item as openpyxl's ``read_string_table`` gives it: the plain
    text of an item that is one ``<t>``; anything richer (runs, phonetic text) through openpyxl's
    ``Text``; ``x005F_`` removed as openpyxl removes it."""
    strings: list[str] = []
    append = strings.append
    for _event, node in iterparse(source):
        if node.tag != _STRING_ITEM:
            continue
        if len(node) == 1 and node[0].tag == _PLAIN_TEXT and not len(node[0]):
            text = node[0].text or ""
        else:
            text = Text.from_tree(node).content
        append(text.replace("x005F_", ""))
        node.clear()
    return strings


def load(handle: IO[bytes]) -> Workbook:
    """A read-only workbook, as ``openpyxl.load_workbook(handle, read_only=True)`` opens it (the same
    errors for a file that is not a workbook or a damaged part)."""
    reader = _Reader(handle, read_only=True)
    reader.read()
    return reader.wb


def sheet_rows(workbook: Workbook, name: str) -> Iterator[Row]:
    """The values of sheet ``name``, row by row from row 1, as ``workbook[name].iter_rows(values_only=True)``
    gives them: a missing row is a row of None; every row is as wide as the sheet's declared
    dimension (or, when it declares none, ends at its last cell)."""
    sheet = workbook[name]
    assert isinstance(sheet, ReadOnlyWorksheet)
    max_col, max_row = sheet.max_column, sheet.max_row
    empty: Row = (None,) * max_col if max_col is not None else ()
    counter = number = 1
    for number, cells in _parsed_rows(workbook, sheet):
        if max_row is not None and number > max_row:
            break
        while counter < number:  # rows the sheet leaves out
            counter += 1
            yield empty
        if counter <= number:  # a row out of order is skipped, as openpyxl skips it
            counter += 1
            yield _padded(cells, max_col)
    if max_row is not None and max_row < number:
        for _ in range(counter, max_row + 1):
            yield empty


def _padded(cells: list[tuple[int, Any]], max_col: int | None) -> Row:
    """One row's values by column (1-based), padded with None, cut at ``max_col``."""
    if not cells and not max_col:
        return ()
    width = max_col or cells[-1][0]
    values: list[Any] = [None] * width
    for column, value in cells:
        if 1 <= column <= width:
            values[column - 1] = value
    return tuple(values)


def _parsed_rows(workbook: Workbook, sheet: ReadOnlyWorksheet) -> Iterator[tuple[int, list[tuple[int, Any]]]]:
    """(row number, [(column, value), ...]) for each ``<row>`` of the sheet's XML, in file order."""
    strings = sheet._shared_strings
    dates = workbook._date_formats
    columns: dict[str, int] = {}  # "AB" -> 28, for the references seen so far
    plain_styles: dict[str | None, bool] = {}  # style attribute -> not a date, and written plainly
    with workbook._archive.open(sheet._worksheet_path) as source:
        # openpyxl's own parser for the cells this module does not read itself; its state (the
        # current row and column, shared formulae) is kept in step below.
        parser = WorkSheetParser(source, strings, data_only=workbook.data_only, epoch=workbook.epoch,
                                 date_formats=dates, timedelta_formats=workbook._timedelta_formats)
        row_number = 0
        for _event, element in iterparse(source):
            if element.tag != _ROW:
                continue
            digits = element.get("r")
            row_number = _row_number(digits, row_number)
            if digits is None or not (digits.isascii() and digits.isdigit()):
                digits = None  # the cells' references cannot be checked against it: openpyxl reads them
            column = 0
            cells: list[tuple[int, Any]] = []
            for cell in element:
                value = _plain_value(cell, strings)
                if value is not _NOT_PLAIN:
                    reference = cell.get("r")
                    if digits is not None and reference is not None and reference.endswith(digits):
                        letters = reference[: -len(digits)]
                        found = columns.get(letters) or _column(letters, columns)
                    else:
                        found = 0
                    style = cell.get("s")
                    plain = plain_styles.get(style)
                    if plain is None:
                        plain = plain_styles[style] = (not style or (style.isascii() and style.isdigit()
                                                                     and int(style) not in dates))
                    if found and plain:
                        column = found
                        cells.append((column, value))
                        continue
                # a formula, an inline string, a date (openpyxl converts it from the workbook's epoch),
                # an error, a style or a reference written some other way: openpyxl's parser reads it
                parser.row_counter, parser.col_counter = row_number, column
                parsed = parser.parse_cell(cell)
                column = parsed["column"]
                cells.append((column, parsed["value"]))
            element.clear()
            yield row_number, cells


_NOT_PLAIN = object()


def _plain_value(cell: Any, strings: list[str]) -> Any:
    """The value of a ``<c>`` holding nothing but a ``<v>`` (or nothing) of a kind read here (a shared
    string, a number, a boolean, a formula's cached text), or an inline string of one plain ``<t>``,
    as openpyxl reads it when the number is not a date; else :data:`_NOT_PLAIN`."""
    if cell.tag != _CELL:
        return _NOT_PLAIN
    kind = cell.get("t")
    if kind == "inlineStr":  # as openpyxl's write-only workbooks write text: <is><t>text</t></is>
        if len(cell) == 1 and cell[0].tag == _INLINE and len(cell[0]) == 1:
            text_element = cell[0][0]
            if text_element.tag == _PLAIN_TEXT and not len(text_element):
                return text_element.text or ""
        return _NOT_PLAIN
    if kind not in _PLAIN_KINDS:
        return _NOT_PLAIN
    size = len(cell)
    if size == 0:
        return None
    if size != 1 or cell[0].tag != _VALUE:
        return _NOT_PLAIN
    text = cell[0].text
    if not text:
        return None
    if kind == "s":
        return strings[int(text)]
    if kind is None or kind == "n":
        return float(text) if "." in text or "E" in text or "e" in text else int(text)
    if kind == "b":
        return bool(int(text))
    return text  # "str": a formula's result as text (a formula itself makes the cell not plain)


_PLAIN_KINDS = frozenset({None, "n", "s", "b", "str"})
"""The ``t`` attributes of the cells read here (None: a number, as ``n``)."""
_LETTERS = re.compile(r"[A-Z]{1,3}")


def _column(letters: str, columns: dict[str, int]) -> int:
    """The column of a reference's letters (remembered), or 0 if they are not plain capital letters."""
    if not _LETTERS.fullmatch(letters):
        return 0
    columns[letters] = column_index_from_string(letters)
    return columns[letters]


def _row_number(attribute: str | None, previous: int) -> int:
    """A ``<row r=...>`` number as openpyxl reads it: the attribute, or one after the previous row."""
    if attribute is None:
        return previous + 1
    try:
        return int(attribute)
    except ValueError:
        number = float(attribute)
        if number.is_integer():
            return int(number)
        raise ValueError(f"{attribute} is not a valid row number") from None
