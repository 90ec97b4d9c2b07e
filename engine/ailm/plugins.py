"""One plugin mechanism for every extension point: collectors, analyzers, evaluators and report formats.

A plugin is a :class:`Plugin` object that a package registers under an entry point of its kind's group (the
built-ins are registered the same way, in ailm's own ``pyproject.toml``)::

    [project.entry-points."ailm.collectors"]
    jira = "my_ailm_plugins.jira:plugin"

It declares its name, a pydantic settings model (the config's settings for it are validated by that model, so a
mistake is reported at its ``file:line``), how to build the implementation from validated settings and, for
collectors and analyzers, the evidence roles it emits and whether each holds one record or many per subject.

Nothing is imported until a plugin is used: listing names reads only the entry points, so a broken third-party
plugin breaks nothing until a config names it, and then it is reported by name, package and entry point.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ailm.errors import AilmError, UnknownNameError

if TYPE_CHECKING:
    from ailm.yamlsrc import Loc, YamlSource

Kind = Literal["collector", "analyzer", "evaluator", "format"]
GROUPS: dict[Kind, str] = {
    "collector": "ailm.collectors",
    "analyzer": "ailm.analyzers",
    "evaluator": "ailm.evaluators",
    "format": "ailm.formats",
}
LABEL: dict[Kind, str] = {
    "collector": "collector",
    "analyzer": "analyzer",
    "evaluator": "evaluator",
    "format": "report format",
}
Cardinality = Literal["one", "many"]


class PluginError(AilmError):
    """A plugin that cannot be loaded or does not keep its contract: no verdict (exit 2)."""


class NoSettings(BaseModel):
    """For a plugin that takes no settings: any key given to it is a mistake."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Plugin:
    kind: Kind
    name: str
    summary: str
    build: Callable[..., Any]  # (settings) -> implementation; an evaluator's also takes the policy set
    settings: type[BaseModel] = NoSettings
    roles: Mapping[str, Cardinality] = field(default_factory=dict)  # collectors and analyzers
    filename: str | None = None  # formats: the file it writes; None writes to standard output
    libraries: tuple[str, ...] = ()  # analyzers: distributions whose versions go into each measured record

    def configure(self, raw: Mapping[str, Any], src: YamlSource | None = None, loc: Loc = ()) -> BaseModel:
        """The plugin's settings, validated by its own model; an error names the config's file and line."""
        try:
            return self.settings.model_validate(dict(raw))
        except ValidationError as exc:
            if src is None:
                raise PluginError(f"{self.kind} {self.name!r}: {_first(exc)}") from None
            raise src.validation_error(exc, prefix=tuple(loc)) from None


def _first(exc: ValidationError) -> str:
    e = exc.errors()[0]
    where = ".".join(str(p) for p in e["loc"])
    return f"{where}: {e['msg']}" if where else str(e["msg"])


def _entry_points(kind: Kind) -> dict[str, EntryPoint]:
    return _scan(tuple(sys.path))[kind]


@cache
def _scan(path: tuple[str, ...]) -> dict[Kind, dict[str, EntryPoint]]:
    """Every group's entry points in one pass over the installed distributions (per ``sys.path``: a plugin
    installed on a path added later is found)."""
    out: dict[Kind, dict[str, EntryPoint]] = {kind: {} for kind in GROUPS}
    every = entry_points()
    for kind, group in GROUPS.items():
        for ep in every.select(group=group):
            out[kind].setdefault(ep.name, ep)  # the first distribution on the path wins, as importlib resolves
    return out


def names(kind: Kind) -> list[str]:
    """The names registered for a kind, without importing any plugin."""
    return sorted(_entry_points(kind))


def origin(ep: EntryPoint) -> str:
    """The distribution that registers an entry point, as ``name version``."""
    dist = getattr(ep, "dist", None)
    return f"{dist.name} {dist.version}" if dist is not None else "unknown distribution"


def _origin(ep: EntryPoint) -> str:
    return f"package {origin(ep)}, entry point {ep.group}:{ep.name} = {ep.value}"


@cache
def load(kind: Kind, name: str) -> Plugin:
    """The plugin registered under ``name``; an unknown name, or one that fails to load, is an error."""
    known = _entry_points(kind)
    if name not in known:
        raise UnknownNameError.of(LABEL[kind], name, list(known))
    ep = known[name]
    try:
        plugin = ep.load()
    except Exception as exc:  # a broken plugin: named, and only when it is used
        why = f"{type(exc).__name__}: {exc}"
        raise PluginError(f"{kind} plugin {name!r} cannot be loaded ({_origin(ep)}): {why}") from exc
    if not isinstance(plugin, Plugin):
        raise PluginError(f"{kind} plugin {name!r} ({_origin(ep)}) is a {type(plugin).__name__}, not an ailm Plugin")
    if plugin.kind != kind or plugin.name != name:
        raise PluginError(
            f"{kind} plugin {name!r} ({_origin(ep)}) declares itself as {plugin.kind} {plugin.name!r}; "
            "the entry point's group and name must match"
        )
    if not (isinstance(plugin.settings, type) and issubclass(plugin.settings, BaseModel)):
        raise PluginError(f"{kind} plugin {name!r} ({_origin(ep)}): its settings must be a pydantic model class")
    bad = [r for r, c in plugin.roles.items() if c not in ("one", "many") or not r]
    if bad:
        raise PluginError(f"{kind} plugin {name!r} ({_origin(ep)}): role {bad[0]!r}: say 'one' or 'many'")
    return plugin


def load_all(kind: Kind) -> tuple[list[Plugin], dict[str, str]]:
    """Every plugin of a kind that loads, and why each of the others did not (for listings, never for audits)."""
    plugins, broken = [], {}
    for name in names(kind):
        try:
            plugins.append(load(kind, name))
        except AilmError as exc:
            broken[name] = exc.message
    return plugins, broken


def cardinality(plugins: Iterable[Plugin], where: Sequence[str] = ()) -> dict[str, Cardinality]:
    """Role -> one/many over the plugins of one audit; two plugins that disagree about a role are an error."""
    out: dict[str, Cardinality] = {}
    owner: dict[str, str] = {}
    for p in plugins:
        for role, card in p.roles.items():
            if role in out and out[role] != card:
                raise PluginError(
                    f"{p.kind} {p.name!r} says evidence role {role!r} holds {card} record(s) per subject, "
                    f"{owner[role]} says {out[role]}"
                )
            out[role], owner[role] = card, f"{p.kind} {p.name!r}"
    return out


def many_roles() -> frozenset[str]:
    """The roles that hold many records, over every collector and analyzer that loads (for tools and benchmarks
    that build a policy input outside an audit; an audit uses only the plugins its config names)."""
    loaded = [*load_all("collector")[0], *load_all("analyzer")[0]]
    return frozenset(role for role, card in cardinality(loaded).items() if card == "many")
