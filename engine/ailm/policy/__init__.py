"""Policies: loading controls and their metadata, and evaluating them behind one small interface."""

from ailm.policy.evaluator import Decision, Evaluator, Finding, create
from ailm.policy.metadata import ControlMeta, Severity
from ailm.policy.policyset import PolicySet, load_policies

__all__ = [
    "ControlMeta",
    "Decision",
    "Evaluator",
    "Finding",
    "PolicySet",
    "Severity",
    "create",
    "load_policies",
]
