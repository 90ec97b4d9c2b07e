"""The OpenLineage collector: run events from NDJSON files, as the openlineage-python client's file transport
writes them (one event per line, ``append: true``).

Settings: ``path`` (a file, or a folder of ``*.ndjson`` / ``*.json`` files, relative to the config).

Every RunEvent of a run is folded into one run: its job, final state (the latest terminal event, COMPLETE, FAIL
or ABORT, by its eventTime read as an instant, never as text), start and end times, and the union of its inputs and
outputs. Inputs become ``consumed`` edges; outputs become ``produced`` edges only for a run that COMPLETEd, so a
failed job never counts as having produced data. Each dataset keeps its latest facets (schema,
dataQualityMetrics, columnLineage, ownership, version, datasetType...). A dataset version facet that is a sha256
becomes the node's digest, to be checked against what other sources say. A malformed line stops the collection
with ``file:line``.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ailm.canonical import sha256_bytes
from ailm.collectors.base import CollectContext, Collection, files_at, json_lines
from ailm.collectors.cache import content_fingerprint
from ailm.errors import CollectorError
from ailm.evidence import ids
from ailm.evidence.model import Edge, Evidence, Node, Source
from ailm.plugins import Plugin

COLLECTOR = "openlineage"
EVENT_TYPES = frozenset({"START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER"})
TERMINAL = frozenset({"COMPLETE", "ABORT", "FAIL"})
_SHA256 = re.compile(r"^(sha256:)?([0-9a-f]{64})$")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", socket.gethostname(), socket.getfqdn()})
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")  # what UUID() reads
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z")


def dataset_uri(namespace: str, name: str) -> str:
    """A dataset's location as one URI: ``file`` namespaces become file URIs, others ``namespace/name``."""
    if namespace in ("file", "file://", "file:///") or namespace.startswith("file://"):
        path = name if name.startswith("/") else "/" + name
        host = namespace.removeprefix("file://").strip("/") if namespace.startswith("file://") else ""
        if host in _LOCAL_HOSTS:  # file://localhost/x and file://<this machine>/x are the file:///x others name
            host = ""
        return f"file://{host}{path}"
    return f"{namespace.rstrip('/')}/{name.lstrip('/')}"


def dataset_id(uri: str) -> str:
    return ids.dataset(uri)


@dataclass
class _Run:
    run_id: str
    job: str
    first_line: str
    events: int = 0
    started_at: str | None = None  # as the events wrote them; ordered by the instants below
    ended_at: str | None = None
    state: str | None = None
    started: datetime | None = None
    state_time: datetime | None = None
    inputs: dict[str, tuple[str, str]] = field(default_factory=dict)
    outputs: dict[str, tuple[str, str]] = field(default_factory=dict)
    run_facets: set[str] = field(default_factory=set)
    parent: str | None = None


class OpenLineageCollector:
    def __init__(self, *, path: str) -> None:
        self.path = path

    def files(self, ctx: CollectContext) -> list[Path]:
        return files_at(
            (ctx.base_dir / self.path).resolve(),
            match=lambda p: p.suffix in (".ndjson", ".json", ".jsonl"),
            empty="no .ndjson/.json/.jsonl OpenLineage event files in this folder",
            missing="OpenLineage event file not found",
        )

    def fingerprint(self, ctx: CollectContext) -> str:
        """What the cache is keyed by: every file's path and content digest."""
        return content_fingerprint(self.files(ctx))

    def collect(self, ctx: CollectContext) -> Collection:
        files = self.files(ctx)
        runs, datasets, other_events = fold_events(files)
        return _collection(runs, datasets, files, other_events)


def fold_events(files: list[Path]) -> tuple[dict[str, _Run], dict[str, dict[str, Any]], int]:
    """Every event of ``files``, in order, folded into its run and its datasets; and how many events carry no run
    (DatasetEvents, JobEvents). A malformed line stops with ``file:line``; no event at all is an error."""
    runs: dict[str, _Run] = {}
    datasets: dict[str, dict[str, Any]] = {}
    other_events = 0
    events = 0
    uris: dict[tuple[str, str], str] = {}
    for path in files:
        for lineno, event in json_lines(path, item="event", line="an event line"):
            if not isinstance(event, dict):
                raise CollectorError(f"{path}:{lineno}: an OpenLineage event is a JSON object")
            events += 1
            if "run" not in event:  # a DatasetEvent or JobEvent: static metadata, no run to join
                if "eventType" in event:
                    raise CollectorError(f"{path}:{lineno}: a RunEvent (it has an eventType) without a run")
                if "dataset" not in event and "job" not in event:
                    raise CollectorError(f"{path}:{lineno}: neither a RunEvent, a JobEvent nor a DatasetEvent")
                other_events += 1
                continue
            _fold(event, f"{path}:{lineno}", runs, datasets, uris)
    if events == 0:
        raise CollectorError(f"{', '.join(str(p) for p in files)}: no OpenLineage event in the file(s)")
    return runs, datasets, other_events


def surely_a_time(value: str) -> bool:
    """True only for an eventTime that the spec's own validator (dateutil's ``isoparse``, then a ``T`` between
    date and time) accepts, found without it: a value of ``_TIME``'s shape with a ``T`` that ``fromisoformat``
    reads, with an offset of fewer than 60 minutes (``fromisoformat`` reads ``+00:71``; ``isoparse`` does not).
    False leaves the decision to that validator: 20 times faster for the common case, never looser
    (tests/test_collectors.py holds it to ``isoparse`` on generated times)."""
    return _TIME.match(value) is not None and _shaped_instant(value) is not None


def _shaped_instant(value: str) -> datetime | None:
    """The instant of a value already known to have ``_TIME``'s shape, where ``surely_a_time`` holds; else None."""
    if value[10] not in "Tt" or (value[-1] not in "Zz" and value[-2] > "5"):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


@lru_cache(maxsize=1024)  # a file has few producer URIs, repeated on every event; a refused one is not kept
def _check_producer(producer: str) -> None:
    from openlineage.client.generated import base

    base.BaseEvent.producer_check(None, None, producer)  # type: ignore[arg-type]


def _spec_check(event: dict[str, Any], etype: str, time: str, run_id: str, where: str, *, new_run: bool) -> datetime:
    """What openlineage-python's classes generated from the spec require of a RunEvent: eventTime a date-time
    (with a time) and producer a URI, on every event (a run's end time is read from its last event); runId a
    UUID and eventType one of the spec's, once per run. Returns the eventTime as an instant: times are ordered
    as instants, never as text (``10:00:00+05:00`` is before ``06:00:00Z``; ``00:00:00.5Z`` is after
    ``00:00:00Z``). Checked with the spec classes' own validators, called directly (building the classes for each
    of 50,000 runs took 1.5 s; the validators 1.3 s, most of it dateutil reading eventTime, which ``surely_a_time``
    spares it when it can, and 0.2 s ``uuid.UUID`` reading runId, which a runId in the canonical 8-4-4-4-12 hex
    form does not need). ``time`` has ``_TIME``'s shape (the caller checked); the spec's module is imported only
    where the fast checks leave the decision to it."""
    try:
        instant = _shaped_instant(time)
        if instant is None:
            from dateutil.parser import isoparse
            from openlineage.client.generated import base

            base.BaseEvent.eventtime_check(None, None, time)  # type: ignore[arg-type]
            instant = isoparse(time)  # what that check read; with a zone, which _TIME requires
        _check_producer(event["producer"])
        if new_run:
            _check_run(etype, run_id, "eventType" in event)
    except (ValueError, TypeError, OverflowError) as exc:
        raise CollectorError(f"{where}: not a valid OpenLineage RunEvent: {exc}") from None
    return instant


def _check_run(etype: str, run_id: str, typed: bool) -> None:
    from openlineage.client.generated import base

    if not _UUID.fullmatch(run_id):  # the canonical form, which UUID() surely reads; anything else, it decides
        base.Run.runid_check(None, None, run_id)  # type: ignore[arg-type]
    if typed:
        base.EventType(etype)


def _need(obj: Any, key: str, where: str, what: str) -> Any:
    value = obj.get(key) if isinstance(obj, dict) else None
    if value is None or value == "":
        raise CollectorError(f"{where}: {what} has no '{key}'")
    return value


def _fold(event: dict[str, Any], where: str, runs: dict[str, _Run], datasets: dict[str, dict[str, Any]],
          uris: dict[tuple[str, str], str]) -> None:  # fmt: skip
    """Fold one RunEvent into its run and its datasets. The common path reads fields directly; only a
    missing or mistyped one goes through the checks that name it."""
    etype = event.get("eventType", "OTHER")
    if etype not in EVENT_TYPES:
        raise CollectorError(f"{where}: eventType {etype!r} is not one of {', '.join(sorted(EVENT_TYPES))}")
    try:
        time = event["eventTime"]
        run_part = event["run"]
        run_id = run_part["runId"]
        job = event["job"]
        job_name = job["namespace"] + "/" + job["name"]
        if not (time and run_id and isinstance(time, str) and isinstance(run_id, str)):
            raise KeyError
    except (KeyError, TypeError):
        _need(event, "eventTime", where, "the event")
        _need(event.get("run"), "runId", where, "run")
        job = event.get("job")
        _need(job, "namespace", where, "job")
        _need(job, "name", where, "job")
        raise CollectorError(f"{where}: eventTime, run.runId, job.namespace and job.name must be strings") from None
    if not _TIME.match(time):
        raise CollectorError(f"{where}: eventTime {time[:40]!r} is not an RFC 3339 date-time with a time zone")
    for key in ("producer", "schemaURL"):
        if not isinstance(event.get(key), str) or not event[key]:
            raise CollectorError(f"{where}: the event has no '{key}' (the OpenLineage spec requires it)")
    if not isinstance(job["namespace"], str) or not isinstance(job["name"], str):
        raise CollectorError(f"{where}: job.namespace and job.name must be strings")
    run = runs.get(run_id)
    instant = _spec_check(event, etype, time, run_id, where, new_run=run is None)  # the spec's checks of formats
    if run is None:
        run = runs[run_id] = _Run(run_id=run_id, job=job_name, first_line=where)
    elif run.job != job_name:
        raise CollectorError(f"{where}: run {run_id} is job {job_name} here but {run.job} at {run.first_line}")
    run.events += 1
    facets = run_part.get("facets")
    if facets and isinstance(facets, dict):
        run.run_facets.update(facets)
        parent = facets.get("parent")
        if isinstance(parent, dict) and isinstance(parent.get("run"), dict):
            run.parent = parent["run"].get("runId")
    if etype == "START" and (run.started is None or instant < run.started):
        run.started_at, run.started = time, instant
    if run.state_time is None or instant >= run.state_time:  # the latest event decides, a later line on a tie
        if etype in TERMINAL:
            run.state, run.state_time, run.ended_at = etype, instant, time
        elif run.state is None:
            run.state_time = instant
    for key, target in (("inputs", run.inputs), ("outputs", run.outputs)):
        items = event.get(key)
        if not items:
            continue
        if not isinstance(items, list):
            raise CollectorError(f"{where}: '{key}' must be a list")
        for i, ds in enumerate(items):
            try:
                ident = (ds["namespace"], ds["name"])
                if not (isinstance(ident[0], str) and isinstance(ident[1], str) and ident[0] and ident[1]):
                    raise CollectorError(f"{where}: {key}[{i}]: namespace and name must be non-empty strings")
                uri = uris.get(ident) or uris.setdefault(ident, dataset_uri(ident[0], ident[1]))
            except (KeyError, TypeError):
                _need(ds, "namespace", where, f"{key}[{i}]")
                _need(ds, "name", where, f"{key}[{i}]")
                raise CollectorError(f"{where}: {key}[{i}] must be an object") from None
            target[uri] = ident
            seen = datasets.get(uri)
            if seen is None:
                seen = datasets[uri] = {"namespace": ident[0], "name": ident[1], "facets": {}}
            store = seen["facets"]
            for extra in ("facets", "inputFacets", "outputFacets"):  # later events refine earlier ones
                more = ds.get(extra)
                if more and isinstance(more, dict):
                    store.update(more)


def _strip(facet: Any) -> Any:
    """A facet without its _producer/_schemaURL bookkeeping."""
    if isinstance(facet, dict):
        return {k: v for k, v in facet.items() if k not in ("_producer", "_schemaURL", "_deleted")}
    return facet


def _collection(
    runs: dict[str, _Run], datasets: dict[str, dict[str, Any]], files: list[Path], other: int
) -> Collection:
    source = Source(collector=COLLECTOR, uri=files[0].as_uri() if len(files) == 1 else files[0].parent.as_uri())
    scope = sha256_bytes(source.uri.encode())[:8]  # record ids stay unique when two sources name one dataset
    now = datetime.now(UTC)  # one read of the files: one time of collection
    out = Collection()
    edges = out.edges
    for uri, ds in sorted(datasets.items()):
        node = dataset_id(uri)
        facets = {k: _strip(v) for k, v in sorted(ds["facets"].items())}
        attrs: dict[str, Any] = {"name": ds["name"].rsplit("/", 1)[-1], "uri": uri, "source": COLLECTOR}
        version = facets.get("version", {}).get("datasetVersion") if isinstance(facets.get("version"), dict) else None
        match = _SHA256.match(str(version or ""))
        if match:
            attrs["sha256"] = match.group(2)
        out.nodes.append(Node(id=node, type="dataset", attrs=attrs))
        out.records.append(
            Evidence.make(
                kind="openlineage.dataset",
                id=f"openlineage:{scope}:dataset:{uri}",
                role="ol_dataset",
                subject=node,
                source=source,
                data={"namespace": ds["namespace"], "name": ds["name"], "uri": uri, "facets": facets},
                collected_at=now,
                json_only=True,  # what orjson read from the events, and strings
            )
        )
    for run_id, run in sorted(runs.items()):
        node = ids.run(run_id)
        record_id = f"openlineage:{scope}:run:{run_id}"
        attrs = {"run_id": run_id, "job": run.job, "source": COLLECTOR}
        out.nodes.append(Node(id=node, type="run", attrs=attrs))
        inputs, outputs = sorted(run.inputs), sorted(run.outputs)
        for uri in inputs:
            edges.append(Edge(src=dataset_id(uri), dst=node, type="consumed", evidence=record_id))
        if run.state == "COMPLETE":
            for uri in outputs:
                edges.append(Edge(src=node, dst=dataset_id(uri), type="produced", evidence=record_id))
        out.records.append(
            Evidence.make(
                kind="openlineage.run",
                id=record_id,
                role=ids.OL_RUN,
                subject=node,
                source=source,
                data={
                    "run_id": run_id,
                    "job": run.job,
                    "state": run.state or "incomplete",
                    "started_at": run.started_at,
                    "ended_at": run.ended_at,
                    "events": run.events,
                    "parent_run_id": run.parent,
                    "run_facets": sorted(run.run_facets),
                    "inputs": inputs,
                    "outputs": outputs,
                    "outputs_counted": run.state == "COMPLETE",
                },
                collected_at=now,
                json_only=True,  # strings, counts and booleans, and the parent's runId as orjson read it
            )
        )
    if other:
        out.notes.append(f"{other} DatasetEvent/JobEvent line(s) carry no run and were not joined")
    return out


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, description="an NDJSON file of OpenLineage events, or a folder of them")


plugin = Plugin(
    kind="collector",
    name="openlineage",
    summary="OpenLineage run events (NDJSON): runs, jobs, input and output datasets",
    settings=Settings,
    build=lambda s: OpenLineageCollector(path=s.path),
    roles={ids.OL_RUN: "many", "ol_dataset": "many"},
)
