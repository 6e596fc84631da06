"""The docs site: generated pages match the specs byte for byte, every version, term and diff has
a page, `mkdocs build --strict` passes without a warning, nothing points off the machine, and the
commands of the how-to pages run as written."""

from __future__ import annotations

import ast
import hashlib
import importlib
import itertools
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from contract.analysis.diff import ChangeClass, diff
from contract.render.vocab import CHANGE_CLASS_WORDS
from contract.site import build, paths
from contract.site.datafiles import load_glossary, load_timeline
from contract.site.reference import API_SECTIONS
from contract.site.render import RUNNABLE, render_pages
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
    build.generate(where / "docs", where / "mkdocs.yml")
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
    first = render_pages()
    second = render_pages()
    assert first == second


def test_generation_does_not_depend_on_the_process(tmp_path):
    """Another process, with another hash seed (set and dict order of strings), writes the same bytes."""
    script = ("import sys; from pathlib import Path; from contract.site.build import generate; "
              "generate(Path(sys.argv[1]) / 'docs', Path(sys.argv[1]) / 'mkdocs.yml')")
    shutil.copytree(DOCS, tmp_path / "docs")
    shutil.copy(CONFIG, tmp_path / "mkdocs.yml")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], env=env, check=True, cwd=tmp_path)
    assert _files(tmp_path / "docs") == _files(DOCS)
    assert (tmp_path / "mkdocs.yml").read_bytes() == CONFIG.read_bytes()


def test_generated_pages_hold_no_absolute_path_and_no_timestamp():
    pages, nav = render_pages()
    checkout = str(ROOT)
    for path, text in [*pages.items(), ("mkdocs.yml nav", nav)]:
        assert checkout not in text, f"{path} names the checkout's absolute path"
        assert "/tmp/" not in text, f"{path} names a temporary folder"
        assert not re.search(r"\b20\d\d-\d\d-\d\d[T ]\d\d:\d\d", text), f"{path} holds a timestamp"


def test_every_version_has_its_pages():
    missing_versions = sorted(set(NAMED_VERSIONS) - set(version_ids()))
    assert not missing_versions, f"versions named by the docs issue are not in specs/: {missing_versions}"
    for vid in version_ids():
        for part, _title in paths.VERSION_PARTS:
            assert (DOCS / paths.version_page(vid, part)).is_file(), f"{vid} has no {part} page"


def test_every_term_has_a_page():
    term_ids = {tid for vid in version_ids() for tid in load_version(vid).terms}
    assert term_ids
    missing = sorted(t for t in term_ids if not (DOCS / paths.term_page(t)).is_file())
    assert not missing, f"terms without a page: {missing[:10]}"
    index = (DOCS / "terms" / "index.md").read_text(encoding="utf-8")
    unlisted = sorted(t for t in term_ids if f"]({t}.md)" not in index)
    assert not unlisted, f"the terms index does not link {unlisted[:10]}"


@pytest.mark.parametrize("ids", NAMED_DIFFS, ids=lambda ids: "→".join(ids))
def test_every_named_diff_has_a_page(ids):
    page = DOCS / paths.diff_page(ids)
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
    glossary = load_glossary()
    text = (DOCS / "includes" / "abbreviations.md").read_text(encoding="utf-8")
    for entry in glossary.entries:
        if entry.abbr:
            assert f"*[{entry.abbr}]: {entry.term}" in text
    for abbr in ("DES", "PCN", "ARRS", "IIF", "QOF", "CRP", "CCG", "ICB", "SFE", "GMS", "LMC", "GPC"):
        assert f"*[{abbr}]:" in text, f"{abbr} is not in the glossary"


def test_the_timeline_and_the_glossary_name_only_what_exists():
    terms = {tid for vid in version_ids() for tid in load_version(vid).terms}
    timeline = load_timeline()
    assert timeline.events[0].date.isoformat() <= "2019-01-31"
    assert timeline.events[-1].date.isoformat() >= "2024-04-01"
    for event in timeline.events:
        for vid in event.versions:
            assert vid in version_ids(), f"timeline event {event.title!r} names no version {vid}"
    for entry in load_glossary().entries:
        for tid in entry.terms:
            assert tid in terms, f"glossary entry {entry.term!r} names no term {tid}"


def test_the_vendored_mermaid_is_the_pinned_one():
    path = DOCS / build.MERMAID_JS
    assert hashlib.sha256(path.read_bytes()).hexdigest() == build.MERMAID_SHA256
    assert (path.parent / "mermaid.LICENSE.txt").read_text(encoding="utf-8").startswith("The MIT License")


# ---------------------------------------------------------------------------------------------
# Diff pages show the counts the diff library made, not counts of their own

PAIR_PAGES = sorted(p.name for p in (DOCS / "diffs").glob("*_to_*.md") if p.stem.count("_to_") == 1)
BY_CLASS = re.compile(r"By class \(a term can carry more than one\): (.+?)\.(?: |$)")
STATES = re.compile(r": (\d+) terms? changed, (\d+) added and (\d+) removed\.")
CLASS_ROW = re.compile(r'^\| <span class="change change--(\w+)">([^<]+)</span> \| (\d+)', re.MULTILINE)
STATE_ROW = re.compile(r"^\| (added|removed|changed) \| (\d+) \|$", re.MULTILINE)


def _singular(words: str) -> str:
    return " ".join(w.removesuffix("s") for w in words.split())


def _summary_counts(summary: str) -> dict[str, int]:
    """The counts a diff's own summary paragraph states, by state and by class."""
    states = STATES.search(summary)
    assert states, f"the summary states no term counts: {summary[:200]}"
    found = dict(zip(("changed", "added", "removed"), map(int, states.groups()), strict=True))
    by_class = BY_CLASS.search(summary)
    items = re.split(r"(?:, | and )(?=\d)", by_class.group(1)) if by_class else []
    for item in items:
        n, words = item.split(" ", 1)
        named = [c for c in ChangeClass if _singular(words).startswith(_singular(CHANGE_CLASS_WORDS[c]))]
        assert len(named) == 1, f"{item!r} names {named} in the summary"
        found[named[0].value] = int(n)
    return found


@pytest.mark.parametrize("name", PAIR_PAGES)
def test_diff_pages_show_the_counts_of_the_diff(name):
    """Each number on a diff page is the library's count (contract.analysis.diff.diff(a, b).counts),
    and is the count the page's own summary paragraph states; every class is shown, in its words."""
    a, b = name.removesuffix(".md").split("_to_")
    counts = diff(load_version(a), load_version(b)).counts
    text = (DOCS / "diffs" / name).read_text(encoding="utf-8")
    summary = text.split("## Summary\n\n", 1)[1].split("\n\n", 1)[0]
    stated = _summary_counts(summary)
    shown_states = {state: int(n) for state, n in STATE_ROW.findall(text)}
    assert shown_states == {s: counts[s] for s in ("added", "removed", "changed")}
    assert shown_states == {s: stated[s] for s in ("added", "removed", "changed")}
    shown = {value: (words, int(n)) for value, words, n in CLASS_ROW.findall(text)}
    assert set(shown) == {c.value for c in ChangeClass}, "a class is missing from the page's table"
    for cls in ChangeClass:
        words, n = shown[cls.value]
        assert words == CHANGE_CLASS_WORDS[cls]
        assert n == counts[cls.value], f"{cls.value}: the page shows {n}, the diff counts {counts[cls.value]}"
        said = stated.get(cls.value, 0)
        assert n == said, f"{cls.value}: the page shows {n}, its summary says {said}"


def test_a_diff_page_counts_what_cannot_be_ranked():
    """The class once shown as 0 "cannot rank" while the summary said 1: 2019-20 → 2020-21 has one
    term whose change the rules cannot rank (the additional roles reimbursement), per the diff."""
    counts = diff(load_version("2019-20"), load_version("2020-21")).counts
    assert counts[ChangeClass.undetermined.value] >= 1
    text = (DOCS / "diffs" / "2019-20_to_2020-21.md").read_text(encoding="utf-8")
    words = CHANGE_CLASS_WORDS[ChangeClass.undetermined]
    assert f'change--undetermined">{words}</span> | {counts["undetermined"]} |' in text


# ---------------------------------------------------------------------------------------------
# The reference pages


def test_the_api_page_names_functions_that_exist():
    text = (DOCS / paths.API_PAGE).read_text(encoding="utf-8")
    names = [name for _title, names in API_SECTIONS for name in names]
    assert len(names) >= 10
    for name in names:
        module, attr = name.rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), attr, None)), f"{name} is not importable"
        assert f"\n::: {name}\n" in text, f"the API page has no mkdocstrings directive for {name}"


def test_the_cli_reference_is_left_to_its_author(tmp_path):
    """docs/reference/cli.md is written by hand (mkdocs-click renders the CLI into it): generating
    the site neither rewrites nor removes it, and the nav still names it."""
    shutil.copytree(DOCS, tmp_path / "docs")
    shutil.copy(CONFIG, tmp_path / "mkdocs.yml")
    page = tmp_path / "docs" / paths.CLI_PAGE
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("# Command line\n\nWritten by hand.\n", encoding="utf-8")
    done = build.generate(tmp_path / "docs", tmp_path / "mkdocs.yml")
    assert paths.CLI_PAGE not in done.written + done.removed
    assert page.read_text(encoding="utf-8") == "# Command line\n\nWritten by hand.\n"
    assert f"Command line: {paths.CLI_PAGE}" in (tmp_path / "mkdocs.yml").read_text(encoding="utf-8")


def test_the_site_does_not_import_the_command_line():
    """Layers import downward only: the site is below the CLI (import-linter checks the same)."""
    site = ROOT / "contract" / "site"
    for path in sorted(site.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n == "contract.cli" or n.startswith("contract.cli.") for n in names), path.name


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> tuple[Path, float]:
    site = tmp_path_factory.mktemp("site")
    started = time.perf_counter()
    build.build(site, regenerate=False)
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

RUNNABLE_BLOCK = re.compile(r"^```\{\.bash \." + RUNNABLE + r"\}\n(.*?)^```", re.MULTILINE | re.DOTALL)
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


# ---------------------------------------------------------------------------------------------
# Each rate across the years, pages that lead with the answer, navigation, safe links


def test_a_term_page_holds_its_value_in_every_version_as_a_top_level_table():
    """rate.core_pcn_funding: £1.50 per registered patient a year in 2019-20 (Parliament written
    answer 257552, cited in the spec), one row per version id that has the term, not inside a tab."""
    text = (DOCS / "terms/rate.core_pcn_funding.md").read_text(encoding="utf-8")
    section = text[text.index("## In every version"):text.index("## Version by version")]
    rows = [line for line in section.splitlines() if line.startswith("| [")]
    ids = [re.match(r"\| \[([^\]]+)\]", row).group(1) for row in rows]
    assert ids == ["2019-20", "2020-21-draft", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25"]
    first = rows[0]
    assert "£1.50 per registered patient a year" in first
    assert "https://parallelparliament.co.uk/question/257552" in first
    assert "(charts/rate.core_pcn_funding.svg)" in section
    svg = (DOCS / "terms/charts/rate.core_pcn_funding.svg").read_text(encoding="utf-8")
    assert "£1.50" in svg


def test_term_pages_keep_the_site_navigation():
    config = CONFIG.read_text(encoding="utf-8")
    assert "not_in_nav" not in config
    nav = config[config.index(build.NAV_BEGIN):]
    for term_id in ("rate.core_pcn_funding", "payment.care_home_premium"):
        assert f"terms/{term_id}.md" in nav


def test_the_terms_index_has_no_blank_column_header():
    lines = (DOCS / "terms/index.md").read_text(encoding="utf-8").splitlines()
    headers = [line for line, below in itertools.pairwise(lines) if below.startswith("|--")]
    assert headers
    for header in headers:
        assert all(cell.strip() for cell in header.strip().strip("|").split("|")), header


@pytest.mark.parametrize("name", ["2023-24_to_2024-25-proposals", "2019-20_to_2020-21"])
def test_diff_pages_open_with_the_answer(name):
    text = (DOCS / f"diffs/{name}.md").read_text(encoding="utf-8")
    assert text.index("## At a glance") < text.index("## Summary") < text.index("## Redlines")
    glance = text[text.index("## At a glance"):text.index("## Summary")]
    assert "**Money for an average network:" in glance
    assert "biggest changes" in glance
    if name == "2023-24_to_2024-25-proposals":
        # The proposal's two obligations that name no funding (specs/2024-25-proposals/asks.yaml).
        assert "safe_working.contacts_cap" in glance
        assert "workforce.gp_numbers" in glance


def test_the_money_by_year_page_is_priced_by_the_evaluator():
    """Core PCN funding for the average network of 50,000 registered patients at £1.50 a head
    (2019-20 to 2023-24): 50,000 × £1.50 = £75,000.00 in each of those versions."""
    text = (DOCS / paths.MONEY_PAGE).read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if "(../terms/payment.core_pcn_funding.md)" in line)
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1:7] == ["£75,000.00"] * 6
    assert (DOCS / paths.MONEY_CHART).read_text(encoding="utf-8").startswith("<?xml")
    assert paths.MONEY_PAGE in CONFIG.read_text(encoding="utf-8")


@pytest.mark.parametrize(("text", "live"), [
    ("[evil](javascript:alert(1))", False),
    ("[evil](JaVaScRiPt:alert(1))", False),
    ("[evil]( data:text/html,hi)", False),
    ("[ref]: vbscript:x", False),
    ("[ok](https://www.england.nhs.uk/)", True),
    ("[page](../versions/2019-20/index.md)", True),
])
def test_spec_prose_links_only_to_http_or_relative_targets(text, live):
    import markdown as python_markdown

    from contract.site.markdown import cell, prose

    for escaped in (prose(text), cell(text)):
        html = python_markdown.markdown(escaped + ("\n\n[ref]" if text.startswith("[ref]") else ""))
        assert ("<a " in html) is live, html
        assert "javascript:" not in html.lower() or "<a " not in html
