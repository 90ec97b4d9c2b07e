"""Fleet benchmarks; results in bench/results/fleet.json. Run with `make bench`; measured, never asserted.

1. The registry trial: 24 models, 27 versions in one real MLflow store (shared raw data declared by several
   manifests, retrained versions, a retired and a failed registration, several `training` contexts): does one
   fleet audit get through it, how long does it take, and what does each subject end as.
2. Scale: a synthetic fleet of N (default 200) model versions, each a real scikit-learn model trained on its own
   generated data and registered in a real MLflow store with its datasets, measured by ailm (fairness and data
   analyzers, no cache), audited serially and on a local Dask cluster of 2 workers: wall time, per-subject cost,
   speed-up, peak memory of the audit and of each worker, and that both results are the same.
3. The history store: size and write time per audit of that fleet's result, on SQLite and on PostgreSQL.
4. An extrapolation to 10,000 model versions on a cluster, with the arithmetic.

    python bench/fleet.py [--versions 200] [--skip-trial]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from machine import machine

REPO = Path(__file__).resolve().parents[1]
SEED = 20261201
ROWS = 1500  # training rows per model; a third as many test rows


def _frame(rng: Any, n: int, shift: float) -> Any:
    import numpy as np
    import pandas as pd

    group = rng.choice(["a", "b"], size=n, p=[0.6, 0.4])
    x = rng.normal(size=(n, 4))
    logit = x @ np.array([1.2, -0.8, 0.5, 0.0]) + np.where(group == "b", -0.6 + shift, 0.3)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "x3": x[:, 2], "x4": x[:, 3], "group": group, "y": y})


def build_registry(root: Path, plan: list[dict[str, Any]]) -> Path:
    """Train and register every version ``plan`` lists: {model, data, context_train, context_test, retired,
    failed}. Versions of one model with the same ``data`` are trained on the same split files."""
    import logging
    import warnings

    import mlflow
    import mlflow.sklearn
    import numpy as np
    import skops.io
    from mlflow.models import infer_signature
    from sklearn.linear_model import LogisticRegression

    logging.getLogger("mlflow").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    store = root / "mlflow.db"
    uri = f"sqlite:///{store}"
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    exp = client.create_experiment("fleet", artifact_location=(root / "artifacts").as_uri())
    data_dir = root / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    trusted: list[str] | None = None
    import zlib

    for i, v in enumerate(plan):
        code = zlib.crc32(v["data"].encode())
        rng = np.random.default_rng(SEED + code % 10_000)
        files = {}
        for split, n in (("train", ROWS), ("test", ROWS // 3)):
            path = data_dir / f"{v['data']}-{split}.csv"
            if not path.exists():
                _frame(rng, n, shift=(code % 7) / 10).to_csv(path, index=False)
            files[split] = path
        import pandas as pd

        train = pd.read_csv(files["train"])
        features = ["x1", "x2", "x3", "x4"]
        with mlflow.start_run(experiment_id=exp, run_name=f"train-{v['model']}"):
            for split, context in (("train", v.get("context_train", "train")), ("test", v.get("context_test", "test"))):
                df = pd.read_csv(files[split])
                ds = mlflow.data.from_pandas(df, source=files[split].as_uri(), name=f"{v['data']}-{split}", targets="y")  # type: ignore[attr-defined]
                mlflow.log_input(ds, context=context)
            model = LogisticRegression(C=0.5 + (i % 5) / 2, max_iter=300).fit(train[features], train["y"])
            trusted = trusted or skops.io.get_untrusted_types(data=skops.io.dumps(model))
            mlflow.sklearn.log_model(model, name="model", signature=infer_signature(train[features].head(20)),
                                     registered_model_name=v["model"], serialization_format="skops",
                                     skops_trusted_types=trusted, pip_requirements=["scikit-learn"])  # fmt: skip
        version = max(int(m.version) for m in client.search_model_versions(f"name='{v['model']}'"))
        client.set_model_version_tag(v["model"], str(version), "validated_by", "model-validation@example.org")
        if v.get("retired"):
            client.set_model_version_tag(v["model"], str(version), "lifecycle", "retired")
        if v.get("failed"):
            import sqlite3

            with sqlite3.connect(store) as db:  # what MLflow records when a registration fails
                db.execute("UPDATE model_versions SET status = 'FAILED_REGISTRATION' WHERE name = ? AND version = ?",
                           (v["model"], version))  # fmt: skip
    return store


def write_config(root: Path, store: Path, name: str, manifests: list[Path], workers_note: str = "") -> Path:
    collectors = [f"  - name: manifest\n    path: {m}\n" for m in manifests]
    cfg = root / "ailm.yaml"
    cfg.write_text(
        "apiVersion: ailm/v1\nkind: AuditConfig\n"
        f"name: {name}\n"
        "collectors:\n" + "".join(collectors) + f"  - name: mlflow\n    tracking_uri: {store}\n"
        'subjects:\n  - {model: "*", version: "*"}\n'
        "fail_on: high\nformats: [json, html]\nhorizon_days: [30]\n"
        "analysis:\n  label: y\n  positive_label: 1\n  sensitive_features: [group]\n"
        "  no_cache: true\n" + workers_note  # the analyzers a user gets by default: all, 200 bootstrap resamples
    )
    return cfg


def shared_manifests(root: Path, models: list[str]) -> list[Path]:
    """Each model's manifest declares the same raw dataset with the same facts (a real registry shares them)."""
    out = []
    for m in models:
        p = root / f"manifest-{m}.yaml"
        p.write_text(
            f"apiVersion: ailm/v1\nkind: Manifest\nmodel: {m}\nasserted_by: owner@example.org\n"
            "asserted_at: 2026-11-01T00:00:00Z\n"
            "facts:\n  inventory:\n    data: {inventory_id: AI-" + m + ", owner: ml-platform, risk_tier: medium}\n"
            "datasets:\n  - name: shared-raw\n    data: {raw: true, licence: CC BY 4.0, personal_data: false}\n"
        )
        out.append(p)
    return out


class Peak:
    """Peak resident memory of a process and of each of its descendants, sampled every 0.1 s."""

    def __init__(self, pid: int) -> None:
        import psutil

        self.proc = psutil.Process(pid)
        self.peak: dict[int, tuple[int, str]] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        import psutil

        while not self.stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
            except psutil.Error:
                return
            for p in procs:
                try:
                    rss = p.memory_info().rss
                    what = " ".join(p.cmdline()[1:4])
                except psutil.Error:
                    continue
                if rss > self.peak.get(p.pid, (0, ""))[0]:
                    self.peak[p.pid] = (rss, what)
            time.sleep(0.1)

    def done(self) -> dict[str, Any]:
        self.stop.set()
        self.thread.join()
        mb = {pid: (round(rss / 2**20, 1), what) for pid, (rss, what) in self.peak.items()}
        main = mb.get(self.proc.pid, (0.0, ""))[0]
        workers = sorted(
            (v for pid, (v, what) in mb.items() if pid != self.proc.pid and "multiprocessing" in what), reverse=True
        )
        return {"audit_process_peak_mb": main, "child_process_peaks_mb": workers[:6]}


def audit(cfg: Path, out: Path, as_of: str, *extra: str) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "ailm.cli", "audit", "--config", str(cfg), "--out", str(out), "--no-sign",
           "--no-history", "--as-of", as_of, *extra]  # fmt: skip
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = Peak(proc.pid)
    _, stderr = proc.communicate(timeout=7200)
    wall = time.perf_counter() - t
    mem = peak.done()
    report = json.loads((out / "report.json").read_text()) if (out / "report.json").exists() else None
    return {"exit": proc.returncode, "wall_s": round(wall, 2), **mem, "report": report,
            "stderr_tail": stderr[-400:] if proc.returncode not in (0, 1) else ""}  # fmt: skip


def phases_here(cfg: Path, as_of: str, workers: int | None) -> dict[str, float]:
    """In this process: the audit's phases, timed from its progress messages (run as its own process)."""
    from ailm.audit.outdir import OutputFolder
    from ailm.audit.parallel import executor
    from ailm.audit.publish import output_names, publish
    from ailm.audit.runner import AuditOptions, run_audit
    from ailm.cli import parse_as_of

    t0 = time.perf_counter()
    marks: dict[str, float] = {}

    def progress(msg: str) -> None:
        for key, start in (("collect", "collecting"), ("measure", "measuring "), ("evaluate", "evaluating ")):
            if msg.startswith(start) and key not in marks:
                marks[key] = time.perf_counter() - t0

    out = cfg.parent / f"phases-{workers}"
    with executor(workers, None) as pool:
        marks["cluster_up"] = time.perf_counter() - t0
        run = run_audit(AuditOptions(config_path=cfg, as_of=parse_as_of(as_of)), progress=progress, pool=pool)
        marks["audit_done"] = time.perf_counter() - t0
        with OutputFolder(out, ours=output_names()) as folder:
            publish(run, folder, ["json", "html"], None, pool=pool)
        marks["published"] = time.perf_counter() - t0
    order = ["cluster_up", "collect", "measure", "evaluate", "audit_done", "published"]
    at = [marks[k] for k in order]
    return {
        "start_and_policies_s": round(at[1], 2), "collect_and_graph_s": round(at[2] - at[1], 2),
        "measure_s": round(at[3] - at[2], 2), "evaluate_and_project_s": round(at[4] - at[3], 2),
        "render_and_write_s": round(at[5] - at[4], 2), "total_s": round(at[5], 2),
    }  # fmt: skip


def phases(cfg: Path, as_of: str, workers: int | None) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--phases", str(cfg), "--as-of", as_of]
    cmd += ["--workers", str(workers)] if workers else []
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, cwd=Path(__file__).parent)
    if proc.returncode != 0:
        return {"error": proc.stderr[-400:]}  # type: ignore[dict-item]
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def comparable(report: dict[str, Any]) -> str:
    from ailm.canonical import sha256_json

    return sha256_json({k: v for k, v in report.items() if k not in ("audit_id", "generated_at")})


def trial(tmp: Path, as_of: str) -> dict[str, Any]:
    """24 models, 27 versions: 3 retrained, one retired, one failed registration, mixed training contexts."""
    plan: list[dict[str, Any]] = []
    contexts = [("train", "test"), ("training", "eval"), ("train", "holdout"), ("training", "testing")]
    for i in range(24):
        name = f"credit-{i:02d}"
        ctx = contexts[i % 4]
        plan.append({"model": name, "data": f"{name}-v1", "context_train": ctx[0], "context_test": ctx[1]})
        if i in (3, 7, 11):  # retrained: a second version on the same split files
            plan.append({"model": name, "data": f"{name}-v1", "context_train": ctx[0], "context_test": ctx[1]})
    plan[5]["retired"] = True
    plan[9]["failed"] = True
    root = tmp / "trial"
    t = time.perf_counter()
    store = build_registry(root, plan)
    built = time.perf_counter() - t
    cfg = write_config(root, store, "registry trial", shared_manifests(root, [p["model"] for p in plan[:24:3]]))
    run = audit(cfg, root / "out", as_of)
    report = run.pop("report")
    verdicts: dict[str, int] = {}
    for s in (report or {}).get("fleet", {}).get("subjects", []):
        verdicts[s["verdict"]] = verdicts.get(s["verdict"], 0) + 1
    errored: dict[str, str] = {}
    for r in (report or {}).get("results", []):
        if r["status"] == "error" and r["subject"] not in errored:
            errored[r["subject"]] = r["findings"][0]["message"][:160] if r["findings"] else "error"
    return {
        "models": 24, "versions": len(plan), "build_registry_s": round(built, 1), **run,
        "subjects_audited": len((report or {}).get("subjects", [])), "verdicts": verdicts,
        "error_subjects": errored,  # each with its first cause
    }  # fmt: skip


def history_cost(result_dir: Path, audits: int) -> dict[str, Any]:
    """Record one fleet result ``audits`` times into SQLite and PostgreSQL: size and time per write."""
    sys.path.insert(0, str(REPO / "tests"))
    from ailm.evidence.model import EvidenceSet
    from ailm.history import History
    from ailm.result import AuditResult
    from pg import cluster, new_database  # the tests' throwaway cluster: initdb + pg_ctl, loopback, fsync=off

    doc = json.loads((result_dir / "report.json").read_text())
    result = AuditResult.from_report(doc)
    evidence = EvidenceSet.model_validate_json((result_dir / "evidence.json").read_text())
    out: dict[str, Any] = {}

    def measure(url: str, size: Any) -> dict[str, Any]:
        history = History.open(url)
        times = []
        for i in range(audits):
            mine = result.model_copy(update={"audit_id": f"{result.audit_id[:30]}-{i}"})
            t = time.perf_counter()
            history.record(mine, evidence, attestation_sha256=None, key=None)
            times.append(time.perf_counter() - t)
        verify = time.perf_counter()
        assert history.verify().ok
        return {"write_s_per_audit": round(sorted(times)[len(times) // 2], 3),
                "size_mb_per_audit": round(size() / audits / 2**20, 2),
                "verify_s": round(time.perf_counter() - verify, 2)}  # fmt: skip

    db = result_dir.parent / "history.db"
    out["sqlite"] = measure(f"sqlite:///{db}", lambda: db.stat().st_size)
    with cluster() as server:
        url = new_database(server)
        if True:
            import sqlalchemy

            def pg_size() -> int:
                engine = sqlalchemy.create_engine(url)
                with engine.connect() as conn:
                    return int(conn.execute(sqlalchemy.text("SELECT pg_database_size(current_database())")).scalar())

            base = pg_size()
            out["postgresql"] = measure(url, lambda: pg_size() - base)
            out["postgresql"]["note"] = "the throwaway cluster of the tests: fsync off, so writes are a lower bound"
    return out


def extrapolate(scale: dict[str, Any], n: int = 10_000, workers: int = 32) -> dict[str, Any]:
    """10,000 versions on a cluster: the per-subject work (measure, evaluate, render) divides over the workers at
    the efficiency measured here; what the audit's own process does (start, collect, build the graph) does not,
    and grows with the fleet; the history write grows with it too."""
    serial, two = scale["phases"]["serial"], scale["phases"]["two_workers"]
    per = scale["subjects_audited"]
    work = serial["measure_s"] + serial["evaluate_and_project_s"] + serial["render_and_write_s"]
    work_two = two["measure_s"] + two["evaluate_and_project_s"] + two["render_and_write_s"]
    efficiency = work / work_two / 2
    driver = serial["start_and_policies_s"] + serial["collect_and_graph_s"]
    history = scale["history"]["postgresql"]["write_s_per_audit"]
    t_work = n * (work / per) / (workers * efficiency)
    t_driver = n * driver / per
    t_history = n * history / per
    total = t_work + t_driver + t_history
    return {
        "arithmetic": (
            f"per-subject work {work / per:.3f} s (measure + evaluate + render, serial); 2 workers ran it at "
            f"{efficiency:.0%} efficiency per worker; on {workers} workers: {n:,} x {work / per:.3f} / ({workers} x "
            f"{efficiency:.2f}) = {t_work / 60:.1f} min; the audit's own process (start, collect from the registry, "
            f"build the graph) {driver:.1f} s per {per} = {t_driver / 60:.1f} min; the history write "
            f"{history:.2f} s per {per} = {t_history / 60:.1f} min; in all about {total / 60:.0f} min"
        ),
        "minutes": round(total / 60, 1),
        "history_mb_per_audit": round(n / per * scale["history"]["postgresql"]["size_mb_per_audit"], 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--versions", type=int, default=200)
    parser.add_argument("--skip-trial", action="store_true")
    parser.add_argument("--phases", type=Path, help=argparse.SUPPRESS)  # internal: time one config's phases
    parser.add_argument("--as-of", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phases:
        print(json.dumps(phases_here(args.phases, args.as_of, args.workers)))
        return 0
    as_of = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()  # after every registration of this run
    results: dict[str, Any] = {"machine": machine(), "measured_at": datetime.now(UTC).isoformat(timespec="seconds")}
    with tempfile.TemporaryDirectory(prefix="ailm-fleet-") as tmpdir:
        tmp = Path(tmpdir)
        if not args.skip_trial:
            results["registry_trial"] = trial(tmp, as_of)
            print(json.dumps(results["registry_trial"], indent=1))
        elif (REPO / "bench" / "results" / "fleet.json").exists():  # keep the trial recorded earlier
            earlier = json.loads((REPO / "bench" / "results" / "fleet.json").read_text())
            if "registry_trial" in earlier:
                results["registry_trial"] = {**earlier["registry_trial"], "measured_at": earlier.get("measured_at")}
        n = args.versions
        plan = [{"model": f"fleet-{i // 2:03d}", "data": f"fleet-{i // 2:03d}"} for i in range(n)]  # 2 versions a model
        root = tmp / "scale"
        t = time.perf_counter()
        store = build_registry(root, plan)
        built = time.perf_counter() - t
        cfg = write_config(root, store, "fleet scale", [])
        serial = audit(cfg, root / "serial", as_of)
        parallel = audit(cfg, root / "parallel", as_of, "--workers", "2")
        same = serial["report"] is not None and comparable(serial["report"]) == comparable(parallel["report"])
        subjects = len(serial["report"]["subjects"]) if serial["report"] else 0
        history = history_cost(root / "serial", audits=5)
        breakdown = {"serial": phases(cfg, as_of, None), "two_workers": phases(cfg, as_of, 2)}
        for run in (serial, parallel):
            run.pop("report")
        speedup = serial["wall_s"] / parallel["wall_s"]
        per_subject = serial["wall_s"] / max(subjects, 1)
        results["scale"] = {
            "versions": n, "models": n // 2, "subjects_audited": subjects, "build_registry_s": round(built, 1),
            "serial": serial, "two_workers": parallel, "results_identical": same,
            "speedup": round(speedup, 2), "target_speedup": 1.8, "target_met": speedup >= 1.8,
            "serial_s_per_subject": round(per_subject, 3),
            "phases": breakdown,
            "history": history,
        }  # fmt: skip
        results["extrapolation_10000"] = extrapolate(results["scale"])
    out = REPO / "bench" / "results" / "fleet.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps({k: v for k, v in results.items() if k != "machine"}, indent=1))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    sys.exit(main())
