"""The audit result: plain data that owns the gate. Renderers only read it."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import date
from enum import StrEnum
from typing import Any, Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from ailm.errors import EXIT_COMPLIANT, EXIT_NO_VERDICT, EXIT_NON_COMPLIANT
from ailm.evidence.model import Evidence
from ailm.policy.metadata import Frameworks, Severity

REPORT_ADDS: Final = ("gate", "counts", "fleet", "crosswalk", "result_sha256")  # what report.json derives from it
RESULT_SCHEMA: Final = "ailm.result/v2"  # v2: no top-level "errors" (an error is a control result)
_PLAIN = re.compile(r"[A-Za-z0-9_.=+-]{1,100}")


def folder_segment(text: str) -> str:
    """A name as one folder name, and two names never as the same one: a plain name (``A-Za-z0-9_.=+-``, not
    hidden, at most 100 characters) is itself; any other is its plain characters (the rest ``_``), cut to 80,
    then ``~`` and 12 hex digits of the name's sha256 (``a b`` is ``a_b~...``, never ``a_b``: no plain name holds
    ``~``)."""
    if _PLAIN.fullmatch(text) and not text.startswith("."):
        return text
    plain = re.sub(r"[^A-Za-z0-9_.=+-]", "_", text).lstrip(".")[:80]
    return f"{plain}~{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}"


def subject_folder(name: str, version: str | None) -> str:
    """Where a fleet audit writes one version's own reports: ``<model>/<version>``, each a :func:`folder_segment`."""
    return f"{folder_segment(name)}/{folder_segment(version or 'unversioned')}"


class Status(StrEnum):
    PASS = "pass"  # noqa: S105 - a status, not a password
    FAIL = "fail"
    WARN = "warn"
    WAIVED = "waived"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"


FailOn = Literal["critical", "high", "medium", "low", "warn"]
FAIL_ON_CHOICES: tuple[str, ...] = ("critical", "high", "medium", "low", "warn")


class FindingOut(BaseModel):
    model_config = ConfigDict(frozen=True)

    level: Literal["deny", "warn", "not_applicable", "error"]
    message: str
    evidence: list[str] = Field(default_factory=list)


class Waiver(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    control: str
    subject: str = Field(description="a subject id, or a glob such as model_version:adult-income/*")
    justification: str = Field(min_length=1)
    approver: str = Field(min_length=1)
    ticket: str = Field(min_length=1)
    expires: AwareDatetime


class RemediationPlan(BaseModel):
    """Who fixes a failing control, by when, under which ticket: the organisation's plan (``remediation:`` file)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    control: str
    subject: str = Field(default="*", description="a subject id, or a glob such as model_version:adult-income/*")
    owner: str = Field(min_length=1)
    due: date
    ticket: str = Field(min_length=1)
    note: str | None = None


class ControlResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    control: str
    title: str
    description: str
    severity: Severity
    stage: str
    subject: str
    status: Status
    findings: list[FindingOut]
    evidence: list[str] = Field(description="every evidence id the findings rest on, or that was in scope")
    remediation: str
    frameworks: Frameworks
    policy_file: str
    waiver: Waiver | None = None
    plan: RemediationPlan | None = Field(default=None, description="the organisation's remediation plan, if any")
    plan_overdue: bool = Field(default=False, description="the plan's due date is before the audit clock")


class SubjectSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    version: str | None
    input_sha256: str

    def folder(self) -> str:
        """Where a fleet audit writes this version's own reports: ``<model>/<version>``, safe as a path."""
        return subject_folder(self.name, self.version)


class EvidenceRef(BaseModel):
    """How a report names a piece of evidence: enough to find it in evidence.json and re-hash it."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: str
    subject: str
    source: str
    uri: str
    sha256: str
    declared_by: str | None = None
    expires: AwareDatetime | None = None

    @classmethod
    def of(cls, record: Evidence) -> EvidenceRef:
        return cls(
            id=record.id,
            kind=record.kind,
            subject=record.subject,
            source=f"{record.source.collector}: {record.source.uri}",
            uri=record.source.uri,
            sha256=record.sha256,
            declared_by=record.declared.asserted_by if record.declared else None,
            expires=record.declared.expires if record.declared else None,
        )


class Gate(BaseModel):
    model_config = ConfigDict(frozen=True)

    exit_code: int
    verdict: Literal["compliant", "non_compliant", "no_verdict"]
    reason: str


class AuditResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    schema_version: Literal["ailm.result/v2"] = RESULT_SCHEMA
    audit_id: str
    name: str
    as_of: AwareDatetime
    generated_at: AwareDatetime
    ailm_version: str
    evaluator: str
    fail_on: FailOn
    subjects: list[SubjectSummary]
    results: list[ControlResult]
    notes: list[str] = Field(default_factory=list, description="optional sources that could not be read")
    evidence_sha256: str
    evidence_count: int
    evidence_index: list[EvidenceRef]
    policy_sha256: str
    policy_files: list[dict[str, str]]
    upcoming: list[dict[str, Any]] = Field(
        default_factory=list,
        description="what passes now and will fail at a later clock on the same evidence (see horizon_days)",
    )
    changes: dict[str, Any] | None = Field(
        default=None, description="what changed since the previous audit of this config in the history"
    )
    thresholds: dict[str, Any] = Field(
        default_factory=dict, description="the thresholds the controls used (the library's, the config's over them)"
    )
    trends: dict[str, list[dict[str, Any]]] = Field(
        default_factory=dict,
        description="per subject, its points over the recorded audits of this config, oldest first, this one last",
    )

    def identity(self) -> dict[str, str]:
        """Which audit this is, as the attestation and the history record it."""
        return {
            "audit_id": self.audit_id,
            "name": self.name,
            "as_of": self.as_of.isoformat(),
            "generated_at": self.generated_at.isoformat(),
            "ailm_version": self.ailm_version,
            "evaluator": self.evaluator,
        }

    @classmethod
    def from_report(cls, doc: dict[str, Any]) -> AuditResult:
        """The result a report.json was rendered from (what the JSON format adds to it is left out)."""
        return cls.model_validate({k: v for k, v in doc.items() if k not in REPORT_ADDS})

    def result_sha256(self) -> str:
        """The digest of what the audit decided, from what: every result, finding, expiry, note, threshold and
        the evidence and policy-set digests. The same evidence, policies, thresholds, waivers and clock give the
        same digest; the audit id, the generation time and what the history adds (changes, trends) are outside
        it, so anyone re-running the audit can compare."""
        from ailm.canonical import sha256_json

        return sha256_json(self.model_dump(mode="json", exclude={"audit_id", "generated_at", "changes", "trends"}))

    def counts(self) -> dict[str, int]:
        c = Counter(r.status.value for r in self.results)
        return {s.value: c.get(s.value, 0) for s in Status}

    def fleet(self) -> dict[str, Any]:
        """The fleet summary: counts per status overall and per control, stage and severity, and the subjects
        worst first (no decision, then most blocking findings, then most failures)."""

        def tally(rows: list[ControlResult]) -> dict[str, int]:
            c = Counter(r.status.value for r in rows)
            return {s.value: c[s.value] for s in Status if c[s.value]}

        def group(key: Any) -> dict[str, dict[str, int]]:
            out: dict[str, list[ControlResult]] = {}
            for r in self.results:
                out.setdefault(key(r), []).append(r)
            return {k: tally(v) for k, v in sorted(out.items())}

        subjects: list[dict[str, Any]] = []
        for s in self.subjects:
            rows = [r for r in self.results if r.subject == s.id]
            blocking = [r for r in rows if self.is_blocking(r)]
            errors = sum(r.status is Status.ERROR for r in rows)
            verdict = "no_verdict" if errors or not rows else "non_compliant" if blocking else "compliant"
            subjects.append(
                {
                    "subject": s.id, "name": s.name, "version": s.version, "verdict": verdict, "counts": tally(rows),
                    "blocking": sorted({r.control for r in blocking}),
                    "worst": sorted(({"control": r.control, "severity": r.severity.value,
                                      "message": r.findings[0].message if r.findings else ""}
                                     for r in blocking), key=lambda w: -Severity(w["severity"]).rank)[:3],
                }
            )  # fmt: skip
        order = {"no_verdict": 0, "non_compliant": 1, "compliant": 2}
        subjects.sort(
            key=lambda x: (order[x["verdict"]], -len(x["blocking"]), -x["counts"].get("fail", 0), x["subject"])
        )
        return {
            "subjects": subjects,
            "verdicts": dict(Counter(x["verdict"] for x in subjects)),
            "per_control": group(lambda r: r.control),
            "per_stage": group(lambda r: r.stage),
            "per_severity": group(lambda r: r.severity.value),
        }

    def is_blocking(self, r: ControlResult) -> bool:
        """Whether this result fails the gate at the audit's ``fail_on`` (the one rule every format shows)."""
        if r.status is Status.FAIL:
            return self.fail_on == "warn" or r.severity.rank >= Severity(self.fail_on).rank
        return r.status is Status.WARN and self.fail_on == "warn"

    def blocking(self) -> list[ControlResult]:
        """Results that fail the gate at the configured ``fail_on``."""
        return [r for r in self.results if self.is_blocking(r)]

    def errored(self) -> list[ControlResult]:
        """Results with no decision: any one of them makes the gate give no verdict."""
        return [r for r in self.results if r.status is Status.ERROR]

    def gate(self) -> Gate:
        errored = self.errored()
        if errored:
            r = errored[0]
            what = f"{r.control} on {r.subject}: {r.findings[0].message if r.findings else 'error'}"
            return Gate(
                exit_code=EXIT_NO_VERDICT, verdict="no_verdict", reason=f"{len(errored)} error(s), first: {what}"
            )
        if not self.results:
            return Gate(exit_code=EXIT_NO_VERDICT, verdict="no_verdict", reason="no control was evaluated")
        blocking = self.blocking()
        if blocking:
            ids = sorted({r.control for r in blocking})
            return Gate(
                exit_code=EXIT_NON_COMPLIANT,
                verdict="non_compliant",
                reason=f"{len(blocking)} finding(s) at or above '{self.fail_on}': {', '.join(ids)}",
            )
        return Gate(exit_code=EXIT_COMPLIANT, verdict="compliant", reason=f"no finding at or above '{self.fail_on}'")
