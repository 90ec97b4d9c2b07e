"""Limits on what ailm reads, so that a hostile or broken input stops in a second with a message naming it
instead of filling memory. Each can be raised through its environment variable."""

from __future__ import annotations

import os

ENV_YAML_BYTES = "AILM_MAX_YAML_BYTES"
ENV_YAML_NODES = "AILM_MAX_YAML_NODES"
ENV_YAML_SCALAR = "AILM_MAX_YAML_VALUE_BYTES"
ENV_LINE_BYTES = "AILM_MAX_LINE_BYTES"


def _limit(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value <= 0:
        from ailm.errors import InputError

        raise InputError(f"environment {name}={raw!r}: a whole number of bytes or nodes > 0")
    return value


def yaml_bytes() -> int:
    """A YAML input (config, manifest, waivers, dvc files, model card front matter): 16 MiB."""
    return _limit(ENV_YAML_BYTES, 16 << 20)


def yaml_nodes() -> int:
    """Nodes of one YAML document once aliases are expanded: 500,000 (a 1 KB alias bomb makes billions)."""
    return _limit(ENV_YAML_NODES, 500_000)


def yaml_scalar_bytes() -> int:
    """One YAML value: 1 MiB."""
    return _limit(ENV_YAML_SCALAR, 1 << 20)


def line_bytes() -> int:
    """One line of a line-delimited input (an OpenLineage event): 16 MiB."""
    return _limit(ENV_LINE_BYTES, 16 << 20)
