"""report.sarif: SARIF 2.1.0 for code-scanning UIs. Each control is a rule, each finding a result.

Passing and not-applicable controls are kept as results of kind ``pass`` / ``notApplicable`` so the file
is a complete record; waived findings carry an external suppression with the waiver's justification.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ailm.canonical import sha256_json
from ailm.plugins import Plugin
from ailm.policy.metadata import Severity
from ailm.report.base import RenderContext
from ailm.result import AuditResult, ControlResult, Status

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0"}


def artifact_uri(uri: str, base: Path | None = None) -> str:
    """A file URI inside the working folder becomes a relative path, as code-scanning UIs expect."""
    if uri.startswith("file://"):
        path = Path(uri.removeprefix("file://"))
        try:
            return path.relative_to(base or Path.cwd()).as_posix()
        except ValueError:
            return uri
    return uri


def _rule(r: ControlResult) -> dict[str, Any]:
    mappings = (
        [f"EU AI Act {a}" for a in r.frameworks.eu_ai_act]
        + [f"NIST AI RMF {s}" for s in r.frameworks.nist_ai_rmf]
        + [f"ISO/IEC 42001 {c}" for c in r.frameworks.iso_42001]
    )
    return {
        "id": r.control,
        "name": r.control.replace("-", ""),
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": r.description},
        "help": {
            "text": f"Remediation: {r.remediation}\nMappings: {'; '.join(mappings)}",
            "markdown": f"**Remediation:** {r.remediation}\n\n**Mappings:** {'; '.join(mappings)}",
        },
        "defaultConfiguration": {"level": LEVEL[r.severity]},
        "properties": {
            "tags": ["ai-governance", r.stage, r.severity.value, *mappings],
            "security-severity": SECURITY_SEVERITY[r.severity],
            "precision": "high",
        },
    }


def _location(r: ControlResult, evidence_uris: list[str]) -> dict[str, Any]:
    files = [u for u in evidence_uris if u.startswith("file://")]
    uri = artifact_uri(files[0]) if files else r.policy_file
    return {
        "physicalLocation": {"artifactLocation": {"uri": uri}},
        "logicalLocations": [{"fullyQualifiedName": r.subject, "kind": "module"}],
    }


def _results(r: ControlResult, index: int, uris: dict[str, str], blocking: bool) -> list[dict[str, Any]]:
    out = []
    if r.status in (Status.PASS, Status.NOT_APPLICABLE):
        kind = "pass" if r.status is Status.PASS else "notApplicable"
        text = r.findings[0].message if r.findings else "all conditions hold"
        loc = _location(r, [uris[e] for e in r.evidence if e in uris])
        return [{"ruleId": r.control, "ruleIndex": index, "kind": kind, "level": "none",
                 "message": {"text": f"{r.subject}: {text}"}, "locations": [loc]}]  # fmt: skip
    for f in r.findings:
        # the gate decides: a deny that blocks is an error, one below fail_on at most a warning
        level = "error" if f.level == "error" or (blocking and f.level == "deny") else "warning"
        if f.level == "deny" and not blocking and LEVEL[r.severity] == "note":
            level = "note"
        ev = f.evidence or r.evidence
        result: dict[str, Any] = {
            "ruleId": r.control,
            "ruleIndex": index,
            "kind": "fail",
            "level": level,
            "message": {"text": f"{r.subject}: {f.message}"},
            "locations": [_location(r, [uris[e] for e in ev if e in uris])],
            "partialFingerprints": {"ailmFinding/v1": sha256_json([r.control, r.subject, f.message])},
            "properties": {"status": r.status.value, "evidence": list(ev), "subject": r.subject},
        }
        if r.status is Status.WAIVED and r.waiver is not None:
            result["suppressions"] = [
                {
                    "kind": "external",
                    "status": "accepted",
                    "justification": f"{r.waiver.justification} (approved by {r.waiver.approver}, "
                    f"{r.waiver.ticket}, until {r.waiver.expires.date().isoformat()})",
                }
            ]
        out.append(result)
    return out


def sarif_document(result: AuditResult) -> dict[str, Any]:
    rules: dict[str, int] = {}
    rule_list: list[dict[str, Any]] = []
    for r in result.results:
        if r.control not in rules:
            rules[r.control] = len(rule_list)
            rule_list.append(_rule(r))
    uris = {e.id: e.uri for e in result.evidence_index}
    results = [x for r in result.results for x in _results(r, rules[r.control], uris, result.is_blocking(r))]
    gate = result.gate()
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ailm",
                        "version": result.ailm_version,
                        "rules": rule_list,
                    }
                },
                "automationDetails": {"id": f"ailm/{result.name}/{result.as_of.date().isoformat()}"},
                "invocations": [
                    {
                        "executionSuccessful": gate.exit_code != 2,
                        "exitCode": gate.exit_code,
                        "exitCodeDescription": gate.reason,
                        "toolExecutionNotifications": [
                            {
                                "level": "error",
                                "message": {"text": f"{r.control} on {r.subject}: {r.findings[0].message}"},
                            }
                            for r in result.errored()
                            if r.findings
                        ],
                    }
                ],
                "results": results,
                "properties": {
                    "auditId": result.audit_id,
                    "asOf": result.as_of.isoformat(),
                    "evidenceSha256": result.evidence_sha256,
                    "policySha256": result.policy_sha256,
                },
            }
        ],
    }


class SarifRenderer:
    def render(self, result: AuditResult, ctx: RenderContext) -> bytes:
        return (json.dumps(sarif_document(result), indent=2) + "\n").encode("utf-8")


plugin = Plugin(
    kind="format",
    name="sarif",
    summary="SARIF 2.1.0 for code-scanning views (GitHub, GitLab, Azure DevOps)",
    build=lambda _settings: SarifRenderer(),
    filename="report.sarif",
)
