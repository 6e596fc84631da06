"""Coverage and opt-out: what happens when practices leave the DES (or never joined it).

Given a population (the register's networks and member practices, and a practices file saying who
is out: ``signed_up`` no, or an ``opted_out_on`` or ``left_des_on`` date), the report lists:

* the practices leaving, with the first day they are out: ``left_des_on`` if given; else, for an
  opt-out notice given by the version's opt-out deadline, the day after the version's opt-out
  effective date (the parameters ``participation.opt_out_deadline`` and
  ``participation.opt_out_effective``, where the version has them: a notice by 31 May 2020 takes
  effect on 30 June, the last day in, so the practice is out from 1 July); else the notice date
  itself; a practice marked not signed up with no date is out for the whole year;
* the networks that lose members, with their list size and the obligations whose status changes
  (a network that falls below its minimum size, say);
* the practices whose patients are no longer covered by any network: a leaver with no network
  arranged to serve its patients (``network_services_arranged``, or ``covering_pcn_code`` naming a
  network that still has members), or a practice in the DES that is in no network;
* the payments each practice and network loses.

Rendering (Markdown, CSV, JSON) is in contract.render.coverage.

The money comes from two evaluations (:func:`contract.evaluation.evaluate.evaluate`) at the same as-of date:
one with the leavers staying (signed up, still members) and one with them gone (not signed up,
removed from their networks). A line's loss is the difference between the two schedules, counting
the instalments for the months that start on or after the practice's first day out (for a network,
the earliest first day out of its leaving members), before any withholding: the month a practice
leaves in is counted as paid in full, since the specs give no pro-rata rule. Where either
evaluation cannot compute a line (an input is missing) the loss is unknown and the report says so;
a network all of whose members leave is paid nothing if they leave (a known £0.00: nobody is left to
be paid), not an unknown amount.
A network value supplied directly (a networks file giving ``registered_list``) is not recomputed
without the leavers; the report notes it. Nothing reads the clock.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from contract.evaluation.evaluate import evaluate
from contract.evaluation.results import Evaluation, Finding, Status
from contract.evaluation.values import value_at
from contract.spec.facts import Population, Practice
from contract.spec.schema import Parameter, Version

OPT_OUT_DEADLINE = "participation.opt_out_deadline"
OPT_OUT_EFFECTIVE = "participation.opt_out_effective"
_OUT_FIELDS = ("opted_out_on", "left_des_on")
EMPTIED_NOTE = "every member leaves: the network has no practice to pay, so nothing is paid"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Leaver(_Model):
    code: str
    name: str | None = None
    pcn_code: str | None = None
    leaves_on: date | None
    """First day out of the DES; None: not signed up at all this year (out from its start)."""
    how: str
    """Why we think it leaves, and how the date was worked out."""
    out_at_as_of: bool
    registered_list: int | None = None
    covered_by: str | None = None
    """Who serves its patients instead (a network code, or 'network services arranged')."""


class NetworkChange(_Model):
    code: str
    name: str | None = None
    members_before: list[str]
    leaving: list[str]
    members_after: list[str]
    registered_list_before: int | None = None
    registered_list_after: int | None = None
    obligations_changed: list[str] = Field(default_factory=list)
    """'term: status if staying → status if leaving' for each obligation whose status changes."""


class Uncovered(_Model):
    code: str
    name: str | None = None
    reason: str
    from_date: date | None = None


class PaymentLoss(_Model):
    entity_type: str
    entity_code: str
    term_id: str
    title: str
    from_date: date
    if_staying: Decimal | None
    if_leaving: Decimal | None
    lost: Decimal | None
    """None when either evaluation could not compute the line."""
    note: str | None = None


class CoverageReport(_Model):
    version: str
    as_of: date
    leavers: list[Leaver]
    networks: list[NetworkChange]
    uncovered: list[Uncovered]
    losses: list[PaymentLoss]
    notes: list[str] = Field(default_factory=list)

    @property
    def total_lost(self) -> Decimal:
        return sum((x.lost for x in self.losses if x.lost is not None), Decimal(0))

    @property
    def unknown_losses(self) -> int:
        return sum(1 for x in self.losses if x.lost is None)


# --- who leaves, and when ------------------------------------------------------------------------


def _date_param(version: Version, term_id: str) -> date | None:
    term = version.terms.get(term_id)
    if not isinstance(term, Parameter) or not term.values:
        return None
    found = value_at(term, version.meta.in_force.end)
    if found is None:
        return None
    value = found.value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, date) else None


def leaving(version: Version, practice: Practice, as_of: date) -> Leaver | None:
    """The practice as a leaver, or None if it stays in the DES."""
    values = practice.values
    signed = values.get("signed_up")
    if signed is not False and not any(isinstance(values.get(f), date) for f in _OUT_FIELDS):
        return None
    left, notice = values.get("left_des_on"), values.get("opted_out_on")
    if isinstance(left, date):
        leaves_on: date | None = left
        how = f"left the DES on {left} (left_des_on)"
    elif isinstance(notice, date):
        deadline, effective = _date_param(version, OPT_OUT_DEADLINE), _date_param(version, OPT_OUT_EFFECTIVE)
        if effective is not None and effective >= notice and (deadline is None or notice <= deadline):
            leaves_on = effective + timedelta(days=1)
            how = (f"opted out on {notice}, in the window; in the DES to {effective} ({OPT_OUT_EFFECTIVE}), "
                   f"out from {leaves_on}")
        else:
            leaves_on, how = notice, f"opted out on {notice} (taken as the day it leaves)"
    else:
        leaves_on, how = None, "not signed up to the DES this year"
    registered = values.get("registered_list")
    return Leaver(code=practice.code, name=practice.name, pcn_code=practice.pcn_code, leaves_on=leaves_on, how=how,
                  out_at_as_of=leaves_on is None or leaves_on <= as_of,
                  registered_list=registered if isinstance(registered, int) else None)


# --- the two scenarios ----------------------------------------------------------------------------


def _staying(population: Population, leavers: dict[str, Leaver]) -> Population:
    pop = population.model_copy(deep=True)
    for code in leavers:
        practice = pop.practices[code]
        practice.values["signed_up"] = True
        for name in _OUT_FIELDS:
            practice.values.pop(name, None)
            practice.provenance.pop(name, None)
    return pop


def _leaving(population: Population, leavers: dict[str, Leaver]) -> Population:
    pop = population.model_copy(deep=True)
    for code in leavers:
        practice = pop.practices[code]
        practice.values["signed_up"] = False
        practice.pcn_code = None
    for network in pop.networks.values():
        network.member_codes = [c for c in network.member_codes if c not in leavers]
    return pop


def _by_key(evaluation: Evaluation) -> dict[tuple[str, str, str], Finding]:
    return {(f.entity_type, f.entity_code, f.term_id): f for f in evaluation.findings}


def _from(finding: Finding | None, day: date) -> tuple[Decimal | None, str | None]:
    """The line's money for the months starting on or after `day` (None: cannot be computed), and a note."""
    if finding is None or finding.status is Status.not_applicable:
        return Decimal("0.00"), None
    if finding.status is Status.input_missing or finding.amount is None:
        return None, f"cannot compute: {', '.join(finding.missing) or 'inputs missing'}"
    if finding.schedule:
        return sum((i.amount for i in finding.schedule if i.month >= day), Decimal("0.00")), None
    return finding.amount, "no schedule: the whole year's amount"


def _list_size(population: Population, code: str, members: list[str]) -> tuple[int | None, bool]:
    """A network's list: supplied directly (True), or the sum of its members' lists."""
    network = population.networks[code]
    given = network.values.get("registered_list")
    if isinstance(given, int):
        return given, True
    sizes = [population.practices[m].values.get("registered_list") for m in members if m in population.practices]
    if len(sizes) != len(members) or not all(isinstance(s, int) for s in sizes):
        return None, False
    return sum(sizes), False  # type: ignore[arg-type]


CORE_CONTRACT_FILE = "core_contract.yaml"
"""The spec file (the same name in every version) of the lines paid under the core GP contract, not the DES."""


def coverage(version: Version, population: Population, as_of: date) -> CoverageReport:
    """Who leaves, which networks lose members, whose patients lose network cover, and the money."""
    leavers = {p.code: found for p in population.practices.values() if (found := leaving(version, p, as_of))}
    notes: list[str] = []
    stay = _by_key(evaluate(version, _staying(population, leavers), as_of))
    gone_pop = _leaving(population, leavers)
    gone = _by_key(evaluate(version, gone_pop, as_of))
    start = version.meta.in_force.start

    def first_day(leaver: Leaver) -> date:
        return leaver.leaves_on or start

    networks: list[NetworkChange] = []
    network_from: dict[str, date] = {}
    for network in population.networks.values():
        lost = [c for c in network.member_codes if c in leavers]
        if not lost:
            continue
        after = [c for c in network.member_codes if c not in leavers]
        network_from[network.code] = min(first_day(leavers[c]) for c in lost)
        before_size, direct = _list_size(population, network.code, network.member_codes)
        after_size = before_size if direct else _list_size(gone_pop, network.code, after)[0]
        if direct:
            notes.append(f"{network.code}: its registered list was given directly, so it is not recomputed "
                         f"without its leaving members; the network's losses are understated")
        changed = []
        for (etype, code, term_id), f in stay.items():
            if etype == "network" and code == network.code and f.term_kind == "obligation":
                other = gone.get((etype, code, term_id))
                if other is not None and other.status is not f.status:
                    changed.append(f"{term_id}: {f.status.value} if staying → {other.status.value} if leaving")
        networks.append(NetworkChange(code=network.code, name=network.name, members_before=list(network.member_codes),
                                      leaving=lost, members_after=after, registered_list_before=before_size,
                                      registered_list_after=after_size, obligations_changed=changed))

    still_serving = {n.code for n in gone_pop.networks.values() if n.member_codes}
    uncovered: list[Uncovered] = []
    final_leavers: list[Leaver] = []
    for leaver in leavers.values():
        practice = population.practices[leaver.code]
        arranged = practice.values.get("network_services_arranged") is True
        covering = practice.values.get("covering_pcn_code")
        covered_by = None
        if isinstance(covering, str) and covering in still_serving:
            covered_by = covering
        elif arranged:
            covered_by = "network services arranged"
        if covered_by is None:
            reason = "left the DES; no network arranged to serve its patients"
            if isinstance(covering, str):
                reason += f" (covering network {covering} is not among the networks with members)"
            uncovered.append(Uncovered(code=leaver.code, name=leaver.name, reason=reason, from_date=leaver.leaves_on))
        final_leavers.append(leaver.model_copy(update={"covered_by": covered_by}))
    members = {c for n in population.networks.values() for c in n.member_codes}
    for practice in population.practices.values():
        if practice.code not in leavers and practice.pcn_code is None and practice.code not in members:
            uncovered.append(Uncovered(code=practice.code, name=practice.name,
                                       reason="in the DES but not a member of any network"))

    # A network all of whose members leave has nobody left to pay: its lines if leaving are a known
    # £0.00, not unknown (its list would otherwise read as missing, an empty network having no list).
    emptied = {n.code for n in gone_pop.networks.values()
               if not n.member_codes and not isinstance(n.values.get("registered_list"), int)}
    losses: list[PaymentLoss] = []
    affected = [("practice", leaver.code, first_day(leaver)) for leaver in final_leavers]
    affected += [("network", code, day) for code, day in network_from.items()]
    for etype, code, day in affected:
        for (ftype, fcode, term_id), f in stay.items():
            if ftype != etype or fcode != code or f.term_kind != "entitlement":
                continue
            if version.files.get(term_id) == CORE_CONTRACT_FILE:
                continue  # paid under the core contract (QOF, the global sum): leaving the DES does not lose it
            other = gone.get((ftype, fcode, term_id))
            if_staying, note_s = _from(f, day)
            if etype == "network" and code in emptied:
                if_leaving, note_l = Decimal("0.00"), EMPTIED_NOTE
            else:
                if_leaving, note_l = _from(other, day)
            lost = None if if_staying is None or if_leaving is None else if_staying - if_leaving
            if lost == 0:
                continue
            losses.append(PaymentLoss(entity_type=etype, entity_code=code, term_id=term_id, title=f.title,
                                      from_date=day, if_staying=if_staying, if_leaving=if_leaving, lost=lost,
                                      note="; ".join(dict.fromkeys(n for n in (note_s, note_l) if n)) or None))
    return CoverageReport(version=version.id, as_of=as_of, leavers=final_leavers, networks=networks,
                          uncovered=uncovered, losses=losses, notes=notes)
