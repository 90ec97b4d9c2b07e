"""The evaluator Protocol: one method; the implementations (embedded regorus, OPA server) are plugins."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel

from ailm.policy.policyset import PolicySet

MSG_BAD_FINDING = "a finding must be a string or an object with a string 'msg'"


@dataclass(frozen=True)
class Finding:
    message: str
    evidence: tuple[str, ...] = ()


@dataclass
class Decision:
    """What one control said about one subject."""

    deny: list[Finding] = field(default_factory=list)
    warn: list[Finding] = field(default_factory=list)
    not_applicable: list[Finding] = field(default_factory=list)
    error: str | None = None


class Evaluator(Protocol):
    def evaluate(self, policy_input: Mapping[str, Any]) -> dict[str, Decision]:
        """Decisions keyed by control id for one subject's input. Raise EvaluatorError for no decision."""
        ...


def create(name: str, policies: PolicySet, settings: Mapping[str, Any] | BaseModel | None = None) -> Evaluator:
    """An evaluator by its plugin name, from raw settings (validated by its model) or validated ones."""
    from ailm.plugins import load

    plugin = load("evaluator", name)
    chosen = settings if isinstance(settings, BaseModel) else plugin.configure(settings or {})
    evaluator: Evaluator = plugin.build(chosen, policies)
    return evaluator


def decision_from(value: Any) -> Decision:
    """Read a package's value (``{"deny": [...], "warn": [...], "not_applicable": [...]}``) strictly."""
    out = Decision()
    if value is None:
        return out
    if not isinstance(value, dict):
        out.error = f"the package evaluated to {type(value).__name__}, not an object"
        return out
    for key in ("deny", "warn", "not_applicable"):
        entries = value.get(key, [])
        if not isinstance(entries, list):
            out.error = f"'{key}' must be a set, got {type(entries).__name__}"
            return out
        for entry in entries:
            finding = _finding(entry)
            if finding is None:
                out.error = f"{key}: {MSG_BAD_FINDING}, got {entry!r}"
                return out
            getattr(out, key).append(finding)
    for key in ("deny", "warn", "not_applicable"):
        getattr(out, key).sort(key=lambda f: (f.message, f.evidence))
    return out


def _finding(entry: Any) -> Finding | None:
    if isinstance(entry, str):
        return Finding(entry)
    if isinstance(entry, dict) and isinstance(entry.get("msg"), str):
        ev = entry.get("evidence", [])
        if isinstance(ev, str):
            ev = [ev]
        if not isinstance(ev, list) or not all(isinstance(e, str) for e in ev):
            return None
        return Finding(entry["msg"], tuple(sorted(set(ev))))
    return None


_LOCATION = re.compile(r"-->\s*(\S+?:\d+:\d+)")
_ERROR = re.compile(r"^error:\s*(.+)$", re.M)


def clean_engine_message(raw: str) -> str:
    """regorus's message as one line ``file:line:col: what``, without a Rust backtrace tail."""
    text = raw.split("\nStack backtrace:", 1)[0].strip()
    loc = _LOCATION.search(text)
    err = _ERROR.search(text)
    if loc and err:
        return f"{loc.group(1)}: {err.group(1).strip()}"
    return " ".join(text.split())
