"""YAML that remembers where each value came from, so errors can name the file, line and field.

pydantic reports a field path (``facts.plan.data.intended_purpose``); :class:`YamlSource` turns it into
``manifest.yaml:14: facts.plan.data.intended_purpose: field required``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ailm import limits
from ailm.errors import InputError

Loc = tuple[str | int, ...]


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates and times as the text written: a declared fact is hashed, stored and shown
    as its author wrote it (``2026-11-02T09:30:00Z``, not a datetime re-rendered as ``+00:00``); typed fields
    (asserted_at, expires) are parsed by the models."""


_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _walk(node: yaml.Node, loc: Loc, lines: dict[Loc, int], budget: list[int], path: Path) -> None:
    """Record the line of every key and item; refuse duplicate keys and alias bombs."""
    budget[0] -= 1
    if budget[0] < 0:
        raise InputError(
            f"{path}: more than {limits.yaml_nodes():,} YAML nodes once aliases are expanded (an alias bomb?); "
            f"raise {limits.ENV_YAML_NODES} if the file is meant to be this large"
        )
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if isinstance(key, str) and key in seen and key != "<<":
                field = ".".join(str(p) for p in (*loc, key))
                raise InputError(
                    f"{path}:{line}: {field}: duplicate key (first at line {seen[key]}); "
                    "YAML would silently keep the last one"
                )
            if isinstance(key, str):
                seen[key] = line
            lines[(*loc, key)] = line
            _walk(value_node, (*loc, key), lines, budget, path)
            lines[(*loc, key)] = line
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*loc, i), lines, budget, path)
    elif isinstance(node, yaml.ScalarNode) and len(node.value) > limits.yaml_scalar_bytes():
        raise InputError(
            f"{path}:{lines[loc]}: {'.'.join(str(p) for p in loc) or 'value'}: a value of {len(node.value):,} "
            f"characters, more than {limits.yaml_scalar_bytes():,} ({limits.ENV_YAML_SCALAR})"
        )


class YamlSource:
    """A parsed YAML document with the line of every key and item."""

    def __init__(self, path: Path, data: Any, lines: dict[Loc, int]) -> None:
        self.path = path
        self.data = data
        self._lines = lines

    @classmethod
    def load(cls, path: Path, *, what: str = "file") -> YamlSource:
        path = Path(path)
        try:
            size = path.stat().st_size
            if size > limits.yaml_bytes():
                raise InputError(
                    f"{path}: {what} is {size:,} bytes, more than {limits.yaml_bytes():,} ({limits.ENV_YAML_BYTES})"
                )
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"{path}: {what} not found") from None
        except IsADirectoryError:
            raise InputError(f"{path}: {what} is a folder, not a file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot read {what}: {exc}") from None
        return cls.parse(text, path, what=what)

    @classmethod
    def parse(cls, text: str, path: Path, *, what: str = "file") -> YamlSource:
        loader = _LineLoader(text)
        try:
            node = loader.get_single_node()
            lines: dict[Loc, int] = {}
            if node is not None:
                _walk(node, (), lines, [limits.yaml_nodes()], path)
            data = loader.construct_document(node) if node is not None else None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
            raise InputError(f"{path}{line}: {what} is not valid YAML: {exc.problem or exc}") from None
        except yaml.YAMLError as exc:
            raise InputError(f"{path}: {what} is not valid YAML: {exc}") from None
        except RecursionError:
            raise InputError(f"{path}: {what} nests too deeply to read") from None
        finally:
            loader.dispose()
        return cls(path, data, lines)

    def line_of(self, loc: Sequence[str | int]) -> int | None:
        """The line of the deepest part of ``loc`` that exists in the document."""
        key = tuple(loc)
        while key:
            if key in self._lines:
                return self._lines[key]
            key = key[:-1]
        return self._lines.get(())

    def where(self, loc: Sequence[str | int]) -> str:
        line = self.line_of(loc)
        return f"{self.path}:{line}" if line else str(self.path)

    def error(self, loc: Sequence[str | int], message: str) -> InputError:
        field = ".".join(str(p) for p in loc)
        return InputError(f"{self.where(loc)}: {field}: {message}" if field else f"{self.where(loc)}: {message}")

    def validation_error(self, exc: ValidationError, *, prefix: Loc = ()) -> InputError:
        """The first pydantic error, placed at its line; the count of the others if there are more."""
        errors = exc.errors()
        first = errors[0]
        loc = (*prefix, *(p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function-"))))
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return self.error(loc, f"{first['msg']}{more}")
