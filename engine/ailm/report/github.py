"""github: workflow commands (annotations) for GitHub Actions, printed on stdout.

The Markdown summary goes to ``$GITHUB_STEP_SUMMARY`` when it is set (see ailm.audit.publish).
"""

from __future__ import annotations

from ailm.plugins import Plugin
from ailm.report.base import RenderContext
from ailm.report.sarif import artifact_uri
from ailm.result import AuditResult, Status

COMMAND = {Status.FAIL: "error", Status.ERROR: "error", Status.WARN: "warning", Status.WAIVED: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_commands(result: AuditResult) -> str:
    uris = {e.id: e.uri for e in result.evidence_index}
    lines = []
    for r in result.results:
        command = COMMAND.get(r.status)
        if r.status is Status.FAIL and not result.is_blocking(r):
            command = "warning"  # fails, below fail_on: shown, but not as an error that fails the check
        if command is None:
            continue
        for f in r.findings:
            paths = [artifact_uri(uris[e]) for e in (f.evidence or r.evidence) if uris.get(e, "").startswith("file://")]
            inside = [p for p in paths if not p.startswith("file://")]  # GitHub resolves workspace paths only
            where = f"file={_prop(inside[0])}," if inside else ""
            prefix = "waived: " if r.status is Status.WAIVED else ""
            title = _prop(f"{r.control} ({r.severity.value}) {r.title}")
            lines.append(f"::{command} {where}title={title}::{_data(f'{prefix}{r.subject}: {f.message}')}")
    gate = result.gate()
    lines.append(f"::notice title=ailm gate::{_data(f'exit code {gate.exit_code}: {gate.reason}')}")
    return "\n".join(lines) + "\n"


class GithubRenderer:
    def render(self, result: AuditResult, ctx: RenderContext) -> bytes:
        return workflow_commands(result).encode("utf-8")


plugin = Plugin(
    kind="format",
    name="github",
    summary="GitHub Actions workflow commands (annotations) on standard output",
    build=lambda _settings: GithubRenderer(),
    filename=None,
)
