"""NHS Digital's ePCN register (.xlsx): which networks exist and which practices are in them.

Two sheets are read, each by header name so that a reordered or widened export still reads:

* ``PCN Details``: one row per network (code, name, commissioning CCG, open and close dates).
* ``PCN Core Partner Details``: one row per practice-to-network relationship. Its ``PCN Name``
  column is a VLOOKUP formula with no cached value, so network names come from ``PCN Details``.

A network with a close date, or a relationship with an end date, is history rather than the
current shape of the network: it is left out and counted in the summary, not reported as an issue.
Anything that contradicts the register itself (unknown network, a practice listed twice, a
missing code) is an :class:`~contract.spec.facts.InputIssue` naming the sheet row.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from openpyxl.workbook.workbook import Workbook

from contract.io.readers import xlsx
from contract.io.readers.common import check_code, check_header, check_length, header_index, is_blank, report, sniff
from contract.io.readers.summary import FileSummary
from contract.spec.facts import FieldDef, InputError, Network, Population, Practice, Provenance, parse_date

FORMAT = "ePCN register (NHS Digital)"
NETWORK_SHEET = "PCN Details"
PARTNER_SHEET = "PCN Core Partner Details"

PCN_CODE, PCN_NAME, PCN_CCG = "PCN Code", "PCN Name", "Current Clinical Commissioning Group Code"
PCN_CLOSE = "Close Date"
PARTNER_CODE, PARTNER_NAME, PARTNER_CCG = (
    "Partner Organisation Code",
    "Partner Name",
    "Practice Parent CCG Code",
)
PARTNER_PCN, PARTNER_END = "PCN Code", "Practice to PCN Relationship End Date"

REGISTERED = "registered"  # the catalogue's network flag that a register listing establishes

Row = tuple[object, ...]


def read_epcn(path: Path, population: Population, catalogue: dict[str, FieldDef] | None = None,
              as_of: date | None = None) -> list[FileSummary]:
    """Add the register's current networks and member practices to ``population``.

    If the catalogue defines the network flag ``registered``, each current network gets
    ``registered = True`` sourced to its row: being listed in the register counts as registered.

    "Current" is judged at ``as_of``: a network closing, or a relationship ending, after that day is
    still current; on or before it, the row is left out (counted, with its row, in the summary).
    Without ``as_of`` any close or end date leaves the row out.

    The file is read as a workbook whatever its name (an .xlsx is a zip archive); a text file is
    refused. Returns one summary per sheet. Raises InputError if the file is not a workbook, a
    member of it is corrupt, or a sheet or a required column is missing."""
    file = path.name
    kind = sniff(path, file)
    if kind != "xlsx":
        raise InputError(file, None, None, f"not a readable .xlsx workbook (it is {kind.upper()} text, not a "
                                           "zip archive); the register is NHS Digital's ePCN workbook")
    try:
        with path.open("rb") as handle:
            workbook = xlsx.load(handle)  # a handle: no check of the name
            try:
                registered = (catalogue or {}).get(REGISTERED)
                sheets = [
                    _read_networks(workbook, file, population, registered is not None, as_of),
                    _read_partners(workbook, file, population, as_of),
                ]
            finally:
                workbook.close()
    except InputError:
        raise
    except OSError as exc:
        raise InputError(file, None, None, f"cannot be read ({exc.strerror or exc})") from None
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, TypeError, SyntaxError, EOFError,
            IndexError, AttributeError) as exc:  # openpyxl's errors for a damaged archive or sheet
        message = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise InputError(file, None, None, f"not a readable .xlsx workbook: a part of it is damaged ({message})") \
            from None
    population.sources.append(str(path))
    return sheets


def _ended(value: object, as_of: date | None) -> bool | str:
    """Whether a close or end date cell means the row is history at ``as_of``: True, False, or a
    message when the cell is not a date."""
    if is_blank(value):
        return False
    if as_of is None:
        return True  # no date to judge by: any end date ends it (the behaviour without --as-of)
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        try:
            day = parse_date(str(value))
        except ValueError as exc:
            return str(exc)
    return day <= as_of


def _sheet(workbook: Workbook, file: str, name: str, required: tuple[str, ...]) -> tuple[dict[str, int], Iterator]:
    """The column index of a sheet's header row and an iterator over (row number, values) after it.

    The header is the first non-blank row; row numbers are the spreadsheet's own (1-based)."""
    if name not in workbook.sheetnames:
        raise InputError(file, None, None, f"sheet {name!r} not found (sheets: {', '.join(workbook.sheetnames)})")
    rows = enumerate(xlsx.sheet_rows(workbook, name), start=1)
    for _number, header in rows:
        if not all(is_blank(c) for c in header):
            check_header([str(c) for c in header if isinstance(c, str)], f"{file} [{name}]")
            return header_index(header, required, file, f"sheet {name!r}"), rows
    raise InputError(file, None, None, f"sheet {name!r} has no header row")


def _cell(row: Row, index: dict[str, int], column: str) -> object:
    # read-only rows can be shorter than the header when trailing cells are empty
    i = index.get(column)
    return row[i] if i is not None and i < len(row) else None


def _text(value: object) -> str | None:
    """A name cell as text (cut to the longest name any input may hold)."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return (text if check_length(text) is None else text[:500]) or None


def _read_networks(workbook: Workbook, file: str, population: Population, flag: bool,
                   as_of: date | None) -> FileSummary:
    summary = FileSummary(file=file, sheet=NETWORK_SHEET, format=FORMAT)
    index, rows = _sheet(workbook, file, NETWORK_SHEET, (PCN_CODE, PCN_NAME, PCN_CCG))
    for number, row in rows:
        summary.rows += 1
        if all(is_blank(c) for c in row):
            summary.leave_out("blank row")
            continue
        try:
            code = check_code(_cell(row, index, PCN_CODE))
        except ValueError as exc:
            report(population, summary, number, PCN_CODE, f"network code {exc}")
            summary.leave_out("no valid network code")
            continue
        closed = _ended(_cell(row, index, PCN_CLOSE), as_of)
        if isinstance(closed, str):
            report(population, summary, number, PCN_CLOSE, f"close date {closed}")
            summary.leave_out("invalid close date")
            continue
        if closed:
            summary.leave_out("network closed" if as_of is None else f"network closed on or before {as_of}",
                              row=number)
            continue
        if code in population.networks:
            report(population, summary, number, PCN_CODE, f"network {code} is listed twice")
            summary.leave_out("network listed twice")
            continue
        network = population.networks[code] = Network(
            code=code,
            name=_text(_cell(row, index, PCN_NAME)),
            commissioner_code=_commissioner(population, summary, number, row, index, PCN_CCG),
        )
        if flag:
            network.set(REGISTERED, True, Provenance(file=file, row=number))
        summary.used += 1
    summary.count("networks", summary.used)
    return summary


def _commissioner(
    population: Population, summary: FileSummary, number: int, row: Row, index: dict[str, int], column: str
) -> str | None:
    """The CCG code of a row; a bad one is reported but does not lose the row."""
    try:
        return check_code(_cell(row, index, column))
    except ValueError as exc:
        report(population, summary, number, column, f"commissioner code {exc}")
        return None


def _read_partners(workbook: Workbook, file: str, population: Population, as_of: date | None) -> FileSummary:
    summary = FileSummary(file=file, sheet=PARTNER_SHEET, format=FORMAT)
    index, rows = _sheet(workbook, file, PARTNER_SHEET, (PARTNER_CODE, PARTNER_NAME, PARTNER_CCG, PARTNER_PCN))
    first_row: dict[str, int] = {}
    for number, row in rows:
        summary.rows += 1
        reason = _add_partner(population, summary, number, row, index, first_row, as_of)
        if reason is None:
            summary.used += 1
        else:
            summary.leave_out(reason)
    summary.count("member practices", summary.used)
    empty = sum(1 for n in population.networks.values() if not n.member_codes)
    if empty:
        summary.count("networks with no member practice", empty)
    return summary


def _add_partner(
    population: Population,
    summary: FileSummary,
    number: int,
    row: Row,
    index: dict[str, int],
    first_row: dict[str, int],
    as_of: date | None = None,
) -> str | None:
    """Add one relationship row; return why it was left out, or None if it was used."""
    if all(is_blank(c) for c in row):
        return "blank row"
    try:
        code = check_code(_cell(row, index, PARTNER_CODE))
    except ValueError as exc:
        report(population, summary, number, PARTNER_CODE, f"practice code {exc}")
        return "no valid practice code"
    # An ended relationship is history (the practice moved or left): not a current member.
    ended = _ended(_cell(row, index, PARTNER_END), as_of)
    if isinstance(ended, str):
        report(population, summary, number, PARTNER_END, f"end date {ended}")
        return "invalid end date"
    if ended:
        reason = "relationship ended" if as_of is None else f"relationship ended on or before {as_of}"
        summary.note_row(reason, number)
        return reason
    try:
        pcn_code = check_code(_cell(row, index, PARTNER_PCN))
    except ValueError as exc:
        report(population, summary, number, PARTNER_PCN, f"network code {exc}")
        return "no valid network code"
    network = population.networks.get(pcn_code)
    if network is None:
        report(
            population,
            summary,
            number,
            PARTNER_PCN,
            f"practice {code}'s network {pcn_code} is not a current network on sheet {NETWORK_SHEET!r}",
        )
        return "network not on PCN Details"
    if code in population.practices:
        where = f" (row {first_row[code]})" if code in first_row else ""
        report(
            population,
            summary,
            number,
            PARTNER_CODE,
            f"practice {code} is already a member of {population.practices[code].pcn_code}{where}",
        )
        return "practice listed twice"
    first_row[code] = number
    population.practices[code] = Practice(
        code=code,
        name=_text(_cell(row, index, PARTNER_NAME)),
        commissioner_code=_commissioner(population, summary, number, row, index, PARTNER_CCG),
        pcn_code=pcn_code,
    )
    network.member_codes.append(code)
    return None
