"""Input facts: the catalogue of fields a commissioner can supply, and the population they describe.

The catalogue lives in ``specs/fields.yaml`` (data, not code): each field has a level (practice,
network or staff), a type, a unit and a description. Readers turn the files a commissioner holds
into a :class:`Population`, validating every value against the catalogue and recording where it
came from, so that an explanation can say "list size 12,034 (lists.csv row 17)".
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

FactValue = bool | int | Decimal | date | str


class Level(StrEnum):
    practice = "practice"
    network = "network"
    staff = "staff"


# Declared with the functional form because a member named `count` in a class body would shadow
# str.count (mypy reports it); the members and their values are the same either way.
FieldType = StrEnum(
    "FieldType",
    [
        ("count", "count"),  # whole number, never negative (patients, beds, minutes)
        ("money", "money"),  # pounds, at most 2 decimal places, never negative
        ("decimal", "decimal"),  # exact decimal, never negative (weighted list, WTE, points)
        ("percent", "percent"),  # 0 to 100, exact decimal
        ("flag", "flag"),  # yes/no
        ("date", "date"),  # ISO date, YYYYMMDD or DD/MM/YYYY
        ("code", "code"),  # an ODS-like code: letters, digits
        ("text", "text"),
    ],
    module=__name__,
)


NUMERIC_TYPES = frozenset({FieldType.count, FieldType.money, FieldType.decimal, FieldType.percent})
TEXT_LIMIT = 500
"""The longest text (a name, a note, a text field without its own ``max_length``) any input may hold."""
DECIMAL_PLACES_LIMIT = 10
"""The most decimal places a decimal or percent value may have (money has 2)."""
PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
"""A number as the docs promise it: ASCII digits, an optional point; no exponent, separator or sign but minus."""


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class FieldDef(Frozen):
    """One input a rule may read."""

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    level: Level
    type: FieldType
    label: str
    unit: str | None = None
    description: str
    aggregate: Annotated[str | None, Field(pattern=r"^(sum|all|any)$")] = None
    """How a network value is built from its members' values when not supplied directly."""
    aggregates_to: str | None = None
    """The network field this practice field aggregates into (defaults to the same name)."""
    blank_means: Annotated[str | None, Field(pattern=r"^absent$")] = None
    """``absent``: a blank is an answer (the event did not happen, e.g. no opt-out notice), so an
    entity without the value is not listed as lacking an input."""
    minimum: Decimal | None = None
    """The smallest value the field can mean (numbers; 0 when not given: no number here is negative)."""
    maximum: Decimal | None = None
    """The largest value the field can mean (numbers; every numeric field declares one)."""
    max_length: Annotated[int | None, Field(gt=0)] = None
    """The longest text the field can hold (text; :data:`TEXT_LIMIT` when not given)."""

    def model_post_init(self, _context: object) -> None:
        if self.type not in NUMERIC_TYPES and (self.minimum is not None or self.maximum is not None):
            raise ValueError(f"{self.name}: only a number field has a minimum or maximum")
        if self.max_length is not None and self.type is not FieldType.text:
            raise ValueError(f"{self.name}: only a text field has a max_length")
        low = self.minimum if self.minimum is not None else Decimal(0)
        if self.maximum is not None and not (self.maximum.is_finite() and low.is_finite() and low <= self.maximum):
            raise ValueError(f"{self.name}: minimum {low} and maximum {self.maximum} are not a range")


class InputError(ValueError):
    """A bad value in an input file: names the file, the row, the field and the rule broken."""

    def __init__(self, file: str, row: int | None, field: str | None, message: str):
        self.file, self.row, self.field, self.message = file, row, field, message
        where = file + (f", row {row}" if row is not None else "") + (f", field {field!r}" if field else "")
        super().__init__(f"{where}: {message}")


class InputIssue(Frozen):
    file: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f", row {self.row}" if self.row is not None else "")
        where += f", field {self.field!r}" if self.field else ""
        return f"{where}: {self.message}"


_TRUE = {"y", "yes", "true", "1", "t"}
_FALSE = {"n", "no", "false", "0", "f"}
CODE_PATTERN = re.compile(r"^[A-Z0-9]{3,8}$")
"""A code field's rule (ODS-like: 3 to 8 capital letters and digits), applied after stripping."""


def parse_date(raw: str) -> date:
    """Dates as commissioners write them: 2019-05-15, 20190515 or 15/05/2019 (ASCII digits only)."""
    text = raw.strip()
    try:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            return date.fromisoformat(text)
        if re.fullmatch(r"[0-9]{8}", text):
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        m = re.fullmatch(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", text)
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError as exc:
        raise ValueError(f"{_shown(raw)} is not a real date ({exc})") from None
    raise ValueError(f"{_shown(raw)} is not a date (use YYYY-MM-DD)")


def coerce(field: FieldDef, raw: object) -> FactValue:
    """Turn one raw cell (a string from CSV, or a JSON/XLSX scalar) into a typed value, or raise
    ValueError saying which rule it broke. Never guesses: '1,234' is rejected, not read as 1234."""
    if isinstance(raw, str):
        raw = raw.strip()
        if raw == "":
            raise ValueError("is empty (leave the column out, or the row out, when the value is unknown)")
    t = field.type
    if t is FieldType.flag:
        if isinstance(raw, bool):
            return raw
        text = str(raw).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"{_shown(raw)} is not yes/no")
    if t is FieldType.date:
        if isinstance(raw, date):
            return raw
        return parse_date(str(raw))
    if t in (FieldType.code, FieldType.text):
        text = str(raw)
        if t is FieldType.code and not CODE_PATTERN.match(text):
            raise ValueError(f"{_shown(text)} is not a code (3 to 8 capital letters and digits)")
        limit = field.max_length or TEXT_LIMIT
        if len(text) > limit:
            raise ValueError(f"is {len(text):,} characters long; {field.name} holds at most {limit:,}")
        return text
    # Numbers: bools are not numbers; floats only when they are whole (xlsx stores 5903 as 5903.0).
    if isinstance(raw, bool):
        raise ValueError(f"{raw!r} is not a number")
    number = _number(raw, t)
    low = field.minimum if field.minimum is not None else Decimal(0)
    if number < low:
        raise ValueError(f"{_shown(raw)} is negative" if low == 0 else f"{_shown(raw)} is below the minimum {low}")
    if t is FieldType.percent and number > 100:
        raise ValueError(f"{_shown(raw)} is over 100 (percent)")
    if field.maximum is not None and number > field.maximum:
        raise ValueError(f"{_shown(raw)} is over the maximum {field.maximum:,} for {field.name}")
    exponent = number.as_tuple().exponent  # an int: the number is finite (checked in _number)
    assert isinstance(exponent, int)
    if t is FieldType.count:
        if number != number.to_integral_value():
            raise ValueError(f"{_shown(raw)} is not a whole number")
        return int(number)
    if t is FieldType.money and exponent < -2:
        raise ValueError(f"{_shown(raw)} has more than 2 decimal places (money is to the penny)")
    if exponent < -DECIMAL_PLACES_LIMIT:
        raise ValueError(f"{_shown(raw)} has more than {DECIMAL_PLACES_LIMIT} decimal places")
    return number


def _shown(raw: object, limit: int = 40) -> str:
    """A raw value quoted for a message, cut short when it is long."""
    text = repr(raw) if isinstance(raw, str) else repr(str(raw))
    return text if len(text) <= limit else text[: limit - 4] + "…'"


def _number(raw: object, t: FieldType) -> Decimal:
    """A finite Decimal from a cell: text must be a plain number (ASCII digits and a point); a JSON
    or spreadsheet number is taken as it is."""
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise ValueError(f"{raw!r} is not a finite number")
        if not raw.is_integer() and t is FieldType.count:
            raise ValueError(f"{raw!r} is not a whole number")
        return Decimal(repr(raw)) if not raw.is_integer() else Decimal(int(raw))
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise ValueError(f"{raw} is not a finite number")
        return raw
    text = str(raw)
    if not PLAIN_NUMBER.fullmatch(text):
        if len(text) <= 60:
            try:
                if not Decimal(text).is_finite():
                    raise ValueError(f"{_shown(text)} is not a finite number")
            except InvalidOperation:
                pass
        raise ValueError(f"{_shown(text)} is not a plain number (ASCII digits 0-9 and at most one decimal point; "
                         "no exponent, separator or other script)")
    if len(text) > 1_000:
        raise ValueError(f"{_shown(text)} has {len(text):,} characters: too long for any number an input can mean")
    return Decimal(text)


class Provenance(Frozen):
    file: str
    row: int | None = None

    def __str__(self) -> str:
        return f"{self.file} row {self.row}" if self.row is not None else self.file


class Entity(BaseModel):
    """A practice or a network with the facts known about it."""

    model_config = ConfigDict(extra="forbid")

    code: str
    name: str | None = None
    commissioner_code: str | None = None
    values: dict[str, FactValue] = Field(default_factory=dict)
    provenance: dict[str, Provenance] = Field(default_factory=dict)

    def set(self, name: str, value: FactValue, source: Provenance) -> None:
        self.values[name] = value
        self.provenance[name] = source


class Practice(Entity):
    pcn_code: str | None = None


class Network(Entity):
    member_codes: list[str] = Field(default_factory=list)


class StaffMember(BaseModel):
    """One additional-roles post, claimed by a network."""

    model_config = ConfigDict(extra="forbid")

    pcn_code: str
    staff_id: str
    values: dict[str, FactValue] = Field(default_factory=dict)
    provenance: Provenance


class Population(BaseModel):
    """Everything the input files say about practices and networks, and what they got wrong."""

    model_config = ConfigDict(extra="forbid")

    sources: list[str] = Field(default_factory=list)
    practices: dict[str, Practice] = Field(default_factory=dict)
    networks: dict[str, Network] = Field(default_factory=dict)
    staff: list[StaffMember] = Field(default_factory=list)
    staff_given: bool = False
    """A staff file was read (even an empty one: no posts claimed), so a network without rows in it
    claims nothing, rather than its claims being unknown."""
    issues: list[InputIssue] = Field(default_factory=list)


def load_field_catalogue(path: Path) -> dict[str, FieldDef]:
    """Read ``specs/fields.yaml`` (or one ``specs/fields/*.yaml``) strictly (see
    :mod:`contract.spec.yamlio`): a malformed catalogue is a :class:`~contract.spec.yamlio.SpecError`
    (exit status 1) naming the file and the entry; every number field declares its ``maximum``."""
    from contract.spec.yamlio import SpecError, load_yaml

    data = load_yaml(path)
    if not isinstance(data, dict) or set(data) != {"fields"} or not isinstance(data["fields"], list):
        raise SpecError(path, None, "must be a mapping with one key, 'fields', holding a list")
    catalogue: dict[str, FieldDef] = {}
    for i, item in enumerate(data["fields"]):
        try:
            fd = FieldDef.model_validate(item, strict=False)
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            raise SpecError(path, f"fields[{i}]", " ".join(str(exc).split())) from None
        if fd.name in catalogue:
            raise SpecError(path, f"fields[{i}].name", f"duplicate field {fd.name!r}")
        if fd.type in NUMERIC_TYPES and fd.maximum is None:
            raise SpecError(path, f"fields[{i}].maximum",
                            f"{fd.name} is a {fd.type.value} field: declare the largest value it can mean")
        catalogue[fd.name] = fd
    return catalogue
