"""Collectors on real files: OpenLineage events written by the openlineage-python client, DVC pipelines,
model cards, CI variables, CSV and Parquet files; the lineage graph that joins them; the collector cache."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ailm.collectors.base import CollectContext
from ailm.errors import CollectorError, InputError
from ailm.evidence.model import EvidenceSet
from ailm.lineage import LineageGraph

AS_OF = datetime(2026, 11, 23, tzinfo=UTC)


def ctx(base: Path, cache: Path | None = None) -> CollectContext:
    return CollectContext(base_dir=base, as_of=AS_OF, cache_dir=cache)


def graph_of(*collections: Any) -> LineageGraph:
    ev = EvidenceSet(
        records=[r for c in collections for r in c.records],
        nodes=[n for c in collections for n in c.nodes],
        edges=[e for c in collections for e in c.edges],
    )
    return LineageGraph.build(ev)


# ---- OpenLineage, events written by the real client ---------------------------------------------------------


def emit(events: Path, job: str, inputs: list[Path], outputs: list[Path], *, final: str = "COMPLETE",
         version: dict[Path, str] | None = None, rows: int = 100) -> str:  # fmt: skip
    from openlineage.client import OpenLineageClient
    from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
    from openlineage.client.facet_v2 import (
        column_lineage_dataset as cl,
    )
    from openlineage.client.facet_v2 import (
        data_quality_metrics_input_dataset as dq,
    )
    from openlineage.client.facet_v2 import (
        dataset_version_dataset,
        ownership_dataset,
        schema_dataset,
    )
    from openlineage.client.transport.file import FileConfig, FileTransport

    client = OpenLineageClient(transport=FileTransport(FileConfig(log_file_path=str(events), append=True)))
    run = Run(runId=str(uuid.uuid4()))
    j = Job(namespace="tests", name=job)
    ins = [
        InputDataset(
            namespace="file", name=str(p),
            inputFacets={"dataQualityMetrics": dq.DataQualityMetricsInputDatasetFacet(
                rowCount=rows, columnMetrics={"age": dq.ColumnMetrics(nullCount=3)})},
        )
        for p in inputs
    ]  # fmt: skip
    outs = []
    for p in outputs:
        facets: dict[str, Any] = {
            "schema": schema_dataset.SchemaDatasetFacet(
                fields=[schema_dataset.SchemaDatasetFacetFields(name="age", type="int64")]
            ),
            "ownership": ownership_dataset.OwnershipDatasetFacet(owners=[ownership_dataset.Owner(name="team:ml")]),
            "columnLineage": cl.ColumnLineageDatasetFacet(
                fields={"age": cl.Fields(inputFields=[cl.InputField(namespace="file", name=str(inputs[0]),
                                                                     field="age")],
                                         transformationType="IDENTITY", transformationDescription="copy")}
            ) if inputs else None,
        }  # fmt: skip
        if version and p in version:
            facets["version"] = dataset_version_dataset.DatasetVersionDatasetFacet(datasetVersion=version[p])
        outs.append(OutputDataset(namespace="file", name=str(p), facets={k: v for k, v in facets.items() if v}))
    now = datetime.now(UTC).isoformat()
    client.emit(RunEvent(eventType=RunState.START, eventTime=now, run=run, job=j, inputs=ins))
    client.emit(RunEvent(eventType=RunState[final], eventTime=datetime.now(UTC).isoformat(), run=run, job=j,
                         inputs=ins, outputs=outs))  # fmt: skip
    return run.runId


def test_openlineage_runs_datasets_and_facets_from_real_client_events(tmp_path: Path) -> None:
    from ailm.collectors.openlineage import OpenLineageCollector

    raw, train, bad = tmp_path / "raw.csv", tmp_path / "train.csv", tmp_path / "broken.csv"
    folder = tmp_path / "events"
    folder.mkdir()
    ok = emit(folder / "a.ndjson", "prepare", [raw], [train], version={train: "a" * 64})
    failed = emit(folder / "b.ndjson", "enrich", [train], [bad], final="FAIL")
    out = OpenLineageCollector(path="events").collect(ctx(tmp_path))

    runs = {r.data["run_id"]: r.data for r in out.records if r.role == "ol_run"}
    assert runs[ok]["state"] == "COMPLETE" and runs[ok]["job"] == "tests/prepare" and runs[ok]["events"] == 2
    assert runs[ok]["inputs"] == [raw.as_uri()] and runs[ok]["outputs"] == [train.as_uri()]
    assert runs[failed]["state"] == "FAIL" and runs[failed]["outputs_counted"] is False
    produced = {(e.src, e.dst) for e in out.edges if e.type == "produced"}
    assert produced == {(f"run:{ok}", f"dataset:{train.as_uri()}")}  # the failed run produced nothing
    ds = {r.data["uri"]: r.data for r in out.records if r.role == "ol_dataset"}
    assert [(f["name"], f["type"]) for f in ds[train.as_uri()]["facets"]["schema"]["fields"]] == [("age", "int64")]
    assert ds[train.as_uri()]["facets"]["ownership"]["owners"][0]["name"] == "team:ml"
    assert "columnLineage" in ds[train.as_uri()]["facets"]
    assert ds[raw.as_uri()]["facets"]["dataQualityMetrics"]["rowCount"] == 100
    node = next(n for n in out.nodes if n.id == f"dataset:{train.as_uri()}")
    assert node.attrs["sha256"] == "a" * 64


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not a JSON event"),
        ("[1, 2]", "an OpenLineage event is a JSON object"),
        # what the standard library would read but JSON has not (records are hashed as JSON values only)
        ('{"eventType": "START", "run": {"runId": "r", "facets": {"q": {"x": NaN}}}}', "not a JSON event"),
        ('{"eventType": "START", "run": {"runId": "r", "facets": {"q": {"x": 1e999}}}}', "not a JSON event"),
        ('{"eventType": "DONE", "eventTime": "2026-01-01T00:00:00Z", "run": {"runId": "r"}, '
         '"job": {"namespace": "n", "name": "j"}}', "eventType 'DONE' is not one of"),
        ('{"eventType": "START", "eventTime": "2026-01-01T00:00:00Z", "run": {}, '
         '"job": {"namespace": "n", "name": "j"}}',
         "run has no 'runId'"),
        # a key given twice: every parser keeps one of them, and which one decides the run's state or digest
        ('{"eventType": "FAIL", "eventTime": "2026-01-01T00:00:00Z", "eventType": "COMPLETE"}',
         "not a JSON event: duplicate key 'eventType' at line 1 column 60"),
        ('{"eventType": "FAIL", "eventTime": "2026-01-01T00:00:00Z", "eventTyp\\u0065": "COMPLETE"}',
         "duplicate key 'eventType' at line 1 column 60"),  # written with an escape
        ('{"eventType": "FAIL", "eventTime": "2026-01-01T00:00:00Z", "eventType"\t: "COMPLETE"}',
         "duplicate key 'eventType' at line 1 column 60"),  # white space before the colon
        ('{"outputs": [{"namespace": "file", "name": "/d.csv", "facets": {"version": {"datasetVersion": '
         '"sha256:' + "a" * 64 + '", "datasetVersion": "sha256:' + "b" * 64 + '"}}}]}',
         "duplicate key 'datasetVersion' at line 1 column 170"),
    ],
)  # fmt: skip
def test_openlineage_bad_line_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    from ailm.collectors.openlineage import OpenLineageCollector

    events = tmp_path / "e.ndjson"
    emit(events, "prepare", [tmp_path / "a.csv"], [tmp_path / "b.csv"])
    events.write_text(events.read_text() + line + "\n")
    with pytest.raises(CollectorError) as exc:
        OpenLineageCollector(path="e.ndjson").collect(ctx(tmp_path))
    assert f"{events}:3: " in str(exc.value) and message in str(exc.value)


JSON_TEXT = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet='a:"\\\u00e9 ', max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(alphabet='ab:"\\', max_size=3), inner,
                                                                 max_size=3),
    max_leaves=12,
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(value=st.dictionaries(st.text(alphabet="ab:", max_size=2), JSON_TEXT, min_size=1, max_size=3),
       extra=JSON_TEXT, escape=st.booleans(), space=st.sampled_from([":", " :", "\t:", ": "]),
       hide=st.booleans())  # fmt: skip
def test_the_fast_repeated_key_check_finds_every_repeat_the_strict_parser_finds(
    value: dict[str, Any], extra: Any, escape: bool, space: str, hide: bool
) -> None:
    """loads_fast_unique reads what orjson reads and refuses what loads_unique refuses, on generated texts and
    hostile ones: a repeat written with an escape, with white space before its colon, hidden by a colon written
    as an escape elsewhere."""
    from ailm.canonical import DuplicateKeyError, loads_fast_unique, loads_unique

    text = json.dumps(value, ensure_ascii=escape)
    assert loads_fast_unique(text.encode()) == json.loads(text)
    key = next(iter(value))
    key_text = json.dumps(key, ensure_ascii=True).replace("a", "\\u0061") if escape else json.dumps(key)
    hidden = ', "c": "\\u003a"' if hide else ""  # a colon written as an escape: one more colon once read
    repeated = text[:-1] + f", {key_text}{space}{json.dumps(extra, ensure_ascii=escape)}{hidden}}}"
    with pytest.raises(DuplicateKeyError) as strict:
        loads_unique(repeated)
    with pytest.raises(DuplicateKeyError) as fast:
        loads_fast_unique(repeated.encode())
    assert str(fast.value) == str(strict.value)


def test_malformed_event_ends_the_audit_with_exit_2_unless_optional(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    events = tmp_path / "events.ndjson"
    events.write_text('{"eventType": "START"\n')
    cfg = demo_copy / "ailm.yaml"
    text = cfg.read_text()
    start = text.index("  - name: openlineage")
    end = text.index("  - name: profile")
    cfg.write_text(text[:start] + f"  - name: openlineage\n    path: {events}\n" + text[end:])
    res = run_cli("audit", "--config", cfg, "--out", tmp_path / "o", "--no-sign", "--format", "json")
    assert res.code == 2
    assert f"{events}:1: not a JSON event" in " ".join(res.err.split())
    assert not (tmp_path / "o").exists()

    cfg.write_text(text[:start] + f"  - name: openlineage\n    optional: true\n    path: {events}\n" + text[end:])
    res = run_cli("audit", "--config", cfg, "--out", tmp_path / "o2", "--no-sign", "--format", "json",
                  "--as-of", "2026-11-23")  # fmt: skip
    report = json.loads((tmp_path / "o2" / "report.json").read_text())
    assert any("optional" in n and "not a JSON event" in n for n in report["notes"])
    # without the preparation events the splits have no producer: the gap is a finding, never a pass
    data010 = next(r for r in report["results"] if r["control"] == "DATA-010")
    assert data010["status"] == "fail"
    assert any("lineage stops at dataset dataset:adult-train" in f["message"] for f in data010["findings"])


# ---- joining sources: identity and digest conflicts ---------------------------------------------------------


def test_sources_join_by_location_and_a_digest_disagreement_is_a_finding(demo_copy: Path, demo_root: Path,
                                                                        tmp_path: Path, run_cli) -> None:  # fmt: skip
    train = demo_root / ".ailm" / "demo" / "data" / "adult-train.csv"
    events = tmp_path / "late.ndjson"
    emit(events, "overwrite", [], [train], version={train: "b" * 64})  # says the file had other content
    cfg = demo_copy / "ailm.yaml"
    text = cfg.read_text().replace("  - name: profile", f"  - name: openlineage\n    path: {events}\n  - name: profile")
    cfg.write_text(text)
    res = run_cli("audit", "--config", cfg, "--out", tmp_path / "o", "--no-sign", "--format", "json",
                  "--as-of", "2026-11-23")  # fmt: skip
    assert res.code == 1, res.err
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    inputs = json.loads((tmp_path / "o" / "inputs.json").read_text())[0]
    conflicts = inputs["lineage_checks"]["hash_conflicts"]
    real = hashlib.sha256(train.read_bytes()).hexdigest()
    assert [(c["node"], sorted(v["value"] for v in c["values"])) for c in conflicts] == [
        ("dataset:adult-train", sorted(["b" * 64, real]))
    ]
    data010 = next(r for r in report["results"] if r["control"] == "DATA-010")
    assert data010["status"] == "fail"
    assert any("sources disagree on the sha256 of dataset:adult-train" in f["message"] for f in data010["findings"])
    # one node, seen under every name the sources gave it
    node = next(d for d in inputs["lineage_checks"]["datasets"] if d["id"] == "dataset:adult-train")
    assert f"dataset:{train.as_uri()}" in node["seen_as"]


# ---- DVC ------------------------------------------------------------------------------------------------------


def _dvc_project(root: Path) -> tuple[Path, Path]:
    (root / "data").mkdir(parents=True)
    raw, out = root / "data" / "raw.csv", root / "data" / "clean.csv"
    raw.write_text("a,b\n1,2\n")
    out.write_text("a,b\n1,2\n")
    (root / "dvc.yaml").write_text(
        "stages:\n"
        "  clean:\n    cmd: python clean.py\n    deps: [data/raw.csv, clean.py]\n    outs: [data/clean.csv]\n"
        "    params: [clean.threshold]\n"
        "  train:\n    cmd: python train.py\n    deps: [data/clean.csv]\n    outs: [model.pkl]\n"
    )
    md5 = {p: hashlib.md5(p.read_bytes(), usedforsecurity=False).hexdigest() for p in (raw, out)}
    (root / "dvc.lock").write_text(
        "schema: '2.0'\nstages:\n  clean:\n    cmd: python clean.py\n    deps:\n"
        f"    - path: data/raw.csv\n      hash: md5\n      md5: {md5[raw]}\n      size: 8\n"
        f"    - path: clean.py\n      hash: md5\n      md5: 0123456789abcdef0123456789abcdef\n      size: 10\n"
        f"    params:\n      params.yaml:\n        clean.threshold: 0.5\n"
        f"    outs:\n    - path: data/clean.csv\n      hash: md5\n      md5: {md5[out]}\n      size: 8\n"
    )
    return raw, out


def test_dvc_stages_lock_hashes_and_a_stage_that_never_ran(tmp_path: Path) -> None:
    from ailm.collectors.dvc import DvcCollector

    _, clean = _dvc_project(tmp_path / "p")
    out = DvcCollector(path="p").collect(ctx(tmp_path))
    stages = {r.data["stage"]: r.data for r in out.records}
    assert stages["clean"]["state"] == "locked" and stages["clean"]["params"] == {
        "params.yaml": {"clean.threshold": 0.5}
    }
    assert stages["train"]["state"] == "not_run"
    produced = [(e.src, e.dst) for e in out.edges if e.type == "produced"]
    assert produced == [(next(n.id for n in out.nodes if n.attrs.get("stage") == "clean"), f"dataset:{clean.as_uri()}")]
    g = graph_of(out)
    assert g.conflicts == []

    clean.write_text("a,b\n9,9\n")  # the data changed after the lock was written
    g = graph_of(DvcCollector(path="p").collect(ctx(tmp_path)))
    assert [(c["node"], c["key"]) for c in g.conflicts] == [(f"dataset:{clean.as_uri()}", "md5")]
    assert {v["source"] for v in g.conflicts[0]["values"]} == {"dvc: dvc.lock", "dvc: workspace"}


def test_dvc_lock_that_does_not_parse_names_file_and_line(tmp_path: Path) -> None:
    from ailm.collectors.dvc import DvcCollector

    _dvc_project(tmp_path / "p")
    (tmp_path / "p" / "dvc.lock").write_text("schema: '2.0'\nstages:\n  clean: [unclosed\n")
    with pytest.raises(CollectorError, match=r"dvc\.lock:4:1: dvc\.lock is not valid YAML"):
        DvcCollector(path="p").collect(ctx(tmp_path))
    (tmp_path / "p" / "dvc.lock").write_text("schema: '2.0'\nstages:\n  ghost:\n    cmd: x\n")
    with pytest.raises(Exception, match=r"dvc\.lock:3: stages\.ghost: stage 'ghost' is locked but not in dvc\.yaml"):
        DvcCollector(path="p").collect(ctx(tmp_path))


# ---- model cards, CI ------------------------------------------------------------------------------------------

CARD = """---
license: apache-2.0
datasets: [imdb]
base_model: distilbert/distilbert-base-uncased
language: [en]
pipeline_tag: text-classification
model-index:
- name: sentiment-v2
  results:
  - task: {type: text-classification}
    dataset: {name: imdb, type: imdb, revision: e6281661}
    metrics:
    - {type: accuracy, value: 0.931, verified: false}
    - {type: f1, value: 0.929}
---
# sentiment-v2

## Intended uses & limitations

## Training data
"""


def test_model_card_front_matter_and_eval_results(tmp_path: Path) -> None:
    from ailm.collectors.model_card import ModelCardCollector

    (tmp_path / "README.md").write_text(CARD)
    out = ModelCardCollector(path="README.md", model="sentiment").collect(ctx(tmp_path))
    card = out.records[0]
    assert (card.role, card.subject) == ("model_card", "model:sentiment")
    assert card.data["license"] == "apache-2.0" and card.data["base_model"] == ["distilbert/distilbert-base-uncased"]
    assert card.data["eval_results"] == [
        {"model": "sentiment-v2", "task": "text-classification", "dataset": "imdb", "dataset_revision": "e6281661",
         "metric": "accuracy", "value": 0.931, "verified": False},
        {"model": "sentiment-v2", "task": "text-classification", "dataset": "imdb", "dataset_revision": "e6281661",
         "metric": "f1", "value": 0.929, "verified": False},
    ]  # fmt: skip
    assert card.data["sections"] == ["sentiment-v2", "Intended uses & limitations", "Training data"]

    (tmp_path / "README.md").write_text(CARD.replace("license: apache-2.0", "license: [unclosed"))
    with pytest.raises(CollectorError, match=r"README\.md:3:9: model card front matter is not valid YAML"):
        ModelCardCollector(path="README.md", model="sentiment").collect(ctx(tmp_path))


def test_ci_context_from_github_and_gitlab_variables(tmp_path: Path) -> None:
    from ailm.collectors.ci import CiCollector

    gh = {"GITHUB_ACTIONS": "true", "GITHUB_SHA": "abc123", "GITHUB_REPOSITORY": "org/repo", "GITHUB_RUN_ID": "42",
          "GITHUB_ACTOR": "alice", "GITHUB_REF": "refs/heads/main", "GITHUB_WORKFLOW": "audit"}  # fmt: skip
    rec = CiCollector(model="m", env=gh).collect(ctx(tmp_path)).records[0]
    assert rec.data["provider"] == "github-actions" and rec.data["commit"] == "abc123" and rec.data["actor"] == "alice"
    assert rec.data["run_url"] == "https://github.com/org/repo/actions/runs/42"
    gl = {"GITLAB_CI": "true", "CI_COMMIT_SHA": "def456", "CI_PIPELINE_ID": "7", "GITLAB_USER_LOGIN": "bob",
          "CI_PIPELINE_URL": "https://gitlab.example/p/-/pipelines/7"}  # fmt: skip
    rec = CiCollector(model="m", env=gl).collect(ctx(tmp_path)).records[0]
    assert (rec.data["provider"], rec.data["commit"], rec.data["actor"]) == ("gitlab-ci", "def456", "bob")
    with pytest.raises(CollectorError, match="not running in GitHub Actions or GitLab CI"):
        CiCollector(model="m", env={}).collect(ctx(tmp_path))


# ---- dataset profiler -----------------------------------------------------------------------------------------


def test_profiler_on_csv_and_parquet(tmp_path: Path) -> None:
    import pandas as pd

    from ailm.collectors.profile import ProfileCollector

    people = pd.DataFrame(
        {
            "email": [f"user{i}@example.org" for i in range(40)],
            "age": [20 + i % 30 for i in range(40)],
            "sex": ["F", "M"] * 20,
            "score": [None if i % 10 == 0 else i / 40 for i in range(40)],
        }
    )
    train = people.iloc[:30]
    test = pd.concat([people.iloc[25:], people.iloc[[25]]])  # 5 rows shared with train, one duplicated
    train.to_csv(tmp_path / "train.csv", index=False)
    test.to_parquet(tmp_path / "test.parquet", index=False)
    out = ProfileCollector(
        datasets=[{"path": "train.csv", "name": "train", "split": "train"}, {"path": "test.parquet", "split": "test"}],
        sensitive=["sex"],
    ).collect(ctx(tmp_path))
    prof = {r.data["split"]: r.data for r in out.records}
    assert prof["train"]["sha256"] == hashlib.sha256((tmp_path / "train.csv").read_bytes()).hexdigest()
    assert prof["test"]["format"] == "parquet" and prof["test"]["rows"] == 16
    assert prof["train"]["missing_cells"] == 3 and prof["test"]["duplicate_rows"] == 1
    kinds = {p["column"]: p["kind"] for p in prof["train"]["personal_data"]}
    assert kinds == {"email": "direct_identifier", "age": "personal", "sex": "special_category"}
    assert any("values look like email" in r for p in prof["train"]["personal_data"] for r in p["found_by"])
    assert prof["test"]["overlap"] == [{"with": "train", "identical_rows": 6, "share": 0.375}]
    nodes = {n.id: n.attrs for n in out.nodes}
    assert nodes["dataset:train"]["personal_data"] is True
    assert f"dataset:{(tmp_path / 'test.parquet').as_uri()}" in nodes

    (tmp_path / "bad.parquet").write_bytes(b"not parquet")
    with pytest.raises(InputError, match=r"bad\.parquet: cannot read as parquet"):
        ProfileCollector(datasets=[{"path": "bad.parquet"}], sensitive=[]).collect(ctx(tmp_path))


# ---- cache ------------------------------------------------------------------------------------------------------


def test_unchanged_source_is_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from ailm.collectors import openlineage
    from ailm.collectors.cache import collect_cached

    events = tmp_path / "e.ndjson"
    emit(events, "prepare", [tmp_path / "a.csv"], [tmp_path / "b.csv"])
    c = ctx(tmp_path, cache=tmp_path / "cache")
    settings = {"path": "e.ndjson"}
    first = collect_cached("openlineage", settings, openlineage.plugin.build(openlineage.plugin.configure(settings)), c)
    calls = []
    real = openlineage.OpenLineageCollector.collect
    monkeypatch.setattr(
        openlineage.OpenLineageCollector, "collect", lambda self, ctx: calls.append(1) or real(self, ctx)
    )
    again = collect_cached("openlineage", settings, openlineage.plugin.build(openlineage.plugin.configure(settings)), c)
    assert calls == [] and [r.sha256 for r in again.records] == [r.sha256 for r in first.records]
    assert [n.id for n in again.nodes] == [n.id for n in first.nodes] and len(again.edges) == len(first.edges)

    st = events.stat()
    os.utime(events, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # touched, same content: not read again
    collect_cached("openlineage", settings, openlineage.plugin.build(openlineage.plugin.configure(settings)), c)
    assert calls == []
    with events.open("a") as fh:  # new content: read again
        fh.write("\n")
    collect_cached("openlineage", settings, openlineage.plugin.build(openlineage.plugin.configure(settings)), c)
    assert calls == [1]


def test_a_collection_cached_by_older_code_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fix to how a collector reads its source must reach an unchanged source too: the form of the collected
    records is part of the cache key."""
    from ailm.collectors import cache, openlineage

    emit(tmp_path / "e.ndjson", "prepare", [tmp_path / "a.csv"], [tmp_path / "b.csv"])
    c = ctx(tmp_path, cache=tmp_path / "cache")
    settings = {"path": "e.ndjson"}
    monkeypatch.setattr(cache, "COLLECTED_FORM", "older")
    cache.collect_cached("openlineage", settings, openlineage.OpenLineageCollector(path="e.ndjson"), c)
    monkeypatch.undo()
    calls = []
    real = openlineage.OpenLineageCollector.collect
    monkeypatch.setattr(
        openlineage.OpenLineageCollector, "collect", lambda self, ctx: calls.append(1) or real(self, ctx)
    )
    cache.collect_cached("openlineage", settings, openlineage.OpenLineageCollector(path="e.ndjson"), c)
    assert calls == [1]


# ---- ailm lineage -----------------------------------------------------------------------------------------------


def test_lineage_command_up_down_and_formats(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    import xml.etree.ElementTree as ET

    cfg = demo_copy / "ailm.yaml"
    res = run_cli("lineage", "adult-income@champion", "--config", cfg)
    assert res.code == 0, res.err
    assert "<- consumed: dataset dataset:adult-train" in res.out
    assert "dataset dataset:uci-adult-data" in res.out and "| raw |" in res.out
    assert "chain to raw data: complete" in res.out

    res = run_cli("lineage", "uci-adult-data", "--config", cfg, "--format", "json")
    doc = json.loads(res.out)
    assert doc["direction"] == "down"
    versions = [n for n in doc["nodes"] if n["type"] == "model_version"]
    assert [(v["id"], v["deployed"]) for v in versions] == [("model_version:adult-income/1", True)]

    res = run_cli("lineage", "adult-income/1", "--config", cfg, "--format", "svg", "--out", tmp_path / "l.svg")
    assert res.code == 0
    svg = ET.fromstring((tmp_path / "l.svg").read_text())
    labels = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "adult-train" in labels and "ailm-demo/prepare-adult" in labels

    res = run_cli("lineage", "adult-income/1", "--config", cfg, "--format", "dot")
    assert res.out.startswith("digraph lineage {") and '"dataset:adult-train" -> "run:' in res.out

    res = run_cli("lineage", "no-such-thing", "--config", cfg)
    assert res.code == 2 and "names no model version or dataset" in " ".join(res.err.split())

    # the names other sources gave a merged node (OpenLineage's dataset:<uri>, the file's path) find it
    up = json.loads(run_cli("lineage", "adult-income/1", "--config", cfg, "--format", "json").out)
    train = next(n for n in up["nodes"] if n["id"] == "dataset:adult-train")
    for ref in (f"dataset:{train['uri']}", train["uri"], train["uri"].removeprefix("file://")):
        res = run_cli("lineage", ref, "--config", cfg, "--format", "json")
        assert res.code == 0 and json.loads(res.out)["root"] == "dataset:adult-train", (ref, res.err)


def test_a_file_changed_in_place_with_its_old_size_and_mtime_is_profiled_again(tmp_path: Path) -> None:
    import os
    from datetime import UTC, datetime

    from ailm.canonical import sha256_file
    from ailm.collectors import CollectContext, create
    from ailm.collectors.cache import collect_cached

    data = tmp_path / "train.csv"
    data.write_text("age,income\n37,1\n50,0\n")
    settings = {"datasets": [{"path": "train.csv", "name": "train", "split": "train"}]}
    ctx = CollectContext(base_dir=tmp_path, as_of=datetime(2026, 11, 23, tzinfo=UTC), cache_dir=tmp_path / "c")
    first = collect_cached("profile", settings, create("profile", settings), ctx)
    st = data.stat()
    data.write_text("age,income\n38,1\n50,0\n")  # same size
    os.utime(data, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the old modification time
    assert data.stat().st_size == st.st_size and data.stat().st_mtime_ns == st.st_mtime_ns
    second = collect_cached("profile", settings, create("profile", settings), ctx)
    assert first.records[0].data["sha256"] != second.records[0].data["sha256"] == sha256_file(data)


def test_a_file_dataset_named_with_this_host_is_the_file_others_name() -> None:
    import socket

    from ailm.collectors.openlineage import dataset_uri

    for namespace in ("file", "file://", "file://localhost", f"file://{socket.gethostname()}"):
        assert dataset_uri(namespace, "/srv/models/model.pkl") == "file:///srv/models/model.pkl", namespace
    assert dataset_uri("file://nas01", "/m.pkl") == "file://nas01/m.pkl"  # another machine's file stays its own


_DIGITS = st.integers(min_value=0, max_value=99).map(lambda n: f"{n:02d}")


@settings(max_examples=3000, deadline=None)
@given(
    year=st.sampled_from(["0000", "0001", "1970", "2024", "2025", "9999"]) | st.integers(0, 9999).map(str).map(
        lambda y: y.zfill(4)),
    month=_DIGITS, day=_DIGITS, hour=_DIGITS, minute=_DIGITS, second=_DIGITS,
    sep=st.sampled_from("Tt "),
    frac=st.sampled_from(["", ".5"]) | st.text("0123456789", min_size=1, max_size=12).map(lambda f: "." + f),
    tz=st.sampled_from(["Z", "z", "+00:00", "-00:00", "+23:59", "+24:00"])
    | st.tuples(st.sampled_from("+-"), _DIGITS, _DIGITS).map("{0[0]}{0[1]}:{0[2]}".format),
)  # fmt: skip
def test_the_fast_event_time_check_is_never_looser_than_the_spec(
    year: str, month: str, day: str, hour: str, minute: str, second: str, sep: str, frac: str, tz: str
) -> None:
    """surely_a_time spares dateutil the common case: whatever it accepts, openlineage-python's own validator
    of eventTime accepts too (else a time the spec refuses would be read as a time)."""
    from openlineage.client.generated import base

    from ailm.collectors.openlineage import surely_a_time

    value = f"{year}-{month}-{day}{sep}{hour}:{minute}:{second}{frac}{tz}"
    if surely_a_time(value):
        base.BaseEvent.eventtime_check(None, None, value)  # type: ignore[arg-type]  # raises if the spec refuses


def test_the_fast_event_time_check_takes_the_usual_forms() -> None:
    from ailm.collectors.openlineage import surely_a_time

    for value in ("2026-01-01T00:00:00Z", "2026-01-01T00:00:00.500000+00:00", "2026-12-31t23:59:59.1-05:30"):
        assert surely_a_time(value), value
    for value in ("2026-01-01 00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01T00:00:00+00:71", "2026-01-01"):
        assert not surely_a_time(value), value


@settings(max_examples=500, deadline=None)
@given(value=st.text("0123456789abcdefABCDEF-{}urnid:\n ", max_size=45))
def test_the_fast_run_id_check_is_never_looser_than_the_spec(value: str) -> None:
    """A runId of the canonical 8-4-4-4-12 hex form spares openlineage-python's validator (uuid.UUID): whatever
    that form admits, the validator admits too."""
    from openlineage.client.generated import base

    from ailm.collectors.openlineage import _UUID

    if _UUID.fullmatch(value):
        base.Run.runid_check(None, None, value)  # type: ignore[arg-type]  # raises if the spec refuses


@pytest.mark.parametrize(
    ("run_id", "accepted"),
    [
        ("0b6c4f12-3e4d-4a5b-9c8d-7e6f5a4b3c2d", True),
        ("0B6C4F12-3E4D-4A5B-9C8D-7E6F5A4B3C2D", True),
        ("{0b6c4f12-3e4d-4a5b-9c8d-7e6f5a4b3c2d}", True),  # not the canonical form: uuid.UUID reads it
        ("0b6c4f123e4d4a5b9c8d7e6f5a4b3c2d", True),
        ("0b6c4f12-3e4d-4a5b-9c8d-7e6f5a4b3c2", False),
        ("0b6c4f12-3e4d-4a5b-9c8d-7e6f5a4b3c2d\n", False),
        ("run-1", False),
    ],
)
def test_a_run_id_that_is_no_uuid_names_the_line(tmp_path: Path, run_id: str, accepted: bool) -> None:
    from ailm.collectors.openlineage import OpenLineageCollector

    event = {"eventType": "START", "eventTime": "2026-01-01T00:00:00Z", "run": {"runId": run_id},
             "job": {"namespace": "n", "name": "j"}, "producer": "https://example.org/p",
             "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"}  # fmt: skip
    (tmp_path / "e.ndjson").write_text(json.dumps(event) + "\n")
    collector = OpenLineageCollector(path="e.ndjson")
    if accepted:
        runs = [r for r in collector.collect(ctx(tmp_path)).records if r.role == "ol_run"]
        assert [r.data["run_id"] for r in runs] == [run_id]
    else:
        with pytest.raises(CollectorError, match=r"e\.ndjson:1: not a valid OpenLineage RunEvent"):
            collector.collect(ctx(tmp_path))


def test_the_lineage_graph_is_the_one_networkx_builds(tmp_path: Path) -> None:
    """LineageGraph writes nodes and edges into networkx's own dictionaries: the graph is the one networkx's API
    builds from the same nodes and edges (keys, data, both directions), and networkx's algorithms read it."""
    import networkx as nx

    from ailm.collectors.openlineage import OpenLineageCollector

    raw, train, test = tmp_path / "raw.csv", tmp_path / "train.csv", tmp_path / "test.csv"
    events = tmp_path / "e.ndjson"
    emit(events, "split", [raw], [train, test])
    emit(events, "split", [raw], [train, test])  # a second run of the same job: other edges between known nodes
    emit(events, "clean", [train], [test])
    out = OpenLineageCollector(path="e.ndjson").collect(ctx(tmp_path))
    ours = graph_of(out)

    expected = nx.MultiDiGraph()
    for node in out.nodes:
        expected.add_node(node.id, type=node.type, attrs={**node.attrs, "seen_as": [node.id]}, evidence=[])
    for edge in out.edges:
        expected.add_edge(edge.src, edge.dst, type=edge.type, evidence=edge.evidence)
    for record in out.records:
        expected.nodes[record.subject]["evidence"].append(record.id)
    assert dict(ours.g.nodes(data=True)) == dict(expected.nodes(data=True))
    assert nx.utils.graphs_equal(nx.MultiDiGraph(ours.g), expected)  # a copy: rebuilt through the API
    assert sorted(ours.g.edges(keys=True, data="type")) == sorted(expected.edges(keys=True, data="type"))
    assert sorted(ours.g.in_edges(f"dataset:{test.as_uri()}", keys=True)) == sorted(
        expected.in_edges(f"dataset:{test.as_uri()}", keys=True)
    )
    assert ours.upstream(f"dataset:{test.as_uri()}") == nx.ancestors(expected, f"dataset:{test.as_uri()}")
    assert ours.g.number_of_edges() == len(out.edges) == 8  # 2 x (1 read, 2 written) + (1 read, 1 written)


def test_a_second_edge_of_another_type_between_two_nodes_gets_its_own_key() -> None:
    from ailm.evidence.model import Edge, Node

    g = LineageGraph()
    for node in (Node(id="dataset:a", type="dataset"), Node(id="run:r", type="run")):
        g.add_node(node)
    g.add_edge(Edge(src="dataset:a", dst="run:r", type="consumed"))
    g.add_edge(Edge(src="dataset:a", dst="run:r", type="consumed"))  # the same type again: one edge
    g.add_edge(Edge(src="dataset:a", dst="run:r", type="derived_from", evidence="x"))
    assert sorted(g.g.edges(keys=True, data="type")) == [
        ("dataset:a", "run:r", 0, "consumed"), ("dataset:a", "run:r", 1, "derived_from")]  # fmt: skip
    assert g.g._pred["run:r"]["dataset:a"] is g.g._succ["dataset:a"]["run:r"]  # one key dict, as networkx keeps it
    with pytest.raises(InputError, match="names unknown node run:x"):
        g.add_edge(Edge(src="dataset:a", dst="run:x", type="consumed"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("eventTime", "2026-02-30T00:00:00Z", "day is out of range"),
        ("eventTime", "2026-01-02T00:00:00Z\n", "not an RFC 3339 date-time"),
        ("producer", "http://[bad", "Invalid IPv6 URL"),
    ],
)
def test_every_event_of_a_run_is_checked_not_only_its_first(tmp_path: Path, field: str, value: str,
                                                             message: str) -> None:  # fmt: skip
    """A run's end time and state come from its later events: a later event with a date that does not exist, or a
    producer that is no URI, stops the collection at its line (it was read as the run's end time)."""
    from ailm.collectors.openlineage import OpenLineageCollector

    def event(kind: str, time: str) -> dict[str, Any]:
        return {"eventType": kind, "eventTime": time, "run": {"runId": "0b6c4f12-3e4d-4a5b-9c8d-7e6f5a4b3c2d"},
                "job": {"namespace": "n", "name": "j"}, "producer": "https://example.org/p",
                "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"}  # fmt: skip

    later = {**event("COMPLETE", "2026-01-02T00:00:00Z"), field: value}
    (tmp_path / "e.ndjson").write_text(json.dumps(event("START", "2026-01-01T00:00:00Z")) + "\n" + json.dumps(later))
    with pytest.raises(CollectorError, match=rf"e\.ndjson:2: .*{re.escape(message)}"):
        OpenLineageCollector(path="e.ndjson").collect(ctx(tmp_path))


@pytest.mark.parametrize(
    ("events", "state", "started", "ended"),
    [
        # COMPLETE at 05:00Z written with an offset, FAIL at 06:00Z: the run failed (as text, COMPLETE sorted last)
        ([("START", "2026-01-01T00:00:00Z"), ("COMPLETE", "2026-01-01T10:00:00+05:00"),
          ("FAIL", "2026-01-01T06:00:00Z")], "FAIL", "2026-01-01T00:00:00Z", "2026-01-01T06:00:00Z"),
        # FAIL at 00:00:00Z, COMPLETE half a second later (as text, '.' sorts before 'Z')
        ([("START", "2026-01-01T00:00:00Z"), ("FAIL", "2026-01-01T00:00:00Z"),
          ("COMPLETE", "2026-01-01T00:00:00.5Z")], "COMPLETE", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00.5Z"),
        # the earliest START is the start, whatever its offset (01:00+02:00 is 23:00Z the day before)
        ([("START", "2026-01-01T00:30:00Z"), ("START", "2026-01-01T01:00:00+02:00"),
          ("FAIL", "2026-01-01T08:00:00Z")], "FAIL", "2026-01-01T01:00:00+02:00", "2026-01-01T08:00:00Z"),
    ],
)  # fmt: skip
def test_event_times_are_ordered_as_instants_not_as_text(tmp_path: Path, events: list[tuple[str, str]], state: str,
                                                         started: str, ended: str) -> None:  # fmt: skip
    """The latest terminal event by the clock decides the state, so a run that failed last never counts as
    having produced its outputs; the earliest START is its start."""
    from ailm.collectors.openlineage import OpenLineageCollector

    lines = [
        json.dumps({
            "eventType": kind, "eventTime": time, "run": {"runId": "0b6c4f12-3e4d-4a5b-9c8d-7e6f5a4b3c2d"},
            "job": {"namespace": "n", "name": "j"}, "producer": "https://example.org/p",
            "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
            "outputs": [{"namespace": "file", "name": "/data/out.csv"}],
        })
        for kind, time in events
    ]  # fmt: skip
    (tmp_path / "e.ndjson").write_text("\n".join(lines) + "\n")
    out = OpenLineageCollector(path="e.ndjson").collect(ctx(tmp_path))
    run = next(r.data for r in out.records if r.role == "ol_run")
    assert (run["state"], run["started_at"], run["ended_at"]) == (state, started, ended)
    assert [e.type for e in out.edges] == (["produced"] if state == "COMPLETE" else [])


def test_tool_times_are_written_at_one_width_so_text_order_is_time_order() -> None:
    """Policies pick a tool's latest run by comparing these times as text (the same in regorus and OPA)."""
    from datetime import timedelta, timezone

    from ailm.collectors.base import utc_z

    moments = [datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, 0, 0, 0, 500_000, tzinfo=UTC),
               datetime(2026, 1, 1, 6, 0, 1, tzinfo=timezone(timedelta(hours=5)))]  # fmt: skip
    texts = [utc_z(m) for m in moments]
    assert texts == ["2026-01-01T00:00:00.000000Z", "2026-01-01T00:00:00.500000Z", "2026-01-01T01:00:01.000000Z"]
    assert sorted(texts) == texts
