"""The populations the bench runs on: the real NHS Digital files, or a generated register."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from contract.io.generate import GeneratedFiles
from contract.io.readers import read_population
from contract.spec.facts import Population

REGISTER = "epcn-2019-12.xlsx"
LISTS = "qof-prevalence-2019-20.csv"
GENERATED = {"register": "epcn.xlsx", "lists": "qof-prevalence.csv", "practices": "practices.csv",
             "networks": "networks.csv", "staff": "staff.csv"}
"""The files `contract generate` writes (contract.io.generate.generate) that the bench reads."""


@dataclass(frozen=True)
class Inputs:
    """One population's files, as read_population and the CLI's input options take them."""

    label: str
    key: str
    """A short name for the saved figures: `real` or `generated`."""
    register: Path
    lists: Path
    practices: Path | None = None
    networks: Path | None = None
    staff: Path | None = None

    def read(self) -> Population:
        return read_population(register=self.register, lists=[self.lists], practices=self.practices,
                               networks=self.networks, staff=self.staff)

    def cli(self) -> list[str]:
        """The same files as `contract` command options."""
        args = ["--register", str(self.register), "--lists", str(self.lists)]
        for option, path in (("--practices", self.practices), ("--networks", self.networks), ("--staff", self.staff)):
            if path is not None:
                args += [option, str(path)]
        return args


def real(data: Path) -> Inputs | None:
    """The December 2019 register and 2019-20 QOF lists in `data`, or None when either is absent."""
    register, lists = data / REGISTER, data / LISTS
    if not (register.exists() and lists.exists()):
        return None
    return Inputs("Real NHS Digital files (December 2019 register, 2019-20 QOF lists)", "real", register, lists)


def generated(files: GeneratedFiles | Path, label: str) -> Inputs:
    """A generated population: the files `generate` returned, or a folder `contract generate` wrote."""
    if isinstance(files, Path):
        missing = [name for name in GENERATED.values() if not (files / name).exists()]
        if missing:
            raise FileNotFoundError(f"{files} lacks {', '.join(missing)} (write it with `contract generate`)")
        paths = {key: files / name for key, name in GENERATED.items()}
        return Inputs(label, "generated", **paths)
    return Inputs(label, "generated", files.epcn, files.qof, files.practices, files.networks, files.staff)
