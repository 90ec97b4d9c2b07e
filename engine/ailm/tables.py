"""The one table reader: every dataset file ailm measures (the profile collector, the analyzers) is read here,
with the same rules, so that two parts of one audit never see the same file as two different tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ailm.errors import InputError

FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def table_format(path: Path) -> str | None:
    """csv or parquet by the file's extension (``.csv.gz`` is a compressed CSV); None for anything else."""
    suffix = path.suffix.lower()
    if suffix == ".gz":
        suffix = Path(path.stem).suffix.lower()
        return "csv" if suffix == ".csv" else None
    return FORMATS.get(suffix)


def read_table(path: Path, where: str | None = None) -> Any:
    """The file as a pandas DataFrame. A missing, unreadable or unknown file is bad input that names the file
    (and ``where``: the config field or evidence record that named it)."""
    import pandas as pd

    named = f"{path} ({where})" if where else str(path)
    fmt = table_format(path)
    if fmt is None:
        raise InputError(f"{named}: not a CSV or Parquet file (by its extension: .csv, .csv.gz, .parquet, .pq)")
    try:
        if fmt == "parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path, low_memory=False)  # one dtype per column, read from the whole file
    except FileNotFoundError:
        raise InputError(f"{named}: dataset file not found") from None
    except ImportError as exc:
        raise InputError(f"{named}: reading {fmt} needs a library that is not installed: {exc}") from None
    except Exception as exc:  # pandas and pyarrow raise many kinds for a damaged file
        raise InputError(f"{named}: cannot read as {fmt}: {type(exc).__name__}: {exc}") from None
