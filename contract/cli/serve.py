"""`contract serve [--host 127.0.0.1] [--port 8000] [--register F --lists F ...]`: the negotiation
console and JSON API (contract.serve) on this machine. The population is read once; without input
files a seeded synthetic one of national size is generated and every page and answer says so."""

from __future__ import annotations

from pathlib import Path

from contract.cli.common import add_inputs, command, option, progress
from contract.cli.errors import UsageError


def register(app) -> None:
    params = [
        option("host", "--host", "address to listen on (default 127.0.0.1: this machine only)", str, "127.0.0.1",
               show_default=False),
        option("port", "--port", "port to listen on (default 8000)", int, 8000, show_default=False),
        option("scale", "--synthetic-scale", "without input files: the synthetic population's size, as a share "
               "of England's (default 1.0)", float, 1.0, show_default=False),
        option("seed", "--seed", "without input files: the synthetic population's seed (default 2019)", int, 2019,
               show_default=False),
    ]
    add_inputs(params)
    command(app, "serve", run, params,
            help="Serve the negotiation console and the JSON API on this machine (Ctrl-C stops it).")


def run(args) -> int:
    import time

    import uvicorn

    from contract.serve.app import create_app
    from contract.serve.population import from_files, synthetic

    given = [args.register, *args.lists, args.practices, args.networks, args.staff]
    for path in given:
        if path is not None and not Path(path).exists():
            raise UsageError(f"{path}: no such file")
    started = time.perf_counter()
    if any(p is not None for p in given):
        progress(f"reading inputs ({', '.join(str(p) for p in given if p)})")
        served = from_files(register=args.register, lists=args.lists, practices=args.practices,
                            networks=args.networks, staff=args.staff)
        if served.info.input_issues and not args.keep_going:
            raise UsageError(f"{served.info.input_issues} bad input row(s); fix them, or pass --keep-going to "
                             "serve the good rows")
    else:
        progress(f"no input files: generating a SYNTHETIC population (scale {args.scale}, seed {args.seed})")
        served = synthetic(args.scale, args.seed)
    progress(f"{served.info.practices:,} practices, {served.info.networks:,} networks read in "
             f"{time.perf_counter() - started:.1f}s")
    progress(f"serving on http://{args.host}:{args.port}/ (API docs at /docs)")
    uvicorn.run(create_app(served), host=args.host, port=args.port, log_level="warning")
    return 0
