"""The lm-eval collector on a results file written by the real lm-evaluation-harness
(evidence/demo/genai/lm_eval/README.md says how), and on broken copies of it."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ailm.collectors import CollectContext, create
from ailm.errors import CollectorError

REPO = Path(__file__).resolve().parents[1]
FOLDER = REPO / "evidence" / "demo" / "genai" / "lm_eval"
(RESULTS,) = sorted((FOLDER / "results").rglob("results_*.json"))


def _collect(path: Path) -> Any:
    return create("lm_eval", {"path": str(path), "model": "support-assistant"}).collect(
        CollectContext(base_dir=path.parent, as_of=datetime.now(UTC))
    )


def test_the_real_results_give_what_lm_eval_printed_and_what_the_stand_in_answers() -> None:
    import sys

    sys.path.insert(0, str(FOLDER.parent))
    import standin

    (record,) = _collect(FOLDER / "results").records
    data = record.data
    raw = json.loads(RESULTS.read_text())
    assert record.role == "lm_eval_run" and record.subject == "model:support-assistant"
    assert data["lm_eval_version"] == "0.4.13" and data["model"] == "ailm-demo-standin"
    assert data["random_seed"] == 7 and data["limit"] is None and data["model_version"] is None
    assert data["file_sha256"] == hashlib.sha256(RESULTS.read_bytes()).hexdigest()
    assert data["ran_at"] == datetime.fromtimestamp(raw["date"], UTC).isoformat().replace("+00:00", "Z")
    (task,) = data["tasks"]
    assert (task["task"], task["n_shot"], task["samples"], task["samples_original"]) == (
        "support_refusal_lm",
        0,
        80,
        80,
    )
    (metric,) = task["metrics"]
    assert metric["names"] == ["acc,none", "acc"]
    assert metric["value"] == raw["results"]["support_refusal_lm"]["acc,none"] == 0.7875
    assert metric["stderr"] == raw["results"]["support_refusal_lm"]["acc_stderr,none"]
    assert data["task_hashes"] == raw["task_hashes"]
    # the same number from the stand-in and the dataset lm-eval read, without lm-eval
    rows = [json.loads(line) for line in (FOLDER.parent / "inspect" / "support_refusal.jsonl").read_text().splitlines()]
    right = sum((standin.respond(r["input"]) == standin.REFUSAL) == (r["target"] == "refuse") for r in rows)
    assert right / len(rows) == metric["value"]


def _broken(tmp_path: Path, edit: Any) -> Path:
    doc = json.loads(RESULTS.read_text())
    edit(doc)
    path = tmp_path / "results_broken.json"
    path.write_text(json.dumps(doc))
    return path


CASES = {
    "an unknown version": (lambda d: d.update(lm_eval_version="0.3.0"),
                           'lm_eval_version is "0.3.0": ailm reads the results format of lm-eval 0.4.x'),
    "no version": (lambda d: d.pop("lm_eval_version"), "lm_eval_version is null"),
    "a metric as text": (lambda d: d["results"]["support_refusal_lm"].update({"acc,none": "0.79"}),
                         'results.support_refusal_lm.acc,none must be a number or "N/A", got "0.79"'),
    "a metric of the old format": (lambda d: d["results"]["support_refusal_lm"].update(acc=0.79),
                                   "results.support_refusal_lm.acc: a metric is keyed <metric>,<filter>"),
    "no results": (lambda d: d.update(results={}), "results has no task"),
    "results not an object": (lambda d: d.update(results=[1]), "results must be an object, got list"),
    "results missing": (lambda d: d.pop("results"), "results is missing (an object is required)"),
    "a sample count as text": (lambda d: d["n-samples"]["support_refusal_lm"].update(effective="80"),
                               'n-samples.support_refusal_lm.effective must be a whole number >= 0, got "80"'),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_broken_results_file_names_the_file_and_the_field(tmp_path: Path, case: str) -> None:
    edit, expected = CASES[case]
    path = _broken(tmp_path, edit)
    with pytest.raises(CollectorError) as err:
        _collect(path)
    assert str(err.value) == f"{path}: {expected}" or str(err.value).startswith(f"{path}: {expected}")


def test_a_file_cut_short_and_an_empty_folder(tmp_path: Path) -> None:
    cut = tmp_path / "results_cut.json"
    cut.write_text(RESULTS.read_text()[:500])
    with pytest.raises(CollectorError, match=r"results_cut\.json: not JSON"):
        _collect(cut)
    (tmp_path / "empty").mkdir()
    with pytest.raises(CollectorError, match="no lm-eval results file"):
        _collect(tmp_path / "empty")


def test_a_stderr_lm_eval_could_not_compute_is_no_stderr(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: d["results"]["support_refusal_lm"].update({"acc_stderr,none": "N/A"}))
    (record,) = _collect(path).records
    assert record.data["tasks"][0]["metrics"][0]["stderr"] is None  # GEN-005 then fails: no standard error


def test_results_of_two_models_in_one_folder_stop_the_audit(tmp_path: Path) -> None:
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "results_a.json").write_text(RESULTS.read_text())
    doc = json.loads(RESULTS.read_text())
    doc["config"]["model_args"] = "pretrained=another/model"
    (folder / "results_b.json").write_text(json.dumps(doc))
    with pytest.raises(CollectorError, match="runs against two targets") as err:
        _collect(folder)
    assert "pretrained=another/model" in str(err.value) and "results_a.json" in str(err.value)


def test_a_metric_given_twice_is_not_a_result(tmp_path: Path) -> None:
    """JSON parsers keep the last of two equal keys: a second, higher accuracy must not become the result."""
    text = RESULTS.read_text()
    doubled = text.replace('"acc,none": 0.7875,', '"acc,none": 0.7875, "acc,none": 0.99,', 1)
    assert doubled != text
    path = tmp_path / "results_doubled.json"
    path.write_text(doubled)
    with pytest.raises(CollectorError) as err:
        _collect(path)
    line = doubled[: doubled.index('"acc,none": 0.99')].count("\n") + 1
    column = len(doubled[: doubled.index('"acc,none": 0.99')].rsplit("\n", 1)[-1]) + 1
    assert str(err.value) == (
        f"{path}: not JSON: duplicate key 'acc,none' at line {line} column {column}: which one a reader keeps is "
        "not defined"
    )


LIMITED = REPO / "tests" / "data" / "lm_eval_limit10"  # a real lm-eval --limit 10 run (tests/data/README.md)


def test_a_limit_run_is_recorded_as_part_of_the_dataset_never_the_whole() -> None:
    (record,) = _collect(LIMITED).records
    raw = json.loads(next(LIMITED.rglob("results_*.json")).read_text())
    assert raw["config"]["limit"] == 10 and raw["n-samples"]["support_refusal_lm"] == {"original": 80, "effective": 10}
    data = record.data
    (task,) = data["tasks"]
    assert data["limit"] == 10 and (task["samples"], task["samples_original"]) == (10, 80)
    assert task["metrics"][0]["value"] == 1.0 and task["metrics"][0]["stderr"] == 0.0  # 1.0 +/- 0.0: a pass, if taken
    assert task["complete"] is False and task["incomplete"] == ["limit 10", "10 of 80 samples evaluated"]
    (full,) = _collect(FOLDER / "results").records
    assert full.data["tasks"][0]["complete"] is True and full.data["tasks"][0]["incomplete"] == []


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d["config"].update(limit="10"), 'config.limit must be a number or null, got "10"'),
        (lambda d: d["config"].update(limit=True), "config.limit must be a number or null, got true"),
    ],
)
def test_a_limit_that_is_not_a_number_names_the_field(tmp_path: Path, edit: Any, expected: str) -> None:
    path = _broken(tmp_path, edit)
    with pytest.raises(CollectorError) as err:
        _collect(path)
    assert str(err.value) == f"{path}: {expected}"


@pytest.mark.parametrize("counts", [{}, {"original": 80}, {"effective": 80}])
def test_a_task_whose_sample_counts_are_not_recorded_is_not_complete(tmp_path: Path, counts: dict[str, int]) -> None:
    path = _broken(tmp_path, lambda d: d["n-samples"].update(support_refusal_lm=counts))
    (record,) = _collect(path).records
    (task,) = record.data["tasks"]
    assert task["complete"] is False
    assert task["incomplete"] == [
        "n-samples.support_refusal_lm does not record how many of the dataset's samples were evaluated"
    ]


LOGGED = REPO / "tests" / "data" / "lm_eval_samples"  # a real run with --log_samples (tests/data/README.md)


def test_the_samples_a_run_logged_give_its_failed_samples_with_their_responses() -> None:
    (record,) = _collect(LOGGED).records
    (task,) = record.data["tasks"]
    (samples,) = LOGGED.rglob("samples_*.jsonl")
    rows = [json.loads(line) for line in samples.read_text().splitlines()]
    wrong = {r["doc"]["id"]: r["filtered_resps"][0] for r in rows if r["acc"] == 0}
    logged = task["logged_samples"]
    assert logged["file"] == samples.name and logged["sha256"] == hashlib.sha256(samples.read_bytes()).hexdigest()
    assert logged["failed_count"] == len(wrong) == 17 and len(rows) == task["samples"] == 80
    assert {f["id"]: f["response"] for f in logged["failed_samples"]} == wrong
    assert all(f["metrics"] == {"acc": 0.0} and f["target"] in ("refuse", "answer") for f in logged["failed_samples"])
    (without,) = _collect(FOLDER / "results").records
    assert without.data["tasks"][0]["logged_samples"] is None  # the committed demo run logged none


def _logged_copy(tmp_path: Path, edit: Any) -> Path:
    folder = tmp_path / "run"
    shutil.copytree(LOGGED, folder)
    (samples,) = folder.rglob("samples_*.jsonl")
    samples.write_text(edit(samples.read_text()))
    return samples


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda t: t.replace('"acc": 0.0}', '"acc": 0.0, "acc": 1.0}', 1),
            ":21: not a JSON sample: duplicate key 'acc'",
        ),
        (lambda t: "\n".join(t.splitlines()[:-1]) + "\n", ": 79 samples logged, but n-samples.support_refusal_lm"),
        (lambda t: t + t.splitlines()[0] + "\n", ": 81 samples logged, but n-samples.support_refusal_lm"),
        (lambda t: t.replace('"metrics": ["acc"]', '"metrics": "acc"', 1), ":1: an lm-eval sample is an object with"),
        (lambda t: t[: len(t) // 2], ": not a JSON sample"),
    ],
)
def test_logged_samples_unlike_the_results_stop_the_audit(tmp_path: Path, edit: Any, expected: str) -> None:
    samples = _logged_copy(tmp_path, edit)
    with pytest.raises(CollectorError) as err:
        _collect(tmp_path / "run")
    assert str(err.value).startswith(str(samples)) and expected in str(err.value)


def test_a_changed_samples_file_changes_the_fingerprint(tmp_path: Path) -> None:
    samples = _logged_copy(tmp_path, lambda t: t)
    collector = create("lm_eval", {"path": str(tmp_path / "run"), "model": "support-assistant"})
    context = CollectContext(base_dir=tmp_path, as_of=datetime.now(UTC))
    before = collector.fingerprint(context)  # type: ignore[attr-defined]
    samples.write_text(samples.read_text().replace('"acc": 0.0}', '"acc": 1.0}', 1))
    assert collector.fingerprint(context) != before  # type: ignore[attr-defined]
