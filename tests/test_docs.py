"""Docs that cannot drift: every control, plugin and command is documented, every link resolves, and every
YAML and command-line example in the README and docs/ is checked (configs validate, options exist)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()
DOCS = {p.name: p.read_text() for p in sorted((REPO / "docs").glob("*.md"))}
PAGES = {"README.md": README, **{f"docs/{k}": v for k, v in DOCS.items()}}
PLUGIN_PAGE = {"collector": "collectors.md", "analyzer": "analyzers.md", "evaluator": "evaluators.md",
               "format": "formats.md"}  # fmt: skip


def test_every_control_is_in_the_control_reference() -> None:
    from ailm import builtin
    from ailm.policy import load_policies

    for c in load_policies([builtin.policies()]).controls:
        assert f"| [{c.id}](#{c.id.lower()}) |" in DOCS["controls.md"], c.id


def test_every_builtin_plugin_is_documented_on_its_page() -> None:
    from ailm.plugins import GROUPS, names

    for kind in GROUPS:
        for name in names(kind):
            assert f"| `{name}` |" in DOCS[PLUGIN_PAGE[kind]], (kind, name)


def _commands() -> list[tuple[str, click.Command]]:
    from ailm.cli import cli

    def walk(group: click.Group, prefix: str) -> list[tuple[str, click.Command]]:
        out = []
        for name, cmd in group.commands.items():
            full = f"{prefix} {name}".strip()
            out += walk(cmd, full) if isinstance(cmd, click.Group) else [(full, cmd)]
        return out

    return walk(cli, "")


def test_every_command_is_on_the_cli_page_and_its_help_has_an_example() -> None:
    commands = _commands()
    assert len(commands) >= 9
    for name, cmd in commands:
        assert f"ailm {name}" in DOCS["cli.md"], name
        assert "Example:" in (cmd.help or ""), name


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in README and "make demo" in README
    assert "make test" in (REPO / ".ci" / "run").read_text()


def test_the_readme_links_every_page_and_every_link_resolves() -> None:
    for page in DOCS:
        assert f"(docs/{page})" in README, page
    for name, text in PAGES.items():
        base = (REPO / name).parent
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if "://" in target:
                continue
            assert (base / target).exists(), (name, target)
    assert len(README) < 15_000, "the README is for a five-minute read: reference material goes to docs/"


def _blocks(lang: str) -> list[tuple[str, str]]:
    return [(name, b) for name, text in PAGES.items() for b in re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)]


MINIMAL = {"apiVersion": "ailm/v1", "kind": "AuditConfig", "name": "docs example",
           "collectors": [{"name": "manifest", "path": "manifest.yaml"}]}  # fmt: skip


def _check_yaml(doc: Any, where: str, tmp: Path) -> str:
    from pydantic import ValidationError

    from ailm.collectors.manifest import Manifest
    from ailm.config import AuditConfig, _WaiverFile, load_config

    if isinstance(doc, dict) and ("jobs" in doc or "model-gate" in doc or doc.get("kind") == "CronJob"):
        for line in _ailm_lines(_scripts(doc)):  # a workflow's or a CronJob's ailm command lines must parse
            _check_command_line(line)
        return "schedule" if doc.get("kind") == "CronJob" or "schedule" in str(doc.get(True, "")) else "ci"
    if isinstance(doc, dict) and doc.get("kind") == "Waivers":
        _WaiverFile.model_validate(doc)
        return "waivers"
    if isinstance(doc, dict) and doc.get("kind") == "Manifest":
        Manifest.model_validate(doc)
        return "manifest"
    assert isinstance(doc, dict), where
    if doc.get("kind") != "AuditConfig":  # a fragment of a config: checked inside a minimal one
        assert set(doc) <= set(AuditConfig.model_fields), (where, sorted(set(doc) - set(AuditConfig.model_fields)))
        doc = {**MINIMAL, **doc}
    cfg = tmp / "ailm.yaml"
    cfg.write_text(yaml.safe_dump(doc))
    try:
        loaded = load_config(cfg)  # the config model and every plugin's own settings model
    except ValidationError as exc:  # pragma: no cover - load_config turns these into InputError
        raise AssertionError(f"{where}: {exc}") from None
    if loaded.config.analysis is not None:
        from ailm.analysis.runner import analyzers

        analyzers(loaded.config.analysis, loaded.source)  # each analyzer's options by its model
    from ailm.audit.runner import AuditOptions, evaluator_choice

    evaluator_choice(loaded, AuditOptions(config_path=cfg, as_of=None))  # type: ignore[arg-type]
    return "config"


def test_every_yaml_example_in_the_readme_and_docs_validates(tmp_path: Path) -> None:
    kinds: dict[str, int] = {}
    blocks = _blocks("yaml")
    assert len(blocks) >= 8
    for i, (name, text) in enumerate(blocks):
        where = f"{name}, yaml block {i}"
        folder = tmp_path / str(i)
        folder.mkdir()
        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            pytest.fail(f"{where}: not YAML: {exc}")
        kind = _check_yaml(doc, where, folder)
        kinds[kind] = kinds.get(kind, 0) + 1
    assert kinds.get("config", 0) >= 5 and kinds.get("waivers") == 1, kinds
    # the two CI examples of docs/ci.md (one scheduled weekly) and the CronJob and workflow of docs/history.md
    assert kinds.get("ci", 0) + kinds.get("schedule", 0) == 4 and kinds.get("schedule", 0) >= 2, kinds


def test_a_wrong_example_would_be_caught(tmp_path: Path) -> None:
    from ailm.errors import InputError

    with pytest.raises(InputError, match=r"evaluator\.urll"):
        _check_yaml({"evaluator": {"name": "opa", "urll": "x"}}, "t", tmp_path)
    with pytest.raises(InputError, match=r"collectors\.0\.modelz"):
        _check_yaml({"collectors": [{"name": "mlflow", "tracking_uri": "x", "modelz": []}]}, "t", tmp_path)
    with pytest.raises(AssertionError, match="evaluation_timeout"):
        _check_yaml({"evaluation_timeout": 60}, "t", tmp_path)
    cronjob = {"kind": "CronJob", "spec": {"command": ["sh", "-c", "ailm audit --confgi x.yaml --out o"]}}
    with pytest.raises(AssertionError, match="confgi"):
        _check_yaml(cronjob, "t", tmp_path)


def _scripts(doc: Any) -> str:
    """Every string inside a YAML document that runs ailm, as one code block for _ailm_lines."""
    found: list[str] = []

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif isinstance(x, str) and x.lstrip().startswith("ailm "):
            found.extend(x.splitlines())

    walk(doc)
    return "```\n" + "\n".join(found) + "\n```"


def _ailm_lines(text: str) -> list[str]:
    """Every `ailm ...` line of the page's code blocks (a prose sentence that starts with "ailm" is not one)."""
    lines = []
    for raw in "\n".join(re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S)).splitlines():
        raw = raw.strip().removeprefix("- ").removeprefix("run: ").strip()
        for line in raw.split(" && "):  # a cron line: `... cd /srv/ailm && ailm audit ...`
            line = line.strip()
            if line.startswith("ailm "):
                for cut in (" # ", " >> ", " > ", " | ", " 2>&1"):  # the shell's part of the line
                    line = line.split(cut)[0]
                lines.append(line.strip())
    return lines


def _resolve(args: list[str]) -> tuple[click.Command, list[str]]:
    from ailm.cli import cli

    cmd: click.Command = cli
    while isinstance(cmd, click.Group):
        assert args and args[0] in cmd.commands, args
        cmd = cmd.commands[args.pop(0)]
    return cmd, args


def _check_command_line(line: str) -> None:
    if "[" in line or "|" in line:  # a synopsis: the command exists and every option it names is real
        cmd, rest = _resolve([w for w in line.split()[1:] if re.fullmatch(r"[a-z]+", w)][:2])
        known = {opt for p in cmd.params for opt in p.opts}
        used = set(re.findall(r"(--[a-z][a-z-]*)", line))
        assert used <= known, (line, used - known)
        return
    cmd, rest = _resolve(shlex.split(line)[1:])
    try:
        cmd.make_context(cmd.name or "ailm", rest)  # parses every option and argument as the shell would
    except click.exceptions.Exit:
        pass
    except click.UsageError as exc:
        raise AssertionError(f"{line}: {exc}") from None


def test_every_command_line_example_parses() -> None:
    lines = [(name, line) for name, text in PAGES.items() for line in _ailm_lines(text)]
    assert len(lines) >= 20
    for name, line in lines:
        try:
            _check_command_line(line)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from None


def test_the_ci_examples_parse_and_use_real_options() -> None:
    """The GitHub Actions and GitLab CI examples are YAML, and every `ailm` line in them would parse."""
    from ailm.plugins import names

    doc = DOCS["ci.md"]
    blocks = re.findall(r"```yaml\n(.*?)```", doc, flags=re.S)
    assert len(blocks) == 2
    workflow, gitlab = (yaml.safe_load(b) for b in blocks)
    assert "jobs" in workflow and "model-gate" in gitlab
    assert gitlab["model-gate"]["artifacts"]["reports"]["junit"].endswith("report.junit.xml")
    lines = _ailm_lines(doc)
    assert len(lines) >= 3
    for line in lines:
        _check_command_line(line)
        args = shlex.split(line)
        if "--format" in args:
            assert set(args[args.index("--format") + 1].split(",")) <= set(names("format")), line
