"""Small SVG charts for the reports and the docs site (matplotlib, drawn without pyplot).

Every chart is deterministic: the same data gives the same bytes on every run (a fixed
``svg.hashsalt`` for the element ids, no date or creator in the metadata, text kept as SVG text so
that no font is embedded). Charts only show figures the caller already has (from the evaluator or
the report models); nothing is computed here but positions. Amounts arrive as Decimal and are drawn
as floats, which is fine for a picture: the exact figures sit in the table beside every chart.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from types import SimpleNamespace
from typing import TYPE_CHECKING

from markupsafe import escape

from contract.lang.text import rate

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@cache
def _mpl() -> SimpleNamespace:
    """matplotlib, imported on the first chart: it takes longer to import than `contract explain`
    takes to answer, and only the diff, impact and sweep reports and the docs draw charts."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    return SimpleNamespace(rc_context=rc_context, Figure=Figure, FuncFormatter=FuncFormatter,
                           MaxNLocator=MaxNLocator)

GAIN = "#0072B2"
"""Blue: gains, and the later version (colour-blind safe, Okabe–Ito)."""
LOSS = "#D55E00"
"""Vermilion: losses."""
BEFORE = "#999999"
"""Grey: the earlier version, and the unchanged."""
AFTER = GAIN

STYLE = {
    "svg.hashsalt": "contract-rules",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
}
METADATA = {"Date": None, "Creator": None}


def _money_axis(value: float, _pos: object = None) -> str:
    """Axis labels in whole pounds (the exact money is in the tables)."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= 10_000_000:
        return f"{sign}£{value / 1_000_000:,.0f}m"
    if value >= 1_000_000:
        return f"{sign}£{value / 1_000_000:,.1f}m"
    if value >= 10_000:
        return f"{sign}£{value / 1_000:,.0f}k"
    return f"{sign}£{value:,.0f}" if value >= 10 or value == 0 else f"{sign}£{value:,.2f}"


def _svg(fig: Figure, title: str) -> str:
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata=METADATA, bbox_inches="tight")
    text = out.getvalue()
    # An accessible name for the picture: its title, escaped for an attribute (quotes too).
    return text.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)


def inline(svg: str) -> str:
    """An SVG document ready to sit inside an HTML page: no XML prolog or doctype, sized by CSS."""
    start = svg.index("<svg ")
    body = svg[start:]
    return re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r'<svg \1class="chart"', body, count=1)


def _figure(width: float, height: float) -> Figure:
    return _mpl().Figure(figsize=(width, height), dpi=72)


def paired_bars(title: str, labels: Sequence[str], before: Sequence[Decimal | None],
                after: Sequence[Decimal | None], before_name: str, after_name: str) -> str:
    """Horizontal bars, two per label (before and after): money by payment stream, for instance.
    A missing amount (None) draws no bar."""
    with _mpl().rc_context(STYLE):
        n = len(labels)
        fig = _figure(7.0, max(1.8, 0.5 * n + 1.0))
        ax = fig.add_subplot()
        ys = list(range(n))
        height = 0.38
        ax.barh([y - height / 2 for y in ys], [float(v) if v is not None else 0.0 for v in before], height,
                color=BEFORE, label=before_name)
        ax.barh([y + height / 2 for y in ys], [float(v) if v is not None else 0.0 for v in after], height,
                color=AFTER, label=after_name)
        ax.set_yticks(ys, [_short(x) for x in labels])
        ax.invert_yaxis()
        ax.xaxis.set_major_locator(_mpl().MaxNLocator(5))
        ax.xaxis.set_major_formatter(_mpl().FuncFormatter(_money_axis))
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.set_title(title)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        return _svg(fig, title)


def gain_loss_bars(title: str, bands: Sequence[str], gainers: Sequence[int], losers: Sequence[int],
                   unchanged: Sequence[int]) -> str:
    """For each band, how many gain (right of zero), how many lose (left) and how many are unchanged
    (grey, beside the gains): the distribution of gains and losses by list size."""
    with _mpl().rc_context(STYLE):
        n = len(bands)
        fig = _figure(6.0, max(1.8, 0.45 * n + 1.2))
        ax = fig.add_subplot()
        ys = list(range(n))
        ax.barh(ys, [-x for x in losers], 0.6, color=LOSS, label="lose")
        ax.barh(ys, list(gainers), 0.6, color=GAIN, label="gain")
        ax.barh(ys, list(unchanged), 0.6, left=list(gainers), color=BEFORE, label="unchanged")
        for y, lose, gain, same in zip(ys, losers, gainers, unchanged, strict=True):
            if lose:
                ax.annotate(f"{lose:,}", (-lose, y), xytext=(-3, 0), textcoords="offset points", ha="right",
                            va="center")
            if gain or same:
                ax.annotate(f"{gain:,}" + (f" (+{same:,})" if same else ""), (gain + same, y), xytext=(3, 0),
                            textcoords="offset points", ha="left", va="center")
        ax.set_yticks(ys, list(bands))
        ax.invert_yaxis()
        widest = max([*losers, *(g + s for g, s in zip(gainers, unchanged, strict=True)), 1])
        ax.set_xlim(-widest * 1.3, widest * 1.3)
        ax.xaxis.set_major_locator(_mpl().MaxNLocator(nbins=6, integer=True))
        ax.xaxis.set_major_formatter(_mpl().FuncFormatter(lambda v, _p: f"{abs(v):,.0f}"))
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.set_xlabel("← lose · how many · gain →")
        ax.set_title(title)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        return _svg(fig, title)


def steps_over_versions(title: str, versions: Sequence[str], values: Sequence[Decimal | None],
                        unit_label: str = "") -> str:
    """A value in each version, as dots joined by steps (a version without the value is a gap), each
    labelled with its amount: a rate across the years."""
    with _mpl().rc_context(STYLE):
        fig = _figure(7.0, 2.2)
        ax = fig.add_subplot()
        xs = list(range(len(versions)))
        known = [(x, float(v)) for x, v in zip(xs, values, strict=True) if v is not None]
        if known:
            ax.step([x for x, _ in known], [v for _, v in known], where="post", color=BEFORE, linewidth=1)
            ax.plot([x for x, _ in known], [v for _, v in known], "o", color=AFTER)
            for (x, _), v in zip(known, [v for v in values if v is not None], strict=True):
                ax.annotate(_label(v, unit_label), (x, float(v)), xytext=(0, 6), textcoords="offset points",
                            ha="center", fontsize=10)
            top = max(v for _, v in known)
            ax.set_ylim(min(0.0, min(v for _, v in known)), top * 1.25 if top > 0 else 1)
        ax.set_xticks(xs, list(versions), rotation=20, ha="right")
        ax.set_xlim(-0.5, len(versions) - 0.5)
        if unit_label == "£":
            ax.yaxis.set_major_formatter(_mpl().FuncFormatter(_money_axis))
        ax.set_title(title)
        return _svg(fig, title)


PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999"]
"""Okabe–Ito: colours told apart with any colour vision."""


def stacked_by_version(title: str, versions: Sequence[str], series: Sequence[tuple[str, Sequence[Decimal]]]) -> str:
    """One bar per version, stacked by series (payment streams, say), its total above it."""
    with _mpl().rc_context(STYLE):
        fig = _figure(7.5, 3.2)
        ax = fig.add_subplot()
        xs = list(range(len(versions)))
        bottom = [0.0] * len(versions)
        for i, (name, values) in enumerate(series):
            heights = [float(v) for v in values]
            ax.bar(xs, heights, 0.6, bottom=bottom, color=PALETTE[i % len(PALETTE)], label=name)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        for x, total in zip(xs, bottom, strict=True):
            ax.annotate(_money_axis(total), (x, total), xytext=(0, 3), textcoords="offset points", ha="center",
                        fontsize=10)
        ax.set_xticks(xs, list(versions), rotation=20, ha="right")
        ax.yaxis.set_major_locator(_mpl().MaxNLocator(5))
        ax.yaxis.set_major_formatter(_mpl().FuncFormatter(_money_axis))
        ax.set_ylim(0, max([*bottom, 1.0]) * 1.15)
        ax.set_title(title)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        return _svg(fig, title)


def _label(value: Decimal, unit_label: str) -> str:
    if unit_label == "£":
        return rate(value)
    return f"{value.normalize():,f}" + (f" {unit_label}" if unit_label else "")


def _short(text: str, width: int = 42) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
