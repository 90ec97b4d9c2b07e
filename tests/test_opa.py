"""The OPA evaluator: contract tests of the exact HTTP exchange on a loopback server, and an integration
test against a real OPA (on PATH, or at AILM_OPA_URL) that is skipped, saying why, when there is none."""

from __future__ import annotations

import json
import os
import re
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
from opa_bindings import OpaEngine, OpaError, OpaUndefinedError

from ailm import builtin
from ailm.errors import MSG_NO_RESULT, EvaluatorError
from ailm.policy import create, load_policies
from ailm.policy.bundle import bundle_bytes
from ailm.policy.embedded import EmbeddedEvaluator
from ailm.policy.opa import POLICY_ID_PREFIX, upload_order


@dataclass
class Exchange:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class ContractServer:
    """A loopback HTTP server that records every request and answers as real OPA does, because real OPA (the
    in-process referee) does the work: each policy upload is compiled against the modules already loaded
    (a call to a function not yet uploaded is refused, 400 rego_compile_error), queries are evaluated with
    strict built-in errors, and a server started with a bundle refuses uploads under the bundle's roots and
    lists the bundle's revision at /v1/data/system/bundles. ``overrides`` answer a request as told."""

    policies: Any
    bundle_revision: str | None = None
    requests: list[Exchange] = field(default_factory=list)
    overrides: dict[tuple[str, str], tuple[int, Any]] = field(default_factory=dict)
    delay: float = 0.0
    url: str = ""
    modules: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    BUNDLE = "ailm-bundle.tar.gz"

    def __post_init__(self) -> None:
        if self.bundle_revision is not None:  # `opa run --server --bundle ailm-bundle.tar.gz`
            self.modules = {f"{POLICY_ID_PREFIX}{m.display}": m.text for m in self.policies.modules}
            self.data = json.loads(json.dumps(self.policies.data))

    def engine(self, modules: dict[str, str]) -> OpaEngine:
        engine = OpaEngine()
        for name, text in modules.items():
            engine.add_policy(name, text)
        engine.add_data(self.data)
        return engine

    def owned(self, path: str) -> bool:
        return self.bundle_revision is not None and (path == "ailm" or path.startswith("ailm/"))

    def refused(self, path: str) -> tuple[int, Any]:
        return 400, {"code": "invalid_parameter", "message": f"path {path} is owned by bundle {self.BUNDLE!r}"}

    def answer(self, method: str, path: str, body: bytes) -> tuple[int, Any]:
        for (m, prefix), reply in self.overrides.items():
            if m == method and path.startswith(prefix):
                return reply
        route = path.split("?", 1)[0]
        if method == "GET" and route == "/health":
            return 200, {}
        if method == "GET" and route == "/v1/data/system/bundles":
            if self.bundle_revision is None:
                return 200, {"result": {}}
            manifest = {"revision": self.bundle_revision, "roots": ["ailm"]}
            return 200, {"result": {self.BUNDLE: {"manifest": manifest}}}
        if method == "PUT" and route.startswith("/v1/policies/"):
            policy_id = route.removeprefix("/v1/policies/")
            if self.owned(policy_id):
                return self.refused(policy_id)
            candidate = {**self.modules, policy_id: body.decode("utf-8")}
            try:
                self.engine(candidate).eval_query("true")
            except OpaError as exc:
                return 400, compile_errors(str(exc))
            self.modules = candidate
            return 200, {}
        if method == "PUT" and route.startswith("/v1/data/"):
            where = route.removeprefix("/v1/data/")
            if self.owned(where):
                return self.refused(f"/{where}")
            node = self.data
            *parents, last = where.split("/")
            for part in parents:
                node = node.setdefault(part, {})
            node[last] = json.loads(body)
            return 204, None
        if method == "POST" and route == "/v1/data/ailm/controls":
            try:
                value = self.engine(self.modules).eval_document("ailm.controls", json.loads(body)["input"])
            except OpaUndefinedError:
                return 200, {}
            except OpaError as exc:
                return 500, {"code": "internal_error", "message": str(exc)}
            return 200, {"result": value}
        return 404, {"code": "resource_not_found", "message": f"{method} {path}"}


def compile_errors(text: str) -> dict[str, Any]:
    """OPA's 400 body for a module it will not compile, from the referee's message."""
    errors = []
    for line in text.splitlines():
        m = re.search(r"(\S+?):(\d+): (rego_\w+_error): (.+)$", line)
        if m:
            loc = {"file": m.group(1), "row": int(m.group(2)), "col": 1}
            errors.append({"code": m.group(3), "message": m.group(4), "location": loc})
    return {"code": "invalid_parameter", "message": "error(s) occurred while compiling module(s)", "errors": errors}


def serve(state: ContractServer) -> Iterator[ContractServer]:

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


@pytest.fixture
def server() -> Iterator[ContractServer]:
    yield from serve(ContractServer(policies=load_policies([builtin.policies()])))


@pytest.fixture
def bundle_server() -> Iterator[ContractServer]:
    """An OPA started with the bundle `ailm policy bundle` writes (of the policies as they are here)."""
    policies = load_policies([builtin.policies()])
    yield from serve(ContractServer(policies=policies, bundle_revision=policies.digest()))


SUBJECT_INPUT = {"subject": {"id": "s"}, "as_of_ns": 1795392000000000000, "evidence": {}, "expired": []}


def test_the_exchange_is_health_then_policies_then_data_then_one_query_per_subject(server: ContractServer) -> None:
    policies = server.policies
    evaluator = create("opa", policies, {"url": server.url, "token": "s3cret", "timeout": 5})
    decisions = evaluator.evaluate(SUBJECT_INPUT)
    evaluator.evaluate(SUBJECT_INPUT)

    seq = [(r.method, r.path) for r in server.requests]
    modules = upload_order(policies.modules)
    assert modules[0].display == "policies/lib/ailm.rego"  # what every control imports comes first
    expected = [("GET", "/health")]
    expected += [("PUT", f"/v1/policies/ailm/{m.display}") for m in modules]
    expected += [("PUT", "/v1/data/ailm/thresholds")]
    expected += [("POST", "/v1/data/ailm/controls?strict-builtin-errors=true")] * 2
    assert seq == expected
    for r, m in zip(server.requests[1 : 1 + len(modules)], modules, strict=True):
        assert r.body == m.text.encode("utf-8")  # uploaded as written, never rewritten
        assert r.headers["Content-Type"] == "text/plain"
    assert json.loads(server.requests[len(modules) + 1].body) == policies.data["ailm"]["thresholds"]
    query = server.requests[-1]
    assert json.loads(query.body) == {"input": SUBJECT_INPUT}
    assert all(r.headers.get("Authorization") == "Bearer s3cret" for r in server.requests)
    # real OPA decided on the server; the embedded engine decides the same on the same input
    assert decisions == EmbeddedEvaluator(policies).evaluate(SUBJECT_INPUT)
    assert any(d.deny for d in decisions.values())


def test_uploading_in_file_order_is_refused_as_real_opa_refuses_it(server: ContractServer) -> None:
    """The contract server compiles each upload like OPA: the controls before lib/ call undefined functions."""
    import requests

    first = sorted(server.policies.modules, key=lambda m: m.display)[0]  # policies/data/data_001.rego
    res = requests.put(f"{server.url}/v1/policies/ailm/{first.display}", data=first.text.encode(), timeout=5)
    assert res.status_code == 400
    error = res.json()["errors"][0]
    assert error["code"] in ("rego_compile_error", "rego_type_error"), error
    assert "undefined function data.ailm.lib" in error["message"]


def test_upload_order_puts_every_module_after_what_it_imports() -> None:
    from ailm.policy.metadata import package_of

    modules = upload_order(load_policies([builtin.policies()]).modules)
    position = {package_of(m.text): i for i, m in enumerate(modules)}
    for i, m in enumerate(modules):
        for imported in re.findall(r"^import data\.([\w.]+)", m.text, re.M):
            assert position[imported] < i, (m.display, imported)


def test_upload_mode_against_a_server_that_serves_the_bundle_is_refused(bundle_server: ContractServer) -> None:
    with pytest.raises(EvaluatorError, match=r"upload policies/lib/ailm.rego: .*owned by bundle"):
        create("opa", bundle_server.policies, {"url": bundle_server.url})


def test_query_mode_checks_the_bundle_revision_and_uploads_nothing(bundle_server: ContractServer) -> None:
    evaluator = create("opa", bundle_server.policies, {"url": bundle_server.url, "mode": "query"})
    decisions = evaluator.evaluate(SUBJECT_INPUT)
    assert decisions == EmbeddedEvaluator(bundle_server.policies).evaluate(SUBJECT_INPUT)
    assert [(r.method, r.path.split("?")[0]) for r in bundle_server.requests] == [
        ("GET", "/health"), ("GET", "/v1/data/system/bundles"), ("POST", "/v1/data/ailm/controls"),
    ]  # fmt: skip


def test_query_mode_refuses_a_server_running_other_policies(bundle_server: ContractServer) -> None:
    bundle_server.bundle_revision = "0" * 64
    with pytest.raises(EvaluatorError, match=r"bundle revision \(ailm-bundle.tar.gz: 0{64}\) is not this policy set"):
        create("opa", bundle_server.policies, {"url": bundle_server.url, "mode": "query"})
    evaluator = create(
        "opa", bundle_server.policies, {"url": bundle_server.url, "mode": "query", "check_revision": False}
    )
    assert evaluator.evaluate(SUBJECT_INPUT)


def test_query_mode_without_a_bundle_is_refused(server: ContractServer) -> None:
    with pytest.raises(EvaluatorError, match="serves no bundle with root 'ailm'"):
        create("opa", server.policies, {"url": server.url, "mode": "query"})


def test_cli_query_mode_refuses_thresholds_it_cannot_apply(
    bundle_server: ContractServer, demo_copy: Path, tmp_path: Path, run_cli
) -> None:
    cfg = demo_copy / "ailm.yaml"
    cfg.write_text(cfg.read_text().replace("fail_on: high", "fail_on: high\nthresholds: {four_fifths_ratio: 0.7}"))
    res = run_cli("audit", "--config", cfg, "--out", tmp_path / "o", "--no-sign", "--evaluator", "opa",
                  "--opa-url", bundle_server.url, "--opa-mode", "query")  # fmt: skip
    assert res.code == 2
    assert "thresholds: an OPA in query mode decides with the data of the bundle it serves" in " ".join(res.err.split())
    assert not (tmp_path / "o").exists()


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
        create("opa", load_policies([builtin.policies()]), {"url": f"http://127.0.0.1:{port}", "timeout": 1})


def test_timeout(server: ContractServer) -> None:
    # the uploads compile on real OPA first: a limit that a loaded machine's compile cannot pass by accident
    evaluator = create("opa", server.policies, {"url": server.url, "timeout": 2.0})
    server.delay = 5.0
    with pytest.raises(EvaluatorError, match=r"query data.ailm.controls: timed out after 2 s"):
        evaluator.evaluate(SUBJECT_INPUT)


def test_bad_url_and_missing_url() -> None:
    policies = load_policies([builtin.policies()])
    with pytest.raises(EvaluatorError, match="expected http://host:port"):
        create("opa", policies, {"url": "opa.internal:8181"})
    with pytest.raises(EvaluatorError, match="needs a server: --opa-url"):
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

    policies = load_policies([builtin.policies()])
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
    data, _ = bundle_bytes(load_policies([builtin.policies()]))
    (tmp_path / "b.tar.gz").write_bytes(data)
    proc = subprocess.run([OPA_BINARY, "eval", "--bundle", str(tmp_path / "b.tar.gz"), "data.ailm.thresholds"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "four_fifths_ratio" in proc.stdout
