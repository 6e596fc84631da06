"""`make bench`: the national 2019-20 run on the real register and lists, and on a generated register
ten times national size (`--scale`; `--quick` skips it). Prints, from one run: parse time, evaluation
time (engine, reference, vectorised) and their ratio to parsing, the plain-polars floor for the same
three network lines and the vectorised evaluator's ratio to it, a 1,000- and a 10,000-variant sweep
of one rate and their ratio to one engine evaluation, peak memory and time of `contract evaluate` and
`contract impact` each in a fresh process, `contract sweep` against `contract evaluate` end to end,
and `contract explain` of one network. Figures, not assertions (bar sanity checks that the floor and
the sweep agree with the evaluators to the penny). The modules are in scripts/bench/."""

from __future__ import annotations

import sys

from bench.main import main

if __name__ == "__main__":
    sys.exit(main())
