"""Where each page of the docs site lives (relative to ``docs/``), and links between pages."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable

VERSION_PARTS = [
    ("index", "Overview"),
    ("obligations", "Obligations"),
    ("payments", "Payments"),
    ("parameters", "Parameters"),
    ("roles", "Additional roles"),
    ("sanctions", "Sanctions"),
]
"""The pages of one version: (part, title), in the order the navigation lists them."""

API_PAGE = "reference/api.md"
CLI_PAGE = "reference/cli.md"
"""The command line reference: written by hand (rendered by mkdocs-click from the CLI), never generated."""


def term_page(term_id: str) -> str:
    return f"terms/{term_id}.md"


def version_page(version_id: str, part: str = "index") -> str:
    return f"versions/{version_id}/{part}.md"


def diff_page(ids: Iterable[str]) -> str:
    return "diffs/" + "_to_".join(ids) + ".md"


MONEY_PAGE = "versions/money-by-year.md"
"""The average network's money in every version."""
MONEY_CHART = "versions/money-by-year.svg"


def chart_file(page: str) -> str:
    """The SVG chart that sits beside a page: `terms/x.md` -> `terms/charts/x.svg`."""
    folder, _, name = page.rpartition("/")
    return f"{folder}/charts/{name.removesuffix('.md')}.svg"


def relative(from_page: str, to_page: str) -> str:
    """A link from one docs page to another, relative to the first (mkdocs checks them in strict mode)."""
    anchor = ""
    if "#" in to_page:
        to_page, anchor = to_page.split("#", 1)
        anchor = "#" + anchor
    if not to_page:
        return anchor
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".") + anchor


def slug(text: str) -> str:
    """An anchor made of the text: lower case, runs of anything else as one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


GENERATED_DIRS = ("versions", "terms", "diffs", "how-to")
"""Folders of ``docs/`` the generator owns outright: it deletes files there that it did not write."""
GENERATED_FILES = ("index.md", "timeline.md", "glossary.md", "includes/abbreviations.md", API_PAGE)
"""Single generated files; the rest of ``docs/`` (``reference/cli.md`` among them) is hand-written."""

HAND_WRITTEN = {
    "inputs.md": "Input files",
    "diff.md": "Reading a diff",
    "sanctions.md": "Sanctions",
}
"""Hand-written top-level pages the nav names (when they exist); other top-level pages are titled
from their first heading."""
