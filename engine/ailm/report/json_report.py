"""report.json: the audit result as data, the source every other format is rendered from."""

from __future__ import annotations

import json

from ailm.plugins import Plugin
from ailm.policy import crosswalk
from ailm.report.base import RenderContext
from ailm.result import AuditResult


class JsonRenderer:
    def render(self, result: AuditResult, ctx: RenderContext) -> bytes:
        doc = result.model_dump(mode="json")
        doc["result_sha256"] = result.result_sha256()
        doc["gate"] = result.gate().model_dump(mode="json")
        doc["counts"] = result.counts()
        doc["fleet"] = result.fleet()
        doc["crosswalk"] = [c.model_dump(mode="json") for c in crosswalk.build(result.results)]
        return (json.dumps(doc, indent=2, sort_keys=False) + "\n").encode("utf-8")


plugin = Plugin(
    kind="format",
    name="json",
    summary="the audit result as data: every other format is rendered from it",
    build=lambda _settings: JsonRenderer(),
    filename="report.json",
)
