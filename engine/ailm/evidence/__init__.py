"""The evidence model and its JSON Schemas."""

from ailm.evidence.model import (
    Declaration,
    Edge,
    Evidence,
    EvidenceSet,
    EvidenceView,
    ExpiredFact,
    LineageView,
    Node,
    PolicyInput,
    Source,
    Subject,
)

__all__ = [
    "Declaration",
    "Edge",
    "Evidence",
    "EvidenceSet",
    "EvidenceView",
    "ExpiredFact",
    "LineageView",
    "Node",
    "PolicyInput",
    "Source",
    "Subject",
]
