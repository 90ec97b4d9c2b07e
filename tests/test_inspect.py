"""The Inspect collector on logs written by real Inspect AI runs of the demo's stand-in (offline), the
generative demo through the whole audit, the served prompts from MLflow's prompt registry, and broken input."""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import sqlite3
import sys
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ailm.collectors import CollectContext, create
from ailm.errors import CollectorError

REPO = Path(__file__).resolve().parents[1]
GENAI = REPO / "evidence" / "demo" / "genai"


@pytest.fixture(scope="module")
def genai_root(demo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store (copied, so the other tests' registry is unchanged) with the generative demo built into
    it by the demo's own builder: real Inspect runs of the stand-in, its prompts and its registration."""
    from train_demo import build_genai

    root = tmp_path_factory.mktemp("genai-root")
    shutil.copytree(demo_root / "evidence", root / "evidence")
    shutil.copytree(demo_root / ".ailm" / "demo", root / ".ailm" / "demo")
    build_genai(root, quiet=True)
    return root


def _logs(root: Path) -> dict[str, Path]:
    found = sorted((root / ".ailm" / "demo" / "genai" / "inspect").glob("*.eval"))
    return {p.name.split("_")[1]: p for p in found}  # support-refusal, support-sources


def _collect(path: Path) -> object:
    return create("inspect", {"path": str(path), "model": "support-assistant"}).collect(
        CollectContext(base_dir=path.parent, as_of=datetime.now(UTC))
    )


def test_the_real_logs_give_what_inspect_scored_and_what_the_stand_in_answers(genai_root: Path) -> None:
    from inspect_ai import __version__ as inspect_version
    from inspect_ai.log import read_eval_log

    sys.path.insert(0, str(GENAI))
    import standin

    col = _collect(genai_root / ".ailm" / "demo" / "genai" / "inspect")
    records = {r.data["task"]: r for r in col.records}  # type: ignore[attr-defined]
    assert set(records) == {"support_refusal", "support_sources"} and not col.notes  # type: ignore[attr-defined]
    for task, path in (("support_refusal", _logs(genai_root)["support-refusal"]),
                       ("support_sources", _logs(genai_root)["support-sources"])):  # fmt: skip
        record = records[task]
        data = record.data
        assert record.role == "inspect_eval" and record.subject == "model:support-assistant"
        assert record.source.uri == path.as_uri()
        assert data["file_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert data["status"] == "success" and data["model"] == "ailm-demo/standin"
        assert data["inspect_version"] == inspect_version and data["task_version"] == 1
        full = read_eval_log(str(path))  # every sample, as Inspect scored it
        assert full.samples is not None
        scores = [next(iter(s.scores.values())).value for s in full.samples]  # type: ignore[union-attr]
        n = len(scores)
        p = sum(1 for v in scores if v == "C") / n
        (result,) = data["results"]
        assert (data["total_samples"], data["completed_samples"], result["samples"]) == (n, n, n)
        assert result["value"] == pytest.approx(p) and result["metric"] == "accuracy"
        assert result["stderr"] == pytest.approx(math.sqrt(p * (1 - p) / (n - 1)))  # the sample standard error
        assert result["names"] == [f"{result['scorer']}/accuracy", "accuracy"]
        # the same numbers again, from the stand-in itself and the committed dataset, without Inspect
        rows = [json.loads(line) for line in (GENAI / "inspect" / f"{task}.jsonl").read_text().splitlines()]
        assert data["dataset"]["samples"] == len(rows) == n
        if task == "support_refusal":
            right = sum((standin.respond(r["input"]) == standin.REFUSAL) == (r["target"] == "refuse") for r in rows)
        else:
            right = sum(r["target"] in standin.respond(r["input"]) for r in rows)
        assert right / n == pytest.approx(p)
    assert records["support_refusal"].data["results"][0]["value"] == 0.7875  # 63 of 80


def test_a_run_that_failed_is_recorded_with_its_status_and_error(tmp_path: Path) -> None:
    from inspect_ai import Task
    from inspect_ai import eval as inspect_eval
    from inspect_ai.dataset import Sample
    from inspect_ai.model import GenerateConfig, ModelAPI, ModelOutput, modelapi
    from inspect_ai.scorer import includes

    @modelapi(name="ailm-test-broken")
    def _broken() -> type[ModelAPI]:
        class Broken(ModelAPI):
            def __init__(self, model_name: str, base_url: str | None = None, api_key: str | None = None,
                         config: GenerateConfig = GenerateConfig(), **_: object) -> None:  # noqa: B008  # fmt: skip
                super().__init__(model_name, base_url, api_key, [], config)

            async def generate(self, input: object, tools: object, tool_choice: object, config: object) -> ModelOutput:
                raise RuntimeError("the model server is down")

        return Broken

    task = Task(name="broken_task", dataset=[Sample(input="hello", target="hi")], scorer=includes())
    with warnings.catch_warnings():  # Inspect's retry library warns of its own deprecations on this path
        warnings.simplefilter("ignore", DeprecationWarning)
        (log,) = inspect_eval(task, model="ailm-test-broken/x", log_dir=str(tmp_path / "logs"), display="none",
                              retry_on_error=0)  # fmt: skip
    assert log.status == "error"
    col = _collect(tmp_path / "logs")
    (record,) = col.records  # type: ignore[attr-defined]
    assert record.data["status"] == "error" and "the model server is down" in record.data["error"]
    assert record.data["results"] == [] and "ended with status error" in col.notes[0]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "case",
    ["truncated", "json cut short", "not a log", "json of another tool"],
)
def test_a_log_inspect_cannot_read_names_the_file(genai_root: Path, tmp_path: Path, case: str) -> None:
    real = _logs(genai_root)["support-refusal"].read_bytes()
    if case == "truncated":
        path = tmp_path / "cut.eval"
        path.write_bytes(real[: len(real) // 2])
    elif case == "json cut short":
        path = tmp_path / "cut.json"
        path.write_text('{"version": 2, "status": "success", "eval": {"task": "x"')
    elif case == "not a log":
        path = tmp_path / "notes.eval"
        path.write_text("hello")
    else:
        path = tmp_path / "results.json"
        path.write_text(json.dumps({"results": {"arc_easy": {"acc,none": 0.8}}}))
    with pytest.raises(CollectorError) as err:
        _collect(path)
    assert str(err.value).startswith(f"{path}: not a readable Inspect evaluation log")


def test_two_copies_of_one_log_an_empty_folder_and_no_folder(genai_root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    with pytest.raises(CollectorError, match="no Inspect log"):
        _collect(folder)
    real = _logs(genai_root)["support-refusal"]
    shutil.copy(real, folder / "a.eval")
    shutil.copy(real, folder / "b.eval")
    with pytest.raises(CollectorError, match=r"b\.eval: evaluation \w+ is also logged in .*a\.eval"):
        _collect(folder)
    with pytest.raises(CollectorError, match="Inspect log not found"):
        _collect(tmp_path / "nowhere")
    # logs of another model beside the stand-in's: each would count as the registered model's evaluation
    other = tmp_path / "two-models"
    shutil.copytree(genai_root / ".ailm" / "demo" / "genai" / "inspect", other)
    from inspect_ai.log import read_eval_log, write_eval_log

    log = read_eval_log(str(_logs(genai_root)["support-refusal"]))
    log.eval.model, log.eval.eval_id = "openai/gpt-4o", "another-eval"
    write_eval_log(log, str(other / "other-model.eval"))
    with pytest.raises(CollectorError, match=r'runs against two targets, \["ailm-demo/standin"\]') as err:
        _collect(other)
    assert '"openai/gpt-4o"' in str(err.value)


def _genai_config(root: Path, tmp_path: Path) -> Path:
    cfg = root / "evidence" / "demo" / "genai.yaml"
    text = cfg.read_text().replace("../../.ailm/history.db", str(tmp_path / "history.db"))
    out = cfg.with_name(f"genai-{tmp_path.name}.yaml")
    out.write_text(text)
    return out


def test_the_generative_demo_fails_and_passes_its_gen_controls_on_measured_evidence(
    genai_root: Path, tmp_path: Path, run_cli
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    res = run_cli("audit", "--config", _genai_config(genai_root, tmp_path), "--out", out, "--no-sign",
                  "--as-of", "2026-12-02", "--format", "json")  # fmt: skip
    assert res.code == 1, res.out + res.err
    report = json.loads((out / "report.json").read_text())
    assert "the evaluated model is a stand-in" in report["name"]
    by = {r["control"]: r for r in report["results"]}
    status = {c: by[c]["status"] for c in by if c.startswith("GEN-")}
    assert status == {
        "GEN-001": "pass", "GEN-002": "fail", "GEN-003": "not_applicable", "GEN-004": "pass", "GEN-005": "fail",
        "GEN-006": "fail", "GEN-007": "not_applicable", "GEN-008": "pass", "GEN-009": "pass",
        "GEN-010": "not_applicable",
    }  # fmt: skip
    evidence = {e["id"]: e for e in json.loads((out / "evidence.json").read_text())["records"]}
    inspect, lm = sorted(by["GEN-005"]["findings"], key=lambda f: f["message"])  # the same 80 samples, two tools
    for finding in (inspect, lm):
        assert "0.7875 +/- 0.0902" in finding["message"] and "80 samples" in finding["message"]
    assert inspect["message"].startswith("task support_refusal (accuracy)")
    (cited,) = [e for e in inspect["evidence"] if e.startswith("inspect:")]
    assert evidence[cited]["data"]["task"] == "support_refusal"
    assert lm["message"].startswith("task support_refusal_lm (acc)") and lm["evidence"][0].startswith("lm_eval:")
    prompt = evidence["mlflow:prompt_version:support-assistant-system/2"]["data"]
    served = (GENAI / "prompts" / "system-v2.txt").read_text()
    assert prompt["template_sha256"] == hashlib.sha256(served.encode()).hexdigest()
    assert prompt["tags"] == {} and prompt["commit_message"] == "friendlier tone (not yet reviewed)"
    assert any("version 2 is served without approval" in f["message"] for f in by["GEN-006"]["findings"])
    assert all("encoding.InjectBase64" in f["message"] for f in by["GEN-002"]["findings"])


def test_a_later_partial_run_never_replaces_a_full_run_that_failed_its_threshold(
    genai_root: Path, tmp_path: Path, run_cli
) -> None:  # type: ignore[no-untyped-def]
    """The demo's full runs (0.7875 on 80 samples) held to 0.8, then a real Inspect --limit 12 run and a real
    lm-eval --limit 10 run, both later and both 1.0 +/- 0.0: the full runs still decide, the partial ones are
    shown beside them. (Latest log wins passed GEN-001 here.)"""
    from test_inspect_runs import _run

    logs = tmp_path / "inspect"
    shutil.copytree(genai_root / ".ailm" / "demo" / "genai" / "inspect", logs)
    partial = _run(logs / "later", limit=12)
    lm = tmp_path / "lm"
    shutil.copytree(REPO / "evidence" / "demo" / "genai" / "lm_eval" / "results", lm / "full")
    shutil.copytree(REPO / "tests" / "data" / "lm_eval_limit10", lm / "limit10")
    demo = genai_root / "evidence" / "demo"
    manifest = demo / f"genai-manifest-{tmp_path.name}.yaml"
    text = (demo / "genai-manifest.yaml").read_text()
    for metric in ("accuracy", "acc"):  # support_refusal's and support_refusal_lm's
        text = text.replace(f"metric: {metric}, threshold: 0.75", f"metric: {metric}, threshold: 0.8")
    manifest.write_text(text)
    cfg = _genai_config(genai_root, tmp_path)
    cfg.write_text(cfg.read_text().replace("path: genai-manifest.yaml", f"path: {manifest.name}")
                   .replace("path: ../../.ailm/demo/genai/inspect", f"path: {logs}")
                   .replace("path: genai/lm_eval/results", f"path: {lm}"))  # fmt: skip
    out = tmp_path / "out"
    res = run_cli("audit", "--config", cfg, "--out", out, "--no-sign", "--as-of", "2026-12-09", "--format", "json")
    assert res.code == 1, res.out + res.err
    by = {r["control"]: r for r in json.loads((out / "report.json").read_text())["results"]}
    gen1 = by["GEN-001"]
    assert gen1["status"] == "fail"
    denied = sorted(f["message"] for f in gen1["findings"] if f["level"] == "deny")
    assert denied == [
        "task support_refusal: accuracy = 0.7875 does not meet the threshold 0.8",
        "task support_refusal_lm: acc = 0.7875 does not meet the threshold 0.8",
    ]
    warned = sorted(f["message"] for f in gen1["findings"] if f["level"] == "warn")
    full_lm = "lm_eval:results_2026-12-01T22-49-33.047621"
    assert len(warned) == 2 and "partial runs beside it, not its evaluation" in warned[0]
    assert "limit 12; 12 of 80 samples completed (80 x 1 epochs)" in warned[0]
    assert warned[1].startswith(f"task support_refusal_lm: judged on {full_lm}; partial runs beside it")
    assert "lm_eval:results_2026-12-08T03-23-50.685144 (limit 10; 10 of 80 samples evaluated)" in warned[1]
    evidence = {e["id"]: e for e in json.loads((out / "evidence.json").read_text())["records"]}
    (later,) = [e for e in evidence.values() if e["source"]["uri"] == partial.as_uri()]
    assert later["data"]["complete"] is False and later["data"]["limit"] == 12
    # GEN-005 judges the full runs only (below the threshold: GEN-001's finding) and names the lm-eval file read
    assert by["GEN-005"]["status"] == "pass" and full_lm in by["GEN-005"]["evidence"]
    assert evidence[full_lm]["source"]["uri"].endswith("results_2026-12-01T22-49-33.047621.json")


def _store_copy(root: Path, tmp_path: Path) -> Path:
    store = tmp_path / "mlflow.db"
    shutil.copy(root / ".ailm" / "demo" / "mlflow.db", store)
    cfg = _genai_config(root, tmp_path)
    cfg.write_text(cfg.read_text().replace("../../.ailm/demo/mlflow.db", str(store)))
    return cfg


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ('[{"name": "support-assistant-system", "version": "9"}]',
         "names prompt support-assistant-system version 9, which the prompt registry does not give"),
        ("support-assistant-system/2", "tag mlflow.linkedPrompts is not JSON"),
        ('[{"name": "support-assistant-system", "version": "1", "version": "2"}]',
         "is not JSON: '[{\"name\": \"support-assistant-system\", \"version\": \"1\", \"version\": \"2\"}]' "
         "(duplicate key 'version'"),
        ('[{"name": "support-assistant-system", "version": "latest"}]', "item 1 must be {name, version}"),
        ('{"name": "support-assistant-system"}', "tag mlflow.linkedPrompts must be a JSON list, got dict"),
    ],
)  # fmt: skip
def test_a_served_prompt_the_registry_cannot_give_stops_the_audit(
    genai_root: Path, tmp_path: Path, run_cli, tag: str, expected: str
) -> None:  # type: ignore[no-untyped-def]
    cfg = _store_copy(genai_root, tmp_path)
    with sqlite3.connect(tmp_path / "mlflow.db") as db:
        changed = db.execute("UPDATE tags SET value = ? WHERE key = 'mlflow.linkedPrompts'", (tag,)).rowcount
    assert changed == 1
    res = run_cli("audit", "--config", cfg, "--out", tmp_path / "out", "--no-sign", "--no-history",
                  "--as-of", "2026-12-02", "--format", "json")  # fmt: skip
    assert res.code == 2 and expected in " ".join(res.err.split()), res.err
    assert "run " in res.err and "genai-" in res.err  # the run, and the config line of the collector
    assert not (tmp_path / "out" / "report.json").exists()


def test_without_the_llm_extra_the_message_says_what_to_install(genai_root: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "inspect_ai.log", None)  # as if inspect-ai were not installed
    path = _logs(genai_root)["support-refusal"]
    with pytest.raises(CollectorError) as err:
        _collect(path)
    assert str(err.value) == f"{path}: reading Inspect logs needs inspect-ai (pip install 'ailm[llm]')"
