"""A console scenario written as a spec overlay: a version folder whose version.yaml names the
proposal as its `base` and sets each moved parameter with op `set_values` from the first day of the
proposal's year (what `--set` does for an evaluation), so that `contract validate`, `diff` and
`impact` read it like any version when the folder is saved beside the others (`--specs DIR`).

Each value set cites the source of the value it replaces, marked `derived` with a caveat saying it
was set in the console: a negotiating position, not a published figure."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import yaml

from contract.evaluation.values import value_at
from contract.spec.schema import Confidence, Parameter, Version

CAVEAT = ("Set in the negotiation console (contract serve) as a negotiating position: not a published figure. "
          "The source cited is the one for the value it replaces ({old}).")


def overlay_id(proposal: Version, wanted: str | None = None) -> str:
    """The overlay's version id: `wanted`, else the proposal's year with `-scenario` (2020-21-scenario)."""
    return wanted or f"{proposal.meta.in_force.start.year}-{str(proposal.meta.in_force.end.year)[-2:]}-scenario"


def overlay_meta(proposal: Version, moved: dict[str, Decimal], version_id: str, published: date) -> dict:
    """version.yaml of the overlay, as plain data (see the module's docstring)."""
    start = proposal.meta.in_force.start
    changes = []
    for name, value in moved.items():
        param = proposal.terms[name]
        assert isinstance(param, Parameter)
        replaced = value_at(param, start) or (param.values[0] if param.values else None)
        citations = [c.model_dump(mode="json", exclude_none=True) for c in (replaced.citations if replaced else [])]
        old = replaced.value if replaced is not None else "no value"
        for c in citations:
            c.update(confidence=Confidence.derived.value, caveat=CAVEAT.format(old=old))
        changes.append({
            "op": "set_values", "id": name,
            "reason": f"Moved in the negotiation console from {old} to {value} for {proposal.id}.",
            "citations": citations,
            "values": [{"effective": start, "value": value, "citations": citations}],
        })
    return {
        "id": version_id,
        "title": f"{proposal.meta.title}: scenario from the negotiation console",
        "status": "proposal",
        "base": proposal.id,
        "in_force": {"start": start, "end": proposal.meta.in_force.end},
        "published": published,
        "summary": f"{proposal.id} with its national £ parameters moved in the negotiation console (contract "
                   f"serve): " + ("; ".join(f"{k} = {v}" for k, v in moved.items()) or "nothing moved") + ".",
        "sources": [s.model_dump(mode="json", exclude_none=True) for s in proposal.meta.sources],
        "changes": changes,
    }


class _Dumper(yaml.SafeDumper):
    """Decimals as plain YAML numbers, digit for digit (the spec loader reads them back exactly)."""


_Dumper.add_representer(Decimal, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:float", str(value)))


def overlay_yaml(meta: dict) -> str:
    return yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def overlay_zip(meta: dict) -> bytes:
    """A zip holding `<id>/version.yaml`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(f"{meta['id']}/version.yaml", date_time=(1980, 1, 1, 0, 0, 0))
        archive.writestr(info, overlay_yaml(meta))
    return buffer.getvalue()
