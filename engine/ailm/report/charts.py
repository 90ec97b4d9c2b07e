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
