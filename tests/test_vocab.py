"""Every member of every enum the reports and the site show has words in contract.render.vocab, and
no two members of one enum share them."""

from __future__ import annotations

import typing
from enum import Enum

import pytest

from contract.analysis.diff import ChangeClass, Outcome
from contract.evaluation.results import InstalmentState, Status
from contract.render import vocab
from contract.spec import schema

ENUM_WORDS: list[tuple[str, type[Enum]]] = [
    ("CHANGE_CLASS_WORDS", ChangeClass),
    ("STATUS_WORDS", Status),
    ("INSTALMENT_STATE_WORDS", InstalmentState),
    ("VERSION_STATUS_WORDS", schema.Status),
    ("CONFIDENCE_WORDS", schema.Confidence),
    ("PER_WORDS", schema.Per),
    ("PERIOD_WORDS", schema.RatePeriod),
    ("UNIT_WORDS", schema.Unit),
    ("METHOD_WORDS", schema.Method),
    ("SANCTION_EVENT_WORDS", schema.SanctionEvent),
    ("OVERLAY_OP_WORDS", schema.OverlayOp),
    ("OUTCOME_WORDS", Outcome),
]


@pytest.mark.parametrize(("name", "enum"), ENUM_WORDS, ids=[name for name, _ in ENUM_WORDS])
def test_every_member_has_its_own_words(name, enum):
    words = getattr(vocab, name)
    missing = [m.value for m in enum if m not in words]
    assert not missing, f"{name} has no words for {missing}"
    extra = [k for k in words if k not in set(enum)]
    assert not extra, f"{name} has words for what {enum.__name__} does not have: {extra}"
    for member, text in words.items():
        assert isinstance(text, str), (member, text)
        assert text, f"{name}[{member.value}] is blank"
        assert text.strip() == text, f"{name}[{member.value}] is padded: {text!r}"
        assert "_" not in text, f"{name}[{member.value}] reads like code: {text!r}"
    assert len(set(words.values())) == len(words), f"two members of {enum.__name__} share words"


def _term_kinds() -> set[str]:
    """The `kind` of each member of the Term union (a Literal on each model)."""
    union = typing.get_args(schema.Term)[0]
    kinds: set[str] = set()
    for model in typing.get_args(union):
        kinds.update(typing.get_args(model.model_fields["kind"].annotation))
    return kinds


def test_every_term_kind_has_words():
    kinds = _term_kinds()
    assert {k.value for k in schema.TermKind} <= kinds
    assert {"roles", "indicators"} <= kinds
    assert set(vocab.TERM_KIND_WORDS) == kinds
    assert all(vocab.TERM_KIND_WORDS.values())
    assert len(set(vocab.TERM_KIND_WORDS.values())) == len(kinds)


def test_units_after_a_number_are_units():
    assert set(schema.Unit) >= vocab.UNITS_SHOWN_AFTER_A_NUMBER
    # Money and percentages carry their own sign; a bare count or ratio has no word after it.
    for unit in (schema.Unit.gbp, schema.Unit.percent, schema.Unit.count, schema.Unit.ratio):
        assert unit not in vocab.UNITS_SHOWN_AFTER_A_NUMBER
