"""Conditions and formulas written in the specs, parsed with Python's ``ast`` and a whitelist.

Nothing here is ever ``eval``'d. A spec writes Python-like expressions::

    registered_list >= network.size.minimum or size_exception_agreed
    round_to(registered_list / 1000 * extended_hours.minutes_per_1000, 15)
    2 if registered_list >= arrs.large_network_threshold else 1

Names are input fields (``registered_list``), parameter ids (dotted: ``network.size.minimum``) or
``as_of``. Numbers are read from their source text into exact Decimals (0.147 never becomes a
float). Conditions become a small tree (:class:`Cmp`, :class:`Truth`, :class:`All`, :class:`Any_`,
:class:`Not`) that the compiler turns into durable_rules tests and that the reference evaluator
walks in plain Python; formulas become a tree evaluated exactly with Decimal.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Union

Literal_ = Decimal | date | bool | str


class ExpressionError(ValueError):
    """An expression outside the whitelist, or malformed."""


# ---------------------------------------------------------------------------------------------
# Trees


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class Lit:
    value: Literal_


@dataclass(frozen=True)
class Arith:
    op: str  # + - * /
    left: Formula
    right: Formula


@dataclass(frozen=True)
class Neg:
    operand: Formula


@dataclass(frozen=True)
class Func:
    name: str  # min, max, round_to, floor_to
    args: tuple[Formula, ...]


@dataclass(frozen=True)
class IfElse:
    test: Condition
    then: Formula
    other: Formula


Formula = Union[Ref, Lit, Arith, Neg, Func, IfElse]  # noqa: UP007 - a recursive alias needs Union


@dataclass(frozen=True)
class Cmp:
    op: str  # >= > <= < == !=
    left: Ref | Lit
    right: Ref | Lit


@dataclass(frozen=True)
class Truth:
    """A bare flag name used as a condition: true when the flag is yes."""

    ref: Ref


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Any_:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


Condition = Union[Cmp, Truth, All, Any_, Not]  # noqa: UP007

_CMP = {ast.GtE: ">=", ast.Gt: ">", ast.LtE: "<=", ast.Lt: "<", ast.Eq: "==", ast.NotEq: "!="}
_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
FUNCTIONS = {"min", "max", "round_to", "floor_to", "date"}
NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}
MIRRORED = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}


# ---------------------------------------------------------------------------------------------
# Parsing


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


class _Parser:
    def __init__(self, source: str):
        self.source = source

    def fail(self, node: ast.AST, why: str) -> ExpressionError:
        text = ast.get_source_segment(self.source, node) or type(node).__name__
        return ExpressionError(f"in {self.source!r}: {why}: {text!r}")

    def operand(self, node: ast.expr) -> Ref | Lit:
        formula = self.formula(node)
        if isinstance(formula, Ref | Lit):
            return formula
        raise self.fail(node, "a comparison compares names and numbers only; put arithmetic in a formula parameter")

    def literal_number(self, node: ast.Constant) -> Decimal:
        # Read the number from its source text so that 0.147 stays exactly 0.147.
        text = ast.get_source_segment(self.source, node)
        if text is None:
            raise self.fail(node, "a number without source text")
        return Decimal(text.replace("_", ""))

    def formula(self, node: ast.expr) -> Formula:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool):
                return Lit(node.value)
            if isinstance(node.value, int | float):
                return Lit(self.literal_number(node))
            if isinstance(node.value, str):
                return Lit(node.value)
            raise self.fail(node, "only numbers, text and True/False are literals")
        name = _dotted(node)
        if name is not None:
            return Ref(name)
        if isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
            return Arith(_ARITH[type(node.op)], self.formula(node.left), self.formula(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return Neg(self.formula(node.operand))
        if isinstance(node, ast.IfExp):
            return IfElse(self.condition(node.test), self.formula(node.body), self.formula(node.orelse))
        if isinstance(node, ast.Call):
            return self.call(node)
        raise self.fail(node, f"{type(node).__name__} is not allowed in a formula")

    def call(self, node: ast.Call) -> Formula:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords:
            raise self.fail(node, f"only the functions {sorted(FUNCTIONS)} may be called, without keywords")
        name = node.func.id
        if name == "date":
            arg = node.args[0] if len(node.args) == 1 else None
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                raise self.fail(node, "date() takes one text argument 'YYYY-MM-DD'")
            try:
                return Lit(date.fromisoformat(arg.value))
            except ValueError:
                raise self.fail(node, "not a valid date") from None
        args = tuple(self.formula(a) for a in node.args)
        wanted = {"round_to": 2, "floor_to": 2}.get(name)
        if (wanted and len(args) != wanted) or (not wanted and len(args) < 2):
            raise self.fail(node, f"{name}() takes {wanted or 'two or more'} arguments")
        return Func(name, args)

    def condition(self, node: ast.expr) -> Condition:
        if isinstance(node, ast.BoolOp):
            items = tuple(self.condition(v) for v in node.values)
            return All(items) if isinstance(node.op, ast.And) else Any_(items)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return Not(self.condition(node.operand))
        if isinstance(node, ast.Compare):
            if len(node.ops) != 1 or type(node.ops[0]) not in _CMP:
                raise self.fail(node, "one comparison at a time (a <= b and b <= c, not a <= b <= c)")
            return Cmp(_CMP[type(node.ops[0])], self.operand(node.left), self.operand(node.comparators[0]))
        name = _dotted(node)
        if name is not None:
            return Truth(Ref(name))
        raise self.fail(node, f"{type(node).__name__} is not a condition")


def _parse(source: str) -> tuple[_Parser, ast.expr]:
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"in {source!r}: not a valid expression ({exc.msg})") from None
    return _Parser(source.strip()), tree.body


@lru_cache(maxsize=4096)
def parse_condition(source: str) -> Condition:
    """Parsed once per text: trees are immutable, so every caller may share them."""
    parser, body = _parse(source)
    return parser.condition(body)


@lru_cache(maxsize=4096)
def parse_formula(source: str) -> Formula:
    parser, body = _parse(source)
    return parser.formula(body)


# ---------------------------------------------------------------------------------------------
# Walking


@lru_cache(maxsize=4096)
def formula_names(source: str) -> frozenset[str]:
    """Every name a formula reads, worked out once per formula text."""
    return frozenset(refs(parse_formula(source)))


@lru_cache(maxsize=4096)
def condition_names(source: str) -> frozenset[str]:
    """Every name a condition reads, worked out once per condition text."""
    return frozenset(refs(parse_condition(source)))


def refs(tree: Formula | Condition) -> set[str]:
    """Every name an expression reads."""
    if isinstance(tree, Ref):
        return {tree.name}
    if isinstance(tree, Lit):
        return set()
    if isinstance(tree, Truth):
        return {tree.ref.name}
    if isinstance(tree, Cmp):
        return refs(tree.left) | refs(tree.right)
    if isinstance(tree, Arith):
        return refs(tree.left) | refs(tree.right)
    if isinstance(tree, Neg):
        return refs(tree.operand)
    if isinstance(tree, Func):
        return set().union(*(refs(a) for a in tree.args))
    if isinstance(tree, IfElse):
        return refs(tree.test) | refs(tree.then) | refs(tree.other)
    if isinstance(tree, All | Any_):
        return set().union(*(refs(i) for i in tree.items))
    if isinstance(tree, Not):
        return refs(tree.item)
    raise TypeError(tree)


def negation_normal_form(cond: Condition, negate: bool = False) -> Condition:
    """Push every `not` down to the comparisons, so that the engine never needs a negative test
    (durable_rules loops on a rule whose only test is negative, and a missing field must make both
    a test and its negation false)."""
    if isinstance(cond, Not):
        return negation_normal_form(cond.item, not negate)
    if isinstance(cond, All | Any_):
        items = tuple(negation_normal_form(i, negate) for i in cond.items)
        flip = isinstance(cond, All) == negate
        return Any_(items) if flip else All(items)
    if isinstance(cond, Truth):
        return Cmp("==", cond.ref, Lit(not negate))
    if isinstance(cond, Cmp):
        return Cmp(NEGATED[cond.op], cond.left, cond.right) if negate else cond
    raise TypeError(cond)


# ---------------------------------------------------------------------------------------------
# Exact evaluation (formulas) and three-valued evaluation (conditions)

Value = Decimal | date | bool | str
Env = dict[str, Value]


class Missing(Exception):
    """A name the facts do not supply."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def round_to(value: Decimal, step: Decimal) -> Decimal:
    """Round to the nearest multiple of `step`, halves away from zero (the sources say "nearest")."""
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def evaluate_formula(tree: Formula, env: Env) -> Value:
    if isinstance(tree, Lit):
        return tree.value
    if isinstance(tree, Ref):
        if tree.name not in env:
            raise Missing(tree.name)
        return env[tree.name]
    if isinstance(tree, Neg):
        return -_number(evaluate_formula(tree.operand, env))
    if isinstance(tree, Arith):
        a = _number(evaluate_formula(tree.left, env))
        b = _number(evaluate_formula(tree.right, env))
        if tree.op == "+":
            return a + b
        if tree.op == "-":
            return a - b
        if tree.op == "*":
            return a * b
        if b == 0:
            raise ZeroDivisionError(f"division by zero in a formula (divisor {tree.right})")
        return a / b
    if isinstance(tree, Func):
        args = [_number(evaluate_formula(a, env)) for a in tree.args]
        if tree.name == "min":
            return min(args)
        if tree.name == "max":
            return max(args)
        if tree.name == "round_to":
            return round_to(args[0], args[1])
        if tree.name == "floor_to":
            return (args[0] / args[1]).to_integral_value(rounding="ROUND_FLOOR") * args[1]
    if isinstance(tree, IfElse):
        test = evaluate_condition(tree.test, env)
        if test is None:
            raise Missing(sorted(refs(tree.test) - set(env))[0])
        return evaluate_formula(tree.then if test else tree.other, env)
    raise TypeError(tree)


def _number(value: Value) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ExpressionError(f"{value!r} is not a number")
    return Decimal(value)


def compare(op: str, a: Value, b: Value) -> bool:
    if op == ">=":
        return a >= b  # type: ignore[operator]
    if op == ">":
        return a > b  # type: ignore[operator]
    if op == "<=":
        return a <= b  # type: ignore[operator]
    if op == "<":
        return a < b  # type: ignore[operator]
    if op == "==":
        return a == b
    return a != b


def evaluate_condition(cond: Condition, env: Env) -> bool | None:
    """Kleene three-valued logic: None when the facts do not decide it."""
    if isinstance(cond, Truth):
        value = env.get(cond.ref.name)
        return None if value is None else value is True
    if isinstance(cond, Cmp):
        try:
            a = evaluate_formula(cond.left, env)
            b = evaluate_formula(cond.right, env)
        except Missing:
            return None
        return compare(cond.op, a, b)
    if isinstance(cond, Not):
        inner = evaluate_condition(cond.item, env)
        return None if inner is None else not inner
    results = [evaluate_condition(i, env) for i in cond.items]
    if isinstance(cond, All):
        if False in results:
            return False
        return None if None in results else True
    if True in results:
        return True
    return None if None in results else False


# ---------------------------------------------------------------------------------------------
# Words

_WORDS = {">=": "is at least", ">": "is more than", "<=": "is at most", "<": "is less than",
          "==": "is", "!=": "is not"}
_DATE_WORDS = {">=": "is on or after", ">": "is after", "<=": "is on or before", "<": "is before",
               "==": "is", "!=": "is not"}


def describe_value(value: Value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) >= 1000:
            return f"{int(value):,}"
        return format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))
    return str(value)


def to_sentence(tree: Formula | Condition, label: dict[str, str], env: Env | None = None) -> str:
    """The expression in words; with `env`, each name is followed by its actual value."""

    def name(ref: Ref) -> str:
        words = label.get(ref.name, ref.name.replace("_", " "))
        if env is not None and ref.name in env:
            return f"{words} ({describe_value(env[ref.name])})"
        if env is not None:
            return f"{words} (not given)"
        return words

    def operand(node: Formula | Condition) -> str:
        if isinstance(node, Ref):
            return name(node)
        if isinstance(node, Lit):
            return describe_value(node.value)
        if isinstance(node, Arith):
            return f"({operand(node.left)} {_ARITH_WORDS[node.op]} {operand(node.right)})"
        if isinstance(node, Neg):
            return f"minus {operand(node.operand)}"
        if isinstance(node, Func):
            args = [operand(a) for a in node.args]
            if node.name == "round_to":
                return f"{args[0]} rounded to the nearest {args[1]}"
            if node.name == "floor_to":
                return f"{args[0]} rounded down to a multiple of {args[1]}"
            return f"the {'smaller' if node.name == 'min' else 'larger'} of " + ", ".join(args)
        if isinstance(node, IfElse):
            return f"{operand(node.then)} if {cond(node.test)}, otherwise {operand(node.other)}"
        return cond(node)

    def cond(node: Condition) -> str:
        if isinstance(node, Truth):
            return name(node.ref)
        if isinstance(node, Cmp):
            is_date = any(isinstance(x, Lit) and isinstance(x.value, date) for x in (node.left, node.right))
            words = (_DATE_WORDS if is_date or "date" in str(node) or "_on" in str(node) else _WORDS)[node.op]
            if isinstance(node.right, Lit) and isinstance(node.right.value, bool) and node.op in ("==", "!="):
                return name(node.left) if isinstance(node.left, Ref) and (node.right.value == (node.op == "==")) \
                    else f"not {operand(node.left)}"
            return f"{operand(node.left)} {words} {operand(node.right)}"
        if isinstance(node, Not):
            return f"not ({cond(node.item)})"
        joiner = " and " if isinstance(node, All) else " or "
        parts = [cond(i) if isinstance(i, Cmp | Truth | Not) else f"({cond(i)})" for i in node.items]
        return joiner.join(parts)

    return operand(tree)


_ARITH_WORDS = {"+": "plus", "-": "minus", "*": "×", "/": "÷"}
