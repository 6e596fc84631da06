"""Rendering the pages: the jinja2 environment, the functions and words the templates use, every
generated page (path relative to ``docs/`` -> Markdown) and the navigation for ``mkdocs.yml``."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from contract.analysis.diff import describe
from contract.lang.text import day, gbp, number, rate, signed_rate
from contract.render.diff import biggest, money_chart
from contract.render.vocab import (
    CHANGE_CLASS_WORDS,
    CONFIDENCE_WORDS,
    METHOD_WORDS,
    OUTCOME_WORDS,
    OVERLAY_OP_WORDS,
    STATUS_WORDS,
    TERM_KIND_WORDS,
    VERSION_STATUS_WORDS,
)
from contract.site.datafiles import event_date
from contract.site.markdown import cell, critic, critic_side, indent_block, prose, yaml_text
from contract.site.mermaid import common_moves, mermaid_text, transition_table
from contract.site.model import DRAFTS, Site
from contract.site.paths import (
    API_PAGE,
    CLI_PAGE,
    GENERATED_FILES,
    HAND_WRITTEN,
    MONEY_CHART,
    MONEY_PAGE,
    VERSION_PARTS,
    chart_file,
    diff_page,
    relative,
    slug,
    term_page,
    version_page,
)
from contract.site.reference import API_SECTIONS, schema_reference
from contract.site.tables import (
    case_yaml,
    caveats,
    class_counts,
    rule_rows,
    sources,
    state_counts,
    term_tables,
    term_yaml,
    weakest,
)
from contract.site.words import amount_words, unit_words, value_words
from contract.site.years import Years
from contract.spec.loader import SPECS_ROOT
from contract.spec.schema import Version

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "docs"
DOCS_ROOT = Path(__file__).resolve().parents[2] / "docs"

RUNNABLE = "runnable"
"""Class of a ```` ```{.bash .runnable} ```` block in a how-to: the tests run these commands."""


def environment() -> Environment:
    """Markdown templates: no autoescape; spec text goes through the `md` and `cell` filters."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    env.filters.update(cell=cell, md=prose, indent_block=indent_block, yaml=yaml_text, day=day, rate=rate,
                       gbp=gbp, number=number, slug=slug, mermaid_text=mermaid_text)
    env.tests["contains"] = lambda seq, item: item in seq
    return env


WORDS = {
    "status_words": VERSION_STATUS_WORDS,
    "finding_words": STATUS_WORDS,
    "kind_words": TERM_KIND_WORDS,
    "confidence_words": CONFIDENCE_WORDS,
    "class_words": CHANGE_CLASS_WORDS,
    "outcome_words": OUTCOME_WORDS,
    "op_words": OVERLAY_OP_WORDS,
    "method_words": METHOD_WORDS,
}
"""The words for enum values the templates use (contract.render.vocab), by the name they use."""


class Renderer:
    def __init__(self, site: Site, hand_written: dict[str, str]):
        self.site = site
        self.hand_written = hand_written
        self.env = environment()
        self.pages: dict[str, str] = {}
        self.years = Years(site)

    def page(self, path: str, template: str, **context: Any) -> None:
        def href(target: str) -> str:
            return relative(path, target)

        term_link = self.term_link_for(path)

        def rules(version: Version, term: Any) -> list[dict[str, str]]:
            return rule_rows(self.site, version, term, term_link)

        text = self.env.get_template(template).render(
            site=self.site, page=path, href=href, term_link=term_link, rules=rules,
            tables=lambda v, t: term_tables(self.site, v, t), term_yaml=term_yaml, case_yaml=case_yaml,
            caveats=caveats, value_words=value_words, amount_words=amount_words, unit_words=unit_words,
            term_page=term_page, version_page=version_page, diff_page=diff_page, weakest=weakest,
            hand_written=self.hand_written, state_counts=state_counts, class_counts=class_counts,
            signed_rate=signed_rate, critic=critic, critic_side=critic_side, describe=describe,
            transition_table=transition_table, common_moves=common_moves, sources=sources, years=self.years,
            biggest=biggest, **WORDS, **context)
        text = re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"
        self.pages[path] = text

    def term_link_for(self, path: str) -> Callable[..., str]:
        def term_link(term_id: str, text: str | None = None) -> str:
            label = text or f"`{term_id}`"
            if term_id in self.site.histories:
                return f"[{label}]({relative(path, term_page(term_id))})"
            return label

        return term_link


def render_pages(root: Path = SPECS_ROOT, docs_dir: Path = DOCS_ROOT) -> tuple[dict[str, str], str]:
    """Every generated page (path relative to docs/ -> Markdown) and the nav block for mkdocs.yml."""
    site = Site(root)
    hand_written = hand_written_pages(docs_dir)
    r = Renderer(site, hand_written)
    r.page("index.md", "home.md.j2")
    r.page("versions/index.md", "versions_index.md.j2")
    for version in site.versions:
        for part, _title in VERSION_PARTS:
            r.page(version_page(version.id, part), f"version_{part}.md.j2", version=version)
    r.page(MONEY_PAGE, "money_by_year.md.j2", money=r.years.money(), streams=r.years.streams(),
           assumptions=r.years.assumptions())
    r.pages[MONEY_CHART] = r.years.money_chart()
    r.page("terms/index.md", "terms_index.md.j2")
    for term_id in sorted(site.histories):
        history = site.histories[term_id]
        chart = r.years.chart(history)
        if chart is not None:
            r.pages[chart_file(term_page(term_id))] = chart
        r.page(term_page(term_id), "term.md.j2", history=history, year_rows=r.years.rows(history),
               chart=chart_file(term_page(term_id)) if chart else None)
    r.page("diffs/index.md", "diffs_index.md.j2")
    for pair in site.pairs:
        chart = money_chart(site.diffs[pair])
        if chart is not None:
            r.pages[chart_file(diff_page(pair))] = chart
        r.page(diff_page(pair), "diff.md.j2", pair=pair, diff=site.diffs[pair],
               chart=chart_file(diff_page(pair)) if chart else None)
    for chain in site.chains:
        r.page(diff_page(chain), "diff_chain.md.j2", chain=chain, multi=site.multi_diffs[chain])
    r.page("timeline.md", "timeline.md.j2", event_date=event_date)
    r.page("glossary.md", "glossary.md.j2")
    r.page("includes/abbreviations.md", "abbreviations.md.j2")
    r.page(API_PAGE, "api.md.j2", sections=API_SECTIONS, models=schema_reference())
    batch = how_to_example(site)
    r.page("how-to/commissioner-batch-run.md", "howto_commissioner.md.j2", example=batch)
    r.page("how-to/negotiator-diff.md", "howto_negotiator.md.j2", example=batch)
    nav = render_nav(site, r.pages, hand_written)
    return dict(sorted(r.pages.items())), nav


def hand_written_pages(docs_dir: Path) -> dict[str, str]:
    """The Markdown pages of docs/ the generator did not write, with their titles: the top-level
    ones, and the command line reference when it is there."""
    found = {}
    for path in sorted(docs_dir.glob("*.md")):
        name = path.name
        if name in GENERATED_FILES:
            continue
        title = HAND_WRITTEN.get(name)
        if title is None:
            heading = re.search(r"^# (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
            title = heading.group(1).strip() if heading else name.removesuffix(".md").replace("-", " ").capitalize()
        found[name] = title
    if (docs_dir / CLI_PAGE).is_file():
        found[CLI_PAGE] = "Command line"
    return found


def how_to_example(site: Site) -> dict[str, Any]:
    """The versions and date the how-to pages use. The commissioner evaluates the newest contract
    year at the start of its seventh month (so that the year is well under way); the negotiator
    compares the newest proposal (or draft) with its base, else the last two contract years."""
    years = [v for v in site.versions if site.is_year(v)] or site.versions
    version = years[-1]
    start = version.meta.in_force.start
    month = start.month + 6
    as_of = date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    overlays = [v for v in site.versions if v.meta.base and v.meta.status in DRAFTS]
    if overlays:
        pair = (overlays[-1].meta.base, overlays[-1].id)
    elif len(site.versions) > 1:
        pair = (site.versions[-2].id, site.versions[-1].id)
    else:
        pair = (version.id, version.id)
    chain = next((c for c in site.chains if c[:2] == pair), None)
    b = site.by_id[pair[1]]
    entitlements = b.of_kind("entitlement") or list(b.terms.values())
    return {"version": version.id, "as_of": as_of.isoformat(), "pair": pair, "chain": chain,
            "term": entitlements[0].id}


def render_nav(site: Site, pages: dict[str, str], hand_written: dict[str, str]) -> str:
    guides: list[Any] = [
        {"Commissioner: a batch run": "how-to/commissioner-batch-run.md"},
        {"Negotiator: compare two versions": "how-to/negotiator-diff.md"},
    ]
    guides += [{title: name} for name, title in hand_written.items() if "/" not in name]
    versions: list[Any] = ["versions/index.md", {"Money by year": MONEY_PAGE}]
    for version in site.versions:
        versions.append({version.id: [version_page(version.id, part) if part == "index"
                                      else {title: version_page(version.id, part)}
                                      for part, title in VERSION_PARTS]})
    diffs: list[Any] = ["diffs/index.md"]
    diffs += [{" → ".join(pair): diff_page(pair)} for pair in site.pairs]
    diffs += [{" → ".join(chain): diff_page(chain)} for chain in site.chains]
    reference: list[Any] = [{hand_written[CLI_PAGE]: CLI_PAGE}] if CLI_PAGE in hand_written else []
    reference.append({"Python API": API_PAGE})
    nav = [
        {"Home": "index.md"},
        {"Guides": guides},
        {"Versions": versions},
        {"Terms": ["terms/index.md", *term_nav(site)]},
        {"Changes": diffs},
        {"History": [{"Timeline": "timeline.md"}, {"Glossary": "glossary.md"}]},
        {"Reference": reference},
    ]
    for entry in _nav_paths(nav):
        if entry not in pages and entry not in hand_written:
            raise AssertionError(f"nav names {entry}, which is not generated")
    return yaml_text({"nav": nav})


def term_nav(site: Site) -> list[Any]:
    """Every term page, by the service its newest version puts it in (as the terms index lists
    them), so that a term page keeps the site's navigation."""
    services: dict[str, list[Any]] = {}
    for term_id in sorted(site.histories):
        latest = site.histories[term_id].latest
        services.setdefault(latest.service, []).append({f"{latest.title} ({term_id})": term_page(term_id)})
    return [{service: services[service]} for service in sorted(services)]


def _nav_paths(nav: Any) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [p for item in nav for p in _nav_paths(item)]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in _nav_paths(value)]
    return []
