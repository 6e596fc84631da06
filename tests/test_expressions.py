"""The expression language: a whitelist over Python's ast, exact numbers, three-valued logic."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract.lang.expressions import (
    ExpressionError,
    evaluate_condition,
    evaluate_formula,
    negation_normal_form,
    parse_condition,
    parse_formula,
    round_to,
    to_sentence,
)


@pytest.mark.parametrize("text", [
    "__import__('os')", "open('x')", "[1, 2]", "lambda: 1", "x[0]", "f'{x}'", "x ** 2", "x // 2",
    "getattr(x, 'y')", "(yield)", "x := 1", "min(a=1)",
])
def test_anything_outside_the_whitelist_is_refused(text):
    with pytest.raises(ExpressionError):
        parse_formula(text)


def test_numbers_are_read_exactly_from_their_text():
    assert evaluate_formula(parse_formula("0.147 * 12"), {}) == Decimal("1.764")
    assert evaluate_formula(parse_formula("0.1 + 0.2"), {}) == Decimal("0.3")


def test_round_to_is_half_up_to_the_nearest_step():
    # 50,000 patients -> 1,500 minutes (the official example); 43,210 -> 1,296.3 -> 1,290.
    f = parse_formula("round_to(n / 1000 * 30, 15)")
    assert evaluate_formula(f, {"n": Decimal(50000)}) == Decimal(1500)
    assert evaluate_formula(f, {"n": Decimal(43210)}) == Decimal(1290)
    assert round_to(Decimal("7.5"), Decimal(15)) == Decimal(15)  # a half goes up


def test_missing_inputs_make_a_condition_unknown_unless_the_rest_decides_it():
    cond = parse_condition("a >= 3 or flag")
    assert evaluate_condition(cond, {"a": Decimal(5)}) is True
    assert evaluate_condition(cond, {"a": Decimal(1)}) is None
    assert evaluate_condition(cond, {"a": Decimal(1), "flag": False}) is False
    assert evaluate_condition(parse_condition("a >= 3 and flag"), {"a": Decimal(1)}) is False


def test_dates_are_literals_through_date():
    cond = parse_condition("as_of >= date('2020-10-01')")
    assert evaluate_condition(cond, {"as_of": date(2020, 10, 1)}) is True
    with pytest.raises(ExpressionError):
        parse_condition("as_of >= date('2020-02-30')")


def test_sentences_read_as_words_with_values():
    cond = parse_condition("minutes >= required")
    words = to_sentence(cond, {"minutes": "minutes delivered", "required": "minutes required"},
                        {"minutes": Decimal(1440), "required": Decimal(1500)})
    assert words == "minutes delivered (1,440) is at least minutes required (1,500)"


def test_compound_conditions_and_conditional_formulas_read_as_words():
    # A compound condition is worded as a whole, with its compound parts in brackets; a formula's
    # "x if test else y" words its test as a condition. Missing values say so.
    cond = parse_condition("signed_up and (beds > 0 or not care_home)")
    assert to_sentence(cond, {"signed_up": "signed up"}) == "signed up and (beds is more than 0 or not (care home))"
    formula = parse_formula("rate if signed_up else 0")
    assert to_sentence(formula, {}, {"rate": Decimal("1.5")}) == "rate (1.5) if signed up (not given), otherwise 0"


names = st.sampled_from(["a", "b", "c"])
atoms = st.builds(lambda n, op, k: f"{n} {op} {k}", names, st.sampled_from([">=", "<", "==", "!="]),
                  st.integers(0, 4))
conditions = st.recursive(
    atoms, lambda inner: st.one_of(
        st.builds(lambda x, y: f"({x}) and ({y})", inner, inner),
        st.builds(lambda x, y: f"({x}) or ({y})", inner, inner),
        st.builds(lambda x: f"not ({x})", inner)), max_leaves=6)
envs = st.dictionaries(names, st.integers(0, 4).map(Decimal))


@given(conditions, envs)
def test_negation_normal_form_keeps_meaning(text, env):
    cond = parse_condition(text)
    assert evaluate_condition(negation_normal_form(cond), env) == evaluate_condition(cond, env)
    negated = evaluate_condition(negation_normal_form(cond, negate=True), env)
    original = evaluate_condition(cond, env)
    assert negated == (None if original is None else not original)
