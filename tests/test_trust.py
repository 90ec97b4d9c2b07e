"""Results anyone can re-derive, and keys that can rotate: the result digest is the same for the same evidence,
policies, thresholds and clock and is signed in the attestation; `ailm verify` re-derives it from report.json and
accepts any key of a keyring; a private key that others can read signs nothing."""

from __future__ import annotations

import base64
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path


def test_the_same_audit_gives_the_same_result_digest_and_a_changed_threshold_another(demo_copy: Path) -> None:
    from ailm.audit.runner import AuditOptions, run_audit

    opts = AuditOptions(config_path=demo_copy / "ailm.yaml", as_of=datetime(2026, 11, 23, tzinfo=UTC))
    first, second = run_audit(opts).result, run_audit(opts).result
    assert first.audit_id != second.audit_id and first.generated_at != second.generated_at
    assert first.result_sha256() == second.result_sha256()
    cfg = demo_copy / "ailm.yaml"
    cfg.write_text(cfg.read_text().replace("fail_on: high", "fail_on: high\nthresholds: {psi_fail: 0.2}"))
    third = run_audit(opts).result
    assert third.result_sha256() != first.result_sha256()
    later = run_audit(AuditOptions(config_path=cfg, as_of=datetime(2026, 11, 24, tzinfo=UTC))).result
    assert later.result_sha256() != third.result_sha256()  # the clock is part of what was decided


def test_the_attestation_signs_the_result_digest_and_verify_re_derives_it(audited: Path, demo_keys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ailm.signing import load_public, verify_folder
    from ailm.signing.attest import Verification, _check_result_digest

    report = json.loads((audited / "report.json").read_text())
    envelope = json.loads((audited / "attestation.dsse.json").read_text())
    predicate = json.loads(base64.b64decode(envelope["payload"]))["predicate"]
    assert predicate["result_sha256"] == report["result_sha256"] and len(report["result_sha256"]) == 64
    verified = verify_folder(audited, load_public(demo_keys[1]))
    assert verified.exit_code == 0 and "report.json: its results give the attested result_sha256" in verified.checked
    first = report["results"][0]
    first["status"] = "fail" if first["status"] == "pass" else "pass"  # a result changed after the digest was taken
    out = Verification()
    _check_result_digest(report, out)
    assert out.problems == ["report.json: its results do not give the result_sha256 it names"]


def test_verify_accepts_any_key_of_a_keyring_and_refuses_a_bad_one(audited: Path, demo_keys, tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    from ailm.signing import generate

    _, current = demo_keys
    _, other = generate(tmp_path / "other")
    ring = tmp_path / "trusted.pem"
    ring.write_bytes(other.read_bytes() + b"\n" + current.read_bytes())  # after a rotation: both trusted
    res = run_cli("verify", audited, "--keyring", ring)
    assert res.code == 0, res.out + res.err
    res = run_cli("verify", audited, "--key", other)
    assert res.code == 1 and "no signature verifies with the given public key" in res.out
    res = run_cli("verify", audited, "--key", other, "--key", other)
    assert res.code == 1 and "any of the 2 trusted keys" in res.out
    broken = tmp_path / "broken.pem"
    broken.write_bytes(current.read_bytes() + b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    res = run_cli("verify", audited, "--keyring", broken)
    assert res.code == 2 and f"{broken}: key 2 of 2 is not a PEM public key" in res.err
    empty = tmp_path / "empty.pem"
    empty.write_text("not a key\n")
    res = run_cli("verify", audited, "--keyring", empty)
    assert res.code == 2 and f"{empty}: no PEM public key" in res.err
    res = run_cli("verify", audited)
    assert res.code == 2 and "no trusted public key given" in res.err


def test_a_private_key_that_others_can_read_signs_nothing(demo_copy: Path, demo_keys, tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    private, _ = demo_keys
    loose = tmp_path / "loose.key"
    shutil.copy(private, loose)
    os.chmod(loose, 0o644)
    out = tmp_path / "o"
    res = run_cli("audit", "--config", demo_copy / "ailm.yaml", "--out", out, "--key", loose, "--no-history",
                  "--as-of", "2026-11-23", "--format", "json")  # fmt: skip
    assert res.code == 2 and f"{loose}: the private key can be read by others (mode 0644); it must be 0600" in res.err
    assert not out.exists()
    os.chmod(loose, 0o600)
    res = run_cli("audit", "--config", demo_copy / "ailm.yaml", "--out", out, "--key", loose, "--no-history",
                  "--as-of", "2026-11-23", "--format", "json")  # fmt: skip
    assert res.code == 1, res.err


def test_verify_reproduce_judges_the_recorded_inputs_again(audited: Path, demo_keys, tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from ailm import builtin
    from ailm.audit.reproduce import reproduce
    from ailm.errors import InputError
    from referee import OpaReferee

    res = run_cli("verify", audited, "--key", demo_keys[1], "--reproduce")
    assert res.code == 0 and "Reproduced: all 58 decisions match the report" in res.out, res.out + res.err
    by_opa = reproduce(audited, [builtin.policies()], make=OpaReferee)  # a third party with OPA alone
    assert by_opa.exit_code == 0 and by_opa.matched == 58, by_opa.differences
    copy = tmp_path / "copy"
    shutil.copytree(audited, copy)
    inputs = json.loads((copy / "inputs.json").read_text())
    del inputs[0]["evidence"]["inventory"]  # a recorded input that is not what was judged
    (copy / "inputs.json").write_text(json.dumps(inputs))
    found = reproduce(copy, [builtin.policies()])
    assert found.exit_code == 1
    assert "GOV-001 on model_version:adult-income/1: the report says pass, the policies give fail" in found.differences
    res = run_cli("verify", copy, "--key", demo_keys[1], "--reproduce")
    assert res.code == 1 and "inputs.json: sha256 differs" in res.out  # the signature check comes first
    extra = tmp_path / "mine"
    extra.mkdir()
    (extra / "x.rego").write_text("package ailm.mine\n\nimport rego.v1\n\nallow := true\n")
    with pytest.raises(InputError, match="is not the audited one"):
        reproduce(audited, [builtin.policies(), extra])
