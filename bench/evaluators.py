"""Embedded (regorus) against OPA-server evaluation for 1,000 model versions; results in bench/results/evaluators.json.

The 1,000 policy inputs are the demo model version's real input, varied per version (subject id, metrics,
fairness ratios, retention, dates) so that controls pass and fail in different mixes. With a real OPA (``opa``
on PATH, or ``AILM_OPA_URL``) both evaluators run over all 1,000 and their findings are compared. Without
one, the OPA path runs against a loopback HTTP server that answers every query with a fixed, precomputed
result: that measures what the OPA path adds per request (HTTP, JSON both ways, the client), not OPA's
own evaluation time. Run with `make bench`; times are measured, never asserted.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from machine import machine

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "evidence" / "demo" / "ailm.yaml"
AS_OF = datetime(2026, 11, 23, tzinfo=UTC)
VERSIONS = 1000


def synthetic_inputs(base: dict[str, Any], n: int, seed: int = 20261123) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        doc = copy.deepcopy(base)
        doc["subject"]["id"] = f"model_version:bench-{i // 10}/{i % 10 + 1}"
        doc["subject"]["name"], doc["subject"]["version"] = f"bench-{i // 10}", str(i % 10 + 1)
        run = doc["evidence"].get("run")
        if isinstance(run, dict):
            metrics = run["data"]["metrics"]
            for name in metrics:
                metrics[name] = round(min(1.0, max(0.0, metrics[name] + rng.uniform(-0.3, 0.3))), 6)
        dep = doc["evidence"].get("deployment")
        if isinstance(dep, dict) and isinstance(dep.get("data"), dict):
            logging = dep["data"].get("logging")
            if isinstance(logging, dict) and "retention_days" in logging:
                logging["retention_days"] = rng.choice([30, 90, 183, 365])
        out.append(doc)
    return out


def findings(decisions: dict[str, Any]) -> dict[str, Any]:
    return {cid: dataclasses.asdict(d) for cid, d in decisions.items()}


@contextmanager
def loopback(answer: bytes) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real OPA client session would use
        disable_nagle_algorithm = True  # else headers and body go out apart and wait on a delayed ACK (~40 ms)

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            body = b"{}" if self.command == "GET" else (answer if self.command == "POST" else b"")
            self.send_response(200 if self.command != "PUT" or self.path.startswith("/v1/policies") else 204)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_PUT = do_POST = _handle

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def real_opa() -> Iterator[str | None]:
    if os.environ.get("AILM_OPA_URL"):
        yield os.environ["AILM_OPA_URL"]
        return
    binary = shutil.which("opa")
    if not binary:
        yield None
        return
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([binary, "run", "--server", f"--addr=127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        time.sleep(1.0)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def timed_all(evaluator: Any, inputs: list[dict[str, Any]]) -> tuple[float, list[dict[str, Any]]]:
    t = time.perf_counter()
    results = [evaluator.evaluate(doc) for doc in inputs]
    return (time.perf_counter() - t) * 1000, results


def main() -> int:
    from ailm import builtin
    from ailm.audit.runner import collect
    from ailm.config import load_config

    sys.path.insert(0, str(REPO / "evidence" / "demo"))
    from train_demo import build

    from ailm.lineage import LineageGraph, build_input
    from ailm.plugins import many_roles
    from ailm.policy import create, load_policies
    from ailm.policy.embedded import EmbeddedEvaluator

    build(REPO, quiet=True)
    evidence, _ = collect(load_config(CONFIG), AS_OF)
    base = build_input(
        LineageGraph.build(evidence), "model_version:adult-income/1", AS_OF, many=many_roles()
    ).model_dump(mode="json")
    inputs = synthetic_inputs(base, VERSIONS)
    policies = load_policies([builtin.policies()])
    results: dict[str, Any] = {
        "machine": machine(),
        "date": datetime.now(UTC).date().isoformat(),
        "model_versions": VERSIONS,
        "controls": len(policies.controls),
        "input_bytes_per_version": len(json.dumps(base)),
    }

    embedded = EmbeddedEvaluator(policies)
    runs = [timed_all(embedded, inputs) for _ in range(3)]
    total = statistics.median(ms for ms, _ in runs)
    emb_results = runs[0][1]
    results["embedded_total_ms"] = round(total, 1)
    results["embedded_per_version_ms"] = round(total / VERSIONS, 3)
    results["failing_versions_per_control"] = {
        cid: sum(1 for r in emb_results if r[cid].deny) for cid in sorted(emb_results[0])
    }

    with real_opa() as url:
        if url:
            opa = create("opa", policies, {"url": url, "timeout": 30})
            ms, opa_results = timed_all(opa, inputs)
            results["opa_server"] = url
            results["opa_total_ms"] = round(ms, 1)
            results["opa_per_version_ms"] = round(ms / VERSIONS, 3)
            results["opa_findings_identical"] = [findings(a) for a in emb_results] == [findings(b) for b in opa_results]
        else:
            results["opa_server"] = None
            results["opa_note"] = (
                "no real OPA here (`opa` not on PATH, AILM_OPA_URL unset): the OPA path ran against a loopback "
                "server answering each query with a precomputed result, so these are its per-request overhead"
            )
    # The OPA path's own overhead, always measured: same requests, a server that does no work.
    tree = json.loads(embedded.engine.eval_query_as_json("data.ailm.controls"))  # type: ignore[attr-defined]
    answer = json.dumps({"result": tree["result"][0]["expressions"][0]["value"]}).encode()
    with loopback(answer) as url:
        t = time.perf_counter()
        opa = create("opa", policies, {"url": url, "timeout": 30})
        results["loopback_setup_health_and_upload_ms"] = round((time.perf_counter() - t) * 1000, 1)
        runs = [timed_all(opa, inputs)[0] for _ in range(3)]
        ms = statistics.median(runs)
        results["loopback_total_ms"] = round(ms, 1)
        results["loopback_overhead_per_request_ms"] = round(ms / VERSIONS, 3)
        results["embedded_plus_loopback_overhead_per_version_ms"] = round(
            results["embedded_per_version_ms"] + ms / VERSIONS, 3
        )

    out = REPO / "bench" / "results" / "evaluators.json"
    tmp = Path(tempfile.mkstemp(dir=out.parent, suffix=".tmp")[1])
    tmp.write_text(json.dumps(results, indent=2) + "\n")
    tmp.replace(out)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
