"""Diffs between versions: properties (hypothesis), the classification rules by example, and the real
versions where they exist.

The synthetic versions are built in code from the schema models, so these tests depend on no one
else's specs; tests on real versions skip when a version folder does not exist yet.
"""

from __future__ import annotations

import io
import itertools
import json
import tempfile
from contextlib import redirect_stdout
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract.analysis.diff import (
    OPPOSITE,
    ChangeClass,
    Direction,
    MultiDiff,
    Shift,
    TermState,
    VersionDiff,
    describe,
    diff,
    diff_many,
    frequency_days,
    salient,
    show_value,
)
from contract.lang.redline import Op, clauses, new_text, old_text, redline, to_critic, to_html
from contract.spec.loader import SPECS_ROOT, load_version, read_meta, version_ids
from contract.spec.schema import (
    Citation,
    DatedValue,
    Parameter,
    Period,
    Sanction,
    Version,
)
from tests.synthetic import CITE, END, START, entitlement, make_version, obligation, param

_param, _obligation, _entitlement = param, obligation, entitlement


def base_terms() -> dict:
    terms = [
        _param("param.rate_network", "gbp", Decimal("1.50"), per="registered_patient", period="year"),
        _param("param.rate_practice", "gbp", Decimal("0.147"), per="weighted_patient", period="month"),
        _param("param.deadline", "date", date(2019, 5, 15)),
        _param("param.size_min", "patients", Decimal(30000)),
        _param("param.size_max", "patients", Decimal(50000)),
        _param("param.minutes", "minutes", Decimal(30), per="1000_patients", period="week"),
        Parameter(kind="parameter", id="param.required", title="Required minutes", summary="Minutes a week.",
                  service="Test", citations=[CITE], unit="minutes", level="network",
                  formula="round_to(registered_list / 1000 * param.minutes, 15)"),
        _obligation("obl.submit", "registration_submitted_on <= param.deadline", due="param.deadline",
                    funds=["payment.network"]),
        _obligation("obl.size", "(registered_list >= param.size_min and registered_list <= param.size_max) "
                                "or size_exception_agreed"),
        _obligation("obl.hours", "extended_hours_minutes_per_week >= param.required", frequency="weekly",
                    funded_by=["payment.network"]),
        _obligation("obl.contiguous", "contiguous_area"),
        _obligation("obl.director", "clinical_director_named", funded_by=["payment.network"]),
        _entitlement("payment.network", "param.rate_network", "registered_list", eligible_when="registered"),
        _entitlement("payment.practice", "param.rate_practice", "weighted_list", level="practice",
                     eligible_when="signed_up"),
        Sanction(kind="sanction", id="sanction.withhold", title="Withhold", summary="Payment withheld.",
                 service="Test", citations=[CITE], level="network", applies_to=["obl.submit"],
                 steps=[{"state": "compliant", "title": "Compliant", "summary": "Paid.", "money": "none",
                         "citations": [CITE]},
                        {"state": "withheld", "title": "Withheld", "summary": "Held back.", "money": "withheld",
                         "cure_days": 28, "citations": [CITE]}]),
    ]
    return {t.id: t for t in terms}


BASE = make_version(base_terms())


def replaced(version: Version, term_id: str, **update) -> Version:
    terms = dict(version.terms)
    term = terms[term_id]
    terms[term_id] = type(term).model_validate(term.model_dump() | update)  # validated, as a spec would be
    return version.model_copy(update={"terms": terms})


def with_value(version: Version, term_id: str, value) -> Version:
    term = version.terms[term_id]
    values = [term.values[0].model_copy(update={"value": value})]
    return replaced(version, term_id, values=values)


def field_of(d: VersionDiff, term_id: str, field: str):
    return next(f for f in d.change(term_id).fields if f.field == field)


# ---------------------------------------------------------------------------------------------
# Examples of each rule


def test_a_version_against_itself_has_no_changes():
    d = diff(BASE, BASE)
    assert d.changes == []
    assert d.unfunded == []
    assert "no term differs" in d.summary


def test_a_higher_rate_is_funding_up_with_money_for_an_average_network():
    d = diff(BASE, with_value(BASE, "param.rate_network", Decimal("1.75")))
    change = d.change("param.rate_network")
    assert change.classes == [ChangeClass.funding_up]
    # 50,000 patients × (£1.75 − £1.50) a year × 12/12 months = £12,500.00
    assert change.money.delta == Decimal("12500.00")
    line = next(x for x in d.money.lines if x.term_id == "payment.network")
    assert (line.old, line.new) == (Decimal("75000.00"), Decimal("87500.00"))
    # Money in the one rate format (contract.lang.text.rate): £1.50, not "£1.5".
    assert "£1.50 per registered patient a year to £1.75 per registered patient a year" in d.summary
    assert "50,000 registered patients" in d.summary
    assert "not a contract figure" in d.summary


def test_a_higher_threshold_through_a_formula_is_stricter():
    # param.minutes feeds param.required, which the hours requirement must reach (>=).
    d = diff(BASE, with_value(BASE, "param.minutes", Decimal(45)))
    assert d.change("param.minutes").classes == [ChangeClass.stricter]


def test_a_size_range_narrowed_at_either_end_is_stricter():
    assert diff(BASE, with_value(BASE, "param.size_min", Decimal(35000))).change("param.size_min").classes == \
        [ChangeClass.stricter]
    assert diff(BASE, with_value(BASE, "param.size_max", Decimal(60000))).change("param.size_max").classes == \
        [ChangeClass.looser]


def test_an_earlier_deadline_is_timing_and_stricter_on_the_parameter_and_the_obligation():
    d = diff(BASE, with_value(BASE, "param.deadline", date(2019, 5, 1)))
    f = field_of(d, "param.deadline", "value")
    assert (f.classification, f.direction, f.shift) == (ChangeClass.timing, Direction.stricter, Shift.earlier)
    # The obligation due on it did not change its own definition: the parameter lists it as a user.
    assert "obl.submit" not in {c.id for c in d.changes}
    assert d.change("param.deadline").used_by == ["obl.submit"]
    # An obligation that moves to another deadline changes itself.
    d = diff(BASE, replaced(BASE, "obl.contiguous", due="param.deadline"))
    due = field_of(d, "obl.contiguous", "due")
    assert (due.classification, due.direction, due.shift, due.new) == \
        (ChangeClass.timing, Direction.looser, Shift.later, "15 May 2019 (param.deadline)")


def test_the_same_point_of_the_next_contract_year_is_no_change():
    terms = dict(base_terms())
    terms["param.deadline"] = _param("param.deadline", "date", date(2020, 5, 15)).model_copy(
        update={"values": [DatedValue(effective=date(2020, 4, 1), value=date(2020, 5, 15), citations=[CITE])]})
    nxt = make_version(terms, "2020-21", date(2020, 4, 1), date(2021, 3, 31))
    d = diff(BASE, nxt)
    assert "param.deadline" not in {c.id for c in d.changes}
    assert "obl.submit" not in {c.id for c in d.changes}


def test_frequency_words():
    assert frequency_days("at least fortnightly") == 14
    assert frequency_days("weekly") == 7
    assert frequency_days("every week") == 7
    assert frequency_days("once") > frequency_days("annually") > frequency_days("monthly")
    assert frequency_days("throughout the year") == 0
    assert frequency_days("when the moon is full") is None
    d = diff(BASE, replaced(BASE, "obl.hours", frequency="at least fortnightly"))
    f = field_of(d, "obl.hours", "frequency")
    assert (f.old, f.new, f.classification) == ("weekly", "at least fortnightly", ChangeClass.looser)
    assert diff(BASE, replaced(BASE, "obl.hours", frequency="every week")).change("obl.hours").classes == \
        [ChangeClass.editorial]
    assert diff(BASE, replaced(BASE, "obl.hours", frequency="when asked")).change("obl.hours").classes == \
        [ChangeClass.undetermined]


def test_several_duties_in_one_frequency():
    from contract.analysis.diff import frequencies, frequency_class

    assert frequencies("weekly; GP-led at least fortnightly") == {7, 14}
    assert frequencies("once a week") == {7}
    assert frequency_class("weekly; GP-led at least fortnightly", "weekly") is ChangeClass.looser
    assert frequency_class("weekly", "weekly; GP-led at least fortnightly") is ChangeClass.stricter
    assert frequency_class("once", "throughout the year") is ChangeClass.stricter


def test_a_deadline_before_the_version_starts_means_due_from_the_start():
    a = replaced(BASE, "obl.contiguous", due="2019-01-31")
    b = replaced(BASE, "obl.contiguous", due=None)
    # The same effect written another way: editorial only.
    assert diff(a, b).change("obl.contiguous").classes == [ChangeClass.editorial]
    assert field_of(diff(a, replaced(BASE, "obl.contiguous", due="2019-04-02")), "obl.contiguous", "due").shift \
        is Shift.later


@pytest.mark.parametrize(("new", "expected"), [
    ("extended_hours_minutes_per_week >= param.required + 30", ChangeClass.undetermined),  # a new shape
    ("extended_hours_minutes_per_week > param.required", ChangeClass.stricter),  # >= became >
    ("extended_hours_minutes_per_week >= param.required and contiguous_area", ChangeClass.stricter),
    ("extended_hours_minutes_per_week >= param.required or contiguous_area", ChangeClass.looser),
    ("extended_hours_minutes_per_week   >=   param.required", None),  # spacing only: no change
])
def test_a_rewritten_requirement_is_classified_by_how_its_truth_moves(new, expected):
    d = diff(BASE, replaced(BASE, "obl.hours", requirement=new))
    if expected is None:
        assert "obl.hours" not in {c.id for c in d.changes}
    else:
        assert field_of(d, "obl.hours", "requirement").classification is expected


def test_a_literal_threshold_raised_in_a_requirement_is_stricter_and_lowered_looser():
    a = replaced(BASE, "obl.size", requirement="registered_list >= 30000 or size_exception_agreed")
    b = replaced(BASE, "obl.size", requirement="registered_list >= 40000 or size_exception_agreed")
    assert diff(a, b).change("obl.size").classes == [ChangeClass.stricter]
    assert diff(b, a).change("obl.size").classes == [ChangeClass.looser]


def test_eligibility_added_is_funding_down_and_funders_added_is_funding_up():
    d = diff(BASE, replaced(BASE, "payment.network", eligible_when="registered and signed_up"))
    assert field_of(d, "payment.network", "eligible_when").classification is ChangeClass.funding_down
    d = diff(BASE, replaced(BASE, "obl.submit", funds=["payment.network", "payment.practice"]))
    assert d.change("obl.submit").classes == [ChangeClass.stricter]
    d = diff(BASE, replaced(BASE, "obl.director", funded_by=[]))
    assert d.change("obl.director").classes == [ChangeClass.funding_down]


def test_obligations_added_without_funding_are_flagged_unfunded():
    terms = dict(BASE.terms)
    terms["obl.new_work"] = _obligation("obl.new_work", "contiguous_area", frequency="weekly")
    terms["obl.paid_work"] = _obligation("obl.paid_work", "contiguous_area", funded_by=["payment.network"])
    d = diff(BASE, make_version(terms))
    assert d.change("obl.new_work").unfunded
    assert not d.change("obl.paid_work").unfunded
    assert d.unfunded == ["obl.new_work"]
    assert d.change("obl.new_work").classes == [ChangeClass.new_obligation]
    assert "Obligations added with no funding: Obligation obl.new_work." in d.summary
    back = diff(make_version(terms), BASE)
    assert back.change("obl.new_work").classes == [ChangeClass.obligation_dropped]
    assert back.unfunded == []


def test_a_dropped_term_is_cited_on_both_sides():
    terms = {k: v for k, v in BASE.terms.items() if k != "obl.contiguous"}
    other = Citation(title="The document without it", url="https://example.org/other", confidence="official")
    d = diff(BASE, make_version(terms, sources=[other]))
    change = d.change("obl.contiguous")
    assert change.state is TermState.removed
    assert change.citations_a == [CITE]
    assert change.citations_b == [other]


def test_a_rate_for_nine_months_against_a_yearly_rate_is_priced_not_compared_raw():
    # A: £0.5143 for July to March; B: £0.60 a year. Raw 0.5143 < 0.60, but the money decides:
    # A = 50,000 × 0.5143 = £25,715.00; B = 50,000 × 0.60 × 12/12 = £30,000.00: funding up.
    a_terms = dict(BASE.terms)
    a_terms["param.rate_cd"] = _param("param.rate_cd", "gbp", Decimal("0.5143"), per="registered_patient",
                                      period="period")
    a_terms["payment.cd"] = _entitlement("payment.cd", "param.rate_cd", "registered_list",
                                         accrual=Period(start=date(2019, 7, 1), end=END))
    b_terms = dict(a_terms)
    b_terms["param.rate_cd"] = _param("param.rate_cd", "gbp", Decimal("0.60"), per="registered_patient",
                                      period="year")
    b_terms["payment.cd"] = _entitlement("payment.cd", "param.rate_cd", "registered_list")
    d = diff(make_version(a_terms), make_version(b_terms))
    assert d.change("param.rate_cd").classes == [ChangeClass.funding_up]
    assert d.change("payment.cd").money.delta == Decimal("4285.00")
    # Now B pays less a year than A did over nine months: funding down, despite the higher number.
    b_terms["param.rate_cd"] = _param("param.rate_cd", "gbp", Decimal("0.50"), per="registered_patient",
                                      period="year")
    assert diff(make_version(a_terms), make_version(b_terms)).change("param.rate_cd").classes == \
        [ChangeClass.funding_down]


def test_a_mid_year_value_is_listed_and_classified_month_by_month():
    term = BASE.terms["param.rate_network"]
    values = [*term.values, DatedValue(effective=date(2019, 10, 1), value=Decimal("1.80"), citations=[CITE])]
    d = diff(BASE, replaced(BASE, "param.rate_network", values=values))
    f = field_of(d, "param.rate_network", "values")
    assert f.classification is ChangeClass.funding_up
    assert f.new == ("from 1 April 2019: £1.50 per registered patient a year; "
                     "from 1 October 2019: £1.80 per registered patient a year")
    # Six months at £1.50 and six at £1.80: 50,000 × (0.75 + 0.90) = £82,500.00
    assert d.change("param.rate_network").money.new == Decimal("82500.00")


@pytest.mark.parametrize(("unit", "value", "per", "period", "words"), [
    ("gbp", Decimal("1.5"), "registered_patient", "year", "£1.50 per registered patient a year"),
    ("gbp", Decimal("0.147"), "weighted_patient", "month", "£0.147 per weighted patient a month"),
    ("gbp", "37810", None, None, "£37,810"),
    ("gbp", "not a number", None, None, "not a number"),
    ("percent", Decimal("12.5"), None, None, "12.5%"),
    ("minutes", Decimal(30), "1000_patients", "week", "30 minutes per 1,000 patients a week"),
    ("date", date(2019, 5, 15), None, None, "15 May 2019"),
])
def test_a_value_is_written_with_its_unit_and_money_in_the_one_rate_format(unit, value, per, period, words):
    # Written as the sources write them: "£0.147 per weighted patient" (written answer 257552,
    # https://parallelparliament.co.uk/question/257552), "£37,810" (the 2019/20 clinical pharmacist
    # cap, Pharmaceutical Journal, "primary care networks to be fully reimbursed for pharmacists",
    # https://pharmaceutical-journal.com/article/news/
    # primary-care-networks-to-be-fully-reimbursed-for-pharmacists-under-updated-gp-contract).
    # A spec value that is not money is shown as it stands, never with a £ it does not have.
    assert show_value(_param("param.x", unit, Decimal(0), per=per, period=period), value) == words


def test_sanction_steps():
    steps = list(BASE.terms["sanction.withhold"].steps)
    shorter = steps[1].model_copy(update={"cure_days": 14})
    d = diff(BASE, replaced(BASE, "sanction.withhold", steps=[steps[0], shorter]))
    assert d.change("sanction.withhold").classes == [ChangeClass.stricter]
    notice = steps[1].model_copy(update={"state": "breach_notice", "title": "Breach notice"})
    d = diff(BASE, replaced(BASE, "sanction.withhold", steps=[*steps, notice]))
    assert field_of(d, "sanction.withhold", "steps.breach_notice").classification is ChangeClass.stricter


def test_summary_redline():
    d = diff(BASE, replaced(BASE, "obl.contiguous", summary="The network does obl.contiguous, weekly."))
    f = field_of(d, "obl.contiguous", "summary")
    assert f.classification is ChangeClass.editorial
    assert to_critic(f.redline) == "The network does obl.contiguous{++, weekly++}."


def test_diff_many_lines_terms_up_across_versions():
    second = with_value(BASE, "param.rate_network", Decimal("1.75"))
    terms = {k: v for k, v in second.terms.items() if k != "obl.contiguous"}
    third = make_version(terms)
    m = diff_many([BASE, second, third])
    assert isinstance(m, MultiDiff)
    assert len(m.pairs) == 2
    row = next(r for r in m.rows if r.id == "param.rate_network")
    assert [c.state.value for c in row.cells] == ["present", "changed", "same"]
    assert row.cells[1].classes == [ChangeClass.funding_up]
    row = next(r for r in m.rows if r.id == "obl.contiguous")
    assert [c.state.value for c in row.cells] == ["present", "same", "removed"]
    assert row.cells[2].classes == [ChangeClass.obligation_dropped]
    with pytest.raises(ValueError, match="at least two"):
        diff_many([BASE])


def test_json_round_trips_through_the_model():
    d = diff(BASE, with_value(BASE, "param.rate_network", Decimal("1.75")))
    assert VersionDiff.model_validate_json(d.model_dump_json()) == d


# ---------------------------------------------------------------------------------------------
# Properties


def _mutations():
    """Strategies for single changes to the base, each returning a new Version."""
    money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5"), places=2)
    days = st.dates(min_value=date(2019, 4, 1), max_value=date(2020, 3, 31))
    return st.one_of(
        money.map(lambda v: ("value", "param.rate_network", v)),
        money.map(lambda v: ("value", "param.rate_practice", v)),
        days.map(lambda v: ("value", "param.deadline", v)),
        st.integers(10000, 90000).map(lambda v: ("value", "param.size_min", Decimal(v))),
        st.integers(5, 90).map(lambda v: ("value", "param.minutes", Decimal(v))),
        st.sampled_from(["weekly", "at least fortnightly", "monthly", "once", "daily", "whenever"]).map(
            lambda v: ("set", "obl.hours", {"frequency": v})),
        st.sampled_from([None, "param.deadline", "2019-06-30", "2019-04-15"]).map(
            lambda v: ("set", "obl.contiguous", {"due": v})),
        st.sampled_from(["contiguous_area", "contiguous_area and clinical_director_named",
                         "contiguous_area or size_exception_agreed"]).map(
            lambda v: ("set", "obl.contiguous", {"requirement": v})),
        st.integers(1, 12).map(lambda m: ("set", "payment.network", {
            "accrual": Period(start=date(2019, m, 1) if m >= 4 else date(2020, m, 1), end=END)})),
        st.sampled_from([[], ["payment.network"], ["payment.practice"], ["payment.network", "payment.practice"]])
        .map(lambda v: ("set", "obl.director", {"funded_by": v})),
        st.text(alphabet="abcde fg.", min_size=1, max_size=30).map(
            lambda v: ("set", "obl.size", {"summary": v})),
        st.sampled_from([None, "registered", "registered and signed_up", "registered or signed_up"]).map(
            lambda v: ("set", "payment.network", {"eligible_when": v})),
        st.sampled_from(["year", "month", "period"]).map(lambda v: ("set", "param.rate_network", {"period": v})),
        st.tuples(st.integers(5, 12), money).map(lambda mv: ("set", "param.rate_practice", {"values": [
            DatedValue(effective=START, value=Decimal("0.147"), citations=[CITE]),
            DatedValue(effective=date(2019, mv[0], 1), value=mv[1], citations=[CITE])]})),
        st.sampled_from([None, date(2019, 7, 31), date(2019, 4, 30)]).map(lambda v: ("set", "payment.practice", {
            "schedule": {"kind": "monthly", "first_payment": v, "description": "Monthly."}})),
        st.sampled_from([7, 14, 28, None]).map(lambda v: ("set", "sanction.withhold", {"steps": [
            BASE.terms["sanction.withhold"].steps[0],
            BASE.terms["sanction.withhold"].steps[1].model_copy(update={"cure_days": v})]})),
        st.sampled_from(["registered_list >= param.size_min", "registered_list > param.size_min",
                         "registered_list >= 20000", "registered_list >= 40000 or size_exception_agreed"]).map(
            lambda v: ("set", "obl.size", {"requirement": v})),
        st.sampled_from(["obl.contiguous", "payment.practice", "sanction.withhold"]).map(lambda v: ("remove", v, None)),
        st.booleans().map(lambda funded: ("add", "obl.extra", funded)),
    )


def apply_mutations(version: Version, mutations) -> Version:
    for kind, tid, arg in mutations:
        if kind == "value":
            version = with_value(version, tid, arg)
        elif kind == "set":
            version = replaced(version, tid, **arg) if tid in version.terms else version
        elif kind == "remove":
            terms = {k: v for k, v in version.terms.items() if k != tid}
            version = version.model_copy(update={"terms": terms})
        else:
            terms = dict(version.terms)
            terms[tid] = _obligation(tid, "contiguous_area", funded_by=["payment.network"] if arg else [])
            version = version.model_copy(update={"terms": terms, "files": {**version.files, tid: "terms.yaml"}})
    return version


versions = st.lists(_mutations(), max_size=5).map(lambda ms: apply_mutations(BASE, ms))


def _projection(d: VersionDiff) -> dict:
    return {c.id: (c.state, tuple(c.classes), tuple((f.field, f.old, f.new, f.classification, f.direction, f.shift)
                                                    for f in c.fields),
                   c.money, tuple(c.citations_a), tuple(c.citations_b))
            for c in d.changes}


_FLIP_STATE = {TermState.added: TermState.removed, TermState.removed: TermState.added,
               TermState.changed: TermState.changed}
_FLIP_DIRECTION = {Direction.stricter: Direction.looser, Direction.looser: Direction.stricter, None: None}
_FLIP_SHIFT = {Shift.earlier: Shift.later, Shift.later: Shift.earlier, None: None}


def _reversed(d: VersionDiff) -> dict:
    out = {}
    for tid, (state, classes, fields, money, cites_a, cites_b) in _projection(d).items():
        flipped_money = None if money is None else money.model_copy(update={
            "old": money.new, "new": money.old, "delta": None if money.delta is None else -money.delta})
        out[tid] = (_FLIP_STATE[state],
                    tuple(sorted((OPPOSITE[c] for c in classes), key=list(ChangeClass).index)),
                    tuple((f, new, old, OPPOSITE[cls], _FLIP_DIRECTION[direction], _FLIP_SHIFT[shift])
                          for f, old, new, cls, direction, shift in fields),
                    flipped_money, cites_b, cites_a)
    return out


@settings(max_examples=150, deadline=None)
@given(versions)
def test_a_version_diffed_with_itself_is_empty(v):
    d = diff(v, v)
    assert d.changes == []
    assert d.unfunded == []
    assert d.money.delta_total == 0


@settings(max_examples=200, deadline=None)
@given(versions, versions)
def test_swapping_the_versions_reverses_the_diff(a, b):
    forward, backward = diff(a, b), diff(b, a)
    assert _projection(backward) == _reversed(forward)
    assert backward.money.delta_total == -forward.money.delta_total
    for c in forward.changes:
        assert c.unfunded == (c.state is TermState.added and c.kind == "obligation"
                              and not b.terms[c.id].funded_by)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab c.;,:£1", max_size=60), st.text(alphabet="ab c.;,:£1", max_size=60))
def test_a_redline_rebuilds_both_texts(old, new):
    lines = redline(old, new)
    norm = " ".join
    assert old_text(lines) == norm(old.split())
    assert new_text(lines) == norm(new.split())
    for a, b in itertools.pairwise(lines):
        assert not (a.op is b.op is Op.equal)


def test_redline_escapes_html_and_keeps_clauses_whole():
    lines = redline("Pay <b>£1.50</b>. Then stop.", "Pay <b>£1.75</b> & more. Then stop.")
    html = to_html(lines)
    assert "<b>" not in html
    assert "&lt;b&gt;" in html
    assert "&amp; more" in html
    assert "<del>£1.50</del><ins>£1.75</ins>" in html
    assert clauses("It costs £1.50 a year. Then: more; less") == ["It costs £1.50 a year. ", "Then: ", "more; ",
                                                                   "less"]


# ---------------------------------------------------------------------------------------------
# An overlay, applied by the loader, diffed against its base, yields exactly its changes


def _dump_term(term) -> dict:
    return term.model_dump(mode="json", exclude_none=True)


def _write_base(root: Path) -> None:
    (root / "fields").mkdir()
    (root / "fields.yaml").write_text((SPECS_ROOT / "fields.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for path in sorted((SPECS_ROOT / "fields").glob("*.yaml")):
        (root / "fields" / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    folder = root / "2019-20"
    folder.mkdir()
    meta = BASE.meta.model_dump(mode="json", exclude_none=True)
    (folder / "version.yaml").write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
    terms = {"terms": [_dump_term(t) for t in BASE.terms.values()]}
    (folder / "terms.yaml").write_text(yaml.safe_dump(terms, sort_keys=False), encoding="utf-8")


_VALUE_CHANGES = {  # parameter -> (new value at the start of the year, the class it must get)
    "param.rate_network": (Decimal("1.60"), ChangeClass.funding_up),
    "param.rate_practice": (Decimal("0.10"), ChangeClass.funding_down),
    "param.size_min": (Decimal(25000), ChangeClass.looser),
    "param.minutes": (Decimal(45), ChangeClass.stricter),
    "param.deadline": (date(2019, 6, 1), ChangeClass.timing),
}
_REMOVABLE = ["obl.contiguous", "obl.size", "obl.director", "payment.practice", "sanction.withhold"]
_REPLACEABLE = ["obl.hours", "obl.submit", "param.size_max", "payment.network"]


@st.composite
def overlays(draw):
    removes = draw(st.lists(st.sampled_from(_REMOVABLE), unique=True, max_size=3))
    replaces = draw(st.lists(st.sampled_from(_REPLACEABLE), unique=True, max_size=3))
    sets = draw(st.lists(st.sampled_from(sorted(_VALUE_CHANGES)), unique=True, max_size=3))
    adds = draw(st.lists(st.tuples(st.sampled_from(["obligation", "parameter", "entitlement"]), st.booleans()),
                         max_size=3))
    return removes, replaces, sets, adds


def _overlay_changes(removes, replaces, sets, adds) -> tuple[list[dict], dict[str, tuple]]:
    changes, expected = [], {}
    for tid in removes:
        changes.append({"op": "remove", "id": tid})
        expected[tid] = (TermState.removed, None)
    for tid in replaces:
        term = BASE.terms[tid]
        changes.append({"op": "replace", "id": tid, "term": _dump_term(term) | {"title": term.title + " (revised)"}})
        expected[tid] = (TermState.changed, ChangeClass.editorial)
    for tid in sets:
        value, cls = _VALUE_CHANGES[tid]
        changes.append({"op": "set_values", "id": tid, "values": [
            {"effective": START.isoformat(), "value": str(value), "citations": [CITE.model_dump(mode="json")]}]})
        expected[tid] = (TermState.changed, cls)
    for i, (kind, funded) in enumerate(adds):
        if kind == "obligation":
            term = _obligation(f"obl.extra_{i}", "contiguous_area", funded_by=["payment.network"] if funded else [])
            expected[term.id] = (TermState.added, ChangeClass.new_obligation, not funded)
        elif kind == "parameter":
            term = _param(f"param.extra_{i}", "gbp", Decimal(2), per="registered_patient", period="year")
            expected[term.id] = (TermState.added, ChangeClass.editorial)
        else:
            term = _entitlement(f"payment.extra_{i}", "param.rate_network", "registered_list")
            expected[term.id] = (TermState.added, ChangeClass.funding_up)
        changes.append({"op": "add", "id": term.id, "term": _dump_term(term)})
    for change in changes:
        change["reason"] = "A synthetic change."
        change["citations"] = [CITE.model_dump(mode="json")]
    return changes, expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(overlays())
def test_an_overlay_diffed_against_its_base_yields_exactly_its_changes(overlay):
    changes, expected = _overlay_changes(*overlay)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write_base(root)
        folder = root / "2019-20-draft"
        folder.mkdir()
        meta = BASE.meta.model_dump(mode="json", exclude_none=True) | {
            "id": "2019-20-draft", "status": "draft", "base": "2019-20", "changes": changes}
        (folder / "version.yaml").write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
        base, draft = load_version("2019-20", root), load_version("2019-20-draft", root)
    d = diff(base, draft)
    assert {c.id for c in d.changes} == set(expected)
    for c in d.changes:
        state, cls, *unfunded = expected[c.id]
        assert c.state is state
        if cls is not None:
            assert cls in c.classes, (c.id, c.classes)
        if unfunded:
            assert c.unfunded is unfunded[0]
        if c.state is not TermState.added:
            assert c.reason_b == "A synthetic change."
    assert set(d.unfunded) == {tid for tid, exp in expected.items() if len(exp) == 3 and exp[2]}
    if "param.deadline" in overlay[2]:
        f = next(f for f in d.change("param.deadline").fields if f.field == "value")
        assert (f.direction, f.shift) == (Direction.looser, Shift.later)


# ---------------------------------------------------------------------------------------------
# Real versions (skip where a version folder does not exist yet)


def _need(*vids: str) -> None:
    missing = [v for v in vids if v not in version_ids()]
    if missing:
        pytest.skip(f"version(s) {', '.join(missing)} not written yet (specs/{missing[0]}/ is absent)")


def _run(*argv: str) -> str:
    from contract.cli.app import main

    out = io.StringIO()
    with redirect_stdout(out):
        assert main(list(argv)) == 0
    return out.getvalue()


def test_every_real_version_against_itself_and_every_pair_both_ways():
    ids = version_ids()
    if len(ids) < 2:
        pytest.skip("fewer than two versions written yet")
    versions = [load_version(v) for v in ids]
    for v in versions:
        assert diff(v, v).changes == [], v.id
    for a, b in itertools.pairwise(versions):
        assert _projection(diff(b, a)) == _reversed(diff(a, b)), (a.id, b.id)


def test_every_real_overlay_diffed_against_its_base_yields_its_changes():
    overlays = [load_version(v) for v in version_ids() if read_meta(v).base]
    if not overlays:
        pytest.skip("no overlay version written yet")
    for v in overlays:
        base = load_version(v.meta.base)
        ops = {c.id: c.op.value for c in v.meta.changes}
        own = {t for t, f in v.files.items() if f != "version.yaml" and t not in base.terms}
        found = {c.id: c.state for c in diff(base, v).changes}
        assert set(found) <= set(ops) | own, v.id
        for tid, op in ops.items():
            if op in ("add", "remove"):
                assert found[tid] is (TermState.added if op == "add" else TermState.removed), (v.id, tid)


def test_2019_20_against_a_copy_with_a_higher_clinical_director_rate_is_funding_up():
    _need("2019-20")
    real = load_version("2019-20")
    term = real.terms["rate.clinical_director"]
    old = Decimal(str(term.values[0].value))
    copy = replaced(real, "rate.clinical_director",
                    values=[term.values[0].model_copy(update={"value": old + Decimal("0.1")})])
    d = diff(real, copy)
    assert [c.id for c in d.changes] == ["rate.clinical_director"]
    change = d.change("rate.clinical_director")
    assert change.classes == [ChangeClass.funding_up]
    # 50,000 registered patients × £0.10 more for the period = £5,000.00
    assert change.money.delta == Decimal("5000.00")
    assert change.citations_a == change.citations_b == list(term.citations)


def _mentions(c, *words: str) -> bool:
    text = f"{c.id} {c.title}".lower().replace("_", " ")
    return any(w in text for w in words)


def test_the_2020_21_draft_against_the_final_names_care_home_visits_and_the_dropped_specifications():
    _need("2020-21-draft", "2020-21")
    d = diff(load_version("2020-21-draft"), load_version("2020-21"))
    visits = [c for c in d.changes if c.state is TermState.changed and _mentions(c, "care home", "ehch")
              and any(f.classification is not ChangeClass.editorial
                      and ("frequen" in f.field or "interval" in c.id or f.field in ("value", "requirement"))
                      for f in c.fields)]
    assert visits, "no change to care home visit frequency found"
    dropped = [c for c in d.changes if c.state is TermState.removed and c.kind == "obligation"]
    for word in ("anticipatory", "personalised"):
        found = [c for c in dropped if _mentions(c, word)]
        assert found, f"no dropped {word} care obligation"
        assert all(c.classes == [ChangeClass.obligation_dropped] for c in found)
    for c in [*visits, *dropped]:
        assert c.citations_a, f"{c.id} has no citation on the draft's side"
        assert c.citations_b, f"{c.id} has no citation on the final version's side"
    text = _run("diff", "2020-21-draft", "2020-21", "--format", "md")
    for c in [visits[0], *[c for c in dropped if _mentions(c, "anticipatory", "personalised")]]:
        assert c.title in text


def test_2019_20_against_2020_21_shows_the_funding_changes_and_the_unfunded_obligations():
    _need("2019-20", "2020-21")
    d = diff(load_version("2019-20"), load_version("2020-21"))
    cd = d.change("rate.clinical_director")
    assert ChangeClass.funding_up in cd.classes
    assert cd.money.delta > 0
    premium = [c for c in d.changes if _mentions(c, "care home premium") and c.kind == "entitlement"]
    assert premium
    assert all(ChangeClass.funding_up in c.classes for c in premium)
    assert d.unfunded, "the 2020-21 service specifications arrive with no funding of their own"
    assert "Obligations added with no funding" in d.summary
    # A role's maximum is money in the one rate format: the clinical pharmacist cap of £37,810 (70%,
    # 2019/20) became £55,670 (100%, 2020/21), as the specs' notes cite them.
    cap = next(f for f in d.change("arrs.roles").fields if f.label == "role Clinical pharmacist: max per wte year")
    assert (cap.old, cap.new, cap.classification) == ("£37,810", "£55,670", ChangeClass.funding_up)
    text = _run("diff", "2019-20", "2020-21", "--format", "json")
    assert json.loads(text)["unfunded"] == d.unfunded


# ---------------------------------------------------------------------------------------------
# The command, its formats and the published JSON Schemas


def test_published_schemas_are_the_models_schemas():
    from contract.cli.diff import PUBLISHED, schema_models, schema_text

    for name, model in schema_models().items():
        assert (PUBLISHED / name).read_text(encoding="utf-8") == schema_text(model), \
            f"contract/published/{name} is stale: run `contract diff --write-schemas`"


def _validate(document: dict, schema_name: str, model) -> None:
    from contract.cli.diff import PUBLISHED

    assert model.model_validate(document).model_dump(mode="json") == document  # round trip through the model
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((PUBLISHED / schema_name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)


def test_json_output_validates_against_the_published_schema():
    from contract.render.diff import render

    terms = {k: v for k, v in BASE.terms.items() if k != "obl.contiguous"}
    terms["obl.new_work"] = _obligation("obl.new_work", "contiguous_area")
    b = with_value(make_version(terms), "param.deadline", date(2019, 5, 1))
    b = replaced(b, "obl.size", summary="The network serves enough patients, or has an exception.")
    _validate(json.loads(render(diff(BASE, b), "json")), "diff.schema.json", VersionDiff)
    _validate(json.loads(render(diff_many([BASE, b, BASE]), "json")), "multidiff.schema.json", MultiDiff)


def test_html_output_escapes_what_it_renders():
    from contract.render.diff import render

    nasty = "<script>alert('x')</script> & more"
    b = replaced(BASE, "obl.size", summary=nasty, title="Size <b>bold</b>")
    html = render(diff(BASE, b), "html")
    assert "<script>" not in html
    assert "<b>bold</b>" not in html
    assert "&lt;script&gt;" in html
    assert "<ins>" in html
    md = render(diff(BASE, b), "md")
    assert "{++" in md


def test_reports_are_reproducible_and_every_format_renders():
    from contract.render.diff import render

    b = with_value(BASE, "param.rate_network", Decimal("1.75"))
    for fmt in ("md", "html", "json", "csv"):
        assert render(diff(BASE, b), fmt) == render(diff(BASE, b), fmt)
        assert render(diff_many([BASE, b, BASE]), fmt) == render(diff_many([BASE, b, BASE]), fmt)
    csv_text = render(diff(BASE, b), "csv")
    assert csv_text.splitlines()[1].startswith("param.rate_network,")
    assert ",funding_up," in csv_text


def test_the_diff_command():
    _need("2019-20")
    assert "no term differs" in _run("diff", "2019-20", "2019-20")
    for fmt in ("md", "html", "json", "csv"):
        assert _run("diff", "2019-20", "2019-20", "--format", fmt)
    assert "Each term across the versions" in _run("diff", "2019-20", "2019-20", "2019-20")
    from contract.cli.app import main

    assert main(["diff", "2019-20"]) == 2
    assert main(["diff", "2019-20", "no-such-version"]) == 2  # a bad argument, not a bad spec


def test_three_way_diff_says_which_asks_the_outcome_met():
    """2023-24 → the BMA's proposals → the imposed 2024-25: QOF was to go and stayed (not met); the
    asks recorded as terms are absent from the outcome (not met); the consolidated core payment the
    proposal added is not in the outcome (not met)."""
    from contract.analysis.diff import Outcome, diff_many
    from contract.spec.loader import load_version

    versions = [load_version(v) for v in ("2023-24", "2024-25-proposals", "2024-25")]
    m = diff_many(versions)
    verdict = {v.id: v for v in m.verdicts}
    assert verdict["payment.qof"].asked.value == "removed"
    assert verdict["payment.qof"].outcome is not Outcome.met
    assert verdict["payment.core_consolidation"].outcome is Outcome.not_met
    assert all(v.outcome is Outcome.not_met for tid, v in verdict.items() if tid.startswith("ask."))
    assert "asks of 2023-24" in m.summary


def test_two_contract_years_get_no_verdicts():
    from contract.analysis.diff import diff_many
    from contract.spec.loader import load_version

    m = diff_many([load_version(v) for v in ("2019-20", "2020-21", "2023-24")])
    assert m.verdicts == []


# ---------------------------------------------------------------------------------------------
# Money priced by the evaluator for the average network (contract.analysis.diff.money)


def _real(*ids: str) -> list[Version]:
    missing = [v for v in ids if v not in version_ids()]
    if missing:
        pytest.skip(f"versions {missing} not present")
    return [load_version(v) for v in ids]


def _line(d: VersionDiff, term_id: str):
    return next(x for x in d.money.lines if x.term_id == term_id)


def test_2019_20_to_2020_21_is_priced_from_the_spec_rates_without_the_opt_out_line():
    a, b = _real("2019-20", "2020-21")
    d = diff(a, b)
    n = Decimal(50000)  # the average network: registered = weighted = adjusted patients
    # specs/2019-20/payments.yaml and specs/2020-21/payments.yaml (written answer of 5 June 2019; Lentells; BMA):
    expected = {
        # core PCN funding £1.50 a registered patient a year, 12 months both years
        "payment.core_pcn_funding": (n * Decimal("1.50"), n * Decimal("1.50")),
        # participation £0.147 a weighted patient a month, 12 months both years (practice-level, all members)
        "payment.network_participation": (n * Decimal("0.147") * 12, n * Decimal("0.147") * 12),
        # clinical director: £0.5143 for July 2019 to March 2020, then £0.722 a year
        "payment.clinical_director": (n * Decimal("0.5143"), n * Decimal("0.722")),
        # extended hours £1.45 a year: 9 months (July to March) in 2019/20, 12 in 2020/21
        "payment.extended_hours": (n * Decimal("1.45") * 9 / 12, n * Decimal("1.45")),
        # PCN support 27p a weighted patient for April to September 2020 (2020/21 only)
        "payment.pcn_support": (Decimal(0), n * Decimal("0.27")),
        # paid only to a practice that opted out: the average network's practices did not
        "payment.network_participation_until_opt_out": (Decimal(0), Decimal(0)),
    }
    for term_id, (old, new) in expected.items():
        line = _line(d, term_id)
        assert (line.old, line.new) == (old, new), term_id
    # 75,000 + 88,200 + 25,715 + 54,375 = 243,290; 75,000 + 88,200 + 36,100 + 72,500 + 13,500 = 285,300
    assert (d.money.old_total, d.money.new_total) == (Decimal("243290.00"), Decimal("285300.00"))
    assert d.money.delta_total == Decimal("42010.00")
    assert "not payable to the average network" in _line(d, "payment.network_participation_until_opt_out").note
    assert "network participation payment up to an opt-out" not in " ".join(describe(c) for c in salient(d))
    # lines whose inputs are not assumed are not priced, and say why
    assert {"payment.additional_roles", "payment.care_home_premium", "payment.iif"} <= set(d.money.not_priced)
    assert "posts" in _line(d, "payment.additional_roles").note
    assert "per bed" in _line(d, "payment.care_home_premium").note
    assert d.money.as_of_b == date(2021, 3, 31)
    assert any("signed up" in x for x in d.money.assumptions)


def test_the_diff_command_prices_2019_20_to_2020_21_at_42010():
    _real("2019-20", "2020-21")
    from contract.cli.app import main

    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["diff", "2019-20", "2020-21", "--format", "json"]) == 0
    assert json.loads(out.getvalue())["money"]["delta_total"] == "42010.00"


def test_set_overrides_the_last_versions_evaluation_and_is_listed():
    a, b = _real("2023-24", "2024-25-proposals")
    plain = diff(a, b)
    d = diff(a, b, overrides={"proposal.additional_investment": Decimal("613300000")})
    # rate.core_consolidation = round_to(proposal.moved_total / national.weighted_population, 0.001), and the
    # weighted population is 61,330,000: £613,300,000 more adds exactly £10.000 a weighted patient a year,
    # so 50,000 × £10 = £500,000.00 more for the average network; 2023-24 (A) is not touched.
    assert _line(d, "payment.core_consolidation").new - _line(plain, "payment.core_consolidation").new == \
        Decimal("500000.00")
    assert d.money.old_total == plain.money.old_total
    assert d.money.overrides == ["proposal.additional_investment=613300000"]
    assert "proposal.additional_investment=613300000" in d.summary


def test_the_consolidated_core_line_is_priced_and_the_lines_it_replaces_moved():
    a, b = _real("2023-24", "2024-25-proposals")
    d = diff(a, b)
    line = _line(d, "payment.core_consolidation")
    # rate.core_consolidation's own summary: "about £53.91 with the cited sums", per weighted patient a year
    assert line.new is not None
    assert Decimal("53.905") * 50000 <= line.new <= Decimal("53.915") * 50000
    for term_id in ("payment.core_pcn_funding", "payment.clinical_director", "payment.leadership_management",
                    "payment.network_participation", "payment.qof", "payment.iif"):
        change = d.change(term_id)
        assert change.classes == [ChangeClass.moved], term_id
        assert change.moved_to == ["payment.core_consolidation"]
        assert "dropped" not in describe(change)
    assert "payment.core_pcn_funding" in d.change("payment.core_consolidation").moved_from
    assert "Money moved:" in d.summary
    assert "into consolidated core funding" in d.summary
    move = next(m for m in d.money.moves if m.lines_to == ["payment.core_consolidation"])
    # QOF, IIF, additional roles and beds cannot be priced: the move is shown apart, not netted into the total
    assert move.delta is None
    assert "payment.qof" in move.not_priced
    assert not line.in_totals
    # what remains is the global sum, unchanged at £104.73 a weighted patient: 50,000 × 104.73 both sides
    assert d.money.old_total == d.money.new_total == Decimal("5236500.00")


def test_the_2024_25_merge_of_core_clinical_director_and_leadership_money_is_moved_not_dropped():
    a, b = _real("2023-24", "2024-25")
    d = diff(a, b)
    for term_id in ("payment.clinical_director", "payment.leadership_management"):
        assert d.change(term_id).classes == [ChangeClass.moved]
        assert "dropped" not in describe(d.change(term_id))
    moves = {tuple(m.lines_from): m for m in d.money.moves}
    # Priced at 2024-25's last day, so with the uplift decided on 26 September 2024 and backdated to
    # 1 April (specs/2024-25/payments.yaml): core (registered part) £2.257 a registered patient against
    # 2023-24's core £1.50 + clinical director £0.729 = £2.229: 50,000 × (2.257 − 2.229) = +£1,400.00
    assert moves[("payment.clinical_director",)].lines_to == ["payment.core_pcn_funding"]
    assert moves[("payment.clinical_director",)].delta == Decimal("1400.00")
    # leadership £0.684 an adjusted patient → core (adjusted part) £0.710: 50,000 × 0.026 = +£1,300.00
    assert moves[("payment.leadership_management",)].lines_to == ["payment.core_pcn_funding_adjusted"]
    assert moves[("payment.leadership_management",)].delta == Decimal("1300.00")


def test_a_line_replaced_like_for_like_is_moved_both_ways_round():
    terms = dict(BASE.terms)
    terms["payment.network_renamed"] = _entitlement("payment.network_renamed", "param.rate_network", "registered_list",
                                                    eligible_when="registered")
    del terms["payment.network"]
    b = make_version(terms)
    forward, backward = diff(BASE, b), diff(b, BASE)
    assert forward.change("payment.network").classes == [ChangeClass.moved]
    assert forward.change("payment.network").moved_to == ["payment.network_renamed"]
    assert backward.change("payment.network").moved_from == ["payment.network_renamed"]
    # the same £1.50 × 50,000 on both sides: the move changes nothing
    assert forward.money.moves[0].delta == Decimal("0.00")
    assert forward.money.delta_total == 0


def test_counts_are_the_authoritative_tally():
    a, b = _real("2019-20", "2020-21")
    d = diff(a, b)
    for cls in ChangeClass:
        assert d.counts[cls.value] == sum(cls in c.classes for c in d.changes)
    assert d.counts["unranked"] == d.counts[ChangeClass.undetermined.value]
    assert d.counts["added"] + d.counts["removed"] + d.counts["changed"] == len(d.changes)


def test_every_change_class_has_words_and_a_pricing_decision():
    from contract.analysis.diff.summary import CLASS_WORDS, MONEY_TOLD_ALONE
    from contract.render.vocab import CHANGE_CLASS_WORDS

    for table in (CHANGE_CLASS_WORDS, CLASS_WORDS, MONEY_TOLD_ALONE, OPPOSITE):
        assert set(table) == set(ChangeClass)


def test_no_diff_module_is_over_700_lines():
    root = Path(__file__).resolve().parents[1] / "contract"
    for path in [*(root / "analysis" / "diff").glob("*.py"), root / "render" / "diff.py", root / "cli" / "diff.py"]:
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 700, path
