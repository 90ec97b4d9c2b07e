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
    keys = frame[columns[0]].astype(str)
    for column in columns[1:]:  # joined column by column, not row by row (a million rows in a second)
        keys = keys.str.cat(frame[column].astype(str), sep=" x ")
    return keys


UNDEFINED_RATE = {
    "tpr": "no positive true label, so its true positive rate is undefined",
    "fpr": "no negative true label, so its false positive rate is undefined",
}


def _summaries(rates: dict[str, Any], has_both_classes: bool) -> tuple[dict[str, float | None], list[str]]:
    """The four between-group numbers from per-group selection rate, TPR and FPR (numpy arrays). A group whose
    TPR (or FPR) is undefined (NaN: no positive, or no negative, true label) is left out of that rate's
    comparison only; with fewer than two groups left, equalized odds are undefined."""
    import numpy as np

    sel = rates["selection_rate"]
    tpr, fpr = (v[~np.isnan(v)] for v in (rates["tpr"], rates["fpr"]))
    out: dict[str, float | None] = dict.fromkeys(SUMMARIES)
    reasons: list[str] = []
    if len(sel) < 2:
        return out, ["fewer than two groups with enough rows to compare"]
    out["demographic_parity_difference"] = float(np.max(sel) - np.min(sel))
    if np.max(sel) > 0:
        out["demographic_parity_ratio"] = float(np.min(sel) / np.max(sel))
    else:
        reasons.append("no positive predictions in any group: the parity ratio is undefined")
    if not has_both_classes or len(tpr) < 2 or len(fpr) < 2:
        reasons.append(
            "fewer than two groups have both positive and negative true labels: equalized odds are undefined"
        )
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


GROUP_METRICS = ("selection_rate", "tpr", "fpr", "accuracy")


def _cell_rates(cells: Any) -> dict[str, Any]:
    """Per-group rates from counts of rows per (group, label, prediction): ``cells[..., g, 2 * y + y_hat]``."""
    import numpy as np

    tn, fp, fn, tp = (cells[..., i].astype(float) for i in range(4))
    n = tn + fp + fn + tp
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "selection_rate": (fp + tp) / n,
            "tpr": tp / (tp + fn),
            "fpr": fp / (fp + tn),
            "accuracy": (tn + tp) / n,
        }


def _bootstrap(cells: Any, kept: Any, ctx: AnalysisContext, salt: int) -> dict[str, Any]:
    """Percentile intervals of each group's selection rate, TPR, FPR and accuracy, and of the summaries over the
    kept groups.

    ``cells`` counts the rows in each (group, true label, prediction) cell, ``4 * group + 2 * label + prediction``;
    every one of these numbers is a function of those counts.
    A resample of the n rows drawn with replacement gives those cells counts distributed Multinomial(n, the
    cells' shares), so each resample is drawn as the cell counts directly: the same bootstrap distribution as
    resampling row indices, in time that does not grow with n (the draws differ from an index resample's, so
    intervals agree within Monte Carlo error, not digit for digit; tests/test_analysis.py compares).
    """
    import numpy as np

    s = ctx.settings
    rng = np.random.default_rng([s.seed, salt])
    n, k = int(cells.sum()), len(kept)
    draws = rng.multinomial(n, cells / n, size=s.bootstrap).reshape(s.bootstrap, k, 4)
    rates = _cell_rates(draws)  # resample x group
    summaries: dict[str, list[float]] = {name: [] for name in SUMMARIES}
    for b in range(s.bootstrap):
        keep = kept & ~np.isnan(rates["selection_rate"][b])  # a group that drew no rows is not compared
        vals, _ = _summaries({m: rates[m][b][keep] for m in ("selection_rate", "tpr", "fpr")}, True)
        for name, v in vals.items():
            if v is not None and np.isfinite(v):
                summaries[name].append(v)
    alpha = (1 - s.confidence) / 2
    out: dict[str, Any] = {}
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a rate undefined in every resample (no positives)
        for metric in GROUP_METRICS:
            out[f"{metric}_lo"] = np.nanquantile(rates[metric], alpha, axis=0)
            out[f"{metric}_hi"] = np.nanquantile(rates[metric], 1 - alpha, axis=0)
    out["summaries"] = {
        name: [_r(np.quantile(v, alpha)), _r(np.quantile(v, 1 - alpha))]
        if len(v) >= max(10, s.bootstrap // 2)
        else None
        for name, v in summaries.items()
    }
    return out


def _ci(boot: dict[str, Any] | None, metric: str, i: int) -> list[float | None] | None:
    return [_r(boot[f"{metric}_lo"][i]), _r(boot[f"{metric}_hi"][i])] if boot else None


def assess(ctx: AnalysisContext, columns: list[str], salt: int) -> dict[str, Any]:
    """Fairness for one sensitive feature, or an intersection of several."""
    import numpy as np
    import pandas as pd
    from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate
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
    if absent.all():  # nothing to group by: insufficient, never a pass (and not a crash)
        return out | {
            "status": "insufficient_evidence",
            "rows": 0,
            "rows_missing_attribute": int(absent.sum()),
            "groups": [],
            "compared_groups": [],
            "insufficient_groups": [],
            "excluded_from_equalized_odds": [],
            **dict.fromkeys(SUMMARIES),
            "confidence_intervals": dict.fromkeys(SUMMARIES),
            "notes": [f"no row of the {role} data has a value for {name}"],
        }
    y_in, y_hat_in = y[~absent].astype(np.int64), y_hat[~absent].astype(np.int64)
    codes_all, uniques = pd.factorize(groups[~absent].to_numpy(), sort=True)  # row -> index in labels
    labels = [str(g) for g in uniques]
    k = len(labels)
    cells = np.bincount(codes_all * 4 + y_in * 2 + y_hat_in, minlength=4 * k)  # rows per (group, label, prediction)
    counts = cells.reshape(k, 4).sum(axis=1)
    # fairlearn's MetricFrame on the cell table, each cell one row weighted by how many rows it holds: every
    # metric here is a weighted mean over rows, so this is the number over all rows, in time that does not grow
    # with them (tests/test_analysis.py holds it to MetricFrame on the rows themselves)
    nonzero = np.flatnonzero(cells)
    metrics = {
        "selection_rate": selection_rate,
        "accuracy": accuracy_score,
        "tpr": true_positive_rate,
        "fpr": false_positive_rate,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fairlearn warns on groups without positives; we report those as null
        mf = MetricFrame(
            metrics=metrics,
            y_true=(nonzero % 4) // 2,
            y_pred=nonzero % 2,
            sensitive_features=np.asarray(labels, dtype=object)[nonzero // 4],
            sample_params={m: {"sample_weight": cells[nonzero]} for m in metrics},
        )
    table = mf.by_group.loc[labels].copy()
    # fairlearn gives 0.0 for the TPR of a group without positive labels (and the FPR of one without negatives):
    # a rate with nothing to count is undefined, never a number that enters a comparison
    per_group = cells.reshape(k, 4)
    undefined = {"tpr": per_group[:, 2] + per_group[:, 3] == 0, "fpr": per_group[:, 0] + per_group[:, 1] == 0}
    for metric, mask in undefined.items():
        table[metric] = np.where(mask, np.nan, table[metric].to_numpy(dtype=float))
    sufficient = [g for i, g in enumerate(labels) if int(counts[i]) >= s.min_group_size]
    insufficient = [g for g in labels if g not in sufficient]

    kept = np.array([g in sufficient for g in labels], dtype=bool)
    boot = _bootstrap(cells, kept, ctx, salt) if s.bootstrap else None
    group_rows = []
    for i, g in enumerate(labels):
        row = table.loc[g]
        group_rows.append(
            {
                "group": g,
                "count": int(counts[i]),
                "selection_rate": _r(row["selection_rate"]),
                "selection_rate_ci": _ci(boot, "selection_rate", i),
                "accuracy": _r(row["accuracy"]),
                "accuracy_ci": _ci(boot, "accuracy", i),
                "true_positive_rate": _r(row["tpr"]),
                "true_positive_rate_ci": _ci(boot, "tpr", i),
                "false_positive_rate": _r(row["fpr"]),
                "false_positive_rate_ci": _ci(boot, "fpr", i),
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
    excluded = [
        {"group": g, "rate": metric, "reason": UNDEFINED_RATE[metric]}
        for metric, mask in undefined.items()
        for i, g in enumerate(labels)
        if mask[i] and g in sufficient
    ]
    reasons += [f"group {e['group']}: {e['reason']}; left out of the equalized odds comparison" for e in excluded]
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
        "excluded_from_equalized_odds": excluded,
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
        "bootstrap": {
            "resamples": s.bootstrap,
            "confidence": s.confidence,
            "method": "percentile",
            "draws": "multinomial cell counts",
            "seed": s.seed,
        },
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
