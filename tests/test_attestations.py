"""In-toto attestations as evidence: the demo's training provenance (DSSE, signed) verifies and DEV-009 passes;
a changed, unsigned or foreign-signed one is recorded as not verified, its content left out, and DEV-009 fails;
a file that is not JSON or a trusted key that does not parse stops the audit."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest


@pytest.fixture
def own_attestations(demo_root: Path, demo_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "attestations"
    shutil.copytree(demo_root / ".ailm" / "demo" / "attestations", folder)
    cfg = demo_copy / "ailm.yaml"
    text = cfg.read_text().replace(str(demo_root / ".ailm" / "demo" / "attestations"), str(folder))
    cfg.write_text(text.split("\nanalysis:")[0] + "\n")  # the registry's and the declared evidence suffice here
    return cfg, folder


def _audit(run_cli, cfg: Path, out: Path) -> tuple[dict, list[dict]]:  # type: ignore[no-untyped-def,type-arg]
    res = run_cli("audit", "--config", cfg, "--out", out, "--no-sign", "--no-history", "--as-of", "2026-11-23",
                  "--format", "json")  # fmt: skip
    assert res.code == 1, res.err
    report = json.loads((out / "report.json").read_text())
    records = json.loads((out / "evidence.json").read_text())["records"]
    result = next(r for r in report["results"] if r["control"] == "DEV-009")
    return result, [r for r in records if r["role"] == "attestation"]


def test_the_demo_provenance_verifies_and_names_the_registered_model_file(own_attestations, tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    cfg, _ = own_attestations
    result, records = _audit(run_cli, cfg, tmp_path / "o")
    assert result["status"] == "pass" and len(records) == 1
    data = records[0]["data"]
    assert data["verified"] and data["predicate_type"] == "https://slsa.dev/provenance/v1"
    evidence = {r["id"]: r for r in json.loads((tmp_path / "o" / "evidence.json").read_text())["records"]}
    files = {f["path"]: f["sha256"] for f in evidence["mlflow:model_version:adult-income/1"]["data"]["artifact_files"]}
    assert data["subjects"] == [{"name": "model.skops", "digest": {"sha256": files["model.skops"]}}]
    assert len(data["predicate"]["buildDefinition"]["resolvedDependencies"]) == 3


def test_changed_unsigned_or_foreign_attestations_are_not_used_and_fail(own_attestations, tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    from ailm.signing import dsse, generate, load_private

    cfg, folder = own_attestations
    envelope = json.loads((folder / "train-provenance.dsse.json").read_text())
    stmt = json.loads(base64.b64decode(envelope["payload"]))
    stmt["predicate"]["buildDefinition"]["externalParameters"]["seed"] = 7  # a claim changed after signing
    changed = {**envelope, "payload": base64.b64encode(json.dumps(stmt).encode()).decode()}
    (folder / "changed.json").write_text(json.dumps(changed))
    (folder / "bare.json").write_text(json.dumps(stmt))  # a statement nobody signed
    private, _ = generate(tmp_path / "rogue")
    foreign = dsse.sign(json.dumps(stmt).encode(), dsse.IN_TOTO_PAYLOAD_TYPE, load_private(private))
    (folder / "foreign.jsonl").write_text(json.dumps(envelope) + "\n" + json.dumps(foreign) + "\n")
    result, records = _audit(run_cli, cfg, tmp_path / "o")
    by_file = {r["data"]["file"]: r["data"] for r in records}
    assert set(by_file) == {"train-provenance.dsse.json", "changed.json", "bare.json", "foreign.jsonl:1",
                            "foreign.jsonl:2"}  # fmt: skip
    assert by_file["train-provenance.dsse.json"]["verified"] and by_file["foreign.jsonl:1"]["verified"]
    for name in ("changed.json", "bare.json", "foreign.jsonl:2"):
        data = by_file[name]
        assert not data["verified"] and data["predicate"] is None and data["subjects"] == [], name  # never used
    assert "unsigned in-toto statement" in by_file["bare.json"]["problem"]
    assert "no signature verifies" in by_file["changed.json"]["problem"]
    assert result["status"] == "fail"
    messages = sorted(f["message"] for f in result["findings"])
    assert len(messages) == 3 and messages[0].startswith("attestation bare.json does not verify: an unsigned")


def test_a_file_that_is_not_json_or_a_bad_key_stops_the_audit(own_attestations, tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    cfg, folder = own_attestations
    (folder / "broken.jsonl").write_text('{"payload": "x"}\n{"payloadType": \n')
    out = tmp_path / "o"
    res = run_cli("audit", "--config", cfg, "--out", out, "--no-sign", "--no-history", "--format", "json")
    assert res.code == 2 and f"{folder / 'broken.jsonl'}:2: not JSON" in " ".join(res.err.split()) and not out.exists()
    (folder / "broken.jsonl").unlink()
    envelope = (folder / "train-provenance.dsse.json").read_text()
    (folder / "twice.json").write_text(envelope.replace('"payloadType"', '"payload": "eA==", "payloadType"', 1))
    res = run_cli("audit", "--config", cfg, "--out", out, "--no-sign", "--no-history", "--format", "json")
    said = " ".join(res.err.split())  # two payloads: which one is signed depends on the reader, so neither is used
    assert res.code == 2 and f"{folder / 'twice.json'}:1: not JSON: duplicate key 'payload'" in said
    assert not out.exists()
    (folder / "twice.json").unlink()
    bad = tmp_path / "bad.pub"
    bad.write_text("not a key\n")
    text = cfg.read_text()
    assert f"path: {folder}\n    trusted_keys: [" in text
    cfg.write_text(text.replace(f"path: {folder}\n    trusted_keys: [", f"path: {folder}\n    trusted_keys: [{bad}, "))
    res = run_cli("audit", "--config", cfg, "--out", out, "--no-sign", "--no-history", "--format", "json")
    assert res.code == 2 and f"{bad}: no PEM public key" in " ".join(res.err.split()) and not out.exists()
