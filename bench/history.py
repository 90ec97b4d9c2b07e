"""What checking the whole history before every append costs: results go to bench/results/history.json.

An audit walks the whole chain three times (before any work, when it reads the previous audit for the
changes section, and in the transaction that appends), so an append grows with the history. Measured on
SQLite (the default store) with the demo's real result recorded N times, signed, for one model version (58
controls) and for a fleet of 26 versions (the demo's result under 26 subject ids): the time of one
audit's use of the history (open, check whole, read the previous audits, append) and of one
``History.verify`` with the key, at each size. Measured,
never asserted.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from machine import machine

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "evidence" / "demo"))
SIZES = (1, 100, 300, 1000)
FLEET_SIZES = (1, 50, 100)


def _demo_result(root: Path) -> Any:
    from train_demo import build

    from ailm.audit.runner import AuditOptions, run_audit

    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO / "evidence" / "demo", root / "evidence" / "demo", ignore=ignore)
    build(root, quiet=True)
    cfg = root / "evidence" / "demo" / "ailm.yaml"
    return run_audit(AuditOptions(config_path=cfg, as_of=datetime(2026, 11, 23, tzinfo=UTC)))


def _fleet(result: Any, n: int) -> Any:
    """The demo's one version as ``n`` versions: the same results under other subject ids."""
    subjects, results = [], []
    for k in range(n):
        sid = f"model_version:fleet-{k:02d}/1"
        subjects.extend(s.model_copy(update={"id": sid, "name": f"fleet-{k:02d}"}) for s in result.subjects)
        results.extend(r.model_copy(update={"subject": sid}) for r in result.results)
    return result.model_copy(update={"subjects": subjects, "results": results})


def _grow(result: Any, evidence: Any, key: Any, sizes: tuple[int, ...], folder: Path) -> list[dict[str, Any]]:
    from ailm.history import History

    db = folder / f"h-{len(result.subjects)}.db"
    url = f"sqlite:///{db}"
    filler = History.open(url)  # the history up to each size, written by one process (cheaper than audits)
    filler.preflight(key)
    rows, recorded = [], 0
    for size in sizes:
        while recorded < size - 1:
            filler.record(result.model_copy(update={"audit_id": f"a-{recorded}"}), evidence, key=key)
            recorded += 1
        # what one audit does with the history, in a new process's History: check it whole before any work,
        # read the previous audits of its config (the changes section), append
        t = time.perf_counter()
        history = History.open(url)
        history.preflight(key)
        history.recent(result.name, 19)
        history.record(result.model_copy(update={"audit_id": f"a-{recorded}"}), evidence, key=key)
        write = time.perf_counter() - t
        recorded += 1
        filler = History.open(url)
        filler.preflight(key)
        t = time.perf_counter()
        verified = history.verify(key.public_key())
        check = time.perf_counter() - t
        assert verified.ok, verified.problems
        rows.append({"entries": recorded, "audit_history_s": round(write, 3), "verify_s": round(check, 3),
                     "db_mb": round(db.stat().st_size / 2**20, 1)})  # fmt: skip
        what = f"{len(result.subjects)} version(s), {recorded} entries"
        print(f"  {what}: an audit's history work {write:.3f} s, verify {check:.3f} s")
    return rows


def main() -> None:
    from ailm.signing import generate, load_private

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        run = _demo_result(folder / "demo")
        key = load_private(generate(folder / "keys")[0])
        one = _grow(run.result, run.evidence, key, SIZES, folder)
        fleet = _grow(_fleet(run.result, 26), run.evidence, key, FLEET_SIZES, folder)
    out = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "one_version_58_controls": one,
        "fleet_26_versions": fleet,
    }
    path = REPO / "bench" / "results" / "history.json"
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
