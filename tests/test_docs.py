"""The docs site: generated pages match the specs byte for byte, every version, term and diff has
a page, `mkdocs build --strict` passes without a warning, nothing points off the machine, and the
commands of the how-to pages run as written."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from contract.site import docs_gen
from contract.spec.loader import load_version, version_ids

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CONFIG = ROOT / "mkdocs.yml"
BIN = Path(sys.executable).parent

NAMED_VERSIONS = ["2019-20", "2020-21-draft", "2020-21", "2023-24", "2024-25-proposals", "2024-25"]
"""The versions the docs issue names; each must have its pages."""
NAMED_DIFFS = [
    ("2019-20", "2020-21"),
    ("2020-21-draft", "2020-21"),
    ("2019-20", "2020-21-draft"),
    ("2023-24", "2024-25-proposals"),
    ("2024-25-proposals", "2024-25"),
    ("2023-24", "2024-25"),
    ("2023-24", "2024-25-proposals", "2024-25"),
]
"""The comparisons the docs issue names; each must have a page."""

BUILD_BUDGET_SECONDS = 60


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    """A copy of docs/ and mkdocs.yml, regenerated from the specs."""
    where = tmp_path_factory.mktemp("regenerated")
    shutil.copytree(DOCS, where / "docs")
    shutil.copy(CONFIG, where / "mkdocs.yml")
    docs_gen.generate(where / "docs", where / "mkdocs.yml")
    return where


def test_the_checked_in_pages_are_what_the_specs_generate(regenerated):
    before, after = _files(DOCS), _files(regenerated / "docs")
    stale = sorted(set(before) - set(after))
    missing = sorted(set(after) - set(before))
    differ = sorted(p for p in set(before) & set(after) if before[p] != after[p])
    hint = "run `contract docs generate` and commit the result"
    assert not missing, f"pages the specs generate but docs/ lacks ({hint}): {missing[:10]}"
    assert not stale, f"generated pages no spec produces any more ({hint}): {stale[:10]}"
    assert not differ, f"pages that differ from what the specs generate ({hint}): {differ[:10]}"
    assert (regenerated / "mkdocs.yml").read_bytes() == CONFIG.read_bytes(), f"the nav in mkdocs.yml is stale ({hint})"


def test_generation_is_reproducible():
    first = docs_gen.render_pages()
    second = docs_gen.render_pages()
    assert first == second


def test_generation_does_not_depend_on_the_process(tmp_path):
    """Another process, with another hash seed (set and dict order of strings), writes the same bytes."""
    script = ("import sys; from pathlib import Path; from contract.site.docs_gen import generate; "
              "generate(Path(sys.argv[1]) / 'docs', Path(sys.argv[1]) / 'mkdocs.yml')")
    shutil.copytree(DOCS, tmp_path / "docs")
    shutil.copy(CONFIG, tmp_path / "mkdocs.yml")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], env=env, check=True, cwd=tmp_path)
    assert _files(tmp_path / "docs") == _files(DOCS)
    assert (tmp_path / "mkdocs.yml").read_bytes() == CONFIG.read_bytes()


def test_generated_pages_hold_no_absolute_path_and_no_timestamp():
    pages, nav = docs_gen.render_pages()
    checkout = str(ROOT)
    for path, text in [*pages.items(), ("mkdocs.yml nav", nav)]:
        assert checkout not in text, f"{path} names the checkout's absolute path"
        assert "/tmp/" not in text, f"{path} names a temporary folder"
        assert not re.search(r"\b20\d\d-\d\d-\d\d[T ]\d\d:\d\d", text), f"{path} holds a timestamp"


def test_every_version_has_its_pages():
    missing_versions = sorted(set(NAMED_VERSIONS) - set(version_ids()))
    assert not missing_versions, f"versions named by the docs issue are not in specs/: {missing_versions}"
    for vid in version_ids():
        for part, _title in docs_gen.VERSION_PARTS:
            assert (DOCS / docs_gen.version_page(vid, part)).is_file(), f"{vid} has no {part} page"


def test_every_term_has_a_page():
    term_ids = {tid for vid in version_ids() for tid in load_version(vid).terms}
    assert term_ids
    missing = sorted(t for t in term_ids if not (DOCS / docs_gen.term_page(t)).is_file())
    assert not missing, f"terms without a page: {missing[:10]}"
    index = (DOCS / "terms" / "index.md").read_text(encoding="utf-8")
    unlisted = sorted(t for t in term_ids if f"]({t}.md)" not in index)
    assert not unlisted, f"the terms index does not link {unlisted[:10]}"


@pytest.mark.parametrize("ids", NAMED_DIFFS, ids=lambda ids: "→".join(ids))
def test_every_named_diff_has_a_page(ids):
    page = DOCS / docs_gen.diff_page(ids)
    assert page.is_file(), f"no diff page {page.relative_to(ROOT)}"
    text = page.read_text(encoding="utf-8")
    assert "## Summary" in text
    assert "## Term by term" in text
    if len(ids) == 2:
        assert "## Redlines" in text
        assert re.search(r"\{--.+?--\}|\{\+\+.+?\+\+\}", text), "a diff page without a redline"


def test_term_pages_are_literate():
    """A term page shows the summary, the rule in words, the sources, the spec's YAML, the test
    cases that exercise it and where it changed, one tab per version that has it."""
    text = (DOCS / "terms" / "payment.core_pcn_funding.md").read_text(encoding="utf-8")
    for vid in version_ids():
        if "payment.core_pcn_funding" in load_version(vid).terms:
            assert f'"{vid}"' in text, f"no tab for {vid}"
    for part in ("**Sources**", "**Test cases**", "As written in", "```yaml", "## Where it changed",
                 "**Who pays whom**"):
        assert part in text


def test_caveats_are_admonitions():
    text = (DOCS / "terms" / "payment.network_participation.md").read_text(encoding="utf-8")
    assert '!!! warning "⚠ ' in text


def test_the_care_home_premium_has_a_page():
    assert (DOCS / "terms" / "payment.care_home_premium.md").is_file()


def test_sanction_pages_draw_the_ladder_as_a_state_diagram():
    text = (DOCS / "versions" / "2019-20" / "sanctions.md").read_text(encoding="utf-8")
    assert "```mermaid\nstateDiagram-v2" in text


def test_the_abbreviations_cover_the_glossary():
    glossary = docs_gen.load_glossary()
    text = (DOCS / "includes" / "abbreviations.md").read_text(encoding="utf-8")
    for entry in glossary.entries:
        if entry.abbr:
            assert f"*[{entry.abbr}]: {entry.term}" in text
    for abbr in ("DES", "PCN", "ARRS", "IIF", "QOF", "CRP", "CCG", "ICB", "SFE", "GMS", "LMC", "GPC"):
        assert f"*[{abbr}]:" in text, f"{abbr} is not in the glossary"


def test_the_timeline_and_the_glossary_name_only_what_exists():
    terms = {tid for vid in version_ids() for tid in load_version(vid).terms}
    timeline = docs_gen.load_timeline()
    assert timeline.events[0].date.isoformat() <= "2019-01-31"
    assert timeline.events[-1].date.isoformat() >= "2024-04-01"
    for event in timeline.events:
        for vid in event.versions:
            assert vid in version_ids(), f"timeline event {event.title!r} names no version {vid}"
    for entry in docs_gen.load_glossary().entries:
        for tid in entry.terms:
            assert tid in terms, f"glossary entry {entry.term!r} names no term {tid}"


def test_the_vendored_mermaid_is_the_pinned_one():
    path = DOCS / docs_gen.MERMAID_JS
    assert hashlib.sha256(path.read_bytes()).hexdigest() == docs_gen.MERMAID_SHA256
    assert (path.parent / "mermaid.LICENSE.txt").read_text(encoding="utf-8").startswith("The MIT License")


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> tuple[Path, float]:
    site = tmp_path_factory.mktemp("site")
    started = time.perf_counter()
    docs_gen.build(site, regenerate=False)
    return site, time.perf_counter() - started


def test_mkdocs_build_strict_passes_without_warnings(built_site):
    site, seconds = built_site
    assert (site / "index.html").is_file()
    assert (site / "search" / "search_index.json").is_file()
    assert seconds < BUILD_BUDGET_SECONDS, f"the docs build took {seconds:.0f}s"


def test_the_site_asks_nothing_of_another_host(built_site):
    """No web fonts, no CDN scripts or styles, no analytics: every asset is the site's own."""
    site, _ = built_site
    remote = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=["'](?:https?:)?//""", re.IGNORECASE)
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert not remote.search(text), f"{page.relative_to(site)} loads a remote asset"
        assert "fonts.googleapis" not in text
        assert "fonts.gstatic" not in text
        assert "googletagmanager" not in text


def test_diff_pages_render_redlines(built_site):
    site, _ = built_site
    html = (site / "diffs" / "2019-20_to_2020-21" / "index.html").read_text(encoding="utf-8")
    assert '<ins class="critic">' in html
    assert '<del class="critic">' in html


def test_abbreviations_become_tooltips(built_site):
    site, _ = built_site
    html = (site / "index.html").read_text(encoding="utf-8")
    assert '<abbr title="Directed Enhanced Service">DES</abbr>' in html


# ---------------------------------------------------------------------------------------------
# The how-to pages: their ```{.bash .runnable} blocks run, in order, as written

RUNNABLE_BLOCK = re.compile(r"^```\{\.bash \." + docs_gen.RUNNABLE + r"\}\n(.*?)^```", re.MULTILINE | re.DOTALL)
HOW_TOS = sorted(p.name for p in (DOCS / "how-to").glob("*.md"))


def test_the_how_tos_have_runnable_commands():
    assert HOW_TOS
    for name in HOW_TOS:
        assert RUNNABLE_BLOCK.findall((DOCS / "how-to" / name).read_text(encoding="utf-8")), name


@pytest.mark.parametrize("name", HOW_TOS)
def test_how_to_commands_run_as_written(name, tmp_path):
    blocks = RUNNABLE_BLOCK.findall((DOCS / "how-to" / name).read_text(encoding="utf-8"))
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("COLUMNS", None)
    for i, block in enumerate(blocks, 1):
        done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", block], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, (f"{name}, block {i} exited {done.returncode}:\n{block}\n"
                                      f"--- stdout\n{done.stdout[-2000:]}\n--- stderr\n{done.stderr[-3000:]}")
