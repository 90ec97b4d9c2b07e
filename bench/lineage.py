"""Lineage at scale; results in bench/results/lineage.json.

1. Ingest: 100,000 OpenLineage run events (50,000 runs, START + COMPLETE, each reading two datasets and
   writing one with a schema facet), written by the real openlineage-python client through its file
   transport, then parsed by the collector and built into the lineage graph: as the ``ailm`` command runs it
   (what the bulk steps build is kept out of the cyclic collector's scans) and as a library caller gets it.
2. Re-collect: the same file again through the collector cache (its content unchanged).
3. Query: upstream of a model version and downstream of a raw dataset on a graph of 1,000,000 edges
   (10,000 pipelines of 100 edges, raw datasets shared by 100 pipelines each).
Times are measured, never asserted. Run with `make bench`.
"""

from __future__ import annotations

import gc
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ailm.fsutil import gc_paused
from machine import machine

REPO = Path(__file__).resolve().parents[1]
EVENTS = 100_000


def write_events(path: Path, runs: int, seed: int = 7) -> None:
    from openlineage.client import OpenLineageClient
    from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
    from openlineage.client.facet_v2 import schema_dataset
    from openlineage.client.transport.file import FileConfig, FileTransport

    rng = random.Random(seed)
    client = OpenLineageClient(transport=FileTransport(FileConfig(log_file_path=str(path), append=True)))
    fields = [schema_dataset.SchemaDatasetFacetFields(name=f"c{i}", type="double") for i in range(8)]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(runs):
        run = Run(runId=str(uuid.UUID(int=rng.getrandbits(128), version=4)))
        job = Job(namespace="bench", name=f"job-{i % 500}")
        names = [f"/lake/ds-{rng.randrange(max(1, i))}.parquet" for _ in range(2)]
        ins = [InputDataset(namespace="file", name=name) for name in names]
        out = OutputDataset(
            namespace="file",
            name=f"/lake/ds-{i}.parquet",
            facets={"schema": schema_dataset.SchemaDatasetFacet(fields=fields)},
        )
        t0 = (start + timedelta(seconds=i)).isoformat()
        client.emit(RunEvent(eventType=RunState.START, eventTime=t0, run=run, job=job, inputs=ins))
        t1 = (start + timedelta(seconds=i, milliseconds=500)).isoformat()
        client.emit(RunEvent(eventType=RunState.COMPLETE, eventTime=t1, run=run, job=job, inputs=ins, outputs=[out]))


def ingest(path: Path, *, command: bool) -> dict[str, float | int]:
    """``command``: as the ``ailm`` command runs it, which keeps what the bulk steps build out of the cyclic
    collector's scans (``ailm.fsutil.keep_bulk_objects``); else as a library caller gets it."""
    from ailm.collectors.base import CollectContext
    from ailm.collectors.cache import collect_cached
    from ailm.collectors.openlineage import OpenLineageCollector
    from ailm.evidence.model import EvidenceSet
    from ailm.fsutil import keep_bulk_objects
    from ailm.lineage import LineageGraph

    if command:
        keep_bulk_objects()
    settings = {"path": path.name}
    plain = CollectContext(base_dir=path.parent, as_of=datetime.now(UTC))
    t = time.perf_counter()
    col = collect_cached("openlineage", settings, OpenLineageCollector(path=path.name), plain)  # no cache dir
    t_collect = time.perf_counter() - t
    t = time.perf_counter()
    graph = LineageGraph.build(EvidenceSet(records=col.records, nodes=col.nodes, edges=col.edges))
    t_graph = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as cache:
        cached = CollectContext(base_dir=path.parent, as_of=datetime.now(UTC), cache_dir=Path(cache))
        t = time.perf_counter()
        collect_cached("openlineage", settings, OpenLineageCollector(path=path.name), cached)
        t_first = time.perf_counter() - t
        t = time.perf_counter()
        again = collect_cached("openlineage", settings, OpenLineageCollector(path=path.name), cached)
        t_again = time.perf_counter() - t
        assert [r.sha256 for r in again.records] == [r.sha256 for r in col.records]
    return {
        "events": EVENTS,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "records": len(col.records),
        "graph_nodes": graph.g.number_of_nodes(),
        "graph_edges": graph.g.number_of_edges(),
        "parse_and_records_s": round(t_collect, 2),
        "graph_build_s": round(t_graph, 2),
        "ingest_total_s": round(t_collect + t_graph, 2),
        "first_collect_writing_the_cache_s": round(t_first, 2),
        "recollect_from_cache_s": round(t_again, 2),
    }


def transfer(path: Path) -> dict[str, object]:
    """What splitting the ingest over worker processes would cost: the events read and folded into runs and
    datasets (what a worker would do with its part of the file), and that state pickled and unpickled (what
    would come back from it to be merged in file order); and, for a split by run where each worker builds the
    records of its share, the records sent back: encoded with orjson as the collector cache writes them, read,
    and made pydantic records again."""
    import pickle

    import orjson

    from ailm.collectors.cache import _dump, _load
    from ailm.collectors.openlineage import _collection, fold_events

    with gc_paused():
        t = time.perf_counter()
        runs, datasets, _ = fold_events([path])  # what the collector does before building its records
        fold = time.perf_counter() - t
        t = time.perf_counter()
        blob = pickle.dumps((runs, datasets), protocol=pickle.HIGHEST_PROTOCOL)
        dumps = time.perf_counter() - t
        t = time.perf_counter()
        pickle.loads(blob)  # our own bytes
        loads = time.perf_counter() - t
        built = _collection(runs, datasets, [path], 0)
        t = time.perf_counter()
        sent = orjson.dumps(_dump(built))
        r_dumps = time.perf_counter() - t
        t = time.perf_counter()
        doc = orjson.loads(sent)
        r_loads = time.perf_counter() - t
        t = time.perf_counter()
        _load(doc)
        r_rebuild = time.perf_counter() - t
    back = {"mb": round(len(sent) / 1e6, 1), "orjson_dumps_s": round(r_dumps, 2), "orjson_loads_s": round(r_loads, 2),
            "pydantic_again_s": round(r_rebuild, 2)}  # fmt: skip
    state = {"state_mb": round(len(blob) / 1e6, 1), "pickle_dumps_s": round(dumps, 2),
             "pickle_loads_s": round(loads, 2)}  # fmt: skip
    return {"parse_and_fold_s": round(fold, 2), **state, "records_sent_back": back}


def profile_cache(folder: Path) -> dict[str, float]:
    """The dataset profiler on a 500,000-row CSV, cold and then from the cache (unchanged file)."""
    import numpy as np
    import pandas as pd

    from ailm.collectors import create
    from ailm.collectors.base import CollectContext
    from ailm.collectors.cache import collect_cached

    rng = np.random.default_rng(3)
    n = 500_000
    df = pd.DataFrame({f"x{i}": rng.normal(size=n).round(4) for i in range(8)})
    df["group"] = rng.choice(["a", "b", "c"], size=n)
    df["email"] = [f"u{i}@example.org" for i in range(n)]
    df.to_csv(folder / "big.csv", index=False)
    settings = {"datasets": [{"path": "big.csv", "name": "big", "split": "train"}]}
    ctx = CollectContext(base_dir=folder, as_of=datetime.now(UTC), cache_dir=folder / "cache")
    t = time.perf_counter()
    collect_cached("profile", settings, create("profile", settings), ctx)
    cold = time.perf_counter() - t
    t = time.perf_counter()
    collect_cached("profile", settings, create("profile", settings), ctx)
    warm = time.perf_counter() - t
    return {
        "rows": n,
        "file_mb": round((folder / "big.csv").stat().st_size / 1e6, 1),
        "cold_s": round(cold, 2),
        "from_cache_s": round(warm, 4),
    }


def big_graph() -> tuple[object, list[str], list[str]]:
    """10,000 pipelines x 100 edges: raw -> (run -> dataset) x 24 -> train run -> version -> (eval run)."""
    import networkx as nx

    from ailm.lineage import LineageGraph

    g = LineageGraph()
    G: nx.MultiDiGraph = g.g
    raws = [f"dataset:raw-{r}" for r in range(100)]
    for r in raws:
        G.add_node(r, type="dataset", attrs={"raw": True}, evidence=[])
    versions = []
    edges = 0
    for p in range(10_000):
        prev = [raws[p % 100], raws[(p * 7 + 3) % 100]]
        for step in range(24):
            run, out = f"run:p{p}-s{step}", f"dataset:p{p}-d{step}"
            G.add_node(run, type="run", attrs={}, evidence=[])
            G.add_node(out, type="dataset", attrs={}, evidence=[])
            for src in prev:
                G.add_edge(src, run, type="consumed", evidence=None)
            G.add_edge(run, out, type="produced", evidence=None)
            edges += len(prev) + 1
            prev = [out] if step % 3 else [out, prev[0]]
        train, version = f"run:p{p}-train", f"model_version:m{p}/1"
        G.add_node(train, type="run", attrs={}, evidence=[])
        G.add_node(version, type="model_version", attrs={"name": f"m{p}", "version": "1"}, evidence=[])
        for src in prev:
            G.add_edge(src, train, type="consumed", evidence=None)
        G.add_edge(train, version, type="produced", evidence=None)
        edges += len(prev) + 1
        while edges < (p + 1) * 100:  # evaluation runs reading the version, to reach 100 edges a pipeline
            ev = f"run:p{p}-eval{edges}"
            G.add_node(ev, type="run", attrs={}, evidence=[])
            G.add_edge(version, ev, type="consumed", evidence=None)
            edges += 1
        versions.append(version)
    return g, versions, raws


def query(g: object, versions: list[str], raws: list[str]) -> dict[str, float | int]:
    rng = random.Random(1)
    up, down, checks = [], [], []
    up_n = down_n = 0
    for _ in range(50):
        v = rng.choice(versions)
        t = time.perf_counter()
        up_n = len(g.upstream(v))  # type: ignore[attr-defined]
        up.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        g.checks(v)  # type: ignore[attr-defined]
        checks.append((time.perf_counter() - t) * 1000)
        r = rng.choice(raws)
        t = time.perf_counter()
        down_n = len(g.downstream(r))  # type: ignore[attr-defined]
        down.append((time.perf_counter() - t) * 1000)
    return {
        "edges": g.g.number_of_edges(),  # type: ignore[attr-defined]
        "nodes": g.g.number_of_nodes(),  # type: ignore[attr-defined]
        "upstream_of_version_median_ms": round(statistics.median(up), 3),
        "upstream_of_version_max_ms": round(max(up), 3),
        "upstream_nodes": up_n,
        "lineage_checks_of_version_median_ms": round(statistics.median(checks), 3),
        "downstream_of_raw_dataset_median_ms": round(statistics.median(down), 3),
        "downstream_of_raw_dataset_max_ms": round(max(down), 3),
        "downstream_nodes": down_n,
    }


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--ingest":
        print(json.dumps(ingest(Path(sys.argv[2]), command=sys.argv[3] == "command")))
        return 0
    if len(sys.argv) == 3 and sys.argv[1] == "--transfer":
        print(json.dumps(transfer(Path(sys.argv[2]))))
        return 0
    results: dict[str, object] = {
        "machine": machine(),
        "date": datetime.now(UTC).date().isoformat(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.ndjson"
        t = time.perf_counter()
        write_events(path, EVENTS // 2)
        results["write_events_with_client_s"] = round(time.perf_counter() - t, 1)
        # ingest in a fresh process, as an audit runs: not in this one, full of the event writer's garbage; three
        # times (this VM's timings vary by up to 60% between runs of one command), the median run kept
        runs: dict[str, list[dict[str, Any]]] = {"command": [], "library": []}
        for _ in range(3):  # the two ways in turn, so that a slow spell of the VM falls on both
            for mode, done in runs.items():
                proc = subprocess.run(
                    [sys.executable, __file__, "--ingest", str(path), mode], capture_output=True, text=True, check=True
                )
                done.append(json.loads(proc.stdout))
        for done in runs.values():
            done.sort(key=lambda r: r["ingest_total_s"])
        ingest_result = runs["command"][1]
        ingest_result["what"] = "as the ailm command runs it (ailm.fsutil.keep_bulk_objects)"
        ingest_result["ingest_total_runs_s"] = [r["ingest_total_s"] for r in runs["command"]]
        ingest_result["target_s"] = 5.0  # #17, on the bench machine (see machine.cpu_reference_ms)
        ingest_result["met"] = ingest_result["ingest_total_s"] <= 5.0
        library = runs["library"][1]
        ingest_result["as_a_library_caller"] = {
            "what": "the same in a process that keeps the cyclic collector's ordinary behaviour",
            **{k: library[k] for k in ("parse_and_records_s", "graph_build_s", "ingest_total_s")},
            "ingest_total_runs_s": [r["ingest_total_s"] for r in runs["library"]],
        }
        proc = subprocess.run(
            [sys.executable, __file__, "--transfer", str(path)], capture_output=True, text=True, check=True
        )
        ingest_result["two_workers"] = {
            "built": False,
            "target_s": 2.0,
            "why": "what a worker would send back (its part's runs and datasets, pickled; or, split by run, the "
            "records it built) costs more than reading and folding that part, or than building those records: see "
            "transfer",
            "transfer": json.loads(proc.stdout),
        }
        results["ingest"] = ingest_result
        results["profiler_cache"] = profile_cache(Path(tmp))
    t = time.perf_counter()
    with gc_paused():
        g, versions, raws = big_graph()
    gc.freeze()  # a long-lived million-edge graph: keep the cyclic collector from rescanning it mid-query
    results["build_1m_edge_graph_s"] = round(time.perf_counter() - t, 1)
    results["query"] = query(g, versions, raws)
    results["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out = REPO / "bench" / "results" / "lineage.json"
    tmpf = Path(tempfile.mkstemp(dir=out.parent, suffix=".tmp")[1])
    tmpf.write_text(json.dumps(results, indent=2) + "\n")
    tmpf.replace(out)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
