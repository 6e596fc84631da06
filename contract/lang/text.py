"""One place for how numbers, money, dates and untrusted text are written, in every output.

Each function has one job and one format; reports, explanations, the docs site and the CLI call
these and never format money or escape text themselves.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

MINUS = "−"
"""The typographic minus used for signed money in prose and on the docs site."""


def day(value: date | None) -> str:
    """1 April 2019 (empty for no date)."""
    return "" if value is None else f"{value.day} {value:%B %Y}"


def number(value: Decimal | int) -> str:
    """12,034 or 0.5143: thousands separated, no trailing zeros."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def gbp(amount: Decimal | int, *, signed: bool = False, minus: str = "-") -> str:
    """Money to the penny: £75,000.00; `signed` adds + to gains; losses take `minus`."""
    amount = Decimal(amount)
    sign = "+" if signed and amount > 0 else minus if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def rate(value: Decimal | int) -> str:
    """A rate or a round sum as written in the sources: £1.50, £0.147, £0.5143, £37,810."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"£{int(value):,}"
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        return f"£{value:,.2f}"
    return f"£{value.normalize():,f}"


def signed_rate(amount: Decimal | None) -> str:
    """+£1.50, −£37,810, £0 (empty for no amount): a change written as a rate."""
    if amount is None:
        return ""
    if amount == 0:
        return "£0"
    return ("+" if amount > 0 else MINUS) + rate(abs(amount))


def plain_money(value: Decimal | None) -> str:
    """Money for machine-readable cells (CSV): 20652.40, no symbol, no separators; empty for none."""
    return "" if value is None else f"{value:.2f}"


# --- untrusted text --------------------------------------------------------------------------

def html(text: object) -> str:
    """Text with &, < and > escaped, so that it never becomes markup (in HTML or Markdown)."""
    return "" if text is None else str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def md(text: object) -> str:
    """Untrusted text as Markdown: markup escaped and Markdown's link and emphasis characters
    backslashed, so that a name such as `[x](javascript:...)` stays text."""
    return _MD_SPECIAL.sub(r"\\\1", html(text))


def md_prose(text: object) -> str:
    """Our own spec prose as Markdown: markup escaped, Markdown kept (specs may use emphasis)."""
    return html(text)


def md_cell(text: object, *, prose: bool = False) -> str:
    """Text safe inside a Markdown table cell: one line, no raw pipes, no markup."""
    escaped = md_prose(text) if prose else md(text)
    return re.sub(r"\s+", " ", escaped).replace("\\|", "|").replace("|", "\\|").strip()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A text cell a spreadsheet will not run: a leading =, +, -, @, tab or CR is quoted with '."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def plural(n: int, one: str, many: str | None = None) -> str:
    """3 networks, 1 network."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"
