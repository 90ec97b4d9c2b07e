"""Explanations with SHAP: global importance of each model input, its top features, and a proxy check.

The explainer follows the model: tree ensembles get ``TreeExplainer`` (exact, fast), linear models
``LinearExplainer``, anything else ``PermutationExplainer`` over a sampled background. The choice, the rows
explained and the background size are recorded. For a scikit-learn Pipeline the last step is explained on the
transformed rows, and the SHAP values of columns made from one input (one-hot) are summed back to it.

The proxy check asks, for each top feature, how strongly it predicts each sensitive attribute (Cramer's V
over the evaluation data, numeric features binned by quantile): a model can learn sex from relationship.
"""

from __future__ import annotations

from typing import Any

from ailm.analysis.context import AnalysisContext, Analyzer
from ailm.analysis.fairness import _r
from ailm.plugins import Plugin

TREE_MODULES = ("sklearn.ensemble", "sklearn.tree", "xgboost", "lightgbm", "catboost")
LINEAR_MODULES = ("sklearn.linear_model", "sklearn.svm._classes")


def explainer_kind(estimator: Any) -> str:
    module = type(estimator).__module__
    name = type(estimator).__name__
    if module.startswith(TREE_MODULES) and not name.startswith(("Bagging", "Voting", "Stacking", "AdaBoost")):
        return "tree"
    if module.startswith(LINEAR_MODULES) and hasattr(estimator, "coef_"):
        return "linear"
    return "permutation"


def split_pipeline(model: Any) -> tuple[Any, Any]:
    """(preprocessing or None, final estimator)."""
    steps = getattr(model, "steps", None)
    if steps and len(steps) > 1:
        return model[:-1], steps[-1][1]
    return None, (steps[-1][1] if steps else model)


def column_owner(transformed: list[str], inputs: list[str]) -> list[str]:
    """The model input each transformed column comes from (exact name, else the longest ``input_`` prefix)."""
    owners = []
    for col in transformed:
        base = col.split("__", 1)[-1]
        if base in inputs:
            owners.append(base)
            continue
        prefixed = [i for i in inputs if base.startswith(f"{i}_")]
        owners.append(max(prefixed, key=len) if prefixed else base)
    return owners


def _dense(m: Any) -> Any:
    import numpy as np

    if hasattr(m, "toarray"):  # scipy.sparse
        m = m.toarray()
    return np.asarray(m, dtype=float)


def shap_matrix(ctx: AnalysisContext, rows: Any, background: Any) -> tuple[Any, list[str], str]:
    """SHAP values (rows x model inputs) for the positive class, the input names, and the explainer used."""
    import numpy as np
    import shap

    prep, est = split_pipeline(ctx.model)
    x = prep.transform(rows) if prep is not None else rows
    bg = prep.transform(background) if prep is not None else background
    names = [str(n) for n in prep.get_feature_names_out()] if prep is not None else [str(c) for c in rows.columns]
    x = _dense(x)  # a one-hot encoder may give a sparse matrix
    bg = _dense(bg)
    kind = explainer_kind(est)
    classes = [str(c) for c in getattr(est, "classes_", [])]
    positive = classes.index(str(ctx.settings.positive_label)) if str(ctx.settings.positive_label) in classes else -1
    if kind == "tree":
        values = shap.TreeExplainer(est).shap_values(x, check_additivity=False)
        used = "TreeExplainer"
    elif kind == "linear":
        values = shap.LinearExplainer(est, bg).shap_values(x)
        used = "LinearExplainer"
    else:
        fn = (lambda a: est.predict_proba(a)[:, positive]) if hasattr(est, "predict_proba") else est.predict
        explanation = shap.PermutationExplainer(fn, shap.maskers.Independent(bg), seed=ctx.settings.seed)(x)
        values = explanation.values
        used = "PermutationExplainer"
    values = np.asarray(values)
    if values.ndim == 3:  # (rows, columns, classes)
        values = values[:, :, positive]
    owners = column_owner(names, list(rows.columns))
    inputs = list(dict.fromkeys(owners))
    summed = np.zeros((values.shape[0], len(inputs)))
    for j, owner in enumerate(owners):
        summed[:, inputs.index(owner)] += values[:, j]
    return summed, inputs, used


def cramers_v(a: Any, b: Any, bins: int = 10) -> float | None:
    import numpy as np
    import pandas as pd
    from scipy.stats import chi2_contingency

    def discrete(s: Any) -> Any:
        """Category codes (-1 for a missing value): a numeric input with many values in quantile bins, anything
        else by value. Codes, not strings: a million rows in milliseconds."""
        if pd.api.types.is_numeric_dtype(s) and s.nunique() > bins:
            binned = pd.qcut(s, q=bins, duplicates="drop", labels=False)
            if binned.nunique() <= 1:  # a skewed input (mostly zeros, like capital gain) may leave
                binned = s != s.mode().iloc[0]  # one quantile bin: split at the mode
            s = binned
        codes, uniques = pd.factorize(s)
        return np.asarray(codes, dtype=np.int64), len(uniques)

    (ca, ka), (cb, kb) = discrete(a), discrete(b)
    both = (ca >= 0) & (cb >= 0)  # a row missing either value is left out
    table = np.bincount(ca[both] * kb + cb[both], minlength=ka * kb).reshape(ka, kb)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]  # only values seen together, as a crosstab
    if min(table.shape) < 2:
        return None
    chi2 = chi2_contingency(table, correction=False)[0]
    n = table.sum()
    return float(np.sqrt(chi2 / (n * (min(table.shape) - 1))))


def analyze(ctx: AnalysisContext) -> dict[str, Any]:
    import numpy as np

    s = ctx.settings
    role = s.evaluate_on
    x = ctx.model_input(role)
    rng = np.random.default_rng(s.seed)
    n = min(s.shap_rows, len(x))
    rows = x.iloc[np.sort(rng.choice(len(x), size=n, replace=False))]
    bg_n = min(s.shap_background, len(x))
    background = x.iloc[np.sort(rng.choice(len(x), size=bg_n, replace=False))]
    values, inputs, used = shap_matrix(ctx, rows, background)
    importance = np.abs(values).mean(axis=0)
    order = sorted(range(len(inputs)), key=lambda i: (-importance[i], inputs[i]))
    ranked = [{"feature": inputs[i], "mean_abs_shap": _r(importance[i])} for i in order]
    top = [r["feature"] for r in ranked[: s.top_features]]

    frame = ctx.frame(role)
    proxies = []
    for feature in top:
        for attr in ctx.sensitive_features:
            if attr not in frame.columns or feature not in frame.columns or attr == feature:
                continue
            proxies.append(
                {"feature": feature, "sensitive": attr, "cramers_v": _r(cramers_v(frame[feature], frame[attr]))}
            )
    return {
        "dataset": role,
        "explainer": used,
        "rows_explained": n,
        "background_rows": bg_n if used != "TreeExplainer" else 0,
        "sample": {"method": "uniform without replacement", "seed": s.seed},
        "model_output": "probability of the positive class" if used == "PermutationExplainer" else "margin (log-odds)",
        "importance": ranked,
        "top_features": top,
        "sensitive_in_model": sorted(set(ctx.sensitive_features) & set(inputs)),
        "sensitive_in_top": [f for f in top if f in ctx.sensitive_features],
        "proxy_check": {"measure": "Cramer's V", "numeric_bins": 10, "pairs": proxies},
    }


plugin = Plugin(
    kind="analyzer",
    name="explanations",
    summary="SHAP values of the real model on its evaluation data: importance, top features, sensitive ranks",
    build=lambda _settings: Analyzer(measure=lambda ctx, _as_of: analyze(ctx)),
    roles={"shap": "one"},
    libraries=("shap", "scikit-learn", "numpy", "pandas", "scipy"),
)
