"""What a running server holds: the population (read once), the specs it answers from, the console's
scenarios (built once per base and proposal) and the one lock every computation takes (the engine of
record is not thread-safe, and a 2-core machine gains nothing from running two at once)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from contract.serve import requests
from contract.serve.population import Served
from contract.serve.scenario import Scenario
from contract.spec.loader import SPECS_ROOT
from contract.spec.schema import Version


@dataclass
class State:
    served: Served
    specs: Path = SPECS_ROOT
    lock: threading.Lock = field(default_factory=threading.Lock)
    scenarios: dict[tuple[str, str], Scenario] = field(default_factory=dict)

    def version(self, version_id: str, field_name: tuple[str | int, ...]) -> Version:
        return requests.version(version_id, field_name, self.specs)

    def scenario(self, base: Version, proposal: Version) -> Scenario:
        """The (base, proposal) scenario, built on first use; call with the lock held."""
        key = (base.id, proposal.id)
        if key not in self.scenarios:
            if len(self.scenarios) >= 4:  # a few pairs at once; the oldest goes
                self.scenarios.pop(next(iter(self.scenarios)))
            self.scenarios[key] = Scenario.build(base, proposal, self.served.population)
        return self.scenarios[key]
