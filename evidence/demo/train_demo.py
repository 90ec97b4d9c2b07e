"""The bundled demo: train a real income classifier on UCI Adult and register it in a local MLflow store.

What a data-science team's own pipeline would leave behind: a run with its parameters, metrics (accuracy
and fairlearn's group metrics on the test split), the three data splits as dataset inputs with digests, a
registered model version with an alias, and the approver's tag. ailm then audits what is there.

Run as ``python evidence/demo/train_demo.py --root .`` (``make demo`` does); a script of the demo, not part of
the engine (the wheel does not carry it); the store goes to ``.ailm/demo/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

MODEL_NAME = "adult-income"
LEGACY_NAME = "adult-income-legacy"  # the fleet demo's second model: the champion it replaced, now retired
GENAI_NAME = "support-assistant"  # the generative demo's application (its model is a stand-in: genai/standin.py)
PROMPT_NAME = "support-assistant-system"  # its system prompt, in MLflow's prompt registry
SEED = 20261123
# When the demo's pipeline ran, as its MLflow store records it: a fixed day, so that an audit as of the
# demo's clock (the tests audit as of 2026-11-23) sees a version that was registered by then, whatever day
# `make demo` runs. An audit sees only what had been registered by its clock.
DEMO_CLOCK_MS = 1_795_165_200_000  # 2026-11-20T09:00:00Z
_CLOCK_MARK = "clock 2026-11-20T09:00:00Z"
COLUMNS = [
    "age", "workclass", "fnlwgt", "education", "education_num", "marital_status", "occupation",
    "relationship", "race", "sex", "capital_gain", "capital_loss", "hours_per_week", "native_country",
    "income",
]  # fmt: skip
SENSITIVE = ["sex", "race"]
CATEGORICAL = ["workclass", "education", "marital_status", "occupation", "relationship", "native_country"]
NUMERIC = ["age", "education_num", "capital_gain", "capital_loss", "hours_per_week"]
FEATURES = NUMERIC + CATEGORICAL  # sex and race are kept out of the features, and used to measure fairness
TARGET = "income"


@dataclass(frozen=True)
class DemoPaths:
    root: Path

    @property
    def data_in(self) -> Path:
        return self.root / "evidence" / "demo" / "data"

    @property
    def work(self) -> Path:
        return self.root / ".ailm" / "demo"

    @property
    def splits(self) -> Path:
        return self.work / "data"

    @property
    def store(self) -> Path:
        return self.work / "mlflow.db"

    @property
    def built(self) -> Path:
        """Written last: a store without it is a build that did not finish."""
        return self.work / "BUILT"

    @property
    def artifacts(self) -> Path:
        return self.work / "artifacts"

    @property
    def signing_key(self) -> Path:
        """The demo organisation's model-signing key (ECDSA P-256); its .pub is what the audit trusts."""
        return self.work / "model-signing" / "signing.key"

    @property
    def lineage(self) -> Path:
        """OpenLineage events of the preparation step, as the openlineage-python file transport writes them."""
        return self.work / "lineage" / "prepare.ndjson"


def load_adult(data_dir: Path) -> tuple[Any, Any]:
    """The UCI Adult train and test files as shipped, cleaned as the dataset's own notes describe."""
    import pandas as pd

    def read(name: str, skip: int) -> Any:
        df = pd.read_csv(
            data_dir / name,
            names=COLUMNS,
            skipinitialspace=True,
            na_values="?",
            skiprows=skip,
            compression="gzip",
        )
        df = df.dropna().drop(columns=["fnlwgt"]).reset_index(drop=True)
        df[TARGET] = (df[TARGET].str.rstrip(".") == ">50K").astype("int64")
        return df

    return read("adult.data.gz", 0), read("adult.test.gz", 1)


def _pipeline() -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OrdinalEncoder

    encode = ColumnTransformer(
        [("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), CATEGORICAL)],
        remainder="passthrough",
        verbose_feature_names_out=False,
    )
    n_cat = len(CATEGORICAL)
    model = HistGradientBoostingClassifier(
        max_iter=200,
        learning_rate=0.1,
        max_leaf_nodes=31,
        categorical_features=list(range(n_cat)),
        random_state=SEED,
    )
    return Pipeline([("encode", encode), ("model", model)])


def _metrics(y_true: Any, y_pred: Any, y_score: Any, sensitive: Any) -> dict[str, float]:
    from fairlearn.metrics import (
        demographic_parity_difference,
        demographic_parity_ratio,
        equalized_odds_difference,
        equalized_odds_ratio,
    )
    from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score

    out = {
        "test_accuracy": accuracy_score(y_true, y_pred),
        "test_precision": precision_score(y_true, y_pred),
        "test_recall": recall_score(y_true, y_pred),
        "test_f1": f1_score(y_true, y_pred),
        "test_roc_auc": roc_auc_score(y_true, y_score),
    }
    for col in SENSITIVE:
        s = sensitive[col]
        out[f"fairness.{col}.demographic_parity_ratio"] = demographic_parity_ratio(y_true, y_pred, sensitive_features=s)
        out[f"fairness.{col}.demographic_parity_difference"] = demographic_parity_difference(
            y_true, y_pred, sensitive_features=s
        )
        out[f"fairness.{col}.equalized_odds_ratio"] = equalized_odds_ratio(y_true, y_pred, sensitive_features=s)
        out[f"fairness.{col}.equalized_odds_difference"] = equalized_odds_difference(
            y_true, y_pred, sensitive_features=s
        )
    return {k: round(float(v), 6) for k, v in out.items()}


def build(root: Path, *, force: bool = False, quiet: bool = False) -> Path:
    """Train and register the demo model unless the store already holds it. Returns the store path."""
    paths = DemoPaths(root.resolve())
    fresh = paths.built.exists() and _CLOCK_MARK in paths.built.read_text()  # older stores: rebuild
    fresh = fresh and paths.signing_key.with_suffix(".pub").exists()  # a store from before signed models
    if fresh and paths.lineage.exists() and not force:  # a store from before lineage: rebuild
        if not quiet:
            print(f"demo: MLflow store already built at {paths.store} (use --force to rebuild)")
        return paths.store
    if paths.work.exists():
        shutil.rmtree(paths.work)  # our own scratch folder, never user data
    paths.splits.mkdir(parents=True)
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")

    import logging
    import warnings

    import mlflow
    import mlflow.sklearn
    from sklearn.model_selection import train_test_split

    logging.getLogger("mlflow").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")

    full_train, test = load_adult(paths.data_in)
    train, validation = train_test_split(full_train, test_size=0.2, random_state=SEED, stratify=full_train[TARGET])
    splits = {"train": train, "validation": validation, "test": test}
    for name, df in splits.items():
        df.to_csv(paths.splits / f"adult-{name}.csv", index=False)
    emit_prepare_lineage(
        paths.lineage,
        [paths.data_in / "adult.data.gz", paths.data_in / "adult.test.gz"],
        {name: paths.splits / f"adult-{name}.csv" for name in splits},
        {name: len(df) for name, df in splits.items()},
    )

    uri = f"sqlite:///{paths.store}"
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    exp_id = client.create_experiment("adult-income", artifact_location=paths.artifacts.as_uri())

    pipe = _pipeline()
    with mlflow.start_run(experiment_id=exp_id, run_name="train-hgb") as run:
        tags = {"mlflow.user": "data-scientist@example.org", "team": "credit-risk-ml", "seed": str(SEED)}
        commit = _git_commit(root)
        if commit:  # outside a git checkout there is no commit to record, and none is made up
            tags["mlflow.source.git.commit"] = commit
        mlflow.set_tags(tags)
        for name, df in splits.items():
            ds = mlflow.data.from_pandas(  # type: ignore[attr-defined]
                df, source=(paths.splits / f"adult-{name}.csv").as_uri(), name=f"adult-{name}", targets=TARGET
            )
            mlflow.log_input(ds, context=name)
        model_params = pipe.named_steps["model"].get_params()
        mlflow.log_params(
            {k: model_params[k] for k in ("max_iter", "learning_rate", "max_leaf_nodes", "random_state")}
            | {"estimator": "HistGradientBoostingClassifier", "features": ",".join(FEATURES)}
        )
        pipe.fit(train[FEATURES], train[TARGET])
        val_acc = float((pipe.predict(validation[FEATURES]) == validation[TARGET]).mean())
        y_pred = pipe.predict(test[FEATURES])
        y_score = pipe.predict_proba(test[FEATURES])[:, 1]
        metrics = _metrics(test[TARGET], y_pred, y_score, test[SENSITIVE])
        metrics["validation_accuracy"] = round(val_acc, 6)
        mlflow.log_metrics(metrics)
        model_folder = _log_model(pipe, test, y_pred, MODEL_NAME, _trusted_types(), paths)
        run_id = run.info.run_id
    write_provenance(paths, model_folder, run_id, {n: paths.splits / f"adult-{n}.csv" for n in splits})
    version = _latest_version(client)
    client.set_registered_model_tag(MODEL_NAME, "owner", "credit-risk-ml")
    client.set_model_version_tag(MODEL_NAME, version, "validated_by", "model-validation@example.org")
    client.set_model_version_tag(MODEL_NAME, version, "approved_by", "data-scientist@example.org")
    client.set_registered_model_alias(MODEL_NAME, "champion", version)
    _stamp(paths.store, run_id)
    paths.built.write_text(f"{MODEL_NAME} version {version} run {run_id} {_CLOCK_MARK}\n")
    if not quiet:
        print(f"demo: trained run {run_id}, registered {MODEL_NAME} version {version} in {uri}")
        print("demo: " + ", ".join(f"{k}={v:.3f}" for k, v in sorted(metrics.items())))
    return paths.store


def _log_model(pipe: Any, test: Any, y_pred: Any, name: str, trusted: list[str], paths: DemoPaths) -> Path:
    """Log the fitted pipeline in the skops format (no pickle), register it under ``name`` and sign the logged
    artifact folder with the demo's model-signing key (OpenSSF model signing: model.sig in the folder)."""
    import mlflow.sklearn
    from mlflow.models import infer_signature

    info = mlflow.sklearn.log_model(
        pipe,
        name="model",
        signature=infer_signature(test[FEATURES].head(50), y_pred[:50]),
        pip_requirements=["scikit-learn"],
        registered_model_name=name,
        serialization_format="skops",
        skops_trusted_types=trusted,
    )
    folder = Path(unquote(urlparse(mlflow.get_logged_model(info.model_id).artifact_location).path))
    sign_model(folder, paths.signing_key)
    return folder


def write_provenance(paths: DemoPaths, model_folder: Path, run_id: str, inputs: dict[str, Path]) -> Path:
    """The training step's SLSA provenance as an in-toto statement in a DSSE envelope, signed with the demo's
    signing key, as a pipeline would attest what it built from what: the model file by digest, the splits."""
    import hashlib
    import json

    from cryptography.hazmat.primitives import serialization

    from ailm.signing import dsse

    def sha256(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    model_file = model_folder / "model.skops"
    statement = {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": model_file.name, "digest": {"sha256": sha256(model_file)}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": "https://ailm.dev/demo/train-hgb@v1",
                "externalParameters": {"script": "evidence/demo/train_demo.py", "seed": SEED},
                "resolvedDependencies": [
                    {"name": name, "uri": path.as_uri(), "digest": {"sha256": sha256(path)}}
                    for name, path in sorted(inputs.items())
                ],
            },
            "runDetails": {
                "builder": {"id": "https://ailm.dev/demo/train_demo.py"},
                "metadata": {"invocationId": f"mlflow-run:{run_id}"},
            },
        },
    }
    key = serialization.load_pem_private_key(paths.signing_key.read_bytes(), password=None)
    payload = json.dumps(statement, sort_keys=True, separators=(",", ":")).encode("utf-8")
    envelope = dsse.sign(payload, dsse.IN_TOTO_PAYLOAD_TYPE, key)  # type: ignore[arg-type]
    out = paths.work / "attestations" / "train-provenance.dsse.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(envelope, indent=2) + "\n")
    return out


def sign_model(folder: Path, key: Path) -> Path:
    """Sign a model folder as a team would with ``model_signing sign key``: model.sig inside it, over every
    other file. The key pair is made on first use (the demo's stand-in for the organisation's signing key)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from model_signing import hashing, signing

    if not key.exists():
        key.parent.mkdir(parents=True, exist_ok=True)
        private = ec.generate_private_key(ec.SECP256R1())
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        key.write_bytes(pem)
        key.chmod(0o600)
        public = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        key.with_suffix(".pub").write_bytes(public)
    signature = folder / "model.sig"
    config = signing.Config().set_hashing_config(hashing.Config().set_ignored_paths(paths=[signature]))  # type: ignore[no-untyped-call]
    config.use_elliptic_key_signer(private_key=key).sign(folder, signature)
    return signature


def _stamp(store: Path, run_id: str) -> None:
    """Put the run and the registration at the demo's clock, keeping how long training took."""
    import sqlite3

    with sqlite3.connect(store) as db:
        (start,) = db.execute("SELECT start_time FROM runs WHERE run_uuid = ?", (run_id,)).fetchone()
        shift = DEMO_CLOCK_MS - int(start)
        db.execute("UPDATE runs SET start_time = start_time + ?, end_time = end_time + ?", (shift, shift))
        for table, created, updated in (
            ("model_versions", "creation_time", "last_updated_time"),
            ("registered_models", "creation_time", "last_updated_time"),
            ("logged_models", "creation_timestamp_ms", "last_updated_timestamp_ms"),
        ):
            sql = f"UPDATE {table} SET {created} = {created} + ?, {updated} = {updated} + ?"  # noqa: S608 - ours
            db.execute(sql, (shift, shift))


def emit_prepare_lineage(events: Path, raw: list[Path], outputs: dict[str, Path], rows: dict[str, int]) -> None:
    """What a pipeline instrumented with OpenLineage records for the preparation step: START with the raw
    files as inputs, COMPLETE with the splits as outputs (schema, row counts, sha256 as dataset version,
    owner), written by the real openlineage-python client through its file transport."""
    import uuid
    from datetime import UTC, datetime

    import pandas as pd
    from openlineage.client import OpenLineageClient
    from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
    from openlineage.client.facet_v2 import (
        dataset_version_dataset,
        output_statistics_output_dataset,
        ownership_dataset,
        schema_dataset,
    )
    from openlineage.client.transport.file import FileConfig, FileTransport

    from ailm.canonical import sha256_file

    events.parent.mkdir(parents=True, exist_ok=True)
    client = OpenLineageClient(transport=FileTransport(FileConfig(log_file_path=str(events), append=True)))
    digests = {name: sha256_file(path) for name, path in outputs.items()}
    run = Run(runId=str(uuid.uuid5(uuid.NAMESPACE_URL, "ailm-demo-prepare:" + ":".join(sorted(digests.values())))))
    job = Job(namespace="ailm-demo", name="prepare-adult")
    inputs = [
        InputDataset(
            namespace="file",
            name=str(path.resolve()),
            facets={"version": dataset_version_dataset.DatasetVersionDatasetFacet(datasetVersion=sha256_file(path))},
        )
        for path in raw
    ]
    outs = []
    for name, path in outputs.items():
        columns = pd.read_csv(path, nrows=5).dtypes
        outs.append(
            OutputDataset(
                namespace="file",
                name=str(path.resolve()),
                facets={
                    "schema": schema_dataset.SchemaDatasetFacet(
                        fields=[
                            schema_dataset.SchemaDatasetFacetFields(name=c, type=str(t)) for c, t in columns.items()
                        ]
                    ),
                    "version": dataset_version_dataset.DatasetVersionDatasetFacet(datasetVersion=digests[name]),
                    "ownership": ownership_dataset.OwnershipDatasetFacet(
                        owners=[ownership_dataset.Owner(name="team:credit-risk-ml", type="TEAM")]
                    ),
                },
                outputFacets={
                    "outputStatistics": output_statistics_output_dataset.OutputStatisticsOutputDatasetFacet(
                        rowCount=rows[name], size=path.stat().st_size
                    )
                },
            )
        )
    now = datetime.now(UTC).isoformat()
    client.emit(RunEvent(eventType=RunState.START, eventTime=now, run=run, job=job, inputs=inputs))
    end = datetime.now(UTC).isoformat()
    client.emit(RunEvent(eventType=RunState.COMPLETE, eventTime=end, run=run, job=job, inputs=inputs, outputs=outs))


def _latest_version(client: Any, name: str = MODEL_NAME) -> str:
    versions = client.search_model_versions(f"name='{name}'")
    return str(max(int(v.version) for v in versions))


def _legacy_pipeline() -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    encode = ColumnTransformer(
        [
            ("cat", OneHotEncoder(handle_unknown="ignore", min_frequency=20), CATEGORICAL),
            ("num", StandardScaler(), NUMERIC),
        ],
        verbose_feature_names_out=False,
    )
    return Pipeline([("encode", encode), ("model", LogisticRegression(max_iter=500, C=1.0))])


LEGACY_CLOCK_MS = DEMO_CLOCK_MS - 14 * 86_400_000  # two weeks before the champion: the model it replaced


def build_fleet(root: Path, *, quiet: bool = False) -> None:
    """Add the fleet demo's second model to the demo store (once): a logistic regression trained on the same
    splits, registered as adult-income-legacy version 1, which the team retires in the registry (set_lifecycle)."""
    paths = DemoPaths(root.resolve())
    build(root, quiet=True)
    uri = f"sqlite:///{paths.store}"
    import logging
    import warnings

    import mlflow
    import mlflow.sklearn
    import pandas as pd

    logging.getLogger("mlflow").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    if client.search_registered_models(f"name='{LEGACY_NAME}'"):
        if not quiet:
            print(f"demo: {LEGACY_NAME} already registered in {uri}")
        return
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    splits = {name: pd.read_csv(paths.splits / f"adult-{name}.csv") for name in ("train", "validation", "test")}
    exp = client.get_experiment_by_name("adult-income")
    assert exp is not None, f"{paths.store}: the demo experiment is missing; rebuild with --force"
    pipe = _legacy_pipeline()
    with mlflow.start_run(experiment_id=exp.experiment_id, run_name="train-logreg") as run:
        mlflow.set_tags({"mlflow.user": "data-scientist@example.org", "team": "credit-risk-ml", "seed": str(SEED)})
        for name, df in splits.items():
            ds = mlflow.data.from_pandas(  # type: ignore[attr-defined]
                df, source=(paths.splits / f"adult-{name}.csv").as_uri(), name=f"adult-{name}", targets=TARGET
            )
            mlflow.log_input(ds, context=name)
        mlflow.log_params({"estimator": "LogisticRegression", "C": 1.0, "features": ",".join(FEATURES)})
        train, test = splits["train"], splits["test"]
        pipe.fit(train[FEATURES], train[TARGET])
        y_pred = pipe.predict(test[FEATURES])
        metrics = _metrics(test[TARGET], y_pred, pipe.predict_proba(test[FEATURES])[:, 1], test[SENSITIVE])
        mlflow.log_metrics(metrics)
        import skops.io

        trusted = skops.io.get_untrusted_types(data=skops.io.dumps(pipe))  # the types of the model built here
        _log_model(pipe, test, y_pred, LEGACY_NAME, trusted, paths)
        run_id = run.info.run_id
    version = _latest_version(client, LEGACY_NAME)
    client.set_registered_model_tag(LEGACY_NAME, "owner", "credit-risk-ml")
    client.set_model_version_tag(LEGACY_NAME, version, "validated_by", "model-validation@example.org")
    client.set_model_version_tag(LEGACY_NAME, version, "approved_by", "head-of-credit-risk@example.org")
    client.set_model_version_tag(LEGACY_NAME, version, "lifecycle", "active")
    _stamp_one(paths.store, run_id, LEGACY_NAME, LEGACY_CLOCK_MS)
    if not quiet:
        print(f"demo: trained run {run_id}, registered {LEGACY_NAME} version {version} in {uri}")


def _stamp_one(store: Path, run_id: str, name: str, clock_ms: int) -> None:
    """Put one model's run and registration at ``clock_ms`` (the rest of the store is left as it is)."""
    import sqlite3

    with sqlite3.connect(store) as db:
        (start,) = db.execute("SELECT start_time FROM runs WHERE run_uuid = ?", (run_id,)).fetchone()
        shift = clock_ms - int(start)
        db.execute(
            "UPDATE runs SET start_time = start_time + ?, end_time = end_time + ? WHERE run_uuid = ?",
            (shift, shift, run_id),
        )
        for table, created, updated, key, value in (
            ("model_versions", "creation_time", "last_updated_time", "name", name),
            ("registered_models", "creation_time", "last_updated_time", "name", name),
            ("logged_models", "creation_timestamp_ms", "last_updated_timestamp_ms", "source_run_id", run_id),
        ):
            sql = f"UPDATE {table} SET {created} = {created} + ?, {updated} = {updated} + ? WHERE {key} = ?"  # noqa: S608
            db.execute(sql, (shift, shift, value))


def build_genai(root: Path, *, quiet: bool = False) -> Path:
    """The generative demo (once): real Inspect evaluations of the stand-in model (logs under
    .ailm/demo/genai/inspect), its system prompt in MLflow's prompt registry (version 1 approved, version 2 not)
    and the application registered as support-assistant version 1, whose release run serves prompt version 2.
    Returns the folder of the Inspect logs."""
    paths = DemoPaths(root.resolve())
    build(root, quiet=True)
    logs = paths.work / "genai" / "inspect"
    uri = f"sqlite:///{paths.store}"
    import logging
    import warnings

    import mlflow

    logging.getLogger("mlflow").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    if client.search_registered_models(f"name='{GENAI_NAME}'") and any(logs.glob("*.eval")):
        if not quiet:
            print(f"demo: {GENAI_NAME} already registered in {uri}, its Inspect logs in {logs}")
        return logs
    genai = paths.root / "evidence" / "demo" / "genai"
    sys.path.insert(0, str(genai))
    import inspect_demo

    if logs.exists():
        shutil.rmtree(logs)  # our own scratch folder: logs of an unfinished build
    written = inspect_demo.run(logs)
    mlflow.set_tracking_uri(uri)  # MLflow links a prompt to a run through the global tracking store
    mlflow.set_registry_uri(uri)
    approved = client.register_prompt(
        name=PROMPT_NAME,
        template=(genai / "prompts" / "system-v1.txt").read_text(),
        commit_message="first release: refuse harmful requests, point to authoritative sources",
    )
    client.set_prompt_version_tag(PROMPT_NAME, approved.version, "approved_by", "head-of-customer-ops@example.org")
    client.set_prompt_version_tag(PROMPT_NAME, approved.version, "approved_at", "2026-11-10")
    served = client.register_prompt(
        name=PROMPT_NAME,
        template=(genai / "prompts" / "system-v2.txt").read_text(),
        commit_message="friendlier tone (not yet reviewed)",
    )
    client.set_prompt_alias(PROMPT_NAME, "production", approved.version)
    exp_id = client.create_experiment(GENAI_NAME, artifact_location=(paths.artifacts / GENAI_NAME).as_uri())
    with mlflow.start_run(experiment_id=exp_id, run_name="release-support-assistant") as run:
        mlflow.set_tags({"mlflow.user": "ml-engineer@example.org", "team": "customer-ops-ml"})
        mlflow.log_params({"model": "ailm-demo-standin", "model_version": "1", "inspect_tasks": "support_refusal,"
                           "support_sources"})  # fmt: skip
        mlflow.log_artifact(str(genai / "standin.py"), artifact_path="app")
        mlflow.log_metrics(_inspect_metrics(written))  # what the team's release job records of its evaluations
        run_id = run.info.run_id
        artifact = f"{run.info.artifact_uri}/app"
    client.link_prompt_version_to_run(run_id, f"prompts:/{PROMPT_NAME}/{served.version}")
    client.create_registered_model(GENAI_NAME, tags={"owner": "customer-ops-ml"})
    version = client.create_model_version(GENAI_NAME, source=artifact, run_id=run_id).version
    client.set_model_version_tag(GENAI_NAME, version, "validated_by", "model-validation@example.org")
    client.set_model_version_tag(GENAI_NAME, version, "approved_by", "head-of-customer-ops@example.org")
    client.set_registered_model_alias(GENAI_NAME, "champion", version)
    _stamp_one(paths.store, run_id, GENAI_NAME, DEMO_CLOCK_MS)
    _stamp_registry(paths.store, PROMPT_NAME, DEMO_CLOCK_MS - 86_400_000)  # the prompt came the day before
    if not quiet:
        print(f"demo: Inspect evaluated the stand-in ({', '.join(p.name for p in written)}), registered "
              f"{GENAI_NAME} version {version} serving {PROMPT_NAME} version {served.version} in {uri}")  # fmt: skip
    return logs


def _inspect_metrics(logs: list[Path]) -> dict[str, float]:
    """<task>_<metric> of each Inspect log's scores, read back with Inspect's own reader."""
    from inspect_ai.log import read_eval_log

    out = {}
    for path in logs:
        log = read_eval_log(str(path), header_only=True)
        for score in log.results.scores if log.results else []:
            for name, metric in score.metrics.items():
                out[f"{log.eval.task}_{name}"] = round(float(metric.value), 6)
    return out


def _stamp_registry(store: Path, name: str, clock_ms: int) -> None:
    """Put one registered name (a model or a prompt) and its versions at ``clock_ms``, keeping their order."""
    import sqlite3

    with sqlite3.connect(store) as db:
        (first,) = db.execute("SELECT creation_time FROM registered_models WHERE name = ?", (name,)).fetchone()
        shift = clock_ms - int(first)
        for table in ("model_versions", "registered_models"):
            sql = f"UPDATE {table} SET creation_time = creation_time + ?, last_updated_time = last_updated_time + ? WHERE name = ?"  # noqa: S608,E501
            db.execute(sql, (shift, shift, name))


def set_lifecycle(root: Path, name: str, status: str) -> None:
    """What a team does in its registry when it retires a model: tag the version with its lifecycle status."""
    paths = DemoPaths(root.resolve())
    uri = f"sqlite:///{paths.store}"
    import mlflow

    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    client.set_model_version_tag(name, _latest_version(client, name), "lifecycle", status)
    print(f"demo: {name} version {_latest_version(client, name)} is now tagged lifecycle={status} in the registry")


def _trusted_types() -> list[str]:
    return [
        "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "sklearn.ensemble._hist_gradient_boosting.common.PREDICTOR_RECORD_DTYPE",
        "sklearn._loss.link.LogitLink",
        "sklearn._loss.link.Interval",
        "sklearn._loss.loss.HalfBinomialLoss",
        "numpy.dtype",
        "functools.partial",
        "sklearn.utils.validation.check_array",
    ]


def _git_commit(root: Path) -> str | None:
    import subprocess

    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=True, timeout=10
        )
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python evidence/demo/train_demo.py", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the ailm checkout (default: here)")
    parser.add_argument("--force", action="store_true", help="rebuild the store even if it exists")
    parser.add_argument("--fleet", action="store_true", help=f"also register the fleet demo's {LEGACY_NAME}")
    parser.add_argument("--genai", action="store_true", help=f"also build the generative demo ({GENAI_NAME})")
    parser.add_argument("--lifecycle", metavar="STATUS", help=f"tag {LEGACY_NAME}'s version with this lifecycle")
    args = parser.parse_args(argv)
    if args.lifecycle:
        set_lifecycle(args.root, LEGACY_NAME, args.lifecycle)
        return 0
    build(args.root, force=args.force)
    if args.fleet:
        build_fleet(args.root)
    if args.genai:
        build_genai(args.root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
