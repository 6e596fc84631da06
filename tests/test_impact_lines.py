"""What impact keeps of an evaluation as its findings stream past (contract.analysis.impact.lines)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from contract.analysis.impact.lines import Line, input_name, read_lines
from contract.evaluation.evaluate import evaluate_stream
from contract.evaluation.results import Status
from tests.test_impact import A, population


def test_a_lines_amount_is_zero_when_not_eligible_and_unknown_when_an_input_is_missing():
    assert Line("entitlement", Status.not_applicable, None, ()).paid == Decimal(0)
    assert Line("entitlement", Status.input_missing, Decimal(5), ("weighted_list",)).paid is None
    assert Line("entitlement", Status.met, Decimal("12.50"), ()).paid == Decimal("12.50")


def test_the_state_a_crossing_compares():
    assert Line("obligation", Status.not_met, None, ()).state == "not_met"
    assert Line("entitlement", Status.met, Decimal("0.01"), ()).state == "payable"
    assert Line("entitlement", Status.met, Decimal("0.00"), ()).state == "not payable"
    assert Line("entitlement", Status.not_applicable, None, ()).state == "not payable"
    assert Line("entitlement", Status.input_missing, None, ("x",)).state == "unknown"


def test_an_inputs_name_loses_the_detail_a_finding_adds():
    assert input_name("registered_list (of a member practice)") == "registered_list"
    assert input_name("weighted_list") == "weighted_list"


def test_read_lines_keeps_each_entitys_lines_from_one_pass_over_the_stream():
    index = read_lines(evaluate_stream(A, population(), date(2020, 3, 31)))
    assert index.version == A.id
    # 4 practices (payment.practice) and 3 networks (payment.network, obl.size).
    assert sorted(index.entities) == [("network", "N1"), ("network", "N2"), ("network", "N3"),
                                      ("practice", "P001"), ("practice", "P002"), ("practice", "P003"),
                                      ("practice", "P004")]
    # P001: 11,000.5 weighted patients × £0.147 a month × 12 = £19,404.882 → £19,404.88.
    assert index.of("practice", "P001")["payment.practice"].paid == Decimal("19404.88")
    # P003 has no weighted list: unknown; P004 is not signed up: a known £0.
    p3 = index.of("practice", "P003")["payment.practice"]
    assert (p3.status, p3.paid, p3.missing) == (Status.input_missing, None, ("weighted_list",))
    assert index.of("practice", "P004")["payment.practice"].paid == Decimal(0)
    # N3 serves 32,000, at least A's minimum of 30,000; N2 serves 4,000.
    assert index.of("network", "N3")["obl.size"].state == "met"
    assert index.of("network", "N2")["obl.size"].state == "not_met"
    # One practice lacks weighted_list for a payment line; obligations' missing inputs are not counted.
    assert index.missing_inputs() == {"weighted_list": 1}
    assert index.of("practice", "NONE") == {}


def test_taking_an_entitys_lines_removes_them():
    index = read_lines(evaluate_stream(A, population(), date(2020, 3, 31)))
    taken = index.take("network", "N1")
    # N1: 12,000 + 8,000 + 20,000 = 40,000 registered × £1.50 = £60,000.00.
    assert taken["payment.network"].paid == Decimal("60000.00")
    assert index.of("network", "N1") == {}
    assert index.take("network", "N1") == {}
