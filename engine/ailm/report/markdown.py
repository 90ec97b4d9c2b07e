"""report.md: a short summary fit for a pull-request comment or a CI step summary."""

from __future__ import annotations

import html

from ailm.plugins import Plugin
from ailm.policy import crosswalk
from ailm.report.base import RenderContext
from ailm.report.html import STATUS_LABEL, attention
from ailm.result import AuditResult, Status

VERDICT = {"compliant": "Compliant", "non_compliant": "Not compliant", "no_verdict": "No verdict"}
ICON = {"compliant": ":white_check_mark:", "non_compliant": ":x:", "no_verdict": ":warning:"}


def _cell(text: str) -> str:
    """Text from evidence as Markdown renders it: HTML escaped (GitHub renders raw HTML in summaries and
    comments), pipes escaped, on one line."""
    return " ".join(html.escape(text, quote=False).replace("|", "\\|").split())


def _code(text: str) -> str:
    """An identifier as inline code; a backtick in it would end the span early, so there is none."""
    return "`" + " ".join(text.replace("`", "'").split()) + "`"


def render_markdown(result: AuditResult, *, limit: int = 20) -> str:
    gate = result.gate()
    counts = result.counts()
    lines = [
        f"## {ICON[gate.verdict]} ailm audit: {_cell(result.name)}: {VERDICT[gate.verdict]}",
        "",
        f"**Gate:** exit code {gate.exit_code}: {_cell(gate.reason)} (fail on `{result.fail_on}` and above). "
        f"As of {result.as_of.date().isoformat()}; {len(result.subjects)} model version(s), "
        f"{result.evidence_count} evidence records.",
        "",
        "| " + " | ".join(STATUS_LABEL[s] for s in Status) + " |",
        "|" + "---|" * len(Status),
        "| " + " | ".join(str(counts[s.value]) for s in Status) + " |",
        "",
    ]
    todo = attention(result)
    if todo:
        lines += ["| Control | Severity | Status | Subject | Finding |", "|---|---|---|---|---|"]
        for r in todo[:limit]:
            first = r.findings[0].message if r.findings else ""
            lines.append(
                f"| **{r.control}** {_cell(r.title)} | {r.severity.value} | {STATUS_LABEL[r.status]} | "
                f"{_code(r.subject)} | {_cell(first)} |"
            )
        if len(todo) > limit:
            lines.append(f"\n... and {len(todo) - limit} more in the full report.")
        lines.append("")
    waived = [r for r in result.results if r.status is Status.WAIVED and r.waiver is not None]
    if waived:
        lines.append("**Waived** (not passed):")
        for r in waived:
            assert r.waiver is not None
            lines.append(
                f"- **{r.control}** on {_code(r.subject)}: {_cell(r.waiver.ticket)}, "
                f"approved by {_cell(r.waiver.approver)}, until {r.waiver.expires.date().isoformat()}"
            )
        lines.append("")
    if result.upcoming:  # one line: a pull-request comment stays short; the reports have the causes
        soon = [f"**{u['control']}** by {u['by']}" for u in result.upcoming[:6]]
        more = f" and {len(result.upcoming) - 6} more" if len(result.upcoming) > 6 else ""
        lines += [f"**Will fail unless renewed:** {', '.join(soon)}{more} (causes in the HTML report).", ""]
    if result.changes:
        from ailm.history.diff import render_markdown as changes_markdown

        lines += [changes_markdown(result.changes, heading="####"), ""]
    errored = result.errored()
    if errored:
        lines.append("**Errors** (no decision, so no verdict):")
        lines += [
            f"- **{r.control}** on {_code(r.subject)}: {_cell(r.findings[0].message)}" for r in errored if r.findings
        ]
        lines.append("")
    lines += ["| Framework | Covered | Failing items |", "|---|---|---|"]
    for fw in crosswalk.build(result.results):
        failing = [i.ref for i in fw.items if i.outcome in ("fail", "error")]
        lines.append(f"| {fw.title} | {fw.covered} of {fw.total} | {_cell(', '.join(failing)) or 'none'} |")
    lines.append("")
    lines.append(
        f"<sub>ailm {result.ailm_version} · evidence set `{result.evidence_sha256[:12]}` · "
        f"policy set `{result.policy_sha256[:12]}` · audit `{result.audit_id}`</sub>"
    )
    return "\n".join(lines) + "\n"


class MarkdownRenderer:
    def render(self, result: AuditResult, ctx: RenderContext) -> bytes:
        return render_markdown(result).encode("utf-8")


plugin = Plugin(
    kind="format",
    name="markdown",
    summary="a short summary for pull requests and CI step summaries",
    build=lambda _settings: MarkdownRenderer(),
    filename="report.md",
)
