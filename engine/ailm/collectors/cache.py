"""Re-collecting an unchanged source costs close to nothing: a collector that has a ``fingerprint`` (the
sha256 of every file it reads) gets its collection cached under a key made of the collector's name, its
settings, that fingerprint, the ailm version and the form of the collected records (``COLLECTED_FORM``). The
key is the files' content, never their size and modification time: a file changed in place with its old size and
a restored mtime would otherwise keep its old digest, and that stale digest would be signed.

The cache is trusted when its key matches, like the analysis cache: whoever can write the cache folder can
change what is collected (the records still carry their own sha256, which `ailm verify` re-checks against
their content in evidence.json).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from ailm import __version__
from ailm.canonical import sha256_file, sha256_json
from ailm.collectors.base import CollectContext, Collection, Collector
from ailm.evidence.model import Edge, Evidence, Node
from ailm.fsutil import gc_paused, write_atomic

# Bumped when a built-in collector reads the same source into other records (a fix, a new field), so that a
# collection cached by the older code is read again rather than kept; released versions change __version__ too.
# 2: OpenLineage runs decided by event times read as instants, every event checked; tool times in microseconds.
# 3: MLflow reads every registered model (a cached collection of a registry of more than 100 held the first 100).
# 4: a repeated JSON key refused (a cached OpenLineage collection kept the last value); Inspect and lm-eval records
#    say whether the run evaluated the whole dataset (a cached record without it is never a task's evaluation).
COLLECTED_FORM = "4"


def content_fingerprint(paths: list[Path]) -> str:
    """What a file-reading collector's cache is keyed by: each file's path and the sha256 of its bytes."""
    return "|".join(f"{p}:{sha256_file(p)}" for p in paths)


def collect_cached(name: str, settings: Mapping[str, Any], collector: Collector, ctx: CollectContext) -> Collection:
    fingerprint = getattr(collector, "fingerprint", None)
    source = fingerprint(ctx) if ctx.cache_dir is not None and fingerprint is not None else None
    if ctx.cache_dir is None or source is None:  # no cache, or a source that cannot say it is unchanged
        with gc_paused():
            return collector.collect(ctx)
    key = sha256_json({"collector": name, "settings": dict(settings), "source": source, "ailm": __version__,
                       "form": COLLECTED_FORM})  # fmt: skip
    path = ctx.cache_dir / "collect" / f"{name}-{key[:32]}.json"
    if path.is_file():
        try:
            with gc_paused():
                return _load(orjson.loads(path.read_bytes()))
        except (ValueError, KeyError, TypeError):
            pass  # a damaged cache entry is re-collected and overwritten
    with gc_paused():
        out = collector.collect(ctx)
        try:
            blob = orjson.dumps(_dump(out))
        except TypeError:  # a value orjson cannot hold (an integer beyond 64 bits): collect, do not cache
            return out
        write_atomic(path, blob)
    return out


def _dump(c: Collection) -> dict[str, Any]:
    """Plain values, written field by field (model_dump per record cost more than the collection)."""
    return {
        "records": [
            {
                "kind": r.kind,
                "id": r.id,
                "role": r.role,
                "subject": r.subject,
                "source": {"collector": r.source.collector, "uri": r.source.uri},
                "collected_at": r.collected_at.isoformat(),
                "declared": r.declared.model_dump(mode="json") if r.declared else None,
                "data": r.data,
                "sha256": r.sha256,
            }
            for r in c.records
        ],
        "nodes": [{"id": n.id, "type": n.type, "attrs": n.attrs} for n in c.nodes],
        "edges": [{"src": e.src, "dst": e.dst, "type": e.type, "evidence": e.evidence} for e in c.edges],
        "notes": c.notes,
    }


def _load(doc: dict[str, Any]) -> Collection:
    return Collection(
        records=[Evidence(**r) for r in doc["records"]],
        nodes=[Node(**n) for n in doc["nodes"]],
        edges=[Edge(**e) for e in doc["edges"]],
        notes=list(doc.get("notes", [])),
    )
