"""The dataset profiler: for each dataset file (CSV, Parquet), its sha256, schema, rows, missing-cell and
duplicate-row rates, the personal data found by column name and by value patterns (emails, phone numbers,
national ids...), and the rows shared between the train, validation and test splits (by a hash of every
column).

Settings: ``datasets``: a list of ``{path, name?, split?}`` (paths relative to the config; ``name`` joins the
profile to the dataset of that name in other sources, else it joins by location; ``split`` is train,
validation or test), and optionally ``sensitive`` (column names to treat as special-category data).
Profiles are cached by each file's size and modification time when the config names a ``cache``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ailm.canonical import sha256_file
from ailm.collectors.base import CollectContext, Collection
from ailm.collectors.cache import content_fingerprint
from ailm.errors import CollectorError, ConfigError
from ailm.evidence.model import Evidence, Node, Source

COLLECTOR = "profile"
SPLITS = ("train", "validation", "test")
FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def read_table(path: Path) -> Any:
    import pandas as pd

    fmt = FORMATS.get(path.suffix.lower()) or (
        FORMATS.get(Path(path.stem).suffix.lower()) if path.suffix == ".gz" else None
    )
    try:
        if fmt == "csv":
            return pd.read_csv(path)
        if fmt == "parquet":
            return pd.read_parquet(path)
    except FileNotFoundError:
        raise CollectorError(f"{path}: dataset file not found") from None
    except Exception as exc:  # pandas and pyarrow raise many kinds for a damaged file
        raise CollectorError(f"{path}: cannot read as {fmt}: {type(exc).__name__}: {exc}") from None
    raise CollectorError(f"{path}: not a CSV or Parquet file (by its extension)")


class ProfileCollector:
    def __init__(self, *, datasets: list[dict[str, Any]], sensitive: list[str]) -> None:
        self.datasets = datasets
        self.sensitive = sensitive

    def _paths(self, ctx: CollectContext) -> list[Path]:
        return [(ctx.base_dir / d["path"]).resolve() for d in self.datasets]

    def fingerprint(self, ctx: CollectContext) -> str:
        paths = self._paths(ctx)
        for p in paths:
            if not p.is_file():
                raise CollectorError(f"{p}: dataset file not found")
        return content_fingerprint(paths)

    def collect(self, ctx: CollectContext) -> Collection:
        import numpy as np

        from ailm.analysis.datascan import quality, row_hashes, scan_columns

        out = Collection()
        hashes: dict[str, Any] = {}
        profiles: list[tuple[dict[str, Any], dict[str, Any], str]] = []
        for spec, path in zip(self.datasets, self._paths(ctx), strict=True):
            df = read_table(path)
            try:
                found = scan_columns(df, self.sensitive, seed=0)
                quality_found = quality(df)
                if spec.get("split"):
                    hashes[spec["split"]] = row_hashes(df)
            except Exception as exc:  # a damaged file (a stray carriage return, mixed types) must name itself
                raise CollectorError(f"{path}: cannot profile: {type(exc).__name__}: {exc}") from None
            uri = path.as_uri()
            node = f"dataset:{spec['name']}" if spec.get("name") else f"dataset:{uri}"
            data: dict[str, Any] = {
                "name": spec.get("name") or path.name,
                "path": str(path),
                "uri": uri,
                "sha256": sha256_file(path),
                "size": path.stat().st_size,
                "format": FORMATS.get(path.suffix.lower(), "csv"),
                "split": spec.get("split"),
                "rows": len(df),
                "columns": [
                    {
                        "name": str(c),
                        "dtype": str(df[c].dtype),
                        "missing_rate": round(float(df[c].isna().mean()), 6) if len(df) else 0.0,
                    }
                    for c in df.columns
                ],
                **quality_found,
                "personal_data": found,
            }
            profiles.append((spec, data, node))
        for spec, data, node in profiles:
            split = spec.get("split")
            if split:
                data["overlap"] = [
                    {
                        "with": other,
                        "identical_rows": int(np.isin(hashes[split], hashes[other]).sum()),
                        "share": round(float(np.isin(hashes[split], hashes[other]).mean()), 6)
                        if len(hashes[split])
                        else 0.0,
                    }
                    for other in SPLITS
                    if other != split and other in hashes
                ]
            attrs: dict[str, Any] = {
                "name": data["name"],
                "uri": data["uri"],
                "sha256": data["sha256"],
                "source": COLLECTOR,
            }
            if data["personal_data"]:
                attrs["personal_data"] = True
            out.nodes.append(Node(id=node, type="dataset", attrs=attrs))
            out.records.append(
                Evidence.make(
                    kind="profile.dataset",
                    id=f"profile:{data['sha256'][:16]}:{data['name']}",
                    role="ds_profile",
                    subject=node,
                    source=Source(collector=COLLECTOR, uri=data["uri"]),
                    data=data,
                )
            )
        return out


def factory(settings: Mapping[str, Any]) -> ProfileCollector:
    datasets = settings.get("datasets")
    if not isinstance(datasets, list) or not datasets:
        raise ConfigError("collector 'profile' needs 'datasets': a list of {path, name?, split?}")
    for i, d in enumerate(datasets):
        if not isinstance(d, dict) or not isinstance(d.get("path"), str):
            raise ConfigError(f"collector 'profile': datasets[{i}] needs a 'path'")
        if d.get("split") not in (None, *SPLITS):
            raise ConfigError(f"collector 'profile': datasets[{i}].split is one of {', '.join(SPLITS)}")
    sensitive = settings.get("sensitive", [])
    if not isinstance(sensitive, list):
        raise ConfigError("collector 'profile': 'sensitive' is a list of column names")
    return ProfileCollector(datasets=datasets, sensitive=[str(s) for s in sensitive])
