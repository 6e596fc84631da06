"""`make bench` (scripts/bench.py), in modules: the in-process run (:mod:`.inprocess`), the
plain-polars floor (:mod:`.floor`), commands measured as fresh subprocesses (:mod:`.commands`), the
printed table and saved figures (:mod:`.report`), and the order of it all (:mod:`.main`)."""
