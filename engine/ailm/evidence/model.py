"""The evidence model: what collectors return and what policies read.

A record's ``sha256`` is the digest of its canonical JSON *content*: everything but ``sha256`` itself and
``collected_at``. Collecting the same facts twice gives the same digest, so a report's numbers can be traced
to evidence that anyone can re-hash.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from ailm.canonical import sha256_json

SCHEMA_VERSION: Final = "ailm.evidence/v1"
INPUT_SCHEMA_VERSION: Final = "ailm.input/v1"

NodeType = Literal[
    "system", "model", "model_version", "run", "dataset", "deployment", "evaluation", "monitor", "audit", "prompt"
]
EdgeType = Literal["produced", "consumed", "derived_from", "deployed_as", "evaluated_on", "version_of", "describes"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(_Frozen):
    """Where a record came from: the collector's name and the URI it read."""

    collector: str = Field(min_length=1)
    uri: str = Field(min_length=1)


class Declaration(_Frozen):
    """Who asserted a declared fact, when, and until when it holds."""

    asserted_by: str = Field(min_length=1)
    asserted_at: AwareDatetime
    expires: AwareDatetime | None = None

    def expired(self, as_of: datetime) -> bool:
        return self.expires is not None and self.expires <= as_of


class Evidence(_Frozen):
    """One piece of evidence about one node of the lineage graph."""

    kind: str = Field(min_length=1, description="what the record is, e.g. mlflow.run or declared.plan")
    id: str = Field(min_length=1, description="stable id, unique within an evidence set")
    role: str = Field(min_length=1, description="its key in the policy input, e.g. reg, run, plan, ds")
    subject: str = Field(min_length=1, description="the lineage node this record is about")
    source: Source
    collected_at: AwareDatetime
    declared: Declaration | None = None
    data: dict[str, Any]
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")

    @classmethod
    def make(
        cls,
        *,
        kind: str,
        id: str,
        role: str,
        subject: str,
        source: Source,
        data: dict[str, Any],
        declared: Declaration | None = None,
        collected_at: datetime | None = None,
        json_only: bool = False,
    ) -> Evidence:
        """``json_only``: ``data`` holds nothing but what ``orjson.loads`` returns (see ``canonical_json``); the
        digest is the same, found without walking the content for other types."""
        content = _content(kind, id, role, subject, source, data, declared)
        return cls(
            kind=kind,
            id=id,
            role=role,
            subject=subject,
            source=source,
            collected_at=collected_at or datetime.now(UTC),
            declared=declared,
            data=data,
            sha256=sha256_json(content, json_only=json_only),
        )

    def content_digest(self) -> str:
        """Recompute the digest from the content; equal to ``sha256`` unless the record was altered."""
        return sha256_json(_content(self.kind, self.id, self.role, self.subject, self.source, self.data, self.declared))


def _content(
    kind: str,
    id: str,
    role: str,
    subject: str,
    source: Source,
    data: dict[str, Any],
    declared: Declaration | None,
) -> dict[str, Any]:
    return {
        "schema": SCHEMA_VERSION,
        "kind": kind,
        "id": id,
        "role": role,
        "subject": subject,
        "source": {"collector": source.collector, "uri": source.uri},
        "declared": declared.model_dump(mode="json") if declared else None,
        "data": data,
    }


class Node(_Frozen):
    id: str = Field(min_length=1)
    type: NodeType
    attrs: dict[str, Any] = Field(default_factory=dict)


class Edge(_Frozen):
    src: str
    dst: str
    type: EdgeType
    evidence: str | None = Field(default=None, description="id of the record that states this edge")


class EvidenceSet(BaseModel):
    """Everything collected for one audit; written to ``evidence.json`` beside the report."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal["ailm.evidence/v1"] = SCHEMA_VERSION
    records: list[Evidence]
    nodes: list[Node]
    edges: list[Edge]

    def digest(self) -> str:
        """Digest of the set: sha256 over the sorted (id, sha256) pairs of its records."""
        return sha256_json(sorted([r.id, r.sha256] for r in self.records))

    @field_validator("records")
    @classmethod
    def _unique_ids(cls, records: list[Evidence]) -> list[Evidence]:
        seen: set[str] = set()
        for r in records:
            if r.id in seen:
                raise ValueError(f"duplicate evidence id {r.id!r}")
            seen.add(r.id)
        return records


# ---- the policy input -------------------------------------------------------------------------------


class EvidenceView(_Frozen):
    """A record as policies see it."""

    id: str
    kind: str
    sha256: str
    source: Source
    declared: Declaration | None = None
    data: dict[str, Any]

    @classmethod
    def of(cls, record: Evidence) -> EvidenceView:
        return cls(
            id=record.id,
            kind=record.kind,
            sha256=record.sha256,
            source=record.source,
            declared=record.declared,
            data=record.data,
        )


class ExpiredFact(_Frozen):
    """A declared fact that does not count at the audit clock: it expired, or was asserted after it."""

    id: str
    role: str
    expires: AwareDatetime | None = None
    reason: Literal["expired", "asserted_after_as_of"] = "expired"
    asserted_at: AwareDatetime | None = None


class Subject(_Frozen):
    id: str
    type: NodeType
    name: str
    version: str | None = None


class LineageView(_Frozen):
    nodes: list[Node]
    edges: list[Edge]


class PolicyInput(_Frozen):
    """The one JSON document a policy reads for one subject."""

    schema_version: Literal["ailm.input/v1"] = INPUT_SCHEMA_VERSION
    subject: Subject
    as_of: AwareDatetime = Field(description="the audit clock; policies never read wall time")
    as_of_ns: int = Field(description="as_of in nanoseconds since the epoch, for time.* built-ins")
    evidence: dict[str, EvidenceView | list[EvidenceView]]
    expired: list[ExpiredFact] = Field(
        default_factory=list, description="declared facts left out of evidence because they expired"
    )
    lineage: LineageView
    lineage_checks: dict[str, Any] = Field(
        default_factory=dict,
        description="what controls need from the graph: upstream datasets (produced by, raw, personal data), "
        "whether the chain reaches raw data, digest conflicts",
    )
