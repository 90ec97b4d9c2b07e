"""The ``ailm`` command's way out: every byte written and the exit code kept, without tearing the modules down."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest


def _cmd(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ailm.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=300)  # fmt: skip


def test_a_piped_output_is_whole_and_the_code_kept() -> None:
    proc = _cmd("policy", "list", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    controls = json.loads(proc.stdout)  # the whole document reached the pipe before the process left
    assert len(controls) == 58


def test_an_error_is_exit_2_with_its_message(tmp_path: Path) -> None:
    proc = _cmd("audit", "--config", tmp_path / "missing.yaml", "--out", tmp_path / "out")
    assert proc.returncode == 2
    assert "missing.yaml" in proc.stderr
    assert not (tmp_path / "out").exists()


def _entry_exit(monkeypatch: pytest.MonkeyPatch, raised: BaseException | None) -> int:
    import ailm.cli as cli

    seen: list[int] = []

    def fake_main() -> None:
        if raised is not None:
            raise raised

    def fake_exit(code: int) -> None:
        seen.append(code)
        raise SystemExit(code)  # what os._exit would end: this test's process goes on

    monkeypatch.setattr(cli, "main", fake_main)
    monkeypatch.setattr("os._exit", fake_exit)
    monkeypatch.setattr("atexit._run_exitfuncs", lambda: None)  # pytest's own handlers are not this test's
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    with pytest.raises(SystemExit) as info:
        cli.entry()
    assert seen == [info.value.code]
    return seen[0]


@pytest.mark.parametrize(
    ("raised", "code"),
    [(None, 0), (SystemExit(0), 0), (SystemExit(1), 1), (SystemExit(2), 2), (SystemExit(None), 0),
     (SystemExit("a message"), 2)],  # a text exit is 1 to Python, which to ailm would say non-compliant
)  # fmt: skip
def test_the_exit_code_is_the_one_main_chose(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], raised: BaseException | None, code: int
) -> None:
    assert _entry_exit(monkeypatch, raised) == code
    if isinstance(raised, SystemExit) and isinstance(raised.code, str):
        assert "a message" in capsys.readouterr().err


def test_a_thread_still_running_gets_the_normal_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    import ailm.cli as cli

    monkeypatch.setattr(cli, "main", lambda: None)
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    monkeypatch.setattr("os._exit", lambda code: pytest.fail("left without waiting for the thread"))
    with pytest.raises(SystemExit) as info:
        cli.entry()
    assert info.value.code == 0


def _imported_by_cli(command: str) -> list[str]:
    code = (f"import sys; sys.argv = ['ailm', {command!r}]; import ailm.cli; "
            "print('\\n'.join(sys.modules))")  # fmt: skip
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return proc.stdout.split()


def test_an_audit_imports_scipys_special_functions_before_its_own_libraries() -> None:
    """skops searches sys.modules in import order for each of SciPy's ufuncs: scipy.special must come early (a
    cold audit of the demo took 5-8 s longer with it after the audit's 1,500 modules)."""
    mods = _imported_by_cli("audit")
    assert "scipy.special" in mods
    first = mods.index("scipy.special")
    assert first < mods.index("click") and first < mods.index("rich") and first < mods.index("pydantic")


def test_other_commands_do_not_pay_for_it() -> None:
    assert "scipy" not in _imported_by_cli("policy")


def _python(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


BUILD = (
    "import gc; from ailm.fsutil import gc_paused, keep_bulk_objects\n"
    "{keep}\n"
    "with gc_paused():\n    kept = [{{'i': [i]}} for i in range({n})]\n"
    "print(gc.get_freeze_count(), gc.isenabled())"
)


@pytest.mark.parametrize(
    ("keep", "n", "frozen"),
    [(True, 200_000, True), (False, 200_000, False), (True, 1_000, False)],
)
def test_what_a_bulk_step_built_is_frozen_only_in_a_process_that_keeps_it(keep: bool, n: int, frozen: bool) -> None:
    """The ailm command keeps what its bulk steps build out of the cyclic collector's scans; a library caller, or a
    small step, gets the collector's ordinary behaviour back, and the collector is on again either way."""
    out = _python(BUILD.format(keep="keep_bulk_objects()" if keep else "", n=n))
    count, enabled = out.split()
    assert (int(count) >= 2 * n) is frozen and (int(count) == 0) is not frozen  # each item: a dict and a list
    assert enabled == "True"


def test_the_ailm_command_keeps_its_bulk_objects_and_an_import_does_not() -> None:
    code = (
        "import atexit, sys; from ailm import cli, fsutil\n"
        "atexit.register(lambda: print('kept', fsutil._keep_bulk))\n"
        "print('imported', fsutil._keep_bulk)\n"
        "sys.argv = ['ailm', '--version']; cli.entry()"
    )
    lines = _python(code).splitlines()
    assert lines[0] == "imported False" and lines[-1] == "kept True"
