"""The synthetic generator: reproducible, realistic in shape, and readable with zero issues."""

from __future__ import annotations

import re
import statistics
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract.io.generate import FIXED_TIME, GeneratedFiles, generate
from contract.io.readers import InputFiles, ReadSummary, read_files
from contract.spec.facts import Population

FILES = ("epcn", "qof", "gp_reg", "practices", "networks", "staff")


def read_all(files: GeneratedFiles, lists: str = "qof") -> tuple[Population, ReadSummary]:
    read = read_files(InputFiles.of(register=files.epcn, lists=getattr(files, lists), practices=files.practices,
                                    networks=files.networks, staff=files.staff))
    return read.population, read.summary


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> GeneratedFiles:
    return generate(tmp_path_factory.mktemp("national"), scale=1.0)


@pytest.fixture(scope="module")
def national_read(national: GeneratedFiles) -> tuple[Population, ReadSummary]:
    return read_all(national)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", scale=0.05, seed=11)
    again = generate(tmp_path / "b", scale=0.05, seed=11)
    other = generate(tmp_path / "c", scale=0.05, seed=12)
    for name in FILES:
        assert getattr(first, name).read_bytes() == getattr(again, name).read_bytes(), name
        assert getattr(first, name).read_bytes() != getattr(other, name).read_bytes(), name


def test_workbook_dates_are_fixed(tmp_path: Path) -> None:
    files = generate(tmp_path, scale=0.01)
    with zipfile.ZipFile(files.epcn) as archive:
        assert {info.date_time for info in archive.infolist()} == {FIXED_TIME.timetuple()[:6]}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2019-12-04T15:51:00Z") == 2  # created and modified


def test_national_scale_reads_back_with_zero_issues(
    national: GeneratedFiles, national_read: tuple[Population, ReadSummary]
) -> None:
    population, summary = national_read
    assert population.issues == []
    assert len(population.networks) == national.network_count == 1250
    assert len(population.practices) == national.practice_count == 6757
    assert all(file.balanced for file in summary.files)
    qof = summary.files[4]
    assert qof.file == "qof-prevalence.csv"
    assert qof.counts["register practices without a row"] == national.practices_without_list == 100
    assert qof.counts["practices not in register"] == national.list_practices_not_in_register == 63
    assert len(population.staff) > 1000


def test_gp_reg_file_reads_back_with_zero_issues(national: GeneratedFiles) -> None:
    population, summary = read_all(national, lists="gp_reg")
    assert population.issues == []
    gp = summary.files[4]
    assert gp.counts["practices matched"] == 6757 - 100
    assert all(p.commissioner_code for p in population.practices.values())


def test_list_sizes_look_national(national_read: tuple[Population, ReadSummary]) -> None:
    population, _ = national_read
    lists = [p.values["registered_list"] for p in population.practices.values() if "registered_list" in p.values]
    assert 8_000 < statistics.mean(lists) < 9_500
    assert statistics.median(lists) < statistics.mean(lists)  # right-skewed, as real lists are
    sizes = [
        sum(population.practices[code].values.get("registered_list", 0) for code in n.member_codes)
        for n in population.networks.values()
    ]
    assert sum(30_000 <= s <= 50_000 for s in sizes) / len(sizes) > 0.55
    assert all(isinstance(p.values["weighted_list"], Decimal) for p in population.practices.values())


def test_workbook_looks_like_the_ods_export(national: GeneratedFiles) -> None:
    workbook = openpyxl.load_workbook(national.epcn, read_only=True)
    try:
        assert workbook.sheetnames == ["PCN Details", "PCN Core Partner Details"]
        rows = workbook["PCN Core Partner Details"].iter_rows(min_row=1, max_row=2, values_only=True)
        header, first = list(rows)
        assert header[5] == "PCN Name"
        assert first[5] == "=VLOOKUP(E2,'PCN Details'!A:B,2,FALSE)"
        assert isinstance(first[8], int)
        assert str(first[8]).startswith("2019")
    finally:
        workbook.close()


def test_codes_look_like_ods_codes(national_read: tuple[Population, ReadSummary]) -> None:
    population, _ = national_read
    assert all(re.fullmatch(r"[A-Z]\d{5}", code) for code in population.practices)
    assert all(re.fullmatch(r"U\d{5}", code) for code in population.networks)
    assert all(re.fullmatch(r"\d{2}[A-Z]", n.commissioner_code or "") for n in population.networks.values())


def test_small_scale_is_a_dozen_networks(tmp_path: Path) -> None:
    files = generate(tmp_path, scale=0.01)
    assert files.network_count == 12
    assert 50 < files.practice_count < 90


def test_scale_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale"):
        generate(tmp_path, scale=0)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32), scale=st.sampled_from([0.001, 0.01, 0.03]))
def test_any_seed_reads_back_cleanly(seed: int, scale: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = generate(Path(folder), scale=scale, seed=seed)
        population, summary = read_all(files)
    assert population.issues == []
    assert all(file.balanced for file in summary.files)
    assert len(population.networks) == files.network_count
    assert sum(len(n.member_codes) for n in population.networks.values()) == files.practice_count


def test_the_generate_command_writes_files_the_readers_accept(tmp_path):
    from contract.cli.app import main
    from contract.io.readers import read_population

    assert main(["generate", str(tmp_path), "--scale", "0.01", "--seed", "7"]) == 0
    population = read_population(register=tmp_path / "epcn.xlsx", lists=[tmp_path / "qof-prevalence.csv"])
    assert population.networks
    assert population.issues == []
