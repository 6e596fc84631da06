"""A seeded synthetic population, written in NHS Digital's own file formats.

``generate(out_dir, scale, seed)`` writes files that the readers accept exactly as they accept the
real ones, so that tests, benchmarks and demos run without the real data and at any size:

* ``epcn.xlsx``: the ePCN register, with the sheets, headers, integer ``YYYYMMDD`` dates and the
  uncached ``VLOOKUP`` formula column of the real export;
* ``qof-prevalence.csv``: QOF prevalence, 21 registers per practice with their list types;
* ``gp-reg-pat-prac-all.csv``: Patients Registered at a GP Practice (totals);
* ``practices.csv``, ``networks.csv``, ``staff.csv``: the project's own files (catalogue fields only).

``scale=1.0`` is national size (1,250 networks, 6,757 practices, list sizes averaging about 8,700,
networks mostly 30,000–50,000). Like the real data, about 100 practices per national scale have no
list row and about 63 practices in the national files are not in the register. Output is
reproducible byte for byte for a seed: ``random.Random(seed)`` drives everything, and the xlsx's
document dates and zip timestamps are fixed.
"""

from __future__ import annotations

import csv
import io
import math
import random
import string
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter
from pydantic import BaseModel, ConfigDict

NATIONAL_NETWORKS = 1250
NATIONAL_PRACTICES = 6757
NATIONAL_CCGS = 191
NATIONAL_WITHOUT_LIST = 100
NATIONAL_NOT_IN_REGISTER = 63

# The fixed moment stamped on the workbook (document properties and zip entries) for reproducibility.
FIXED_TIME = datetime(2019, 12, 4, 15, 51)  # noqa: DTZ001 - xlsx document dates are naive UTC

NETWORK_HEADER = (
    "PCN Code",
    "PCN Name",
    "Current Clinical Commissioning Group Code",
    "Clinical Commissioning Group Name",
    "Open Date (YYYYMMDD)",
    "Close Date",
    "Address Line 1",
    "Address Line 2",
    "Address Line 3",
    "Address Line 4",
    "Address Line 5",
    "Postcode",
)
PARTNER_HEADER = (
    "Partner Organisation Code",
    "Partner Name",
    "Practice Parent CCG Code",
    "Practice Parent CCG Name",
    "PCN Code",
    "PCN Name",
    "PCN Parent CCG Code",
    "PCN Parent CCG Name",
    "Practice to PCN Relationship Start Date",
    "Practice to PCN Relationship End Date",
    "Practice CCG and PCN CCG match?",
)
QOF_HEADER = ("PRACTICE_CODE", "GROUP_CODE", "REGISTER", "PATIENT_LIST_TYPE", "PATIENT_LIST_SIZE")
GP_REG_HEADER = (
    "PUBLICATION",
    "EXTRACT_DATE",
    "TYPE",
    "CCG_CODE",
    "ONS_CCG_CODE",
    "CODE",
    "POSTCODE",
    "SEX",
    "AGE",
    "NUMBER_OF_PATIENTS",
)

# QOF 2019-20 registers: (group, list type, approximate national prevalence in %), as in the real file.
QOF_GROUPS = (
    ("AF", "TOTAL", 2.0),
    ("AST", "TOTAL", 6.4),
    ("CAN", "TOTAL", 3.2),
    ("CHD", "TOTAL", 3.1),
    ("CKD", "18OV", 4.0),
    ("COPD", "TOTAL", 1.9),
    ("CVDPP", "30_74", 0.9),
    ("DEM", "TOTAL", 0.8),
    ("DEP", "18OV", 11.6),
    ("DM", "17OV", 7.1),
    ("EP", "18OV", 0.8),
    ("HF", "TOTAL", 0.9),
    ("HYP", "TOTAL", 14.0),
    ("LD", "TOTAL", 0.5),
    ("MH", "TOTAL", 0.95),
    ("OB", "18OV", 10.5),
    ("OST", "50OV", 0.8),
    ("PAD", "TOTAL", 0.6),
    ("PC", "TOTAL", 0.4),
    ("RA", "16OV", 0.8),
    ("STIA", "TOTAL", 1.8),
)
# Each age-limited list as a share of the whole list.
LIST_TYPE_SHARE = {"TOTAL": 1.0, "16OV": 0.82, "17OV": 0.81, "18OV": 0.79, "30_74": 0.55, "50OV": 0.40}


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


TOWNS = _words(
    "ASHFORD BARNSLEY BEDFORD BOLTON BRADFORD BRIGHTON BRISTOL BURNLEY CAMBRIDGE CARLISLE CHESTER COVENTRY "
    "CREWE DARLINGTON DERBY DONCASTER DUDLEY DURHAM EXETER GLOUCESTER HALIFAX HARROGATE HULL IPSWICH KENDAL "
    "LANCASTER LEEDS LEICESTER LINCOLN LUTON MARGATE NORWICH OLDHAM OXFORD PLYMOUTH PRESTON READING SALFORD "
    "SHEFFIELD STOCKPORT SWINDON TAUNTON TRURO WIGAN WORCESTER YORK"
)
NAMES = _words(
    "ABBEY ALBION ASH BEECH BRIDGE CASTLE CEDAR CHURCH CLIFTON ELM FOREST GROVE HAWTHORN HIGHFIELD KINGS "
    "LAKESIDE MANOR MEADOW MILL OAK ORCHARD PARK PRIORY QUEENS RIVERSIDE STATION VALLEY VICTORIA WILLOW"
)
PRACTICE_KINDS = ("SURGERY", "MEDICAL PRACTICE", "MEDICAL CENTRE", "HEALTH CENTRE", "FAMILY PRACTICE")
STREETS = ("HIGH STREET", "CHURCH ROAD", "STATION ROAD", "MILL LANE", "PARK AVENUE", "LONDON ROAD")


class GeneratedFiles(BaseModel):
    """Where the files were written, and the numbers a test or demo can check them against."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    epcn: Path
    qof: Path
    gp_reg: Path
    practices: Path
    networks: Path
    staff: Path
    network_count: int
    practice_count: int
    practices_without_list: int
    """Register practices with no row in the QOF or gp-reg file."""
    list_practices_not_in_register: int
    """Practices in the QOF and gp-reg files that the register does not list."""
    seed: int
    scale: float


# --- the synthetic world ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Ccg:
    code: str
    name: str
    ons_code: str


@dataclass(slots=True)
class _Practice:
    code: str
    name: str
    ccg: _Ccg
    list_size: int
    postcode: str
    has_list: bool = True
    pcn_code: str | None = None
    start: int = 20191001


@dataclass(slots=True)
class _Network:
    code: str
    name: str
    ccg: _Ccg
    practices: list[_Practice] = field(default_factory=list)

    @property
    def list_size(self) -> int:
        return sum(p.list_size for p in self.practices)


@dataclass(slots=True)
class _World:
    ccgs: list[_Ccg]
    networks: list[_Network]
    outsiders: list[_Practice]
    """Practices in the national list files but not in the register."""

    def practices(self) -> Iterable[_Practice]:
        for network in self.networks:
            yield from network.practices


def _count(national: int, scale: float, minimum: int = 0) -> int:
    return max(minimum, round(national * scale))


def _ccg_code(i: int) -> str:
    return f"{i // 26:02d}{string.ascii_uppercase[i % 26]}"  # like 00L, 99A


def _practice_code(i: int) -> str:
    return f"{string.ascii_uppercase[i // 100_000]}{i % 100_000:05d}"  # like A84002, Y12345


def _postcode(rng: random.Random) -> str:
    letters = string.ascii_uppercase
    area = rng.choice(letters) + rng.choice(letters)
    return f"{area}{rng.randint(1, 29)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def _practice_name(rng: random.Random) -> str:
    return f"{rng.choice(NAMES)} {rng.choice(PRACTICE_KINDS)}"


def _shares(rng: random.Random, n: int, sigma: float) -> list[float]:
    weights = [rng.lognormvariate(0.0, sigma) for _ in range(n)]
    total = sum(weights)
    return [w / total for w in weights]


def _build_world(rng: random.Random, scale: float) -> _World:
    n_networks = _count(NATIONAL_NETWORKS, scale, 1)
    n_practices = max(n_networks, _count(NATIONAL_PRACTICES, scale))
    n_ccgs = min(_count(NATIONAL_CCGS, scale, 1), 2600, n_networks)
    n_outsiders = _count(NATIONAL_NOT_IN_REGISTER, scale)

    ccgs = [
        _Ccg(_ccg_code(i), f"NHS {rng.choice(TOWNS)} CCG", f"E38{k:06d}")
        for k, i in enumerate(sorted(rng.sample(range(2600), n_ccgs)), start=1)
    ]
    codes = [_practice_code(i) for i in rng.sample(range(26 * 100_000), n_practices + n_outsiders)]
    networks = [
        _Network(f"U{i:05d}", "", ccgs[k] if k < n_ccgs else rng.choice(ccgs))
        for k, i in enumerate(rng.sample(range(100_000), n_networks))
    ]
    for network in networks:
        network.name = f"{rng.choice(TOWNS)} {rng.choice(NAMES)} PCN"

    # Every network gets one practice, the rest go to networks of uneven appeal (lognormal weights):
    # about 5.4 practices per network nationally, from 1 to about 20.
    sizes = [1] * n_networks
    for k in rng.choices(range(n_networks), weights=_shares(rng, n_networks, 0.5), k=n_practices - n_networks):
        sizes[k] += 1
    next_code = iter(codes)
    for network, size in zip(networks, sizes, strict=True):
        _fill_network(rng, network, size, next_code, ccgs)

    outsiders = [
        _Practice(next(next_code), _practice_name(rng), rng.choice(ccgs), _list_size(rng), _postcode(rng))
        for _ in range(n_outsiders)
    ]
    practices = [p for n in networks for p in n.practices]
    for practice in rng.sample(practices, min(_count(NATIONAL_WITHOUT_LIST, scale), len(practices))):
        practice.has_list = False
    return _World(ccgs, networks, outsiders)


def _list_size(rng: random.Random) -> int:
    # lognormal with mean about 8,700 (median about 7,500), as English practices are
    return max(250, round(rng.lognormvariate(8.92, 0.55)))


def _fill_network(rng: random.Random, network: _Network, size: int, codes: Iterable[str], ccgs: Sequence[_Ccg]) -> None:
    """Give a network ``size`` practices whose lists add up to a target of about 47,000 patients
    (most networks 30,000–50,000, as the DES intends), split unevenly between them."""
    target = min(max(rng.gauss(47_000, 8_000), 8_000), 120_000)
    code_iter = iter(codes)
    for share in _shares(rng, size, 0.6):
        # a few practices sit in a neighbouring CCG, as in the real register
        ccg = network.ccg if rng.random() > 0.005 else rng.choice(ccgs)
        practice = _Practice(
            next(code_iter),
            _practice_name(rng),
            ccg,
            max(250, round(target * share)),
            _postcode(rng),
            pcn_code=network.code,
            start=20191001 if rng.random() > 0.001 else 20191201,
        )
        network.practices.append(practice)


# --- writers ---------------------------------------------------------------------------------------


def generate(out_dir: Path, scale: float = 1.0, seed: int = 2019) -> GeneratedFiles:
    """Write a synthetic population of ``scale`` × national size into ``out_dir``."""
    if not (0 < scale <= 80):
        raise ValueError(f"scale must be above 0 and at most 80 (network codes run out), not {scale}")
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    world = _build_world(rng, scale)
    # sort as NHS Digital does (by commissioner, then network/practice), for realistic-looking files
    world.networks.sort(key=lambda n: (n.ccg.code, n.code))
    files = GeneratedFiles(
        epcn=out_dir / "epcn.xlsx",
        qof=out_dir / "qof-prevalence.csv",
        gp_reg=out_dir / "gp-reg-pat-prac-all.csv",
        practices=out_dir / "practices.csv",
        networks=out_dir / "networks.csv",
        staff=out_dir / "staff.csv",
        network_count=len(world.networks),
        practice_count=sum(len(n.practices) for n in world.networks),
        practices_without_list=sum(1 for p in world.practices() if not p.has_list),
        list_practices_not_in_register=len(world.outsiders),
        seed=seed,
        scale=scale,
    )
    _write_register(files.epcn, world, rng)
    _write_qof(files.qof, world, rng)
    _write_gp_reg(files.gp_reg, world, rng)
    _write_practices(files.practices, world, rng)
    _write_networks(files.networks, world, rng)
    _write_staff(files.staff, world, rng)
    return files


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    # NHS Digital's CSVs end lines with CRLF, which is also the csv module's default
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _write_register(path: Path, world: _World, rng: random.Random) -> None:
    workbook = Workbook(write_only=True)
    details = workbook.create_sheet("PCN Details")
    details.append(NETWORK_HEADER)
    for n in world.networks:
        town = rng.choice(TOWNS)
        details.append(
            (
                n.code,
                n.name,
                n.ccg.code,
                n.ccg.name,
                20191001,
                None,
                f"THE {rng.choice(NAMES)} SURGERY",
                f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
                None,
                town,
                None,
                _postcode(rng),
            )
        )
    partners = workbook.create_sheet("PCN Core Partner Details")
    partners.append(PARTNER_HEADER)
    row = 1
    for n in world.networks:
        for p in sorted(n.practices, key=lambda p: p.code):
            row += 1
            partners.append(
                (
                    p.code,
                    p.name,
                    p.ccg.code,
                    p.ccg.name,
                    n.code,
                    f"=VLOOKUP(E{row},'PCN Details'!A:B,2,FALSE)",
                    n.ccg.code,
                    n.ccg.name,
                    p.start,
                    None,
                    f"=G{row}=C{row}",
                )
            )
    _save_reproducibly(workbook, path)


def _save_reproducibly(workbook: Workbook, path: Path) -> None:
    """Save an xlsx whose bytes depend only on its content.

    openpyxl stamps the document's modified date with the current time and the zip entries with
    file times; both are replaced by FIXED_TIME (ExcelWriter is used rather than save(), which
    would overwrite the modified date)."""
    props = workbook.properties
    props.creator = props.lastModifiedBy = "contract generate (synthetic data)"
    props.created = props.modified = FIXED_TIME
    buffer = io.BytesIO()
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(entry.filename))


def _write_qof(path: Path, world: _World, rng: random.Random) -> None:
    practices = sorted((p for p in [*world.practices(), *world.outsiders] if p.has_list), key=lambda p: p.code)

    def rows() -> Iterable[tuple[object, ...]]:
        for p in practices:
            for group, list_type, prevalence in QOF_GROUPS:
                base = p.list_size if list_type == "TOTAL" else round(p.list_size * LIST_TYPE_SHARE[list_type])
                register = max(0, round(base * prevalence / 100 * rng.gauss(1.0, 0.25)))
                yield p.code, group, register, list_type, base

    _write_csv(path, QOF_HEADER, rows())


def _write_gp_reg(path: Path, world: _World, rng: random.Random) -> None:
    # A year on from QOF's list date: lists have grown a little, by a different amount per practice.
    practices = sorted(
        (p for p in [*world.practices(), *world.outsiders] if p.has_list), key=lambda p: (p.ccg.code, p.code)
    )
    rows = (
        (
            "GP_PRAC_PAT_LIST",
            "01JAN2021",
            "GP",
            p.ccg.code,
            p.ccg.ons_code,
            p.code,
            p.postcode,
            "ALL",
            "ALL",
            max(0, round(p.list_size * rng.gauss(1.015, 0.03))),
        )
        for p in practices
    )
    _write_csv(path, GP_REG_HEADER, rows)


def _yes(rng: random.Random, probability: float) -> str:
    return "yes" if rng.random() < probability else "no"


def _write_practices(path: Path, world: _World, rng: random.Random) -> None:
    # Carr-Hill weighting moves a practice's list by roughly ±10%: the factor is lognormal around 1.
    def rows() -> Iterable[tuple[object, ...]]:
        for p in sorted(world.practices(), key=lambda p: p.code):
            factor = Decimal(f"{rng.lognormvariate(0.0, 0.08):.4f}")
            yield p.code, (p.list_size * factor).quantize(Decimal("0.01")), _yes(rng, 0.995)

    _write_csv(path, ("practice_code", "weighted_list", "signed_up"), rows())


NETWORK_COLUMNS = (
    "pcn_code",
    "registration_submitted_on",
    "registration_confirmed_on",
    "network_agreement_signed_on",
    "clinical_director_named",
    "nominated_payee_named",
    "contiguous_area",
    "size_exception_agreed",
    "extended_hours_minutes_per_week",
    "care_home_beds",
)


def _write_networks(path: Path, world: _World, rng: random.Random) -> None:
    """2019/20 registration: submitted by 15 May 2019, confirmed by 31 May, agreements signed by 30
    June. Most networks comply; a few per cent miss each requirement, so reports have something to show."""

    def rows() -> Iterable[tuple[object, ...]]:
        for n in sorted(world.networks, key=lambda n: n.code):
            submitted = date(2019, 5, 15) - timedelta(days=rng.randint(0, 20))
            if rng.random() < 0.02:
                submitted = date(2019, 5, 16) + timedelta(days=rng.randint(0, 30))
            confirmed = min(submitted + timedelta(days=rng.randint(1, 14)), date(2019, 5, 31))
            if rng.random() < 0.03 or submitted > date(2019, 5, 31):
                confirmed = max(submitted, date(2019, 6, 1)) + timedelta(days=rng.randint(0, 20))
            signed = date(2019, 6, 1) + timedelta(days=rng.randint(0, 29 if rng.random() > 0.02 else 45))
            patients = n.list_size
            outside_range = not 30_000 <= patients <= 50_000
            yield (
                n.code,
                submitted.isoformat(),
                confirmed.isoformat(),
                signed.isoformat(),
                _yes(rng, 0.99),
                _yes(rng, 0.995),
                _yes(rng, 0.98),
                _yes(rng, 0.9) if outside_range else "no",  # commissioners agreed most exceptions
                _extended_hours(rng, patients),
                round(rng.lognormvariate(5.5, 0.6)),
            )

    _write_csv(path, NETWORK_COLUMNS, rows())


def _extended_hours(rng: random.Random, patients: int) -> int:
    """Weekly extended-hours minutes: 30 per 1,000 patients, rounded up to a quarter hour so it is
    enough under any rounding; one network in twenty falls short by a fifth."""
    required = math.ceil(30 * patients / 1000 / 15) * 15
    return required if rng.random() > 0.05 else math.floor(required * 0.8)


STAFF_COLUMNS = ("pcn_code", "staff_id", "role", "wte", "annual_cost", "start_date", "end_date", "additional")
# 2019/20 additional roles: (role, chance a network employs one, annual cost per WTE in £)
STAFF_ROLES = (("clinical_pharmacist", 0.6, 55_670), ("social_prescribing_link_worker", 0.8, 35_000))


def _write_staff(path: Path, world: _World, rng: random.Random) -> None:
    def rows() -> Iterable[tuple[object, ...]]:
        for n in sorted(world.networks, key=lambda n: n.code):
            posts = 0
            for role, chance, cost in STAFF_ROLES:
                if rng.random() >= chance:
                    continue
                posts += 1
                wte = rng.choice((Decimal("1.0"), Decimal("1.0"), Decimal("0.8"), Decimal("0.5")))
                annual = (wte * Decimal(cost) * Decimal(f"{rng.uniform(0.95, 1.08):.3f}")).quantize(Decimal("0.01"))
                start = date(2019, 7, 1) + timedelta(days=rng.randint(0, 240))
                end = start + timedelta(days=rng.randint(60, 200)) if rng.random() < 0.05 else None
                yield (
                    n.code,
                    f"{n.code}-{posts:02d}",
                    role,
                    wte,
                    annual,
                    start.isoformat(),
                    end.isoformat() if end else "",
                    _yes(rng, 0.97),
                )

    _write_csv(path, STAFF_COLUMNS, rows())
