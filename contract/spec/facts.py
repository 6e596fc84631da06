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
_CODE = re.compile(r"^[A-Z0-9]{3,8}$")


def parse_date(raw: str) -> date:
    """Dates as commissioners write them: 2019-05-15, 20190515 or 15/05/2019."""
    text = raw.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        if re.fullmatch(r"\d{8}", text):
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError as exc:
        raise ValueError(f"{raw!r} is not a real date ({exc})") from None
    raise ValueError(f"{raw!r} is not a date (use YYYY-MM-DD)")


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
        raise ValueError(f"{raw!r} is not yes/no")
    if t is FieldType.date:
        if isinstance(raw, date):
            return raw
        return parse_date(str(raw))
    if t in (FieldType.code, FieldType.text):
        text = str(raw)
        if t is FieldType.code and not _CODE.match(text):
            raise ValueError(f"{text!r} is not a code (3 to 8 capital letters and digits)")
        return text
    # Numbers: bools are not numbers; floats only when they are whole (xlsx stores 5903 as 5903.0).
    if isinstance(raw, bool):
        raise ValueError(f"{raw!r} is not a number")
    if isinstance(raw, float):
        if not raw.is_integer() and t is FieldType.count:
            raise ValueError(f"{raw!r} is not a whole number")
        raw = repr(raw) if not raw.is_integer() else str(int(raw))
    try:
        number = Decimal(str(raw))
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{raw!r} is not a finite number")
    if number < 0:
        raise ValueError(f"{raw!r} is negative")
    if t is FieldType.count:
        if number != number.to_integral_value():
            raise ValueError(f"{raw!r} is not a whole number")
        return int(number)
    exponent = number.as_tuple().exponent  # an int: the number is finite (checked above)
    if t is FieldType.money and isinstance(exponent, int) and exponent < -2:
        raise ValueError(f"{raw!r} has more than 2 decimal places (money is to the penny)")
    if t is FieldType.percent and number > 100:
        raise ValueError(f"{raw!r} is over 100 (percent)")
    return number


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
    """Read ``specs/fields.yaml`` strictly (see :mod:`contract.spec.yamlio`)."""
    from contract.spec.yamlio import load_yaml

    data = load_yaml(path)
    if not isinstance(data, dict) or set(data) != {"fields"} or not isinstance(data["fields"], list):
        raise InputError(str(path), None, None, "must be a mapping with one key, 'fields', holding a list")
    catalogue: dict[str, FieldDef] = {}
    for i, item in enumerate(data["fields"]):
        try:
            fd = FieldDef.model_validate(item, strict=False)
        except Exception as exc:
            raise InputError(str(path), None, f"fields[{i}]", str(exc)) from None
        if fd.name in catalogue:
            raise InputError(str(path), None, f"fields[{i}].name", f"duplicate field {fd.name!r}")
        catalogue[fd.name] = fd
    return catalogue
