"""The one plugin mechanism, from outside: a third-party package installed beside ailm adds a collector, a report
format and an analyzer (and ships one broken plugin), and ailm uses them with no change to ailm."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ailm.plugins import GROUPS, Plugin, PluginError, cardinality, load, load_all, names

PACKAGE = {
    "pyproject.toml": """
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "ailm-acme"
        version = "1.2.3"

        [project.entry-points."ailm.collectors"]
        acme_tickets = "ailm_acme:tickets"
        acme_broken = "ailm_acme.broken:plugin"

        [project.entry-points."ailm.formats"]
        acme_csv = "ailm_acme:csv_format"
        acme_crash = "ailm_acme:crash_format"

        [project.entry-points."ailm.analyzers"]
        acme_rows = "ailm_acme:rows"
        acme_list = "ailm_acme:listing"
    """,
    "ailm_acme/__init__.py": '''
        """A tiny third-party ailm plugin package: a ticket collector, a CSV report and a row counter."""

        import json
        from pathlib import Path

        from pydantic import BaseModel, ConfigDict, Field

        from ailm.analysis.context import Analyzer
        from ailm.collectors.base import Collection
        from ailm.evidence import ids
        from ailm.evidence.model import Evidence, Source
        from ailm.plugins import Plugin


        class TicketSettings(BaseModel):
            model_config = ConfigDict(extra="forbid")
            path: str = Field(min_length=1)
            model: str = Field(min_length=1)


        class Tickets:
            def __init__(self, settings):
                self.settings = settings

            def collect(self, ctx):
                path = (ctx.base_dir / self.settings.path).resolve()
                out = Collection()
                for t in json.loads(path.read_text()):
                    out.records.append(Evidence.make(
                        kind="acme.ticket", id=f"acme:{t['key']}", role="acme_ticket",
                        subject=ids.model(self.settings.model), source=Source(collector="acme_tickets",
                        uri=path.as_uri()), data=t))
                return out


        tickets = Plugin(kind="collector", name="acme_tickets", summary="ACME change tickets",
                         settings=TicketSettings, build=Tickets, roles={"acme_ticket": "many"})


        class Csv:
            def render(self, result, ctx):
                lines = ["control,subject,status"]
                lines += [f"{r.control},{r.subject},{r.status.value}" for r in result.results]
                return ("\\n".join(lines) + "\\n").encode()


        csv_format = Plugin(kind="format", name="acme_csv", summary="one CSV line per result",
                            build=lambda _s: Csv(), filename="report.acme.csv")


        def _rows(ctx, as_of):
            return {"rows": {role: int(len(ctx.frame(role))) for role in sorted(ctx.datasets)}}


        rows = Plugin(kind="analyzer", name="acme_rows", summary="rows per dataset",
                      build=lambda _s: Analyzer(measure=_rows), roles={"acme_rows": "one"}, libraries=("pandas",))


        class Crash:
            def render(self, result, ctx):
                return 1 / 0


        crash_format = Plugin(kind="format", name="acme_crash", summary="a bug", build=lambda _s: Crash(),
                              filename="report.crash")
        listing = Plugin(kind="analyzer", name="acme_list", summary="breaks its contract",
                         build=lambda _s: Analyzer(measure=lambda ctx, as_of: [1, 2]), roles={"acme_list": "one"})
    ''',
    "ailm_acme/broken.py": """
        raise ImportError("acme_broken needs the acme SDK, which is not installed")
    """,
}


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package built and installed with pip into a folder of its own, put on the path of the runs below."""
    src = tmp_path_factory.mktemp("ailm-acme")
    for rel, text in PACKAGE.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(textwrap.dedent(text).lstrip())
    target = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
         str(src)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert list(target.glob("ailm_acme-1.2.3.dist-info"))
    return target


def _ailm(plugin_path: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(plugin_path), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "ailm.cli", *map(str, args)], env=env, capture_output=True,
                          text=True, timeout=600)  # fmt: skip


def _config(folder: Path, collectors: str, formats: str, analyzers: str = "") -> Path:
    cfg, original = folder / "ailm.yaml", folder / "ailm.yaml.orig"
    if not original.exists():
        original.write_text(cfg.read_text())
    text = original.read_text()  # each call starts from the demo's config
    text = text.replace("collectors:\n", "collectors:\n" + textwrap.indent(textwrap.dedent(collectors), "  "), 1)
    text = text.replace("formats: [json, html, pdf]", f"formats: {formats}")
    if analyzers:
        lines = text.splitlines(keepends=True)
        at = next(i for i, line in enumerate(lines) if line.startswith("analysis:"))
        lines.insert(at + 1, f"  analyzers: {analyzers}\n")
        text = "".join(lines)
    cfg.write_text(text)
    return cfg


TICKETS = """
    - name: acme_tickets
      path: tickets.json
      model: adult-income
"""


def test_a_third_party_collector_format_and_analyzer_are_used_with_no_change_to_ailm(
    plugin_path: Path, demo_copy: Path, demo_keys: tuple[Path, Path], tmp_path: Path
) -> None:
    (demo_copy / "tickets.json").write_text(json.dumps([{"key": "CHG-1", "state": "closed"}, {"key": "CHG-2"}]))
    cfg = _config(demo_copy, TICKETS, "[json, acme_csv]", "[fairness, acme_rows]")
    out = tmp_path / "out"
    private, public = demo_keys
    res = _ailm(plugin_path, "audit", "--config", cfg, "--out", out, "--as-of", "2026-11-23", "--key", private)
    assert res.returncode == 1, res.stdout[-2000:] + res.stderr[-2000:]

    evidence = json.loads((out / "evidence.json").read_text())["records"]
    tickets = [r for r in evidence if r["role"] == "acme_ticket"]
    assert sorted(r["id"] for r in tickets) == ["acme:CHG-1", "acme:CHG-2"]
    rows = [r for r in evidence if r["role"] == "acme_rows"]
    assert len(rows) == 1 and rows[0]["data"]["result"]["rows"]["test"] > 1000  # measured on the real split
    assert rows[0]["data"]["method"]["libraries"]["pandas"] != "not installed"
    inputs = json.loads((out / "inputs.json").read_text())
    assert [t["id"] for t in inputs[0]["evidence"]["acme_ticket"]] == ["acme:CHG-1", "acme:CHG-2"]  # many: a list

    csv = (out / "report.acme.csv").read_text().splitlines()
    report = json.loads((out / "report.json").read_text())
    assert csv[0] == "control,subject,status" and len(csv) == 1 + len(report["results"])
    assert "DEV-004,model_version:adult-income/1,fail" in csv
    verified = _ailm(plugin_path, "verify", out, "--key", public)  # the plugin's file is signed like the others
    assert verified.returncode == 0, verified.stdout + verified.stderr
    (out / "report.acme.csv").write_text("control,subject,status\n")
    assert _ailm(plugin_path, "verify", out, "--key", public).returncode != 0


def test_a_plugins_settings_are_validated_by_its_own_model_at_file_and_line(
    plugin_path: Path, demo_copy: Path, tmp_path: Path
) -> None:
    cfg = _config(demo_copy, TICKETS.replace("path: tickets.json", "path: 42"), "[json]")
    res = _ailm(plugin_path, "audit", "--config", cfg, "--out", tmp_path / "o", "--no-sign")
    assert res.returncode == 2, res.stdout + res.stderr
    assert f"{cfg}:8: collectors.0.path:" in res.stderr, res.stderr  # the plugin's model: path is a string


def test_a_broken_plugin_breaks_nothing_until_it_is_used_and_then_is_named(
    plugin_path: Path, demo_copy: Path, tmp_path: Path
) -> None:
    listed = _ailm(plugin_path, "plugins")
    assert listed.returncode == 0, listed.stderr
    assert "acme_tickets" in listed.stdout and "ailm-acme 1.2.3" in listed.stdout
    assert "acme_broken" in listed.stdout and "needs the acme SDK" in listed.stdout  # listed, as broken

    cfg = _config(demo_copy, "- name: acme_broken\n", "[json]")
    res = _ailm(plugin_path, "audit", "--config", cfg, "--out", tmp_path / "o", "--no-sign")
    assert res.returncode == 2, res.stdout + res.stderr
    assert f"{cfg}:6: collectors.0.name: collector plugin 'acme_broken' cannot be loaded" in res.stderr, res.stderr
    assert "package ailm-acme 1.2.3" in res.stderr and "needs the acme SDK" in res.stderr
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())

    optional = _config(demo_copy, "- name: acme_broken\n  optional: true\n", "[json]")
    res = _ailm(plugin_path, "audit", "--config", optional, "--out", tmp_path / "o2", "--no-sign", "--as-of",
                "2026-11-23")  # fmt: skip
    assert res.returncode == 1, res.stdout + res.stderr  # the audit goes on; its report notes what was skipped
    notes = json.loads((tmp_path / "o2" / "report.json").read_text())["notes"]
    assert any("optional" in n and "acme_broken" in n and "needs the acme SDK" in n for n in notes), notes


def test_a_plugin_that_breaks_at_run_time_is_named_and_nothing_is_half_written(
    plugin_path: Path, demo_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    earlier = _ailm(plugin_path, "audit", "--config", _config(demo_copy, "", "[json]"), "--out", out, "--no-sign",
                    "--as-of", "2026-11-23")  # fmt: skip
    assert earlier.returncode == 1, earlier.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    cfg = _config(demo_copy, "", "[json, acme_crash]")
    res = _ailm(plugin_path, "audit", "--config", cfg, "--out", out, "--no-sign", "--as-of", "2026-11-23")
    assert res.returncode == 2, res.stdout + res.stderr
    assert "format 'acme_crash' failed to render: ZeroDivisionError" in res.stderr, res.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the earlier audit, whole
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.new")] == []  # no staging left behind

    fresh = tmp_path / "fresh"
    res = _ailm(plugin_path, "audit", "--config", cfg, "--out", fresh, "--no-sign", "--as-of", "2026-11-23")
    assert res.returncode == 2 and not fresh.exists(), res.stderr  # nothing half written

    listing = _config(demo_copy, "", "[json]", "[fairness, acme_list]")
    res = _ailm(plugin_path, "audit", "--config", listing, "--out", tmp_path / "o3", "--no-sign", "--as-of",
                "2026-11-23")  # fmt: skip
    assert res.returncode == 1, res.stdout + res.stderr  # no control reads its role: a note, the rest decides
    notes = json.loads((tmp_path / "o3" / "report.json").read_text())["notes"]
    assert any("acme_list" in n and "returned a list, not an object" in n for n in notes), notes


def test_every_builtin_is_a_plugin_that_keeps_the_contract() -> None:
    for kind in GROUPS:
        plugins, broken = load_all(kind)
        assert plugins and broken == {}, (kind, broken)
        for p in plugins:
            assert p.kind == kind and p.summary and p.settings.model_json_schema()
            if kind in ("collector", "analyzer"):
                assert p.roles, p.name
            if kind == "analyzer":
                assert len(p.roles) == 1 and p.libraries
    roles = cardinality([*load_all("collector")[0], *load_all("analyzer")[0]])
    assert roles["ds"] == "many" and roles["reg"] == "one" and roles["fair"] == "one"


def test_a_plugin_that_breaks_its_contract_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    load.cache_clear()
    disagree = [
        Plugin(kind="collector", name="a", summary="a", build=lambda s: None, roles={"x": "one"}),
        Plugin(kind="collector", name="b", summary="b", build=lambda s: None, roles={"x": "many"}),
    ]
    with pytest.raises(PluginError, match="role 'x' holds many"):
        cardinality(disagree)
    with pytest.raises(Exception, match="unknown report format 'docx'"):
        load("format", "docx")
    assert "json" in names("format")
