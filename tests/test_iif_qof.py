"""IIF indicators with points and thresholds (2020-21, 2023-24, 2024-25) and QOF for 2019-20 to
2022-23, checked against the figures the fact sheets cite and priced through the evaluator.

Expected values come from the sources (points, thresholds, Lentells' worked totals) or from the
arithmetic written beside each assertion, never from the program's output."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from contract.evaluation.evaluate import evaluate
from contract.evaluation.indicators import points_earned
from contract.evaluation.results import Status
from contract.spec.facts import Network, Population, Practice
from contract.spec.loader import load_version
from contract.spec.schema import IndicatorSet, Parameter, Version

D = Decimal


def _indicators(version_id: str, set_id: str = "iif.indicators") -> IndicatorSet:
    iset = load_version(version_id).terms[set_id]
    assert isinstance(iset, IndicatorSet)
    return iset


def _figures(version_id: str) -> dict[str, tuple[Decimal | None, Decimal | None, Decimal | None]]:
    return {i.id: (i.points, i.lower, i.upper) for i in _indicators(version_id).indicators}


# ---------------------------------------------------------------------------------------------
# The figures, as the sources give them


def test_acc08_and_can02_2023_24_points_and_thresholds():
    figures = _figures("2023-24")
    assert figures["access_two_weeks"] == (71, 85, 90)  # Pulse: 71 points, kept at 85%–90%
    assert figures["cancer_fit"] == (22, 65, 80)  # Suvera, Northern Cancer Alliance
    assert figures["ld_health_checks"] == (36, None, None)  # thresholds not found
    # the flu indicators share 133 points; the split was not found, so neither has points
    assert figures["flu_65_plus"] == (None, None, None)
    # 133 (flu) + 36 + 22 + 71 = 262
    assert _indicators("2023-24").max_points == 133 + 36 + 22 + 71


def test_2024_25_can04_keeps_can02_points_and_thresholds_and_hi03_is_the_rest_of_58():
    figures = _figures("2024-25")
    assert figures["cancer_fit"] == (22, 65, 80)
    assert figures["ld_health_checks"] == (58 - 22, None, None)
    iset = _indicators("2024-25")
    assert "CAN-04" in next(i.title for i in iset.indicators if i.id == "cancer_fit")
    assert any("CAN-04" in note for note in iset.notes)  # the mid-year change is said, not hidden


def test_2020_21_lists_six_indicators_and_the_prevention_domain_is_119_points():
    iset = _indicators("2020-21")
    assert len(iset.indicators) == 6
    figures = _figures("2020-21")
    assert figures["flu_65_plus"] == (72, 70, 77)  # Ockham
    assert figures["ld_health_checks"] == (47, 49, 80)
    assert 72 + 47 == 119  # the prevention domain's total (Pulse Intelligence)
    unknown = [i.id for i in iset.indicators if i.points is None]
    assert len(unknown) == 4  # social prescribing and three medicines-safety indicators: not found


def test_every_encoded_point_and_threshold_cites_a_source():
    for version_id in ("2020-21", "2023-24", "2024-25"):
        for ind in _indicators(version_id).indicators:
            if ind.points is not None:
                assert ind.citations, f"{version_id} {ind.id}"


# ---------------------------------------------------------------------------------------------
# Achievement → points on the sliding scale (the spec's own thresholds)


@pytest.mark.parametrize(("achievement", "earned"), [
    (D(85), D(0)),  # at the lower threshold: nothing
    (D(88), D("42.6")),  # 71 × (88 − 85) ÷ 5 = 42.6
    (D(90), D(71)),  # at the upper threshold: everything
    (D(97), D(71)),
])
def test_acc08_sliding_scale(achievement, earned):
    points, lower, upper = _figures("2023-24")["access_two_weeks"]
    assert points is not None
    assert lower is not None
    assert upper is not None
    assert points_earned(points, lower, upper, achievement) == earned


def _only(version: Version, keep: set[str]) -> Version:
    """The version with its IIF set cut to the indicators in `keep` (those with every figure), so
    that the evaluator computes them from achievement, as it will when the rest are sourced."""
    iset = version.terms["iif.indicators"]
    assert isinstance(iset, IndicatorSet)
    cut = iset.model_copy(update={"indicators": [i for i in iset.indicators if i.id in keep]})
    return version.model_copy(update={"terms": {**version.terms, "iif.indicators": cut}})


def _network(code: str, **values) -> Population:
    pop = Population()
    pop.networks[code] = Network(code=code, values=values)
    return pop


def test_2023_24_achievement_inputs_price_acc08_and_can02_through_the_evaluator():
    # ACC-08 88% → 42.6 points; CAN-02 72.5% → 22 × 7.5 ÷ 15 = 11 points. 53.6 × £198 (stand-in)
    # × 49,067 ÷ 49,067 = £10,612.80, the figure of the 2023-24 author case.
    version = _only(load_version("2023-24"), {"access_two_weeks", "cancer_fit"})
    pop = _network("U00002", registered=True, registered_list=49067,
                   iif_access_two_weeks_percent=D(88), iif_cancer_fit_percent=D("72.5"))
    finding = evaluate(version, pop, date(2024, 3, 31)).finding("U00002", "payment.iif")
    assert finding.status is Status.met
    assert finding.amount == D("10612.80")
    assert "access_two_weeks 88% achieved, 42.6 of 71 points" in finding.explanation


def test_2020_21_achievement_inputs_price_flu_and_ld_through_the_evaluator():
    # Flu 73.5% → 72 × 3.5 ÷ 7 = 36; LD 64.5% → 47 × 15.5 ÷ 31 = 23.5; 59.5 × £111 × 1 = £6,604.50.
    version = _only(load_version("2020-21"), {"flu_65_plus", "ld_health_checks"})
    pop = _network("U00004", registered=True, registered_list=48456,
                   iif_flu_65_plus_percent=D("73.5"), iif_ld_health_checks_percent=D("64.5"))
    finding = evaluate(version, pop, date(2021, 3, 31)).finding("U00004", "payment.iif")
    assert finding.amount == D("6604.50")


def test_with_the_set_incomplete_the_reported_points_are_used_not_the_achievement():
    # The real 2023-24 set: flu and LD lack thresholds, so achievement inputs alone are not enough.
    pop = _network("U00005", registered=True, registered_list=49067, iif_access_two_weeks_percent=D(90))
    finding = evaluate(load_version("2023-24"), pop, date(2024, 3, 31)).finding("U00005", "payment.iif")
    assert finding.status is Status.input_missing
    assert "iif_points_achieved" in finding.missing


# ---------------------------------------------------------------------------------------------
# QOF for 2019-20 to 2022-23, with the ids 2023-24 uses


QOF_FIGURES = {  # version: (points, £ a point, national average list), as the fact sheet gives them
    "2019-20": (559, D("187.74"), 8479),
    "2020-21": (567, D("194.83"), 8799),
    "2021-22": (635, D("201.16"), 9085),
    "2022-23": (635, D("207.56"), 9374),
}


@pytest.mark.parametrize("version_id", sorted(QOF_FIGURES))
def test_qof_figures_and_ids_line_up_with_2023_24(version_id):
    version = load_version(version_id)
    reference = load_version("2023-24")
    qof_ids = {t for t in reference.terms if t.startswith(("qof.", "rate.qof_")) or t == "payment.qof"}
    missing = qof_ids - set(version.terms) - {"qof.aspiration_percent"}  # share not found before 2023/24
    assert not missing
    points, rate, average = QOF_FIGURES[version_id]
    start = date(int(version_id[:4]), 4, 1)
    for term_id, expected in (("qof.max_points", points), ("rate.qof_point", rate),
                              ("qof.national_average_list", average)):
        param = version.terms[term_id]
        assert isinstance(param, Parameter)
        assert [(v.effective, D(str(v.value))) for v in param.values] == [(start, expected)], term_id


@pytest.mark.parametrize(("version_id", "as_of", "expected"), [
    # Lentells: 9,000 patients at full achievement, £111,395 (2019/20) and £112,992 (2020/21), to the pound
    ("2019-20", date(2020, 3, 31), D(111395)),
    ("2020-21", date(2021, 3, 31), D(112992)),
])
def test_lentells_full_achievement_totals_reproduce_to_the_pound(version_id, as_of, expected):
    points = QOF_FIGURES[version_id][0]
    pop = Population()
    pop.practices["A00001"] = Practice(code="A00001", values={"registered_list": 9000,
                                                              "qof_points_achieved": D(points)})
    finding = evaluate(load_version(version_id), pop, as_of).finding("A00001", "payment.qof")
    assert finding.amount is not None
    assert finding.amount.quantize(D(1)) == expected


def test_the_2020_21_draft_has_no_qof():
    assert "payment.qof" not in load_version("2020-21-draft").terms
