"""What `make demo`'s fleet part shows, on a copy of the demo: two real models in one MLflow registry, audited,
then audited again after the team retires one in the registry. The retirement controls run on that registry
entry; the second audit says what changed and what will expire; a retired version with nothing declared about
its retirement fails, never passes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _ailm(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ailm.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=600)  # fmt: skip


@pytest.fixture(scope="module")
def fleet_root(demo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from train_demo import build_fleet

    root = tmp_path_factory.mktemp("fleet-demo")
    shutil.copytree(demo_root / "evidence", root / "evidence")
    shutil.copytree(demo_root / ".ailm" / "demo", root / ".ailm" / "demo")
    if (demo_root / ".ailm" / "cache").is_dir():  # the champion's measurements: not measured again
        shutil.copytree(demo_root / ".ailm" / "cache", root / ".ailm" / "cache")
    build_fleet(root, quiet=True)
    return root


def test_the_fleet_demo_retires_a_model_in_the_registry_and_says_what_changed(
    fleet_root: Path, demo_keys: tuple[Path, Path]
) -> None:
    from train_demo import LEGACY_NAME, set_lifecycle

    private, public = demo_keys
    cfg = fleet_root / "evidence" / "demo" / "fleet.yaml"
    out = fleet_root / "out"
    set_lifecycle(fleet_root, LEGACY_NAME, "active")
    first = _ailm("audit", "--config", cfg, "--out", out, "--key", private, "--format", "json")
    assert first.returncode == 1, first.stderr
    before = {(r["subject"], r["control"]): r for r in json.loads((out / "report.json").read_text())["results"]}
    legacy = f"model_version:{LEGACY_NAME}/1"
    assert before[(legacy, "RET-003")]["status"] == "not_applicable"  # active: the retirement controls wait

    set_lifecycle(fleet_root, LEGACY_NAME, "retired")  # what the team does in its registry
    second = _ailm("audit", "--config", cfg, "--out", out, "--key", private, "--format", "json,html")
    assert second.returncode == 1, second.stderr
    report = json.loads((out / "report.json").read_text())
    assert [s["id"] for s in report["subjects"]] == ["model_version:adult-income/1", legacy]
    now = {(r["subject"], r["control"]): r for r in report["results"]}
    assert now[(legacy, "RET-003")]["status"] == "pass"  # decommissioned as declared
    assert f"mlflow:model_version:{LEGACY_NAME}/1" in now[(legacy, "RET-003")]["evidence"]  # read from the registry
    ret006 = now[(legacy, "RET-006")]
    assert ret006["status"] == "fail" and "not linked to the risk register" in ret006["findings"][0]["message"]
    assert now[("model_version:adult-income/1", "RET-003")]["status"] == "not_applicable"  # the champion is active

    changes = report["changes"]
    moved = {(c["subject"], c["control"]): c for c in changes["new_failures"] + changes["changed"]}
    assert moved[(legacy, "RET-003")]["from"] == "not_applicable" and moved[(legacy, "RET-003")]["to"] == "pass"
    assert moved[(legacy, "RET-006")]["why"] == ["its evidence changed"]
    assert report["upcoming"]  # what will expire: the inventories expire on 2027-01-05, among others
    assert report["trends"][legacy][-1]["audit_id"] == report["audit_id"] and len(report["trends"][legacy]) == 2
    html = (out / "report.html").read_text()
    assert "The fleet, worst first" in html and f'href="{LEGACY_NAME}/1/report.html"' in html
    assert _ailm("verify", out, "--key", public).returncode == 0
    listed = _ailm("history", "list", "--config", cfg, "--format", "json")
    assert len(json.loads(listed.stdout)) == 2

    # the registry says retired and nothing is declared about the retirement: a failure, never a pass
    manifest = cfg.parent / "legacy.yaml"
    text = manifest.read_text()
    manifest.write_text(text[: text.index("  retirement:")] + text[text.index("  archive:") :])
    bare = _ailm("audit", "--config", cfg, "--out", fleet_root / "bare", "--no-sign", "--no-history", "--format",
                 "json", "--horizon", "0")  # fmt: skip
    assert bare.returncode == 1, bare.stderr
    results = json.loads((fleet_root / "bare" / "report.json").read_text())["results"]
    ret003 = next(r for r in results if r["subject"] == legacy and r["control"] == "RET-003")
    assert ret003["status"] == "fail"
    assert ret003["findings"][0]["message"] == "the version is retired, but evidence 'retirement' is missing"
