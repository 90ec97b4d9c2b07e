"""The manifest collector: declared facts from a YAML file written by the people accountable for a model.

```yaml
apiVersion: ailm/v1
kind: Manifest
model: adult-income            # the registered model the facts are about
asserted_by: jane.doe@example.org
asserted_at: 2026-10-01T09:00:00Z
facts:
  inventory:                   # role in the policy input: input.evidence.inventory
    expires: 2027-10-01T00:00:00Z
    data: {owner: ..., risk_tier: high}
datasets:                      # declared facts about a dataset, joined by name
  - name: adult-train
    data: {collection_method: ..., personal_data: true, purpose: ...}
```
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from ailm.collectors.base import CollectContext, Collection
from ailm.evidence import documents, ids
from ailm.evidence.model import Declaration, Evidence, Node, Source
from ailm.plugins import Cardinality, Plugin
from ailm.yamlsrc import YamlSource

COLLECTOR = "manifest"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FactGroup(_Strict):
    asserted_by: str | None = None
    asserted_at: AwareDatetime | None = None
    expires: AwareDatetime | None = None
    data: dict[str, Any]


class DatasetFacts(FactGroup):
    name: str = Field(min_length=1)


class Manifest(_Strict):
    apiVersion: Literal["ailm/v1"]
    kind: Literal["Manifest"]
    model: str = Field(min_length=1)
    asserted_by: str | None = None
    asserted_at: AwareDatetime | None = None
    facts: dict[str, FactGroup] = Field(default_factory=dict)
    datasets: list[DatasetFacts] = Field(default_factory=list)


class ManifestCollector:
    def __init__(self, *, path: str) -> None:
        self.path = path

    def collect(self, ctx: CollectContext) -> Collection:
        path = (ctx.base_dir / self.path).resolve()
        src = YamlSource.load(path, what="manifest")
        if not isinstance(src.data, dict):
            raise src.error((), "a manifest is a mapping with apiVersion, kind, model and facts")
        try:
            manifest = Manifest.model_validate(src.data)
        except ValidationError as exc:
            raise src.validation_error(exc) from None
        _check_types(manifest, src)
        return _collection(manifest, src, path)


def _check_types(manifest: Manifest, src: YamlSource) -> None:
    """Each fact's data by the schema of its role (ailm.evidence.facts): a wrong type names its line."""
    from ailm.evidence.facts import ROLES, DatasetFacts

    checks: list[tuple[type[BaseModel], dict[str, Any], tuple[str | int, ...]]] = [
        (ROLES[role], group.data, ("facts", role, "data")) for role, group in manifest.facts.items() if role in ROLES
    ]
    checks += [(DatasetFacts, ds.data, ("datasets", i, "data")) for i, ds in enumerate(manifest.datasets)]
    for model, data, loc in checks:
        try:
            model.model_validate(data)
        except ValidationError as exc:
            raise src.validation_error(exc, prefix=loc) from None


def _declaration(group: FactGroup, manifest: Manifest, src: YamlSource, loc: tuple[str | int, ...]) -> Declaration:
    by = group.asserted_by or manifest.asserted_by
    at: datetime | None = group.asserted_at or manifest.asserted_at
    if not by:
        raise src.error((*loc, "asserted_by"), "who asserted this fact? set asserted_by here or at the top")
    if at is None:
        raise src.error((*loc, "asserted_at"), "when was this fact asserted? set asserted_at here or at the top")
    if at > datetime.now(UTC) + timedelta(days=1):
        raise src.error(
            (*loc, "asserted_at") if group.asserted_at else ("asserted_at",),
            f"{at.isoformat()} is in the future: a fact cannot have been asserted yet",
        )
    if group.expires is not None and group.expires <= at:
        raise src.error((*loc, "expires"), "expires must come after asserted_at")
    return Declaration(asserted_by=by, asserted_at=at, expires=group.expires)


def _collection(manifest: Manifest, src: YamlSource, path: Path) -> Collection:
    source = Source(collector=COLLECTOR, uri=path.as_uri())
    model = ids.model(manifest.model)
    out = Collection(nodes=[Node(id=model, type="model", attrs={"name": manifest.model})])
    for role, group in manifest.facts.items():
        out.records.append(
            Evidence.make(
                kind=f"declared.{role}",
                id=f"manifest:{manifest.model}:{role}",
                role=role,
                subject=model,
                source=source,
                declared=_declaration(group, manifest, src, ("facts", role)),
                data=group.data,
            )
        )
        if role == "technical_documentation":  # its documents hashed by ailm: what a declared digest is checked by
            out.records.append(
                Evidence.make(
                    kind="checked.technical_documentation",
                    id=f"manifest:{manifest.model}:technical_documentation:checked",
                    role=documents.ROLE,
                    subject=model,
                    source=source,
                    data={
                        "checks": f"manifest:{manifest.model}:{role}",
                        **documents.check_technical_documentation(group.data, path.parent),
                    },
                )
            )
    seen: set[str] = set()
    for i, ds in enumerate(manifest.datasets):
        if ds.name in seen:
            raise src.error(("datasets", i, "name"), f"dataset {ds.name!r} is declared twice")
        seen.add(ds.name)
        node = ids.dataset(ds.name)
        attrs: dict[str, Any] = {"name": ds.name, "source": COLLECTOR}
        where = ds.data.get("uri")
        if isinstance(where, str) and where:  # where the dataset lives: joins it with what other sources saw
            attrs["uri"] = where if "://" in where else (path.parent / where).resolve().as_uri()
        for flag in ("raw", "personal_data"):
            if ds.data.get(flag) is True:
                attrs[flag] = True
        out.nodes.append(Node(id=node, type="dataset", attrs=attrs))
        out.records.append(
            Evidence.make(
                kind="declared.dataset",
                id=f"manifest:{manifest.model}:dataset:{ds.name}",
                role=ids.DS_FACTS,
                subject=node,
                source=source,
                declared=_declaration(ds, manifest, src, ("datasets", i)),
                data={"name": ds.name, **ds.data},
            )
        )
    return out


class Settings(_Strict):
    path: str = Field(min_length=1, description="the manifest file, relative to the config")


def _roles() -> dict[str, Cardinality]:
    from ailm.evidence.facts import ROLES

    # the declared-fact roles of the schema, one record each; "*": an organisation's own roles, one each too
    return {**dict.fromkeys(ROLES, "one"), ids.DS_FACTS: "many", documents.ROLE: "one", "*": "one"}


plugin = Plugin(
    kind="collector",
    name="manifest",
    summary="declared facts (owner, purpose, risk, oversight, ...) and dataset facts from a YAML manifest",
    settings=Settings,
    build=lambda s: ManifestCollector(path=s.path),
    roles=_roles(),
)
