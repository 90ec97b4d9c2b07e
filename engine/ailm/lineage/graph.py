"""The lineage graph: datasets, runs, models, versions and deployments joined from every collector."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from ailm.errors import InputError
from ailm.evidence.model import Edge, Evidence, EvidenceSet, Node


class LineageGraph:
    """A directed multigraph whose edges point the way data flows (dataset -> run -> model version)."""

    def __init__(self) -> None:
        self.g: nx.MultiDiGraph = nx.MultiDiGraph()
        self.records: dict[str, Evidence] = {}

    @classmethod
    def build(cls, evidence: EvidenceSet) -> LineageGraph:
        graph = cls()
        for node in evidence.nodes:
            graph.add_node(node)
        for edge in evidence.edges:
            graph.add_edge(edge)
        for record in evidence.records:
            graph.attach(record)
        return graph

    def add_node(self, node: Node) -> None:
        if node.id in self.g:
            current = self.g.nodes[node.id]
            if current["type"] != node.type:
                raise InputError(
                    f"lineage node {node.id} is a {current['type']} in one source, a {node.type} in another"
                )
            current["attrs"].update(node.attrs)
        else:
            self.g.add_node(node.id, type=node.type, attrs=dict(node.attrs), evidence=[])

    def add_edge(self, edge: Edge) -> None:
        for end in (edge.src, edge.dst):
            if end not in self.g:
                raise InputError(f"lineage edge {edge.src} -> {edge.dst} names unknown node {end}")
        existing = self.g.get_edge_data(edge.src, edge.dst) or {}
        if not any(d["type"] == edge.type for d in existing.values()):
            self.g.add_edge(edge.src, edge.dst, type=edge.type, evidence=edge.evidence)

    def attach(self, record: Evidence) -> None:
        if record.subject not in self.g:
            raise InputError(f"evidence {record.id} is about {record.subject}, which no collector saw")
        self.records[record.id] = record
        self.g.nodes[record.subject]["evidence"].append(record.id)

    def nodes_of_type(self, type_: str) -> list[str]:
        return sorted(n for n, d in self.g.nodes(data=True) if d["type"] == type_)

    def closure(self, subject: str) -> set[str]:
        """The subject, everything upstream of it, and everything downstream (deployments, monitors)."""
        return {subject} | self.upstream(subject) | self.downstream(subject)

    def upstream(self, subject: str) -> set[str]:
        return set(nx.ancestors(self.g, subject))

    def downstream(self, subject: str) -> set[str]:
        return set(nx.descendants(self.g, subject))

    def evidence_of(self, nodes: Iterable[str]) -> list[Evidence]:
        ids = [rid for n in sorted(nodes) for rid in self.g.nodes[n]["evidence"]]
        return [self.records[i] for i in ids]

    def node(self, node_id: str) -> Node:
        d = self.g.nodes[node_id]
        return Node(id=node_id, type=d["type"], attrs=d["attrs"])

    def edges_within(self, nodes: set[str]) -> list[Edge]:
        out = []
        for src, dst, d in self.g.edges(data=True):
            if src in nodes and dst in nodes:
                out.append(Edge(src=src, dst=dst, type=d["type"], evidence=d["evidence"]))
        return sorted(out, key=lambda e: (e.src, e.dst, e.type))
