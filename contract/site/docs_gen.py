"""The docs site, generated from the specs (the names the CLI and older callers import).

The work is split by job: contract.site.paths (page names, links), .datafiles (timeline, glossary),
.model (the Site: versions, term histories, cases, diffs), .words (values in words), .markdown
(cells, blocks, redlines), .mermaid (sanction diagrams), .tables (term tables, rule rows),
.reference (the API and schema reference), .render (jinja, every page, the nav) and .build
(generate, build).
"""

from __future__ import annotations

import sys

from contract.site.build import BuildError, Generated, build, generate, main
from contract.site.render import render_pages

__all__ = ["BuildError", "Generated", "build", "generate", "main", "render_pages"]

if __name__ == "__main__":
    sys.exit(main())
