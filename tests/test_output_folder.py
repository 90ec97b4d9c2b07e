"""The output folder: the old complete audit or the new complete audit, never a mix, one writer at a time,
and `ailm verify` fails on anything the attestation does not cover."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ailm.audit.outdir import MSG_LOCKED, OutputFolder


def audit(run_cli, cfg: Path, out: Path, key: Path, *extra: str):
    return run_cli("audit", "--config", cfg, "--out", out, "--as-of", "2026-11-23", "--key", key, *extra)


def test_a_re_audit_with_fewer_formats_leaves_no_file_of_the_old_one(
    demo_copy: Path, demo_keys: tuple[Path, Path], tmp_path: Path, run_cli
) -> None:
    private, public = demo_keys
    out = tmp_path / "out"
    first = audit(run_cli, demo_copy / "ailm.yaml", out, private, "--format", "json,html,pdf")
    assert first.code == 1 and (out / "report.pdf").is_file()
    old_id = json.loads((out / "report.json").read_text())["audit_id"]
    second = audit(run_cli, demo_copy / "ailm.yaml", out, private, "--format", "json", "--fail-on", "critical")
    assert second.code == 1, second.err
    assert sorted(p.name for p in out.iterdir()) == [
        "attestation.dsse.json",
        "evidence.json",
        "inputs.json",
        "report.json",
    ]
    report = json.loads((out / "report.json").read_text())
    assert report["audit_id"] != old_id and report["fail_on"] == "critical"
    res = run_cli("verify", out, "--key", public)
    assert res.code == 0, res.out
    assert f"audit id:  {report['audit_id']}" in res.out
    assert "gate:" in res.out and "key id:" in res.out and "as of:" in res.out and "generated:" in res.out


@pytest.mark.parametrize("extra", ["report-final.pdf", ".hidden.pdf", "old"])
def test_verify_fails_on_anything_the_attestation_does_not_cover(
    audited: Path, demo_keys: tuple[Path, Path], tmp_path: Path, run_cli, extra: str
) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(audited, copy)
    if extra == "old":
        (copy / extra).mkdir()
    else:
        (copy / extra).write_bytes((copy / "report.pdf").read_bytes())
    res = run_cli("verify", copy, "--key", demo_keys[1])
    assert res.code == 1, res.out
    shown = f"{extra}/" if extra == "old" else extra  # a folder is shown as one
    assert f"{shown}: in the folder but not covered by the attestation" in res.out


def test_a_second_audit_into_a_locked_folder_stops_with_a_message(
    demo_copy: Path, demo_keys: tuple[Path, Path], tmp_path: Path, run_cli
) -> None:
    out = tmp_path / "out"
    with OutputFolder(out):  # another audit holds the folder
        res = audit(run_cli, demo_copy / "ailm.yaml", out, demo_keys[0], "--format", "json")
    assert res.code == 2
    assert MSG_LOCKED in " ".join(res.err.split())
    assert not out.exists()


def test_out_that_is_a_file_is_a_message_not_a_crash(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    target = tmp_path / "report.txt"
    target.write_text("keep me")
    res = run_cli("audit", "--config", demo_copy / "ailm.yaml", "--out", target, "--no-sign", "--format", "json")
    assert res.code == 2
    assert f"--out {target}: is a file, not a folder" in " ".join(res.err.split())
    assert "internal error" not in res.err and target.read_text() == "keep me"


def test_a_killed_audit_leaves_the_previous_signed_audit_whole(
    demo_copy: Path, demo_keys: tuple[Path, Path], tmp_path: Path, run_cli
) -> None:
    private, public = demo_keys
    out = tmp_path / "out"
    assert audit(run_cli, demo_copy / "ailm.yaml", out, private, "--format", "json,html").code == 1
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    cmd = [sys.executable, "-m", "ailm.cli", "audit", "--config", str(demo_copy / "ailm.yaml"), "--out", str(out),
           "--key", str(private), "--format", "json,html,pdf", "--as-of", "2026-11-24"]  # fmt: skip
    for delay in (0.5, 1.5, 3.0):  # during start-up, collection, analysis or rendering
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        now = {p.name: p.read_bytes() for p in out.iterdir()}
        if now != before:  # the audit got to the swap: then it is the new audit, complete
            assert set(now) == {
                "attestation.dsse.json",
                "evidence.json",
                "inputs.json",
                *(f"report.{e}" for e in ("json", "html", "pdf")),
            }
            before = now
        assert run_cli("verify", out, "--key", public).code == 0
    # the next audit clears what a killed one left beside the folder
    assert audit(run_cli, demo_copy / "ailm.yaml", out, private, "--format", "json").code == 1
    assert not [p for p in tmp_path.iterdir() if ".new-" in p.name]
