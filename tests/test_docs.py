"""Docs that cannot drift: every control, collector, format, evaluator and command is in the README."""

from __future__ import annotations

from pathlib import Path

import click

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()


def test_every_control_is_in_the_readme() -> None:
    from ailm.policy import BUILTIN_POLICIES, load_policies

    for c in load_policies([BUILTIN_POLICIES]).controls:
        assert f"| {c.id} |" in README, c.id


def test_every_collector_format_and_evaluator_is_in_the_readme() -> None:
    from ailm.collectors import registry as collectors
    from ailm.policy.evaluator import registry as evaluators
    from ailm.report import registry as formats

    for name in [*collectors(), *formats(), *evaluators()]:
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
