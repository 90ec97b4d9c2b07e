"""Declared success metrics measured by ailm (the performance analyzer) and judged by DEV-003 on the measurement:
a number the training run logged is a claim, checked against the measurement and never enough alone."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from ailm.analysis import AnalysisSettings
from ailm.analysis import performance as perf_mod
from ailm.analysis.context import AnalysisContext, resolve_dataset

AS_OF = "2026-11-23"


def _ctx(tmp_path: Path, frame: pd.DataFrame, model: Any, metrics: list[str], **settings: Any) -> AnalysisContext:
    path = tmp_path / "eval.csv"
    frame.to_csv(path, index=False)
    s = AnalysisSettings(label="y", bootstrap=100, no_cache=True, **settings)
    ctx = AnalysisContext(
        subject="model_version:m/1", settings=s, model_uri="file:///nowhere", model_digest="0" * 64,
        model_evidence="reg1", datasets={"test": resolve_dataset("test", str(path), tmp_path, "t")},
        sensitive_features=[], sensitive_from="t", success_metrics=metrics, success_metrics_from="plan1",
    )  # fmt: skip
    ctx.model = model
    return ctx


def _data(n: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return pd.DataFrame({"x": x, "y": (x + rng.normal(0, 0.7, n) > 0.3).astype(int)})


def _fit(frame: pd.DataFrame) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression().fit(frame[["x"]], frame["y"])


def test_every_metric_matches_scikit_learn_with_an_interval_around_it(tmp_path: Path) -> None:
    from sklearn import metrics as skm

    df = _data()
    df.loc[:50, "x"] = df.loc[:50, "x"].round(0)  # tied scores: the AUC counts a tie as one half, as sklearn
    model = _fit(df)
    names = ["test_accuracy", "test_precision", "test_recall", "test_specificity", "test_f1_score",
             "balanced_accuracy", "test_roc_auc", "auc"]  # fmt: skip
    out = perf_mod.analyze(_ctx(tmp_path, df, model, names))["metrics"]
    y, y_hat, score = df["y"], model.predict(df[["x"]]), model.predict_proba(df[["x"]])[:, 1]
    tn, fp, _, _ = skm.confusion_matrix(y, y_hat).ravel()
    expected = {
        "test_accuracy": skm.accuracy_score(y, y_hat), "test_precision": skm.precision_score(y, y_hat),
        "test_recall": skm.recall_score(y, y_hat), "test_specificity": tn / (tn + fp),
        "test_f1_score": skm.f1_score(y, y_hat), "balanced_accuracy": skm.balanced_accuracy_score(y, y_hat),
        "test_roc_auc": skm.roc_auc_score(y, score), "auc": skm.roc_auc_score(y, score),
    }  # fmt: skip
    for name, value in expected.items():
        m = out[name]
        assert m["status"] == "measured" and m["split"] == "test", (name, m)
        assert m["value"] == pytest.approx(value, abs=1e-6), name
        lo, hi = m["ci"]
        assert lo <= m["value"] <= hi and hi - lo < 0.2, (name, m["ci"])
    assert out["test_recall"]["interval"] == "wilson" and out["test_roc_auc"]["interval"] == "delong"
    assert out["test_f1_score"]["interval"] == "bootstrap percentile"
    # DeLong from its definition, pair by pair over the rows: psi(x, y) = 1, 1/2, 0 as the positive scores above
    pos, neg = score[y == 1], score[y == 0]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    se = np.sqrt(v10.var(ddof=1) / len(pos) + v01.var(ddof=1) / len(neg))
    auc = psi.mean()
    assert out["test_roc_auc"]["ci"] == pytest.approx([auc - 1.959964 * se, auc + 1.959964 * se], abs=2e-6)


def test_the_wilson_interval_is_the_textbook_one() -> None:
    # 81 of 263 at 95%: 0.2553-0.3662 (Wilson 1927, as in Newcombe 1998, table I's method 3)
    assert perf_mod.wilson(81, 263, 0.95) == pytest.approx([0.2553, 0.3662], abs=1e-4)


@pytest.mark.parametrize(
    ("name", "status", "reason"),
    [
        ("test_recall", "undefined", "the split has no positive label in the test data"),
        ("test_precision", "undefined", "the model predicts no positive in the test data"),
        ("test_roc_auc", "undefined", "the split lacks positive or negative labels in the test data"),
        ("test_brier", "not_measurable", "ailm has no method for 'test_brier'"),
        ("validation_accuracy", "not_measurable", "no validation dataset to measure it on"),
    ],
)
def test_what_cannot_be_measured_is_never_a_number(tmp_path: Path, name: str, status: str, reason: str) -> None:
    from sklearn.dummy import DummyClassifier

    df = _data()
    if name == "test_precision":  # a model that never predicts the positive class
        model = DummyClassifier(strategy="constant", constant=0).fit(df[["x"]], df["y"])
    else:  # a real model, evaluated on a split without a positive label: recall and AUC have nothing to count
        model, df = _fit(df), df.assign(y=0)
    m = perf_mod.analyze(_ctx(tmp_path, df, model, [name]))["metrics"][name]
    assert m["status"] == status and m["value"] is None
    assert reason in m["reason"]


def test_names_are_read_as_split_and_metric() -> None:
    assert perf_mod.parse("test_recall", "test") == ("test", "recall")
    assert perf_mod.parse("val_accuracy_score", "test") == ("validation", "accuracy")
    assert perf_mod.parse("validation.f1", "test") == ("validation", "f1")
    assert perf_mod.parse("ROC_AUC", "test") == ("test", "roc_auc")
    assert perf_mod.parse("training_accuracy", "test") == ("train", "accuracy")
    assert isinstance(perf_mod.parse("support_refusal_accuracy", "test"), str)  # a task's own score: not ours


# ---- DEV-003 on the demo: the run's log edited in the registry ------------------------------------------------


def _edited_store(demo_copy: Path, demo_root: Path, tmp_path: Path, **logged: float) -> None:
    """A copy of the demo's MLflow store whose run logged other numbers, and the config pointing at it."""
    store = tmp_path / "mlflow.db"
    shutil.copy(demo_root / ".ailm" / "demo" / "mlflow.db", store)
    with sqlite3.connect(store) as conn:
        for key, value in logged.items():
            for table in ("metrics", "latest_metrics"):
                assert conn.execute(f"UPDATE {table} SET value = ? WHERE key = ?", (value, key)).rowcount == 1
    cfg = demo_copy / "ailm.yaml"
    cfg.write_text(cfg.read_text().replace(str(demo_root / ".ailm" / "demo" / "mlflow.db"), str(store)))


def _dev_003(run_cli: Any, demo_copy: Path, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "out"
    res = run_cli("audit", "--config", demo_copy / "ailm.yaml", "--out", out, "--no-sign", "--format", "json",
                  "--as-of", AS_OF)  # fmt: skip
    assert res.code == 1, res.err + res.out[-2000:]
    report = json.loads((out / "report.json").read_text())
    return next(r for r in report["results"] if r["control"] == "DEV-003")


def test_a_logged_recall_raised_in_the_registry_is_judged_on_the_measured_one(
    run_cli: Any, demo_copy: Path, demo_root: Path, tmp_path: Path
) -> None:
    _edited_store(demo_copy, demo_root, tmp_path, test_recall=0.95)
    result = _dev_003(run_cli, demo_copy, tmp_path)
    messages = [f["message"] for f in result["findings"]]
    assert result["status"] == "fail", messages
    assert any(m.startswith("test_recall = 0.659189 (measured by ailm on the test split, CI 0.64") for m in messages)
    assert any(m.startswith("test_recall logged by run ") and "as 0.95 disagrees with ailm's measurement 0.659189"
               in m for m in messages), messages  # fmt: skip
    assert "analysis:performance:adult-income/1" in result["evidence"]


def test_without_a_measurement_a_logged_number_cannot_pass_dev_003(
    run_cli: Any, demo_copy: Path, demo_root: Path, tmp_path: Path
) -> None:
    _edited_store(demo_copy, demo_root, tmp_path, test_recall=0.95)
    cfg = demo_copy / "ailm.yaml"
    text = cfg.read_text()
    cfg.write_text(text[: text.index("\nanalysis:")] + "\n")  # no analysis block: nothing is measured
    result = _dev_003(run_cli, demo_copy, tmp_path)
    messages = [f["message"] for f in result["findings"]]
    assert result["status"] == "fail"
    end = "a logged number cannot alone satisfy this critical control"
    assert any(m.startswith("test_recall = 0.95 is logged by run ") and "not measured" in m and m.endswith(end)
               for m in messages), messages  # fmt: skip


# ---- undefined rates in the fairness measurement -------------------------------------------------------------


def test_a_group_without_positive_labels_has_no_true_positive_rate(tmp_path: Path) -> None:
    """fairlearn 0.15 gives such a group a TPR of 0.0; a rate with nothing to count is left out with the reason."""
    from ailm.analysis import fairness as fair_mod

    rng = np.random.default_rng(3)
    df = _data(600).assign(g=rng.choice(["a", "b"], 600))
    model = _fit(df)
    c = _data(34, seed=9).assign(g="c", y=0)  # 34 rows, not one positive label
    df = pd.concat([df, c], ignore_index=True)
    ctx = _ctx(tmp_path, df, model, [], sensitive_features=["g"])
    ctx.sensitive_features = ["g"]
    m = fair_mod.analyze(ctx)["features"][0]
    groups = {g["group"]: g for g in m["groups"]}
    assert groups["c"]["true_positive_rate"] is None and groups["c"]["true_positive_rate_ci"] == [None, None]
    assert groups["c"]["false_positive_rate"] is not None  # its negatives are counted: it stays in the FPR comparison
    assert m["excluded_from_equalized_odds"] == [
        {"group": "c", "rate": "tpr", "reason": "no positive true label, so its true positive rate is undefined"}
    ]
    y_hat = model.predict(df[["x"]])
    tpr = [y_hat[(df.g == g) & (df.y == 1)].mean() for g in ("a", "b")]
    fpr = [y_hat[(df.g == g) & (df.y == 0)].mean() for g in ("a", "b", "c")]
    assert m["equalized_odds_difference"] == pytest.approx(max(max(tpr) - min(tpr), max(fpr) - min(fpr)), abs=1e-6)
    assert any(n.startswith("group c: no positive true label") for n in m["notes"])


def test_with_one_group_left_for_a_rate_equalized_odds_are_null(tmp_path: Path) -> None:
    from ailm.analysis import fairness as fair_mod

    df = _data(600).assign(g="a")
    model = _fit(df)
    df = pd.concat([df, _data(60, seed=4).assign(g="b", y=0)], ignore_index=True)
    ctx = _ctx(tmp_path, df, model, [], sensitive_features=["g"])
    ctx.sensitive_features = ["g"]
    m = fair_mod.analyze(ctx)["features"][0]
    assert m["status"] == "measured" and m["equalized_odds_difference"] is None
    assert m["confidence_intervals"]["equalized_odds_difference"] is None
    assert any("equalized odds are undefined" in n for n in m["notes"])


def test_a_deleted_training_run_is_not_the_run_of_record(
    run_cli: Any, demo_copy: Path, demo_root: Path, tmp_path: Path
) -> None:
    _edited_store(demo_copy, demo_root, tmp_path)
    with sqlite3.connect(tmp_path / "mlflow.db") as conn:  # the run moved to MLflow's trash (mlflow runs delete)
        assert conn.execute("UPDATE runs SET lifecycle_stage = 'deleted'").rowcount == 1
    manifest = demo_copy / "manifest.yaml"  # a threshold the measured recall meets: only the deleted run fails
    manifest.write_text(manifest.read_text().replace("threshold: 0.70", "threshold: 0.65"))
    result = _dev_003(run_cli, demo_copy, tmp_path)
    assert result["status"] == "fail"
    assert [f["message"] for f in result["findings"]] == [
        f"training run {result['evidence'][-1].split(':')[-1]} is deleted in the tracking store: it is not the "
        "training run of record, and its logged metrics and start time are not evidence"
    ]


# ---- the dataset the run logged against the file measured ------------------------------------------------------


def _dev_001(run_cli: Any, demo_copy: Path, tmp_path: Path) -> list[str]:
    out = tmp_path / "out"
    res = run_cli("audit", "--config", demo_copy / "ailm.yaml", "--out", out, "--no-sign", "--format", "json",
                  "--as-of", AS_OF)  # fmt: skip
    assert res.code == 1, res.err + res.out[-2000:]
    report = json.loads((out / "report.json").read_text())
    return [f["message"] for r in report["results"] if r["control"] == "DEV-001" for f in r["findings"]]


def test_a_logged_sample_is_not_the_file_at_its_source(
    run_cli: Any, demo_copy: Path, demo_root: Path, tmp_path: Path
) -> None:
    _edited_store(demo_copy, demo_root, tmp_path)
    with sqlite3.connect(tmp_path / "mlflow.db") as conn:  # the run logged a 1,000-row sample of the training file
        profile = json.dumps({"num_rows": 1000, "num_elements": 14000})
        assert conn.execute("UPDATE datasets SET dataset_profile = ? WHERE name = 'adult-train'", (profile,)).rowcount
    messages = [m for m in _dev_001(run_cli, demo_copy, tmp_path) if "is not the file ailm measured" in m]
    assert len(messages) == 1, messages
    assert messages[0].startswith("the train dataset run ")
    assert "(mlflow:dataset:adult-train@5b30de60, MLflow digest 5b30de60)" in messages[0]
    assert "adult-train.csv, sha256 " in messages[0]
    assert messages[0].endswith(
        "rows: the run logged 1000, the file holds 24129; elements: the run logged 14000, the file holds 337806"
    )


def test_the_demo_logged_the_files_it_measured(run_cli: Any, demo_copy: Path, tmp_path: Path) -> None:
    assert not [m for m in _dev_001(run_cli, demo_copy, tmp_path) if "is not the file ailm measured" in m]
