"""What an analysis of one model version reads: the registered model, its datasets, its sensitive attributes.

Everything is found where the ML work left it (the registry's artifact location, the run's dataset inputs)
unless the config names a file. Files are hashed before they are read, and the digests go into every record,
so each measured number can be traced to the exact bytes it came from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ailm.analysis.settings import AnalysisSettings
from ailm.canonical import sha256_file
from ailm.errors import InputError
from ailm.tables import read_table


def path_of(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme == "" and uri:
        return Path(uri)
    return None


@dataclass(frozen=True)
class Analyzer:
    """What an analyzer plugin builds: a measurement of one model version, as plain JSON values."""

    measure: Callable[[AnalysisContext, datetime], dict[str, Any]]
    needs: tuple[str, ...] = ()  # dataset roles without which there is nothing to measure (skipped, no record)
    dated: bool = False  # the result depends on the audit date (retention, consent), not only on the inputs


@dataclass(frozen=True)
class DatasetRef:
    role: str
    path: Path
    sha256: str
    where: str  # what named it: a config field or an evidence id, for messages
    evidence: str | None = None  # the ds record it is, when it came from the registry
    logged: dict[str, Any] | None = None  # what the training run's tracking store recorded of its data (a claim)

    def describe(self) -> dict[str, Any]:
        out = {"role": self.role, "uri": self.path.as_uri(), "sha256": self.sha256, "evidence": self.evidence}
        return out | ({"logged": self.logged} if self.logged is not None else {})


@dataclass
class AnalysisContext:
    """One subject's model and data, loaded lazily and once."""

    subject: str
    settings: AnalysisSettings
    model_uri: str
    model_digest: str
    model_evidence: str
    datasets: dict[str, DatasetRef]
    sensitive_features: list[str]
    sensitive_from: str  # evidence id or config field the sensitive feature list came from
    sensitive_file: DatasetRef | None = None
    dataset_facts: dict[str, dict[str, Any]] = field(default_factory=dict)  # dataset name -> declared facts
    success_metrics: list[str] = field(default_factory=list)  # the metric names the plan declares
    success_metrics_from: str = "none declared"  # the plan record they came from
    # what has been read or computed once per role: tables, 0/1 labels, (predictions, scores)
    _frames: dict[str, Any] = field(default_factory=dict, init=False, repr=False)
    _labels: dict[str, Any] = field(default_factory=dict, init=False, repr=False)
    _predictions: dict[str, tuple[Any, Any]] = field(default_factory=dict, init=False, repr=False)

    @cached_property
    def model(self) -> Any:
        import logging
        import os
        import warnings

        os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
        import mlflow.sklearn

        logging.getLogger("mlflow").setLevel(logging.ERROR)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return mlflow.sklearn.load_model(self.model_uri)
        except Exception as exc:
            raise InputError(f"{self.model_evidence}: cannot load the model at {self.model_uri}: {exc}") from None

    @cached_property
    def features(self) -> list[str]:
        names = getattr(self.model, "feature_names_in_", None)
        if names is None:
            raise InputError(f"{self.model_evidence}: the model does not record its input feature names")
        return [str(n) for n in names]

    def frame(self, role: str) -> Any:
        if role not in self._frames:
            ref = self.dataset(role)
            df = read_table(ref.path, ref.where)
            if len(df) == 0:
                raise InputError(f"{ref.path} ({ref.where}): the {role} dataset has no rows")
            if role == self.settings.evaluate_on and self.sensitive_file is not None:
                df = self._join_sensitive(df)
            self._frames[role] = df
        return self._frames[role]

    def dataset(self, role: str) -> DatasetRef:
        try:
            return self.datasets[role]
        except KeyError:
            known = ", ".join(sorted(self.datasets)) or "none"
            raise InputError(
                f"analysis of {self.subject}: no {role} dataset (found: {known}); "
                f"name it under analysis.datasets.{role}"
            ) from None

    def _join_sensitive(self, df: Any) -> Any:
        assert self.sensitive_file is not None and self.settings.sensitive_data is not None
        key = self.settings.sensitive_data.id_column
        side = read_table(self.sensitive_file.path, self.sensitive_file.where)
        for table, ref in ((df, self.dataset(self.settings.evaluate_on)), (side, self.sensitive_file)):
            if key not in table.columns:
                raise InputError(f"{ref.path}: no id column {key!r} to join the sensitive attributes on")
        if side[key].duplicated().any():
            raise InputError(f"{self.sensitive_file.path}: id column {key!r} has duplicate ids")
        keep = [c for c in side.columns if c == key or c not in df.columns]
        return df.merge(side[keep], on=key, how="left", validate="many_to_one")

    def labels(self, role: str) -> Any:
        if role not in self._labels:
            df = self.frame(role)
            if self.settings.label not in df.columns:
                ref = self.dataset(role)
                raise InputError(f"{ref.path}: no label column {self.settings.label!r} (analysis.label)")
            positive = str(self.settings.positive_label)
            self._labels[role] = (df[self.settings.label].astype(str) == positive).astype("int64").to_numpy()
        return self._labels[role]

    def model_input(self, role: str) -> Any:
        df = self.frame(role)
        missing = [f for f in self.features if f not in df.columns]
        if missing:
            ref = self.dataset(role)
            raise InputError(f"{ref.path}: the model's features {', '.join(missing)} are not in the {role} dataset")
        return df[self.features]

    def predictions(self, role: str) -> tuple[Any, Any]:
        """(predicted labels as 0/1, scores for the positive class or None)."""
        if role not in self._predictions:
            import numpy as np

            model = self.model
            x = self.model_input(role)
            classes = [str(c) for c in getattr(model, "classes_", [])]
            positive = str(self.settings.positive_label)
            proba = np.asarray(model.predict_proba(x)) if hasattr(model, "predict_proba") else None
            if proba is not None and _predicts_by_argmax(model):  # one pass of the model, not two
                predicted = np.asarray(model.classes_)[proba.argmax(axis=1)]
            else:
                predicted = np.asarray(model.predict(x))
            y_hat = (predicted.astype(str) == positive).astype("int64")
            score = proba[:, classes.index(positive)] if proba is not None and positive in classes else None
            self._predictions[role] = (y_hat, score)
        return self._predictions[role]

    def inputs_digest_view(self) -> dict[str, Any]:
        """What the analysis read, by digest: part of every record and of the cache key."""
        return {
            "model": {"uri": self.model_uri, "artifact_sha256": self.model_digest, "evidence": self.model_evidence},
            "datasets": {role: ref.describe() for role, ref in sorted(self.datasets.items())},
            "sensitive_data": self.sensitive_file.describe() if self.sensitive_file else None,
            "sensitive_features": list(self.sensitive_features),
            "sensitive_features_from": self.sensitive_from,
            "success_metrics": list(self.success_metrics),
        }


# scikit-learn classifiers whose predict() is, in its own code, classes_[argmax(predict_proba())]: for them the
# labels are read off the probabilities (a million rows of a boosted model take seconds per pass). By exact type:
# a subclass may predict otherwise. LogisticRegression is not here (it thresholds the margin, and a margin that
# rounds to probability 0.5 would give the other label).
_ARGMAX_PREDICTORS = frozenset(
    {
        "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
        "sklearn.ensemble._forest.RandomForestClassifier",
        "sklearn.ensemble._forest.ExtraTreesClassifier",
        "sklearn.tree._classes.DecisionTreeClassifier",
    }
)


def _predicts_by_argmax(model: Any) -> bool:
    def name(obj: Any) -> str:
        return f"{type(obj).__module__}.{type(obj).__qualname__}"

    final = model
    if name(model) == "sklearn.pipeline.Pipeline":  # predict and predict_proba both transform, then the last step
        final = model.steps[-1][1]
    return name(final) in _ARGMAX_PREDICTORS and hasattr(final, "classes_")


def resolve_dataset(role: str, spec: str, base_dir: Path, where: str) -> DatasetRef:
    path = path_of(spec)
    if path is None:
        raise InputError(f"{where}: {spec!r} is not a local file; analyzers read files (file:// or a path)")
    path = (base_dir / path).resolve()
    if not path.is_file():
        raise InputError(f"{where}: {path}: no such file")
    try:
        digest = sha256_file(path)
    except OSError as exc:
        raise InputError(f"{where}: {path}: cannot read: {exc.strerror}") from None
    return DatasetRef(role=role, path=path, sha256=digest, where=where)
