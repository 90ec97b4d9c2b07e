"""The garak collector on a report written by the real garak (evidence/demo/genai/garak/README.md says how),
and on broken copies of it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ailm.collectors import CollectContext, create
from ailm.errors import CollectorError
from ailm.plugins import PluginError

REPO = Path(__file__).resolve().parents[1]
REPORT = REPO / "evidence" / "demo" / "genai" / "garak" / "standin.report.jsonl"


def _collect(path: Path, **settings: str) -> object:
    cfg = {"path": str(path), "model": "demo-assistant", **settings}
    return create("garak", cfg).collect(CollectContext(base_dir=path.parent, as_of=datetime.now(UTC)))


def _entries() -> list[dict[str, object]]:
    return [json.loads(line) for line in REPORT.read_text().splitlines() if line.strip()]


def test_the_real_report_gives_what_garak_itself_counted() -> None:
    col = _collect(REPORT)
    (record,) = col.records  # type: ignore[attr-defined]
    data = record.data
    assert record.role == "garak_run" and record.subject == "model:demo-assistant"
    assert data["garak_version"] == "0.17.1" and data["completed"] is True
    assert data["target"] == {"type": "function", "name": "standin#generate"}
    assert data["started_at"].endswith("Z") and data["started_at"] < data["ended_at"]
    assert data["families_run"] == ["dan", "encoding", "promptinject"] and not data["probes_without_eval"]
    evals = {(e["probe"], e["detector"]): e for e in _entries() if e["entry_type"] == "eval"}
    assert len(data["results"]) == len(evals) == 5
    for r in data["results"]:
        e = evals[(r["probe"], r["detector"])]
        assert (r["evaluated"], r["hits"], r["passed"]) == (e["total_evaluated"], e["fails"], e["passed"])
        assert r["hit_rate"] == pytest.approx(e["hit_at_k"]["1"]["score"])  # garak's own attack success rate
    rates = {(r["probe"], r["detector"]): r["hit_rate"] for r in data["results"]}
    assert rates[("encoding.InjectBase64", "encoding.DecodeMatch")] == 0.1875  # 3 of 16, as garak printed
    assert data["attempts"]["encoding.InjectBase64"] == 16


def test_a_report_cut_after_its_results_is_recorded_incomplete(tmp_path: Path) -> None:
    lines = REPORT.read_text().splitlines(keepends=True)
    cut = [line for line in lines if json.loads(line)["entry_type"] not in ("completion", "digest")]
    path = tmp_path / "cut.report.jsonl"
    path.write_text("".join(cut))
    col = _collect(path)
    assert col.records[0].data["completed"] is False and col.records[0].data["ended_at"] is None  # type: ignore[attr-defined]
    assert "no completion entry" in col.notes[0]  # type: ignore[attr-defined]


def _broken(tmp_path: Path, lineno: int, replace: str | None = None, edit: object = None) -> Path:
    lines = REPORT.read_text().splitlines(keepends=True)
    if replace is not None:
        lines[lineno - 1] = replace
    if edit is not None:
        entry = json.loads(lines[lineno - 1])
        edit(entry)  # type: ignore[operator]
        lines[lineno - 1] = json.dumps(entry) + "\n"
    path = tmp_path / "broken.report.jsonl"
    path.write_text("".join(lines))
    return path


def _eval_line() -> int:
    return next(i for i, e in enumerate(_entries(), start=1) if e["entry_type"] == "eval")


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("truncated", ":{n}: not a JSON entry: "),
        ("hits text", ":{n}: eval dan.Dan_11_0/dan.DAN: fails must be a whole number >= 0"),
        ("counts disagree", ":{n}: eval dan.Dan_11_0/dan.DAN: passed + fails is not total_evaluated (1 + 0 != 5)"),
        ("no detector", ":{n}: the eval entry has no 'detector'"),
        ("not an object", ":{n}: a garak report entry is a JSON object with an entry_type"),
    ],
)
def test_a_broken_report_names_the_file_and_line(tmp_path: Path, case: str, expected: str) -> None:
    n = _eval_line()
    line = REPORT.read_text().splitlines()[n - 1]
    path = {
        "truncated": lambda: _broken(tmp_path, n, replace=line[: len(line) // 2] + "\n"),
        "hits text": lambda: _broken(tmp_path, n, edit=lambda e: e.update(fails="0")),
        "counts disagree": lambda: _broken(tmp_path, n, edit=lambda e: e.update(total_evaluated=5)),
        "no detector": lambda: _broken(tmp_path, n, edit=lambda e: e.pop("detector")),
        "not an object": lambda: _broken(tmp_path, n, replace="[1, 2]\n"),
    }[case]()
    with pytest.raises(CollectorError) as err:
        _collect(path)
    assert str(err.value).startswith(str(path)) and expected.format(n=n) in str(err.value)


def test_not_a_report_two_reports_of_one_run_and_a_zone_that_does_not_exist(tmp_path: Path) -> None:
    (tmp_path / "empty.report.jsonl").write_text('{"entry_type": "attempt", "probe_classname": "a.B", "uuid": "u"}\n')
    with pytest.raises(CollectorError, match="no init entry: not a garak report"):
        _collect(tmp_path / "empty.report.jsonl")
    folder = tmp_path / "runs"
    folder.mkdir()
    for name in ("a.report.jsonl", "b.report.jsonl"):
        (folder / name).write_bytes(REPORT.read_bytes())
    with pytest.raises(CollectorError, match=r"b\.report\.jsonl: run .* is also reported in .*a\.report\.jsonl"):
        _collect(folder)
    with pytest.raises(PluginError, match="time_zone 'Mars/Olympus' is not an IANA time zone"):  # at the config
        _collect(REPORT, time_zone="Mars/Olympus")


def test_a_zone_given_moves_garaks_local_times_to_utc() -> None:
    utc = _collect(REPORT).records[0].data  # type: ignore[attr-defined]
    paris = _collect(REPORT, time_zone="Europe/Paris").records[0].data  # type: ignore[attr-defined]
    assert datetime.fromisoformat(utc["started_at"]) - datetime.fromisoformat(paris["started_at"]) == (
        datetime(2026, 12, 1, 1, tzinfo=UTC) - datetime(2026, 12, 1, tzinfo=UTC)
    )  # Paris is an hour ahead in December: the same local time is an hour earlier in UTC


def test_an_audit_with_a_broken_report_stops_with_exit_2(demo_copy: Path, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.report.jsonl"
    bad.write_text(REPORT.read_text().splitlines(keepends=True)[0] + "{not json\n")
    cfg = demo_copy / "ailm.yaml"
    text = cfg.read_text()
    cfg.write_text(
        text.replace("collectors:\n", f"collectors:\n  - {{name: garak, path: {bad}, model: adult-income}}\n", 1)
    )
    res = run_cli("audit", "--config", cfg, "--out", tmp_path / "out", "--no-sign", "--no-history",
                  "--as-of", "2026-11-23", "--format", "json")  # fmt: skip
    assert res.code == 2 and f"{bad}:2: not a JSON entry" in " ".join(res.err.split()), res.err
    assert not (tmp_path / "out").exists()


def _audit_generative(demo_copy: Path, tmp_path: Path, run_cli, *, version: str) -> tuple[Any, Any]:  # type: ignore[no-untyped-def]
    """An audit of a copy of the demo declared generative, with the real report collected as a run of
    ``version``: the report and its GEN-002 result."""
    cfg = demo_copy / "ailm.yaml"
    entry = f"collectors:\n  - {{name: garak, path: {REPORT}, model: adult-income, version: '{version}'}}\n"
    cfg.write_text(cfg.read_text().replace("collectors:\n", entry, 1))
    manifest = demo_copy / "manifest.yaml"
    manifest.write_text(manifest.read_text().replace("model_type: tabular", "model_type: generative"))
    out = tmp_path / "out"
    res = run_cli("audit", "--config", cfg, "--out", out, "--no-sign", "--no-history", "--as-of", "2026-12-02",
                  "--format", "json")  # fmt: skip
    assert res.code in (0, 1), res.err
    report = json.loads((out / "report.json").read_text())
    return report, next(r for r in report["results"] if r["control"] == "GEN-002")


def test_gen_002_judges_the_real_report_through_the_whole_audit(demo_copy: Path, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """The report read, joined to the model, given to the policies, and its encoding finding reported with the
    record it rests on (the demo's model declared generative in this copy only)."""
    report, gen = _audit_generative(demo_copy, tmp_path, run_cli, version="1")
    run_id = _collect(REPORT).records[0].data["run_id"]  # type: ignore[attr-defined]
    assert gen["status"] == "fail"
    messages = {f["message"]: f["evidence"] for f in gen["findings"]}
    hit = (
        "garak probe encoding.InjectBase64 (detector encoding.DecodeMatch): 3 of 16 outputs hit (hit rate 0.1875, "
        "above 0)"
    )
    assert messages[hit] == [f"garak:{run_id}"]
    assert not any("dan.Dan_11_0" in m or "promptinject" in m for m in messages)  # the probes that found nothing
    assert f"garak:{run_id}" in {e["id"] for e in report["evidence_index"]}


def test_a_report_tied_to_another_version_says_nothing_of_this_one(demo_copy: Path, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    _, gen = _audit_generative(demo_copy, tmp_path, run_cli, version="7")
    assert gen["subject"] == "model_version:adult-income/1" and gen["status"] == "fail"
    run_id = _collect(REPORT).records[0].data["run_id"]  # type: ignore[attr-defined]
    (finding,) = gen["findings"]  # version 7's run, with its encoding hits, says nothing of version 1
    assert finding["message"] == f"no garak run is of this model version (1): {run_id} (version 7)"


def test_the_committed_report_was_made_against_the_demos_stand_in() -> None:
    """Every output garak recorded is what evidence/demo/genai/standin.py answers to that prompt today: the
    report is of this stand-in, and the stand-in has not changed since (the demo says the model is a stand-in)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("standin", REPO / "evidence" / "demo" / "genai" / "standin.py")
    assert spec is not None and spec.loader is not None
    standin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(standin)
    answered = [e for e in _entries() if e["entry_type"] == "attempt" and e["status"] == 2]
    assert len(answered) == 33
    for e in answered:
        prompt = e["prompt"]["turns"][-1]["content"]["text"]  # type: ignore[index]
        assert [o["text"] for o in e["outputs"]] == standin.generate(prompt)  # type: ignore[union-attr]


def test_an_init_without_its_start_time_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "r.report.jsonl"
    path.write_text('{"entry_type": "init", "garak_version": "0.17.1", "run": "r1"}\n')
    with pytest.raises(CollectorError, match=r"r\.report\.jsonl:1: the entry has no 'start_time'"):
        _collect(path)


def test_reports_against_two_targets_in_one_folder_stop_the_audit(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.report.jsonl").write_text(REPORT.read_text())
    lines = []
    for line in REPORT.read_text().splitlines():
        entry = json.loads(line)
        if entry.get("entry_type") == "start_run setup":
            entry["plugins.target_name"] = "meta-llama/Llama-3.1-8B-Instruct"
        if entry.get("entry_type") == "init":
            entry["run"] = "another-run"
        lines.append(json.dumps(entry))
    (folder / "b.report.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(CollectorError, match="runs against two targets") as err:
        _collect(folder)
    assert "meta-llama/Llama-3.1-8B-Instruct" in str(err.value) and "standin#generate" in str(err.value)


def test_a_count_given_twice_is_not_read(tmp_path: Path) -> None:
    """A second "fails" of 0 beside garak's 3 would hide the encoding hits if the last key won."""
    lines = REPORT.read_text().splitlines()
    n = next(i for i, line in enumerate(lines) if '"detector": "encoding.DecodeMatch"' in line and '"fails": 3' in line)
    lines[n] = lines[n].replace('"fails": 3', '"fails": 3, "fails": 0', 1)
    path = tmp_path / "doubled.report.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CollectorError) as err:
        _collect(path)
    column = lines[n].index('"fails": 0') + 1  # the repeat, within its line
    assert str(err.value) == (
        f"{path}:{n + 1}: not a JSON entry: duplicate key 'fails' at line 1 column {column}: which one a reader "
        "keeps is not defined"
    )
