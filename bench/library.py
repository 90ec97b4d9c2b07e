"""The whole control library for 1,000 model versions on the embedded evaluator; results in
bench/results/library.json.

Inputs are of realistic size: the demo model version's real input with its measured evidence (fairness,
SHAP, data scan, drift records) and every declared fact, varied per version (subject, metrics, fairness
numbers, retention, dates) so that controls pass and fail in different mixes. Reports the total, the time per
version, and the time per control (each control's package queried alone on every input), slowest first.
Also measured in the same run, on the same inputs: real OPA in process (opa-golib-python-bindings, the
tests' referee, where installed) with the ratio to regorus, and regorus in two worker processes (an engine
each), whose decisions must equal the serial run's. Times are measured, never asserted. Run with `make bench`.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evaluators import synthetic_inputs  # bench/ is on sys.path: the scripts run as `python bench/<name>.py`
from machine import machine

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "evidence" / "demo" / "ailm.yaml"
AS_OF = datetime(2026, 11, 23, tzinfo=UTC)
VERSIONS = 1000


def main() -> int:
    from ailm.audit.runner import AuditOptions, run_audit

    sys.path.insert(0, str(REPO / "evidence" / "demo"))
    from train_demo import build

    from ailm.policy.embedded import EmbeddedEvaluator

    build(REPO, quiet=True)
    run = run_audit(AuditOptions(config_path=CONFIG, as_of=AS_OF))
    base = run.inputs[0].model_dump(mode="json")
    inputs = synthetic_inputs(base, VERSIONS)
    policies = run.policies
    evaluator = EmbeddedEvaluator(policies)
    engine = evaluator.engine  # type: ignore[attr-defined]

    def whole() -> tuple[float, list[Any]]:
        t = time.perf_counter()
        out = [evaluator.evaluate(doc) for doc in inputs]
        return (time.perf_counter() - t) * 1000, out

    runs = [whole() for _ in range(3)]
    total = statistics.median(ms for ms, _ in runs)
    decisions = runs[0][1]

    payloads = [json.dumps(doc) for doc in inputs]
    t = time.perf_counter()
    for p in payloads:
        engine.set_input_json(p)
    set_input_ms = (time.perf_counter() - t) * 1000

    per_control = {c.id: 0.0 for c in policies.controls}
    for p in payloads:
        engine.set_input_json(p)
        for c in policies.controls:
            t = time.perf_counter()
            engine.eval_query_as_json(f"data.{c.package}")
            per_control[c.id] += (time.perf_counter() - t) * 1000
    slowest = sorted(per_control.items(), key=lambda kv: -kv[1])
    outcome: dict[str, Counter[str]] = {c.id: Counter() for c in policies.controls}
    for d in decisions:
        for cid, dec in d.items():
            key = "error" if dec.error else "fail" if dec.deny else "not_applicable" if dec.not_applicable else "pass"
            outcome[cid][key] += 1

    opa_ms, opa_same = opa_in_process(policies, inputs, decisions)
    two_ms, two_same = two_processes(policies, inputs, decisions)

    results = {
        "machine": machine(),
        "date": datetime.now(UTC).date().isoformat(),
        "model_versions": VERSIONS,
        "controls": len(policies.controls),
        "input_bytes_per_version": len(payloads[0]),
        "whole_library_total_ms": round(total, 1),
        "whole_library_per_version_ms": round(total / VERSIONS, 3),
        "target_per_version_ms": 3.0,
        "target_per_version_two_processes_ms": 2.0,
        "two_processes_per_version_ms": round(two_ms / VERSIONS, 3),
        "two_processes_decisions_identical": two_same,
        "opa_in_process_per_version_ms": round(opa_ms / VERSIONS, 3) if opa_ms else None,
        "opa_decisions_identical": opa_same,
        "regorus_to_opa_ratio": round(opa_ms / total, 2) if opa_ms else None,
        "set_input_total_ms": round(set_input_ms, 1),
        "per_control_total_ms": {cid: round(ms, 1) for cid, ms in slowest},
        "per_control_per_version_ms": {cid: round(ms / VERSIONS, 4) for cid, ms in slowest},
        "slowest_5": [cid for cid, _ in slowest[:5]],
        "sum_of_controls_queried_alone_ms": round(sum(per_control.values()), 1),
        "outcomes": {cid: dict(c) for cid, c in sorted(outcome.items())},
    }
    out = REPO / "bench" / "results" / "library.json"
    tmp = Path(tempfile.mkstemp(dir=out.parent, suffix=".tmp")[1])
    tmp.write_text(json.dumps(results, indent=2) + "\n")
    tmp.replace(out)
    print(json.dumps({k: v for k, v in results.items() if k != "outcomes"}, indent=2))
    return 0


def opa_in_process(policies: Any, inputs: list[Any], decisions: list[Any]) -> tuple[float | None, bool | None]:
    try:
        sys.path.insert(0, str(REPO / "tests"))
        from referee import OpaReferee, decision_key
    except ImportError:
        return None, None
    opa = OpaReferee(policies)
    opa.evaluate(inputs[0])  # prepares the query
    t = time.perf_counter()
    theirs = [opa.evaluate(doc) for doc in inputs]
    ms = (time.perf_counter() - t) * 1000
    same = all(decision_key(a[c]) == decision_key(b[c]) for a, b in zip(decisions, theirs, strict=True) for c in a)
    return ms, same


def _evaluate_part(args: tuple[Any, list[str]]) -> list[Any]:
    from ailm.policy.embedded import EmbeddedEvaluator

    policies, payloads = args
    evaluator = EmbeddedEvaluator(policies)
    return [evaluator.evaluate(json.loads(p)) for p in payloads]


def two_processes(policies: Any, inputs: list[Any], decisions: list[Any]) -> tuple[float, bool]:
    """Two worker processes, an engine each, half of the versions each (the engine cannot be shared)."""
    import multiprocessing

    payloads = [json.dumps(doc) for doc in inputs]
    half = len(payloads) // 2
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        pool.map(_evaluate_part, [(policies, payloads[:2]), (policies, payloads[:2])])  # start both
        t = time.perf_counter()
        parts = pool.map(_evaluate_part, [(policies, payloads[:half]), (policies, payloads[half:])])
        ms = (time.perf_counter() - t) * 1000
    return ms, [d for part in parts for d in part] == decisions


if __name__ == "__main__":
    sys.exit(main())
