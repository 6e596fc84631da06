"""Strict YAML reading: duplicate keys are errors, and errors name the file and the line."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml


class SpecError(ValueError):
    """A malformed spec: names the file and the key (and the line where YAML knows it)."""

    def __init__(self, file: str | Path, key: str | None, message: str):
        self.file, self.key, self.message = str(file), key, message
        super().__init__(f"{file}" + (f": {key}" if key else "") + f": {message}")


if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader
else:  # libyaml's parser where PyYAML has it (ten times faster: every command reads a version's specs
    # at start), else the pure-Python one; the constructors below are the same for both.
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):
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


YAML_DEPTH_LIMIT = 50
"""The deepest nesting of mappings and lists a spec may have (ours reach 8)."""
YAML_SIZE_LIMIT = 5_000_000
"""The largest spec file, in bytes (ours are under 100 kB)."""


def _check_depth(node: yaml.Node, path: Path) -> None:
    """Refuse a node tree deeper than :data:`YAML_DEPTH_LIMIT`, without recursion (an alias is
    walked once: anchors are resolved to the same node)."""
    stack: list[tuple[yaml.Node, int]] = [(node, 1)]
    seen: set[int] = set()
    while stack:
        current, depth = stack.pop()
        if depth > YAML_DEPTH_LIMIT:
            line = current.start_mark.line + 1
            raise SpecError(path, None, f"nested more than {YAML_DEPTH_LIMIT} levels deep (at line {line})")
        if id(current) in seen or isinstance(current, yaml.ScalarNode):
            continue
        seen.add(id(current))
        if isinstance(current, yaml.SequenceNode):
            stack += [(child, depth + 1) for child in current.value]
        elif isinstance(current, yaml.MappingNode):
            stack += [(child, depth + 1) for pair in current.value for child in pair]


def load_yaml(path: Path) -> Any:
    """A spec file's data. Anything that stops it being read is a :class:`SpecError` naming the file:
    not a file, not UTF-8, too large, not YAML, nested too deeply."""
    try:
        if not path.is_file():
            raise SpecError(path, None, "is not a file" + (" (it is a folder)" if path.is_dir() else ""))
        if path.stat().st_size > YAML_SIZE_LIMIT:
            raise SpecError(path, None, f"is larger than {YAML_SIZE_LIMIT:,} bytes")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(path, None, f"is not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    except OSError as exc:
        raise SpecError(path, None, f"cannot be read ({exc.strerror or exc})") from None
    try:
        stream = io.StringIO(text)
        stream.name = str(path)  # the parser names its marks (and so our errors) after the stream
        loader = _StrictLoader(stream)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _check_depth(node, path)
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        if "maximum nesting depth" in str(exc):  # libyaml's own limit (1,000 levels), met before ours
            raise SpecError(path, None, f"nested more than {YAML_DEPTH_LIMIT} levels deep") from None
        raise SpecError(path, None, f"not valid YAML: {exc}") from None
    except RecursionError:
        raise SpecError(path, None, "nested too deeply to read") from None
