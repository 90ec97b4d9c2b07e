# ruff: noqa: E501 - the cases are a table, one row a line
"""Bad input, table-driven: every case is a careless or hostile change to the demo's inputs, and every one
must end in one message that names the file and the line or field, exit code 2, and no report.

Classes: the config (each field, each threshold), the manifest, waivers, policies and their data, the
collectors' sources (OpenLineage, DVC, model card), YAML itself (duplicate keys, alias bombs, size) and the
command line. tests/test_bad_input.py holds the cases that need more than a table row.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from ailm.policy.thresholds import kind

REPO = Path(__file__).resolve().parents[1]
THRESHOLDS = json.loads((REPO / "policies" / "data.json").read_text())["ailm"]["thresholds"]


@dataclass(frozen=True)
class Case:
    cls: str
    name: str
    edit: Callable[[Path], None]
    expect: tuple[str, ...]  # fragments of the one message; "{cfg}", "{manifest}", "{dir}" are filled in
    args: tuple[str, ...] = ()
    cli_format: bool = True  # pass --format json (not for the cases about the config's formats)


def text_edit(file: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / file
        text = path.read_text()
        assert old in text, (file, old)
        path.write_text(text.replace(old, new, count))

    return edit


def append(file: str, text: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / file
        path.write_text(path.read_text() + text)

    return edit


def write(file: str, text: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        (folder / file).parent.mkdir(parents=True, exist_ok=True)
        (folder / file).write_text(text)

    return edit


def both(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        for e in edits:
            e(folder)

    return edit


def first_collector(entry: str) -> Callable[[Path], None]:
    """Put a collector first, so that its failure is the first thing the audit meets."""
    return text_edit("ailm.yaml", "collectors:\n", f"collectors:\n{entry}")


CFG = "ailm.yaml"
MAN = "manifest.yaml"

CASES: list[Case] = []

# ---- the config, field by field ---------------------------------------------------------------------------
for name, old, new, expect in [
    ("apiVersion wrong", "apiVersion: ailm/v1", "apiVersion: ailm/v2", ("{cfg}:2: apiVersion:",)),
    ("apiVersion a number", "apiVersion: ailm/v1", "apiVersion: 1", ("{cfg}:2: apiVersion:",)),
    ("kind wrong", "kind: AuditConfig", "kind: Audit", ("{cfg}:3: kind:",)),
    ("name empty", "name: Adult income classifier (ailm demo)", 'name: ""', ("{cfg}:4: name:",)),
    ("name a list", "name: Adult income classifier (ailm demo)", "name: [a, b]", ("{cfg}:4: name:",)),
    ("collectors empty", "collectors:\n", "collectors: []\nold_collectors:\n", ("{cfg}:", "collectors")),
    ("collector without name", "  - name: manifest\n", "  - nam: manifest\n", ("{cfg}:", "collectors.0.name")),
    ("collector unknown", "  - name: manifest\n", "  - name: manifests\n", ("unknown collector 'manifests'",)),
    (
        "collector a string",
        "  - name: manifest\n    path: manifest.yaml\n",
        "  - manifest\n",
        ("{cfg}:", "collectors.0"),
    ),
    (
        "subjects not a list",
        '  - model: adult-income\n    version: "@champion"\n',
        "  model: x\n",
        ("{cfg}:", "subjects"),
    ),
    ("subject without model", "  - model: adult-income\n", "  - modell: adult-income\n", ("{cfg}:", "subjects.0")),
    ("subject unknown version", 'version: "@champion"', 'version: "9"', ("subjects[0]: no version '9'",)),
    (
        "builtin_policies text",
        "fail_on: high",
        "fail_on: high\nbuiltin_policies: maybe",
        ("{cfg}:", "builtin_policies"),
    ),
    ("policies a string", "fail_on: high", "fail_on: high\npolicies: org/", ("{cfg}:", "policies")),
    (
        "policies folder missing",
        "fail_on: high",
        "fail_on: high\npolicies: [nowhere]",
        ("nowhere: policy folder not found",),
    ),
    ("fail_on unknown", "fail_on: high", "fail_on: severe", ("{cfg}:", "fail_on")),
    (
        "fail_on twice",
        "fail_on: high",
        "fail_on: medium\nfail_on: high",
        ("{cfg}:", "fail_on: duplicate key (first at line"),
    ),
    ("formats not a list", "formats: [json, html, pdf]", "formats: json", ("{cfg}:", "formats")),
    ("format unknown", "formats: [json, html, pdf]", "formats: [json, docx]", ("unknown report format 'docx'",)),
    ("signing extra key", "signing:\n", "signing:\n  keys: x\n", ("{cfg}:", "signing.keys")),
    ("cache a number", "\ncache: ", "\ncache: 7 # ", ("{cfg}:", "cache")),
    ("waivers a list", "fail_on: high", "fail_on: high\nwaivers: [a]", ("{cfg}:", "waivers")),
    (
        "waivers file missing",
        "fail_on: high",
        "fail_on: high\nwaivers: nope.yaml",
        ("nope.yaml: waivers file not found",),
    ),
    ("timeout zero", "fail_on: high", "fail_on: high\nevaluator:\n  timeout: 0", ("{cfg}:30: evaluator.timeout:",)),
    ("timeout text", "fail_on: high", "fail_on: high\nevaluator:\n  timeout: fast", ("{cfg}:30: evaluator.timeout:",)),
    (
        "evaluator unknown",
        "fail_on: high",
        "fail_on: high\nevaluator:\n  name: rego9",
        ("{cfg}:30: evaluator.name:", "unknown evaluator 'rego9'", "embedded, opa"),
    ),
    (
        "evaluator unknown, by name only",
        "fail_on: high",
        "fail_on: high\nevaluator: rego9",
        ("{cfg}:29: evaluator.name:", "unknown evaluator 'rego9'", "embedded, opa"),
    ),
    ("evaluator an empty name", "fail_on: high", 'fail_on: high\nevaluator: ""', ("{cfg}:29: evaluator.name:",)),
    ("evaluator a number", "fail_on: high", "fail_on: high\nevaluator: 7", ("{cfg}:29: evaluator:",)),
    (
        "evaluator setting unknown",
        "fail_on: high",
        "fail_on: high\nevaluator:\n  name: opa\n  urll: x",
        ("{cfg}:31: evaluator.urll:",),
    ),
    (
        "evaluator token in file",
        "fail_on: high",
        "fail_on: high\nevaluator:\n  name: opa\n  token: s3cret",
        ("{cfg}:31: evaluator.token:", "AILM_OPA_TOKEN"),
    ),
    ("unknown top key", "fail_on: high", "fail_on: high\nfail_onn: low", ("{cfg}:", "fail_onn: Extra inputs")),
    ("analysis unknown key", "  label: income", "  label: income\n  labels: x", ("{cfg}:", "analysis.labels")),
    ("analysis label empty", "  label: income", '  label: ""', ("{cfg}:", "analysis.label")),
    ("analysis bootstrap negative", "  bootstrap: 200", "  bootstrap: -1", ("{cfg}:", "analysis.bootstrap")),
    (
        "analysis confidence above 1",
        "  bootstrap: 200",
        "  bootstrap: 200\n  confidence: 2",
        ("{cfg}:", "analysis.confidence"),
    ),
    (
        "analysis min_group_size zero",
        "  bootstrap: 200",
        "  bootstrap: 200\n  min_group_size: 0",
        ("{cfg}:", "min_group_size"),
    ),
    (
        "analysis analyzer unknown",
        "  bootstrap: 200",
        "  bootstrap: 200\n  analyzers: [fairness, magic]",
        ("{cfg}:", "analysis.analyzers"),
    ),
    (
        "analysis dataset missing",
        "adult-test.csv\n  shap_rows",
        "adult-nope.csv\n  shap_rows",
        ("analysis.datasets.current", "no such file"),
    ),
    ("analysis shap_rows text", "  shap_rows: 1000", "  shap_rows: many", ("{cfg}:", "analysis.shap_rows")),
    ("config not a mapping", "apiVersion: ailm/v1\n", "- apiVersion: ailm/v1\n", ("{cfg}:",)),
]:
    CASES.append(Case("config", name, text_edit(CFG, old, new), expect, cli_format="formats" not in name))

CASES.append(
    Case("config", "config not YAML", write(CFG, "apiVersion: [ailm/v1\n"), ("{cfg}:", "config is not valid YAML"))
)
CASES.append(Case("config", "config empty", write(CFG, ""), ("{cfg}", "a config is a mapping")))

# ---- every threshold, with a value of the wrong type --------------------------------------------------------
for tname, default in sorted(THRESHOLDS.items()):
    wrong = '"0.1"' if kind(default) == "a number" else "7"
    CASES.append(
        Case("thresholds", f"{tname} = {wrong}", append(CFG, f"thresholds:\n  {tname}: {wrong}\n"),
             ("{cfg}:", f"thresholds.{tname}:", f"{kind(default)} is required"))
    )  # fmt: skip
for value in ("null", "[]", "{}", "true"):
    CASES.append(
        Case("thresholds", f"four_fifths_ratio = {value}", append(CFG, f"thresholds:\n  four_fifths_ratio: {value}\n"),
             ("{cfg}:", "thresholds.four_fifths_ratio:"))
    )  # fmt: skip
CASES.append(Case("thresholds", "unknown threshold", append(CFG, "thresholds:\n  four_fifth_ratio: 0.8\n"),
                  ("{cfg}:", "thresholds.four_fifth_ratio: unknown threshold")))  # fmt: skip
CASES.append(Case("thresholds", "thresholds a list", append(CFG, "thresholds: [0.8]\n"), ("{cfg}:", "thresholds")))

# ---- the manifest -------------------------------------------------------------------------------------------
for name, old, new, expect in [
    ("apiVersion missing", "apiVersion: ailm/v1\n", "", ("{manifest}", "apiVersion: Field required")),
    ("kind wrong", "kind: Manifest", "kind: Manifesto", ("{manifest}:", "kind:")),
    ("model missing", "model: adult-income\n", "", ("{manifest}", "model: Field required")),
    ("model empty", "model: adult-income\n", 'model: ""\n', ("{manifest}:", "model:")),
    ("asserted_by missing", "asserted_by: head-of-credit-risk@example.org\n", "", ("{manifest}", "asserted_by")),
    (
        "asserted_at not a time",
        "asserted_at: 2026-01-05T09:00:00Z",
        "asserted_at: last monday",
        ("{manifest}:", "asserted_at"),
    ),
    (
        "asserted_at in 2099",
        "asserted_at: 2026-01-05T09:00:00Z",
        "asserted_at: 2099-01-01T00:00:00Z",
        ("{manifest}:", "is in the future"),
    ),
    (
        "expires not a time",
        "expires: 2027-01-05T00:00:00Z",
        "expires: next year",
        ("{manifest}:", "facts.inventory.expires"),
    ),
    (
        "expires before asserted",
        "expires: 2027-01-05T00:00:00Z",
        "expires: 2025-01-05T00:00:00Z",
        ("facts.inventory.expires: expires must come after",),
    ),
    (
        "fact without data",
        "  inventory:\n    expires: 2027-01-05T00:00:00Z\n    data:\n",
        "  inventory:\n    expires: 2027-01-05T00:00:00Z\n    dat:\n",
        ("{manifest}:", "facts.inventory"),
    ),
    (
        "fact data a list",
        "  incidents:\n    data:\n      items: []",
        "  incidents:\n    data: [1]",
        ("{manifest}:", "facts.incidents.data"),
    ),
    ("facts a list", "facts:\n", "facts: []\nold_facts:\n", ("{manifest}:", "facts")),
    ("datasets not a list", "datasets:\n", "datasets: x\nold_datasets:\n", ("{manifest}:", "datasets")),
    ("dataset without name", "  - name: uci-adult-data\n", "  - nam: uci-adult-data\n", ("{manifest}:", "datasets.0")),
    (
        "unknown top key",
        "model: adult-income\n",
        "model: adult-income\nmodels: [x]\n",
        ("{manifest}:", "models: Extra inputs"),
    ),
    (
        "duplicate key",
        "model: adult-income\n",
        "model: adult-income\nmodel: other\n",
        ("{manifest}:", "model: duplicate key"),
    ),
    ("not YAML", "model: adult-income\n", "model: [adult-income\n", ("{manifest}:", "manifest is not valid YAML")),
]:
    CASES.append(Case("manifest", name, text_edit(MAN, old, new), expect))
CASES.append(Case("manifest", "manifest missing", lambda d: (d / MAN).unlink(), ("{manifest}: manifest not found",)))
CASES.append(
    Case(
        "manifest",
        "manifest a folder",
        lambda d: ((d / MAN).unlink(), (d / MAN).mkdir()),
        ("{manifest}: manifest is a folder",),
    )
)
CASES.append(Case("manifest", "manifest empty", write(MAN, ""), ("{manifest}", "a manifest is a mapping")))

# ---- declared facts of the wrong type (the typed schema of each role) ----------------------------------------
for name, old, new, expect in [
    (
        "retention_days quoted",
        "retention_days: 90",
        'retention_days: "90"',
        ("{manifest}:", "facts.deployment.data.logging.retention_days: a number is required, got str '90'"),
    ),
    (
        "reviewed_at not a date",
        "reviewed_at: 2026-03-02",
        "reviewed_at: last march",
        ("{manifest}:", "facts.ai_policy.data.reviewed_at:"),
    ),
    (
        "reviewed_at a day that does not exist",
        "reviewed_at: 2026-03-02",
        "reviewed_at: 2026-02-30",
        ("{manifest}:", "facts.ai_policy.data.reviewed_at:", "not a day that exists"),
    ),
    (
        "override_enabled text",
        "override_enabled: true",
        "override_enabled: 'yes'",
        ("{manifest}:", "facts.oversight.data.override_enabled:"),
    ),
    (
        "threshold quoted",
        "threshold: 0.85",
        'threshold: "0.85"',
        ("{manifest}:", "facts.plan.data.success_metrics.0.threshold: a number is required"),
    ),
    (
        "success_metrics text",
        "      success_metrics:\n",
        "      success_metrics: accuracy above 0.85\n      old_success_metrics:\n",
        ("{manifest}:", "facts.plan.data.success_metrics:"),
    ),
    (
        "direction unknown",
        "direction: min, defined_at: 2026-01-05}\n        - {metric: test_roc_auc",
        "direction: up, defined_at: 2026-01-05}\n        - {metric: test_roc_auc",
        ("{manifest}:", "facts.plan.data.success_metrics.0.direction:"),
    ),
    ("incident items an object", "      items: []", "      items: {}", ("{manifest}:", "facts.incidents.data.items:")),
    (
        "dataset personal_data text",
        "      personal_data: true\n",
        "      personal_data: 'yes'\n",
        ("{manifest}:", "datasets.0.data.personal_data:"),
    ),
    (
        "sensitive_features text",
        "sensitive_features: [sex, race]",
        "sensitive_features: sex and race",
        ("{manifest}:", "facts.plan.data.sensitive_features:"),
    ),
    (
        "test report sha256 not a digest",
        "facts:\n",
        "facts:\n  technical_documentation:\n    data:\n      test_reports:\n        - {uri: r.json, sha256: x}\n",
        (
            "{manifest}:",
            "facts.technical_documentation.data.test_reports.0.sha256:",
            "a sha256 is 64 hexadecimal characters, not 'x'",
        ),
    ),
    (
        "test report sha256 63 hex",
        "facts:\n",
        f"facts:\n  technical_documentation:\n    data:\n      test_reports:\n        - {{uri: r.json, sha256: {'a' * 63}}}\n",
        ("{manifest}:", "facts.technical_documentation.data.test_reports.0.sha256:", "64 hexadecimal characters"),
    ),
    (
        "annex iv section a number",
        "facts:\n",
        "facts:\n  technical_documentation:\n    data:\n      annex_iv: {'1': 42}\n",
        ("{manifest}:", "facts.technical_documentation.data.annex_iv.1"),
    ),
    (
        "annex iv section digest not a digest",
        "facts:\n",
        "facts:\n  technical_documentation:\n    data:\n      annex_iv: {'1': {uri: a.md, sha256: abc}}\n",
        ("{manifest}:", "facts.technical_documentation.data.annex_iv.1", "64 hexadecimal characters"),
    ),
]:
    CASES.append(Case("facts", name, text_edit(MAN, old, new), expect))

# ---- YAML itself --------------------------------------------------------------------------------------------
BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join(["*" + chr(97 + i)] * 9) + "]\n" for i in range(8)
)
CASES.append(Case("yaml", "alias bomb in the manifest", write(MAN, BOMB), ("{manifest}:", "alias bomb")))
CASES.append(Case("yaml", "alias bomb in the config", write(CFG, BOMB), ("{cfg}:", "alias bomb")))
CASES.append(
    Case("yaml", "a 2 MB value", append(MAN, f"big: {'x' * (2 << 20)}\n"), ("{manifest}:", "more than 1,048,576"))
)
CASES.append(
    Case(
        "yaml", "a 20 MB manifest", append(MAN, "# " + "x" * (20 << 20) + "\n"), ("{manifest}:", "more than 16,777,216")
    )
)
CASES.append(
    Case(
        "yaml",
        "tab indentation",
        text_edit(MAN, "model: adult-income\n", "model: adult-income\n\tx: 1\n"),
        ("{manifest}:", "not valid YAML"),
    )
)

# ---- waivers ------------------------------------------------------------------------------------------------
WAIVER = "apiVersion: ailm/v1\nkind: Waivers\nwaivers:\n  - control: {control}\n    subject: '*'\n    justification: {why}\n    approver: cro\n    ticket: RISK-1\n    expires: {expires}\n"  # fmt: skip
for name, control, why, expires, expect in [
    ("any control", "'*'", "accepted", "2027-01-01T00:00:00Z", ("waivers.0.control:", "not a pattern")),
    ("a pattern", "DEV-*", "accepted", "2027-01-01T00:00:00Z", ("waivers.0.control:", "not a pattern")),
    ("unknown id", "DEV004", "accepted", "2027-01-01T00:00:00Z", ("waivers.0.control:", "did you mean DEV-004?")),
    (
        "no such control",
        "ABC-123",
        "accepted",
        "2027-01-01T00:00:00Z",
        ("waivers.0.control:", "not a control of this policy set"),
    ),
    ("empty justification", "DEV-004", '""', "2027-01-01T00:00:00Z", ("waivers.0.justification",)),
    ("expiry without zone", "DEV-004", "accepted", "2027-01-01T00:00:00", ("waivers.0.expires",)),
    ("expiry not a date", "DEV-004", "accepted", "soon", ("waivers.0.expires",)),
]:
    CASES.append(Case("waivers", name, both(append(CFG, "waivers: waivers.yaml\n"),
                                            write("waivers.yaml", WAIVER.format(control=control, why=why, expires=expires))),
                      ("{dir}/waivers.yaml:", *expect)))  # fmt: skip
CASES.append(Case("waivers", "not a list", both(append(CFG, "waivers: waivers.yaml\n"), write("waivers.yaml", "apiVersion: ailm/v1\nkind: Waivers\nwaivers: x\n")), ("{dir}/waivers.yaml:", "waivers")))  # fmt: skip

# ---- policies -----------------------------------------------------------------------------------------------
META = ("# METADATA\n# title: An organisation control\n# description: For tests.\n# custom:\n#   id: ORG-001\n"
        "#   severity: high\n#   stage: governance\n#   evidence: [reg]\n#   remediation: Fix it.\n"
        "#   frameworks: {eu_ai_act: [], nist_ai_rmf: [], iso_42001: []}\n")  # fmt: skip


def policy(body: str, meta: str = META, package: str = "ailm.controls.org.org_001") -> Callable[[Path], None]:
    return both(write("pol/org/org_001.rego", f"{meta}package {package}\n\nimport rego.v1\n\n{body}\n"),
                append(CFG, "policies: [pol]\n"))  # fmt: skip


for name, edit, expect in [
    (
        "does not parse",
        policy('deny contains msg { msg := "x" }'),
        ("pol/org/org_001.rego:15:", "`if` keyword is required"),
    ),
    ("unknown function", policy("deny contains x if { x := nonesuch(1) }"), ("pol/org/org_001.rego:15:", "nonesuch")),
    (
        "http.send",
        policy('deny contains "x" if { http.send({"method": "get", "url": "u"}).status_code > 0 }'),
        ("pol/org/org_001.rego:15:", "http.send is not allowed"),
    ),
    (
        "time.now_ns",
        policy('deny contains "x" if { time.now_ns() > 0 }'),
        ("pol/org/org_001.rego:15:", "time.now_ns is not allowed"),
    ),
    (
        "rand",
        policy('deny contains "x" if { rand.intn("a", 2) > 0 }'),
        ("pol/org/org_001.rego:15:", "rand.intn is not allowed"),
    ),
    (
        "net.lookup",
        policy('deny contains "x" if { count(net.lookup_ip_addr("example.org")) > 0 }'),
        ("pol/org/org_001.rego:15:", "net.lookup_ip_addr is not allowed"),
    ),
    (
        "opa.runtime",
        policy('deny contains "x" if { opa.runtime().env.HOME }'),
        ("pol/org/org_001.rego:15:", "opa.runtime is not allowed"),
    ),
    ("no METADATA", policy('deny contains "x" if false', meta=""), ("pol/org/org_001.rego: no '# METADATA' block",)),
    (
        "METADATA not YAML",
        policy('deny contains "x" if false', meta="# METADATA\n# title: [x\n"),
        ("pol/org/org_001.rego:", "METADATA is not valid YAML"),
    ),
    (
        "METADATA bad id",
        policy('deny contains "x" if false', meta=META.replace("ORG-001", "org1")),
        ("pol/org/org_001.rego:1: METADATA custom.id",),
    ),
    (
        "METADATA bad severity",
        policy('deny contains "x" if false', meta=META.replace("severity: high", "severity: huge")),
        ("pol/org/org_001.rego:1: METADATA custom.severity",),
    ),
    (
        "package outside ailm.controls",
        policy('deny contains "x" if false', package="org.x"),
        ("pol/org/org_001.rego:", "must start with 'ailm.controls.'"),
    ),
    (
        "id collision",
        policy('deny contains "x" if false', meta=META.replace("ORG-001", "GOV-001")),
        ("control id GOV-001 is already used by policies/governance/gov_001.rego",),
    ),
    (
        "data.json not JSON",
        both(policy('deny contains "x" if false'), write("pol/data.json", "{nope")),
        ("pol/data.json: not valid JSON",),
    ),
    (
        "data.json threshold twice",
        both(
            policy('deny contains "x" if false'),
            write("pol/data.json", '{"ailm": {"thresholds": {"four_fifths_ratio": 0.8,\n  "four_fifths_ratio": 0}}}'),
        ),
        ("pol/data.json: not valid JSON: duplicate key 'four_fifths_ratio' at line 2 column 3",),
    ),
    (
        "data.json threshold retyped",
        both(
            policy('deny contains "x" if false'),
            write("pol/data.json", '{"ailm": {"thresholds": {"four_fifths_ratio": "0.8"}}}'),
        ),
        ("pol/data.json: ailm.thresholds.four_fifths_ratio is a str; a threshold is a number or a list of strings",),
    ),
    (
        "data.json threshold a list",
        both(
            policy('deny contains "x" if false'),
            write("pol/data.json", '{"ailm": {"thresholds": {"four_fifths_ratio": ["x"]}}}'),
        ),
        ("pol/data.json: ailm.thresholds.four_fifths_ratio is a list of strings, but the threshold is a number",),
    ),
    (
        "data.json threshold null",
        both(
            policy('deny contains "x" if false'), write("pol/data.json", '{"ailm": {"thresholds": {"my_max": null}}}')
        ),
        ("pol/data.json: ailm.thresholds.my_max is null",),
    ),
]:
    CASES.append(Case("policies", name, edit, expect))  # fmt: skip

# ---- collectors' sources ------------------------------------------------------------------------------------
EVENT = {"eventType": "START", "eventTime": "2026-01-01T00:00:00Z", "run": {"runId": "0193a1c0-1111-7222-8333-444455556666"},
         "job": {"namespace": "ns", "name": "j"}, "producer": "p", "schemaURL": "s"}  # fmt: skip
OL = "  - name: openlineage\n    path: events.ndjson\n"


def event(**changes: object) -> str:
    doc = {**EVENT, **changes}
    return json.dumps({k: v for k, v in doc.items() if v is not None}) + "\n"


for name, content, expect in [
    ("not JSON", "{nope\n", ("events.ndjson:1: not a JSON event",)),
    ("not an object", "[1, 2]\n", ("events.ndjson:1: an OpenLineage event is a JSON object",)),
    (
        "BOGUS eventType without run",
        json.dumps({"eventType": "BOGUS", "eventTime": "2026-01-01T00:00:00Z"}) + "\n",
        ("events.ndjson:1: a RunEvent (it has an eventType) without a run",),
    ),
    ("eventType unknown", event(eventType="BOGUS"), ("events.ndjson:1: eventType 'BOGUS'",)),
    (
        "eventTime yesterday",
        event(eventTime="yesterday"),
        ("events.ndjson:1: eventTime 'yesterday' is not an RFC 3339",),
    ),
    ("eventTime without zone", event(eventTime="2026-01-01T00:00:00"), ("events.ndjson:1: eventTime",)),
    ("no producer", event(producer=None), ("events.ndjson:1: the event has no 'producer'",)),
    ("no runId", event(run={}), ("events.ndjson:1: run has no 'runId'",)),
    ("runId not a UUID", event(run={"runId": "r1"}), ("events.ndjson:1: not a valid OpenLineage RunEvent", "UUID")),
    (
        "eventTime month 13",
        event(eventTime="2026-13-01T00:00:00Z"),
        ("events.ndjson:1: not a valid OpenLineage RunEvent",),
    ),
    ("integer namespace", event(job={"namespace": 7, "name": "j"}), ("events.ndjson:1:", "must be strings")),
    (
        "integer dataset namespace",
        event(inputs=[{"namespace": 7, "name": "t.csv"}]),
        ("events.ndjson:1: inputs[0]: namespace and name must be non-empty strings",),
    ),
    ("inputs not a list", event(inputs={"a": 1}), ("events.ndjson:1: 'inputs' must be a list",)),
    ("empty file", "", ("events.ndjson: no OpenLineage event",)),
    ("only blank lines", "\n\n", ("events.ndjson: no OpenLineage event",)),
    ("second line broken", event() + "{\n", ("events.ndjson:2: not a JSON event",)),
]:
    CASES.append(Case("openlineage", name, both(first_collector(OL), write("events.ndjson", content)), expect))  # fmt: skip
CASES.append(
    Case("openlineage", "file missing", first_collector(OL), ("events.ndjson: OpenLineage event file not found",))
)
CASES.append(Case("openlineage", "a 20 MB line", both(first_collector(OL), write("events.ndjson", event(x="y" * (17 << 20)))), ("events.ndjson:1: an event line longer than",)))  # fmt: skip
# fmt: off
# a key given twice: the last value would win (the run counted as completed, a digest conflict hidden)
for name, content, expect in [
    ("eventType twice", event(eventType="FAIL")[:-2] + ', "eventType": "COMPLETE"}\n', ("events.ndjson:1: not a JSON event: duplicate key 'eventType' at line 1 column",)),
    ("eventType twice, escaped", event(eventType="FAIL")[:-2] + ', "event\\u0054ype": "COMPLETE"}\n', ("events.ndjson:1: not a JSON event: duplicate key 'eventType'",)),
    ("datasetVersion twice", event(outputs=[{"namespace": "file", "name": "/d.csv", "facets": {"version": {"datasetVersion": "sha256:" + "a" * 64}}}]).replace('"}}}]', '", "datasetVersion": "sha256:' + "b" * 64 + '"}}}]'), ("events.ndjson:1: not a JSON event: duplicate key 'datasetVersion'",)),
    ("second event repeats runId", event() + event().replace('"runId"', '"runId": "0193a1c0-1111-7222-8333-444455550000", "runId"'), ("events.ndjson:2: not a JSON event: duplicate key 'runId'",)),
]:
    CASES.append(Case("openlineage", name, both(first_collector(OL), write("events.ndjson", content)), expect))  # fmt: skip

LM = "  - name: lm_eval\n    path: lm\n    model: adult-income\n"
LM_RESULTS = next((REPO / "evidence" / "demo" / "genai" / "lm_eval" / "results").rglob("results_*.json")).read_text()
for name, content, expect in [
    ("lm-eval metric twice", LM_RESULTS.replace('"acc,none": 0.7875,', '"acc,none": 0.7875, "acc,none": 0.99,', 1), ("lm/results_x.json: not JSON: duplicate key 'acc,none' at line",)),
    ("lm-eval limit as text", LM_RESULTS.replace('"limit": null', '"limit": "10"', 1), ("lm/results_x.json: config.limit must be a number or null",)),
]:
    CASES.append(Case("lm_eval", name, both(first_collector(LM), write("lm/results_x.json", content)), expect))  # fmt: skip
# fmt: on

DVC = "  - name: dvc\n    path: pipe\n"
for name, files, expect in [
    ("dvc.yaml missing", {}, ("pipe/dvc.yaml: DVC pipeline file not found",)),
    ("no stages", {"pipe/dvc.yaml": "stages: {}\n"}, ("pipe/dvc.yaml:", "dvc.yaml has no stages")),
    (
        "stage without cmd",
        {"pipe/dvc.yaml": "stages:\n  prep:\n    deps: [a.csv]\n"},
        ("pipe/dvc.yaml:", "stages.prep.cmd: a stage needs a cmd"),
    ),
    (
        "lock for an unknown stage",
        {
            "pipe/dvc.yaml": "stages:\n  prep:\n    cmd: x\n",
            "pipe/dvc.lock": "schema: '2.0'\nstages:\n  other:\n    cmd: y\n",
        },
        ("pipe/dvc.lock:", "stage 'other' is locked but not in dvc.yaml"),
    ),
    (
        "lock not YAML",
        {"pipe/dvc.yaml": "stages:\n  prep:\n    cmd: x\n", "pipe/dvc.lock": "stages: [\n"},
        ("pipe/dvc.lock:", "not valid YAML"),
    ),
    (
        "deps not a list",
        {"pipe/dvc.yaml": "stages:\n  prep:\n    cmd: x\n    deps: a.csv\n"},
        ("pipe/dvc.yaml:", "stages.prep.deps: a list of paths"),
    ),
]:
    CASES.append(Case("dvc", name, both(first_collector(DVC), *[write(f, t) for f, t in files.items()]), expect))  # fmt: skip

CARD = "  - name: model_card\n    path: card/README.md\n    model: adult-income\n"
for name, content, expect in [
    (
        "licence a list",
        "---\nlicense: [1, {a: b}]\n---\n# Card\n",
        ("card/README.md:2: license: a string is required",),
    ),
    (
        "datasets numbers",
        "---\nlicense: mit\ndatasets: [1, 2]\n---\n",
        ("card/README.md:3: datasets: a string or a list of strings",),
    ),
    ("no front matter", "# Card\n", ("card/README.md:1: a model card starts with '---'",)),
    ("front matter not closed", "---\nlicense: mit\n", ("card/README.md: the front matter has no closing '---'",)),
    (
        "metric value text",
        "---\nmodel-index:\n  - name: m\n    results:\n      - task: {type: t}\n        metrics:\n          - {type: acc, value: high}\n---\n",
        ("card/README.md:7:", "a metric value is a number"),
    ),
    (
        "metric without value",
        "---\nmodel-index:\n  - name: m\n    results:\n      - metrics:\n          - {type: acc}\n---\n",
        ("card/README.md:6:", "a metric needs a type and a value"),
    ),
]:
    CASES.append(Case("model_card", name, both(first_collector(CARD), write("card/README.md", content)), expect))  # fmt: skip


# ---- the output folder: --out is tmp_path/out, beside the config folder (issue 27, section 6) ------------------
def link(name: str, to: str, folder: bool = False) -> Callable[[Path], None]:
    def edit(d: Path) -> None:
        if folder:
            (d.parent / to).mkdir()
        (d.parent / name).symlink_to(d.parent / to)

    return edit


for name, edit, expect in [
    ("out a link to a folder", link("out", "real", folder=True), ("--out", "out: is a symbolic link (to", "real)")),
    ("out a dangling link", link("out", "nowhere"), ("--out", "out: is a symbolic link (to", "nowhere)")),
    ("lock a dangling link", link(".out.lock", "made-by-ailm"), ("its lock file", ".out.lock is a symbolic link")),
]:
    CASES.append(Case("out", name, edit, expect))


# ---- the command line ---------------------------------------------------------------------------------------
for name, args, expect in [
    ("as-of not a date", ("--as-of", "yesterday"), ("--as-of 'yesterday': not an ISO date",)),
    ("as-of month 13", ("--as-of", "2026-13-01"), ("--as-of '2026-13-01'",)),
    ("fail-on unknown", ("--fail-on", "severe"), ("--fail-on",)),
    ("evaluator unknown", ("--evaluator", "magic"), ("--evaluator",)),
    ("opa without url", ("--evaluator", "opa"), ("the opa evaluator needs a server", "--opa-url")),
    ("opa url without scheme", ("--evaluator", "opa", "--opa-url", "opa:8181"), ("expected http://host:port",)),
    ("opa mode unknown", ("--evaluator", "opa", "--opa-mode", "push"), ("--opa-mode",)),
    ("unknown option", ("--formats", "json"), ("No such option '--formats'",)),
]:
    CASES.append(Case("cli", name, lambda d: None, expect, args))

# ---- the history's witness (a head file kept outside the history; "{dir}" in args is the config's folder) ---
_HEAD = '{{"schema": "ailm.history-head/v1", "seq": {seq}, "entry_sha256": "{sha}"}}'
for name, edit, args, expect in [
    ("witness is a folder", lambda d: None, ("--witness", "{dir}"), ("--witness {dir}: is a folder",)),
    ("witness's folder missing", lambda d: None, ("--witness", "{dir}/nowhere/head.json"), ("does not exist",)),
    ("witness with no history", lambda d: None, ("--no-history", "--witness", "{dir}/head.json"), ("cannot be used with --no-history",)),
    ("witness not JSON", write("head.json", "{seq: 3"), ("--witness", "{dir}/head.json"), ("witness {dir}/head.json: not JSON",)),
    ("witness seq a string", write("head.json", _HEAD.format(seq='"3"', sha="a" * 64)), ("--witness", "{dir}/head.json"), ("seq must be a whole number",)),
    ("witness digest short", write("head.json", _HEAD.format(seq=1, sha="abc")), ("--witness", "{dir}/head.json"), ("entry_sha256 64 hex characters",)),
    ("witness of another kind", write("head.json", '{"schema": "other"}'), ("--witness", "{dir}/head.json"), ("neither an attestation nor a history head file",)),
    ("witness gives seq twice", write("head.json", '{"schema": "ailm.history-head/v1", "seq": 9, "seq": 0, "entry_sha256": ""}'),
     ("--witness", "{dir}/head.json"), ("duplicate key 'seq' at line 1",)),
    ("history rolled back behind its witness", write("head.json", _HEAD.format(seq=3, sha="a" * 64)), ("--witness", "{dir}/head.json"),
     ("saw entry 3, the history ends at entry 0: it was rolled back or wiped", "nothing is appended")),
]:  # fmt: skip
    CASES.append(Case("history", name, edit, expect, args))


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 150, len(CASES)
    assert len({(c.cls, c.name) for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.cls}: {c.name}" for c in CASES])
def test_bad_input_is_one_clear_message_exit_2_and_no_report(
    case: Case, demo_copy: Path, tmp_path: Path, run_cli
) -> None:
    case.edit(demo_copy)
    out = tmp_path / "out"
    args = ("audit", "--config", demo_copy / CFG, "--out", out, "--no-sign", "--as-of", "2026-11-23")
    extra = [a.format(dir=demo_copy) if isinstance(a, str) else a for a in case.args]
    res = run_cli(*args, *(("--format", "json") if case.cli_format else ()), *extra)
    flat = " ".join(res.err.split())
    assert res.code == 2, (res.code, res.out[-500:], res.err)
    assert res.err.startswith("ailm: error: "), res.err
    assert "Traceback" not in res.err and "Stack backtrace" not in res.err and "internal error" not in res.err
    for fragment in case.expect:
        fragment = fragment.format(cfg=demo_copy / CFG, manifest=demo_copy / MAN, dir=demo_copy)
        assert fragment in flat, (fragment, flat)
    assert not (out / "report.json").exists()  # nothing passed, nothing was reported as if it had
