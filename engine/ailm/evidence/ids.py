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
