"""The MLflow collector: registered models, their versions, the runs behind them and the runs' datasets.

Settings: ``tracking_uri`` (a sqlite path or URI relative to the config, or a server URL), optional
``registry_uri``, ``models`` (names; default: every registered model), and for a server ``retries``
(default 2) and ``timeout`` in seconds (default 30), so an unreachable server fails in seconds, not minutes.
Versions registered from the same run say so (``shared_run_with``). The prompt versions a run links (MLflow's
``mlflow.linkedPrompts`` run tag, written by ``link_prompt_version_to_run``) are read from the prompt registry,
one ``prompt_version`` record each (template digest, commit message, tags, aliases); a linked version the
registry does not have stops the audit, naming the run. With ``model_signing: {trusted_keys: [...]}``
each version's OpenSSF model signature is checked too (:mod:`ailm.collectors.model_signing`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from pydantic import BaseModel, ConfigDict, Field

from ailm.canonical import canonical_json, sha256_bytes, sha256_file, sha256_json
from ailm.collectors.base import CollectContext, Collection, utc_z
from ailm.collectors.model_signing import ROLE as SIG_ROLE
from ailm.collectors.model_signing import ModelSigning, TrustedKey, load_keys
from ailm.collectors.model_signing import check as check_signature
from ailm.errors import CollectorError
from ailm.evidence import ids
from ailm.evidence.model import Edge, Evidence, Node, Source
from ailm.plugins import Plugin
from ailm.redact import redact

COLLECTOR = "mlflow"
PROMPT_ROLE = "prompt_version"
LINKED_PROMPTS = "mlflow.linkedPrompts"  # the run tag MLflow writes when a prompt version is linked to a run


def _iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    return utc_z(datetime.fromtimestamp(ms / 1000, UTC))


def _resolve_uri(uri: str, base_dir: Path) -> tuple[str, Path | None]:
    """A tracking URI with relative sqlite paths made absolute, and the local database file if any."""
    if "://" not in uri:
        path = (base_dir / uri).resolve()
        return f"sqlite:///{path}", path
    if uri.startswith("sqlite:///"):
        raw = uri.removeprefix("sqlite:///")
        path = Path(raw) if raw.startswith("/") else (base_dir / raw).resolve()
        return f"sqlite:///{path}", path
    return uri, None


def artifact_digest(location: str) -> tuple[str | None, list[dict[str, Any]]]:
    """sha256 over the sorted (path, sha256, size) of every file of a local artifact folder."""
    parsed = urlparse(location)
    if parsed.scheme not in ("", "file"):
        return None, []
    root = Path(unquote(parsed.path))
    if not root.is_dir():
        return None, []
    files = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        files.append(
            {"path": path.relative_to(root).as_posix(), "sha256": sha256_file(path), "size": path.stat().st_size}
        )
    return sha256_json(files), files


def _stage(mv: Any) -> str | None:
    """MLflow's (legacy) stage of a version; MLflow writes the string "None" for no stage."""
    stage = getattr(mv, "current_stage", None)
    return str(stage) if stage and str(stage) != "None" else None


def _paged(search: Any, filter_string: str | None = None) -> Iterator[Any]:
    """Every result of an MLflow search, following its page tokens."""
    token = None
    while True:
        page = search(filter_string=filter_string, page_token=token)
        yield from page
        token = page.token
        if not token:
            return


def _name_filter(name: str) -> str | None:
    """MLflow's search filter for one model's versions. Its grammar takes a value in single or double quotes and
    has no escape inside them, so the name is quoted with a quote it does not hold; a name holding both gets no
    filter (every version is listed and matched here, as every result is)."""
    if "'" not in name:
        return f"name='{name}'"
    if '"' not in name:
        return f'name="{name}"'
    return None


class MlflowCollector:
    def __init__(
        self,
        *,
        tracking_uri: str,
        registry_uri: str | None,
        models: list[str] | None,
        retries: int = 2,
        timeout: float = 30,
        model_signing: ModelSigning | None = None,
    ) -> None:
        self.tracking_uri = tracking_uri
        self.registry_uri = registry_uri
        self.models = models
        self.retries = retries
        self.timeout = timeout
        self.model_signing = model_signing

    def fingerprint(self, ctx: CollectContext) -> str | None:
        """For a local store only (sqlite files and file:// artifacts), read without MLflow: each database file's
        sha256 and every file of every registered artifact folder, so an unchanged registry is not read again
        and a changed byte anywhere it records is. None (no cache) for a server or a schema this does not know."""
        import sqlite3

        _, db = _resolve_uri(self.tracking_uri, ctx.base_dir)
        _, reg_db = _resolve_uri(self.registry_uri, ctx.base_dir) if self.registry_uri else (None, db)
        if db is None or reg_db is None or not db.is_file() or not reg_db.is_file():
            return None
        locations: set[str] = set()
        try:
            for path in {db, reg_db}:
                with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
                    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                    if "model_versions" in tables:
                        for source, storage in conn.execute("SELECT source, storage_location FROM model_versions"):
                            locations.update(str(x) for x in (source, storage) if x)
                    if "logged_models" in tables:
                        locations.update(
                            str(r[0]) for r in conn.execute("SELECT artifact_location FROM logged_models") if r[0]
                        )
        except sqlite3.Error:
            return None
        parts = [f"{p}:{sha256_file(p)}" for p in sorted({db, reg_db})]
        if self.model_signing is not None:  # the trusted keys are part of what the records say
            parts += [f"trusted:{k.path}:{k.key_id}" for k in load_keys(self.model_signing, ctx.base_dir)]
        for location in sorted(locations):
            if location.startswith("models:/"):
                continue  # resolved through logged_models above
            digest, _ = artifact_digest(location)
            if digest is None and urlparse(location).scheme not in ("", "file"):
                return None  # a remote artifact store: its content cannot be fingerprinted here
            parts.append(f"{location}:{digest}")
        return "|".join(parts)  # what it collects does not depend on the clock (subjects are chosen later)

    def collect(self, ctx: CollectContext) -> Collection:
        tracking, db = _resolve_uri(self.tracking_uri, ctx.base_dir)
        registry, reg_db = _resolve_uri(self.registry_uri, ctx.base_dir) if self.registry_uri else (tracking, db)
        for path in {db, reg_db} - {None}:
            assert path is not None
            # MLflow would create an empty store at a missing path: an empty registry must never pass.
            if not path.is_file():
                raise CollectorError(f"MLflow store {path} does not exist")
        os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
        try:
            import mlflow
            from mlflow.exceptions import MlflowException
        except ImportError as exc:  # pragma: no cover - a dependency of ailm
            raise CollectorError(f"mlflow is not installed: {exc}") from None
        http = {"MLFLOW_HTTP_REQUEST_MAX_RETRIES": str(self.retries), "MLFLOW_HTTP_REQUEST_TIMEOUT": str(self.timeout)}
        saved = {k: os.environ.get(k) for k in http}
        os.environ.update(http)
        signing = (self.model_signing, load_keys(self.model_signing, ctx.base_dir)) if self.model_signing else None
        try:
            client = mlflow.MlflowClient(tracking_uri=tracking, registry_uri=registry)
            return _Reader(client, Source(collector=COLLECTOR, uri=redact(tracking)), signing).read(self.models)
        except CollectorError:
            raise
        except MlflowException as exc:
            raise CollectorError(redact(f"MLflow at {tracking}: {exc.message}")) from None
        except Exception as exc:  # sqlalchemy and requests errors reach us unwrapped
            raise CollectorError(redact(f"MLflow at {tracking}: {type(exc).__name__}: {exc}")) from None
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


class _Reader:
    def __init__(self, client: Any, source: Source, signing: tuple[ModelSigning, list[TrustedKey]] | None) -> None:
        self.client = client
        self.source = source
        self.signing = signing
        self.out = Collection()
        self.runs_done: set[str] = set()

    def read(self, names: list[str] | None) -> Collection:
        if names is None:  # every registered model, page after page (one call gives the first 100 only)
            names = sorted(m.name for m in _paged(self.client.search_registered_models))
        pending: list[tuple[str, Any, list[str]]] = []
        for name in names:
            pending.extend(self._model(name))
        by_run: dict[str, list[str]] = {}
        for name, mv, _ in pending:
            if mv.run_id:
                by_run.setdefault(mv.run_id, []).append(ids.version(name, mv.version))
        for name, mv, aliases in pending:
            others = [v for v in by_run.get(mv.run_id or "", []) if v != ids.version(name, mv.version)]
            self._version(name, mv, aliases, others)
        return self.out

    def _model(self, name: str) -> list[tuple[str, Any, list[str]]]:
        rm = self.client.get_registered_model(name)
        node = ids.model(name)
        self.out.nodes.append(Node(id=node, type="model", attrs={"name": name}))
        self.out.records.append(
            Evidence.make(
                kind="mlflow.registered_model",
                id=f"mlflow:registered_model:{name}",
                role="registry_model",
                subject=node,
                source=self.source,
                data={
                    "name": name,
                    "description": rm.description or None,  # the REST API says "" where the store says None
                    "tags": dict(rm.tags or {}),
                    "aliases": {k: str(v) for k, v in (rm.aliases or {}).items()},
                    "created_at": _iso(rm.creation_timestamp),
                },
            )
        )
        # search results do not carry aliases; the registered model's alias map does
        aliases: dict[str, list[str]] = {}
        for alias, version in (rm.aliases or {}).items():
            aliases.setdefault(str(version), []).append(alias)
        versions = [mv for mv in _paged(self.client.search_model_versions, _name_filter(name)) if mv.name == name]
        return [
            (name, mv, sorted(set(aliases.get(str(mv.version), [])) | set(mv.aliases or [])))
            for mv in sorted(versions, key=lambda v: int(v.version))
        ]

    def _version(self, name: str, mv: Any, aliases: list[str], shared_run_with: list[str]) -> None:
        node = ids.version(name, mv.version)
        model_id = mv.source.removeprefix("models:/") if str(mv.source).startswith("models:/") else None
        location, problem = mv.source, None
        if model_id:
            try:
                location = self.client.get_logged_model(model_id).artifact_location
            except Exception as exc:  # one version's broken registration must not stop the audit of the others
                problem = redact(f"its logged model {model_id} cannot be read: {type(exc).__name__}: {exc}")
        if problem is None and getattr(mv, "status", "READY") == "FAILED_REGISTRATION":
            problem = "its registration failed (status FAILED_REGISTRATION)"
        digest, files = artifact_digest(location)
        self.out.nodes.append(Node(id=node, type="model_version", attrs={"name": name, "version": str(mv.version)}))
        self.out.edges.append(Edge(src=ids.model(name), dst=node, type="version_of"))
        record_id = f"mlflow:model_version:{name}/{mv.version}"
        self.out.records.append(
            Evidence.make(
                kind="mlflow.model_version",
                id=record_id,
                role=ids.REG,
                subject=node,
                source=self.source,
                data={
                    "name": name,
                    "version": str(mv.version),
                    "source": mv.source,
                    "model_id": model_id,
                    "run_id": mv.run_id,
                    "status": mv.status,
                    "stage": _stage(mv),
                    "tags": dict(mv.tags or {}),
                    "aliases": aliases,
                    "created_at": _iso(mv.creation_timestamp),
                    "updated_at": _iso(mv.last_updated_timestamp),
                    "description": mv.description or None,
                    "artifact_location": location,
                    "artifact_digest": digest,
                    "artifact_files": files,
                    "shared_run_with": shared_run_with,  # other versions registered from the same run
                    "artifact_problem": problem,  # why the registry cannot give this version's artifact
                },
            )
        )
        if self.signing is not None:
            settings, keys = self.signing
            self.out.records.append(
                Evidence.make(
                    kind="mlflow.model_signature", id=f"mlflow:model_signature:{name}/{mv.version}", role=SIG_ROLE,
                    subject=node, source=self.source, data={"artifact_location": location,
                                                            **check_signature(location, files, settings, keys)},
                )
            )  # fmt: skip
        if mv.run_id:
            self.out.edges.append(Edge(src=ids.run(mv.run_id), dst=node, type="produced", evidence=record_id))
            self._run(mv.run_id)

    def _run(self, run_id: str) -> None:
        if run_id in self.runs_done:
            return
        self.runs_done.add(run_id)
        run = self.client.get_run(run_id)
        node = ids.run(run_id)
        tags = dict(run.data.tags)
        name = tags.get("mlflow.runName")
        attrs = {"run_id": run_id, "source": COLLECTOR} | ({"job": f"mlflow/{name}"} if name else {})
        self.out.nodes.append(Node(id=node, type="run", attrs=attrs))
        record_id = f"mlflow:run:{run_id}"
        datasets = []
        for di in run.inputs.dataset_inputs:
            datasets.append(self._dataset(di, run_id, record_id))
        prompts = [self._prompt(name, version, run_id, record_id) for name, version in _linked(run_id, tags)]
        self.out.records.append(
            Evidence.make(
                kind="mlflow.run",
                id=record_id,
                role=ids.RUN,
                subject=node,
                source=self.source,
                data={
                    "run_id": run_id,
                    "experiment_id": run.info.experiment_id,
                    "name": tags.get("mlflow.runName"),
                    "status": run.info.status,
                    "lifecycle_stage": run.info.lifecycle_stage,  # "deleted" for a run in the trash
                    "user": tags.get("mlflow.user") or run.info.user_id,
                    "started_at": _iso(run.info.start_time),
                    "ended_at": _iso(run.info.end_time),
                    "git_commit": tags.get("mlflow.source.git.commit"),
                    "params": dict(run.data.params),
                    "metrics": {k: float(v) for k, v in run.data.metrics.items()},
                    "tags": {k: v for k, v in tags.items() if not k.startswith("mlflow.")},
                    "datasets": datasets,
                    "prompts": prompts,  # the prompt versions the run links (MLflow's prompt registry)
                },
            )
        )

    def _prompt(self, name: str, version: str, run_id: str, run_record: str) -> dict[str, Any]:
        """A prompt version the run serves, from the prompt registry; one the registry lacks stops the audit."""
        from mlflow.exceptions import MlflowException

        record_id = f"mlflow:prompt_version:{name}/{version}"
        node = f"prompt:{name}/{version}"
        self.out.edges.append(Edge(src=node, dst=ids.run(run_id), type="consumed", evidence=run_record))
        ref = {"name": name, "version": version, "evidence": record_id}
        if any(r.id == record_id for r in self.out.records):
            return ref
        try:
            pv = self.client.get_prompt_version(name, version)
        except MlflowException as exc:
            raise CollectorError(
                redact(f"run {run_id}: tag {LINKED_PROMPTS} names prompt {name} version {version}, which the "
                       f"prompt registry does not give ({exc.message})")
            ) from None  # fmt: skip
        if pv is None:
            raise CollectorError(
                f"run {run_id}: tag {LINKED_PROMPTS} names prompt {name} version {version}, which the prompt "
                "registry does not have"
            )
        # a chat prompt's template (a list of messages) is digested in the evidence's own canonical JSON
        template = pv.template if isinstance(pv.template, str) else canonical_json(pv.template).decode()
        self.out.nodes.append(Node(id=node, type="prompt", attrs={"name": name, "version": version}))
        self.out.records.append(
            Evidence.make(
                kind="mlflow.prompt_version",
                id=record_id,
                role=PROMPT_ROLE,
                subject=node,
                source=self.source,
                data={
                    "name": name,
                    "version": version,
                    "template_sha256": sha256_bytes(template.encode()),
                    "template_chars": len(template),
                    "variables": sorted(getattr(pv, "variables", None) or []),
                    "commit_message": pv.commit_message or None,
                    "tags": {k: str(v) for k, v in sorted((pv.tags or {}).items()) if not k.startswith("mlflow.")},
                    "aliases": sorted(str(a) for a in (pv.aliases or [])),
                    "created_at": _iso(pv.creation_timestamp),
                },
            )
        )
        return ref

    def _dataset(self, di: Any, run_id: str, run_record: str) -> dict[str, Any]:
        ds = di.dataset
        context = next((t.value for t in di.tags if t.key == "mlflow.data.context"), None)
        node = ids.dataset(ds.name)

        from ailm.canonical import DuplicateKeyError, loads_unique

        def _json(text: str | None, field: str) -> Any:
            try:
                return loads_unique(text) if text else None
            except DuplicateKeyError as exc:  # two uris, two row counts: which one a reader keeps is not defined
                raise CollectorError(f"run {run_id}: dataset {ds.name} {field} is not JSON: {exc}") from None
            except ValueError:
                return text

        data = {
            "name": ds.name,
            "digest": ds.digest,
            "source_type": ds.source_type,
            "source": _json(ds.source, "source"),
            "schema": _json(ds.schema, "schema"),
            "profile": _json(ds.profile, "profile"),
            "context": context,
        }
        attrs: dict[str, Any] = {"name": ds.name, "mlflow_digest": ds.digest, "source": COLLECTOR}
        where = data["source"].get("uri") if isinstance(data["source"], dict) else None
        if isinstance(where, str) and where:  # where MLflow says the data was read from: joins other sources
            if "://" not in where and not where.startswith("file:"):  # MLflow allows a plain path
                where = Path(where).expanduser().resolve().as_uri()
                data["source"] = {**data["source"], "uri": where}
            attrs["uri"] = where
        self.out.nodes.append(Node(id=node, type="dataset", attrs=attrs))
        self.out.edges.append(Edge(src=node, dst=ids.run(run_id), type="consumed", evidence=run_record))
        record_id = f"mlflow:dataset:{ds.name}@{ds.digest}"
        if not any(r.id == record_id for r in self.out.records):
            self.out.records.append(
                Evidence.make(
                    kind="mlflow.dataset", id=record_id, role=ids.DS, subject=node, source=self.source, data=data
                )
            )
        return {"name": ds.name, "digest": ds.digest, "context": context, "evidence": record_id}


def _linked(run_id: str, tags: dict[str, str]) -> list[tuple[str, str]]:
    """The (name, version) of each prompt the run links: MLflow's ``mlflow.linkedPrompts`` tag, a JSON list."""
    import json

    from ailm.canonical import loads_unique

    raw = tags.get(LINKED_PROMPTS)
    if raw is None:
        return []
    try:
        value = loads_unique(raw)  # {"version": "1", "version": "2"} names no one version
    except ValueError as exc:
        raise CollectorError(f"run {run_id}: tag {LINKED_PROMPTS} is not JSON: {raw[:80]!r} ({exc})") from None
    if not isinstance(value, list):
        raise CollectorError(f"run {run_id}: tag {LINKED_PROMPTS} must be a JSON list, got {type(value).__name__}")
    out = []
    for i, item in enumerate(value):
        name = item.get("name") if isinstance(item, dict) else None
        version = item.get("version") if isinstance(item, dict) else None
        if not isinstance(name, str) or not name or type(version) not in (str, int) or not str(version).isdigit():
            raise CollectorError(
                f"run {run_id}: tag {LINKED_PROMPTS} item {i + 1} must be {{name, version}} with a version number, "
                f"got {json.dumps(item)[:80]}"
            )
        out.append((name, str(int(str(version)))))
    return sorted(set(out))


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tracking_uri: str = Field(min_length=1, description="a sqlite file, sqlite:/// URI or a tracking server URL")
    registry_uri: str | None = Field(default=None, min_length=1, description="default: the tracking URI")
    models: list[str] | None = Field(default=None, description="registered model names; default: every one")
    retries: int = Field(default=2, ge=0, le=20, description="retries of a failed request to a server")
    timeout: float = Field(default=30, gt=0, le=3600, description="seconds per request to a server")
    model_signing: ModelSigning | None = Field(
        default=None, description="check each version's OpenSSF model signature against these trusted keys"
    )


plugin = Plugin(
    kind="collector",
    name="mlflow",
    summary="an MLflow registry: models, versions, aliases, their runs, parameters, metrics, input datasets and the "
    "prompt versions the runs serve",
    settings=Settings,
    build=lambda s: MlflowCollector(
        tracking_uri=s.tracking_uri,
        registry_uri=s.registry_uri,
        models=s.models,
        retries=s.retries,
        timeout=s.timeout,
        model_signing=s.model_signing,
    ),
    roles={
        "registry_model": "one",
        ids.REG: "one",
        ids.RUN: "one",
        ids.DS: "many",
        SIG_ROLE: "one",
        PROMPT_ROLE: "many",
    },
)
