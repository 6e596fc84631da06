"""The money effect of moving from one version to another (see :mod:`contract.analysis.impact.compare`).

- :mod:`~contract.analysis.impact.models`: the report's models (the published JSON schema);
- :mod:`~contract.analysis.impact.lines`: what impact keeps of each evaluation's findings as they stream past;
- :mod:`~contract.analysis.impact.compare`: :func:`impact`, the comparison itself;
- :mod:`~contract.analysis.impact.neutrality`: which entities a money-moving proposal is compared over,
  and the cost-neutral figures over them;
- :mod:`~contract.analysis.impact.summary`: the report's paragraph.
"""

from contract.analysis.impact.compare import allocate, default_as_of, impact
from contract.analysis.impact.models import (
    ATTRIBUTION_NOTE,
    NETWORK_BANDS,
    PRACTICE_BANDS,
    TOP_N,
    UNKNOWN_BAND,
    Compared,
    EntityImpact,
    Impact,
    LineDelta,
    UnknownReason,
)
from contract.analysis.impact.summary import summarise

__all__ = ["ATTRIBUTION_NOTE", "NETWORK_BANDS", "PRACTICE_BANDS", "TOP_N", "UNKNOWN_BAND", "Compared", "EntityImpact",
           "Impact", "LineDelta", "UnknownReason", "allocate", "default_as_of", "impact", "summarise"]
