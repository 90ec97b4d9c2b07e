"""Typed schemas of the declared facts a manifest holds, one per role the built-in controls read.

A fact of the wrong type (``retention_days: "90"``, ``approved_at: last monday``, ``success_metrics: text``)
is an error with the manifest's file, line and field when the manifest is read, before any control could
misread it. Every field is optional here (a control reports what is missing, by name); fields the schemas do
not know are kept as written, so an organisation's own controls can read facts of their own. Dates are text
(``2026-10-01`` or an RFC 3339 time), kept as written so they hash the same after a JSON round trip.
``ailm schema`` writes the JSON Schema (evidence/schema/declared-facts.schema.json).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, StrictBool, StrictFloat, StrictInt, StrictStr

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2}))?$")


def _date(text: str) -> str:
    if not _DATE.match(text):
        raise ValueError("a date (YYYY-MM-DD) or an RFC 3339 time (2026-10-01T09:00:00Z) is required")
    try:
        if len(text) == 10:
            date.fromisoformat(text)
        else:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"not a day that exists: {exc}") from None
    return text


Date = Annotated[StrictStr, AfterValidator(_date)]

_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


def _sha256(text: str) -> str:
    from ailm.evidence.documents import is_placeholder

    if not _SHA256.match(text) and not is_placeholder(text):  # a placeholder ("tbd") is the control's finding
        raise ValueError(f"a sha256 is 64 hexadecimal characters, not {text[:80]!r}")
    return text


Sha256 = Annotated[StrictStr, AfterValidator(_sha256)]
Number = StrictInt | StrictFloat
Text = StrictStr
Flag = StrictBool
Words = list[StrictStr]


class _Fact(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class Inventory(_Fact):
    inventory_id: Text | None = None
    owner: Text | None = None
    risk_tier: Text | None = None
    ai_act_class: Text | None = None
    ai_act_rationale: Text | None = None
    annex_iii_category: Text | None = None
    annex_i_legislation: Text | None = None
    model_type: Text | None = None
    from_scratch: Flag | None = None
    general_purpose: Flag | None = None
    uses_prompts: Flag | None = None  # false: an application that serves no prompt (GEN-006 not applicable)
    uses_retrieval: Flag | None = None  # true: a RAG application (GEN-007)


class AiPolicy(_Fact):
    approved_by: Text | None = None
    approved_at: Date | None = None
    reviewed_at: Date | None = None
    qms_procedures: dict[str, Text] | None = None


class Acceptance(_Fact):
    signed_by: Text | None = None
    signed_at: Date | None = None


class Risk(_Fact):
    id: Text | None = None
    title: Text | None = None
    likelihood: Number | Text | None = None
    severity: Number | Text | None = None
    treatment: Text | None = None
    owner: Text | None = None
    residual: Number | None = None
    acceptance: Acceptance | None = None


class RiskRegister(_Fact):
    assessed_at: Date | None = None
    appetite: Number | None = None
    risks: list[Risk] | None = None


class Fria(_Fact):
    completed_at: Date | None = None
    uri: Text | None = None


class ImpactAssessment(_Fact):
    affected_groups: Words | None = None
    impacts: Words | Text | None = None
    fria: Fria | None = None


class Metric(_Fact):
    metric: Text | None = None
    threshold: Number | None = None
    direction: Literal["min", "max"] | None = None
    defined_at: Date | None = None


class GenTask(_Fact):
    task: Text | None = None
    metric: Text | None = None
    threshold: Number | None = None
    direction: Literal["min", "max"] | None = None
    groundedness: Flag | None = None  # the task measures groundedness or hallucination (GEN-007)


class Feasibility(_Fact):
    decision: Text | None = None
    decided_at: Date | None = None


class Baseline(_Fact):
    metric: Text | None = None
    value: Number | None = None
    description: Text | None = None


class Plan(_Fact):
    business_objective: Text | None = None
    intended_purpose: Text | None = None
    foreseeable_misuse: Words | None = None
    out_of_scope: Words | None = None
    sensitive_features: Words | None = None
    feasibility: Feasibility | None = None
    design_choices: Text | None = None
    baseline: Baseline | None = None
    success_metrics: list[Metric] | None = None
    feature_justifications: dict[str, Text] | None = None
    reference_population: dict[str, dict[str, Number]] | None = None
    gen_tasks: list[GenTask] | None = None
    red_team_families: Words | None = None  # garak probe families every red-team run must include (GEN-002)


class Logging(_Fact):
    fields: Words | None = None
    retention_days: Number | None = None
    append_only: Flag | None = None


class Deployment(_Fact):
    environment: Text | None = None
    endpoint: Text | None = None
    logging: Logging | None = None
    approved_by: Text | None = None
    approved_at: Date | None = None
    artifact_digest: Text | None = None
    public_service: Flag | None = None


class Oversight(_Fact):
    role: Text | None = None
    override_enabled: Flag | None = None
    stop_enabled: Flag | None = None
    last_drill_at: Date | None = None


class Security(_Fact):
    auth: Flag | None = None
    tls: Flag | None = None
    encryption_at_rest: Flag | None = None
    artifact_signed: Flag | None = None
    plaintext_secrets: Number | None = None
    critical_cves: Number | None = None
    scanned_at: Date | None = None


class Change(_Fact):
    changelog: Text | None = None
    substantial_modification: Flag | None = None
    conformity_assessment: Text | None = None
    rollback_target: Text | None = None
    previous_version: Text | Number | None = None
    previous_metrics: dict[str, Number] | None = None


class InstructionsForUse(_Fact):
    metrics: dict[str, Number] | None = None
    per_group_performance: dict[str, Any] | None = None
    limitations: Words | None = None
    expected_lifetime_months: Number | None = None


class Incident(_Fact):
    id: Text | None = None
    severity: Text | None = None
    root_cause: Text | None = None
    corrective_action: Text | None = None
    serious: Flag | None = None
    regulator_reference: Text | None = None


class Incidents(_Fact):
    items: list[Incident] | None = None


class Criterion(_Fact):
    metric: Text | None = None
    operator: Literal["<", "<=", ">", ">="] | None = None
    threshold: Number | None = None
    windows: Number | None = None


class Decommission(_Fact):
    replicas: Number | None = None
    routes_removed: Flag | None = None
    keys_revoked: Flag | None = None
    jobs_deleted: Flag | None = None
    consumers_notified: Flag | None = None
    last_log_at: Date | None = None


class LessonsLearned(_Fact):
    completed_at: Date | None = None
    uri: Text | None = None
    risk_register_ref: Text | None = None


class Retirement(_Fact):
    status: Literal["active", "suspended", "retiring", "retired"] | None = None
    expected_lifetime_months: Number | None = None
    retirement_criteria: list[Criterion] | None = None
    retired_at: Date | None = None
    successor: Text | None = None  # the model (or version) that took over, e.g. "adult-income@champion"
    decommission: Decommission | None = None
    lessons_learned: LessonsLearned | None = None


class Review(_Fact):
    reviewer: Text | None = None
    role: Text | None = None
    decision: Literal["accepted", "accepted_with_conditions", "rejected"] | None = None
    reviewed_at: Date | None = None
    audit_id: Text | None = None  # the audit reviewed (its report names it)
    conditions: Text | None = None
    comment: Text | None = None


class AuditReview(_Fact):
    """Who reviewed an audit of this system and what they decided: the report's attestation of review."""

    reviews: list[Review] | None = None


class Alert(_Fact):
    id: Text | None = None
    state: Text | None = None
    opened_at: Date | None = None
    incident: Text | None = None


class Monitoring(_Fact):
    cadence_days: Number | None = None
    alert_owner: Text | None = None
    last_run_at: Date | None = None
    thresholds: dict[str, Any] | None = None
    open_alerts: list[Alert] | None = None


class FairnessWindow(_Fact):
    demographic_parity_ratio: Number | None = None
    demographic_parity_difference: Number | None = None
    equalized_odds_difference: Number | None = None
    min_group_n: Number | None = None


class Window(_Fact):
    end: Date | None = None
    metrics: dict[str, Number] | None = None
    fairness: dict[str, FairnessWindow] | None = None


class Production(_Fact):
    windows: list[Window] | None = None


class RobustnessResult(_Fact):
    perturbation: Text | None = None
    value: Number | None = None


class Robustness(_Fact):
    suite: Text | None = None
    ran_at: Date | None = None
    metric: Text | None = None
    clean: Number | None = None
    results: list[RobustnessResult] | None = None
    model_version: Text | None = None


class TestReport(_Fact):
    uri: Text | None = None
    sha256: Sha256 | None = None
    signed_by: Text | None = None
    signature: Text | None = None


class AnnexSection(_Fact):
    uri: Text | None = None
    sha256: Sha256 | None = None


class TechnicalDocumentation(_Fact):
    annex_iv: dict[str, AnnexSection | Text] | None = None  # section "1".."9" -> a document, or {uri, sha256}
    test_reports: list[TestReport] | None = None


class Validation(_Fact):
    validated_at: Date | None = None


class ArchiveItem(_Fact):
    kind: Text | None = None
    retain_until: Date | None = None
    sha256: Text | None = None


class Archive(_Fact):
    items: list[ArchiveItem] | None = None


class Component(_Fact):
    name: Text | None = None
    licence: Text | None = None
    supplier: Text | None = None
    supplier_review_at: Date | None = None


class ThirdParty(_Fact):
    components: list[Component] | None = None


class BaseModelFacts(Component):
    revision: Text | None = None
    source: Text | None = None
    licence_permits_use: Flag | None = None


class GenResult(_Fact):
    task: Text | None = None
    metric: Text | None = None
    value: Number | None = None
    stderr: Number | None = None
    samples: StrictInt | None = None


class GenEval(_Fact):
    harness: Text | None = None
    harness_version: Text | None = None
    ran_at: Date | None = None
    results: list[GenResult] | None = None


class RedTeamFinding(_Fact):
    id: Text | None = None
    severity: Text | None = None
    status: Text | None = None


class RedTeam(_Fact):
    ran_at: Date | None = None
    method: Text | None = None
    categories: Words | None = None
    findings: list[RedTeamFinding] | None = None


class GenSource(_Fact):
    name: Text | None = None
    licence: Text | None = None


class GenData(_Fact):
    summary_uri: Text | None = None
    copyright_policy_uri: Text | None = None
    opt_outs_honoured: Flag | None = None
    sources: list[GenSource] | None = None
    summary_published_at: Date | None = None


class RetrievalSource(_Fact):
    name: Text | None = None
    owner: Text | None = None
    reviewed_at: Date | None = None


class Retrieval(_Fact):
    sources: list[RetrievalSource] | None = None


class GuardrailFilter(_Fact):
    name: Text | None = None
    applies_to: Literal["input", "output"] | None = None
    threshold: Number | None = None
    rule: Text | None = None
    enabled: Flag | None = None
    tested_at: Date | None = None


class Guardrails(_Fact):
    filters: list[GuardrailFilter] | None = None


class ContentMarking(_Fact):
    method: Literal["c2pa", "watermark", "metadata"] | None = None
    checked_at: Date | None = None


class Transparency(_Fact):
    ai_disclosure: Flag | None = None
    disclosure_text: Text | None = None
    shown_at: Text | None = None
    generates_content: Flag | None = None
    content_marking: ContentMarking | None = None


class Gpai(_Fact):
    technical_documentation_uri: Text | None = None
    downstream_information_uri: Text | None = None
    updated_at: Date | None = None


class PrepStep(_Fact):
    step: Text | None = None
    tool: Text | None = None
    version: Text | None = None


class Labels(_Fact):
    guidelines_uri: Text | None = None
    kappa: Number | None = None


class Consent(_Fact):
    column: Text | None = None
    valid_values: list[Text | Number | Flag] | None = None


class SpecialCategory(_Fact):
    purpose: Text | None = None
    pseudonymised: Flag | None = None
    access_logged: Flag | None = None
    delete_by: Date | None = None


class DatasetFacts(_Fact):
    """The facts of one dataset under ``datasets:`` (role ``ds_facts``)."""

    uri: Text | None = None
    raw: Flag | None = None
    derived_from: Text | Words | None = None
    collection_method: Text | None = None
    personal_data: Flag | None = None
    purpose: Text | None = None
    licence: Text | None = None
    third_party: Flag | None = None
    supplier: Text | None = None
    supplier_review_at: Date | None = None
    prep_steps: list[PrepStep] | None = None
    labels: Labels | None = None
    lawful_basis: Text | None = None
    pseudonymised: Flag | None = None
    consent: Consent | None = None
    special_category: SpecialCategory | None = None
    retention_until: Date | None = None
    retention_basis: Text | None = None
    deleted_at: Date | None = None
    deletion_record: Text | None = None


ROLES: dict[str, type[_Fact]] = {
    "inventory": Inventory,
    "ai_policy": AiPolicy,
    "risk_register": RiskRegister,
    "impact_assessment": ImpactAssessment,
    "plan": Plan,
    "deployment": Deployment,
    "oversight": Oversight,
    "security": Security,
    "change": Change,
    "instructions_for_use": InstructionsForUse,
    "incidents": Incidents,
    "retirement": Retirement,
    "audit_review": AuditReview,
    "monitoring": Monitoring,
    "production": Production,
    "robustness": Robustness,
    "technical_documentation": TechnicalDocumentation,
    "validation": Validation,
    "archive": Archive,
    "third_party": ThirdParty,
    "base_model": BaseModelFacts,
    "gen_eval": GenEval,
    "red_team": RedTeam,
    "gen_data": GenData,
    "retrieval": Retrieval,
    "guardrails": Guardrails,
    "transparency": Transparency,
    "gpai": Gpai,
}


def json_schema() -> dict[str, Any]:
    """One JSON Schema: each role's data under properties, and the facts of a dataset."""
    defs: dict[str, Any] = {}
    props: dict[str, Any] = {}
    models: list[tuple[str, type[_Fact]]] = [*ROLES.items(), ("datasets[].data", DatasetFacts)]
    for role, model in models:
        schema = model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(schema.pop("$defs", {}))
        props[role] = schema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ailm declared facts",
        "description": __doc__.strip().splitlines()[0],
        "type": "object",
        "properties": props,
        "$defs": defs,
    }
