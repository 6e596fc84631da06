"""The summary paragraph and each change in words (generated, never written by hand)."""

from __future__ import annotations

from contract.analysis.diff.models import (
    RANK,
    CellState,
    ChangeClass,
    FieldChange,
    MultiDiff,
    Outcome,
    TermChange,
    TermState,
    VersionDiff,
)
from contract.lang.expressions import describe_value
from contract.lang.text import gbp, plural

CLASS_WORDS = {
    ChangeClass.new_obligation: ("new obligation", "new obligations"),
    ChangeClass.obligation_dropped: ("obligation dropped", "obligations dropped"),
    ChangeClass.funding_up: ("funding up", "funding up"),
    ChangeClass.funding_down: ("funding down", "funding down"),
    ChangeClass.moved: ("payment line whose money moved", "payment lines whose money moved"),
    ChangeClass.stricter: ("stricter", "stricter"),
    ChangeClass.looser: ("looser", "looser"),
    ChangeClass.timing: ("moved in time", "moved in time"),
    ChangeClass.undetermined: ("changed, direction undetermined", "changed, direction undetermined"),
    ChangeClass.editorial: ("editorial only", "editorial only"),
}


MONEY_TOLD_ALONE: dict[ChangeClass, bool] = {
    ChangeClass.new_obligation: True,
    ChangeClass.obligation_dropped: True,
    ChangeClass.funding_up: True,
    ChangeClass.funding_down: True,
    ChangeClass.moved: False,
    ChangeClass.stricter: True,
    ChangeClass.looser: True,
    ChangeClass.timing: True,
    ChangeClass.undetermined: True,
    ChangeClass.editorial: True,
}
"""The pricing decision for each class: whether a change's own money is told (and ranked) with it.
A line whose money moved is not a gain or a loss on its own: the move is priced as a whole."""


def _money_told(c: TermChange) -> bool:
    return all(MONEY_TOLD_ALONE[x] for x in c.classes)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


_DESCRIBE_FIRST = ("value", "values", "formula", "definition", "frequency", "requirement", "due", "in_effect",
                   "applies_when", "rate", "basis", "accrual", "eligible_when", "funded_by", "funds", "steps", "roles")


def _headline(c: TermChange) -> FieldChange:
    """The field that says most about a change: a substantive one, the term's key field first."""
    substantive = [f for f in c.fields if f.classification is not ChangeClass.editorial] or c.fields

    def priority(f: FieldChange) -> tuple[int, int]:
        head = f.field.split(".")[0]
        return (_DESCRIBE_FIRST.index(head) if head in _DESCRIBE_FIRST else len(_DESCRIBE_FIRST),
                c.fields.index(f))

    return min(substantive, key=priority)


def _field_words(f: FieldChange) -> str:
    if f.classification is ChangeClass.timing:
        return ", ".join(x for x in ("moved in time", f.shift.value if f.shift else None,
                                     f.direction.value if f.direction else None) if x)
    return CLASS_WORDS[f.classification][0]


def _quoted(text: str) -> str:
    """Words with their own punctuation are quoted, so that they do not run into the sentence."""
    return f"“{text}”" if any(ch in text for ch in ",;:") else text


def describe(c: TermChange) -> str:
    """One change in words: what moved, from what to what, and what it is worth."""
    title = _lower_first(c.title)
    if c.state is TermState.added:
        text = f"{title} added" + (" with no funding" if c.unfunded else "")
        text += f", carrying the money of {_join(c.moved_from)}" if c.moved_from else ""
        rate = next((f for f in c.fields if f.field in ("rate", "value")), None)
        if rate and rate.new:
            text += f" ({rate.new})"
    elif c.state is TermState.removed and c.moved_to:
        text = f"{title} moved into {_join(c.moved_to)}"
    elif c.state is TermState.removed:
        text = f"{title} dropped"
    else:
        top = _headline(c)
        if top.old is None:
            text = f"{title}: {top.label} added"
        elif top.new is None:
            text = f"{title}: {top.label} removed"
        elif top.field in ("summary", "title", "notes", "workload"):
            text = f"{title}: {top.label} changed"
        else:
            text = f"{title}: {top.label} moved from {_quoted(top.old)} to {_quoted(top.new)}"
        text += f" ({_field_words(top)})"
        others = sum(1 for f in c.fields if f is not top and f.classification is not ChangeClass.editorial)
        if others:
            text += f", and {plural(others, 'other change')}"
    if c.money and c.money.delta and _money_told(c):
        text += f", {gbp(c.money.delta, signed=True)} a year for an average network"
    return text


def salient(d: VersionDiff, n: int = 6) -> list[TermChange]:
    """The changes a summary names: in turn the largest money changes, the obligations whose rules
    moved most, and the obligations added or dropped; then the rest, by class."""
    # A payment line whose rate parameter also changed is told through the rate, not twice.
    rated = {u for c in d.changes if c.kind == "parameter" and c.money and c.classes != [ChangeClass.editorial]
             for u in c.used_by}
    pool = [c for c in d.changes if c.classes != [ChangeClass.editorial]
            and not (c.kind == "entitlement" and c.state is TermState.changed and c.id in rated)]
    money = sorted((c for c in pool if c.money and c.money.delta and _money_told(c)),
                   key=lambda c: (-abs(c.money.delta), c.id))  # type: ignore[union-attr,arg-type]
    rules = sorted((c for c in pool if c.kind == "obligation" and c.state is TermState.changed),
                   key=lambda c: (-sum(f.classification is not ChangeClass.editorial for f in c.fields), c.id))
    arrivals = sorted((c for c in pool if c.kind == "obligation" and c.state is not TermState.changed),
                      key=lambda c: (not c.unfunded, c.state.value, c.id))
    rest = sorted(pool, key=lambda c: (min(RANK[x] for x in c.classes), c.id))
    picked: list[TermChange] = []
    queues = [money, rules, arrivals]
    while len(picked) < n and any(queues):
        for queue in queues:
            while queue and queue[0] in picked:
                queue.pop(0)
            if queue and len(picked) < n:
                picked.append(queue.pop(0))
    for c in rest:
        if len(picked) >= n:
            break
        if c not in picked:
            picked.append(c)
    return picked


def summarise(d: VersionDiff, n_salient: int = 6) -> str:
    a, b = d.a, d.b
    head = f"Comparing {a.id} ({a.status.value.replace('_', ' ')}) with {b.id} ({b.status.value.replace('_', ' ')})"
    if not d.changes:
        return f"{head}: no term differs."
    counts = d.counts
    parts = [f"{head}: {plural(counts['changed'], 'term')} changed, {counts['added']} added and "
             f"{counts['removed']} removed."]
    by_class = [plural(counts[c.value], *CLASS_WORDS[c]) for c in ChangeClass if counts[c.value]]
    parts.append("By class (a term can carry more than one): " + _join(by_class) + ".")
    picked = salient(d, n_salient)
    if picked:
        parts.append("Most salient: " + "; ".join(describe(c) for c in picked) + ".")
    m = d.money
    priced = [x for x in m.lines if x.delta is not None]
    if priced:
        parts.append(f"Money for {m.assumption}: the payment lines that can be priced come to "
                     f"{gbp(m.old_total)} under {a.id} and {gbp(m.new_total)} under {b.id}, a change of "
                     f"{gbp(m.delta_total, signed=True)} over the contract year.")
        parts.append(_assumed(d))
    parts.extend(_moved(d))
    if m.not_priced:
        titles = {x.term_id: x for x in m.lines}
        parts.append("Not priced: " + _join([f"{_lower_first(titles[t].title)} ({titles[t].note})"
                                             for t in m.not_priced]) + ".")
    if d.unfunded:
        names = {c.id: c.title for c in d.changes}
        parts.append("Obligations added with no funding: " + _join([names[t] for t in d.unfunded]) + ".")
    elif counts["new_obligation"]:
        parts.append("Every obligation added names the payment that funds it.")
    return " ".join(parts)


def _assumed(d: VersionDiff) -> str:
    """The average network's inputs, the dates evaluated, and any parameter set for B."""
    m = d.money
    when = (f" on {describe_value(m.as_of_a)} ({d.a.id}) and {describe_value(m.as_of_b)} ({d.b.id})"
            if m.as_of_a and m.as_of_b else "")
    text = (f"Each version is evaluated for the average network{when}, assuming: "
            + "; ".join(m.assumptions) + ".")
    if m.overrides:
        text += f" Set for {d.b.id}'s evaluation: " + ", ".join(m.overrides) + "."
    return text


def _moved(d: VersionDiff) -> list[str]:
    """Each move of money between lines, priced as a whole where it can be."""
    titles = {x.term_id: _lower_first(x.title) for x in d.money.lines}
    out = []
    for move in d.money.moves:
        head = (f"Money moved: {_join([titles[t] for t in move.lines_from])} into "
                f"{_join([titles[t] for t in move.lines_to])}")
        if move.delta is not None:
            out.append(f"{head}, {gbp(move.old)} under {d.a.id} and {gbp(move.new)} under {d.b.id} for the "
                       f"whole, a change of {gbp(move.delta, signed=True)}.")
        else:
            out.append(f"{head}; the priced lines of the move come to {gbp(move.old)} under {d.a.id} and "
                       f"{gbp(move.new)} under {d.b.id}, but {_join([titles[t] for t in move.not_priced])} "
                       "cannot be priced, so the move is left out of the totals.")
    return out


def summarise_many(m: MultiDiff) -> str:
    chain = " → ".join(v.id for v in m.versions)
    moved = sum(1 for r in m.rows if any(c.state not in (CellState.same, CellState.present, CellState.absent)
                                         for c in r.cells))
    steps = []
    for pair in m.pairs:
        c = pair.counts
        steps.append(f"{pair.a.id} → {pair.b.id}: {c['changed']} changed, {c['added']} added, {c['removed']} "
                     f"removed, {plural(c['unfunded'], 'unfunded obligation')} added, "
                     f"{gbp(pair.money.delta_total, signed=True)} for an average network")
    text = (f"Across {chain}, {plural(len(m.rows), 'term')} appear; {moved} of them change at least once. "
            + "; ".join(steps) + ".")
    if m.verdicts:
        base, asked, outcome = (v.id for v in m.versions)
        tally = {o: [v for v in m.verdicts if v.outcome is o] for o in Outcome}
        unmet = ", ".join(v.title.lower() for v in tally[Outcome.not_met][:6])
        text += (f" Of the {len(m.verdicts)} changes {asked} asks of {base}, {outcome} made "
                 f"{len(tally[Outcome.met])}, kept {base}'s terms for {len(tally[Outcome.not_met])}"
                 + (f" ({unmet}{', …' if len(tally[Outcome.not_met]) > 6 else ''})" if unmet else "")
                 + f" and did something else with {len(tally[Outcome.otherwise])}.")
    return text
