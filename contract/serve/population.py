"""The population a server answers over: read once from input files, or a seeded synthetic one."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from contract.io.generate import generate
from contract.io.readers import InputFiles, read_files
from contract.spec.facts import Population

SYNTHETIC_NOTE = ("SYNTHETIC population (contract.io.generate, seed {seed}, {scale} × England's size): invented "
                  "practices and networks, not real NHS data. Start the server with --register and --lists to "
                  "answer over real files.")


class PopulationInfo(BaseModel):
    """What the answers are computed over: said on every page and in every API response."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: Literal["synthetic", "files"]
    files: list[str]
    """The input files read (for a synthetic population, the generated files)."""
    practices: int
    networks: int
    input_issues: int
    seed: int | None = None
    scale: float | None = None
    note: str


@dataclass(frozen=True)
class Served:
    """The population and its description."""

    population: Population
    info: PopulationInfo


def from_files(*, register: Path | None = None, lists: Sequence[Path] = (), practices: Path | None = None,
               networks: Path | None = None, staff: Path | None = None) -> Served:
    """The population in the given input files (read as `contract evaluate` reads them)."""
    given = InputFiles.of(register=register, lists=lists, practices=practices, networks=networks, staff=staff)
    population = read_files(given).population
    files = [str(p) for p in given.given()]
    issues = len(population.issues)
    note = f"Input files: {', '.join(files)}" + (f" ({issues:,} bad rows left out)" if issues else "")
    return Served(population, PopulationInfo(source="files", files=files, practices=len(population.practices),
                                             networks=len(population.networks), input_issues=issues, note=note))


def synthetic(scale: float = 1.0, seed: int = 2019, folder: Path | None = None) -> Served:
    """A seeded synthetic population (`contract generate`), written to `folder` (a new temporary
    folder when None) and read back like real files."""
    out = folder or Path(tempfile.mkdtemp(prefix="contract-serve-"))
    made = generate(out, scale=scale, seed=seed)
    read = from_files(register=made.epcn, lists=[made.qof], practices=made.practices, networks=made.networks,
                      staff=made.staff)
    info = read.info.model_copy(update={"source": "synthetic", "seed": seed, "scale": scale,
                                        "note": SYNTHETIC_NOTE.format(seed=seed, scale=scale)})
    return Served(read.population, info)
