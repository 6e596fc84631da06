"""`contract show VERSION`: a version's terms, grouped by service."""

from __future__ import annotations

from contract.cli.common import argument, command, option
from contract.cli.errors import UsageError
from contract.spec.loader import load_version


def register(app) -> None:
    command(app, "show", run, [
        argument("version", "the version id, e.g. 2019-20 (see `contract versions`)"),
        option("term", "--term", "show this one term in full (as JSON), e.g. payment.core_pcn_funding",
               str | None, metavar="TERM"),
    ], help="Show a version's terms, grouped by service.")


def run(args) -> int:
    version = load_version(args.version)
    if args.term:
        term = version.terms.get(args.term)
        if term is None:
            raise UsageError(f"{args.version} has no term {args.term!r} (see `contract show {args.version}`)")
        import json

        print(json.dumps(term.model_dump(mode="json", exclude_none=True), indent=2, ensure_ascii=False))
        return 0
    m = version.meta
    print(f"{m.title} ({m.id}, {m.status.value}, {m.in_force.start} to {m.in_force.end})")
    print(m.summary)
    services: dict[str, list] = {}
    for term in version.terms.values():
        services.setdefault(term.service, []).append(term)
    for service, terms in services.items():
        print(f"\n{service}")
        for t in terms:
            print(f"  {t.kind:<11} {t.id:<42} {t.title}")
    return 0
