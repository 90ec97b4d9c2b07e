"""A piece of the lineage graph as text, JSON, Graphviz DOT or SVG (drawn here, no Graphviz needed)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from typing import Any

from ailm.evidence import ids as roles_of  # `ids` is a common local name here
from ailm.lineage.graph import LineageGraph

TYPE_FILL = {
    "dataset": "#e8f0fe",
    "run": "#fef7e0",
    "model": "#e6f4ea",
    "model_version": "#ceead6",
    "deployment": "#fce8e6",
    "evaluation": "#f3e8fd",
}


@dataclass(frozen=True)
class View:
    """The nodes and edges to show around one root, each node with what a reader needs to know about it."""

    root: str
    direction: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, str]]
    checks: dict[str, Any] | None


def view(graph: LineageGraph, root: str, direction: str) -> View:
    root = graph.resolve(root)
    if direction == "up":
        ids = {root} | graph.upstream(root)
    elif direction == "down":
        ids = {root} | graph.downstream(root)
    else:
        ids = graph.closure(root)
    nodes = []
    for n in sorted(ids):
        d = graph.g.nodes[n]
        attrs = d["attrs"]
        roles = sorted({graph.records[r].role for r in d["evidence"]})
        info: dict[str, Any] = {"id": n, "type": d["type"], "label": _label(n, d["type"], attrs)}
        for key in ("uri", "sha256", "md5", "job", "raw", "personal_data"):
            if attrs.get(key) not in (None, False):
                info[key] = attrs[key]
        state = [
            graph.records[r].data.get("state")
            for r in d["evidence"]
            if graph.records[r].role in (roles_of.OL_RUN, roles_of.DVC_STAGE)
        ]
        if state:
            info["state"] = state[0]
        if d["type"] in ("model_version", "model"):
            info["deployed"] = "deployment" in roles or any(
                "deployment" in {graph.records[r].role for r in graph.g.nodes[p]["evidence"]}
                for p in graph.g.predecessors(n)
                if graph.g.nodes[p]["type"] == "model"
            )
        info["evidence"] = list(d["evidence"])
        nodes.append(info)
    edges = [
        {"src": e.src, "dst": e.dst, "type": e.type, "evidence": e.evidence or ""} for e in graph.edges_within(ids)
    ]
    checks = graph.checks(root) if graph.g.nodes[root]["type"] == "model_version" else None
    return View(root=root, direction=direction, nodes=nodes, edges=edges, checks=checks)


def _label(node_id: str, type_: str, attrs: dict[str, Any]) -> str:
    if type_ == "model_version":
        return f"{attrs.get('name', node_id)} v{attrs.get('version', '?')}"
    if type_ == "run":
        return str(attrs.get("job") or f"run {str(attrs.get('run_id', node_id))[:8]}")
    return str(attrs.get("name") or node_id.split(":", 1)[-1])


def to_json(v: View) -> str:
    return json.dumps(
        {"root": v.root, "direction": v.direction, "nodes": v.nodes, "edges": v.edges, "checks": v.checks}, indent=2
    )


def to_text(v: View) -> str:
    """Depth-first from the root, one node per line, indented by distance, the way the data flowed."""
    by_id = {n["id"]: n for n in v.nodes}
    nxt: dict[str, list[tuple[str, str]]] = {}
    for e in v.edges:
        a, b = (e["dst"], e["src"]) if v.direction != "down" else (e["src"], e["dst"])
        nxt.setdefault(a, []).append((b, e["type"]))
    lines = [_line(by_id[v.root])]
    seen = {v.root}

    def walk(node: str, depth: int) -> None:
        for other, etype in sorted(nxt.get(node, [])):
            arrow = "<-" if v.direction != "down" else "->"
            again = " (see above)" if other in seen else ""
            lines.append(f"{'  ' * depth}{arrow} {etype}: {_line(by_id[other])}{again}")
            if other not in seen:
                seen.add(other)
                walk(other, depth + 1)

    walk(v.root, 1)
    if v.checks is not None:
        c = v.checks
        lines.append("")
        lines.append(
            "chain to raw data: "
            + (
                "complete"
                if c["chain_complete"]
                else "INCOMPLETE at " + ", ".join(c["unresolved_datasets"] or ["(no dataset)"])
            )
        )
        for conflict in c["hash_conflicts"]:
            vals = "; ".join(f"{x['source']}: {x['value']}" for x in conflict["values"])
            lines.append(f"digest conflict on {conflict['node']} ({conflict['key']}): {vals}")
        if c["personal_data_datasets"]:
            lines.append("personal data in: " + ", ".join(c["personal_data_datasets"]))
    return "\n".join(lines) + "\n"


def _line(n: dict[str, Any]) -> str:
    bits = [f"{n['type']} {n['id']}"]
    for key, short in (("sha256", 12), ("md5", 12)):
        if key in n:
            bits.append(f"{key} {str(n[key])[:short]}")
    for flag in ("raw", "personal_data"):
        if n.get(flag):
            bits.append(flag.replace("_", " "))
    if "state" in n:
        bits.append(f"state {n['state']}")
    if n.get("deployed"):
        bits.append("deployed")
    return " | ".join(bits)


def to_dot(v: View) -> str:
    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    out = ["digraph lineage {", "  rankdir=LR;", '  node [shape=box, style="rounded,filled", fontname="DejaVu Sans"];']
    for n in v.nodes:
        fill = TYPE_FILL.get(n["type"], "#eeeeee")
        pen = ", penwidth=2" if n["id"] == v.root else ""
        out.append(f"  {q(n['id'])} [label={q(n['type'] + chr(10) + n['label'])}, fillcolor={q(fill)}{pen}];")
    for e in v.edges:
        out.append(f"  {q(e['src'])} -> {q(e['dst'])} [label={q(e['type'])}];")
    out.append("}")
    return "\n".join(out) + "\n"


BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 160, 40, 34, 12, 8
MAX_WIDTH = 680


def to_svg(v: View) -> str:
    """Columns by distance along the flow (sources left, the latest artifacts right), boxes by type."""
    ids = [n["id"] for n in v.nodes]
    preds: dict[str, list[str]] = {i: [] for i in ids}
    for e in v.edges:
        preds[e["dst"]].append(e["src"])
    layer: dict[str, int] = {}

    def depth(node: str, trail: frozenset[str] = frozenset()) -> int:
        if node in layer:
            return layer[node]
        if node in trail:  # a cycle cannot happen in lineage, but never loop on bad input
            return 0
        layer[node] = 1 + max((depth(p, trail | {node}) for p in preds[node]), default=-1)
        return layer[node]

    for i in ids:
        depth(i)
    succs: dict[str, list[str]] = {i: [] for i in ids}
    for e in v.edges:
        succs[e["src"]].append(e["dst"])
    for i in ids:  # a source that only feeds later steps (a model feeding its version) sits just before them
        if not preds[i] and succs[i] and by_type(v, i) != "dataset":
            layer[i] = max(0, min(layer[s] for s in succs[i]) - 1)
    columns: dict[int, list[str]] = {}
    for i in sorted(ids, key=lambda x: (layer[x], x)):
        columns.setdefault(layer[i], []).append(i)
    pos = {}
    for col, members in columns.items():
        for row, node in enumerate(members):
            pos[node] = (PAD + col * (BOX_W + GAP_X), PAD + 16 + row * (BOX_H + GAP_Y))
    width = PAD * 2 + (max(columns) + 1) * (BOX_W + GAP_X) - GAP_X if columns else 200
    height = PAD * 2 + 16 + max((len(m) for m in columns.values()), default=1) * (BOX_H + GAP_Y)
    by_id = {n["id"]: n for n in v.nodes}
    scale = min(1.0, MAX_WIDTH / width)  # fits a report page; the viewBox keeps the drawing whole
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart lineage" width="{width * scale:.0f}" '
        f'height="{height * scale:.0f}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="lineage of {escape(v.root)}">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
        'orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#555"/></marker></defs>',
        f'<text x="{PAD}" y="{PAD + 4}" font-size="10" font-weight="bold">Lineage of {escape(v.root)}</text>',
    ]
    for e in v.edges:
        (x1, y1), (x2, y2) = pos[e["src"]], pos[e["dst"]]
        sx, sy, ex, ey = x1 + BOX_W, y1 + BOX_H / 2, x2, y2 + BOX_H / 2
        mid = (sx + ex) / 2
        parts.append(
            f'<path d="M{sx:.0f} {sy:.0f}C{mid:.0f} {sy:.0f} {mid:.0f} {ey:.0f} {ex - 2:.0f} {ey:.0f}" '
            'stroke="#555" fill="none" stroke-width="1" marker-end="url(#arrow)"/>'
        )
    for node, (x, y) in pos.items():
        n = by_id[node]
        stroke = "#c5221f" if n["type"] == "dataset" and not n.get("raw") and not _produced(node, v) else "#555"
        width_line = 2 if node == v.root else 1
        parts.append(
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{TYPE_FILL.get(n["type"], "#eee")}" '
            f'stroke="{stroke}" stroke-width="{width_line}"/>'
        )
        sub = n["type"].replace("_", " ")
        extra = [k for k in ("raw", "personal_data", "deployed") if n.get(k)]
        if "state" in n:
            extra.append(str(n["state"]).lower())
        if extra:
            sub += " · " + ", ".join(e.replace("_", " ") for e in extra)
        parts.append(
            f'<text x="{x + 8}" y="{y + 17}" font-size="10" font-weight="bold">{escape(_clip(n["label"], 26))}</text>'
        )
        parts.append(f'<text x="{x + 8}" y="{y + 32}" font-size="8.5" fill="#444">{escape(_clip(sub, 34))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def by_type(v: View, node: str) -> str:
    return next(str(n["type"]) for n in v.nodes if n["id"] == node)


def _produced(node: str, v: View) -> bool:
    return any(e["dst"] == node and e["type"] in ("produced", "derived_from") for e in v.edges)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def find(graph: LineageGraph, ref: str) -> str:
    """A node from what a user types: a node id, ``model/3``, ``model@alias``, ``model`` (its latest
    version), a dataset name, or a dataset's path or URI."""
    from pathlib import Path

    from ailm.errors import InputError

    if ref in graph.g or ref in graph.alias:
        return graph.resolve(ref)
    versions = graph.nodes_of_type("model_version")
    if "@" in ref:
        name, alias = ref.split("@", 1)
        for v in versions:
            if graph.g.nodes[v]["attrs"].get("name") != name:
                continue
            if any(
                graph.records[r].role == roles_of.REG and alias in graph.records[r].data.get("aliases", [])
                for r in graph.g.nodes[v]["evidence"]
            ):
                return v
        raise InputError(f"no version of model {name!r} has alias {alias!r}")
    name, _, number = ref.rpartition("/")
    if name and roles_of.version(name, number) in graph.g:  # NAME/VERSION
        return roles_of.version(name, number)
    mine = [v for v in versions if graph.g.nodes[v]["attrs"].get("name") == ref]
    if mine:
        return max(mine, key=lambda v: int(str(graph.g.nodes[v]["attrs"].get("version", "0")) or 0))
    as_uri = ref if "://" in ref else Path(ref).resolve().as_uri()
    for n, d in graph.g.nodes(data=True):
        if d["type"] == "dataset" and (d["attrs"].get("name") == ref or d["attrs"].get("uri") == as_uri):
            return str(n)
    for n, d in graph.g.nodes(data=True):  # a name another source gave the node before it was merged
        if ref in d["attrs"].get("seen_as", []) or roles_of.dataset(ref) in d["attrs"].get("seen_as", []):
            return str(n)
    known = ", ".join(versions[:5] + graph.nodes_of_type("dataset")[:5])
    raise InputError(f"{ref!r} names no model version or dataset in the collected lineage (some there: {known})")
