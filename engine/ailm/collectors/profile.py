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

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ailm.canonical import sha256_file
from ailm.collectors.base import CollectContext, Collection
from ailm.collectors.cache import content_fingerprint
from ailm.errors import CollectorError
from ailm.evidence import ids
from ailm.evidence.model import Evidence, Node, Source
from ailm.plugins import Plugin
from ailm.tables import read_table, table_format

COLLECTOR = "profile"
SPLITS = ("train", "validation", "test")


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
        from ailm.analysis.datascan import quality, row_hashes, scan_columns, shared_rows

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
            node = ids.dataset(spec["name"] if spec.get("name") else uri)
            data: dict[str, Any] = {
                "name": spec.get("name") or path.name,
                "path": str(path),
                "uri": uri,
                "sha256": sha256_file(path),
                "size": path.stat().st_size,
                "format": table_format(path),
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
                data["overlap"] = []
                for other in SPLITS:
                    if other != split and other in hashes:
                        rows, share = shared_rows(hashes[other], hashes[split])
                        data["overlap"].append({"with": other, "identical_rows": rows, "share": share})
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


class DatasetEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, description="a CSV or Parquet file, relative to the config")
    name: str | None = Field(default=None, min_length=1, description="the dataset's name in the lineage graph")
    split: Literal["train", "validation", "test"] | None = None


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    datasets: list[DatasetEntry] = Field(min_length=1)
    sensitive: list[str] = Field(default_factory=list, description="column names holding sensitive attributes")


plugin = Plugin(
    kind="collector",
    name="profile",
    summary="a measured profile of dataset files: rows, columns, missing values, sensitive columns, overlaps",
    settings=Settings,
    build=lambda s: ProfileCollector(
        datasets=[d.model_dump(exclude_none=True) for d in s.datasets], sensitive=list(s.sensitive)
    ),
    roles={"ds_profile": "many"},
)
