"""Sanction ladders: the spec, the events reader, the durable_rules statechart against the plain
transition-table walk, and the ladder inside an evaluation. Expected values are worked by hand in
the comments."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract.cli.app import main
from contract.engine.durable import PASS_THROUGH_START, Chart, EngineError, shared_engine
from contract.evaluation.evaluate import evaluate
from contract.evaluation.events import LadderEvent
from contract.evaluation.results import Status
from contract.evaluation.sanctions import ladder, ladders, run_ladder
from contract.io.readers.events import RECORDED_EVENTS, EventsError, events_from_records, read_events
from contract.spec.facts import InputError, Network, Population, Practice, Provenance
from contract.spec.loader import load_version
from contract.spec.schema import SanctionEvent

V1920 = load_version("2019-20")
NETWORK_LADDER = ladder(V1920, "sanction.breach_ladder")
EH = "extended_hours.delivery"
SRC = Provenance(file="test")


def _events(*rows: dict, version=V1920) -> list[LadderEvent]:
    return events_from_records([{"entity": "U00001", **r} for r in rows], source="test.yaml", version=version)


def _population(minutes: int = 1000) -> Population:
    """One registered 40,000-patient network. Its extended hours minimum is 40 × 30 = 1,200 minutes
    a week. The extended hours payment is 40,000 × £1.45 × 9/12 = £43,500.00 for July 2019 to
    March 2020: £4,833.33 a month (the last instalment £4,833.36), each paid at the month's end."""
    pop = Population()
    network = Network(code="U00001")
    for name, value in {"registered": True, "registered_list": 40000,
                        "extended_hours_minutes_per_week": minutes}.items():
        network.set(name, value, SRC)
    pop.networks["U00001"] = network
    return pop


MISSED_WITHHELD_NOTICE = (
    {"date": "2019-08-01", "event": "obligation_missed", "term_id": EH},
    # No amount: the next extended hours instalment on or after 5 August, paid 31 August: £4,833.33.
    {"date": "2019-08-05", "event": "payment_withheld", "term_id": EH},
    # Served 2 September with 28 days: the cure period ends on 2 September + 28 days = 30 September.
    {"date": "2019-09-02", "event": "remedial_notice_served", "cure_days": 28},
)


# --- the spec ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("vid", ["2019-20", "2020-21"])
def test_both_years_have_network_and_practice_ladders_with_a_28_day_cure_period(vid):
    version = load_version(vid)
    found = {lad.id: lad for lad in ladders(version)}
    assert {"sanction.breach_ladder", "sanction.practice_breach_ladder"} <= found.keys()
    lad = found["sanction.breach_ladder"]
    assert lad.initial == "compliant"
    assert lad.steps["remedial_notice"].cure_days == 28
    assert lad.steps["termination"].next_on == {}
    for step in lad.term.steps:
        assert step.citations, step.state


def test_a_ladder_without_a_compliant_first_step_is_refused():
    from pydantic import ValidationError

    term = NETWORK_LADDER.term.model_dump()
    term["steps"] = term["steps"][1:]
    with pytest.raises(ValidationError, match="compliant"):
        type(NETWORK_LADDER.term).model_validate(term)


# --- the brief's two stories, through the evaluation ------------------------------------------------


def test_missed_then_notice_without_remedy_shows_money_withheld_and_breach_notice_available():
    events = _events(*MISSED_WITHHELD_NOTICE)
    # On 30 September the cure period is still running: the deadline is that day.
    f = evaluate(V1920, _population(), date(2019, 9, 30), events=events).finding("U00001", "sanction.breach_ladder")
    assert f.status is Status.not_met
    assert f.values["state"] == "remedial_notice"
    assert f.withheld == Decimal("4833.33")
    assert f.due == date(2019, 9, 30)
    # On 1 October it has passed unremedied: a breach notice (or termination) is available.
    f = evaluate(V1920, _population(), date(2019, 10, 1), events=events).finding("U00001", "sanction.breach_ladder")
    assert f.values["state"] == "breach_notice_available"
    assert f.withheld == Decimal("4833.33")
    assert f.due is None
    assert "cure period expired [derived]" in f.explanation


def test_the_same_with_a_deferral_and_a_remedy_releases_the_money_and_is_compliant():
    events = _events(
        {"date": "2019-08-01", "event": "obligation_missed", "term_id": EH},
        {"date": "2019-08-05", "event": "payment_deferred", "term_id": EH},  # £4,833.33, as above
        {"date": "2019-09-02", "event": "remedial_notice_served", "cure_days": 28},
        {"date": "2019-09-20", "event": "remedied"},  # inside the cure period (ends 30 September)
    )
    result = evaluate(V1920, _population(minutes=1200), date(2019, 10, 1), events=events)
    f = result.finding("U00001", "sanction.breach_ladder")
    assert f.status is Status.met
    assert f.values["state"] == "compliant_on_notice"
    assert f.values["money released"] == "£4,833.33"
    assert f.withheld == Decimal("0.00")  # nothing held back any more
    assert f.due is None
    assert result.issues == []


def test_withheld_money_is_not_released_by_a_remedy():
    # released_on_remedy is [deferred] in the spec: the £4,833.33 withheld stays withheld.
    events = _events(*MISSED_WITHHELD_NOTICE, {"date": "2019-09-20", "event": "remedied"})
    f = evaluate(V1920, _population(minutes=1200), date(2019, 10, 1), events=events).finding(
        "U00001", "sanction.breach_ladder")
    assert f.status is Status.met
    assert f.values["money released"] == "£0.00"
    assert f.withheld == Decimal("4833.33")


def test_a_second_breach_after_a_remedied_notice_makes_termination_available_then_termination():
    events = _events(*MISSED_WITHHELD_NOTICE, {"date": "2019-09-20", "event": "remedied"},
                     {"date": "2019-11-04", "event": "obligation_missed", "term_id": "network.clinical_director"},
                     {"date": "2019-12-02", "event": "terminated"})
    r = run_ladder(NETWORK_LADDER, "U00001", events, date(2019, 11, 30))
    assert [m.target for m in r.history] == ["breach", "payment_withheld", "remedial_notice", "compliant_on_notice",
                                             "termination_available"]
    assert not r.compliant
    assert r.later_events == 1  # the termination on 2 December is after the as-of date
    r = run_ladder(NETWORK_LADDER, "U00001", events, date(2019, 12, 31))
    assert r.state == "termination"
    assert r.next_step == "none: this is the last step"


def test_amounts_given_in_events_are_used_as_given_and_add_up():
    events = _events({"date": "2019-08-01", "event": "obligation_missed", "term_id": EH},
                     {"date": "2019-08-31", "event": "payment_withheld", "amount_gbp": "1000.50"},
                     {"date": "2019-09-30", "event": "payment_withheld", "amount_gbp": "999.50"},
                     {"date": "2019-10-31", "event": "payment_deferred", "amount_gbp": "250"})
    r = run_ladder(NETWORK_LADDER, "U00001", events, date(2019, 11, 1))
    # £1,000.50 + £999.50 = £2,000.00 withheld; £250.00 deferred; held £2,250.00.
    assert (r.withheld, r.deferred, r.held) == (Decimal("2000.00"), Decimal("250.00"), Decimal("2250.00"))
    assert r.state == "payment_withheld"  # a deferral does not soften a withholding


def test_an_amount_that_cannot_be_computed_is_counted_and_said():
    events = _events({"date": "2019-08-05", "event": "payment_withheld"})
    r = run_ladder(NETWORK_LADDER, "U00001", events, date(2019, 9, 1))
    assert r.withheld == Decimal("0.00")
    assert r.unknown_amounts == 1


def test_a_cure_period_longer_than_the_minimum_moves_the_deadline():
    events = _events({"date": "2019-09-02", "event": "remedial_notice_served", "cure_days": 42})
    # 2 September + 42 days = 14 October.
    assert run_ladder(NETWORK_LADDER, "U00001", events, date(2019, 10, 14)).next_deadline == date(2019, 10, 14)
    assert run_ladder(NETWORK_LADDER, "U00001", events, date(2019, 10, 15)).state == "breach_notice_available"


def test_a_remedy_on_the_last_day_of_the_cure_period_is_in_time_and_one_day_later_is_not():
    notice = {"date": "2019-09-02", "event": "remedial_notice_served", "cure_days": 28}
    on_time = _events(notice, {"date": "2019-09-30", "event": "remedied"})
    late = _events(notice, {"date": "2019-10-01", "event": "remedied"})
    assert [m.target for m in run_ladder(NETWORK_LADDER, "U00001", on_time, date(2019, 10, 31)).history] == \
        ["remedial_notice", "compliant_on_notice"]
    # The expiry (derived, 1 October) comes before the late remedy of the same day.
    assert [m.target for m in run_ladder(NETWORK_LADDER, "U00001", late, date(2019, 10, 31)).history] == \
        ["remedial_notice", "breach_notice_available", "compliant_on_notice"]


def test_an_event_with_no_effect_is_reported_with_its_file_and_row_not_dropped():
    events = _events({"date": "2019-08-01", "event": "remedied"})
    result = evaluate(V1920, _population(minutes=1200), date(2019, 9, 1), events=events)
    f = result.finding("U00001", "sanction.breach_ladder")
    assert f.values["state"] == "compliant"
    assert "no effect in compliant" in f.explanation
    [issue] = result.issues
    assert (issue.file, issue.row, issue.field) == ("test.yaml", 1, "event")


def test_a_failing_obligation_with_no_events_starts_the_ladder_and_a_compliant_network_gets_no_finding():
    pop = _population()  # 1,000 minutes, below the 1,200 required
    other = Network(code="U00002")
    for name, value in {"registered": True, "registered_list": 40000, "extended_hours_minutes_per_week": 1200}.items():
        other.set(name, value, SRC)
    pop.networks["U00002"] = other
    result = evaluate(V1920, pop, date(2019, 12, 15))
    f = result.finding("U00001", "sanction.breach_ladder")
    assert (f.status, f.values["state"]) == (Status.not_met, "breach")
    assert "[derived]" in f.explanation
    assert not [x for x in result.for_entity("U00002") if x.term_kind == "sanction"]


def test_a_commissioner_duty_is_never_a_contractors_breach():
    events = _events({"date": "2019-06-03", "event": "obligation_missed",
                      "term_id": "registration.commissioner_confirmation"})
    result = evaluate(V1920, _population(minutes=1200), date(2019, 9, 1), events=events)
    assert "commissioner" in result.issues[0].message
    assert not [x for x in result.findings if x.term_kind == "sanction"]


def test_engine_and_reference_agree_inside_an_evaluation():
    events = _events(*MISSED_WITHHELD_NOTICE)
    a = evaluate(V1920, _population(), date(2019, 10, 1), events=events)
    b = evaluate(V1920, _population(), date(2019, 10, 1), events=events, use_reference=True)
    assert [(f.term_id, f.status, f.withheld, f.due, f.explanation) for f in a.findings] == \
        [(f.term_id, f.status, f.withheld, f.due, f.explanation) for f in b.findings]


# --- strict input ---------------------------------------------------------------------------------


def test_a_cure_period_below_the_minimum_is_an_input_error_naming_the_row():
    with pytest.raises(EventsError) as caught:
        _events({"date": "2019-09-02", "event": "remedial_notice_served", "cure_days": 14})
    [issue] = caught.value.issues
    assert (issue.file, issue.row, issue.field) == ("test.yaml", 1, "cure_days")
    assert "28" in issue.message
    # Without the version the reader cannot know the minimum; the ladder still refuses it.
    loose = events_from_records([{"entity": "U00001", "date": "2019-09-02", "event": "remedial_notice_served",
                                  "cure_days": 14}], source="x.json")
    with pytest.raises(InputError, match="below the minimum"):
        run_ladder(NETWORK_LADDER, "U00001", loose, date(2019, 10, 1))
    with pytest.raises(InputError, match="below the minimum"):
        evaluate(V1920, _population(), date(2019, 10, 1), events=loose)


def test_the_reader_reports_every_bad_row_with_file_row_and_field(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "entity_code,date,event,term_id,cure_days,amount_gbp,note\n"
        "U00001,2019-08-01,obligation_missed,extended_hours.delivery,,,ok\n"
        "U00001,2019-02-30,remedied,,,,\n"                     # 3: not a real date
        "U00001,2019-08-02,warning_letter,,,,\n"               # 4: unknown event
        "U00001,2019-08-03,cure_period_expired,,,,\n"          # 5: derived, never recorded
        "U00001,2019-08-04,obligation_missed,no.such_term,,,\n"  # 6: unknown term id
        "U00001,2019-08-05,obligation_missed,,,,\n"            # 7: term id missing
        "U00001,2019-08-06,remedied,,28,,\n"                   # 8: cure_days on the wrong event
        "U00001,2019-08-07,payment_withheld,,,12.345,\n"       # 9: more than 2 decimal places
        "u1,2019-08-08,remedied,,,,\n",                        # 10: not a code
        encoding="utf-8")
    with pytest.raises(EventsError) as caught:
        read_events(path, V1920)
    found = [(i.row, i.field) for i in caught.value.issues]
    assert found == [(3, "date"), (4, "event"), (5, "event"), (6, "term_id"), (7, "term_id"), (8, "cure_days"),
                     (9, "amount_gbp"), (10, "entity_code")]
    assert all(i.file == "events.csv" for i in caught.value.issues)
    assert "8 bad event row(s)" in str(caught.value)


def test_the_reader_refuses_unknown_columns_and_reads_json(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("entity_code,date,event,severity\n", encoding="utf-8")
    with pytest.raises(EventsError, match="severity"):
        read_events(bad)
    good = tmp_path / "events.json"
    good.write_text(json.dumps([{"entity_code": "U00001", "date": "02/09/2019", "event": "remedial_notice_served",
                                 "cure_days": 30, "note": "letter ref 17"}]), encoding="utf-8")
    [event] = read_events(good, V1920)
    assert (event.date, event.cure_days, event.row, event.where) == (date(2019, 9, 2), 30, 1, "events.json row 1")


def test_the_event_vocabulary_is_the_schemas_and_one_event_is_derived():
    assert set(RECORDED_EVENTS) | {SanctionEvent.cure_period_expired} == set(SanctionEvent)


# --- the engine adapter's statechart ----------------------------------------------------------------


def test_a_chart_starts_through_the_pass_through_state_and_its_session_is_deleted():
    chart = Chart.build("test.chart.a", "idle", {"idle": {"go": "busy"}, "busy": {"stop": "idle"}}, ["go", "stop"])
    engine = shared_engine()
    for _ in range(2):  # the same unit twice: the first session's state was deleted
        moves = engine.run_chart(chart, "u1", [("stop", {}), ("go", {"date": 20190801}), ("stop", {})])
        assert [(m.source, m.target, m.defined) for m in moves] == [
            ("idle", "idle", False), ("idle", "busy", True), ("busy", "idle", True)]
    with pytest.raises(EngineError, match="no event"), engine.chart_session(chart, "u2") as session:
        session.post("jump")
    with pytest.raises(EngineError, match="adapter's own"):
        Chart.build("test.chart.b", PASS_THROUGH_START, {PASS_THROUGH_START: {}}, [])


def test_the_engine_refuses_a_float_in_an_event():
    chart = Chart.build("test.chart.c", "idle", {"idle": {"go": "idle"}}, ["go"])
    with pytest.raises(EngineError, match="float"), shared_engine().chart_session(chart, "u1") as session:
        session.post("go", amount=1.5)  # type: ignore[arg-type]


# --- differential: the statechart against the transition-table walk --------------------------------


@st.composite
def event_sequences(draw):
    start = date(2019, 7, 1)
    n = draw(st.integers(0, 12))
    rows = []
    for _ in range(n):
        kind = draw(st.sampled_from(RECORDED_EVENTS))
        row = {"entity": "U00001", "date": (start + timedelta(days=draw(st.integers(0, 240)))).isoformat(),
               "event": kind.value}
        if kind is SanctionEvent.obligation_missed:
            row["term_id"] = draw(st.sampled_from([EH, "network.clinical_director", "network.size"]))
        if kind is SanctionEvent.remedial_notice_served:
            row["cure_days"] = draw(st.integers(28, 60))
        if kind in (SanctionEvent.payment_withheld, SanctionEvent.payment_deferred) and draw(st.booleans()):
            row["amount_gbp"] = str(Decimal(draw(st.integers(0, 1_000_000))) / 100)
        rows.append(row)
    as_of = start + timedelta(days=draw(st.integers(0, 270)))
    return events_from_records(rows, source="generated", version=V1920), as_of


def _summary(r):
    return (r.state, [(m.date, m.event, m.source, m.target, m.applied, m.amount) for m in r.history],
            r.withheld, r.deferred, r.released, r.next_deadline, r.next_step, [i.row for i in r.issues])


@pytest.mark.parametrize("term_id", ["sanction.breach_ladder", "sanction.practice_breach_ladder"])
@settings(max_examples=150, deadline=None)
@given(case=event_sequences())
def test_statechart_and_reference_walk_agree_on_generated_event_sequences(term_id, case):
    events, as_of = case
    lad = ladder(V1920, term_id)
    engine = run_ladder(lad, "U00001", events, as_of)
    reference = run_ladder(lad, "U00001", events, as_of, use_reference=True)
    assert _summary(engine) == _summary(reference)
    # And the walk itself is the table: every applied move is a transition of the spec.
    for move in reference.history:
        expected = lad.target(move.source, move.event)
        assert move.target == (expected or move.source)
        assert move.applied == (expected is not None)


# --- the command line ------------------------------------------------------------------------------------


def test_evaluate_and_explain_take_an_events_file(tmp_path, capsys):
    networks = tmp_path / "networks.csv"
    networks.write_text("pcn_code,registered,extended_hours_minutes_per_week\nU00001,yes,1000\n", encoding="utf-8")
    practices = tmp_path / "practices.csv"
    practices.write_text("practice_code,pcn_code,registered_list\nA81001,U00001,40000\n", encoding="utf-8")
    events = tmp_path / "events.csv"
    events.write_text("entity_code,date,event,term_id,cure_days,amount_gbp,note\n"
                      "U00001,2019-08-01,obligation_missed,extended_hours.delivery,,,\n"
                      "U00001,2019-08-05,payment_withheld,,,4833.33,\n"
                      "U00001,2019-09-02,remedial_notice_served,,28,,\n", encoding="utf-8")
    out = tmp_path / "out.json"
    assert main(["evaluate", "2019-20", "--as-of", "2019-10-01", "--networks", str(networks),
                 "--practices", str(practices), "--events", str(events), "--format", "json", "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    [found] = [f for f in data["findings"] if f["term_id"] == "sanction.breach_ladder"]
    assert (found["status"], found["withheld"], found["values"]["state"]) == \
        ("not_met", "4833.33", "breach_notice_available")
    assert main(["explain", "2019-20", "U00001", "sanction.breach_ladder", "--as-of", "2019-09-15",
                 "--networks", str(networks), "--practices", str(practices), "--events", str(events)]) == 0
    printed = capsys.readouterr().out
    assert "state = remedial_notice" in printed
    assert "Next deadline: 30 September 2019" in printed
    assert main(["evaluate", "2019-20", "--as-of", "2019-10-01", "--networks", str(networks),
                 "--events", str(tmp_path / "missing.csv")]) == 2


def test_practice_events_go_on_the_practice_ladder():
    pop = _population(minutes=1200)
    practice = Practice(code="A81001", pcn_code="U00001")
    practice.set("signed_up", True, SRC)
    pop.practices["A81001"] = practice
    pop.networks["U00001"].member_codes.append("A81001")
    events = events_from_records([{"entity_code": "A81001", "date": "2019-09-02", "event": "breach_notice_served"}],
                                 source="e.csv", version=V1920)
    f = evaluate(V1920, pop, date(2019, 9, 3), events=events).finding("A81001", "sanction.practice_breach_ladder")
    assert (f.entity_type, f.values["state"], f.status) == ("practice", "breach_notice", Status.not_met)


# --- the YAML author cases, with the state compared exactly -------------------------------------------


def test_sanction_cases_reach_exactly_the_state_they_name():
    from contract.evaluation.cases import load_cases, population_of

    cases = [c for c in load_cases("2019-20") if c.file.endswith("cases/sanctions.yaml")]
    assert len(cases) >= 7
    for loaded in cases:
        events = events_from_records(loaded.case.events, source=loaded.file, version=V1920) \
            if loaded.case.events else None
        for use_reference in (False, True):
            result = evaluate(V1920, population_of(loaded), loaded.case.as_of, events=events,
                              use_reference=use_reference)
            for exp in loaded.case.expect:
                if exp.state is not None:
                    found = result.finding(exp.entity, exp.term).values["state"]
                    assert found == exp.state, loaded.case.name
