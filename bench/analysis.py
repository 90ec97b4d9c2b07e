"""Analyzer benchmarks; results in bench/results/analysis.json. Run with `make bench`; measured, never asserted.

1. The demo (15,060 evaluation rows, SHAP on 1,000), cold: each analyzer and the model load, in a fresh process.
2. A re-audit with a warm cache: the analysis phase and the whole CLI run.
3. Growth with rows (10k, 100k, 1M evaluation rows, resampled from UCI Adult with a seed): time and peak
   memory of fairness + data + drift (+ SHAP on its fixed 1,000-row sample), each size in its own process.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from machine import machine

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "evidence" / "demo" / "ailm.yaml"
AS_OF = datetime(2026, 11, 23, tzinfo=UTC)
SUBJECT = "model_version:adult-income/1"


def phases(config: Path, overrides: dict[str, Any]) -> dict[str, Any]:
    """Time the model load, predictions and each analyzer for the demo subject (no cache)."""
    from ailm.analysis import datascan, drift, explain, fairness
    from ailm.analysis.runner import build_context
    from ailm.audit.runner import collect
    from ailm.config import load_config
    from ailm.lineage import LineageGraph

    t0 = time.perf_counter()
    loaded = load_config(config)
    evidence, _ = collect(loaded, AS_OF)
    assert loaded.config.analysis is not None
    settings = loaded.config.analysis.model_copy(update={"no_cache": True, **overrides})
    ctx = build_context(LineageGraph.build(evidence), SUBJECT, settings, loaded.base_dir, "bench")
    out: dict[str, Any] = {"collect_and_hash_s": round(time.perf_counter() - t0, 3)}
    t = time.perf_counter()
    ctx.model  # noqa: B018
    out["model_load_s"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    for role in ("test", "train", "current"):
        ctx.predictions(role)
    out["read_and_predict_s"] = round(time.perf_counter() - t, 3)
    out["evaluation_rows"] = len(ctx.frame("test"))
    steps = {
        "fairness": lambda: fairness.analyze(ctx),
        "explanations": lambda: explain.analyze(ctx),
        "data": lambda: datascan.analyze(ctx, AS_OF),
        "drift": lambda: drift.analyze(ctx),
    }
    for name, fn in steps.items():
        t = time.perf_counter()
        fn()
        out[f"{name}_s"] = round(time.perf_counter() - t, 3)
    out["total_s"] = round(time.perf_counter() - t0, 3)
    out["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def scaled_config(rows: int, folder: Path) -> Path:
    """The demo config with test and current replaced by `rows` rows resampled from the demo's test split."""
    import pandas as pd

    test = pd.read_csv(REPO / ".ailm" / "demo" / "data" / "adult-test.csv")
    big = test.sample(n=rows, replace=True, random_state=rows)
    big.to_csv(folder / "test.csv", index=False)
    text = CONFIG.read_text().replace("../../.ailm/", f"{REPO / '.ailm'}/")
    text = text.replace("path: manifest.yaml", f"path: {CONFIG.parent / 'manifest.yaml'}")
    text = text.replace(f"current: {REPO / '.ailm'}/demo/data/adult-test.csv", f"current: {folder / 'test.csv'}")
    head, analysis = text.split("\nanalysis:", 1)  # the analysis section's datasets, not the profile collector's
    analysis = analysis.replace("  datasets:\n", f"  datasets:\n    test: {folder / 'test.csv'}\n", 1)
    text = head + "\nanalysis:" + analysis
    cfg = folder / "ailm.yaml"
    cfg.write_text(text)
    return cfg


def child(args: list[str]) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--phases":
        print(json.dumps(phases(Path(sys.argv[2]), {})))
        return 0
    sys.path.insert(0, str(REPO / "evidence" / "demo"))
    from train_demo import build

    build(REPO, quiet=True)
    results: dict[str, Any] = {
        "machine": machine(),
        "date": datetime.now(UTC).date().isoformat(),
    }
    results["demo_cold"] = child(["--phases", str(CONFIG)])

    # the cache: warm it, then time a re-audit in process (analysis phase) and as a command
    from ailm.analysis.runner import analyze
    from ailm.audit.runner import collect
    from ailm.config import load_config
    from ailm.lineage import LineageGraph

    loaded = load_config(CONFIG)
    assert loaded.config.analysis is not None
    evidence, _ = collect(loaded, AS_OF)
    graph = LineageGraph.build(evidence)
    kw: dict[str, Any] = {"base_dir": loaded.base_dir, "where": "bench", "as_of": AS_OF, "progress": lambda _: None}
    analyze(graph, [SUBJECT], loaded.config.analysis, **kw)  # fills the cache if it is cold
    t = time.perf_counter()
    analyze(graph, [SUBJECT], loaded.config.analysis, **kw)
    results["analysis_cache_hit_in_process_s"] = round(time.perf_counter() - t, 4)
    cmd = [sys.executable, "-m", "ailm.cli", "audit", "--config", str(CONFIG), "--out", tempfile.mkdtemp(),
           "--as-of", "2026-11-23", "--no-sign", "--format", "json"]  # fmt: skip
    t = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=False)
    results["cli_reaudit_cache_hit_json_s"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ailm.cli", "--help"], capture_output=True, check=False)
    results["cli_startup_help_s"] = round(time.perf_counter() - t, 3)

    scaling = {}
    for rows in (10_000, 100_000, 1_000_000):
        with tempfile.TemporaryDirectory() as tmp:
            scaling[str(rows)] = child(["--phases", str(scaled_config(rows, Path(tmp)))])
    results["scaling"] = scaling
    big, small = scaling["1000000"], scaling["100000"]
    per_row = (big["peak_rss_mib"] - small["peak_rss_mib"]) / 900_000
    results["rss_mib_per_million_rows"] = round(per_row * 1_000_000, 1)
    fits = int((24 * 1024 - small["peak_rss_mib"]) / per_row) if per_row > 0 else None
    results["largest_rows_in_24_gib_estimate"] = fits
    analyzers = sum(big[f"{n}_s"] for n in ("fairness", "explanations", "data", "drift"))
    results["targets_1m_rows"] = {  # #17
        "fairness_with_intervals_s": {"value": big["fairness_s"], "target": 10.0, "met": big["fairness_s"] <= 10},
        "analyzers_s": {"value": round(analyzers, 2), "target": 10.0, "met": analyzers <= 10},
        "whole_analysis_s": {
            "value": big["total_s"],
            "target": 10.0,
            "met": big["total_s"] <= 10,
            "note": "with the model load and its predictions on the 1M-row test and 1M-row current sets",
        },
    }

    out = REPO / "bench" / "results" / "analysis.json"
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, suffix=".tmp")
    os.close(fd)
    Path(tmp_name).write_text(json.dumps(results, indent=2) + "\n")
    Path(tmp_name).replace(out)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
