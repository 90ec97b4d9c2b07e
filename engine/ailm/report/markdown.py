"""report.md: a short summary fit for a pull-request comment or a CI step summary."""

from __future__ import annotations

import html
import re
from typing import Any

from ailm.plugins import Plugin
from ailm.policy import crosswalk
from ailm.report.base import RenderContext
from ailm.report.html import STATUS_LABEL, attention
from ailm.result import AuditResult, Status

VERDICT = {"compliant": "Compliant", "non_compliant": "Not compliant", "no_verdict": "No verdict"}
ICON = {"compliant": ":white_check_mark:", "non_compliant": ":x:", "no_verdict": ":warning:"}


_MARKUP = re.compile(r"([\\`*_\[\]!|~$])")  # what may open a span, link, image, table cell or math


def _cell(text: str) -> str:
    """Text from evidence as Markdown renders it, on one line: every character that could start Markdown of its own
    (a code span, emphasis, a link or an image, a table cell, math) backslash-escaped, and HTML escaped (GitHub
    renders raw HTML in summaries and comments)."""
    return " ".join(html.escape(_MARKUP.sub(r"\\\1", text), quote=False).split())


def _code(text: str, *, table: bool = False) -> str:
    """Text as inline code, exactly: fenced by one backtick more than its longest run of them (a backtick inside
    never ends the span), padded when it starts or ends with one; inside a code span HTML is not HTML. In a table,
    a pipe is escaped (GitHub's tables split cells before reading spans)."""
    text = " ".join(text.split()) or " "
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    if table:
        text = text.replace("|", "\\|")
    return f"{fence}{pad}{text}{pad}{fence}"


def changes_markdown(d: dict[str, Any], heading: str = "####") -> str:
    """What changed since the previous audit (as ``ailm diff`` prints it), every recorded string escaped."""
    lines = [
        f"{heading} Changes since audit {_code(str(d['from']['audit_id'])[:8])} "
        f"(as of {_cell(str(d['from']['as_of'])[:10])})",
        "",
        f"{len(d['new_failures'])} new failure(s), {len(d['fixed'])} fixed, {len(d['changed'])} other change(s).",
        "",
    ]
    rows = [*d["new_failures"], *d["fixed"], *d["changed"], *d["evidence_changed"]]
    if rows:
        lines += ["| Control | Subject | Was | Now | Why |", "|---|---|---|---|---|"]
        lines += [f"| {_cell(str(c['control']))} | {_code(str(c['subject']), table=True)} | "
                  f"{_cell(str(c['from'] or 'absent'))} | {_cell(str(c['to'] or 'absent'))} | "
                  f"{_cell('; '.join(map(str, c['why'])))} |" for c in rows]  # fmt: skip
    for title, key in (("New subjects", "new_subjects"), ("Removed subjects", "removed_subjects")):
        if d[key]:
            lines += ["", f"{title}: " + ", ".join(_code(str(s)) for s in d[key])]
    return "\n".join(lines) + "\n"


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
                f"{_code(r.subject, table=True)} | {_cell(first)} |"
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
        lines += [changes_markdown(result.changes), ""]
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
