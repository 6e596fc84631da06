"""Shared fixtures. The real NHS Digital files are read from ../shared/data beside the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def real_data(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"real NHS Digital file {path} is absent (it lives in ../shared/data beside the checkout)")
    return path
