"""Strict YAML reading: duplicate keys are errors, and errors name the file and the line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class SpecError(ValueError):
    """A malformed spec: names the file and the key (and the line where YAML knows it)."""

    def __init__(self, file: str | Path, key: str | None, message: str):
        self.file, self.key, self.message = str(file), key, message
        super().__init__(f"{file}" + (f": {key}" if key else "") + f": {message}")


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys and keeps dates as text.

    Dates stay text so that pydantic, not YAML, decides what a valid date is (YAML would turn
    2019-02-30 into an error with no key, and 2019-5-1 into a string silently)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            line = key_node.start_mark.line + 1
            raise SpecError(key_node.start_mark.name, str(key), f"duplicate key at line {line}")
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Timestamps stay strings; numbers with a decimal point stay strings too, so that 0.147 is read as
# the exact Decimal("0.147") and never passes through a float.
def _scalar_as_text(loader: _StrictLoader, node: yaml.Node) -> str:
    if not isinstance(node, yaml.ScalarNode):  # the tags below are scalars' tags
        raise SpecError(node.start_mark.name, None, f"expected a single value at line {node.start_mark.line + 1}")
    return str(loader.construct_scalar(node))


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _scalar_as_text)
_StrictLoader.add_constructor("tag:yaml.org,2002:float", _scalar_as_text)


def load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        raise SpecError(path, None, f"not valid YAML: {exc}") from None
