"""Lineage node ids, spelled in one place: every collector that names a model, a version, a run or a dataset
builds the id here, so that records from different sources about the same thing meet on one node."""

from __future__ import annotations


def model(name: str) -> str:
    return f"model:{name}"


def version(name: str, number: str | int) -> str:
    return f"model_version:{name}/{number}"


def run(run_id: str) -> str:
    return f"run:{run_id}"


def dataset(name_or_uri: str) -> str:
    """A dataset by its declared name, or by its URI where no name is known."""
    return f"dataset:{name_or_uri}"


# Evidence roles that more than one module reads (each is the key of its records in the policy input). A
# collector or analyzer declares every role it emits in its plugin; these are the ones the engine itself uses.
REG = "reg"  # a registered model version (MLflow)
RUN = "run"  # the training run that produced it
DS = "ds"  # a dataset input of that run
DS_FACTS = "ds_facts"  # declared facts about a dataset (manifest)
PLAN = "plan"  # the declared plan: purpose, success metrics, sensitive features
OL_RUN = "ol_run"  # an OpenLineage run
DVC_STAGE = "dvc_stage"  # a DVC pipeline stage
