"""The MLflow collector against a real tracking server on loopback, on an unreachable one, and on versions
that share a run."""

from __future__ import annotations

import importlib.util
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ailm.collectors.base import CollectContext
from ailm.collectors.mlflow_registry import MlflowCollector
from ailm.errors import CollectorError

AS_OF = datetime(2026, 11, 23, tzinfo=UTC)
SERVER_DEPS = ("flask", "flask_cors")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def mlflow_server(demo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    missing = [m for m in SERVER_DEPS if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"SKIPPED: `mlflow server` cannot start from the installed packages (missing {', '.join(missing)})")
    store = tmp_path_factory.mktemp("server") / "mlflow.db"
    shutil.copy(demo_root / ".ailm" / "demo" / "mlflow.db", store)
    port = _free_port()
    log = (store.parent / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", str(port),
         "--backend-store-uri", f"sqlite:///{store}", "--workers", "1"],
        stdout=subprocess.DEVNULL, stderr=log, cwd=store.parent,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"mlflow server exited: {(store.parent / 'server.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("mlflow server did not answer /health within 90 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()


def test_tracking_server_gives_what_the_local_store_gives(mlflow_server: str, demo_root: Path) -> None:
    ctx = CollectContext(base_dir=demo_root, as_of=AS_OF)
    remote = MlflowCollector(tracking_uri=mlflow_server, registry_uri=None, models=None, retries=0).collect(ctx)
    local = MlflowCollector(
        tracking_uri=str(demo_root / ".ailm" / "demo" / "mlflow.db"), registry_uri=None, models=None
    ).collect(ctx)
    assert remote.records and {r.source.uri for r in remote.records} == {mlflow_server}
    assert {r.id: r.data for r in remote.records} == {r.id: r.data for r in local.records}
    reg = next(r for r in remote.records if r.role == "reg")
    assert reg.data["aliases"] == ["champion"] and reg.data["artifact_digest"]
    assert {(e.src, e.dst, e.type) for e in remote.edges} == {(e.src, e.dst, e.type) for e in local.edges}


def test_unreachable_tracking_server_is_exit_2_naming_it(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    cfg = demo_copy / "ailm.yaml"
    port = _free_port()  # nothing listens there
    text = cfg.read_text()
    start = text.index("    tracking_uri:")
    end = text.index("\n", start)
    cfg.write_text(text[:start] + f"    tracking_uri: http://127.0.0.1:{port}\n    retries: 0" + text[end:])
    res = run_cli("audit", "--config", cfg, "--out", tmp_path / "o", "--no-sign", "--format", "json")
    assert res.code == 2
    err = " ".join(res.err.split())
    assert "collector mlflow" in err and f"MLflow at http://127.0.0.1:{port}" in err
    assert not (tmp_path / "o").exists()


def test_versions_that_share_a_run_say_so(tmp_path: Path) -> None:
    import mlflow

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    exp = client.create_experiment("e", artifact_location=(tmp_path / "art").as_uri())
    run = client.create_run(exp)
    client.set_terminated(run.info.run_id)
    other = client.create_run(exp)
    for name in ("a", "b"):
        client.create_registered_model(name)
    src = f"{run.info.artifact_uri}/model"
    client.create_model_version("a", src, run_id=run.info.run_id)
    client.create_model_version("a", src, run_id=run.info.run_id)
    client.create_model_version("b", src, run_id=run.info.run_id)
    client.create_model_version("b", f"{other.info.artifact_uri}/model", run_id=other.info.run_id)
    out = MlflowCollector(tracking_uri=uri, registry_uri=None, models=None).collect(
        CollectContext(base_dir=tmp_path, as_of=AS_OF)
    )
    shared = {r.id: r.data["shared_run_with"] for r in out.records if r.role == "reg"}
    assert shared == {
        "mlflow:model_version:a/1": ["model_version:a/2", "model_version:b/1"],
        "mlflow:model_version:a/2": ["model_version:a/1", "model_version:b/1"],
        "mlflow:model_version:b/1": ["model_version:a/1", "model_version:a/2"],
        "mlflow:model_version:b/2": [],
    }
    runs = [r for r in out.records if r.role == "run"]
    assert len(runs) == 2  # each run read once, however many versions it produced


def test_missing_store_is_never_an_empty_pass(tmp_path: Path) -> None:
    with pytest.raises(CollectorError, match="does not exist"):
        MlflowCollector(tracking_uri="nope.db", registry_uri=None, models=None).collect(
            CollectContext(base_dir=tmp_path, as_of=AS_OF)
        )


AWKWARD_NAMES = (
    "it's", 'say "hi"', "both ' and \"", "back\\slash", "trail\\", "it\\'s", 'a\\"b', "ünïcode ✓ 模型",
    "a' OR name LIKE '%", "x -- y", "%", "a_", "semi;colon", "a b",
)  # fmt: skip


def test_model_names_with_quotes_backslashes_and_unicode_give_exactly_their_own_versions(tmp_path: Path) -> None:
    """MLflow allows these names; its search grammar has no escape, so no name may stop the audit of the fleet
    or bring another model's versions with it."""
    import mlflow

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    for i, name in enumerate(AWKWARD_NAMES):
        client.create_registered_model(name)
        for _ in range(1 + i % 3):
            client.create_model_version(name, (tmp_path / "nowhere").as_uri())
    ctx = CollectContext(base_dir=tmp_path, as_of=AS_OF)
    every = MlflowCollector(tracking_uri=uri, registry_uri=None, models=None).collect(ctx)
    some = MlflowCollector(tracking_uri=uri, registry_uri=None, models=list(AWKWARD_NAMES[:8])).collect(ctx)
    for out, names in ((every, AWKWARD_NAMES), (some, AWKWARD_NAMES[:8])):
        got = sorted((r.data["name"], r.data["version"]) for r in out.records if r.role == "reg")
        want = sorted((n, str(v + 1)) for i, n in enumerate(AWKWARD_NAMES) if n in names for v in range(1 + i % 3))
        assert got == want


def test_a_registry_of_more_than_one_page_of_models_is_read_whole(tmp_path: Path) -> None:
    import mlflow

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    for i in range(105):  # MLflow gives 100 registered models per page
        client.create_registered_model(f"m{i:03d}")
        client.create_model_version(f"m{i:03d}", (tmp_path / "nowhere").as_uri())
    out = MlflowCollector(tracking_uri=uri, registry_uri=None, models=None).collect(
        CollectContext(base_dir=tmp_path, as_of=AS_OF)
    )
    assert len([r for r in out.records if r.role == "reg"]) == 105


def test_awkward_names_through_a_tracking_server_give_exactly_their_own_versions(
    mlflow_server: str, tmp_path: Path
) -> None:
    """The same over MLflow's REST API (the filter travels as a query parameter); runs after the comparison above,
    since it registers models on the server's store."""
    import mlflow

    client = mlflow.MlflowClient(tracking_uri=mlflow_server, registry_uri=mlflow_server)
    names = ["it's", "both ' and \"", "back\\slash ✓"]
    for i, name in enumerate(names):
        client.create_registered_model(name)
        for _ in range(i + 1):
            client.create_model_version(name, "s3://nowhere/model")  # the server refuses a local path
    out = MlflowCollector(tracking_uri=mlflow_server, registry_uri=None, models=names, retries=0).collect(
        CollectContext(base_dir=tmp_path, as_of=AS_OF)
    )
    got = sorted((r.data["name"], r.data["version"]) for r in out.records if r.role == "reg")
    assert got == sorted((n, str(v + 1)) for i, n in enumerate(names) for v in range(i + 1))
