"""Builders of small synthetic versions for tests, independent of the real specs."""

from __future__ import annotations

from datetime import date

from contract.spec.schema import (
    Citation,
    Confidence,
    DatedValue,
    Entitlement,
    Obligation,
    Parameter,
    Period,
    Version,
    VersionMeta,
)

CITE = Citation(title="Synthetic test source", url="https://example.org/spec", confidence=Confidence.official)
START, END = date(2019, 4, 1), date(2020, 3, 31)


def param(pid: str, unit: str, value, **extra) -> Parameter:
    return Parameter(kind="parameter", id=pid, title=f"Param {pid}", summary=f"The {pid} value.", service="Test",
                     citations=[CITE], unit=unit,
                     values=[DatedValue(effective=START, value=value, citations=[CITE])], **extra)


def obligation(oid: str, requirement: str, **extra) -> Obligation:
    fields = {"title": f"Obligation {oid}", "level": "network", "who": "the network", "frequency": "once"} | extra
    return Obligation(kind="obligation", id=oid, summary=f"The network does {oid}.",
                      service="Test", citations=[CITE], requirement=requirement, **fields)


def entitlement(eid: str, rate: str, basis: str, level: str = "network", **extra) -> Entitlement:
    fields = {"accrual": Period(start=START, end=END),
              "schedule": {"kind": "monthly", "description": "Monthly in arrears."}} | extra
    return Entitlement(kind="entitlement", id=eid, title=f"Payment {eid}", summary=f"Pays {eid}.", service="Test",
                       citations=[CITE], level=level, payer="commissioner", payee="the network", rate=rate,
                       basis=basis, **fields)


def make_version(terms: dict, vid: str = "2019-20", start: date = START, end: date = END, **meta) -> Version:
    fields = {"id": vid, "title": f"Synthetic {vid}", "status": "in_force", "in_force": Period(start=start, end=end),
              "published": start, "summary": "A synthetic version for tests.", "sources": [CITE]} | meta
    return Version(meta=VersionMeta(**fields), terms=terms, files=dict.fromkeys(terms, "terms.yaml"))
