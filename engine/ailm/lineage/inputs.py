"""The per-subject policy input, assembled from the subject's closure in the lineage graph."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime
from typing import Any

from ailm.canonical import sha256_json
from ailm.errors import InputError
from ailm.evidence import ids
from ailm.evidence.model import Evidence, EvidenceView, ExpiredFact, LineageView, PolicyInput, Subject
from ailm.lineage.graph import LineageGraph


def as_of_ns(as_of: datetime) -> int:
    return int(as_of.timestamp()) * 1_000_000_000 + as_of.microsecond * 1000


def build_input(
    graph: LineageGraph,
    subject_id: str,
    as_of: datetime,
    *,
    many: Collection[str] = frozenset(),
    known_at: datetime | None = None,
) -> PolicyInput:
    """``many``: the roles that hold a list of records (as the collector and analyzer plugins declare them);
    every other role holds one record, and two records for it are an error. ``known_at`` (default ``as_of``):
    facts asserted after it are left out; a projection to a later clock keeps what was known at the audit's."""
    known_at = known_at or as_of
    subject_id = graph.resolve(subject_id)
    node = graph.node(subject_id)
    nodes = graph.closure(subject_id)
    evidence: dict[str, EvidenceView | list[EvidenceView]] = {}
    expired: list[ExpiredFact] = []
    facts: dict[str, list[Evidence]] = defaultdict(list)  # dataset node -> the facts declared about it
    for record in graph.evidence_of(nodes):
        if record.declared is not None and record.declared.expired(as_of):
            assert record.declared.expires is not None
            expired.append(ExpiredFact(id=record.id, role=record.role, expires=record.declared.expires))
            continue
        if record.declared is not None and record.declared.asserted_at > known_at:
            # an audit as of a past date sees only what had been asserted by then
            expired.append(
                ExpiredFact(
                    id=record.id,
                    role=record.role,
                    reason="asserted_after_as_of",
                    asserted_at=record.declared.asserted_at,
                    expires=record.declared.expires,
                )
            )
            continue
        if record.role == ids.DS_FACTS:
            facts[graph.resolve(record.subject)].append(record)
            continue
        view = EvidenceView.of(record)
        if record.role in many:
            existing = evidence.setdefault(record.role, [])
            assert isinstance(existing, list)
            existing.append(view)
        elif record.role in evidence:
            other = evidence[record.role]
            assert isinstance(other, EvidenceView)
            raise InputError(f"two records give '{record.role}' for {subject_id}: {other.id} and {record.id}; keep one")
        else:
            evidence[record.role] = view
    kept, conflicts = _merge_facts(facts)
    if kept:
        evidence[ids.DS_FACTS] = [EvidenceView.of(r) for r in kept]
    checks = graph.checks(subject_id)
    checks["hash_conflicts"] = [*checks["hash_conflicts"], *conflicts]
    subject = Subject(
        id=subject_id,
        type=node.type,
        name=str(node.attrs.get("name", subject_id)),
        version=node.attrs.get("version"),
    )
    lineage = LineageView(nodes=[graph.node(n) for n in sorted(nodes)], edges=graph.edges_within(nodes))
    return PolicyInput(
        subject=subject,
        as_of=as_of,
        as_of_ns=as_of_ns(as_of),
        evidence=evidence,
        expired=expired,
        lineage=lineage,
        lineage_checks=checks,
    )


def _merge_facts(facts: dict[str, list[Evidence]]) -> tuple[list[Evidence], list[dict[str, Any]]]:
    """One set of declared facts per dataset. Models of one registry share datasets, and each model's manifest
    may declare the same raw dataset: identical facts are one (the record with the first id is kept); facts
    that differ are a conflict naming every source (DATA-010 fails on it), and the first is kept for the
    other controls, so that no control sees two answers to one question."""
    kept: list[Evidence] = []
    conflicts: list[dict[str, Any]] = []
    for node, records in sorted(facts.items()):
        records = sorted(records, key=lambda r: r.id)
        kept.append(records[0])
        digests = {r.id: sha256_json(r.data) for r in records}
        if len(set(digests.values())) > 1:
            conflicts.append(
                {
                    "node": node,
                    "key": "declared facts",
                    "values": [{"source": rid, "value": f"sha256:{d[:12]}"} for rid, d in sorted(digests.items())],
                }
            )
    return kept, conflicts
