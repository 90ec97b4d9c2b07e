"""Per-subject work on Dask: a local cluster (--workers) or an existing one (--scheduler) gives the same result as
a serial run; a worker that dies or a task that raises marks that subject error and the rest completes; a cluster
that cannot be reached, or cannot run the evaluator, is no verdict with the reason."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from test_fleet import _two_versions

VOLATILE = ("audit_id", "generated_at")


def _clock() -> str:
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) + timedelta(days=1)).date().isoformat()  # after version 2's registration, today


def _report(out: Path, rel: str = "report.json") -> dict[str, object]:
    doc = json.loads((out / rel).read_text())
    return {k: v for k, v in doc.items() if k not in VOLATILE}


@pytest.fixture
def fleet(demo_root: Path, demo_copy: Path, tmp_path: Path) -> Path:
    return _two_versions(demo_root, demo_copy, tmp_path)


@pytest.fixture
def cluster() -> Iterator[str]:
    """An existing dask.distributed cluster, as a team would run one: its address is all ailm is given."""
    import dask
    from distributed import LocalCluster

    with (
        dask.config.set({"distributed.worker.daemon": False}),
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address="127.0.0.1:0", host="127.0.0.1") as c,
    ):
        yield str(c.scheduler_address)


def test_two_workers_and_an_existing_cluster_give_the_serial_result(
    fleet: Path, tmp_path: Path, run_cli, cluster: str
) -> None:
    clock = _clock()
    common = ("--config", fleet, "--no-sign", "--format", "json,markdown", "--no-history", "--as-of", clock)
    serial = run_cli("audit", *common, "--out", tmp_path / "serial")
    local = run_cli("audit", *common, "--out", tmp_path / "local", "--workers", "2")
    remote = run_cli("audit", *common, "--out", tmp_path / "remote", "--scheduler", cluster)
    assert serial.code == local.code == remote.code == 1, (serial.err, local.err, remote.err)
    want = _report(tmp_path / "serial")
    assert len(want["subjects"]) == 2 and want["upcoming"]  # type: ignore[arg-type]
    for run in ("local", "remote"):
        out = tmp_path / run
        assert _report(out) == want  # every decision, finding, measured number and the evidence digest
        assert (out / "inputs.json").read_bytes() == (tmp_path / "serial" / "inputs.json").read_bytes()
        for version in ("1", "2"):
            rel = f"adult-income/{version}/report.json"
            assert _report(out, rel) == _report(tmp_path / "serial", rel)
    again = run_cli("audit", *common, "--out", tmp_path / "again", "--scheduler", cluster)
    assert again.code == 1, again.err
    from distributed import Client

    with Client(cluster, set_as_default=False) as client:  # a long-lived cluster keeps one audit's evaluator
        held = client.run(_evaluators_held)
    assert held and all(n <= 1 for n in held.values()), held


def _evaluators_held() -> int:
    from ailm.audit import runner

    return len(runner._EVALUATORS)


KILLER = """
import os
from ailm.analysis.context import Analyzer
from ailm.plugins import Plugin


def measure(ctx, as_of):
    if ctx.subject.endswith("/2"):
        os._exit(13)  # the worker process dies under this subject, as an out-of-memory kill would
    return {"probe": "ok"}


plugin = Plugin(kind="analyzer", name="killer", summary="dies on version 2", roles={"killer_probe": "one"},
                build=lambda _settings: Analyzer(measure=measure))
"""


def test_a_worker_that_dies_marks_its_subject_error_and_the_fleet_completes(
    fleet: Path, tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    dist = site / "killer_plugin-0.1.dist-info"
    dist.mkdir(parents=True)
    (site / "killer_plugin.py").write_text(KILLER)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: killer-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[ailm.analyzers]\nkiller = killer_plugin:plugin\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("PYTHONPATH", str(site))  # the worker processes find it as the audit does
    cfg = fleet
    cfg.write_text(cfg.read_text().replace("  label: income", "  analyzers: [killer]\n  label: income", 1))
    out = tmp_path / "o"
    res = run_cli("audit", "--config", cfg, "--out", out, "--no-sign", "--format", "json,html", "--no-history",
                  "--as-of", _clock(), "--workers", "2", "--horizon", "0")  # fmt: skip
    assert res.code == 2, res.err  # no verdict, never a pass
    assert (out / "report.json").is_file(), res.err
    report = json.loads((out / "report.json").read_text())
    by = {
        s: [r for r in report["results"] if r["subject"] == s]
        for s in (f"model_version:adult-income/{v}" for v in "12")
    }
    dead = by["model_version:adult-income/2"]
    assert {r["status"] for r in dead} == {"error"}
    assert (
        "model_version:adult-income/2 could not be measured: the Dask worker running it died"
        in (dead[0]["findings"][0]["message"])
    )
    alive = {r["status"] for r in by["model_version:adult-income/1"]}
    assert "error" not in alive and "fail" in alive  # version 1 was judged as usual
    assert (out / "adult-income" / "1" / "report.html").is_file() and (
        out / "adult-income" / "2" / "report.html"
    ).is_file()


def test_a_task_that_raises_is_that_subjects_failure_and_bad_input_still_stops() -> None:
    from ailm.audit.parallel import Failed, executor
    from ailm.errors import InputError

    with executor(2, None) as pool:
        got = pool.map(_maybe_raise, "x", ["a", "boom", "c"])
        assert got[0] == "x:a" and got[2] == "x:c"
        assert isinstance(got[1], Failed) and got[1].cause == "RuntimeError: boom broke"
        with pytest.raises(InputError, match="bad input in bad"):
            pool.map(_maybe_raise, "x", ["a", "bad"])


def _maybe_raise(shared: str, subject: str) -> str:
    from ailm.errors import InputError

    if subject == "boom":
        raise RuntimeError(f"{subject} broke")
    if subject == "bad":
        raise InputError(f"bad input in {subject}")
    return f"{shared}:{subject}"


def test_a_cluster_that_cannot_be_reached_or_run_the_evaluator_is_no_verdict(
    fleet: Path, tmp_path: Path, run_cli
) -> None:
    import dask
    from distributed import LocalCluster

    common = ("--config", fleet, "--no-sign", "--format", "json", "--no-history", "--as-of", _clock())
    res = run_cli("audit", *common, "--out", tmp_path / "a", "--scheduler", "tcp://127.0.0.1:9")
    assert res.code == 2 and "--scheduler tcp://127.0.0.1:9: cannot reach the Dask scheduler" in res.err
    res = run_cli("audit", *common, "--out", tmp_path / "b", "--scheduler", "tcp://127.0.0.1:9", "--workers", "2")
    assert res.code == 2 and "--workers and --scheduler: give one" in res.err
    res = run_cli("audit", *common, "--out", tmp_path / "c", "--workers", "0")
    assert res.code == 2 and "--workers 0: a number of worker processes from 1 to 512" in res.err
    with (
        dask.config.set({"distributed.worker.daemon": True}),
        LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address="127.0.0.1:0", host="127.0.0.1") as daemonic,
    ):
        res = run_cli("audit", *common, "--out", tmp_path / "d", "--scheduler", daemonic.scheduler_address)
    assert res.code == 2 and "distributed.worker.daemon: false" in res.err, res.err
    assert not any((tmp_path / x).exists() for x in "abcd")  # nothing written


SCHEDULER_KILLER = """
import os
import signal
import time

from ailm.analysis.context import Analyzer
from ailm.plugins import Plugin


def measure(ctx, as_of):
    os.kill(int(os.environ["AILM_TEST_SCHEDULER_PID"]), signal.SIGKILL)  # the scheduler dies mid-audit
    time.sleep(5)
    return {"probe": "ok"}


plugin = Plugin(kind="analyzer", name="scheduler_killer", summary="kills the scheduler",
                roles={"killer_probe": "one"}, build=lambda _settings: Analyzer(measure=measure))
"""


def test_an_external_scheduler_that_dies_mid_audit_is_exit_2_naming_it(
    fleet: Path, tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    site = tmp_path / "site"
    dist = site / "scheduler_killer-0.1.dist-info"
    dist.mkdir(parents=True)
    (site / "scheduler_killer.py").write_text(SCHEDULER_KILLER)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: scheduler-killer\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[ailm.analyzers]\nscheduler_killer = scheduler_killer:plugin\n")
    monkeypatch.syspath_prepend(str(site))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    log = (tmp_path / "dask.log").open("wb")
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(port),
         "--no-dashboard"], stdout=log, stderr=log, env=env, start_new_session=True,
    )  # fmt: skip
    env |= {"AILM_TEST_SCHEDULER_PID": str(scheduler.pid), "PYTHONPATH": str(site)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nworkers", "1", "--nthreads", "1",
         "--no-dashboard", "--host", "127.0.0.1"], stdout=log, stderr=log, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        from distributed import Client

        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(address, timeout="2s", set_as_default=False) as c:
                    if c.scheduler_info()["workers"]:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "dask.log").read_text()[-2000:]
            time.sleep(0.5)
        fleet.write_text(
            fleet.read_text().replace("  label: income", "  analyzers: [scheduler_killer]\n  label: income", 1)
        )
        out = tmp_path / "o"
        started = time.monotonic()
        res = run_cli("audit", "--config", fleet, "--out", out, "--no-sign", "--format", "json", "--no-history",
                      "--as-of", _clock(), "--horizon", "0", "--scheduler", address)  # fmt: skip
        assert time.monotonic() - started < 120
        assert res.code == 2, (res.code, res.out[-500:], res.err)
        flat = " ".join(res.err.split())
        assert res.err.startswith("ailm: error: ") and "internal error" not in res.err, res.err
        assert f"the Dask scheduler {address}" in flat, flat
        assert not out.exists()  # nothing written, never a pass
    finally:
        for proc in (worker, scheduler):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        log.close()
