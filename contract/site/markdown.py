"""Markdown building blocks of the pages: table cells, indented blocks, YAML listings, redlines.

Spec text is our own prose: it is escaped (so that it never becomes HTML) by contract.lang.text's
``md_prose`` and ``md_cell(prose=True)``, which keep the specs' own emphasis, and its links stay live
only when they go to http(s) or relative targets (``safe_links``: a ``javascript:`` link stays text).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import yaml

from contract.lang.redline import Segment, to_critic
from contract.lang.text import md_cell, md_prose

CRITIC_MARKERS = ("{++", "++}", "{--", "--}", "{~~", "~~}", "~>", "{==", "==}", "{>>", "<<}")


_INLINE_LINK = re.compile(r"\]\(\s*([^)\s]*)")
_REFERENCE_LINK = re.compile(r"^(\s{0,3})\[([^\]]+)\]:\s*(\S+)", re.MULTILINE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")


def safe_target(target: str) -> bool:
    """A link target the site may make live: http(s), or relative (no scheme at all)."""
    return not _SCHEME.match(target) or target.lower().startswith(("http://", "https://"))


def safe_links(markdown: str) -> str:
    """Markdown whose links all go to http(s) or relative targets: a link to anything else
    (`javascript:`, `data:`, `vbscript:` ...) has its brackets backslashed, so that it stays text."""
    def inline(m: re.Match[str]) -> str:
        return m.group(0) if safe_target(m.group(1)) else "\\]\\(" + m.group(0)[2:]

    def reference(m: re.Match[str]) -> str:
        return m.group(0) if safe_target(m.group(3)) else f"{m.group(1)}\\[{m.group(2)}\\]: {m.group(3)}"

    text = _INLINE_LINK.sub(inline, markdown)
    return _REFERENCE_LINK.sub(reference, text)


def prose(text: Any) -> str:
    """Our spec prose as Markdown: markup escaped, emphasis kept, only safe links live."""
    return safe_links(md_prose(text))


def cell(text: Any) -> str:
    """Spec prose inside a Markdown table cell: escaped, on one line, pipes backslashed, only safe links live."""
    return safe_links(md_cell(text, prose=True))


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
