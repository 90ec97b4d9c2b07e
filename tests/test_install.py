"""ailm as a user installs it: the wheel and sdist built from a clean copy of the repository, the wheel installed
into a fresh virtual environment outside the checkout (with the packages its declared dependencies need and
nothing else), and there the built-in library tested, the demo registry audited, signed and verified."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _tracked_copy(dest: Path) -> Path:
    """What a fresh clone holds: the files git tracks (symbolic links kept as links)."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for rel in filter(None, files.decode().split("\0")):
        src, dst = REPO / rel, dest / rel
        if not src.exists() and not src.is_symlink():
            continue  # deleted in the work tree, not yet committed
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            dst.symlink_to(os.readlink(src))
        else:
            shutil.copy2(src, dst)
    return dest


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs the git checkout to know which files a clean copy holds")
    src = _tracked_copy(tmp_path_factory.mktemp("clean") / "ailm")
    out = tmp_path_factory.mktemp("dist")
    # the sdist first, then the wheel built from the unpacked sdist (what `python -m build` does)
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(src)], capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    assert len(found) == 1, found
    return found[0]


def test_the_wheel_carries_the_library_templates_and_schemas(dist: Path) -> None:
    names = set(zipfile.ZipFile(_one(dist, "ailm-*.whl")).namelist())
    rego = {p.relative_to(REPO / "policies").as_posix() for p in (REPO / "policies").rglob("*.rego")}
    assert rego, "no policy in the checkout"
    assert {n.removeprefix("ailm/builtin/policies/") for n in names if n.startswith("ailm/builtin/policies/")} >= (
        rego | {"data.json"}
    )
    for path in (REPO / "reports").rglob("*"):
        if path.is_file():
            assert f"ailm/builtin/reports/{path.relative_to(REPO / 'reports').as_posix()}" in names
    for path in (REPO / "evidence" / "schema").glob("*.json"):
        assert f"ailm/builtin/schema/{path.name}" in names
    assert {"ailm/py.typed", "ailm/policy/frameworks.json", "ailm/cli.py"} <= names
    assert not [n for n in names if n.startswith(("tests/", "bench/", "evidence/demo/"))]
    with tarfile.open(_one(dist, "ailm-*.tar.gz")) as tar:
        sdist = {m.split("/", 1)[1] for m in tar.getnames() if "/" in m}
    assert {"pyproject.toml", "README.md", "engine/ailm/builtin/policies/lib/ailm.rego"} <= sdist


def _venv_run(venv: Path, cwd: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["AILM_CACHE_DIR"] = str(cwd / "analysis-cache")  # measure again: nothing from the checkout's runs
    return subprocess.run([str(venv / "bin" / args[0]), *args[1:]], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)  # fmt: skip


def _declared_dependencies(wheel: Path, folder: Path) -> Path:
    """A folder that holds exactly what the wheel's declared dependencies need, and nothing else: its
    Requires-Dist followed through every package's own requirements, each package linked from this environment
    (where `make` installed them from the same pins; installing them again from the index takes two minutes).
    A dependency the wheel does not declare is missing there, as it would be on a user's machine."""
    from email.parser import Parser
    from importlib.metadata import distribution

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        declared = Parser().parsestr(zf.read(meta).decode()).get_all("Requires-Dist") or []
    todo = [(Requirement(r), {""}) for r in declared]
    seen: dict[str, Any] = {}
    while todo:
        req, extras = todo.pop()
        if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in extras):
            continue
        name = canonicalize_name(req.name)
        if name in seen:
            continue
        seen[name] = dist = distribution(req.name)
        todo += [(Requirement(r), {"", *req.extras}) for r in dist.requires or []]
    folder.mkdir()
    for dist in seen.values():
        root = Path(str(dist.locate_file("")))
        for top in {f.parts[0] for f in dist.files or [] if f.parts[0] != ".."}:
            if not (folder / top).exists() and (root / top).exists():
                (folder / top).symlink_to(root / top)
    return folder


def test_installed_wheel_tests_its_library_audits_signs_and_verifies(
    dist: Path, demo_root: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    work = tmp_path / "work"  # outside the checkout: nothing can be found by walking up to it
    work.mkdir()
    wheel = _one(dist, "ailm-*.whl")
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "zz_dependencies.pth").write_text(f"{_declared_dependencies(wheel, tmp_path / 'deps')}\n")
    proc = _venv_run(venv, work, "python", "-m", "pip", "install", "-q", "--no-deps", str(wheel))
    assert proc.returncode == 0, proc.stderr[-3000:]

    where = _venv_run(venv, work, "python", "-c", "import ailm, ailm.builtin as b; print(ailm.__file__, b.policies())")
    assert where.returncode == 0, where.stderr
    assert str(REPO) not in where.stdout and str(venv) in where.stdout, where.stdout

    listed = _venv_run(venv, work, "ailm", "policy", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    ids = {c["id"] for c in json.loads(listed.stdout)}
    from ailm import builtin
    from ailm.policy import load_policies

    checkout = load_policies([builtin.policies()])
    assert ids == {c.id for c in checkout.controls}  # the checkout's controls, every one
    tested = _venv_run(venv, work, "ailm", "policy", "test")
    assert tested.returncode == 0, tested.stdout[-2000:] + tested.stderr[-2000:]
    assert tested.stdout.strip().endswith(" passed, 0 failed"), tested.stdout[-500:]

    keys = _venv_run(venv, work, "ailm", "keys", "generate", "--out", "keys")
    assert keys.returncode == 0, keys.stderr
    config = demo_root / "evidence" / "demo" / "ailm.yaml"
    audit = _venv_run(venv, work, "ailm", "audit", "--config", str(config), "--out", "out", "--as-of", "2026-11-23",
                      "--key", "keys/ailm.key", "--format", "json,html,pdf", "--history", "history.db")  # fmt: skip
    assert audit.returncode == 1, audit.stdout[-2000:] + audit.stderr[-2000:]  # the demo's honest verdict
    # its own history (the demo's is signed by the tests' key): the packaged migrations made it, its key signed it
    chained = _venv_run(venv, work, "ailm", "history", "verify", "--history", "history.db", "--key", "keys/ailm.pub")
    assert chained.returncode == 0 and "1 entries, chain intact" in chained.stdout, chained.stdout + chained.stderr
    report = json.loads((work / "out" / "report.json").read_text())
    assert report["gate"]["verdict"] == "non_compliant"
    assert len(report["results"]) == len(ids)
    assert report["policy_sha256"] == checkout.digest()  # the same files, under the same names, as the checkout
    assert (work / "out" / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert "<style>" in (work / "out" / "report.html").read_text()  # the packaged stylesheet was inlined
    verify = _venv_run(venv, work, "ailm", "verify", "out", "--key", "keys/ailm.pub")
    assert verify.returncode == 0, verify.stdout + verify.stderr
