"""Fail closed: each bad input gives one clear message naming the file and line or field, exit 2, no report."""

from __future__ import annotations

from pathlib import Path

import pytest

AUDIT = ("audit", "--as-of", "2026-11-23", "--no-sign", "--format", "json")


def audit(run_cli, cfg: Path, out: Path, *extra: str):
    return run_cli(*AUDIT, "--config", cfg / "ailm.yaml", "--out", out, *extra)


def assert_no_verdict(res, *fragments: str) -> None:
    assert res.code == 2, (res.code, res.out, res.err)
    assert res.err.startswith("ailm: error: "), res.err
    assert len(res.err.strip().splitlines()) <= 3, res.err  # one message (rich may wrap it)
    flat = " ".join(res.err.split())
    for fragment in fragments:
        assert fragment in flat, (fragment, flat)
    assert "Stack backtrace" not in res.err
    assert "Traceback" not in res.err


def test_baseline_copy_audits_with_exit_1(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    res = audit(run_cli, demo_copy, tmp_path / "out")
    assert res.code == 1, res.err
    assert (tmp_path / "out" / "report.json").is_file()


def test_manifest_that_is_not_yaml(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    manifest = demo_copy / "manifest.yaml"
    lines = manifest.read_text().splitlines()
    lines[14] = "      owner: [credit-risk-ml"  # an unclosed flow sequence
    manifest.write_text("\n".join(lines) + "\n")
    res = audit(run_cli, demo_copy, tmp_path / "out")
    assert_no_verdict(res, f"{manifest}:", "manifest is not valid YAML", "collector manifest")
    assert not (tmp_path / "out").exists()


def test_manifest_missing_a_required_field_names_line_and_field(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    manifest = demo_copy / "manifest.yaml"
    text = manifest.read_text().replace("model: adult-income\n", "")
    manifest.write_text(text)
    res = audit(run_cli, demo_copy, tmp_path / "out")
    assert_no_verdict(res, f"{manifest}", "model: Field required")


def test_manifest_wrong_type_names_the_line(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    manifest = demo_copy / "manifest.yaml"
    text = manifest.read_text()
    line = text.splitlines().index("    expires: 2027-01-05T00:00:00Z") + 1
    manifest.write_text(text.replace("expires: 2027-01-05T00:00:00Z", "expires: next year"))
    res = audit(run_cli, demo_copy, tmp_path / "out")
    assert_no_verdict(res, f"{manifest}:{line}: facts.inventory.expires:")


def test_fact_that_expires_before_it_was_asserted(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    manifest = demo_copy / "manifest.yaml"
    manifest.write_text(manifest.read_text().replace("expires: 2027-01-05T00:00:00Z", "expires: 2025-01-05T00:00:00Z"))
    res = audit(run_cli, demo_copy, tmp_path / "out")
    assert_no_verdict(res, "facts.inventory.expires: expires must come after asserted_at")


def test_missing_manifest_file(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    (demo_copy / "manifest.yaml").unlink()
    res = audit(run_cli, demo_copy, tmp_path / "out")
    assert_no_verdict(res, f"{demo_copy / 'manifest.yaml'}: manifest not found")


def test_missing_config_file(tmp_path: Path, run_cli) -> None:
    res = run_cli(*AUDIT, "--config", tmp_path / "nope.yaml", "--out", tmp_path / "out")
    assert_no_verdict(res, f"{tmp_path / 'nope.yaml'}: config not found")


def test_config_with_unknown_key(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    cfg = demo_copy / "ailm.yaml"
    cfg.write_text(cfg.read_text().replace("fail_on: high", "fail_on: high\nfail_onn: low"))
    res = audit(run_cli, demo_copy, tmp_path / "out")
    assert_no_verdict(res, f"{cfg}:", "fail_onn: Extra inputs are not permitted")


def test_mlflow_store_absent(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    cfg = demo_copy / "ailm.yaml"
    text = cfg.read_text()
    start = text.index("tracking_uri: ") + len("tracking_uri: ")
    store = text[start : text.index("\n", start)].split()[0]
    cfg.write_text(text.replace(store, str(tmp_path / "gone.db")))
    res = audit(run_cli, demo_copy, tmp_path / "out")
    assert_no_verdict(res, "collector mlflow", f"MLflow store {tmp_path / 'gone.db'} does not exist")
    assert not (tmp_path / "gone.db").exists()  # we never create an empty store that could pass


def test_optional_collector_that_fails_leaves_a_note_not_a_pass(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    cfg = demo_copy / "ailm.yaml"
    cfg.write_text(
        cfg.read_text().replace(
            "  - name: manifest\n",
            "  - name: mlflow\n    optional: true\n    tracking_uri: missing.db\n  - name: manifest\n",
        )
    )
    res = audit(run_cli, demo_copy, tmp_path / "out")
    assert res.code == 1
    import json

    notes = json.loads((tmp_path / "out" / "report.json").read_text())["notes"]
    assert len(notes) == 1 and "optional" in notes[0] and "missing.db does not exist" in notes[0]


def test_unknown_collector_lists_the_known_ones(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    cfg = demo_copy / "ailm.yaml"
    cfg.write_text(cfg.read_text().replace("- name: manifest", "- name: manifesto"))
    res = audit(run_cli, demo_copy, tmp_path / "out")
    known = "attestations, ci, dvc, garak, inspect, lm_eval, manifest, mlflow, model_card, openlineage, profile"
    assert_no_verdict(res, f"unknown collector 'manifesto'; known: {known}")


def _write_policy(folder: Path, body: str, name: str = "org_001.rego", cid: str = "ORG-001") -> Path:
    (folder / "org").mkdir(parents=True, exist_ok=True)
    path = folder / "org" / name
    path.write_text(
        "# METADATA\n# title: An organisation control\n# description: For tests.\n# custom:\n"
        f"#   id: {cid}\n#   severity: high\n#   stage: governance\n#   evidence: [reg]\n"
        "#   remediation: Fix it.\n#   frameworks: {eu_ai_act: [], nist_ai_rmf: [], iso_42001: []}\n"
        f"package ailm.controls.org.{cid.lower().replace('-', '_')}\n\nimport rego.v1\n\n{body}\n"
    )
    return path


def test_policy_that_does_not_parse_names_file_line_col(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    pol = tmp_path / "pol"
    _write_policy(pol, 'deny contains msg { msg := "x" }')
    res = audit(run_cli, demo_copy, tmp_path / "out", "--policies", pol)
    assert_no_verdict(res, "parse pol/org/org_001.rego:15:19: `if` keyword is required before rule body")
    assert not (tmp_path / "out").exists()


def test_a_bad_key_is_named_before_a_bad_policy_that_loads_beside_it(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    """The policy worker starts before the history is opened, after the key is checked: the key's error comes
    first, as it always did, and nothing is written."""
    pol = tmp_path / "pol"
    _write_policy(pol, 'deny contains msg { msg := "x" }')
    res = run_cli("audit", "--config", demo_copy / "ailm.yaml", "--out", tmp_path / "out", "--as-of", "2026-11-23",
                  "--policies", pol, "--key", tmp_path / "no-such.key")  # fmt: skip
    assert_no_verdict(res, "no-such.key")
    assert "org_001.rego" not in res.err
    assert not (tmp_path / "out").exists()


def test_policy_that_does_not_compile_names_file_line_col(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    pol = tmp_path / "pol"
    _write_policy(pol, "deny contains msg if { msg := undefined_thing }")
    res = audit(run_cli, demo_copy, tmp_path / "out", "--policies", pol)
    assert_no_verdict(res, "compile pol/org/org_001.rego:15:", "undefined_thing")


def test_control_without_metadata(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    (tmp_path / "pol" / "org").mkdir(parents=True)
    (tmp_path / "pol" / "org" / "x.rego").write_text(
        "package ailm.controls.org.x\n\nimport rego.v1\n\ndeny contains 1 if false\n"
    )
    res = audit(run_cli, demo_copy, tmp_path / "out", "--policies", tmp_path / "pol")
    assert_no_verdict(res, "pol/org/x.rego: no '# METADATA' block")


def test_control_id_collision_with_builtin(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    _write_policy(tmp_path / "pol", "deny contains 1 if false", cid="GOV-001", name="gov.rego")
    res = audit(run_cli, demo_copy, tmp_path / "out", "--policies", tmp_path / "pol")
    assert_no_verdict(res, "pol/org/gov.rego: control id GOV-001 is already used by policies/governance/gov_001.rego")


def test_runtime_error_in_a_control_is_an_error_status_and_no_verdict(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    import json

    _write_policy(
        tmp_path / "pol",
        'deny contains "x" if { 1 / count(input.evidence.reg.data.version) == 0 - input.evidence.reg.data.name }',
    )
    res = audit(run_cli, demo_copy, tmp_path / "out", "--policies", tmp_path / "pol")
    assert res.code == 2, res.out + res.err
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    org = next(r for r in report["results"] if r["control"] == "ORG-001")
    assert org["status"] == "error"
    assert "pol/org/org_001.rego:15:" in org["findings"][0]["message"]
    # the other controls still got their own decisions
    assert {r["status"] for r in report["results"] if r["control"] != "ORG-001"} == {"pass", "fail", "not_applicable"}
    assert report["gate"]["verdict"] == "no_verdict"


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "23/11/2026"])
def test_bad_as_of(demo_copy: Path, tmp_path: Path, run_cli, value: str) -> None:
    res = run_cli("audit", "--config", demo_copy / "ailm.yaml", "--out", tmp_path / "o", "--no-sign", "--as-of", value)
    assert_no_verdict(res, f"--as-of {value!r}: not an ISO date")


def test_unknown_report_format(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    res = run_cli(*AUDIT[:-2], "--format", "json,docx", "--config", demo_copy / "ailm.yaml", "--out", tmp_path / "o")
    assert_no_verdict(res, "unknown report format 'docx'; known: github, html, json, junit, markdown, pdf, sarif")
    assert not (tmp_path / "o" / "report.json").exists()


def test_missing_signing_key(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    res = run_cli("audit", "--config", demo_copy / "ailm.yaml", "--out", tmp_path / "o", "--format", "json")
    assert_no_verdict(res, "no-key: private key not found")
    assert not (tmp_path / "o").exists()


def test_subject_that_was_not_collected(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    cfg = demo_copy / "ailm.yaml"
    cfg.write_text(cfg.read_text().replace('version: "@champion"', 'version: "7"'))
    res = audit(run_cli, demo_copy, tmp_path / "out")
    assert_no_verdict(res, "subjects[0]: no version '7' of model 'adult-income' was collected")


def test_a_runaway_policy_is_stopped_at_the_time_limit_and_named(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    import json
    import time

    cfg = demo_copy / "ailm.yaml"
    cfg.write_text(cfg.read_text().replace("fail_on: high", "fail_on: high\nevaluator: {name: embedded, timeout: 2}"))
    _write_policy(tmp_path / "pol", "deny contains x if { x := count([n | some n in numbers.range(1, 900000000)]) }")
    start = time.monotonic()
    res = audit(run_cli, demo_copy, tmp_path / "out", "--policies", tmp_path / "pol")
    assert res.code == 2, res.out + res.err
    assert time.monotonic() - start < 120
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    org = next(r for r in report["results"] if r["control"] == "ORG-001")
    assert org["status"] == "error"
    assert (
        "did not finish within the time limit of 2 s (evaluator.timeout), even on an empty input"
        in (org["findings"][0]["message"])
    )
    others = {r["status"] for r in report["results"] if r["control"] != "ORG-001"}
    assert others == {"pass", "fail", "not_applicable"}  # every other control still decided
    assert report["gate"]["verdict"] == "no_verdict"


def test_a_policy_that_calls_the_network_or_the_wall_clock_is_refused_at_load(
    demo_copy: Path, tmp_path: Path, run_cli
) -> None:
    for body, name in (
        ('deny contains "x" if { http.send({"method": "get", "url": "http://x"}).status_code != 200 }', "http.send"),
        ('deny contains "x" if { time.now_ns() > 0 }', "time.now_ns"),
        ('deny contains "x" if { uuid.rfc4122("a") != "" }', "uuid.rfc4122"),
    ):
        _write_policy(tmp_path / "pol", body)
        res = audit(run_cli, demo_copy, tmp_path / "out", "--policies", tmp_path / "pol")
        assert_no_verdict(res, "pol/org/org_001.rego:15:", f"{name} is not allowed in a policy")
        assert not (tmp_path / "out").exists()


def test_waivers_that_name_a_pattern_or_an_unknown_control_are_refused(
    demo_copy: Path, tmp_path: Path, run_cli
) -> None:
    cfg = demo_copy / "ailm.yaml"
    cfg.write_text(cfg.read_text() + "waivers: waivers.yaml\n")
    for control, expected in (
        ("'*'", "'*': a waiver names one control id"),
        ("DEV-*", "'DEV-*': a waiver names one control id"),
        ("DEV004", "'DEV004' is not a control of this policy set; did you mean DEV-004?"),
    ):
        (demo_copy / "waivers.yaml").write_text(
            "apiVersion: ailm/v1\nkind: Waivers\nwaivers:\n"
            f"  - control: {control}\n    subject: '*'\n    justification: accepted\n    approver: cro\n"
            "    ticket: RISK-1\n    expires: 2027-01-01T00:00:00Z\n"
        )
        res = audit(run_cli, demo_copy, tmp_path / "out")
        assert_no_verdict(res, f"{demo_copy / 'waivers.yaml'}:4: waivers.0.control:", expected)


def test_a_password_in_a_tracking_url_is_never_shown(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    cfg = demo_copy / "ailm.yaml"
    text = cfg.read_text()
    start = text.index("tracking_uri: ") + len("tracking_uri: ")
    store = text[start : text.index("\n", start)].split()[0]
    cfg.write_text(text.replace(store, "http://auditor:hunter2@127.0.0.1:9/?token=abc123") + "\n")
    cfg.write_text(
        cfg.read_text().replace("models: [adult-income]", "models: [adult-income]\n    retries: 0\n    timeout: 1")
    )
    res = audit(run_cli, demo_copy, tmp_path / "out")
    assert res.code == 2
    assert "hunter2" not in res.err and "abc123" not in res.err
    assert "http://auditor:***@127.0.0.1:9/?token=***" in res.err


def test_key_folder_is_private(tmp_path: Path, run_cli) -> None:
    import os
    import stat

    res = run_cli("keys", "generate", "--out", tmp_path / "keys")
    assert res.code == 0
    assert stat.S_IMODE(os.stat(tmp_path / "keys").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(tmp_path / "keys" / "ailm.key").st_mode) == 0o600


def test_report_md_escapes_html_that_evidence_carries(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    manifest = demo_copy / "manifest.yaml"
    manifest.write_text(
        manifest.read_text().replace(
            "{decision: go,", "{decision: '<script>alert(1)</script><img src=x onerror=alert(2)>',"
        )
    )
    res = run_cli(
        *AUDIT[:-2], "--format", "json,markdown", "--config", demo_copy / "ailm.yaml", "--out", tmp_path / "o"
    )
    assert res.code == 1, res.err
    md = (tmp_path / "o" / "report.md").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in md
    assert "<script" not in md and "<img" not in md


def test_an_audit_as_of_a_past_date_sees_only_the_facts_asserted_by_then(
    demo_copy: Path, tmp_path: Path, run_cli
) -> None:
    import json

    manifest = demo_copy / "manifest.yaml"
    manifest.write_text(
        manifest.read_text().replace("asserted_at: 2026-01-05T09:00:00Z", "asserted_at: 2026-11-22T09:00:00Z", 1)
    )
    res = run_cli(
        *AUDIT[:1], "--as-of", "2026-11-21", *AUDIT[3:], "--config", demo_copy / "ailm.yaml", "--out", tmp_path / "o"
    )
    assert res.code in (1, 2), res.err
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    gov = next(r for r in report["results"] if r["control"] == "GOV-001")
    assert gov["status"] == "fail"
    assert any("was asserted on 2026-11-22T09:00:00Z, after the audit clock" in f["message"] for f in gov["findings"])


def test_an_audit_before_the_version_was_registered_has_nothing_to_audit(
    demo_copy: Path, tmp_path: Path, run_cli
) -> None:
    res = run_cli(
        *AUDIT[:1], "--as-of", "2026-11-19", *AUDIT[3:], "--config", demo_copy / "ailm.yaml", "--out", tmp_path / "o"
    )
    assert_no_verdict(res, "subjects[0]: model_version:adult-income/1 was registered after the audit clock")
    assert not (tmp_path / "o").exists()


# ---- names and folders (issue 27, section 6) ----------------------------------------------------------------


def test_a_symlinked_out_is_refused_and_its_target_left_as_it_was(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    target = tmp_path / "real"
    target.mkdir()
    (target / "report.json").write_text('{"stale": true}')
    link = tmp_path / "out"
    link.symlink_to(target)
    res = audit(run_cli, demo_copy, link)
    assert_no_verdict(res, f"--out {link}: is a symbolic link (to {target})")
    assert link.is_symlink() and (target / "report.json").read_text() == '{"stale": true}'
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    res = audit(run_cli, demo_copy, dangling)
    assert_no_verdict(res, f"--out {dangling}: is a symbolic link")
    assert dangling.is_symlink() and not (tmp_path / "nowhere").exists()
    assert not [p for p in tmp_path.iterdir() if ".new-" in p.name]  # nothing staged is left behind


def test_a_dangling_symlink_at_the_lock_is_refused_and_its_target_not_made(
    demo_copy: Path, tmp_path: Path, run_cli
) -> None:
    out = tmp_path / "out"
    (tmp_path / ".out.lock").symlink_to(tmp_path / "elsewhere")
    res = audit(run_cli, demo_copy, out)
    assert_no_verdict(res, f"--out {out}: its lock file {tmp_path / '.out.lock'} is a symbolic link")
    assert not (tmp_path / "elsewhere").exists() and not out.exists()


def test_an_out_name_too_long_to_stage_beside_is_refused_before_any_work(
    demo_copy: Path, tmp_path: Path, run_cli
) -> None:
    out = tmp_path / ("o" * 250)  # a legal name; the folder it is staged in beside it would not be
    res = audit(run_cli, demo_copy, out)
    assert res.code == 2 and res.err.startswith("ailm: error: --out ") and "Traceback" not in res.err, res.err
    assert "a folder name of 250 bytes; at most 241" in " ".join(res.err.split())  # rich wraps the long name
    assert not out.exists() and "auditing" not in res.out


def test_an_out_name_with_glob_characters_leaves_another_audits_staging_alone(tmp_path: Path) -> None:
    from ailm.audit.outdir import OutputFolder

    other = tmp_path / ".ab.new-12345678"  # another audit's folder being written (to --out ab)
    other.mkdir()
    (other / "report.json").write_text("{}")
    with OutputFolder(tmp_path / "a*") as folder:
        folder.write("report.json", b"{}")
        folder.commit()
    assert (other / "report.json").is_file() and (tmp_path / "a*" / "report.json").is_file()


def _registry_of(tmp_path: Path, names: list[str]) -> Path:
    """A real MLflow registry with one version of each name, and a config that audits every version of it."""
    import mlflow

    uri = f"sqlite:///{tmp_path / 'names.db'}"
    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    for name in names:
        client.create_registered_model(name)
        client.create_model_version(name, (tmp_path / "nowhere").as_uri())
    cfg = tmp_path / "names.yaml"
    cfg.write_text(
        "apiVersion: ailm/v1\nkind: AuditConfig\nname: names\ncollectors:\n  - name: mlflow\n"
        f"    tracking_uri: {tmp_path / 'names.db'}\n"
    )
    return cfg


def _now_audit(run_cli, cfg: Path, out: Path, *extra: str):
    from datetime import UTC, datetime, timedelta

    clock = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()  # after the versions were registered
    return run_cli("audit", "--as-of", clock, "--no-sign", "--no-history", "--config", cfg, "--out", out, *extra)


def test_names_that_would_share_a_folder_or_overflow_one_each_get_a_folder_of_their_own(
    tmp_path: Path, run_cli
) -> None:
    import json

    from ailm.result import folder_segment

    names = ["a b", "a_b", "m" * 300, "it's `x`"]
    cfg = _registry_of(tmp_path, names)
    out = tmp_path / "out"
    res = _now_audit(run_cli, cfg, out, "--format", "json,markdown")
    assert res.code in (1, 2) and "internal error" not in res.err and (out / "report.json").is_file(), res.err
    folders = {folder_segment(n) for n in names}
    assert len(folders) == 4 and "a_b" in folders and all(len(f) <= 100 for f in folders)
    for name in names:
        mine = json.loads((out / folder_segment(name) / "1" / "report.json").read_text())
        assert [s["id"] for s in mine["subjects"]] == [f"model_version:{name}/1"]


def test_names_that_differ_only_in_case_stop_the_fleet_before_any_work(tmp_path: Path, run_cli) -> None:
    cfg = _registry_of(tmp_path, ["Credit", "credit"])
    res = _now_audit(run_cli, cfg, tmp_path / "out", "--format", "json")
    assert_no_verdict(
        res, "model_version:Credit/1 and model_version:credit/1 would write their reports to folders that differ "
        "only in case (Credit/1/ and) credit/1/"
    )  # fmt: skip
    assert not (tmp_path / "out").exists() and "evaluating" not in res.out


HOSTILE_MD = ("x`<img src=x onerror=alert(1)>`", "``<script>alert(2)<\\script>", "![t](https;evil.example\\p.png) *b*")


def _rendered(md: str) -> str:
    from markdown_it import MarkdownIt  # a CommonMark parser with GitHub's tables and raw HTML, as GitHub renders

    return MarkdownIt("gfm-like", {"html": True}).render(md)


def test_report_md_shows_hostile_names_exactly_and_renders_none_of_their_markup(tmp_path: Path, run_cli) -> None:
    import html
    import json
    import re

    from ailm.report.markdown import render_markdown
    from ailm.result import REPORT_ADDS, AuditResult, Status, folder_segment

    names = [*HOSTILE_MD, "pipe | name"]
    out = tmp_path / "out"
    res = _now_audit(run_cli, _registry_of(tmp_path, names), out, "--format", "json,markdown")
    assert res.code in (1, 2) and (out / "report.md").is_file(), res.err
    own = [out / folder_segment(n) / "1" / "report.md" for n in names]
    for md in [(out / "report.md").read_text(), *(p.read_text() for p in own)]:
        page = _rendered(md)
        assert "<img" not in page and "<script" not in page and "<a " not in page, page
    page = _rendered((out / "report.md").read_text())
    code = {html.unescape(c) for c in re.findall(r"<code>(.*?)</code>", page)}
    for name in names:
        assert f"model_version:{name}/1" in code  # exactly the subject, not a look-alike
    result = AuditResult.model_validate(
        {k: v for k, v in json.loads((out / "report.json").read_text()).items() if k not in REPORT_ADDS}
    )
    hostile = " ".join(HOSTILE_MD)
    s = f"model_version:{HOSTILE_MD[0]}/1"
    changes = {"from": {"audit_id": "0123456789", "as_of": "2026-11-23"}, "fixed": [], "changed": [],
               "evidence_changed": [], "new_failures": [{"control": "DEV-004", "subject": s, "from": "pass",
               "to": "fail", "why": [hostile]}], "new_subjects": [s], "removed_subjects": []}  # fmt: skip
    first = result.results[0]
    finding = first.findings[0].model_copy(update={"message": hostile}) if first.findings else None
    changed = result.model_copy(
        update={
            "name": hostile,
            "changes": changes,
            "results": [
                r.model_copy(update={"status": Status.FAIL, "findings": [finding] if finding else []})
                for r in result.results
            ],
        }
    )
    page = _rendered(render_markdown(changed))
    assert "<img" not in page and "<script" not in page and "<a " not in page, page
    assert html.escape(HOSTILE_MD[2], quote=False) in page  # shown as text, not as an image


def test_an_mlflow_dataset_whose_source_gives_its_uri_twice_names_the_run_and_dataset(
    demo_copy: Path, demo_root: Path, tmp_path: Path, run_cli
) -> None:
    """The dataset a run logged joins the lineage by its source uri: with two, the last one would win."""
    import shutil
    import sqlite3

    store = tmp_path / "mlflow.db"
    shutil.copy(demo_root / ".ailm" / "demo" / "mlflow.db", store)
    cfg = demo_copy / "ailm.yaml"
    cfg.write_text(cfg.read_text().replace(str(demo_root / ".ailm" / "demo" / "mlflow.db"), str(store)))
    with sqlite3.connect(store) as db:
        name, source = db.execute(
            "SELECT name, dataset_source FROM datasets WHERE dataset_source LIKE '{\"uri\"%'"
        ).fetchone()
        twice = source.replace('{"uri": ', '{"uri": "file:///elsewhere/train.parquet", "uri": ', 1)
        assert twice != source
        db.execute("UPDATE datasets SET dataset_source = ? WHERE name = ?", (twice, name))
    res = audit(run_cli, demo_copy, tmp_path / "out")
    assert_no_verdict(res, f"dataset {name} source is not JSON: duplicate key 'uri' at line 1 column", "run ")
    assert not (tmp_path / "out" / "report.json").exists()
