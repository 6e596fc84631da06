"""Word-level redlines of changed text, clause by clause.

Both texts are split into clauses (at the end of a sentence and after a semicolon or colon, never
inside a number such as £1.50), the clause lists are aligned with :class:`difflib.SequenceMatcher`,
and each block of clauses that differs is compared word by word (``autojunk=False``: the
heuristic that ignores frequent tokens would hide repeated words such as "the"). Unchanged clauses
stay whole, so one edited sentence never smears across a paragraph.

A redline is a list of :class:`Segment` (equal, delete, insert) that always reconstructs both
texts: the equal and deleted segments give the old text, the equal and inserted segments the new
one. It renders as CriticMarkup for Markdown (``{--deleted--}{++inserted++}``) and as
``<del>``/``<ins>`` for HTML, with every piece of text HTML-escaped.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from enum import StrEnum
from html import escape

from pydantic import BaseModel, ConfigDict


class Op(StrEnum):
    equal = "equal"
    delete = "delete"
    insert = "insert"


class Segment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    op: Op
    text: str


_CLAUSE_END = re.compile(r"[.;:!?]+(?:[\"'”’)\]]*)(?=\s|$)\s*")
_SCRAP = 3
"""An unchanged piece this short (after trimming spaces) between two changes is folded into them."""
_TOKEN = re.compile(r"\s+|[\w£$€%]+(?:[.,'’\-/][\w%]+)*|[^\w\s]")


def normalise(text: str) -> str:
    """Collapse runs of whitespace (YAML folded text) to single spaces and trim the ends."""
    return " ".join(text.split())


def clauses(text: str) -> list[str]:
    """Split into clauses, each keeping its closing punctuation and the space after it."""
    found, start = [], 0
    for match in _CLAUSE_END.finditer(text):
        found.append(text[start:match.end()])
        start = match.end()
    if start < len(text):
        found.append(text[start:])
    return found


def tokens(text: str) -> list[str]:
    """Words (numbers and amounts such as £1.50 or 30,000 stay whole), punctuation and spaces."""
    return _TOKEN.findall(text)


def _word_diff(old: str, new: str) -> list[Segment]:
    a, b = tokens(old), tokens(new)
    out: list[Segment] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(Segment(op=Op.equal, text="".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(Segment(op=Op.delete, text="".join(a[i1:i2])))
        if j2 > j1:
            out.append(Segment(op=Op.insert, text="".join(b[j1:j2])))
    return out


def _tidy(segments: list[Segment]) -> list[Segment]:
    """Make runs of changes readable: an unchanged scrap between two changes (a space, a comma, a
    short word such as "and") joins both sides of the change around it; then neighbours of one kind
    merge, each run of changes written as its deletions followed by its insertions."""
    blocks: list[list] = []  # ["equal", text] or ["change", deleted parts, inserted parts]
    for i, seg in enumerate(segments):
        if seg.op is Op.equal:
            between = blocks and blocks[-1][0] == "change" and i + 1 < len(segments)
            if between and len(seg.text.strip()) <= _SCRAP:
                blocks[-1][1].append(seg.text)
                blocks[-1][2].append(seg.text)
            elif blocks and blocks[-1][0] == "equal":
                blocks[-1][1] += seg.text
            elif seg.text:
                blocks.append(["equal", seg.text])
            continue
        if not blocks or blocks[-1][0] != "change":
            blocks.append(["change", [], []])
        blocks[-1][1 if seg.op is Op.delete else 2].append(seg.text)
    out: list[Segment] = []
    for block in blocks:
        if block[0] == "equal":
            out.append(Segment(op=Op.equal, text=block[1]))
            continue
        deleted, inserted = "".join(block[1]), "".join(block[2])
        if deleted == inserted:  # only scraps were gathered: nothing changed here after all
            out.append(Segment(op=Op.equal, text=deleted))
            continue
        if deleted:
            out.append(Segment(op=Op.delete, text=deleted))
        if inserted:
            out.append(Segment(op=Op.insert, text=inserted))
    merged: list[Segment] = []
    for seg in out:
        if merged and merged[-1].op is seg.op is Op.equal:
            merged[-1] = Segment(op=Op.equal, text=merged[-1].text + seg.text)
        else:
            merged.append(seg)
    return merged


def redline(old: str, new: str) -> list[Segment]:
    """The word-level redline from `old` to `new` (whitespace normalised first)."""
    old, new = normalise(old), normalise(new)
    a, b = clauses(old), clauses(new)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            segments.append(Segment(op=Op.equal, text="".join(a[i1:i2])))
        else:
            segments.extend(_word_diff("".join(a[i1:i2]), "".join(b[j1:j2])))
    return _tidy(segments)


def old_text(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments if s.op is not Op.insert)


def new_text(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments if s.op is not Op.delete)


def _edge_spaces(text: str) -> tuple[str, str, str]:
    """Leading space, core, trailing space: markup goes around the words, not the spaces."""
    core = text.strip()
    if not core:
        return "", text, ""
    start = text.index(core)
    return text[:start], core, text[start + len(core):]


def to_critic(segments: list[Segment]) -> str:
    """CriticMarkup for Markdown: ``{--deleted--}`` and ``{++inserted++}``."""
    out = []
    for seg in segments:
        if seg.op is Op.equal:
            out.append(seg.text)
            continue
        lead, core, trail = _edge_spaces(seg.text)
        mark = "--" if seg.op is Op.delete else "++"
        if not core.strip():
            # A change of spacing alone: show the new spacing, not a marked-up blank.
            out.append(seg.text if seg.op is Op.insert else "")
            continue
        out.append(f"{lead}{{{mark}{core}{mark}}}{trail}")
    return "".join(out)


def to_html(segments: list[Segment]) -> str:
    """HTML with ``<del>`` and ``<ins>``; every piece of text is escaped."""
    out = []
    for seg in segments:
        if seg.op is Op.equal:
            out.append(escape(seg.text))
            continue
        lead, core, trail = _edge_spaces(seg.text)
        tag = "del" if seg.op is Op.delete else "ins"
        if not core.strip():
            out.append(escape(seg.text) if seg.op is Op.insert else "")
            continue
        out.append(f"{escape(lead)}<{tag}>{escape(core)}</{tag}>{escape(trail)}")
    return "".join(out)
