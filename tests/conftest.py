"""Shared fixtures: a real demo MLflow store (trained once per session), keys, and a CLI runner."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "evidence" / "demo"))  # the demo trainer: a script of the demo, not of ailm


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """Run ``ailm ARGS`` in process through the real entry point (its error handling included)."""
    from ailm.cli import main

    def run(*args: str | Path) -> CliResult:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["ailm", *map(str, args)])
        monkeypatch.setenv("COLUMNS", "200")
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo folder with its MLflow store built by the real demo trainer."""
    from train_demo import build

    root = tmp_path_factory.mktemp("demo-root")
    shutil.copytree(REPO / "evidence" / "demo", root / "evidence" / "demo")
    build(root, quiet=True)
    return root


@pytest.fixture(scope="session")
def demo_keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from ailm.signing import generate

    return generate(tmp_path_factory.mktemp("keys"))


@pytest.fixture
def demo_copy(demo_root: Path, tmp_path: Path) -> Path:
    """A private copy of the demo config and manifest (pointing at the shared store), safe to edit."""
    folder = tmp_path / "cfg"
    shutil.copytree(demo_root / "evidence" / "demo", folder, ignore=shutil.ignore_patterns("data"))
    cfg = folder / "ailm.yaml"
    store = demo_root / ".ailm" / "demo" / "mlflow.db"
    text = cfg.read_text().replace("../../.ailm/demo/mlflow.db", str(store))
    text = text.replace("../../.ailm/keys/ailm.key", str(tmp_path / "no-key"))
    text = text.replace("../../.ailm/history.db", str(tmp_path / "history.db"))  # each test its own history
    text = text.replace("../../.ailm/", f"{demo_root / '.ailm'}/")  # the demo's data splits and analysis cache
    cfg.write_text(text)
    manifest = folder / "manifest.yaml"  # dataset locations: where the demo's lineage events saw them
    text = manifest.read_text().replace("../../.ailm/", f"{demo_root / '.ailm'}/")
    manifest.write_text(text.replace("uri: data/", f"uri: {demo_root / 'evidence' / 'demo' / 'data'}/"))
    return folder


@pytest.fixture(scope="session")
def audited(demo_root: Path, demo_keys: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One full audit of the demo with every report format, through the real CLI."""
    out = tmp_path_factory.mktemp("audit") / "out"
    private, _ = demo_keys
    proc = subprocess.run(
        [
            sys.executable, "-m", "ailm.cli", "audit",
            "--config", str(demo_root / "evidence" / "demo" / "ailm.yaml"), "--out", str(out),
            "--as-of", "2026-11-23", "--key", str(private),
        ],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr + proc.stdout
    assert "Gate: exit code 1 (non-compliant)" in proc.stdout
    return out
