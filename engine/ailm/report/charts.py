"""Small inline SVG charts for the measured evidence: no plotting library, the same in HTML and in the PDF.

Every label and number is escaped; the charts draw only what the evidence record holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

WIDTH = 640
ROW = 18
LABEL_W = 210
VALUE_W = 70


def _num(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.3f}"


def hbars(
    items: Sequence[tuple[str, float | None, tuple[float, float] | None, bool]],
    *,
    title: str,
    scale_max: float | None = None,
    marks: list[tuple[float, str]] | None = None,
) -> str:
    """Horizontal bars: (label, value, interval or None, muted). ``marks`` draws reference lines (value, label)."""
    values = [v for _, v, ci, _ in items if v is not None] + [ci[1] for _, _, ci, _ in items if ci]
    top = scale_max or max([*values, *(m for m, _ in marks or [])], default=1.0) or 1.0
    plot_w = WIDTH - LABEL_W - VALUE_W
    height = ROW * len(items) + 34

    def x(v: float) -> float:
        return LABEL_W + plot_w * max(0.0, min(v, top)) / top

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">',
        f'<text x="0" y="12" font-size="10" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value, ci, muted) in enumerate(items):
        y = 20 + i * ROW
        fill = "#bbb" if muted else "#3b6ea5"
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + 12}" font-size="9" text-anchor="end">{escape(label)}</text>')
        if value is not None:
            parts.append(
                f'<rect x="{LABEL_W}" y="{y + 3}" width="{x(value) - LABEL_W:.1f}" height="{ROW - 7}" fill="{fill}"/>'
            )
        if ci:
            lo, hi = x(ci[0]), x(ci[1])
            mid = y + ROW / 2
            parts.append(
                f'<path d="M{lo:.1f} {mid - 4}V{mid + 4}M{lo:.1f} {mid}H{hi:.1f}M{hi:.1f} {mid - 4}V{mid + 4}" '
                'stroke="#222" stroke-width="1" fill="none"/>'
            )
        parts.append(f'<text x="{WIDTH - VALUE_W + 6}" y="{y + 12}" font-size="9">{_num(value)}</text>')
    bottom = 20 + ROW * len(items)
    for value, label in marks or []:
        parts.append(
            f'<line x1="{x(value):.1f}" y1="18" x2="{x(value):.1f}" y2="{bottom}" stroke="#b03030" '
            'stroke-dasharray="3 2"/>'
            f'<text x="{x(value) + 2:.1f}" y="{bottom + 10}" font-size="8" fill="#b03030">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def group_rates(measure: dict[str, Any]) -> str:
    items = []
    for g in measure.get("groups", []):
        ci = (
            tuple(g["selection_rate_ci"]) if g.get("selection_rate_ci") and None not in g["selection_rate_ci"] else None
        )
        label = f"{g['group']} (n={g['count']})" + (" insufficient" if g["insufficient_evidence"] else "")
        items.append((label, g["selection_rate"], ci, bool(g["insufficient_evidence"])))
    return hbars(items, title=f"Selection rate by {measure['feature']}, with bootstrap interval", scale_max=1.0)


def shap_importance(result: dict[str, Any], limit: int = 12) -> str:
    items = [(i["feature"], i["mean_abs_shap"], None, False) for i in result["importance"][:limit]]
    return hbars(items, title=f"Mean |SHAP| ({result['explainer']}, {result['rows_explained']} rows)")


def drift_psi(result: dict[str, Any], warn: float | None, fail: float | None) -> str:
    """PSI per feature, with the warn and fail lines the audit's thresholds set (none drawn where unknown)."""
    items = [(f["feature"], f["psi"], None, False) for f in result["features"]]
    items.append(("model score", result["score"].get("psi"), None, False))
    lines = [(v, f"{name} {v:g}") for v, name in ((warn, "warn"), (fail, "fail")) if v is not None]
    top = max([*(v * 1.2 for v, _ in lines), *(v for _, v, _, _ in items if v is not None), 1e-9])
    return hbars(items, title="Population stability index, reference vs current", scale_max=top, marks=lines)


def sparkline(values: Sequence[int], *, title: str, width: int = 96, height: int = 22) -> str:
    """A small line of counts over the recorded audits, oldest first; the last point (this audit) is marked and
    labelled. One audit is one point: there is no trend to draw yet."""
    plot_w = width - 28
    top = max([*values, 1])

    def xy(i: int, v: int) -> tuple[float, float]:
        x = 3 + (plot_w - 6) * (i / (len(values) - 1) if len(values) > 1 else 1.0)
        return x, height - 4 - (height - 8) * v / top

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spark" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    pts = [xy(i, v) for i, v in enumerate(values)]
    if len(pts) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#3b6ea5" stroke-width="1.5"/>')
    if pts:
        x, y = pts[-1]
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#c5221f"/>')
        parts.append(f'<text x="{plot_w + 4}" y="{height / 2 + 4:.1f}" font-size="10">{values[-1]}</text>')
    parts.append("</svg>")
    return "".join(parts)


def over_time(
    points: Sequence[tuple[str, float | None]],
    *,
    title: str,
    marks: Sequence[tuple[float, str]] = (),
    width: int = 230,
    height: int = 90,
) -> str:
    """A measured number over the recorded audits (label: the audit's date), with the thresholds it is judged by.
    An audit that did not measure it leaves a gap, never a zero."""
    left, right, top_pad, bottom = 34, 8, 16, 16
    known = [v for _, v in points if v is not None]
    top = max([*known, *(m for m, _ in marks), 1e-9]) * 1.1
    plot_w, plot_h = width - left - right, height - top_pad - bottom

    def x(i: int) -> float:
        return left + plot_w * (i / (len(points) - 1) if len(points) > 1 else 0.5)

    def y(v: float) -> float:
        return top_pad + plot_h * (1 - max(0.0, min(v, top)) / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f'<text x="0" y="10" font-size="9" font-weight="bold">{escape(title)}</text>',
        f'<path d="M{left} {top_pad}V{top_pad + plot_h}H{left + plot_w}" stroke="#999" fill="none"/>',
        f'<text x="{left - 3}" y="{top_pad + 4}" font-size="8" text-anchor="end">{top:.2g}</text>',
        f'<text x="{left - 3}" y="{top_pad + plot_h}" font-size="8" text-anchor="end">0</text>',
    ]
    for value, label in marks:
        parts.append(
            f'<path d="M{left} {y(value):.1f}H{left + plot_w}" stroke="#c5221f" stroke-dasharray="3 2" fill="none"/>'
            f'<text x="{left + plot_w}" y="{y(value) - 2:.1f}" font-size="7" text-anchor="end" fill="#c5221f">'
            f"{escape(label)}</text>"
        )
    run: list[str] = []
    for i, (_, v) in enumerate(points):
        if v is None:
            if len(run) > 1:
                parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="#3b6ea5" stroke-width="1.5"/>')
            run = []
            continue
        run.append(f"{x(i):.1f},{y(v):.1f}")
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2" fill="#3b6ea5"><title>{_num(v)}</title></circle>')
    if len(run) > 1:
        parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="#3b6ea5" stroke-width="1.5"/>')
    if points:
        parts.append(f'<text x="{left}" y="{height - 3}" font-size="7">{escape(points[0][0])}</text>')
        parts.append(
            f'<text x="{left + plot_w}" y="{height - 3}" font-size="7" text-anchor="end">{escape(points[-1][0])}</text>'
        )
        last = points[-1][1]
        parts.append(f'<text x="{width - right}" y="10" font-size="9" text-anchor="end">now {_num(last)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def stacked(counts: dict[str, int], *, title: str, width: int = 160, height: int = 12) -> str:
    """One bar split by status (fail, error, warn, waived, pass, not applicable), for a control across the fleet."""
    colours = {"fail": "#c5221f", "error": "#202124", "warn": "#e37400", "waived": "#7b1fa2", "pass": "#1e8e3e",
               "not_applicable": "#80868b"}  # fmt: skip
    total = sum(counts.values()) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spark" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    at = 0.0
    for status, colour in colours.items():
        n = counts.get(status, 0)
        if n:
            w = width * n / total
            parts.append(f'<rect x="{at:.1f}" y="0" width="{w:.1f}" height="{height}" fill="{colour}"/>')
            at += w
    parts.append("</svg>")
    return "".join(parts)
