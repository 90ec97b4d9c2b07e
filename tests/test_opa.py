"""The OPA evaluator: contract tests of the exact HTTP exchange on a loopback server, and an integration
test against a real OPA (on PATH, or at AILM_OPA_URL) that is skipped, saying why, when there is none."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tarfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ailm.errors import MSG_NO_RESULT, EvaluatorError
from ailm.policy import BUILTIN_POLICIES, create, load_policies
from ailm.policy.bundle import bundle_bytes
from ailm.policy.embedded import EmbeddedEvaluator


@dataclass
class Exchange:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class ContractServer:
    """A loopback HTTP server that records every request and answers as told (default: like OPA)."""

    policies: Any
    requests: list[Exchange] = field(default_factory=list)
    overrides: dict[tuple[str, str], tuple[int, Any]] = field(default_factory=dict)
    delay: float = 0.0
    url: str = ""

    def answer(self, method: str, path: str, body: bytes) -> tuple[int, Any]:
        for (m, prefix), reply in self.overrides.items():
            if m == method and path.startswith(prefix):
                return reply
        if method == "GET" and path == "/health":
            return 200, {}
        if method == "PUT" and path.startswith("/v1/policies/"):
            return 200, {}
        if method == "PUT" and path.startswith("/v1/data/"):
            return 204, None
        if method == "POST" and path == "/v1/data/ailm/controls":
            # answer with what an OPA would compute, so the plumbing is tested end to end
            engine = EmbeddedEvaluator(self.policies).engine
            engine.set_input_json(json.dumps(json.loads(body)["input"]))
            value = json.loads(engine.eval_query_as_json("data.ailm.controls"))["result"][0]["expressions"][0]["value"]
            return 200, {"result": value}
        return 404, {"code": "resource_not_found", "message": f"{method} {path}"}


@pytest.fixture
def server() -> Iterator[ContractServer]:
    state = ContractServer(policies=load_policies([BUILTIN_POLICIES]))

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            state.requests.append(Exchange(self.command, self.path, dict(self.headers), body))
            if state.delay:
                time.sleep(state.delay)
            status, payload = state.answer(self.command, self.path, body)
            data = b"" if payload is None else (payload if isinstance(payload, bytes) else json.dumps(payload).encode())
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_PUT = do_POST = _handle

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


SUBJECT_INPUT = {"subject": {"id": "s"}, "as_of_ns": 1795392000000000000, "evidence": {}, "expired": []}


def test_the_exchange_is_health_then_policies_then_data_then_one_query_per_subject(server: ContractServer) -> None:
    policies = server.policies
    evaluator = create("opa", policies, {"url": server.url, "token": "s3cret", "timeout": 5})
    decisions = evaluator.evaluate(SUBJECT_INPUT)
    evaluator.evaluate(SUBJECT_INPUT)

    seq = [(r.method, r.path) for r in server.requests]
    modules = [m for m in policies.modules]
    expected = [("GET", "/health")]
    expected += [("PUT", f"/v1/policies/ailm/{m.display}") for m in modules]
    expected += [("PUT", "/v1/data/ailm/thresholds")]
    expected += [("POST", "/v1/data/ailm/controls")] * 2
    assert seq == expected
    for r, m in zip(server.requests[1 : 1 + len(modules)], modules, strict=True):
        assert r.body == m.text.encode("utf-8")  # uploaded as written, never rewritten
        assert r.headers["Content-Type"] == "text/plain"
    assert json.loads(server.requests[len(modules) + 1].body) == policies.data["ailm"]["thresholds"]
    query = server.requests[-1]
    assert json.loads(query.body) == {"input": SUBJECT_INPUT}
    assert all(r.headers.get("Authorization") == "Bearer s3cret" for r in server.requests)
    # the decisions are the same as the embedded engine's on the same input
    assert decisions == EmbeddedEvaluator(policies).evaluate(SUBJECT_INPUT)


def test_a_response_without_result_is_no_decision(server: ContractServer) -> None:
    server.overrides[("POST", "/v1/data/ailm/controls")] = (200, {})
    evaluator = create("opa", server.policies, {"url": server.url})
    with pytest.raises(EvaluatorError, match=MSG_NO_RESULT):
        evaluator.evaluate(SUBJECT_INPUT)


def test_http_error_on_query_is_an_error_and_post_is_not_retried(server: ContractServer) -> None:
    server.overrides[("POST", "/v1/data/ailm/controls")] = (500, {"code": "internal_error", "message": "boom"})
    evaluator = create("opa", server.policies, {"url": server.url})
    with pytest.raises(EvaluatorError, match=r"query data.ailm.controls: HTTP 500: boom"):
        evaluator.evaluate(SUBJECT_INPUT)
    assert sum(1 for r in server.requests if r.method == "POST") == 1


def test_rejected_policy_is_reported_with_opas_location_and_never_rewritten(server: ContractServer) -> None:
    first = server.policies.modules[0]
    error = {
        "code": "invalid_parameter",
        "message": "error(s) occurred while compiling module(s)",
        "errors": [{"code": "rego_parse_error", "message": "var cannot be used for rule name",
                    "location": {"file": f"ailm/{first.display}", "row": 3, "col": 1}}],
    }  # fmt: skip
    server.overrides[("PUT", f"/v1/policies/ailm/{first.display}")] = (400, error)
    with pytest.raises(EvaluatorError, match=rf"upload {first.display}: ailm/{first.display}:3:1: var cannot"):
        create("opa", server.policies, {"url": server.url})
    puts = [r for r in server.requests if r.path == f"/v1/policies/ailm/{first.display}"]
    assert len(puts) == 1  # rego_compat is off: no second, rewritten upload


def test_unhealthy_server_stops_before_anything_is_uploaded(server: ContractServer) -> None:
    server.overrides[("GET", "/health")] = (503, {"code": "unavailable", "message": "bundles not activated"})
    with pytest.raises(EvaluatorError, match="not healthy: HTTP 503: bundles not activated"):
        create("opa", server.policies, {"url": server.url})
    assert all(r.method == "GET" for r in server.requests)


def test_data_upload_failure(server: ContractServer) -> None:
    server.overrides[("PUT", "/v1/data/")] = (400, {"code": "invalid_parameter", "message": "path conflict"})
    with pytest.raises(EvaluatorError, match="upload data ailm/thresholds: path conflict"):
        create("opa", server.policies, {"url": server.url})


def test_connection_refused() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: nothing listens there
    with pytest.raises(EvaluatorError, match=rf"OPA at http://127.0.0.1:{port}: not healthy: connection refused"):
        create("opa", load_policies([BUILTIN_POLICIES]), {"url": f"http://127.0.0.1:{port}", "timeout": 1})


def test_timeout(server: ContractServer) -> None:
    evaluator = create("opa", server.policies, {"url": server.url, "timeout": 0.3})
    server.delay = 1.0
    with pytest.raises(EvaluatorError, match=r"query data.ailm.controls: timed out after 0.3 s"):
        evaluator.evaluate(SUBJECT_INPUT)


def test_bad_url_and_missing_url() -> None:
    policies = load_policies([BUILTIN_POLICIES])
    with pytest.raises(EvaluatorError, match="expected http://host:port"):
        create("opa", policies, {"url": "opa.internal:8181"})
    with pytest.raises(EvaluatorError, match="needs --opa-url"):
        create("opa", policies, {})


def test_cli_audit_on_the_contract_server_matches_embedded(
    server: ContractServer, demo_copy: Path, tmp_path: Path, run_cli
) -> None:
    base = ("audit", "--config", demo_copy / "ailm.yaml", "--no-sign", "--format", "json", "--as-of", "2026-11-23")
    emb = run_cli(*base, "--out", tmp_path / "emb")
    opa = run_cli(*base, "--out", tmp_path / "opa", "--evaluator", "opa", "--opa-url", server.url)
    assert emb.code == opa.code == 1, opa.err

    def findings(folder: Path) -> list[Any]:
        doc = json.loads((folder / "report.json").read_text())
        return [(r["control"], r["subject"], r["status"], r["findings"]) for r in doc["results"]]

    assert findings(tmp_path / "emb") == findings(tmp_path / "opa")
    assert json.loads((tmp_path / "opa" / "report.json").read_text())["evaluator"] == "opa"


def test_cli_reports_an_unreachable_opa_with_exit_2(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    res = run_cli("audit", "--config", demo_copy / "ailm.yaml", "--out", tmp_path / "o", "--no-sign",
                  "--evaluator", "opa", "--opa-url", f"http://127.0.0.1:{port}", "--opa-timeout", "1")  # fmt: skip
    assert res.code == 2
    assert "connection refused" in res.err
    assert not (tmp_path / "o").exists()


def test_bundle_holds_manifest_data_and_modules_and_is_reproducible(tmp_path: Path, run_cli) -> None:
    import io

    policies = load_policies([BUILTIN_POLICIES])
    data, revision = bundle_bytes(policies)
    assert bundle_bytes(policies)[0] == data  # same policies, same bytes
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("/.manifest").read())  # type: ignore[union-attr]
        bundled_data = json.loads(tar.extractfile("/data.json").read())  # type: ignore[union-attr]
    assert manifest == {"revision": policies.digest(), "roots": ["ailm"]} and revision == policies.digest()
    assert bundled_data == policies.data
    assert sorted(names) == sorted(["/.manifest", "/data.json", *[f"/ailm/{m.display}" for m in policies.modules]])
    assert not [n for n in names if n.endswith("_test.rego")]
    res = run_cli("policy", "bundle", "--out", tmp_path / "b.tar.gz")
    assert res.code == 0 and (tmp_path / "b.tar.gz").read_bytes() == data


# ---- against a real OPA -------------------------------------------------------------------------------

OPA_BINARY = shutil.which("opa")
OPA_URL = os.environ.get("AILM_OPA_URL")
NO_OPA = "no real OPA: `opa` is not on PATH and AILM_OPA_URL is not set (the OPA binary cannot be installed here)"


@pytest.fixture(scope="module")
def real_opa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if OPA_URL:
        yield OPA_URL
        return
    if OPA_BINARY is None:
        pytest.skip(NO_OPA)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([OPA_BINARY, "run", "--server", "--addr", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    import requests

    for _ in range(100):
        try:
            if requests.get(f"{url}/health", timeout=0.5).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_real_opa_gives_the_same_findings_as_embedded_on_the_demo(
    real_opa: str, demo_copy: Path, tmp_path: Path, run_cli
) -> None:
    base = ("audit", "--config", demo_copy / "ailm.yaml", "--no-sign", "--format", "json", "--as-of", "2026-11-23")
    emb = run_cli(*base, "--out", tmp_path / "emb")
    opa = run_cli(*base, "--out", tmp_path / "opa", "--evaluator", "opa", "--opa-url", real_opa)
    assert emb.code == opa.code, opa.err

    def findings(folder: Path) -> list[Any]:
        doc = json.loads((folder / "report.json").read_text())
        return [(r["control"], r["subject"], r["status"], r["findings"]) for r in doc["results"]]

    assert findings(tmp_path / "emb") == findings(tmp_path / "opa")


def test_real_opa_loads_the_bundle(tmp_path: Path) -> None:
    if OPA_BINARY is None:
        pytest.skip("no `opa` binary on PATH to load the bundle with (the OPA binary cannot be installed here)")
    data, _ = bundle_bytes(load_policies([BUILTIN_POLICIES]))
    (tmp_path / "b.tar.gz").write_bytes(data)
    proc = subprocess.run([OPA_BINARY, "eval", "--bundle", str(tmp_path / "b.tar.gz"), "data.ailm.thresholds"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "four_fifths_ratio" in proc.stdout
