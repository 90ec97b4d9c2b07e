"""The audit configuration (``ailm.yaml``): sources, subjects, policies, thresholds, gate and signing.

Every path in it is relative to the folder of the config file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ailm.analysis.settings import AnalysisSettings
from ailm.errors import AilmError, InputError
from ailm.plugins import Plugin, load
from ailm.result import FailOn, RemediationPlan, Waiver
from ailm.yamlsrc import YamlSource


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CollectorEntry(BaseModel):
    model_config = ConfigDict(extra="allow")  # the collector's own settings, validated by its plugin's model

    name: str = Field(min_length=1, description="the collector plugin")
    optional: bool = False

    def settings(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class EvaluatorEntry(BaseModel):
    model_config = ConfigDict(extra="allow")  # the evaluator's own settings, validated by its plugin's model

    name: str = Field(default="embedded", min_length=1, description="the evaluator plugin")

    @model_validator(mode="before")
    @classmethod
    def _just_a_name(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value  # `evaluator: opa` is `evaluator: {name: opa}`

    def settings(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class SubjectSelector(_Strict):
    model: str = Field(min_length=1, description="a registered model's name, or a glob ('*', 'credit-*')")
    version: str = Field(default="*", description="a version number, 'latest', '@alias', or '*' for all")
    tags: dict[str, str] = Field(default_factory=dict, description="version tags that must all be set to these")
    stage: str | None = Field(default=None, min_length=1, description="the MLflow stage (Production, Staging, ...)")

    def is_glob(self) -> bool:
        return any(c in self.model for c in "*?[")


class Signing(_Strict):
    key: str | None = None
    certificate: str | None = Field(
        default=None,
        description="the key's X.509 certificate (PEM; the CA's after it); default: ailm.crt beside the key",
    )
    timestamp_url: str | None = Field(
        default=None, pattern=r"^https?://", description="an RFC 3161 timestamp authority: the PDF is signed PAdES B-T"
    )


class AuditConfig(_Strict):
    apiVersion: Literal["ailm/v1"]
    kind: Literal["AuditConfig"]
    name: str = Field(min_length=1)
    collectors: list[CollectorEntry] = Field(min_length=1)
    subjects: list[SubjectSelector] = Field(default_factory=list)
    builtin_policies: bool = True
    policies: list[str] = Field(default_factory=list)
    thresholds: dict[str, Any] = Field(default_factory=dict)
    waivers: str | None = None
    remediation: str | None = Field(
        default=None, description="a Remediation file: owner, due date and ticket per control"
    )
    fail_on: FailOn = "high"
    formats: list[str] = Field(default_factory=lambda: ["json", "html", "pdf"])

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, chosen: list[str]) -> list[str]:
        from ailm.plugins import names

        known = names("format")
        unknown = [n for n in chosen if n not in known]
        if unknown:
            raise ValueError(f"unknown report format {unknown[0]!r}; known: {', '.join(known)}")
        return chosen

    signing: Signing = Field(default_factory=Signing)
    horizon_days: list[int] = Field(
        default_factory=lambda: [7, 30, 90],
        description="days after as_of at which the same evidence is judged again, for what will expire ([] for none)",
    )

    @field_validator("horizon_days")
    @classmethod
    def _horizons(cls, days: list[int]) -> list[int]:
        if any(d < 1 or d > 3660 for d in days):
            raise ValueError("each horizon is a whole number of days from 1 to 3660")
        return sorted(set(days))

    history: str | None = Field(
        default=None,
        min_length=1,
        description="the history store: a SQLite file (relative to the config) or a database URL "
        "(postgresql+psycopg://...); default .ailm/history.db beside the config",
    )
    analysis: AnalysisSettings | None = None
    cache: str | None = Field(
        default=None, description="folder for collector caches: an unchanged source is not re-read"
    )
    evaluator: EvaluatorEntry = Field(default_factory=EvaluatorEntry)


@dataclass(frozen=True)
class ConfiguredCollector:
    entry: CollectorEntry
    plugin: Plugin | None  # None: an optional collector whose plugin cannot be loaded (``broken`` says why)
    settings: BaseModel | None
    where: str  # file:line of its entry, for messages
    broken: str | None = None


@dataclass(frozen=True)
class LoadedConfig:
    config: AuditConfig
    source: YamlSource
    collectors: tuple[ConfiguredCollector, ...] = ()

    @property
    def base_dir(self) -> Path:
        return self.source.path.parent

    def path(self, relative: str) -> Path:
        return (self.base_dir / relative).resolve()


def load_config(path: Path) -> LoadedConfig:
    src = YamlSource.load(Path(path).resolve(), what="config")
    if not isinstance(src.data, dict):
        raise src.error((), "a config is a mapping with apiVersion, kind, name and collectors")
    try:
        config = AuditConfig.model_validate(src.data)
    except ValidationError as exc:
        raise src.validation_error(exc) from None
    return LoadedConfig(config, src, tuple(_collectors(config, src)))


def _collectors(config: AuditConfig, src: YamlSource) -> list[ConfiguredCollector]:
    """Each collector's plugin and its settings, validated by the plugin's own model (errors at file:line). A
    plugin that cannot be loaded is an error naming it, unless its entry is optional (then the audit notes it)."""
    out = []
    for i, entry in enumerate(config.collectors):
        loc = ("collectors", i)
        try:
            plugin = load("collector", entry.name)
        except AilmError as exc:
            if entry.optional:  # the audit notes it when it runs the collectors
                out.append(ConfiguredCollector(entry, None, None, src.where(loc), broken=exc.message))
                continue
            raise InputError(f"{src.where((*loc, 'name'))}: collectors.{i}.name: {exc.message}") from None
        settings = plugin.configure(entry.settings(), src, loc)
        out.append(ConfiguredCollector(entry, plugin, settings, src.where(loc)))
    return out


class _WaiverFile(_Strict):
    apiVersion: Literal["ailm/v1"]
    kind: Literal["Waivers"]
    waivers: list[Waiver]


def load_waivers(path: Path, controls: set[str]) -> list[Waiver]:
    """The waivers, each naming exactly one control of the policy set (no glob: a waiver is a decision about
    one control, and one naming a control that does not exist would silently waive nothing)."""
    src, doc = _load_file(path, "waivers file", _WaiverFile)
    assert isinstance(doc, _WaiverFile)
    _named_controls(src, "waivers", [w.control for w in doc.waivers], controls)
    return doc.waivers


def _load_file(path: Path, what: str, model: type[_Strict]) -> tuple[YamlSource, _Strict]:
    src = YamlSource.load(path, what=what)
    if not isinstance(src.data, dict):  # an empty file, or a list: say what the file holds
        raise src.error((), f"a {what} is a mapping with {', '.join(model.model_fields)}")
    try:
        return src, model.model_validate(src.data)
    except ValidationError as exc:
        raise src.validation_error(exc) from None


class _RemediationFile(_Strict):
    apiVersion: Literal["ailm/v1"]
    kind: Literal["Remediation"]
    plans: list[RemediationPlan]


def load_remediation(path: Path, controls: set[str]) -> list[RemediationPlan]:
    """The remediation plans, validated as waivers are: each names one control of the policy set; two plans for
    the same control and subject are an error (which owner would the report name?)."""
    src, doc = _load_file(path, "remediation file", _RemediationFile)
    assert isinstance(doc, _RemediationFile)
    plans = doc.plans
    _named_controls(src, "plans", [p.control for p in plans], controls)
    seen: dict[tuple[str, str], int] = {}
    for i, p in enumerate(plans):
        if (p.control, p.subject) in seen:
            raise src.error(
                ("plans", i),
                f"a second plan for {p.control} on {p.subject!r} (the first is plans.{seen[p.control, p.subject]})",
            )
        seen[p.control, p.subject] = i
    return plans


def _named_controls(src: YamlSource, key: str, named: list[str], controls: set[str]) -> None:
    what = key.rstrip("s")
    for i, control in enumerate(named):
        loc = (key, i, "control")
        if any(c in control for c in "*?["):
            raise src.error(loc, f"{control!r}: a {what} names one control id (such as DEV-004), not a pattern")
        if control not in controls:
            near = sorted(c for c in controls if c.replace("-", "") == control.replace("-", "").upper())
            hint = f"; did you mean {near[0]}?" if near else ""
            raise src.error(loc, f"{control!r} is not a control of this policy set{hint}")
