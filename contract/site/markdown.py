"""Markdown building blocks of the pages: table cells, indented blocks, YAML listings, redlines.

Spec text is our own prose: it is escaped (so that it never becomes HTML) by contract.lang.text's
``md_prose`` and ``md_cell(prose=True)``, which keep the specs' own emphasis.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml

from contract.lang.redline import Segment, to_critic
from contract.lang.text import md_cell

CRITIC_MARKERS = ("{++", "++}", "{--", "--}", "{~~", "~~}", "~>", "{==", "==}", "{>>", "<<}")


def cell(text: Any) -> str:
    """Spec prose inside a Markdown table cell: escaped, on one line, pipes backslashed."""
    return md_cell(text, prose=True)


def indent_block(text: str, width: int = 4) -> str:
    """Indent every non-empty line (content tabs and admonitions nest by indentation)."""
    pad = " " * width
    return "\n".join(pad + line if line.strip() else "" for line in text.split("\n"))


def yaml_text(data: Any) -> str:
    """Data as block-style YAML, keys in their own order, without the final newline."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False).rstrip("\n")


def _critic_text(text: str) -> str:
    """Text that can sit inside CriticMarkup and a table cell: escaped, one line, no markers."""
    text = cell(text)
    for marker in CRITIC_MARKERS:
        text = text.replace(marker, marker[0] + "\u200b" + marker[1:])
    return text


def critic(segments: Iterable[Segment]) -> str:
    """A contract.lang.redline redline as CriticMarkup, every piece of text escaped for Markdown."""
    return to_critic([Segment(op=s.op, text=_critic_text(s.text) if s.text.strip() else s.text) for s in segments])


def critic_side(text: str | None, mark: str) -> str:
    """One side of a change in a table: deleted (`--`) or inserted (`++`) text, or a dash."""
    if text is None or not str(text).strip():
        return "—"
    return f"{{{mark}{_critic_text(str(text))}{mark}}}"
