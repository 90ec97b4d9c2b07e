"""Data handling, measured: personal data in the datasets, whether it feeds the model, consent and retention
where declared, and leakage (identical rows or ids shared between train, validation and test)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ailm.analysis.context import AnalysisContext, Analyzer
from ailm.analysis.fairness import _r
from ailm.plugins import Plugin

# Column names that mean a person can be identified directly (identifiers) or that hold personal data.
DIRECT_IDENTIFIER_NAMES = re.compile(
    r"(^|_)(e_?mail|phone|mobile|ssn|social_security|passport|national_id|nino|tax_id|iban|ip_address|"
    r"first_name|last_name|full_name|surname|street|address|postcode|zip_?code|name)($|_)",
    re.I,
)
PERSONAL_NAMES = re.compile(
    r"(^|_)(age|dob|birth|date_of_birth|gender|sex|race|ethnic\w*|religion|health|salary|income)($|_)", re.I
)
VALUE_PATTERNS = {
    "email": re.compile(r"^[\w.+-]+@[\w-]+\.[\w.-]+$"),
    "phone": re.compile(r"^\+?\d[\d\s().-]{7,}\d$"),
    "us_ssn": re.compile(r"^\d{3}-\d{2}-\d{4}$"),
    "iban": re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$"),
    "ipv4": re.compile(r"^(\d{1,3}\.){3}\d{1,3}$"),
}
SAMPLE = 2000
MIN_MATCH_SHARE = 0.5


def scan_columns(df: Any, sensitive: list[str], seed: int) -> list[dict[str, Any]]:
    import pandas as pd

    found = []
    sample = df.sample(n=min(SAMPLE, len(df)), random_state=seed) if len(df) else df
    for col in df.columns:
        reasons = []
        kind = None
        if DIRECT_IDENTIFIER_NAMES.search(str(col)):
            reasons.append("name")
            kind = "direct_identifier"
        elif PERSONAL_NAMES.search(str(col)):
            reasons.append("name")
            kind = "personal"
        if col in sensitive:
            reasons.append("declared sensitive")
            kind = kind if kind == "direct_identifier" else "special_category"
        values = sample[col].dropna().astype(str).str.strip()
        textual = not pd.api.types.is_numeric_dtype(df[col]) and not pd.api.types.is_bool_dtype(df[col])
        if textual and len(values) and values.map(len).max() > 3:
            for pattern_name, pattern in VALUE_PATTERNS.items():
                share = float(values.str.match(pattern).mean())
                if share >= MIN_MATCH_SHARE:
                    reasons.append(f"values look like {pattern_name} ({share:.0%} of {len(values)} sampled)")
                    kind = "direct_identifier"
        if reasons:
            found.append({"column": str(col), "kind": kind, "found_by": reasons})
    return found


_FRACTION_TAG = 0x9E3779B97F4A7C15  # keeps a fraction's hash apart from a whole number's with the same bits


def canonical_hashes(s: Any) -> Any:
    """One 64-bit hash per cell of its canonical text, whatever the column's dtype: 37, 37.0 and "37" are the
    number 37, 0.5 and "0.5" the number 0.5, other text is itself stripped, missing is "".

    A split with one odd value in a column (age "unknown") is read with that column as text while the other
    splits read it as numbers; hashed by dtype, their identical rows would no longer match and leakage would go
    unseen. Numbers are hashed as numbers (whole ones as integers), text as text: no string is made per cell, so a
    million rows take a second, not ten."""
    import numpy as np
    import pandas as pd

    if pd.api.types.is_bool_dtype(s):
        s = s.astype("object")
    empty = pd.util.hash_array(np.array([""], dtype=object))[0]
    if pd.api.types.is_numeric_dtype(s):  # a missing or infinite number is ""
        numbers = s.astype("float64").to_numpy()
        out = np.full(len(s), empty, dtype=np.uint64)
    else:  # text: each distinct value read once (as a number where it is one), then spread to its rows
        codes, uniques = pd.factorize(s)  # a missing value is -1
        values = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
        as_numbers = np.append(pd.to_numeric(values, errors="coerce").astype("float64").to_numpy(), np.nan)
        as_text = pd.util.hash_array(values.astype("string").str.strip().fillna("").to_numpy(dtype=object))
        numbers = as_numbers[codes]  # code -1 reads the appended NaN
        out = np.append(as_text, empty).astype(np.uint64)[codes]
    finite = np.isfinite(numbers)
    whole = finite & (numbers == np.floor(numbers)) & (np.abs(numbers) < 2**53)
    fractional = finite & ~whole
    out[whole] = pd.util.hash_array(numbers[whole].astype(np.int64))
    out[fractional] = pd.util.hash_array(numbers[fractional]) ^ np.uint64(_FRACTION_TAG)
    return out


def row_hashes(df: Any) -> Any:
    """One hash per row over its cells' canonical hashes, columns in name order (a reordered file compares the
    same)."""
    import pandas as pd

    columns = {str(col): canonical_hashes(df[col]) for col in sorted(df.columns, key=str)}
    return pd.util.hash_pandas_object(pd.DataFrame(columns, index=df.index), index=False).to_numpy()


def shared_rows(a: Any, b: Any) -> tuple[int, float]:
    """How many rows of ``b`` (row hashes) are also in ``a``, and their share of ``b``: the one measure of
    split overlap (leakage), used by the profile collector and the data analyzer alike."""
    import numpy as np

    shared = np.isin(b, a)
    return int(shared.sum()), round(float(shared.mean()), 6) if len(b) else 0.0


def overlap(ctx: AnalysisContext, roles: list[str]) -> list[dict[str, Any]]:
    import numpy as np

    hashes = {role: row_hashes(ctx.frame(role)) for role in roles}
    out = []
    for i, a in enumerate(roles):
        for b in roles[i + 1 :]:
            rows, share = shared_rows(hashes[a], hashes[b])
            pair: dict[str, Any] = {
                "a": a,
                "b": b,
                "identical_rows_in_b": rows,
                "share_of_b": share,
                "same_file": ctx.dataset(a).sha256 == ctx.dataset(b).sha256,
            }
            key = ctx.settings.id_column
            if key and key in ctx.frame(a).columns and key in ctx.frame(b).columns:
                pair["shared_ids"] = int(np.isin(ctx.frame(b)[key].to_numpy(), ctx.frame(a)[key].to_numpy()).sum())
            out.append(pair)
    return out


def consent_and_retention(ctx: AnalysisContext, role: str, as_of: datetime) -> dict[str, Any]:
    """Counts rows without valid consent when the dataset's declared facts name a consent column."""
    ref = ctx.dataset(role)
    name = ref.path.name.rsplit(".", 1)[0]
    facts = ctx.dataset_facts.get(name, {})
    out: dict[str, Any] = {"dataset": role, "declared_facts": bool(facts)}
    consent = facts.get("consent") if isinstance(facts.get("consent"), dict) else None
    if consent and consent.get("column"):
        df = ctx.frame(role)
        col = str(consent["column"])
        if col not in df.columns:
            out["consent"] = {"column": col, "status": "column_absent"}
        else:
            valid = {str(v) for v in consent.get("valid_values", ["true", "True", "1", "yes"])}
            ok = df[col].astype(str).isin(valid)
            out["consent"] = {
                "column": col,
                "status": "measured",
                "rows": len(df),
                "rows_without_valid_consent": int((~ok).sum()),
            }
    retention = facts.get("retention_until")
    if retention:
        out["retention_until"] = str(retention)
        out["retention_passed"] = str(retention) < as_of.date().isoformat()
    return out


def quality(df: Any) -> dict[str, Any]:
    """Missing cells and duplicate rows, as shares (what DATA-003 compares with its limits)."""
    cells = df.shape[0] * df.shape[1]
    return {
        "missing_cells": int(df.isna().to_numpy().sum()),
        "missing_cell_rate": _r(df.isna().to_numpy().mean()) if cells else 0.0,
        "duplicate_rows": int(df.duplicated().sum()),
        "duplicate_row_rate": _r(df.duplicated().mean()) if len(df) else 0.0,
    }


def group_counts(df: Any, sensitive: list[str]) -> dict[str, dict[str, int]]:
    """Rows per group of each declared sensitive feature present in the dataset (DATA-005)."""
    out: dict[str, dict[str, int]] = {}
    for feature in sensitive:
        if feature in df.columns:
            counts = df[feature].astype(str).value_counts(dropna=False)
            out[feature] = {str(k): int(v) for k, v in sorted(counts.items())}
    return out


def reconcile(logged: dict[str, Any] | None, rows: int, columns: int) -> dict[str, Any]:
    """The file measured against what the training run logged of it: a row or element count that differs says
    the run was given other data than the file at its source (a sample logged, the full file read)."""
    if logged is None:
        return {"logged_by_run": None, "disagreements": []}
    found = {"rows": rows, "elements": rows * columns}
    disagreements = []
    for what in ("rows", "elements"):
        value = logged.get(what)
        if value is None:
            continue  # not profiled: nothing to hold the file to
        if not isinstance(value, int | float) or isinstance(value, bool):
            disagreements.append(f"{what}: the run logged {value!r}, not a number; the file holds {found[what]}")
        elif value != found[what]:
            disagreements.append(f"{what}: the run logged {value:g}, the file holds {found[what]}")
    return {"logged_by_run": logged, "disagreements": disagreements}


def analyze(ctx: AnalysisContext, as_of: datetime) -> dict[str, Any]:
    features = set(ctx.features)
    datasets = []
    for role in sorted(ctx.datasets):
        df = ctx.frame(role)
        found = scan_columns(df, ctx.sensitive_features, ctx.settings.seed)
        for f in found:
            f["model_feature"] = f["column"] in features
        datasets.append(
            {
                "role": role,
                "rows": len(df),
                "columns": len(df.columns),
                "uri": ctx.dataset(role).path.as_uri(),
                "sha256": ctx.dataset(role).sha256,
                "personal_data": found,
                "direct_identifiers_as_features": sorted(
                    f["column"] for f in found if f["kind"] == "direct_identifier" and f["model_feature"]
                ),
                "special_category_as_features": sorted(
                    f["column"] for f in found if f["kind"] == "special_category" and f["model_feature"]
                ),
                "quality": quality(df),
                "group_counts": group_counts(df, ctx.sensitive_features),
                **reconcile(ctx.dataset(role).logged, len(df), len(df.columns)),
            }
        )
    splits: list[str] = [r for r in ("train", "validation", "test") if r in ctx.datasets]
    return {
        "datasets": datasets,
        "split_overlap": overlap(ctx, splits),
        "consent_retention": [consent_and_retention(ctx, role, as_of) for role in splits],
        "method": {
            "personal_data": "column names and value patterns on a seeded sample of "
            f"{SAMPLE} rows per dataset (a pattern counts at {MIN_MATCH_SHARE:.0%} of values)",
            "overlap": "identical rows by a hash of every column (pandas.util.hash_pandas_object)",
        },
    }


plugin = Plugin(
    kind="analyzer",
    name="data",
    summary="the data itself: split overlap (leakage), duplicates, missing values, personal data, consent, retention",
    build=lambda _settings: Analyzer(measure=analyze, dated=True),
    roles={"data_scan": "one"},
    libraries=("pandas", "numpy"),
)
