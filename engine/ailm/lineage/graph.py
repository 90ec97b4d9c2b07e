"""The lineage graph: datasets, runs, models, versions and deployments joined from every collector.

Nodes from different sources are one node when their identity says so: the same id, or (for datasets) the
same location (``uri``) or the same content (``sha256``). When two sources give one dataset different
digests, that is kept as a conflict, never resolved silently: a policy reads it as a finding.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from ailm.errors import InputError
from ailm.evidence import ids
from ailm.evidence.model import Edge, Evidence, EvidenceSet, Node
from ailm.fsutil import gc_paused

DIGEST_KEYS = ("sha256", "md5")  # content digests two sources may disagree on
IDENTITY_KEYS = ("uri", "sha256")  # what makes two dataset nodes one


class LineageGraph:
    """A directed multigraph whose edges point the way data flows (dataset -> run -> model version)."""

    def __init__(self) -> None:
        self.g: nx.MultiDiGraph = nx.MultiDiGraph()
        self.records: dict[str, Evidence] = {}
        self.alias: dict[str, str] = {}  # merged node id -> the node it became
        self.conflicts: list[dict[str, Any]] = []

    @classmethod
    def build(cls, evidence: EvidenceSet) -> LineageGraph:
        graph = cls()
        with gc_paused():
            for node in evidence.nodes:
                graph.add_node(node)
            for edge in evidence.edges:
                graph.add_edge(edge)
            graph.merge_datasets()
            for record in evidence.records:
                graph.attach(record)
        return graph

    def resolve(self, node_id: str) -> str:
        while node_id in self.alias:
            node_id = self.alias[node_id]
        return node_id

    # Nodes and edges are written straight into networkx's own dictionaries (``_node``, ``_succ``, ``_pred``),
    # laid out as ``DiGraph.add_node`` and ``MultiDiGraph.add_edge`` lay them out: a view object or an API call
    # per node or edge cost more than the node or edge itself (100,000 events' graph, side by side in new
    # processes: 2.0-2.4 s to 1.3-1.8 s). tests/test_collectors.py holds a graph built this way equal to one built
    # through networkx's API.

    def add_node(self, node: Node) -> None:
        node_id = self.resolve(node.id)
        g = self.g
        current = g._node.get(node_id)
        if current is not None:
            if current["type"] != node.type:
                raise InputError(
                    f"lineage node {node.id} is a {current['type']} in one source, a {node.type} in another"
                )
            self._merge_attrs(node_id, current["attrs"], node.id, node.attrs)
        else:
            attrs = dict(node.attrs)
            attrs.setdefault("seen_as", [node.id])
            g._succ[node_id] = {}
            g._pred[node_id] = {}
            g._node[node_id] = {"type": node.type, "attrs": attrs, "evidence": []}
            self._changed()

    def _merge_attrs(self, into_id: str, into: dict[str, Any], other_id: str, other: dict[str, Any]) -> None:
        for key, value in other.items():
            if key == "seen_as":
                continue
            if key in DIGEST_KEYS and into.get(key) not in (None, value) and value is not None:
                self.conflicts.append(
                    {
                        "node": into_id,
                        "key": key,
                        "values": sorted(
                            [
                                {"value": into[key], "source": into.get("source", into_id)},
                                {"value": value, "source": other.get("source", other_id)},
                            ],
                            key=lambda v: (str(v["source"]), str(v["value"])),
                        ),
                    }
                )
                continue
            if key == "personal_data" or key == "raw":
                into[key] = bool(into.get(key)) or bool(value)
            elif value is not None and into.get(key) is None:
                into[key] = value
        seen = into.setdefault("seen_as", [into_id])
        for n in other.get("seen_as", [other_id]):
            if n not in seen:
                seen.append(n)

    def add_edge(self, edge: Edge) -> None:
        """An edge of a type the two nodes do not have yet (one of each type between two nodes)."""
        src, dst = self.resolve(edge.src), self.resolve(edge.dst)
        g = self.g
        succ = g._succ
        out = succ.get(src)
        if out is None or dst not in succ:
            given = edge.src if out is None else edge.dst
            raise InputError(f"lineage edge {edge.src} -> {edge.dst} names unknown node {given}")
        keys = out.get(dst)
        if keys is None:
            out[dst] = g._pred[dst][src] = {0: {"type": edge.type, "evidence": edge.evidence}}  # seen from both ends
        elif not any(d["type"] == edge.type for d in keys.values()):
            keys[g.new_edge_key(src, dst)] = {"type": edge.type, "evidence": edge.evidence}
        else:
            return  # an edge of this type is there already
        self._changed()

    def _changed(self) -> None:
        """What networkx does after each change through its API: drop what it cached about the graph (networkx
        3.3 and later keep converted copies there)."""
        cache = getattr(self.g, "__networkx_cache__", None)
        if cache:
            cache.clear()

    def merge_datasets(self) -> None:
        """Join dataset nodes that share a location or a content digest (union-find over identity keys)."""
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.get(x, x) != x:
                parent[x] = parent.get(parent[x], parent[x])
                x = parent[x]
            return x

        first: dict[tuple[str, str], str] = {}
        for node_id, d in self.g.nodes(data=True):
            if d["type"] != "dataset":
                continue
            for key in IDENTITY_KEYS:
                value = d["attrs"].get(key)
                if not value:
                    continue
                seen = first.setdefault((key, str(value)), node_id)
                if seen != node_id:
                    a, b = find(seen), find(node_id)
                    if a != b:
                        keep, drop = sorted((a, b), key=_preference)
                        parent[drop] = keep
        for node_id in sorted(parent, key=_preference):
            keep = find(node_id)
            if keep != node_id and node_id in self.g:
                self._contract(keep, node_id)

    def _contract(self, keep: str, drop: str) -> None:
        self._merge_attrs(keep, self.g.nodes[keep]["attrs"], drop, self.g.nodes[drop]["attrs"])
        self.g.nodes[keep]["evidence"].extend(self.g.nodes[drop]["evidence"])
        for src, _, data in list(self.g.in_edges(drop, data=True)):
            self.add_edge(Edge(src=src, dst=keep, type=data["type"], evidence=data["evidence"]))
        for _, dst, data in list(self.g.out_edges(drop, data=True)):
            self.add_edge(Edge(src=keep, dst=dst, type=data["type"], evidence=data["evidence"]))
        self.g.remove_node(drop)
        self.alias[drop] = keep

    def attach(self, record: Evidence) -> None:
        subject = self.resolve(record.subject)
        node = self.g._node.get(subject)
        if node is None:
            raise InputError(f"evidence {record.id} is about {record.subject}, which no collector saw")
        self.records[record.id] = record
        node["evidence"].append(record.id)
        if record.role == ids.DS_FACTS:  # declared facts that say what a dataset is
            attrs = node["attrs"]
            for key in ("raw", "personal_data"):
                if record.data.get(key) is True:
                    attrs[key] = True

    def nodes_of_type(self, type_: str) -> list[str]:
        return sorted(n for n, d in self.g.nodes(data=True) if d["type"] == type_)

    def closure(self, subject: str) -> set[str]:
        """The subject, everything upstream of it, and everything downstream (deployments, monitors)."""
        subject = self.resolve(subject)
        return {subject} | self.upstream(subject) | self.downstream(subject)

    def upstream(self, subject: str) -> set[str]:
        return set(nx.ancestors(self.g, self.resolve(subject)))

    def downstream(self, subject: str) -> set[str]:
        return set(nx.descendants(self.g, self.resolve(subject)))

    def evidence_of(self, nodes: Iterable[str]) -> list[Evidence]:
        ids = [rid for n in sorted(nodes) for rid in self.g.nodes[n]["evidence"]]
        return [self.records[i] for i in ids]

    def node(self, node_id: str) -> Node:
        node_id = self.resolve(node_id)
        d = self.g.nodes[node_id]
        return Node(id=node_id, type=d["type"], attrs=d["attrs"])

    def edges_within(self, nodes: set[str]) -> list[Edge]:
        out = []
        for src, dst, d in self.g.subgraph(nodes).edges(data=True):
            out.append(Edge(src=src, dst=dst, type=d["type"], evidence=d["evidence"]))
        return sorted(out, key=lambda e: (e.src, e.dst, e.type))

    def checks(self, subject: str) -> dict[str, Any]:
        """What controls need from the graph about one model version: every dataset upstream of it, whether
        each was produced by a known run or is declared raw (so the chain reaches raw data), the digest
        conflicts in its closure, and which upstream datasets hold personal data."""
        subject = self.resolve(subject)
        closure = self.closure(subject)
        datasets = []
        for n in sorted(self.upstream(subject)):
            d = self.g.nodes[n]
            if d["type"] != "dataset":
                continue
            producers = sorted(
                src
                for src, _, e in self.g.in_edges(n, data=True)
                if e["type"] in ("produced", "derived_from") and self.g.nodes[src]["type"] in ("run", "dataset")
            )
            attrs = d["attrs"]
            datasets.append(
                {
                    "id": n,
                    "name": attrs.get("name"),
                    "uri": attrs.get("uri"),
                    "sha256": attrs.get("sha256"),
                    "produced_by": producers,
                    "raw": bool(attrs.get("raw")),
                    "personal_data": bool(attrs.get("personal_data")),
                    "seen_as": attrs.get("seen_as", [n]),
                }
            )
        unresolved = [d["id"] for d in datasets if not d["produced_by"] and not d["raw"]]
        return {
            "datasets": datasets,
            "chain_complete": bool(datasets) and not unresolved,
            "unresolved_datasets": unresolved,
            "hash_conflicts": [
                {**c, "node": self.resolve(c["node"])} for c in self.conflicts if self.resolve(c["node"]) in closure
            ],
            "personal_data_datasets": [d["id"] for d in datasets if d["personal_data"]],
        }


def _preference(node_id: str) -> tuple[bool, int, str]:
    """Which id a merged node keeps: a named one (dataset:adult-train) over a location-based one."""
    return ("://" in node_id, len(node_id), node_id)
