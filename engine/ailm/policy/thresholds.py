"""Thresholds are data, and they have types: a quoted number must never turn a gate green.

In Rego a number is never greater than a string, so ``demographic_parity_difference_max: "0.1"`` would make
every ``value > limit`` false and DEV-005 pass. Each threshold's type is the type of its default (the
built-in ``data.json``, or the organisation ``data.json`` that introduces it): a number, or a list of
strings. An override of another type, an unknown name or null is an error that names the file and line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr, ValidationError, create_model

from ailm.errors import PolicyError
from ailm.yamlsrc import YamlSource

Number = StrictInt | StrictFloat
Words = Annotated[list[StrictStr], Field(min_length=1)]


def kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return "a list of strings"
    if isinstance(value, dict):
        return "an object"
    return "null" if value is None else f"a {type(value).__name__}"


_TYPES: dict[str, Any] = {"a number": Number, "a list of strings": Words, "an object": dict[str, Any]}


def thresholds_of(data: Mapping[str, Any]) -> dict[str, Any]:
    ailm = data.get("ailm")
    found = ailm.get("thresholds") if isinstance(ailm, dict) else None
    return found if isinstance(found, dict) else {}


def model(defaults: Mapping[str, Any]) -> type[BaseModel]:
    """A pydantic model with one optional field per known threshold, typed as its default."""
    fields: dict[str, Any] = {name: (_TYPES[kind(value)] | None, None) for name, value in defaults.items()}
    return create_model("Thresholds", __config__=ConfigDict(extra="forbid"), **fields)


def check_defaults(thresholds: Mapping[str, Any], display: str, known: Mapping[str, Any]) -> None:
    """A data.json's thresholds: each a number or a list of strings, and of the type any earlier file gave it."""
    for name, value in thresholds.items():
        if kind(value) not in _TYPES:
            raise PolicyError(
                f"{display}: ailm.thresholds.{name} is {kind(value)}; a threshold is a number or a list of strings"
            )
        if name in known and kind(known[name]) != kind(value):
            raise PolicyError(
                f"{display}: ailm.thresholds.{name} is {kind(value)}, but the threshold is {kind(known[name])}"
            )


def check_overrides(defaults: Mapping[str, Any], overrides: Any, src: YamlSource) -> None:
    """The config's ``thresholds:``, validated by the model of the thresholds the policy set defines."""
    if not isinstance(overrides, dict):
        raise src.error(("thresholds",), "thresholds is a mapping of threshold names to values")
    for name, value in overrides.items():
        if value is None:
            raise src.error(("thresholds", name), "a threshold cannot be null (remove the line to keep the default)")
    try:
        model(defaults).model_validate(overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else ""
        if first["type"] == "extra_forbidden":
            known = ", ".join(sorted(defaults))
            raise src.error(("thresholds", name), f"unknown threshold; known: {known}") from None
        want = kind(defaults.get(name))
        raise src.error(
            ("thresholds", name), f"{want} is required, got {kind(overrides.get(name))} ({overrides.get(name)!r})"
        ) from None
