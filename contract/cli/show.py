"""`contract show VERSION`: a version's terms, grouped by service."""

from __future__ import annotations

from contract.spec.loader import load_version


def register(sub) -> None:
    p = sub.add_parser("show", help="show a version's terms")
    p.add_argument("version")
    p.add_argument("--term", help="show one term in full (YAML-like)")
    p.set_defaults(run=run)


def run(args) -> int:
    version = load_version(args.version)
    if args.term:
        term = version.terms.get(args.term)
        if term is None:
            raise ValueError(f"{args.version} has no term {args.term!r}")
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
