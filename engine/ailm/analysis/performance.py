"""Performance, measured by ailm: every success metric the plan declares, on the split its name says.

A number the training run logged (``test_recall``) is a claim; this analyzer measures the same metric from the
registered model and the split file, so that a control judges on the measurement and can show where the run's
log disagrees. A name is read as ``<split>_<metric>`` (``test_recall``, ``val_accuracy``, ``roc_auc``: no split
means ``analysis.evaluate_on``), with the usual spellings (``recall_score``, ``auc``, ``acc``). A name ailm has no
method for, a split it has no file for, or a metric the model cannot give (ROC AUC without scores) is
``not_measurable`` with the reason; a rate with nothing to count (recall on a split without positives) is
``undefined`` with the reason. Neither is ever a number.

Intervals: Wilson score intervals for the proportions (accuracy, precision, recall, specificity); DeLong's for
ROC AUC; a seeded percentile bootstrap for F1 and balanced accuracy, each resample drawn as Multinomial counts of
the label x prediction cells, as the fairness analyzer does.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

from ailm.analysis.context import AnalysisContext, Analyzer
from ailm.analysis.runner import SPLIT_NAMES
from ailm.plugins import Plugin

PROPORTIONS = ("accuracy", "precision", "recall", "specificity")  # Wilson intervals
ALIASES = {
    "acc": "accuracy", "recall": "recall", "tpr": "recall", "sensitivity": "recall",
    "true_positive_rate": "recall", "precision": "precision", "ppv": "precision", "specificity": "specificity",
    "tnr": "specificity", "true_negative_rate": "specificity", "f1": "f1", "f1_score": "f1",
    "accuracy": "accuracy", "balanced_accuracy": "balanced_accuracy", "roc_auc": "roc_auc", "auc": "roc_auc",
    "auroc": "roc_auc", "roc_auc_score": "roc_auc",
}  # fmt: skip


def parse(name: str, default_split: str) -> tuple[str, str] | str:
    """(split, metric) of a declared name, or why ailm cannot measure it."""
    text = name.strip().lower()
    split, rest = default_split, text
    for prefix in sorted(SPLIT_NAMES, key=len, reverse=True):  # "validation_" before "val_"
        for sep in ("_", ".", "/", "-"):
            if text.startswith(prefix + sep):
                split, rest = SPLIT_NAMES[prefix], text[len(prefix) + 1 :]
                break
        else:
            continue
        break
    rest = rest.replace("-", "_").replace(".", "_")
    metric = ALIASES.get(rest) or ALIASES.get(rest.removesuffix("_score"))
    if metric is None:
        known = ", ".join(sorted(set(ALIASES.values())))
        return f"ailm has no method for {name!r} (it measures {known}, as <split>_<metric>)"
    return split, metric


def wilson(k: int, m: int, confidence: float) -> list[float]:
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    p = k / m
    centre = (p + z * z / (2 * m)) / (1 + z * z / m)
    half = z * math.sqrt(p * (1 - p) / m + z * z / (4 * m * m)) / (1 + z * z / m)
    return [round(max(0.0, centre - half), 6), round(min(1.0, centre + half), 6)]


def _from_cells(metric: str, tn: Any, fp: Any, fn: Any, tp: Any) -> Any:
    import numpy as np

    with np.errstate(invalid="ignore", divide="ignore"):
        recall, spec = tp / (tp + fn), tn / (tn + fp)
        return {
            "accuracy": (tp + tn) / (tn + fp + fn + tp),
            "precision": tp / (tp + fp),
            "recall": recall,
            "specificity": spec,
            "f1": 2 * tp / (2 * tp + fp + fn),
            "balanced_accuracy": (recall + spec) / 2,
        }[metric]


def _auc(cells: Any) -> Any:
    """ROC AUC from counts per (distinct score ascending, label): ``cells[..., u, y]`` (ties count one half)."""
    import numpy as np

    neg, pos = cells[..., 0].astype(float), cells[..., 1].astype(float)
    below = np.cumsum(neg, axis=-1) - neg  # negatives with a lower score than each distinct score
    with np.errstate(invalid="ignore", divide="ignore"):
        return (pos * (below + neg / 2)).sum(axis=-1) / (pos.sum(axis=-1) * neg.sum(axis=-1))


def delong(cells: Any, auc: float, confidence: float) -> list[float] | None:
    """DeLong's interval for ROC AUC (DeLong, DeLong and Clarke-Pearson 1988), from the counts per (distinct score
    ascending, label): each positive's share of negatives scored below it (ties one half) and each negative's share
    of positives scored above it; the variance of those placements gives the AUC's, in time linear in the distinct
    scores, so a million rows cost what a thousand do."""
    import numpy as np

    neg, pos = cells[:, 0].astype(float), cells[:, 1].astype(float)
    n0, n1 = neg.sum(), pos.sum()
    if n0 < 2 or n1 < 2:
        return None
    v10 = (np.cumsum(neg) - neg + neg / 2) / n0  # a positive's placement among the negatives
    v01 = (n1 - np.cumsum(pos) + pos / 2) / n1  # a negative's placement among the positives
    s10 = float((pos * (v10 - auc) ** 2).sum() / (n1 - 1))
    s01 = float((neg * (v01 - auc) ** 2).sum() / (n0 - 1))
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    half = z * math.sqrt(s10 / n1 + s01 / n0)
    return [round(max(0.0, auc - half), 6), round(min(1.0, auc + half), 6)]


UNDEFINED = {
    "precision": "the model predicts no positive",
    "recall": "the split has no positive label",
    "specificity": "the split has no negative label",
    "f1": "the split has no positive label and the model predicts none",
    "balanced_accuracy": "the split lacks positive or negative labels",
    "roc_auc": "the split lacks positive or negative labels",
}


def _one(ctx: AnalysisContext, name: str, split: str, metric: str, salt: int) -> dict[str, Any]:
    import numpy as np

    s = ctx.settings
    ref = ctx.datasets[split]
    y = ctx.labels(split).astype(np.int64)
    y_hat, score = ctx.predictions(split)
    base = {"status": "measured", "metric": metric, "split": split, "rows": len(y), "dataset": ref.describe()}
    rng = np.random.default_rng([s.seed, salt])
    alpha = (1 - s.confidence) / 2
    if metric == "roc_auc":
        if score is None:
            return base | {"status": "not_measurable", "value": None, "reason": "the model gives no scores"}
        _, codes = np.unique(np.asarray(score, dtype=float), return_inverse=True)
        cells = np.bincount(codes * 2 + y, minlength=2 * (int(codes.max()) + 1)).reshape(-1, 2)
    else:
        cells = np.bincount(y * 2 + y_hat.astype(np.int64), minlength=4)  # tn, fp, fn, tp
    value = float(_auc(cells) if metric == "roc_auc" else _from_cells(metric, *cells))
    if not math.isfinite(value):
        return base | {"status": "undefined", "value": None, "reason": f"{UNDEFINED[metric]} in the {split} data"}
    out = base | {"value": round(value, 6), "confidence": s.confidence}
    if metric == "roc_auc":
        return out | {"ci": delong(cells, value, s.confidence), "interval": "delong"}
    tn, fp, fn, tp = (int(c) for c in cells)
    if metric in PROPORTIONS:
        k, m = {"accuracy": (tp + tn, len(y)), "precision": (tp, tp + fp), "recall": (tp, tp + fn),
                "specificity": (tn, tn + fp)}[metric]  # fmt: skip
        return out | {"ci": wilson(k, m, s.confidence), "interval": "wilson", "successes": k, "trials": m}
    if not s.bootstrap:
        return out | {"ci": None, "interval": "none (analysis.bootstrap is 0)"}
    flat = cells.reshape(-1)
    draws = rng.multinomial(len(y), flat / flat.sum(), size=s.bootstrap).reshape(s.bootstrap, *cells.shape)
    values = _from_cells(metric, *(draws[:, i] for i in range(4)))
    values = values[np.isfinite(values)]
    ci = [round(float(np.quantile(values, q)), 6) for q in (alpha, 1 - alpha)] if len(values) >= 10 else None
    return out | {"ci": ci, "interval": "bootstrap percentile", "resamples": s.bootstrap, "seed": s.seed}


def analyze(ctx: AnalysisContext) -> dict[str, Any]:
    s = ctx.settings
    metrics: dict[str, Any] = {}
    for salt, name in enumerate(ctx.success_metrics):
        parsed = parse(name, s.evaluate_on)
        if isinstance(parsed, str):
            metrics[name] = {"status": "not_measurable", "value": None, "reason": parsed}
            continue
        split, metric = parsed
        if split not in ctx.datasets:
            known = ", ".join(sorted(ctx.datasets)) or "none"
            why = f"no {split} dataset to measure it on (found: {known}; name one under analysis.datasets.{split})"
            metrics[name] = {"status": "not_measurable", "metric": metric, "split": split, "value": None, "reason": why}
            continue
        metrics[name] = _one(ctx, name, split, metric, salt)
    return {"default_split": s.evaluate_on, "declared_from": ctx.success_metrics_from, "metrics": metrics}


plugin = Plugin(
    kind="analyzer",
    name="performance",
    summary="every declared success metric measured on its split, with a Wilson, DeLong or bootstrap interval",
    build=lambda _settings: Analyzer(measure=lambda ctx, _as_of: analyze(ctx)),
    roles={"perf": "one"},
    libraries=("scikit-learn", "numpy", "pandas"),
)
