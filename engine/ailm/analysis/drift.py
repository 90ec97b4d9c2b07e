"""Drift between the reference data (the training split) and a current sample.

Per model input: the population stability index (numeric inputs binned at the reference's quantiles,
categorical inputs by category, empty bins floored at 1e-4) and a test: Kolmogorov-Smirnov for numeric
inputs, chi-square on the category counts for categorical ones. The model score gets a PSI too. p-values are
reported with the Bonferroni-corrected alpha for the number of tests. As an effect size that does not grow
with the sample, each input also gets the Jensen-Shannon distance (base 2, in [0, 1]) between the same binned
or per-category distributions.
"""

from __future__ import annotations

from typing import Any

from ailm.analysis.context import AnalysisContext, Analyzer
from ailm.analysis.fairness import _r
from ailm.plugins import Plugin

FLOOR = 1e-4
ALPHA = 0.05


def _psi(ref_share: Any, cur_share: Any) -> float:
    import numpy as np

    p = np.clip(ref_share, FLOOR, None)
    q = np.clip(cur_share, FLOOR, None)
    return float(np.sum((q - p) * np.log(q / p)))


def _js(ref_share: Any, cur_share: Any) -> float:
    from scipy.spatial.distance import jensenshannon

    return float(jensenshannon(ref_share, cur_share, base=2))


def numeric_shares(ref: Any, cur: Any, bins: int) -> tuple[Any, Any]:
    """Shares of the reference and current samples in bins cut at the reference's quantiles."""
    import numpy as np

    edges = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1)[1:-1]))
    r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1) / len(ref)
    c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1) / len(cur)
    return r, c


def numeric_psi(ref: Any, cur: Any, bins: int) -> float:
    return _psi(*numeric_shares(ref, cur, bins))


def categorical_counts(ref: Any, cur: Any) -> tuple[list[str], Any, Any]:
    import numpy as np

    ref_s, cur_s = ref.astype(str), cur.astype(str)
    cats = sorted(set(ref_s.unique()) | set(cur_s.unique()))
    r = ref_s.value_counts().reindex(cats, fill_value=0).to_numpy()
    c = cur_s.value_counts().reindex(cats, fill_value=0).to_numpy()
    return cats, np.asarray(r), np.asarray(c)


def feature_drift(name: str, ref: Any, cur: Any, bins: int) -> dict[str, Any]:
    import pandas as pd
    from scipy.stats import chi2_contingency, ks_2samp

    ref, cur = ref.dropna(), cur.dropna()
    out: dict[str, Any] = {"feature": name, "reference_rows": len(ref), "current_rows": len(cur)}
    if len(ref) == 0 or len(cur) == 0:
        return out | {"type": None, "psi": None, "note": "no values in one of the samples"}
    if pd.api.types.is_numeric_dtype(ref) and pd.api.types.is_numeric_dtype(cur):
        r, c = ref.to_numpy(dtype=float), cur.to_numpy(dtype=float)
        ks = ks_2samp(r, c)
        shares = numeric_shares(r, c, bins)
        return out | {
            "type": "numeric",
            "psi": _r(_psi(*shares)),
            "js_distance": _r(_js(*shares)),
            "test": "kolmogorov-smirnov",
            "statistic": _r(ks.statistic),
            "p_value": _r(ks.pvalue),
        }
    cats, r_counts, c_counts = categorical_counts(ref, cur)
    r_share, c_share = r_counts / r_counts.sum(), c_counts / c_counts.sum()
    out |= {"type": "categorical", "psi": _r(_psi(r_share, c_share)), "js_distance": _r(_js(r_share, c_share))}
    if len(cats) < 2:
        return out | {"test": "chi-square", "statistic": None, "p_value": None, "note": "a single category"}
    chi2, p, _, _ = chi2_contingency([r_counts, c_counts])
    return out | {"test": "chi-square", "statistic": _r(chi2), "p_value": _r(p), "categories": len(cats)}


def analyze(ctx: AnalysisContext) -> dict[str, Any]:
    s = ctx.settings
    ref_x = ctx.model_input(s.reference)
    cur_x = ctx.model_input("current")
    features = [feature_drift(f, ref_x[f], cur_x[f], s.drift_bins) for f in ctx.features]
    _, ref_score = ctx.predictions(s.reference)
    _, cur_score = ctx.predictions("current")
    score = (
        {"psi": _r(numeric_psi(ref_score, cur_score, s.drift_bins)), "bins": s.drift_bins}
        if ref_score is not None and cur_score is not None
        else {"psi": None, "note": "the model gives no probability scores"}
    )
    tests = sum(1 for f in features if f.get("p_value") is not None)
    alpha = ALPHA / tests if tests else ALPHA
    for f in features:
        p = f.get("p_value")
        f["significant"] = None if p is None else bool(p < alpha)
    return {
        "reference": s.reference,
        "current": "current",
        "reference_rows": len(ref_x),
        "current_rows": len(cur_x),
        "bins": s.drift_bins,
        "bonferroni_alpha": _r(alpha),
        "features": features,
        "score": score,
        "max_feature_psi": max((f["psi"] for f in features if f["psi"] is not None), default=None),
    }


plugin = Plugin(
    kind="analyzer",
    name="drift",
    summary="population stability and KS per feature, and prediction drift, between the reference and current data",
    build=lambda _settings: Analyzer(measure=lambda ctx, _as_of: analyze(ctx), needs=("current",)),
    roles={"drift": "one"},
    libraries=("scipy", "numpy", "pandas", "scikit-learn"),
)
