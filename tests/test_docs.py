"""Docs that cannot drift: every control, collector, format, evaluator and command is in the README."""

from __future__ import annotations

from pathlib import Path

import click

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()


def test_every_control_is_in_the_readme() -> None:
    from ailm import builtin
    from ailm.policy import load_policies

    for c in load_policies([builtin.policies()]).controls:
        assert f"| {c.id} |" in README, c.id


def test_every_collector_format_and_evaluator_is_in_the_readme() -> None:
    from ailm.plugins import GROUPS, names

    for name in [n for kind in GROUPS for n in names(kind)]:
        assert f"| `{name}` |" in README, name


def test_every_command_is_in_the_readme_and_its_help_has_an_example() -> None:
    from ailm.cli import cli

    def walk(group: click.Group, prefix: str) -> list[tuple[str, click.Command]]:
        out = []
        for name, cmd in group.commands.items():
            full = f"{prefix} {name}".strip()
            if isinstance(cmd, click.Group):
                out += walk(cmd, full)
            else:
                out.append((full, cmd))
        return out

    commands = walk(cli, "")
    assert len(commands) >= 6
    for name, cmd in commands:
        assert f"ailm {name}" in README, name
        assert "Example:" in (cmd.help or ""), name


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in README
    assert "make test" in (REPO / ".ci" / "run").read_text()


def _ailm_commands(text: str) -> list[list[str]]:
    import shlex

    commands = []
    for line in text.splitlines():
        line = line.strip().removeprefix("- ").removeprefix("run: ").strip()
        if line.startswith("ailm "):
            commands.append(shlex.split(line.split(" && ")[0].split(" # ")[0])[1:])
    return commands


def test_the_ci_examples_parse_and_use_real_options() -> None:
    """The GitHub Actions and GitLab CI examples are YAML, and every `ailm` line in them would parse."""
    import re

    import yaml

    from ailm.cli import cli
    from ailm.plugins import names

    doc = (REPO / "docs" / "ci.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", doc, flags=re.S)
    assert len(blocks) == 2
    workflow, gitlab = (yaml.safe_load(b) for b in blocks)
    assert "jobs" in workflow and "model-gate" in gitlab
    assert gitlab["model-gate"]["artifacts"]["reports"]["junit"].endswith("report.junit.xml")

    commands = _ailm_commands(doc)
    assert len(commands) >= 3
    for args in commands:
        group: click.Command = cli
        while isinstance(group, click.Group):
            group = group.commands[args.pop(0)]
        known = {opt for p in group.params for opt in p.opts}
        used = {a.split("=")[0] for a in args if a.startswith("--")}
        assert used <= known, (group.name, used - known)
        if "--format" in args:
            names = args[args.index("--format") + 1].split(",")
            assert set(names) <= set(names("format")), names
