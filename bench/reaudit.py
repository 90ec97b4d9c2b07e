"""The demo audit as `make demo` runs it, cold and again: results go to bench/results/reaudit.json.

- cold: a fresh cache and history (nothing collected, measured or typeset before), json + html + pdf, signed:
  the `make demo` audit step (#16 target: <= 10 s).
- re-audit: the same command again on unchanged evidence with a fixed --as-of (the collectors' and analyzers'
  caches hit, the PDF is not typeset again: its result digest did not change), after two audits that let the
  history's "changes since the previous audit" settle (#16 target: <= 2 s).

Each is the median of several runs of the real CLI in a new process. Measured, never asserted.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from machine import machine

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "evidence" / "demo"))


def demo_copy(folder: Path, key: Path) -> Path:
    """The demo's config and manifest in ``folder``, on the shared store, with its own cache and history."""
    cfg_dir = folder / "cfg"
    shutil.copytree(REPO / "evidence" / "demo", cfg_dir, ignore=shutil.ignore_patterns("data", "__pycache__"))
    ailm = REPO / ".ailm"
    cfg = cfg_dir / "ailm.yaml"
    text = cfg.read_text()
    text = text.replace("../../.ailm/cache", str(folder / "cache"))
    text = text.replace("../../.ailm/keys/ailm.key", str(key)).replace("../../.ailm/history.db", str(folder / "h.db"))
    cfg.write_text(text.replace("../../.ailm/", f"{ailm}/"))
    manifest = cfg_dir / "manifest.yaml"
    text = manifest.read_text().replace("../../.ailm/", f"{ailm}/")
    manifest.write_text(text.replace("uri: data/", f"uri: {REPO / 'evidence' / 'demo' / 'data'}/"))
    return cfg


def timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"the audit gave no verdict: {proc.stderr}")
    return time.perf_counter() - t


def _model_format_s() -> float:
    """What loading a model saved by skops imports, in a new process, in the order an audit imports it (SciPy's
    special functions first, see ailm.cli._arrays_first): the floor under any cold audit of a skops model."""
    code = (
        "import time; t = time.perf_counter(); import scipy.special, pandas, sklearn, skops.io, mlflow.sklearn; "
        "print(time.perf_counter() - t)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return round(float(proc.stdout.strip()), 2)


def main() -> int:
    from train_demo import build

    from ailm.signing import generate

    build(REPO, quiet=True)
    tmp = Path(tempfile.mkdtemp(prefix="ailm-bench-reaudit-"))
    key, _ = generate(tmp / "keys")
    cold = []
    for i in range(3):
        cfg = demo_copy(tmp / f"cold{i}", key)
        cold.append(timed([sys.executable, "-m", "ailm.cli", "audit", "--config", str(cfg), "--out",
                           str(tmp / f"cold{i}" / "out"), "--as-of", "2026-11-23"]))  # fmt: skip
    cold_json = []  # #17: a fresh cache, json only: collecting, loading the model and measuring it
    for i in range(3):
        cfg = demo_copy(tmp / f"coldjson{i}", key)
        out = tmp / f"coldjson{i}" / "out"
        cold_json.append(timed([sys.executable, "-m", "ailm.cli", "audit", "--config", str(cfg), "--out", str(out),
                                "--as-of", "2026-11-23", "--format", "json"]))  # fmt: skip
    import_s = statistics.median(_model_format_s() for _ in range(3))
    cfg = demo_copy(tmp / "warm", key)
    cmd = [sys.executable, "-m", "ailm.cli", "audit", "--config", str(cfg), "--out", str(tmp / "warm" / "out"),
           "--as-of", "2026-11-23"]  # fmt: skip
    first = [timed(cmd) for _ in range(2)]  # the first audit, then the first with changes to show
    again = [timed(cmd) for _ in range(5)]
    json_only = [timed([*cmd, "--format", "json"]) for _ in range(5)]
    results = {
        "machine": machine(),
        "date": datetime.now(UTC).date().isoformat(),
        "what": "ailm audit of the demo, json+html+pdf, signed, history on, --as-of 2026-11-23; seconds, wall",
        "cold_audit_s": {
            "median": round(statistics.median(cold), 2),
            "runs": [round(x, 2) for x in cold],
            "target": 10.0,
        },
        "cold_audit_json_only_s": {
            "median": round(statistics.median(cold_json), 2),
            "runs": [round(x, 2) for x in cold_json],
            "target": 3.0,
            "importing_the_model_format_s": import_s,
            "why": "loading the demo's skops model imports skops.io, which imports every scikit-learn estimator, "
            "and mlflow: in a new process, before reading a byte of the model (importing_the_model_format_s)",
        },
        "first_two_audits_s": [round(x, 2) for x in first],
        "reaudit_unchanged_s": {
            "median": round(statistics.median(again), 2),
            "runs": [round(x, 2) for x in again],
            "target": 2.0,
        },
        "reaudit_json_only_s": round(statistics.median(json_only), 2),
    }
    for name in ("cold_audit_s", "cold_audit_json_only_s", "reaudit_unchanged_s"):
        r = results[name]
        assert isinstance(r, dict)
        r["met"] = r["median"] <= r["target"]
    out = REPO / "bench" / "results" / "reaudit.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
