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
_TAGS = frozenset({"int", "float", "str", "bool", "none", "list", "dict", "set", "literal", "union"})
_NUMBER_ERRORS = frozenset({"int_type", "float_type", "int_parsing", "float_parsing", "int_from_float"})


_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when PyYAML has it: 5-10x faster


class _LineLoader(_Base):  # type: ignore[misc]
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
            _walk(value_node, (*loc, key), lines, budget, path)
            lines[(*loc, key)] = line  # a key's line, not its value's (which _walk recorded for a block value)
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

    def _place(self, prefix: Loc, loc: Sequence[Any]) -> Loc:
        """The error's location in the document: the tags pydantic adds for union members and validators
        (``int``, ``function-after[...]``) are not keys of the document and are left out."""
        out: list[str | int] = list(prefix)
        for p in loc:
            in_document = (*out, p) in self._lines
            tag = isinstance(p, str) and (p in _TAGS or "[" in p or p.startswith("function-") or p[:1].isupper())
            if isinstance(p, int) or in_document or not tag:
                out.append(p)
        return tuple(out)

    def validation_error(self, exc: ValidationError, *, prefix: Loc = ()) -> InputError:
        """The first pydantic error, placed at its line; the others at the same place (one per member of a
        union) say the same thing and are folded into it; the count of the rest if there are more."""
        errors = exc.errors()
        first = errors[0]
        loc = self._place(prefix, first["loc"])
        same = [e for e in errors if self._place(prefix, e["loc"]) == loc]
        kinds = {str(e["type"]) for e in same}
        message = "a number is required" if kinds <= _NUMBER_ERRORS else str(first["msg"])
        if "input" in first and first["type"] not in ("missing", "extra_forbidden"):
            message += f", got {type(first['input']).__name__} {first['input']!r:.40}"
        rest = len(errors) - len(same)
        more = f" (and {rest} more)" if rest > 0 else ""
        return self.error(loc, f"{message}{more}")
