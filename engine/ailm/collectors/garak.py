"""The garak collector: red-team reports written by NVIDIA's garak LLM vulnerability scanner.

garak writes one JSON object a line (``<prefix>.report.jsonl``): an ``init`` entry (garak version, start time,
run id), the ``start_run setup`` entry (its configuration: target type and name, probe spec, seed,
generations), one ``attempt`` entry per prompt and status, one ``eval`` entry per probe and detector (how
many outputs passed and how many the detector flagged), a ``probe_summary`` per probe and, when the run
finished, a ``completion`` entry with its end time. ailm reads that format with its own typed reader:
garak itself (which brings torch, transformers and an LLM client stack) is never imported.

Settings: ``path`` (a report file, or a folder of ``*.report.jsonl``), ``model`` (the registered model the
reports are about) and ``time_zone`` (garak writes its local time with no zone: the zone of the machine
that ran it, ``UTC`` unless given). Each report is one record (``garak_run``): run id, garak version, target,
start and end time, whether the run completed, and per probe and detector the outputs evaluated, the hits
(outputs the detector flagged) and the hit rate. A line that is not JSON, an entry without its fields, a
count that is not a whole number, two reports of one run: the file and line, and the audit stops.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from ailm.collectors.base import CollectContext, Collection, ToolFiles, ToolSettings, json_lines, utc_z
from ailm.errors import CollectorError
from ailm.plugins import Plugin

COLLECTOR = "garak"
ROLE = "garak_run"
KNOWN = frozenset(
    {"init", "start_run setup", "attempt", "eval", "probe_summary", "completion", "digest", "plugin_cache",
     "payload_init"}
)  # fmt: skip
_COUNTS = ("passed", "fails", "nones", "total_evaluated")
_NAME = re.compile(r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+$")  # module.Class, as garak names probes and detectors


def _time(value: Any, where: str, field: str, zone: Any) -> str:
    if value is None:
        raise CollectorError(f"{where}: the entry has no {field!r} (an ISO 8601 date-time)")
    if not isinstance(value, str):
        raise CollectorError(f"{where}: {field} must be an ISO 8601 date-time, got {type(value).__name__}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CollectorError(f"{where}: {field} {value[:40]!r} is not an ISO 8601 date-time") from None
    if moment.tzinfo is None:  # garak writes datetime.now(): the local time of the machine that ran it
        moment = moment.replace(tzinfo=zone)
    return utc_z(moment)


def _text(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise CollectorError(f"{where}: the {entry.get('entry_type')} entry has no {key!r} (a non-empty string)")
    return value


def read_report(path: Path, zone: Any) -> dict[str, Any]:
    """One report file as the record's data; every problem names the file and line."""
    init: dict[str, Any] | None = None
    setup: dict[str, Any] = {}
    evals: dict[tuple[str, str], dict[str, Any]] = {}
    attempts: dict[str, set[str]] = {}
    completion: dict[str, Any] | None = None
    unknown: set[str] = set()
    for lineno, entry in json_lines(path, item="entry", line="a report line", standard=True):
        where = f"{path}:{lineno}"
        if not isinstance(entry, dict) or not isinstance(entry.get("entry_type"), str):
            raise CollectorError(f"{where}: a garak report entry is a JSON object with an entry_type")
        kind = entry["entry_type"]
        if kind == "init":
            if init is not None:
                raise CollectorError(f"{where}: a second init entry: one report holds one run")
            init = {
                "run_id": _text(entry, "run", where),
                "garak_version": _text(entry, "garak_version", where),
                "started_at": _time(entry.get("start_time"), where, "start_time", zone),
            }
        elif kind == "start_run setup":
            setup = entry
        elif kind == "attempt":
            probe = _text(entry, "probe_classname", where)
            attempts.setdefault(probe, set()).add(_text(entry, "uuid", where))
        elif kind == "eval":
            probe, detector = _text(entry, "probe", where), _text(entry, "detector", where)
            for name in (probe, detector):
                if not _NAME.match(name):
                    raise CollectorError(f"{where}: {name[:60]!r} is not a garak plugin name (module.Class)")
            counts = {}
            for key in _COUNTS:
                value = entry.get(key)
                if type(value) is not int or value < 0:
                    raise CollectorError(f"{where}: eval {probe}/{detector}: {key} must be a whole number >= 0")
                counts[key] = value
            if counts["passed"] + counts["fails"] != counts["total_evaluated"]:
                raise CollectorError(
                    f"{where}: eval {probe}/{detector}: passed + fails is not total_evaluated "
                    f"({counts['passed']} + {counts['fails']} != {counts['total_evaluated']})"
                )
            if (probe, detector) in evals:
                raise CollectorError(f"{where}: a second eval of {probe} by {detector} in one run")
            evals[(probe, detector)] = counts
        elif kind == "completion":
            completion = {"ended_at": _time(entry.get("end_time"), where, "end_time", zone)}
        elif kind not in KNOWN:
            unknown.add(kind)
    if init is None:
        raise CollectorError(f"{path}: no init entry: not a garak report (or its first lines are missing)")
    if completion is None and not evals:
        raise CollectorError(f"{path}: no eval entry and no completion: the run did not get as far as any result")
    spec = setup.get("run.spec")
    included = spec.get("include") if isinstance(spec, dict) else None
    requested = [p.removeprefix("probes.") for p in included or [] if isinstance(p, str)]
    evaluated_probes = {p for p, _ in evals}
    probes = sorted(evaluated_probes | set(attempts))
    results = []
    for (probe, detector), c in sorted(evals.items()):
        evaluated = c["total_evaluated"]
        results.append(
            {
                "probe": probe,
                "family": probe.split(".", 1)[0],
                "detector": detector,
                "evaluated": evaluated,
                "hits": c["fails"],
                "passed": c["passed"],
                "no_output": c["nones"],
                "hit_rate": round(c["fails"] / evaluated, 6) if evaluated else None,
            }
        )
    target = {"type": setup.get("plugins.target_type"), "name": setup.get("plugins.target_name")}
    return {
        **init,
        "ended_at": completion["ended_at"] if completion else None,
        "completed": completion is not None,
        "target": {k: v if isinstance(v, str) else None for k, v in target.items()},
        "seed": setup.get("run.seed") if type(setup.get("run.seed")) is int else None,
        "generations": setup.get("run.generations") if type(setup.get("run.generations")) is int else None,
        "probes_requested": sorted(requested),
        "probes_run": probes,
        "families_run": sorted({p.split(".", 1)[0] for p in probes}),
        "probes_without_eval": sorted(set(requested) - evaluated_probes),
        "attempts": {p: len(u) for p, u in sorted(attempts.items())},
        "results": results,
        "unknown_entry_types": sorted(unknown),
    }


class GarakCollector(ToolFiles):
    what = "garak report (*.report.jsonl)"
    collector, kind, role = COLLECTOR, "garak.run", ROLE

    def __init__(self, *, path: str, model: str, time_zone: str, version: str | None = None) -> None:
        super().__init__(path=path, model=model, version=version)
        self.time_zone = time_zone

    @staticmethod
    def accepts(path: Path) -> bool:
        return path.name.endswith(".report.jsonl")

    def collect(self, ctx: CollectContext) -> Collection:
        try:
            zone = _zone_of(self.time_zone)
        except ValueError as exc:
            raise CollectorError(str(exc)) from None
        out = self.start()
        seen: dict[str, Path] = {}
        for path in self.files(ctx):
            data = read_report(path, zone)
            if data["run_id"] in seen:
                raise CollectorError(f"{path}: run {data['run_id']} is also reported in {seen[data['run_id']]}")
            seen[data["run_id"]] = path
            data["time_zone_assumed"] = self.time_zone
            out.records.append(self.record(path, f"garak:{data['run_id']}", data))
            if not data["completed"]:
                out.notes.append(
                    f"{path}: the garak run has no completion entry (stopped early?): recorded as incomplete"
                )
        return self.one_target(out, "target")


class Settings(ToolSettings):
    path: str = Field(min_length=1, description="a garak report (*.report.jsonl), or a folder of them")
    time_zone: str = Field(default="UTC", min_length=1, description="the zone of the machine that ran garak")

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        _zone_of(value)
        return value


def _zone_of(name: str) -> Any:
    try:
        return UTC if name.upper() == "UTC" else ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"time_zone {name!r} is not an IANA time zone (such as Europe/Paris)") from None


plugin = Plugin(
    kind="collector",
    name="garak",
    summary="garak red-team reports (JSONL): probes and detectors run, attempts, hits and hit rate per probe",
    settings=Settings,
    build=lambda s: GarakCollector(path=s.path, model=s.model, time_zone=s.time_zone, version=s.version),
    roles={ROLE: "many"},
)
