"""Re-collecting an unchanged source costs close to nothing: a collector that has a ``fingerprint`` (its
files' sizes and modification times, or a digest) gets its collection cached under a key made of the
collector's name, its settings, that fingerprint and the ailm version.

The cache is trusted when its key matches, like the analysis cache: whoever can write the cache folder can
change what is collected (the records still carry their own sha256, which `ailm verify` re-checks against
their content in evidence.json).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ailm import __version__
from ailm.canonical import canonical_json, sha256_json
from ailm.collectors.base import CollectContext, Collection, Collector
from ailm.evidence.model import Declaration, Edge, Evidence, Node, Source
from ailm.fsutil import write_atomic


def collect_cached(name: str, settings: Mapping[str, Any], collector: Collector, ctx: CollectContext) -> Collection:
    fingerprint = getattr(collector, "fingerprint", None)
    if ctx.cache_dir is None or fingerprint is None:
        return collector.collect(ctx)
    key = sha256_json({"collector": name, "settings": dict(settings), "source": fingerprint(ctx), "ailm": __version__})
    path = ctx.cache_dir / "collect" / f"{name}-{key[:32]}.json"
    if path.is_file():
        try:
            return _load(json.loads(path.read_bytes()))
        except (ValueError, KeyError, TypeError):
            pass  # a damaged cache entry is re-collected and overwritten
    out = collector.collect(ctx)
    write_atomic(path, canonical_json(_dump(out)))
    return out


def _dump(c: Collection) -> dict[str, Any]:
    return {
        "records": [r.model_dump(mode="json") for r in c.records],
        "nodes": [n.model_dump(mode="json") for n in c.nodes],
        "edges": [e.model_dump(mode="json") for e in c.edges],
        "notes": c.notes,
    }


def _load(doc: dict[str, Any]) -> Collection:
    records = []
    for r in doc["records"]:
        declared = Declaration.model_validate(r["declared"]) if r.get("declared") else None
        records.append(
            Evidence.model_construct(
                **{
                    **r,
                    "source": Source.model_construct(**r["source"]),
                    "declared": declared,
                    "collected_at": datetime.fromisoformat(r["collected_at"]),
                }
            )
        )
    return Collection(
        records=records,
        nodes=[Node.model_construct(**n) for n in doc["nodes"]],
        edges=[Edge.model_construct(**e) for e in doc["edges"]],
        notes=list(doc.get("notes", [])),
    )
