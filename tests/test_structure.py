"""The engine's shape, held by tests: no two packages import each other, and each shared rule lives in one place
(node ids, the table reader, the file hash), so that two parts of an audit cannot apply two different rules."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[1] / "engine" / "ailm"


def _modules() -> dict[str, ast.Module]:
    out = {}
    for path in ENGINE.rglob("*.py"):
        parts = path.relative_to(ENGINE).with_suffix("").parts
        name = ".".join(("ailm", *parts)).removesuffix(".__init__")
        out[name] = ast.parse(path.read_text(encoding="utf-8"))
    return out


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_no_two_packages_import_each_other() -> None:
    imports: dict[str, set[str]] = defaultdict(set)
    for name, tree in _modules().items():
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ailm."):
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("ailm.")]
            for target in targets:
                if _package(target) != _package(name):
                    imports[_package(name)].add(_package(target))
    mutual = sorted((a, b) for a in imports for b in imports[a] if a < b and a in imports.get(b, set()))
    assert mutual == [], mutual
    assert "ailm.audit" not in imports["ailm.config"] and "ailm.audit" not in imports["ailm.report"]


def _source_outside(allowed: set[str]) -> dict[str, str]:
    return {
        str(p.relative_to(ENGINE)): p.read_text(encoding="utf-8")
        for p in ENGINE.rglob("*.py")
        if str(p.relative_to(ENGINE)) not in allowed
    }


def test_node_ids_are_built_in_one_module() -> None:
    spelled = re.compile(r'f"(model|model_version|dataset|run):\{')
    found = [f for f, text in _source_outside({"evidence/ids.py"}).items() if spelled.search(text)]
    assert found == [], found


def test_one_table_reader_and_one_file_hash() -> None:
    readers = [f for f, t in _source_outside({"tables.py"}).items() if re.search(r"\bread_(csv|parquet)\(", t)]
    assert readers == [], readers
    hashing = [f for f, t in _source_outside({"canonical.py"}).items() if "file_digest(" in t or "def sha256_file" in t]
    assert hashing == [], hashing


def test_the_demo_trainer_is_not_part_of_the_engine() -> None:
    assert not (ENGINE / "demo.py").exists()
    assert not [f for f, t in _source_outside(set()).items() if "train_demo" in t]
