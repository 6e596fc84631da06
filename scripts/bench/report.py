"""The bench's figures as a Markdown table a human can paste into the README, and as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

Figures = dict[str, Any]


def _s(value: float) -> str:
    return f"{value:.3f} s" if value < 1 else f"{value:.2f} s"


def _x(value: float) -> str:
    return f"{value:.2f}×"


def _mib(value: float) -> str:
    return f"{value:,.0f} MiB"


def _count(value: int) -> str:
    return f"{value:,}"


Row = tuple[str, Callable[[Figures], str | None], str]
"""A row's label, how to write it from one run's figures (None: not measured), and the goal."""


def _get(*keys: str, fmt: Callable[..., str]) -> Callable[[Figures], str | None]:
    def write(run: Figures) -> str | None:
        if any(k not in run for k in keys):
            return None
        return fmt(*(run[k] for k in keys))
    return write


ROWS: list[Row] = [
    ("practices / networks", _get("practices", "networks", fmt=lambda p, n: f"{p:,} / {n:,}"), ""),
    ("findings (engine)", _get("findings", fmt=_count), ""),
    ("read inputs", _get("parse_s", fmt=_s), ""),
    ("evaluate, engine of record (÷ read)", _get("engine_s", "parse_s", fmt=lambda e, p: f"{_s(e)} ({_x(e / p)})"),
     "< 2.5 s at 1×"),
    ("evaluate, reference (÷ read)", _get("reference_s", "parse_s", fmt=lambda e, p: f"{_s(e)} ({_x(e / p)})"), ""),
    ("evaluate, vectorised (÷ read), best of 3",
     _get("vectorised_s", "parse_s", fmt=lambda e, p: f"{_s(e)} ({_x(e / p)})"), ""),
    ("vectorised, frames already built (every obligation and rate line), best of 3",
     _get("vector_priced_s", fmt=_s), ""),
    ("plain-polars floor, 3 network lines, frames already built, best of 5", _get("floor_s", fmt=_s), ""),
    ("vectorised ÷ floor (both with frames built)", _get("vector_priced_s", "floor_s", fmt=lambda v, f: _x(v / f)),
     "≤ 10×"),
    ("sweep 1,000 variants (÷ engine evaluation)",
     _get("sweep_1000_s", "engine_s", fmt=lambda s, e: f"{_s(s)} ({_x(s / e)})"), ""),
    ("sweep 10,000 variants (÷ engine evaluation)",
     _get("sweep_10000_s", "engine_s", fmt=lambda s, e: f"{_s(s)} ({_x(s / e)})"), "≤ 3×"),
    ("practices + networks per second, engine", _get("engine_units_per_s", fmt=lambda u: f"{u:,.0f}"), ""),
    ("peak memory of the in-process run", _get("in_process_peak_mib", fmt=_mib), ""),
    ("`contract evaluate --format csv -o`: peak memory, wall time",
     _get("evaluate_cmd_mib", "evaluate_cmd_s", fmt=lambda m, s: f"{_mib(m)}, {_s(s)}"), "< 1 GiB at 10×"),
    ("`contract impact 2019-20 2020-21` (md): peak memory, wall time",
     _get("impact_cmd_mib", "impact_cmd_s", fmt=lambda m, s: f"{_mib(m)}, {_s(s)}"), "< 1.5 GiB at 10×"),
    ("`contract evaluate --format csv -o` at 2020-03-31", _get("e2e_evaluate_s", fmt=_s), ""),
    ("`contract sweep` 10,000 variants `--format csv -o` (÷ evaluate)",
     _get("e2e_sweep_s", "e2e_ratio", fmt=lambda s, r: f"{_s(s)} ({_x(r)})"), "≤ 3×"),
    ("`contract explain` one network", _get("explain_s", fmt=_s), "< 1.5 s"),
    ("start-up and reading alone, as a command", _get("startup_and_read_s", fmt=_s), ""),
]


def table(runs: dict[str, Figures], titles: dict[str, str]) -> str:
    """One column per run, one row per figure measured in at least one run; goals last."""
    keys = list(runs)
    lines = ["| measure | " + " | ".join(titles[k] for k in keys) + " | goal |",
             "|---|" + "---:|" * len(keys) + "---|"]
    for label, write, goal in ROWS:
        cells = [write(runs[k]) for k in keys]
        if all(c is None for c in cells):
            continue
        lines.append(f"| {label} | " + " | ".join(c or "–" for c in cells) + f" | {goal} |")
    return "\n".join(lines)


def save(path: Path, figures: Figures) -> None:
    path.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")
