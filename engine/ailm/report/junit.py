"""report.junit.xml: one test suite per subject, one test case per control.

Whether a case fails is the gate's decision (``AuditResult.is_blocking``), never this file's: a failing
control at or above ``fail_on`` is a ``<failure>``, which CI systems count as a failed test. A failing
control below ``fail_on`` (a medium finding under ``fail_on: high``) does not block, so it is not a
``<failure>``: it is ``<skipped>`` with a message that starts "fails, not blocking", and the findings in
``<system-out>``, so that a CI view shows it apart from the passes without failing the job. A warning that
does not block passes, with its findings in ``<system-out>``. Errors are ``<error>``; not applicable and
waived are ``<skipped>``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from ailm.plugins import Plugin
from ailm.report.base import RenderContext
from ailm.result import AuditResult, ControlResult, Status


def _text(r: ControlResult) -> str:
    lines = [
        f"{f.level}: {f.message}" + (f" [evidence: {', '.join(f.evidence)}]" if f.evidence else "") for f in r.findings
    ]
    lines.append(f"remediation: {r.remediation}")
    lines.append(f"policy: {r.policy_file}")
    return "\n".join(lines)


def junit_document(result: AuditResult) -> ET.Element:
    by_subject: dict[str, list[ControlResult]] = defaultdict(list)
    for r in result.results:
        by_subject[r.subject].append(r)
    root = ET.Element("testsuites", name=f"ailm: {result.name}")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for subject, rows in by_subject.items():
        counts = {"tests": len(rows), "failures": 0, "errors": 0, "skipped": 0}
        suite = ET.SubElement(root, "testsuite", name=subject, timestamp=result.generated_at.isoformat())
        props = ET.SubElement(suite, "properties")
        for name, value in (
            ("as_of", result.as_of.isoformat()),
            ("fail_on", result.fail_on),
            ("evidence_sha256", result.evidence_sha256),
            ("policy_sha256", result.policy_sha256),
        ):
            ET.SubElement(props, "property", name=name, value=value)
        for r in rows:
            case = ET.SubElement(suite, "testcase", classname=f"ailm.{r.stage}", name=f"{r.control} {r.title}")
            first = r.findings[0].message if r.findings else ""
            if result.is_blocking(r):
                ET.SubElement(case, "failure", message=first, type=r.severity.value).text = _text(r)
                counts["failures"] += 1
            elif r.status is Status.FAIL:
                note = f"fails, not blocking ({r.severity.value}, below fail-on {result.fail_on}): {first}"
                ET.SubElement(case, "skipped", message=note)
                ET.SubElement(case, "system-out").text = _text(r)
                counts["skipped"] += 1
            elif r.status is Status.ERROR:
                ET.SubElement(case, "error", message=first, type="error").text = _text(r)
                counts["errors"] += 1
            elif r.status is Status.NOT_APPLICABLE:
                ET.SubElement(case, "skipped", message=f"not applicable: {first}")
                counts["skipped"] += 1
            elif r.status is Status.WAIVED:
                assert r.waiver is not None
                w = r.waiver
                ET.SubElement(
                    case,
                    "skipped",
                    message=f"waived until {w.expires.date().isoformat()} by {w.approver} ({w.ticket}): {first}",
                )
                counts["skipped"] += 1
            elif r.status is Status.WARN:
                ET.SubElement(case, "system-out").text = _text(r)
        for k, v in counts.items():
            suite.set(k, str(v))
            totals[k] += v
    for k, v in totals.items():
        root.set(k, str(v))
    return root


class JunitRenderer:
    def render(self, result: AuditResult, ctx: RenderContext) -> bytes:
        root = junit_document(result)
        ET.indent(root)
        data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
        return data + b"\n"


plugin = Plugin(
    kind="format",
    name="junit",
    summary="one test case per control and subject, for CI test views",
    build=lambda _settings: JunitRenderer(),
    filename="report.junit.xml",
)
