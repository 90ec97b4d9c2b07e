"""The fleet dashboard: what report.html and report.pdf are for an audit of more than one model version.

One row per model version (its verdict, counts, the trend of its failures over the recorded audits, its worst
findings, its next expiry and a link to its own report), which controls fail across the fleet, and per version
the measured numbers its controls decided by, over time. Static SVG drawn here: it opens from disk, with no
server, no network and no script.
"""

from __future__ import annotations

from typing import Any

from ailm.report import charts
from ailm.result import AuditResult, Status

MEASURES = (
    ("demographic_parity_difference", "Parity difference (worst)", "demographic_parity_difference_max"),
    ("score_psi", "Score drift (PSI)", "psi_fail"),
    ("accuracy", "Accuracy", None),
)  # fmt: skip
FAILING = ("fail", "error")


def _safe(svg: str) -> Any:
    import markupsafe

    return markupsafe.Markup(svg)  # noqa: S704 - drawn by ailm.report.charts, every label escaped there


def _threshold(result: AuditResult, key: str | None) -> float | None:
    value = result.thresholds.get(key) if key else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _grouped(result: AuditResult, by_id: dict[str, Any]) -> list[dict[str, Any]]:
    """What will expire across the fleet, one line per control and date with the versions it hits."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for u in result.upcoming:
        key = (str(u["control"]), str(u["by"]))
        g = groups.setdefault(key, {**u, "versions": [], "causes_seen": set()})
        s = by_id.get(str(u["subject"]))
        g["versions"].append(f"{s.name} {s.version}" if s is not None else str(u["subject"]))
        g["causes_seen"].update(u["causes"])
    out = []
    for g in sorted(groups.values(), key=lambda g: (g["by"], g["control"])):
        first = g["causes"][0] if g["causes"] else ""
        more = len(g.pop("causes_seen")) - 1
        out.append({**g, "cause": first + (f" (and {more} other cause(s))" if more > 0 else "")})
    return out


def dashboard(result: AuditResult, *, for_print: bool) -> dict[str, Any]:
    summary = result.fleet()
    by_id = {s.id: s for s in result.subjects}
    first_expiry: dict[str, dict[str, Any]] = {}
    for u in result.upcoming:  # sorted by horizon already: the first one of a subject is its next
        first_expiry.setdefault(str(u.get("subject")), u)
    rows = []
    for s in summary["subjects"]:
        subject = s["subject"]
        points = result.trends.get(subject, [])
        fails = [int(p.get("fail", 0)) for p in points] or [s["counts"].get("fail", 0)]
        where = by_id[subject].folder()
        rows.append(
            {
                **s,
                "link": f"{where}/report.{'pdf' if for_print else 'html'}",
                "spark": _safe(charts.sparkline(fails, title=f"failures of {subject} over {len(fails)} audit(s)")),
                "audits": len(fails),
                "next": first_expiry.get(subject),
            }
        )
    controls = []
    titles = {r.control: (r.title, r.severity.value) for r in result.results}
    for control, counts in summary["per_control"].items():
        bad = sum(counts.get(k, 0) for k in FAILING)
        title, severity = titles[control]
        controls.append(
            {
                "control": control,
                "title": title,
                "severity": severity,
                "counts": counts,
                "failing": bad,
                "bar": _safe(charts.stacked(counts, title=f"{control}: {counts}")),
            }
        )
    controls.sort(key=lambda c: (-c["failing"], -sum(c["counts"].get(k, 0) for k in ("warn", "waived")), c["control"]))
    failing_controls = [c for c in controls if c["failing"] or c["counts"].get("warn") or c["counts"].get("waived")]
    over_time = []
    for s in summary["subjects"]:
        points = result.trends.get(s["subject"], [])
        plots = []
        for key, title, limit in MEASURES:
            series = [(str(p.get("as_of", "")), p.get("measured", {}).get(key)) for p in points]
            if not any(v is not None for _, v in series):
                continue
            cap = _threshold(result, limit)
            marks = [(cap, f"limit {cap:g}")] if cap is not None else []
            plots.append(_safe(charts.over_time(series, title=title, marks=marks)))
        if plots:
            over_time.append({**s, "plots": plots, "audits": len(points)})
    return {
        "fleet": summary,
        "upcoming": _grouped(result, by_id),
        "rows": rows,
        "controls": failing_controls,
        "clean_controls": len(controls) - len(failing_controls),
        "over_time": over_time,
        "recorded": max((len(result.trends.get(s.id, [])) for s in result.subjects), default=0),
        "statuses": [s.value for s in Status],
    }
