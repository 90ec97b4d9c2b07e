"""report.html: what a compliance officer reads; the PDF is printed from the same page."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from typing import TYPE_CHECKING, Any

from ailm.errors import InputError
from ailm.plugins import Plugin
from ailm.policy import crosswalk
from ailm.policy.metadata import STAGES
from ailm.report.base import RenderContext
from ailm.result import AuditResult, ControlResult, Status

if TYPE_CHECKING:
    import jinja2

STATUS_ORDER = [Status.ERROR, Status.FAIL, Status.WARN, Status.WAIVED, Status.PASS, Status.NOT_APPLICABLE]
STATUS_LABEL = {
    Status.PASS: "Pass",
    Status.FAIL: "Fail",
    Status.WARN: "Warn",
    Status.WAIVED: "Waived",
    Status.NOT_APPLICABLE: "Not applicable",
    Status.ERROR: "Error",
}


def attention(result: AuditResult) -> list[ControlResult]:
    bad = [r for r in result.results if r.status in (Status.ERROR, Status.FAIL, Status.WARN)]
    return sorted(bad, key=lambda r: (STATUS_ORDER.index(r.status), -r.severity.rank, r.control, r.subject))


def measured(result: AuditResult, ctx: RenderContext) -> dict[str, dict[str, Any]]:
    """Per subject, the analysis records by analyzer, with their charts (SVG we drew, so marked safe)."""
    import markupsafe

    from ailm.report import charts

    out: dict[str, dict[str, Any]] = defaultdict(dict)
    for rec in ctx.evidence.records:
        if not rec.kind.startswith("analysis."):
            continue
        name = rec.kind.removeprefix("analysis.")
        res = rec.data["result"]
        svg: list[str] = []
        if name == "fairness":
            svg = [charts.group_rates(m) for m in res["features"] if m.get("groups")]
        elif name == "explanations":
            svg = [charts.shap_importance(res)]
        elif name == "drift":
            # the lines the controls decided by: this audit's thresholds, never the library's defaults
            warn, fail = result.thresholds.get("psi_warn"), result.thresholds.get("psi_fail")
            svg = [charts.drift_psi(res, _number(warn), _number(fail))]
        out[rec.subject][name] = {
            "record": rec,
            "result": res,
            "charts": [markupsafe.Markup(c) for c in svg],  # noqa: S704
        }
    return dict(out)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def lineage_pictures(result: AuditResult, ctx: RenderContext) -> dict[str, Any]:
    """Per subject, its lineage (upstream to raw data and downstream) as an SVG we drew, so marked safe."""
    import markupsafe

    from ailm.lineage.render import to_svg, view

    graph = ctx.graph
    return {
        s.id: markupsafe.Markup(to_svg(view(graph, s.id, "both")))  # noqa: S704 - labels are escaped in to_svg
        for s in result.subjects
        if graph.resolve(s.id) in graph.g
    }


def provenance(result: AuditResult) -> dict[str, Any]:
    """What the verdict rests on, by origin: measured by ailm, declared by people, read from registries and tools
    (counts, and which)."""
    by_origin: dict[str, list[Any]] = {"measured": [], "declared": [], "read": []}
    for e in result.evidence_index:
        origin = "measured" if e.kind.startswith("analysis.") else "declared" if e.declared_by else "read"
        by_origin[origin].append(e)
    measured, declared, read = by_origin["measured"], by_origin["declared"], by_origin["read"]
    return {
        "measured": (len(measured), sorted({e.kind.removeprefix("analysis.") for e in measured})),
        "declared": (len(declared), sorted({str(e.declared_by) for e in declared})),
        "read": (len(read), sorted({e.kind.split(".", 1)[0] for e in read})),
        "frameworks": [c.title for c in crosswalk.build(result.results)],
    }


REVIEW_ROLE = "audit_review"


def reviews(result: AuditResult, ctx: RenderContext) -> list[dict[str, Any]]:
    """The declared reviews of this system's audits (role ``audit_review``) of the subjects in this report, each with
    the evidence record it rests on; one dated after the audit clock is marked."""
    from ailm.evidence import ids

    subjects = {s.id for s in result.subjects} | {ids.model(s.name) for s in result.subjects}
    out = []
    for rec in ctx.evidence.records:
        if rec.role != REVIEW_ROLE or (rec.subject and rec.subject not in subjects):
            continue
        for v in rec.data.get("reviews") or []:
            if not isinstance(v, dict):
                continue
            when = str(v.get("reviewed_at") or "")
            fields = ("reviewer", "role", "decision", "reviewed_at", "audit_id", "conditions", "comment")
            out.append({**{k: v.get(k) for k in fields}, "evidence": rec.id, "sha256": rec.sha256,
                        "after_clock": bool(when) and when[:10] > result.as_of.date().isoformat()})  # fmt: skip
    return sorted(out, key=lambda v: str(v.get("reviewed_at") or ""), reverse=True)


def template_context(result: AuditResult, ctx: RenderContext) -> dict[str, Any]:
    by_subject: dict[str, dict[str, list[ControlResult]]] = defaultdict(lambda: defaultdict(list))
    for r in result.results:
        by_subject[r.subject][r.stage].append(r)
    stages = [s for s in STAGES if any(s in v for v in by_subject.values())]
    return {
        "r": result,
        "gate": result.gate(),
        "counts": result.counts(),
        "attention": attention(result),
        "by_subject": {k: dict(v) for k, v in by_subject.items()},
        "stages": stages,
        "labels": STATUS_LABEL,
        "evidence": {e.id: e for e in result.evidence_index},
        "measured": measured(result, ctx),
        "crosswalk": crosswalk.build(result.results),
        "lineage": lineage_pictures(result, ctx),
        "origin": provenance(result),
        "reviews": reviews(result, ctx),
    }


@cache
def _environment(folder: str) -> jinja2.Environment:
    """One Jinja environment per templates folder: each template is compiled once per process (it checks the
    file's modification time, so an edited template is compiled again)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ids"] = wrap_ids
    return env


SEPARATORS = re.compile(r"([/:._=@,-])")
MIN_RUN = 10  # characters between two break opportunities (see wrap_ids)


def wrap_ids(value: Any, min_run: int = MIN_RUN) -> Any:
    """An identifier that may wrap after its separators (``/ : . _ - = @ ,``) and nowhere else: escaped, with a
    word-break opportunity after a separator once at least MIN_RUN characters have passed since the last one, so
    a line never breaks inside a word. Each opportunity is a box the PDF typesetter lays out: one after every
    separator (2,586 on the demo report) cost 2.2 s of its 7 s; at most one per ten characters (732) still
    wraps the wide columns; a narrow one asks for every separator (``|ids(1)``)."""
    import markupsafe

    text = str(markupsafe.escape(str(value)))
    out: list[str] = []
    since = 0
    for i, piece in enumerate(SEPARATORS.split(text)):  # words at even positions, separators at odd ones
        out.append(piece)
        since += len(piece)
        if i % 2 == 1 and since >= min_run:
            out.append("<wbr>")
            since = 0
    return markupsafe.Markup("".join(out))  # noqa: S704 - escaped above


def render_html(result: AuditResult, ctx: RenderContext, *, for_print: bool = False) -> str:
    import jinja2
    import markupsafe

    folder = ctx.templates / "templates"
    fleet = len(result.subjects) > 1  # a fleet's page is its dashboard; each version has its own report
    name = "fleet.html.j2" if fleet else "report.html.j2"
    if not (folder / name).is_file():
        raise InputError(f"{folder}/{name}: report template not found")
    env = _environment(str(folder))
    css_path = ctx.templates / "style.css"
    # The stylesheet is ours (or the organisation's), not data: escaping it would break its quotes.
    css = markupsafe.Markup(css_path.read_text(encoding="utf-8")) if css_path.is_file() else ""  # noqa: S704
    try:
        if fleet:
            from ailm.report.fleet import dashboard

            page = {"r": result, "gate": result.gate(), "counts": result.counts(), "labels": STATUS_LABEL,
                    "origin": provenance(result), **dashboard(result, for_print=for_print)}  # fmt: skip
            return env.get_template(name).render(css=css, for_print=for_print, signed=ctx.signed, **page)
        return env.get_template(name).render(css=css, for_print=for_print, signed=ctx.signed,
                                             **template_context(result, ctx))  # fmt: skip
    except jinja2.TemplateError as exc:
        raise InputError(f"{folder}/{name}: {exc}") from None


class HtmlRenderer:
    def render(self, result: AuditResult, ctx: RenderContext) -> bytes:
        return render_html(result, ctx).encode("utf-8")


plugin = Plugin(
    kind="format",
    name="html",
    summary="a self-contained page for people: verdict, findings, evidence, lineage, crosswalk",
    build=lambda _settings: HtmlRenderer(),
    filename="report.html",
)
