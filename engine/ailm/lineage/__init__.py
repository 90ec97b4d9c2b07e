"""The lineage graph and the policy inputs built from it."""

from ailm.lineage.graph import LineageGraph
from ailm.lineage.inputs import build_input

__all__ = ["LineageGraph", "build_input"]
