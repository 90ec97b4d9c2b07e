"""The per-subject policy input, assembled from the subject's closure in the lineage graph."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from ailm.errors import InputError
from ailm.evidence.model import EvidenceView, ExpiredFact, LineageView, PolicyInput, Subject
from ailm.lineage.graph import LineageGraph


def as_of_ns(as_of: datetime) -> int:
    return int(as_of.timestamp()) * 1_000_000_000 + as_of.microsecond * 1000


def build_input(
    graph: LineageGraph, subject_id: str, as_of: datetime, *, many: Collection[str] = frozenset()
) -> PolicyInput:
    """``many``: the roles that hold a list of records (as the collector and analyzer plugins declare them);
    every other role holds one record, and two records for it are an error."""
    subject_id = graph.resolve(subject_id)
    node = graph.node(subject_id)
    nodes = graph.closure(subject_id)
    evidence: dict[str, EvidenceView | list[EvidenceView]] = {}
    expired: list[ExpiredFact] = []
    for record in graph.evidence_of(nodes):
        if record.declared is not None and record.declared.expired(as_of):
            assert record.declared.expires is not None
            expired.append(ExpiredFact(id=record.id, role=record.role, expires=record.declared.expires))
            continue
        if record.declared is not None and record.declared.asserted_at > as_of:
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
        lineage_checks=graph.checks(subject_id),
    )
