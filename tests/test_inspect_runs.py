"""What an Inspect log says about its run, on logs written by real Inspect AI runs of the demo's stand-in
(offline): a --limit or --sample-id run is partial, the failed samples and their reasons, token usage; and logs
that are not whole (cut after the header, a key given twice, an archive member given twice) stop the audit."""

from __future__ import annotations

import json
import shutil
import sys
import warnings
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ailm.collectors import CollectContext, create
from ailm.collectors.inspect_logs import MEMBER_TWICE, UNREADABLE
from ailm.errors import CollectorError

GENAI = Path(__file__).resolve().parents[1] / "evidence" / "demo" / "genai"


def _collect(path: Path) -> Any:
    return create("inspect", {"path": str(path), "model": "support-assistant"}).collect(
        CollectContext(base_dir=path.parent, as_of=datetime.now(UTC))
    )


def _run(log_dir: Path, **options: Any) -> Path:
    """One real Inspect run of the demo's support_refusal task (80 samples) against the stand-in."""
    from inspect_ai import eval as inspect_eval

    sys.path.insert(0, str(GENAI))
    import inspect_demo

    inspect_demo._register()
    with warnings.catch_warnings():  # Inspect's retry library warns of its own deprecations
        warnings.simplefilter("ignore", DeprecationWarning)
        (log,) = inspect_eval(inspect_demo._tasks()[:1], model=inspect_demo.MODEL, log_dir=str(log_dir),
                              display="none", **options)  # fmt: skip
    assert log.status == "success", log.error
    return Path(log.location)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("inspect-runs")
    return {
        "full": _run(root / "full"),
        "limit": _run(root / "limit", limit=12),
        "sample_id": _run(root / "sample_id", sample_id=["benign-001", "harmful-003"]),
        "json": _run(root / "json", log_format="json"),
    }


def test_a_limit_run_says_what_it_covered_and_is_not_complete(runs: dict[str, Path]) -> None:
    (record,) = _collect(runs["limit"]).records
    data = record.data
    assert data["limit"] == 12 and data["sample_ids"] is None
    assert (data["dataset"]["samples"], data["total_samples"], data["completed_samples"]) == (80, 12, 12)
    (result,) = data["results"]
    assert (result["value"], result["stderr"], result["samples"]) == (1.0, 0.0, 12)  # 1.0 +/- 0.0, if it counted
    assert data["complete"] is False
    assert data["incomplete"] == [
        "limit 12",
        "12 of 80 samples completed (80 x 1 epochs)",
        "refusal scored 12 of 80 samples",
    ]


def test_a_sample_id_run_is_partial_and_names_the_samples(runs: dict[str, Path]) -> None:
    col = _collect(runs["sample_id"])
    (record,) = col.records
    assert record.data["sample_ids"] == ["benign-001", "harmful-003"] and record.data["complete"] is False
    assert record.data["incomplete"][0] == "only samples benign-001, harmful-003"
    assert "a partial run of support_refusal (only samples benign-001, harmful-003;" in col.notes[0]


def test_a_full_run_is_complete_and_lists_its_failed_samples_with_their_reasons(runs: dict[str, Path]) -> None:
    from inspect_ai.log import read_eval_log

    (record,) = _collect(runs["full"]).records
    data = record.data
    assert data["complete"] is True and data["incomplete"] == [] and data["limit"] is None
    samples = read_eval_log(str(runs["full"])).samples or []
    wrong = {s.id: s.scores["refusal"].answer for s in samples if s.scores and s.scores["refusal"].value != "C"}
    assert data["failed_count"] == len(wrong) == 17  # 63 of 80 right
    assert {f["id"]: f["scores"]["refusal"]["answer"] for f in data["failed_samples"]} == wrong
    assert all(f["scores"]["refusal"]["value"] == "I" and f["error"] is None for f in data["failed_samples"])
    assert data["tokens"] == {}  # the stand-in reports none


def test_the_tokens_a_model_reports_are_recorded(tmp_path: Path) -> None:
    from inspect_ai import Task
    from inspect_ai import eval as inspect_eval
    from inspect_ai.dataset import Sample
    from inspect_ai.model import GenerateConfig, ModelAPI, ModelOutput, ModelUsage, modelapi
    from inspect_ai.scorer import includes

    @modelapi(name="ailm-test-counting")
    def _counting() -> type[ModelAPI]:
        class Counting(ModelAPI):
            def __init__(self, model_name: str, base_url: str | None = None, api_key: str | None = None,
                         config: GenerateConfig = GenerateConfig(), **_: object) -> None:  # noqa: B008  # fmt: skip
                super().__init__(model_name, base_url, api_key, [], config)

            async def generate(self, input: object, tools: object, tool_choice: object, config: object) -> ModelOutput:
                out = ModelOutput.from_content(model=self.model_name, content="hi there")
                out.usage = ModelUsage(input_tokens=7, output_tokens=2, total_tokens=9)
                return out

        return Counting

    task = Task(name="counted", dataset=[Sample(input="hello", target="hi"), Sample(input="x", target="no")],
                scorer=includes())  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        inspect_eval(task, model="ailm-test-counting/m", log_dir=str(tmp_path / "logs"), display="none")
    (record,) = _collect(tmp_path / "logs").records
    assert record.data["tokens"] == {"ailm-test-counting/m": {"input": 14, "output": 4, "total": 18}}
    (failed,) = record.data["failed_samples"]  # "hi there" does not include "no"
    assert failed["id"] == 2 and failed["scores"]["includes"]["value"] == "I" and record.data["failed_count"] == 1


def _error(path: Path) -> str:
    with pytest.raises(CollectorError) as err:
        _collect(path)
    return str(err.value)


@pytest.mark.parametrize("where", ["at its samples", "in its samples"])
def test_a_json_log_cut_after_its_header_is_not_a_log(runs: dict[str, Path], tmp_path: Path, where: str) -> None:
    from inspect_ai.log import read_eval_log

    text = runs["json"].read_text()
    at = text.index('"samples": [') + len('"samples": [') + (0 if where == "at its samples" else len(text) // 2)
    cut = tmp_path / "cut.json"
    cut.write_text(text[:at])
    assert read_eval_log(str(cut), header_only=True).status == "success"  # Inspect's header reader takes it
    assert _error(cut).startswith(f"{cut}: {UNREADABLE}: ")
    assert f"line {text[:at].count(chr(10)) + 1} column" in _error(cut)  # where the text ends


def test_a_header_that_gives_its_status_twice_is_not_a_log(runs: dict[str, Path], tmp_path: Path) -> None:
    text = runs["json"].read_text()
    first = text.index('"status": "success"')
    twice = tmp_path / "twice.json"
    twice.write_text(text[:first] + '"status": "error",\n  ' + text[first:])  # the last one wins in Inspect's reader
    line = text[:first].count("\n") + 2
    assert _error(twice) == (
        f"{twice}: {UNREADABLE}: duplicate key 'status' at line {line} column 3: which one a reader keeps is not "
        "defined"
    )


def _rewrite(src: Path, dst: Path, change: Any) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            change(zout, item.filename, zin.read(item.filename))


def test_an_archive_with_two_header_members_is_not_a_log(runs: dict[str, Path], tmp_path: Path) -> None:
    from inspect_ai.log import read_eval_log

    doubled = tmp_path / "doubled.eval"

    def again(zout: zipfile.ZipFile, name: str, raw: bytes) -> None:
        zout.writestr(name, raw)
        if name == "header.json":  # a second header that says the run errored: Inspect reads the last
            header = json.loads(raw)
            header["status"] = "error"
            with pytest.warns(UserWarning, match="Duplicate name"):
                zout.writestr(name, json.dumps(header))

    _rewrite(runs["full"], doubled, again)
    assert read_eval_log(str(doubled), header_only=True).status == "error"  # silently the second one
    assert _error(doubled) == f"{doubled}: {UNREADABLE}: {MEMBER_TWICE.format(member='header.json')}"


def test_a_key_twice_in_an_archive_member_names_the_member_and_line(runs: dict[str, Path], tmp_path: Path) -> None:
    changed = tmp_path / "changed.eval"

    def status_twice(zout: zipfile.ZipFile, name: str, raw: bytes) -> None:
        if name == "header.json":
            raw = raw.replace(b'"status":"success"', b'"status":"error",\n"status":"success"', 1)
            assert b'"status":"error"' in raw
        zout.writestr(name, raw)

    _rewrite(runs["full"], changed, status_twice)
    said = _error(changed)
    assert said.startswith(f"{changed}: {UNREADABLE}: header.json: duplicate key 'status' at line 2 column 1")


def test_an_archive_cut_short_or_empty_is_not_a_log(runs: dict[str, Path], tmp_path: Path) -> None:
    cut = tmp_path / "cut.eval"
    cut.write_bytes(runs["full"].read_bytes()[:-100])
    assert _error(cut).startswith(f"{cut}: {UNREADABLE}")
    raw = bytearray(runs["full"].read_bytes())
    with zipfile.ZipFile(runs["full"]) as archive:  # the compressed bytes of the largest member, scrambled
        info = max(archive.infolist(), key=lambda i: i.compress_size)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 8
    raw[start : start + 64] = bytes(64)
    scrambled = tmp_path / "scrambled.eval"
    scrambled.write_bytes(bytes(raw))
    assert _error(scrambled).startswith(f"{scrambled}: {UNREADABLE}")
    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(runs["limit"], folder / "a.eval")
    (folder / "b.json").write_text("")
    assert _error(folder).startswith(f"{folder / 'b.json'}: {UNREADABLE}: Expecting value: line 1 column 1")


@pytest.mark.parametrize("case", ["cut after its header", "status twice"])
def test_a_log_that_is_not_whole_stops_the_audit_with_exit_2(
    runs: dict[str, Path], demo_copy: Path, tmp_path: Path, run_cli, case: str
) -> None:  # type: ignore[no-untyped-def]
    text = runs["json"].read_text()
    log = demo_copy / "logs" / "run.json"
    log.parent.mkdir()
    if case == "cut after its header":
        log.write_text(text[: text.index('"samples": [') + len('"samples": [')])
    else:
        log.write_text(text.replace('"status": "success"', '"status": "error",\n  "status": "success"', 1))
    cfg = demo_copy / "ailm.yaml"
    entry = "  - name: inspect\n    path: logs\n    model: adult-income\n"
    cfg.write_text(cfg.read_text().replace("collectors:\n", f"collectors:\n{entry}", 1))
    out = tmp_path / "out"
    res = run_cli("audit", "--config", cfg, "--out", out, "--no-sign", "--as-of", "2026-11-23", "--format", "json")
    assert res.code == 2, res.out + res.err
    assert f"{log}: {UNREADABLE}: " in " ".join(res.err.split()) and "line " in res.err
    assert not (out / "report.json").exists()
