"""Load and validate versions from ``specs/``.

A version folder holds ``version.yaml`` and any number of term files (``payments.yaml``...), the
same relative paths in every year so that diffs line up. An overlay (a draft or a proposal) has a
``base`` and a list of ``changes`` and may add term files of its own; the loader materialises it
onto its base. Every error names the file and the key.
"""

from __future__ import annotations

import threading
from datetime import date
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from contract.lang.expressions import (
    Cmp,
    ExpressionError,
    IfElse,
    Lit,
    Ref,
    Truth,
    parse_condition,
    parse_formula,
    refs,
)
from contract.spec.checks import check_boundaries, check_values
from contract.spec.facts import FieldDef, FieldType, Level, load_field_catalogue
from contract.spec.paths import specs_root, user_specs
from contract.spec.references import CONDITION_ATTRS, expressions_of, is_iso_date  # noqa: F401  (re-exported)
from contract.spec.schema import (
    INDICATOR_METHODS,
    Entitlement,
    EntityLevel,
    IndicatorSet,
    Method,
    Obligation,
    OverlayOp,
    Parameter,
    RolesTable,
    Sanction,
    SpecFile,
    Term,
    Unit,
    Version,
    VersionMeta,
)
from contract.spec.yamlio import SpecError, load_yaml

SPECS_ROOT = specs_root()
"""The installed or checked-out specs (see contract.spec.paths); every `root` argument defaults to it."""


def _key_of(loc: tuple) -> str:
    return ".".join(str(p) for p in loc)


def _validate(model, data, path: Path):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise SpecError(path, _key_of(first["loc"]), first["msg"] + more) from None


def version_ids(root: Path = SPECS_ROOT) -> list[str]:
    """Every version folder under `root`, oldest contract year first. For the shipped specs (the
    default), a user's own folders (``--specs DIR``, ``CONTRACT_SPECS``) add theirs."""
    if root != SPECS_ROOT:
        return sorted(p.parent.name for p in root.glob("*/version.yaml"))
    return sorted(_homes())


def _homes() -> dict[str, Path]:
    """Version id -> the specs folder holding it: the shipped specs, then each user folder. A user
    version may not reuse a shipped (or an earlier user folder's) id: one id, one meaning."""
    homes = {p.parent.name: SPECS_ROOT for p in SPECS_ROOT.glob("*/version.yaml")}
    for folder in user_specs():
        if not folder.is_dir():
            raise SpecError(folder, None, "is not a specs folder (given with --specs or CONTRACT_SPECS)")
        for path in sorted(folder.glob("*/version.yaml")):
            vid = path.parent.name
            if vid in homes:
                raise SpecError(path, "id", f"version {vid} is already defined in {homes[vid]}: "
                                            "give your version an id of its own")
            homes[vid] = folder
    return homes


def _home(version_id: str, root: Path) -> Path:
    """The folder that holds `version_id`: `root` itself when it has it; for the shipped specs or a
    user folder, any of the shipped and user folders (an overlay may name a shipped base)."""
    if (root / version_id / "version.yaml").exists():
        return root
    if root == SPECS_ROOT or root in user_specs():
        found = _homes().get(version_id)
        if found is not None:
            return found
    known = ", ".join(version_ids(root)) or "none"
    raise UnknownVersion(f"no version {version_id!r} (known: {known})")


class UnknownVersion(ValueError):
    """A version id with no folder under specs/: the user's argument, not a spec, is wrong."""


def read_meta(version_id: str, root: Path = SPECS_ROOT) -> VersionMeta:
    """A version's `version.yaml`, validated: its status, period, sources and (for an overlay) its
    base and changes. Cheaper than :func:`load_version` when only the metadata is wanted."""
    if not version_id or "/" in version_id or "\\" in version_id or version_id.startswith("."):
        raise UnknownVersion(f"no version {version_id!r} (a version id is a folder name)")
    root = _home(version_id, root)
    path = root / version_id / "version.yaml"
    meta = _validate(VersionMeta, _without_anchors(load_yaml(path)), path)
    if meta.id != version_id:
        raise SpecError(path, "id", f"{meta.id!r} does not match its folder name {version_id!r}")
    return meta


def _without_anchors(data):
    """Top-level keys starting `x-` hold YAML anchors (shared citations) and nothing else."""
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if not str(k).startswith("x-")}
    return data


def _read_term_files(folder: Path) -> tuple[dict[str, Term], dict[str, str]]:
    terms: dict[str, Term] = {}
    files: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name in ("version.yaml",) or path.name.endswith(".cases.yaml"):
            continue
        spec = _validate(SpecFile, _without_anchors(load_yaml(path)), path)
        for i, term in enumerate(spec.terms):
            if term.id in terms:
                raise SpecError(path, f"terms.{i}.id", f"{term.id} is already defined in {files[term.id]}")
            terms[term.id] = term
            files[term.id] = path.name
    return terms, files


def _apply_overlay(meta: VersionMeta, base: Version, own: dict[str, Term], own_files: dict[str, str],
                   path: Path) -> tuple[dict[str, Term], dict[str, str]]:
    terms = dict(base.terms)
    files = dict(base.files)
    for i, change in enumerate(meta.changes):
        key = f"changes.{i}"
        present = change.id in terms
        if change.op is OverlayOp.add:
            if present:
                raise SpecError(path, key, f"adds {change.id}, which {base.id} already has (use replace)")
            terms[change.id] = change.term  # type: ignore[assignment]
            files[change.id] = "version.yaml"
            continue
        if not present:
            raise SpecError(path, key, f"{change.op.value} names {change.id}, which {base.id} does not have")
        if change.op is OverlayOp.remove:
            del terms[change.id]
            del files[change.id]
        elif change.op is OverlayOp.replace:
            terms[change.id] = change.term  # type: ignore[assignment]
        else:  # set_values
            old = terms[change.id]
            if not isinstance(old, Parameter) or not old.values:
                raise SpecError(path, key, f"set_values needs a parameter with values; {change.id} is not one")
            kept = [v for v in old.values if v.effective < change.values[0].effective]  # type: ignore[index]
            terms[change.id] = old.model_copy(update={"values": kept + list(change.values or [])})
    for term_id, term in own.items():
        if term_id in terms:
            raise SpecError(path.parent / own_files[term_id], term_id,
                            f"an overlay's own files may only add terms; {base.id} already has {term_id}")
        terms[term_id] = term
        files[term_id] = own_files[term_id]
    return terms, files


_loading = threading.local()
"""The overlays being loaded on this thread, innermost last: an overlay whose base chain comes back
to itself is a cycle, reported rather than recursed into."""


@cache
def load_version(version_id: str, root: Path = SPECS_ROOT) -> Version:
    """The materialised, validated version. Cached: versions are immutable. (A test that changes
    the user's specs folders clears the cache with ``load_version.cache_clear()``.)"""
    if not version_id or "/" in version_id or "\\" in version_id or version_id.startswith("."):
        raise UnknownVersion(f"no version {version_id!r} (a version id is a folder name)")
    return _load(version_id, _home(version_id, root))


def _load(version_id: str, root: Path) -> Version:
    meta = read_meta(version_id, root)
    folder = root / version_id
    own, own_files = _read_term_files(folder)
    if meta.base:
        chain: list[str] = getattr(_loading, "chain", [])
        _loading.chain = chain
        if version_id in chain or meta.base in chain or meta.base == version_id:
            start = chain[chain.index(meta.base):] if meta.base in chain else []
            cycle = " -> ".join([*start, version_id, meta.base])
            raise SpecError(folder / "version.yaml", "base", f"overlay bases form a cycle: {cycle}")
        chain.append(version_id)
        try:
            base = load_version(meta.base, root)
        except UnknownVersion as exc:
            raise SpecError(folder / "version.yaml", "base", str(exc)) from None
        finally:
            chain.pop()
        terms, files = _apply_overlay(meta, base, own, own_files, folder / "version.yaml")
    else:
        terms, files = own, own_files
    version = Version(meta=meta, terms=terms, files=files)
    fields_root = root if (root / "fields.yaml").exists() else SPECS_ROOT
    check_version(version, catalogue(fields_root), root)
    return version


@cache
def catalogue(root: Path = SPECS_ROOT) -> dict[str, FieldDef]:
    """The input fields: `specs/fields.yaml` plus every `specs/fields/*.yaml` (one file per area)."""
    merged: dict[str, FieldDef] = {}
    for path in [root / "fields.yaml", *sorted((root / "fields").glob("*.yaml"))]:
        for name, field in load_field_catalogue(path).items():
            if name in merged:
                raise SpecError(path, name, "field already defined in another fields file")
            merged[name] = field
    return merged


# ---------------------------------------------------------------------------------------------
# Cross-reference and type checks

EXPRESSION_LENGTH_LIMIT = 2_000
"""The longest expression a spec may hold, in characters (ours are under 300)."""
EXPRESSION_DEPTH_LIMIT = 40
"""The deepest nesting of an expression (brackets, operators, function calls); ours reach 8."""


def parse_checked(text: str, as_condition: bool, path: Path, key: str):
    """An expression parsed, or a SpecError naming the file and key: not an expression, too long,
    or nested too deeply for every later step (compiler, evaluator, explanations) to walk."""
    if len(text) > EXPRESSION_LENGTH_LIMIT:
        raise SpecError(path, key, f"the expression is {len(text):,} characters long; "
                                   f"at most {EXPRESSION_LENGTH_LIMIT:,} are allowed")
    depth = deepest = 0
    for char in text:
        depth += 1 if char in "([{" else -1 if char in ")]}" else 0
        deepest = max(deepest, depth)
    if deepest > EXPRESSION_DEPTH_LIMIT:
        raise SpecError(path, key, f"brackets nest {deepest} deep; at most {EXPRESSION_DEPTH_LIMIT} are allowed")
    try:
        tree = parse_condition(text) if as_condition else parse_formula(text)
    except ExpressionError as exc:
        raise SpecError(path, key, str(exc)) from None
    except (RecursionError, MemoryError):
        raise SpecError(path, key, "the expression is nested too deeply to read") from None
    if _tree_depth(tree) > EXPRESSION_DEPTH_LIMIT:
        raise SpecError(path, key, f"the expression nests more than {EXPRESSION_DEPTH_LIMIT} operations deep")
    return tree


def _tree_depth(tree) -> int:
    """How deep a parsed expression is, walked without recursion."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        for value in vars(node).values() if hasattr(node, "__dict__") else ():
            children = value if isinstance(value, tuple) else (value,)
            stack += [(child, depth + 1) for child in children if hasattr(child, "__dict__")]
    return deepest


_FIELD_KIND = {FieldType.flag: "flag", FieldType.date: "date", FieldType.code: "text", FieldType.text: "text"}


def name_kinds(version: Version, fields: dict[str, FieldDef]) -> dict[str, str]:
    """What each name an expression may use is: number, date, flag or text."""
    kinds = {"as_of": "date"}
    for f in fields.values():
        kinds[f.name] = _FIELD_KIND.get(f.type, "number")
    for term in version.terms.values():
        if isinstance(term, Parameter):
            kinds[term.id] = {Unit.date: "date", Unit.flag: "flag"}.get(term.unit, "number")
    return kinds


def _kind_of(node, kinds: dict[str, str]) -> str:
    if isinstance(node, Ref):
        return kinds[node.name]
    if isinstance(node, Lit):
        v = node.value
        return "flag" if isinstance(v, bool) else "date" if isinstance(v, date) else \
            "text" if isinstance(v, str) else "number"
    return "number"


def _check_types(tree, kinds: dict[str, str], where: str, path: Path) -> None:
    """Refuse comparisons across kinds: durable_rules would compare '9' and 30000 lexically."""
    if isinstance(tree, Cmp):
        a, b = _kind_of(tree.left, kinds), _kind_of(tree.right, kinds)
        if a != b:
            raise SpecError(path, where, f"compares a {a} with a {b}: {tree}")
        if a in ("flag", "text") and tree.op not in ("==", "!="):
            raise SpecError(path, where, f"a {a} can only be tested for equality")
    elif isinstance(tree, Truth):
        if kinds[tree.ref.name] != "flag":
            raise SpecError(path, where, f"{tree.ref.name} is a {kinds[tree.ref.name]}, not a yes/no flag")
    elif isinstance(tree, IfElse):
        _check_types(tree.test, kinds, where, path)
    for child in getattr(tree, "items", ()) or ():
        _check_types(child, kinds, where, path)
    if hasattr(tree, "item"):
        _check_types(tree.item, kinds, where, path)


def check_version(version: Version, fields: dict[str, FieldDef], root: Path = SPECS_ROOT) -> None:
    kinds = name_kinds(version, fields)
    folder = root / version.id

    def where(term: Term) -> Path:
        return folder / version.files[term.id]

    check_values(version, where)

    def check_expr(term: Term, attr: str, text: str | None, as_condition: bool) -> None:
        if text is None:
            return
        tree = parse_checked(text, as_condition, where(term), f"{term.id}.{attr}")
        unknown = sorted(refs(tree) - kinds.keys())
        if unknown:
            raise SpecError(where(term), f"{term.id}.{attr}",
                            f"unknown name(s) {', '.join(unknown)}: not an input field, a parameter, or as_of")
        _check_types(tree, kinds, f"{term.id}.{attr}", where(term))

    def need(term: Term, attr: str, target: str | None, types: tuple[type, ...]) -> None:
        if target is None:
            return
        found = version.terms.get(target)
        if not isinstance(found, types):
            wanted = " or ".join(t.__name__.lower() for t in types)
            raise SpecError(where(term), f"{term.id}.{attr}", f"{target!r} is not a {wanted} of {version.id}")

    for term in version.terms.values():
        if version.meta.in_force and term.in_effect and not (
            version.meta.in_force.start <= term.in_effect.start <= version.meta.in_force.end
        ):
            raise SpecError(where(term), f"{term.id}.in_effect", "starts outside the version's in-force period")
        if isinstance(term, Parameter):
            check_expr(term, "formula", term.formula, as_condition=False)
        elif isinstance(term, Obligation):
            check_expr(term, "requirement", term.requirement, as_condition=True)
            check_expr(term, "applies_when", term.applies_when, as_condition=True)
            if term.due and not is_iso_date(term.due):
                need(term, "due", term.due, (Parameter,))
                if kinds.get(term.due) != "date":
                    raise SpecError(where(term), f"{term.id}.due", f"{term.due} is not a date parameter")
            for i, target in enumerate(term.funds):
                need(term, f"funds.{i}", target, (Entitlement,))
            for i, target in enumerate(term.funded_by):
                need(term, f"funded_by.{i}", target, (Entitlement,))
        elif isinstance(term, Entitlement):
            check_expr(term, "eligible_when", term.eligible_when, as_condition=True)
            if term.method is Method.rate_times_basis:
                need(term, "rate", term.rate, (Parameter,))
                if term.basis not in kinds or kinds[term.basis] != "number":
                    raise SpecError(where(term), f"{term.id}.basis",
                                    f"{term.basis!r} is not a numeric field or parameter")
            elif term.method in INDICATOR_METHODS:
                _check_indicator_entitlement(version, term, where(term), need)
            else:
                need(term, "roles", term.roles, (RolesTable,))
            need(term, "cap", term.cap, (Parameter,))
            if term.level not in (EntityLevel.practice, EntityLevel.network):
                raise SpecError(where(term), f"{term.id}.level", "an entitlement is paid to a practice or a network")
        elif isinstance(term, Sanction):
            for i, target in enumerate(term.applies_to):
                need(term, f"applies_to.{i}", target, (Obligation,))
        elif isinstance(term, RolesTable):
            need(term, "posts_per_role", term.posts_per_role, (Parameter,))
        elif isinstance(term, IndicatorSet):
            _check_indicator_set(version, term, fields, kinds, where(term), need)
    _check_formula_cycles(version, folder)
    _check_levels(version, fields, folder)
    check_boundaries(version, fields, where)


# --- indicator sets and indicator-based entitlements (QOF, IIF) ------------------------------


def _check_indicator_entitlement(version: Version, term: Entitlement, path: Path, need) -> None:
    need(term, "indicators", term.indicators, (IndicatorSet,))
    need(term, "rate", term.rate, (Parameter,))
    need(term, "aspiration", term.aspiration, (Parameter,))
    need(term, "list_adjustment", term.list_adjustment, (Parameter,))
    found = version.terms[term.indicators]  # type: ignore[index]
    if found.level is not term.level:  # type: ignore[union-attr]
        raise SpecError(path, f"{term.id}.indicators",
                        f"{term.indicators} reads {found.level.value} facts; "  # type: ignore[union-attr]
                        f"the entitlement is paid at {term.level.value} level")
    adjust = version.terms.get(term.list_adjustment or "")
    if isinstance(adjust, Parameter) and adjust.formula and adjust.level is not term.level:
        raise SpecError(path, f"{term.id}.list_adjustment", f"{adjust.id} is a {adjust.level.value} formula")


def _check_indicator_set(version: Version, term: IndicatorSet, fields: dict[str, FieldDef],
                         kinds: dict[str, str], path: Path, need) -> None:
    if term.level not in (EntityLevel.practice, EntityLevel.network):
        raise SpecError(path, f"{term.id}.level", "indicators are achieved by a practice or a network")

    def numeric_field(attr: str, name: str | None) -> None:
        if name is None:
            return
        f = fields.get(name)
        if f is None or kinds.get(name) != "number":
            raise SpecError(path, f"{term.id}.{attr}", f"{name!r} is not a numeric input field")
        if f.level is Level.network and term.level is EntityLevel.practice:
            raise SpecError(path, f"{term.id}.{attr}", f"a practice indicator reads network field {name}")
        if f.level is Level.practice and term.level is EntityLevel.network and not f.aggregate:
            raise SpecError(path, f"{term.id}.{attr}",
                            f"a network indicator reads practice field {name}, which has no aggregate")

    numeric_field("achieved_points", term.achieved_points)
    for i, ind in enumerate(term.indicators):
        at = f"indicators.{i}"
        numeric_field(f"{at}.achievement", ind.achievement)
        numeric_field(f"{at}.numerator", ind.numerator)
        numeric_field(f"{at}.denominator", ind.denominator)
        for j, name in enumerate(ind.exclusions):
            numeric_field(f"{at}.exclusions.{j}", name)
        need(term, f"{at}.prevalence_adjustment", ind.prevalence_adjustment, (Parameter,))
        adjust = version.terms.get(ind.prevalence_adjustment or "")
        if isinstance(adjust, Parameter) and adjust.formula and adjust.level is not term.level:
            raise SpecError(path, f"{term.id}.{at}.prevalence_adjustment",
                            f"{adjust.id} is a {adjust.level.value} formula")



def _check_formula_cycles(version: Version, folder: Path) -> None:
    formulas = {t.id: refs(parse_formula(t.formula)) for t in version.terms.values()
                if isinstance(t, Parameter) and t.formula}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        if state.get(node) == 2:
            return
        if state.get(node) == 1:
            cycle = " -> ".join([*trail[trail.index(node):], node])
            raise SpecError(folder / version.files[node], f"{node}.formula", f"formulas refer to each other: {cycle}")
        state[node] = 1
        for dep in formulas.get(node, ()):
            if dep in formulas:
                visit(dep, [*trail, node])
        state[node] = 2

    for name in formulas:
        visit(name, [])


def _check_levels(version: Version, fields: dict[str, FieldDef], folder: Path) -> None:
    """A network term may read network fields (built from members where need be); a practice term
    may read practice fields only."""
    for term in version.terms.values():
        level = getattr(term, "level", None)
        if isinstance(term, Parameter) and term.formula and level is EntityLevel.national:
            for name in refs(parse_formula(term.formula)):
                other = version.terms.get(name)
                if not (isinstance(other, Parameter) and other.level is EntityLevel.national):
                    raise SpecError(folder / version.files[term.id], f"{term.id}.formula",
                                    f"a national formula reads only national parameters; {name} is not one")
            continue
        if level not in (EntityLevel.practice, EntityLevel.network):
            continue
        names: set[str] = set()
        for _attr, tree in expressions_of(term):
            names |= refs(tree)
        for name in names:
            f = fields.get(name)
            if f and f.level is Level.practice and level is EntityLevel.network and not f.aggregate:
                raise SpecError(folder / version.files[term.id], term.id,
                                f"a network term reads practice field {name}, which has no aggregate")
            if f and f.level is Level.network and level is EntityLevel.practice:
                raise SpecError(folder / version.files[term.id], term.id,
                                f"a practice term reads network field {name}")
            other = version.terms.get(name)
            # A national formula is one value for every entity (computed before them), so any level may read it.
            if isinstance(other, Parameter) and other.formula and other.level not in (level, EntityLevel.national):
                raise SpecError(folder / version.files[term.id], term.id,
                                f"reads {name}, a {other.level.value} formula, from a {level.value} term")
