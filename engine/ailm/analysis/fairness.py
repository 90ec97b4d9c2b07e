"""Fairness, measured with fairlearn on the evaluation data: per group and for intersections of the groups.

Point estimates come from fairlearn's MetricFrame. Confidence intervals come from a seeded percentile
bootstrap over rows. A group with fewer rows than ``min_group_size`` is reported, marked insufficient, and
left out of the between-group summaries (which say which groups they cover); it is never dropped silently.
A summary that cannot be computed (one group, one class, no positive predictions) is ``null`` with a reason.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from ailm.analysis.context import AnalysisContext, Analyzer
from ailm.plugins import Plugin

SUMMARIES = (
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
)


def _r(x: Any) -> float | None:
    if x is None:
        return None
    v = float(x)
    return round(v, 6) if math.isfinite(v) else None


def _group_keys(frame: Any, columns: list[str]) -> Any:
    if len(columns) == 1:
        return frame[columns[0]].astype(str)
    return frame[columns].astype(str).agg(" x ".join, axis=1)


def _summaries(rates: dict[str, Any], has_both_classes: bool) -> tuple[dict[str, float | None], list[str]]:
    """The four between-group numbers from per-group selection rate, TPR and FPR (numpy arrays)."""
    import numpy as np

    sel, tpr, fpr = rates["selection_rate"], rates["tpr"], rates["fpr"]
    out: dict[str, float | None] = dict.fromkeys(SUMMARIES)
    reasons: list[str] = []
    if len(sel) < 2:
        return out, ["fewer than two groups with enough rows to compare"]
    out["demographic_parity_difference"] = float(np.max(sel) - np.min(sel))
    if np.max(sel) > 0:
        out["demographic_parity_ratio"] = float(np.min(sel) / np.max(sel))
    else:
        reasons.append("no positive predictions in any group: the parity ratio is undefined")
    if not has_both_classes or np.isnan(tpr).any() or np.isnan(fpr).any():
        reasons.append("a group lacks positive or negative true labels: equalized odds are undefined")
        return out, reasons
    out["equalized_odds_difference"] = float(max(np.max(tpr) - np.min(tpr), np.max(fpr) - np.min(fpr)))
    ratios = []
    for v in (tpr, fpr):
        ratios.append(np.min(v) / np.max(v) if np.max(v) > 0 else np.nan)
    if any(np.isnan(ratios)):
        reasons.append("a true or false positive rate is zero in every group: the equalized odds ratio is undefined")
    else:
        out["equalized_odds_ratio"] = float(min(ratios))
    return out, reasons


def _rates(codes: Any, y: Any, y_hat: Any, k: int) -> dict[str, Any]:
    import numpy as np

    n = np.bincount(codes, minlength=k).astype(float)
    sel = np.bincount(codes, weights=y_hat, minlength=k)
    pos = np.bincount(codes, weights=y, minlength=k)
    tp = np.bincount(codes, weights=y * y_hat, minlength=k)
    fp = np.bincount(codes, weights=(1 - y) * y_hat, minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        return {"selection_rate": sel / n, "tpr": tp / pos, "fpr": fp / (n - pos)}


def _bootstrap(codes: Any, y: Any, y_hat: Any, kept: Any, ctx: AnalysisContext, salt: int) -> dict[str, Any]:
    """Percentile intervals of the per-group selection rates and the summaries (over the kept groups)."""
    import numpy as np

    s = ctx.settings
    rng = np.random.default_rng([s.seed, salt])
    n, k = len(codes), len(kept)
    per_group: list[Any] = []
    summaries: dict[str, list[float]] = {name: [] for name in SUMMARIES}
    for _ in range(s.bootstrap):
        idx = rng.integers(0, n, n)
        rates = _rates(codes[idx], y[idx], y_hat[idx], k)
        per_group.append(rates["selection_rate"])
        keep = kept & ~np.isnan(rates["selection_rate"])
        vals, _ = _summaries({m: v[keep] for m, v in rates.items()}, True)
        for name, v in vals.items():
            if v is not None and np.isfinite(v):
                summaries[name].append(v)
    alpha = (1 - s.confidence) / 2
    stacked = np.array(per_group)
    with np.errstate(invalid="ignore"):
        lo = np.nanquantile(stacked, alpha, axis=0)
        hi = np.nanquantile(stacked, 1 - alpha, axis=0)
    cis = {
        name: [_r(np.quantile(v, alpha)), _r(np.quantile(v, 1 - alpha))]
        if len(v) >= max(10, s.bootstrap // 2)
        else None
        for name, v in summaries.items()
    }
    return {"selection_rate_lo": lo, "selection_rate_hi": hi, "summaries": cis}


def assess(ctx: AnalysisContext, columns: list[str], salt: int) -> dict[str, Any]:
    """Fairness for one sensitive feature, or an intersection of several."""
    import numpy as np
    import pandas as pd
    from fairlearn.metrics import MetricFrame, count, false_positive_rate, selection_rate, true_positive_rate
    from sklearn.metrics import accuracy_score

    s = ctx.settings
    role = s.evaluate_on
    frame = ctx.frame(role)
    y = ctx.labels(role)
    y_hat, _ = ctx.predictions(role)
    name = " x ".join(columns)
    out: dict[str, Any] = {"feature": name, "columns": columns}
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        return out | {"status": "feature_absent", "reason": f"not in the {role} data: {', '.join(missing)}"}
    groups = _group_keys(frame, columns)
    absent = frame[columns].isna().any(axis=1).to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fairlearn warns on groups without positives; we report those as null
        mf = MetricFrame(
            metrics={
                "count": count,
                "selection_rate": selection_rate,
                "accuracy": accuracy_score,
                "tpr": true_positive_rate,
                "fpr": false_positive_rate,
            },
            y_true=y[~absent],
            y_pred=y_hat[~absent],
            sensitive_features=groups[~absent].to_numpy(),
        )
    table = mf.by_group
    labels = [str(g) for g in table.index]
    sufficient = [g for g in labels if int(table.loc[g, "count"]) >= s.min_group_size]
    insufficient = [g for g in labels if g not in sufficient]

    codes_all = np.asarray(pd.Categorical(groups[~absent], categories=labels).codes)  # row -> index in labels
    kept = np.array([g in sufficient for g in labels])
    boot = (
        _bootstrap(codes_all, y[~absent].astype(float), y_hat[~absent].astype(float), kept, ctx, salt)
        if s.bootstrap
        else None
    )
    group_rows = []
    for i, g in enumerate(labels):
        row = table.loc[g]
        group_rows.append(
            {
                "group": g,
                "count": int(row["count"]),
                "selection_rate": _r(row["selection_rate"]),
                "selection_rate_ci": [_r(boot["selection_rate_lo"][i]), _r(boot["selection_rate_hi"][i])]
                if boot
                else None,
                "accuracy": _r(row["accuracy"]),
                "true_positive_rate": _r(row["tpr"]),
                "false_positive_rate": _r(row["fpr"]),
                "insufficient_evidence": g in insufficient,
            }
        )
    rates = {
        "selection_rate": table["selection_rate"].to_numpy(dtype=float)[kept],
        "tpr": table["tpr"].to_numpy(dtype=float)[kept],
        "fpr": table["fpr"].to_numpy(dtype=float)[kept],
    }
    both = bool(y[~absent].min() != y[~absent].max())
    values, reasons = _summaries(rates, both)
    if int(y_hat.min()) == int(y_hat.max()):
        reasons.append(f"the model predicts {int(y_hat[0])} for every row")
    summary = {k: _r(v) for k, v in values.items()}
    ci = boot["summaries"] if boot else dict.fromkeys(SUMMARIES)
    if len(sufficient) < 2:
        ci = dict.fromkeys(SUMMARIES)
    return out | {
        "status": "measured" if len(sufficient) >= 2 else "insufficient_evidence",
        "rows": int((~absent).sum()),
        "rows_missing_attribute": int(absent.sum()),
        "groups": group_rows,
        "compared_groups": sufficient,
        "insufficient_groups": insufficient,
        **summary,
        "confidence_intervals": {k: ci[k] for k in SUMMARIES},
        "notes": reasons,
    }


def analyze(ctx: AnalysisContext) -> dict[str, Any]:
    import numpy as np

    s = ctx.settings
    role = s.evaluate_on
    y = ctx.labels(role)
    y_hat, _ = ctx.predictions(role)
    features = list(ctx.sensitive_features)
    sets = [[f] for f in features]
    present = [f for f in features if f in ctx.frame(role).columns]
    if len(present) >= 2:
        sets.append(present)
    results = [assess(ctx, cols, salt) for salt, cols in enumerate(sets)]
    return {
        "dataset": role,
        "rows": len(y),
        "positive_rate_true": _r(np.mean(y)),
        "positive_rate_predicted": _r(np.mean(y_hat)),
        "accuracy": _r(np.mean(y == y_hat)),
        "min_group_size": s.min_group_size,
        "bootstrap": {"resamples": s.bootstrap, "confidence": s.confidence, "method": "percentile", "seed": s.seed},
        "features": results,
    }


plugin = Plugin(
    kind="analyzer",
    name="fairness",
    summary="group metrics with bootstrap intervals per sensitive feature (fairlearn MetricFrame), accuracy, recall",
    build=lambda _settings: Analyzer(measure=lambda ctx, _as_of: analyze(ctx)),
    roles={"fair": "one"},
    libraries=("fairlearn", "scikit-learn", "numpy", "pandas"),
)
