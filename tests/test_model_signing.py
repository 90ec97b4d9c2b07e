"""Signed models as evidence: the demo signs its registered artifact with OpenSSF model signing (the real
``model-signing`` library), the MLflow collector checks it against the trusted keys, and DEP-008 fails a deployed
version whose artifact is unsigned, changed after signing, signed by a key nobody trusts or holds a file the
signature does not cover. Bad signature or key files stop the audit."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest


@pytest.fixture
def own_store(demo_root: Path, demo_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the demo's MLflow store and artifacts (the registry points at the copy), and its config
    without the analysis (this is about the registry's evidence)."""
    src = demo_root / ".ailm" / "demo"
    dst = tmp_path / "store"
    shutil.copytree(src / "artifacts", dst / "artifacts")
    shutil.copy(src / "mlflow.db", dst / "mlflow.db")
    old, new = (src / "artifacts").as_uri(), (dst / "artifacts").as_uri()
    with sqlite3.connect(dst / "mlflow.db") as db:
        for table, column in (("logged_models", "artifact_location"), ("model_versions", "storage_location"),
                              ("runs", "artifact_uri"), ("experiments", "artifact_location")):  # fmt: skip
            db.execute(f"UPDATE {table} SET {column} = replace({column}, ?, ?)", (old, new))
    cfg = demo_copy / "ailm.yaml"
    text = cfg.read_text().replace(str(src / "mlflow.db"), str(dst / "mlflow.db"))
    cfg.write_text(text.split("\nanalysis:")[0] + "\n")
    with sqlite3.connect(dst / "mlflow.db") as db:
        (location,) = db.execute(
            "SELECT storage_location FROM model_versions WHERE name = 'adult-income' AND version = 1"
        ).fetchone()
    folder = Path(location.removeprefix("file://"))
    assert folder.is_relative_to(dst) and (folder / "model.sig").is_file()
    return cfg, folder


def _dep_008(run_cli, cfg: Path, out: Path) -> tuple[dict, dict]:  # type: ignore[no-untyped-def,type-arg]
    res = run_cli("audit", "--config", cfg, "--out", out, "--no-sign", "--no-history", "--as-of", "2026-11-23",
                  "--format", "json")  # fmt: skip
    assert res.code == 1, res.err
    report = json.loads((out / "report.json").read_text())
    evidence = {r["id"]: r for r in json.loads((out / "evidence.json").read_text())["records"]}
    result = next(r for r in report["results"] if r["control"] == "DEP-008")
    return result, evidence["mlflow:model_signature:adult-income/1"]["data"]


def test_the_demo_model_is_signed_and_verified_against_the_trusted_key(own_store, tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    cfg, _ = own_store
    result, sig = _dep_008(run_cli, cfg, tmp_path / "o")
    assert result["status"] == "pass" and "mlflow:model_signature:adult-income/1" in result["evidence"]
    assert sig["present"] and sig["verified"] and sig["matches_artifact"] and sig["tool"].startswith("model-signing ")
    assert sig["trusted_key"]["file"] == "signing.pub" and "model.skops" in sig["signed_files"]


def test_one_changed_byte_of_the_artifact_fails_the_control(own_store, tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    cfg, folder = own_store
    target = folder / "requirements.txt"
    data = bytearray(target.read_bytes())
    data[0] ^= 0x01
    target.write_bytes(bytes(data))
    result, sig = _dep_008(run_cli, cfg, tmp_path / "o")
    assert result["status"] == "fail" and sig["present"] and not sig["verified"]
    found = result["findings"][0]["message"]
    assert "the artifact's signature does not hold: the signature verifies with no trusted key" in found
    assert "changed since signing: requirements.txt" in sig["problem"]


def test_unsigned_another_key_or_an_added_file_fail(own_store, tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    import sys

    cfg, folder = own_store
    (folder / "extra.bin").write_bytes(b"x")  # a file the signature does not cover
    result, sig = _dep_008(run_cli, cfg, tmp_path / "extra")
    assert result["status"] == "fail" and not sig["verified"] and "does not cover: extra.bin" in sig["problem"]
    (folder / "extra.bin").unlink()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "evidence" / "demo"))
    from train_demo import sign_model

    sign_model(folder, tmp_path / "rogue" / "signing.key")  # a valid signature by a key nobody trusts
    result, sig = _dep_008(run_cli, cfg, tmp_path / "rogue-out")
    assert result["status"] == "fail" and sig["present"] and not sig["verified"] and "Key mismatch" in sig["problem"]
    (folder / "model.sig").unlink()
    result, sig = _dep_008(run_cli, cfg, tmp_path / "none")
    assert result["status"] == "fail" and not sig["present"]
    assert (
        result["findings"][0]["message"]
        == "the deployed artifact is not signed: no signature model.sig in the artifact folder"
    )


def test_a_signature_or_key_file_that_does_not_parse_stops_the_audit(own_store, tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    cfg, folder = own_store
    (folder / "model.sig").write_text('{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json", "dsseEnv')
    out = tmp_path / "o"
    res = run_cli("audit", "--config", cfg, "--out", out, "--no-sign", "--no-history", "--format", "json")
    said = " ".join(res.err.split())
    assert res.code == 2 and f"{folder / 'model.sig'}: not a model-signing signature" in said and not out.exists()
    text = cfg.read_text()
    key = tmp_path / "bad.pub"
    key.write_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    cfg.write_text(text.replace("trusted_keys: [", f"trusted_keys: [{key}, ", 1))
    res = run_cli("audit", "--config", cfg, "--out", out, "--no-sign", "--no-history", "--format", "json")
    assert res.code == 2 and f"{key}: not a PEM public key" in " ".join(res.err.split()) and not out.exists()
