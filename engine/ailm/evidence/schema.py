"""JSON Schemas generated from the evidence model into ``evidence/schema/``; a test keeps them in step."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ailm.evidence.facts import json_schema
from ailm.evidence.model import Evidence, EvidenceSet, PolicyInput
from ailm.fsutil import write_atomic

SCHEMAS: dict[str, type[BaseModel]] = {
    "evidence.schema.json": Evidence,
    "evidence-set.schema.json": EvidenceSet,
    "policy-input.schema.json": PolicyInput,
}


def render_schemas() -> dict[str, str]:
    out: dict[str, str] = {}
    for name, model in SCHEMAS.items():
        schema: dict[str, Any] = model.model_json_schema(mode="serialization")
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": name, **schema}
        out[name] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    facts = {"$id": "declared-facts.schema.json", **json_schema()}
    out["declared-facts.schema.json"] = json.dumps(facts, indent=2, sort_keys=True) + "\n"
    return out


def write_schemas(folder: Path) -> list[Path]:
    written = []
    for name, text in render_schemas().items():
        path = folder / name
        write_atomic(path, text)
        written.append(path)
    return written
