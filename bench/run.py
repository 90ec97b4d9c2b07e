"""Benchmarks of the audit on the bundled demo; results go to bench/results/audit.json.

Run with `make bench`. Times are wall-clock medians on this machine; they are measured, never asserted.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from machine import machine

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "evidence" / "demo" / "ailm.yaml"
AS_OF = datetime(2026, 11, 23, tzinfo=UTC)


def median_ms(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 2)


def main() -> int:
    from ailm import builtin
    from ailm.audit.outdir import OutputFolder
    from ailm.audit.publish import publish
    from ailm.audit.runner import AuditOptions, collect, run_audit
    from ailm.config import load_config

    sys.path.insert(0, str(REPO / "evidence" / "demo"))
    from train_demo import build

    from ailm.lineage import LineageGraph, build_input
    from ailm.plugins import many_roles
    from ailm.policy import load_policies
    from ailm.policy.embedded import EmbeddedEvaluator
    from ailm.report import RenderContext, known
    from ailm.signing import generate

    build(REPO, quiet=True)
    tmp = Path(tempfile.mkdtemp(prefix="ailm-bench-"))
    key, _ = generate(tmp / "keys")
    results: dict[str, Any] = {
        "machine": machine(),
        "date": datetime.now(UTC).date().isoformat(),
    }

    # The whole command as a user runs it: process start, imports, collect, evaluate, 3 reports, sign.
    cmd = [sys.executable, "-m", "ailm.cli", "audit", "--config", str(CONFIG), "--out", str(tmp / "cli"),
           "--as-of", "2026-11-23", "--key", str(key)]  # fmt: skip
    results["cli_audit_all_formats_ms"] = median_ms(lambda: subprocess.run(cmd, capture_output=True, check=False), 5)
    cmd_json = [*cmd[:-2], "--no-sign", "--format", "json"]
    results["cli_audit_json_only_ms"] = median_ms(lambda: subprocess.run(cmd_json, capture_output=True, check=False), 5)
    results["cli_startup_help_ms"] = median_ms(
        lambda: subprocess.run([sys.executable, "-m", "ailm.cli", "--help"], capture_output=True, check=False), 5
    )

    # Phases, in process (warm imports).
    loaded = load_config(CONFIG)
    results["collect_ms"] = median_ms(lambda: collect(loaded, AS_OF), 5)
    evidence, _ = collect(loaded, AS_OF)
    results["lineage_and_input_ms"] = median_ms(
        lambda: build_input(LineageGraph.build(evidence), "model_version:adult-income/1", AS_OF, many=many_roles()), 20
    )
    policies = load_policies([builtin.policies()])
    results["load_and_compile_policies_ms"] = median_ms(
        lambda: EmbeddedEvaluator(load_policies([builtin.policies()])), 10
    )
    evaluator = EmbeddedEvaluator(policies)
    payload = build_input(
        LineageGraph.build(evidence), "model_version:adult-income/1", AS_OF, many=many_roles()
    ).model_dump(mode="json")
    n = 500
    t = time.perf_counter()
    for _ in range(n):
        evaluator.evaluate(payload)
    results["evaluate_all_controls_per_subject_ms"] = round((time.perf_counter() - t) * 1000 / n, 3)
    results["controls"] = len(policies.controls)

    run = run_audit(AuditOptions(config_path=CONFIG, as_of=AS_OF))
    ctx = RenderContext(evidence=run.evidence)
    for fmt in known():
        results[f"render_{fmt.name}_ms"] = median_ms(lambda fmt=fmt: fmt.make().render(run.result, ctx), 3)

    def publish_once() -> None:
        with OutputFolder(tmp / "pub") as folder:
            publish(run, folder, ["json", "html", "pdf"], key)

    results["publish_signed_all_formats_ms"] = median_ms(publish_once, 3)

    out = REPO / "bench" / "results" / "audit.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
