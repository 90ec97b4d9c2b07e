"""The DVC collector: the stages of a DVC pipeline from ``dvc.yaml``, and what they last produced from
``dvc.lock`` (deps and outs with their md5 hashes, params). No DVC installation is needed: both files are
YAML.

Settings: ``path`` (the folder holding dvc.yaml and dvc.lock, or the dvc.yaml file, relative to the config).

A stage present in dvc.lock ran: its deps become ``consumed`` edges and its outs ``produced`` edges, each
file a dataset node keyed by its location with the locked md5. A stage with no lock entry, or whose command
changed since, is recorded as such and produces nothing. Where a locked file is in the workspace its md5 is
recomputed: a different one is a digest conflict in the lineage graph (the data changed after the lock).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ailm.collectors.base import CollectContext, Collection
from ailm.collectors.cache import content_fingerprint
from ailm.errors import CollectorError, InputError
from ailm.evidence import ids
from ailm.evidence.model import Edge, Evidence, Node, Source
from ailm.plugins import Plugin
from ailm.yamlsrc import YamlSource

COLLECTOR = "dvc"


def md5_file(path: Path) -> str:
    h = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _files(entries: Any, src: YamlSource, loc: tuple[str | int, ...]) -> list[dict[str, Any]]:
    """deps/outs of a stage: a list of paths (dvc.yaml) or of {path, md5|hash, size} (dvc.lock)."""
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise src.error(loc, "a list of paths")
    out = []
    for i, e in enumerate(entries):
        if isinstance(e, str):
            out.append({"path": e})
        elif isinstance(e, dict) and len(e) == 1 and isinstance(next(iter(e)), str) and "path" not in e:
            out.append({"path": next(iter(e))})  # `- model.pkl: {cache: false}` in dvc.yaml
        elif isinstance(e, dict) and isinstance(e.get("path"), str):
            out.append(e)
        else:
            raise src.error((*loc, i), "an entry is a path or a mapping with 'path'")
    return out


class DvcCollector:
    def __init__(self, *, path: str) -> None:
        self.path = path

    def _paths(self, ctx: CollectContext) -> tuple[Path, Path, Path]:
        given = (ctx.base_dir / self.path).resolve()
        root = given.parent if given.name in ("dvc.yaml", "dvc.lock") else given
        yaml_path, lock_path = root / "dvc.yaml", root / "dvc.lock"
        if not yaml_path.is_file():
            raise CollectorError(f"{yaml_path}: DVC pipeline file not found")
        return root, yaml_path, lock_path

    def fingerprint(self, ctx: CollectContext) -> str:
        root, yaml_path, lock_path = self._paths(ctx)
        # the workspace files are re-hashed against the lock, so their content is part of the key too
        files = [yaml_path, *([lock_path] if lock_path.is_file() else [])]
        files += [p for p in sorted(root.rglob("*")) if p.is_file() and ".dvc" not in p.parts and ".git" not in p.parts]
        return content_fingerprint(sorted(set(files)))

    def collect(self, ctx: CollectContext) -> Collection:
        root, yaml_path, lock_path = self._paths(ctx)
        try:
            pipeline = YamlSource.load(yaml_path, what="dvc.yaml")
            lock = YamlSource.load(lock_path, what="dvc.lock") if lock_path.is_file() else None
        except InputError as exc:
            raise CollectorError(str(exc)) from None
        stages = pipeline.data.get("stages") if isinstance(pipeline.data, dict) else None
        if not isinstance(stages, dict) or not stages:
            raise pipeline.error(("stages",), "dvc.yaml has no stages")
        locked: dict[str, Any] = {}
        if lock is not None:
            if not isinstance(lock.data, dict) or not isinstance(lock.data.get("stages"), dict):
                raise lock.error(("stages",), "dvc.lock has no stages mapping (schema 2.0)")
            locked = lock.data["stages"]
            for name in locked:
                if name not in stages:
                    raise lock.error(("stages", name), f"stage {name!r} is locked but not in dvc.yaml")
        return _collection(root, pipeline, lock, stages, locked)


def _collection(
    root: Path, pipeline: YamlSource, lock: YamlSource | None, stages: dict[str, Any], locked: dict[str, Any]
) -> Collection:
    source = Source(collector=COLLECTOR, uri=(lock.path if lock else pipeline.path).as_uri())
    out = Collection()
    seen_files: set[str] = set()

    def dataset(rel: str, md5: str | None) -> str:
        path = (root / rel).resolve()
        node = ids.dataset(path.as_uri())
        attrs: dict[str, Any] = {"name": path.name, "uri": path.as_uri(), "source": f"{COLLECTOR}: dvc.lock"}
        if md5 and not md5.endswith(".dir"):
            attrs["md5"] = md5
        out.nodes.append(Node(id=node, type="dataset", attrs=attrs))
        if md5 and not md5.endswith(".dir") and path.is_file() and node not in seen_files:
            seen_files.add(node)
            actual = md5_file(path)  # a different md5 here becomes a conflict when the graph merges the nodes
            out.nodes.append(Node(id=node, type="dataset", attrs={"md5": actual, "source": f"{COLLECTOR}: workspace"}))
        return node

    for name, spec in stages.items():
        if not isinstance(spec, dict):
            raise pipeline.error(("stages", name), "a stage is a mapping with cmd, deps and outs")
        if "foreach" in spec or "matrix" in spec:
            out.notes.append(f"stage {name}: foreach/matrix stages are read from dvc.lock entries only")
            continue
        cmd = spec.get("cmd")
        if not cmd:
            raise pipeline.error(("stages", name, "cmd"), "a stage needs a cmd")
        entry = locked.get(name)
        stage_loc: tuple[str | int, ...] = ("stages", name)
        declared_deps = [d["path"] for d in _files(spec.get("deps"), pipeline, (*stage_loc, "deps"))]
        declared_outs = [o["path"] for o in _files(spec.get("outs"), pipeline, (*stage_loc, "outs"))]
        if entry is None:
            state = "not_run"
            deps = [{"path": p} for p in declared_deps]
            outs: list[dict[str, Any]] = []
        else:
            assert lock is not None
            if not isinstance(entry, dict):
                raise lock.error(stage_loc, "a locked stage is a mapping")
            deps = _files(entry.get("deps"), lock, (*stage_loc, "deps"))
            outs = _files(entry.get("outs"), lock, (*stage_loc, "outs"))
            same_cmd = " ".join(str(entry.get("cmd", "")).split()) == " ".join(
                str(cmd if isinstance(cmd, str) else " && ".join(cmd)).split()
            )
            state = "locked" if same_cmd else "changed_since_lock"
        node = ids.run(f"dvc:{root.as_uri()}#{name}")
        record_id = f"dvc:stage:{root.name}:{name}"
        out.nodes.append(Node(id=node, type="run", attrs={"stage": name, "job": f"dvc/{name}", "source": COLLECTOR}))
        for d in deps:
            out.edges.append(Edge(src=dataset(d["path"], _md5(d)), dst=node, type="consumed", evidence=record_id))
        if state == "locked":
            for o in outs:
                out.edges.append(Edge(src=node, dst=dataset(o["path"], _md5(o)), type="produced", evidence=record_id))
        out.records.append(
            Evidence.make(
                kind="dvc.stage",
                id=record_id,
                role=ids.DVC_STAGE,
                subject=node,
                source=source,
                data={
                    "stage": name,
                    "cmd": cmd,
                    "state": state,
                    "deps": [{"path": d["path"], "md5": _md5(d), "size": d.get("size")} for d in deps],
                    "outs": [{"path": o["path"], "md5": _md5(o), "size": o.get("size")} for o in outs],
                    "declared_outs": declared_outs,
                    "params": (entry or {}).get("params") or spec.get("params") or {},
                },
            )
        )
    return out


def _md5(entry: Mapping[str, Any]) -> str | None:
    value = entry.get("md5") or (entry.get("hash") if entry.get("hash") not in ("md5", None) else None)
    return str(value) if value else None


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(default=".", min_length=1, description="the folder with dvc.yaml and dvc.lock")


plugin = Plugin(
    kind="collector",
    name="dvc",
    summary="a DVC pipeline: stages, their locked inputs and outputs by md5",
    settings=Settings,
    build=lambda s: DvcCollector(path=s.path),
    roles={ids.DVC_STAGE: "many"},
)
