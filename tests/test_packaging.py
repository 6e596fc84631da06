"""The package as a user gets it: a wheel that carries the specs, and a cheap `import contract`."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

import contract
from contract.spec import paths
from contract.spec.loader import SPECS_ROOT, version_ids

ROOT = Path(__file__).resolve().parents[1]


def _clean_env() -> dict[str, str]:
    """The environment without PYTHONPATH, so that a child Python sees only what is installed."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}


def test_a_checkout_reads_its_own_top_level_specs():
    assert paths.specs_root() == ROOT / "specs"
    assert SPECS_ROOT == ROOT / "specs"


def test_without_package_data_or_a_checkout_the_error_says_where_it_looked(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "CHECKOUT_SPECS", tmp_path / "absent")
    with pytest.raises(paths.SpecsNotFound, match="contract/_specs/"):
        paths.specs_root.__wrapped__()


def test_import_contract_loads_no_layer():
    # A fresh interpreter: this test process has already imported every layer.
    code = "import contract, sys; print(sorted(m for m in sys.modules if m.startswith('contract')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "['contract']"


def test_the_public_names_are_the_layers_own_functions():
    from contract.analysis.diff import diff_many
    from contract.evaluation.evaluate import evaluate
    from contract.spec.loader import load_version

    assert contract.load_version is load_version
    assert contract.evaluate is evaluate
    assert contract.diff_many is diff_many
    for name in contract.PUBLIC_API:
        assert callable(getattr(contract, name)), name
        assert name in dir(contract)
    assert set(contract.__all__) == {"__version__", *contract.PUBLIC_API}
    unknown = "nonsense"
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        getattr(contract, unknown)


def test_the_version_is_the_projects():
    # The installed distribution's version, which pyproject.toml sets (a checkout never installed
    # reports 0+unknown instead).
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert contract.__version__ in (declared, "0+unknown")


@pytest.mark.slow
def test_the_wheel_carries_the_specs_and_runs_outside_the_checkout(tmp_path):
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    # The test extra installs hatchling, so the build needs no network; without it pip fetches it.
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    subprocess.run([*pip, "wheel", str(ROOT), "--no-deps", *isolation, "-w", str(tmp_path / "dist")],
                   check=True, env=_clean_env(), cwd=tmp_path, timeout=240)
    (wheel,) = (tmp_path / "dist").glob("contract_rules-*.whl")

    names = set(zipfile.ZipFile(wheel).namelist())
    for spec in sorted(ROOT.joinpath("specs").rglob("*.yaml")):
        assert f"contract/_specs/{spec.relative_to(ROOT / 'specs').as_posix()}" in names, spec
    for package_data in ("contract/templates", "contract/published"):
        expected = sorted(p for p in (ROOT / package_data).rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        assert expected, package_data
        for path in expected:
            assert path.relative_to(ROOT).as_posix() in names, path

    # A fresh environment holding only the wheel; its dependencies come from this interpreter's
    # site-packages, listed in a .pth file (the shared venv in development, .venv in CI).
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    purelib = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (purelib / "dependencies.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    subprocess.run([*pip, "--python", str(python), "install", "--no-deps", str(wheel)],
                   check=True, env=_clean_env(), cwd=tmp_path, timeout=120)

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    where = subprocess.run([python, "-c", "import contract.spec.paths as p; print(p.specs_root())"],
                           capture_output=True, text=True, check=True, env=_clean_env(), cwd=outside)
    assert Path(where.stdout.strip()) == purelib / "contract" / "_specs"

    listed = subprocess.run([python, "-m", "contract", "versions"],
                            capture_output=True, text=True, check=True, env=_clean_env(), cwd=outside)
    folders = sorted(p.parent.name for p in (ROOT / "specs").glob("*/version.yaml"))
    assert folders == version_ids(ROOT / "specs")
    assert len(folders) >= 6
    for folder in folders:
        assert folder in listed.stdout, (folder, listed.stdout)
