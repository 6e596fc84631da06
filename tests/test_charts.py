"""SVG charts (contract.render.charts): the same bytes on every run and in every process, no date,
no embedded font, an accessible name, the amounts written as the sources write them, and a form
that sits inside an HTML page."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from xml.etree import ElementTree

from contract.render import charts

D = Decimal
VERSIONS = ["2019-20", "2020-21", "2024-25"]
RATES = [D("1.50"), None, D("2.257")]
"""A rate across the years with a version that has no value (drawn as a gap)."""


def _all_charts() -> list[str]:
    return [
        charts.steps_over_versions("Core PCN funding rate", VERSIONS, RATES, "£"),
        charts.gain_loss_bars("Practices gaining and losing", ["<5k", "5k–10k"], [3, 4], [1, 0], [2, 0]),
        charts.paired_bars("Money by stream", ["Core PCN funding", "Extended hours"], [D("75000"), None],
                           [D("75000"), D("72500")], "2019-20", "2020-21"),
        charts.stacked_by_version("Money by year", VERSIONS, [("Payments", [D(1), D(2), D(3)]),
                                                              ("Extended hours", [D(4), D(0), D(5)])]),
    ]


def test_charts_are_the_same_bytes_every_time():
    assert _all_charts() == _all_charts()


def test_charts_are_the_same_bytes_in_another_process():
    code = ("from decimal import Decimal as D; from contract.render import charts; import sys; "
            "sys.stdout.write(charts.steps_over_versions('Core PCN funding rate', ['2019-20', '2020-21', '2024-25'], "
            "[D('1.50'), None, D('2.257')], '£'))")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert other == _all_charts()[0]


def test_charts_carry_no_date_and_no_embedded_font():
    for svg in _all_charts():
        assert "<dc:date>" not in svg
        assert "font-face" not in svg
        assert "<glyph" not in svg
        assert 'role="img"' in svg


def test_a_rate_chart_labels_each_value_as_the_sources_write_it():
    """£1.50 (2019-20) and £2.257 (2024-25), written as rates; nothing drawn for the version without one."""
    svg = _all_charts()[0]
    assert "£1.50" in svg
    assert "£2.257" in svg
    assert "£2.26" not in svg  # never rounded to the penny
    ElementTree.fromstring(svg.encode("utf-8"))  # well-formed XML


def test_the_accessible_name_is_escaped():
    svg = charts.steps_over_versions('Rate "<b>" & co', VERSIONS, RATES, "£")
    assert 'aria-label="Rate &#34;&lt;b&gt;&#34; &amp; co"' in svg


def test_an_inline_chart_has_no_prolog_and_is_sized_by_css():
    inline = charts.inline(_all_charts()[1])
    assert inline.startswith("<svg ")
    assert "<?xml" not in inline
    assert "<!DOCTYPE" not in inline
    head = inline[: inline.index(">")]
    assert 'class="chart"' in head
    assert "width=" not in head
    assert "viewBox=" in head


def test_money_axis_labels():
    assert charts._money_axis(0) == "£0"
    assert charts._money_axis(75_000) == "£75k"
    assert charts._money_axis(2_500_000) == "£2.5m"
    assert charts._money_axis(80_000_000) == "£80m"
    assert charts._money_axis(-1_500) == "-£1,500"
