"""Sanction ladders as mermaid state diagrams, and their statecharts as tables and words."""

from __future__ import annotations

import itertools
import re
from typing import Any

from contract.render.vocab import SANCTION_EVENT_WORDS
from contract.site.markdown import cell, prose
from contract.spec.schema import SanctionEvent

COMMON_MOVE = 5
"""A move (event → next state) taken from at least this many states is not drawn as an arrow from
each: a sanction statechart lets a commissioner terminate or serve a notice from almost anywhere,
and drawing each arrow would bury the ladder. The page says those moves in words instead."""


def mermaid_text(text: str) -> str:
    """A label mermaid accepts inside a state diagram (no quotes, colons, semicolons or hashes)."""
    return re.sub(r"[\"':;#{}<>]", " ", text).strip()


def event_words(event: str) -> str:
    """A statechart event (a contract.spec.schema.SanctionEvent value) in words."""
    return SANCTION_EVENT_WORDS[SanctionEvent(event)]


def _titles(term: Any) -> dict[str, str]:
    return {step.state: step.title for step in getattr(term, "steps", [])}


def sanction_mermaid(term: Any) -> str:
    """A stateDiagram of a sanction's steps in the order the term lists them. The steps say nothing
    of the events between them, so the arrows carry only what the steps do say: the cure period a
    step allows before the next may be taken. The last step ends the ladder when it is termination."""
    steps = list(getattr(term, "steps", []))
    # Left to right reads well for a short ladder; a long one would shrink to illegibility.
    lines = ["stateDiagram-v2", "    direction LR" if len(steps) <= 4 else "    direction TB"]
    for step in steps:
        lines.append(f'    state "{mermaid_text(step.title)}" as {step.state}')
    if steps:
        lines.append(f"    [*] --> {steps[0].state}")
    for here, there in itertools.pairwise(steps):
        label = f": after a cure period of {here.cure_days} days" if here.cure_days else ""
        lines.append(f"    {here.state} --> {there.state}{label}")
    if steps and steps[-1].state == "termination":
        lines.append(f"    {steps[-1].state} --> [*]")
    return "\n".join(lines)


def _common_moves(chart: Any) -> dict[tuple[str, str], list[str]]:
    sources: dict[tuple[str, str], list[str]] = {}
    for state, moves in chart.transitions:
        for event, target in moves:
            if target != state:
                sources.setdefault((event, target), []).append(state)
    return {move: froms for move, froms in sources.items() if len(froms) >= COMMON_MOVE}


def statechart_mermaid(term: Any, chart: Any) -> str:
    """A contract.evaluation.sanctions statechart (its `transitions`: (state, ((event, target), ...)) pairs,
    the table the engine's durable_rules statechart is built from) as a mermaid stateDiagram.

    Each arrow is a dated event; events that lead to the same state are drawn as one arrow. Events
    that leave the state as it is (a further withholding while a notice runs) are not drawn, nor are
    moves common to many states (see COMMON_MOVE, and `common_moves` for the words); the table of
    moves beside the diagram has every one. A state with no way out is final."""
    titles = _titles(term)
    common = _common_moves(chart)
    lines = ["stateDiagram-v2"]
    for state, _moves in chart.transitions:
        lines.append(f'    state "{mermaid_text(titles.get(state, state))}" as {state}')
    lines.append(f"    [*] --> {chart.initial}")
    for state, moves in chart.transitions:
        arrows: dict[str, list[str]] = {}
        for event, target in moves:
            if target != state and (event, target) not in common:
                arrows.setdefault(target, []).append(event_words(event))
        for target, events in arrows.items():
            lines.append(f"    {state} --> {target}: {mermaid_text(' / '.join(events))}")
        if not moves:
            lines.append(f"    {state} --> [*]")
    return "\n".join(lines)


def common_moves(term: Any, chart: Any) -> list[str]:
    """The moves the diagram leaves out because many states take them, in words (Markdown)."""
    titles = _titles(term)
    states = [state for state, _moves in chart.transitions]
    live = [state for state, moves in chart.transitions if moves]
    said = []
    for (event, target), froms in sorted(_common_moves(chart).items(), key=lambda m: (states.index(m[0][1]), m[0][0])):
        others = [s for s in live if s not in froms and s != target]
        where = (f"from every state but {', '.join(prose(titles.get(s, s)) for s in others)}" if others
                 else "from every state")
        said.append(f"*{event_words(event)}* leads to **{prose(titles.get(target, target))}** {where}")
    return said


def transition_table(term: Any, chart: Any) -> dict[str, Any]:
    """Every move of a statechart as a matrix: a row per state, a column per event it takes, the
    next state in each cell ("stays" when the event leaves the state as it is)."""
    titles = _titles(term)
    events = list(dict.fromkeys(e for _state, moves in chart.transitions for e, _t in moves))
    rows = []
    for state, moves in chart.transitions:
        found = dict(moves)
        cells = ["stays" if found.get(e) == state else cell(titles.get(found[e], found[e])) if e in found else ""
                 for e in events]
        rows.append([f"**{cell(titles.get(state, state))}**", *cells])
    return {"header": ["State", *[event_words(e) for e in events]], "rows": rows}
