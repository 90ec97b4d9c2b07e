"""A policy set: the controls, their tests and their data, loaded from one or more folders.

Layout of a folder: ``<stage>/<id>.rego`` (one control each), ``<stage>/<id>_test.rego`` beside it, and
``data.json`` files whose content is merged into ``data`` (thresholds live at ``data.ailm.thresholds``).
Later folders (an organisation's) override the data of earlier ones (the built-ins).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ailm.canonical import loads_unique, sha256_bytes, sha256_json
from ailm.errors import PolicyError
from ailm.policy.metadata import ControlMeta, package_of, read_control


@dataclass(frozen=True)
class PolicyFile:
    path: Path
    display: str  # relative to its folder's parent, as shown to users
    text: str

    @property
    def sha256(self) -> str:
        return sha256_bytes(self.text.encode("utf-8"))


@dataclass
class PolicySet:
    controls: list[ControlMeta] = field(default_factory=list)
    modules: list[PolicyFile] = field(default_factory=list)  # controls and helper modules
    tests: list[PolicyFile] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    data_files: list[PolicyFile] = field(default_factory=list)

    def files(self) -> list[PolicyFile]:
        return sorted([*self.modules, *self.tests, *self.data_files], key=lambda f: f.display)

    def digest(self) -> str:
        """sha256 over the sorted (path, sha256) of every policy, test and data file."""
        return sha256_json([[f.display, f.sha256] for f in self.files()])

    def manifest(self) -> list[dict[str, str]]:
        return [{"path": f.display, "sha256": f.sha256} for f in self.files()]

    def with_data(self, overrides: dict[str, Any]) -> PolicySet:
        merged = copy.deepcopy(self.data)  # the original set's data is never changed
        deep_merge(merged, overrides)
        return PolicySet(self.controls, self.modules, self.tests, merged, self.data_files)


def deep_merge(into: dict[str, Any], other: dict[str, Any]) -> None:
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            deep_merge(into[key], value)
        else:
            into[key] = value


def _read(path: Path, display: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{display}: cannot read: {exc}") from None


def load_policies(folders: list[Path]) -> PolicySet:
    """Read every folder; check METADATA, unique ids and packages. Compiling is the evaluator's job."""
    pset = PolicySet()
    ids: dict[str, str] = {}
    packages: dict[str, str] = {}
    for folder in folders:
        if not folder.is_dir():
            raise PolicyError(f"{folder}: policy folder not found")
        label = folder.resolve().name
        for path in sorted(folder.rglob("*")):
            if not path.is_file():
                continue
            display = f"{label}/{path.relative_to(folder).as_posix()}"
            if path.name == "data.json":
                text = _read(path, display)
                try:
                    doc = loads_unique(text)  # a threshold given twice: which one a reader keeps is not defined
                except ValueError as exc:
                    raise PolicyError(f"{display}: not valid JSON: {exc}") from None
                if not isinstance(doc, dict):
                    raise PolicyError(f"{display}: a data.json holds an object")
                from ailm.policy.thresholds import check_defaults, thresholds_of

                check_defaults(thresholds_of(doc), display, thresholds_of(pset.data))
                deep_merge(pset.data, doc)
                pset.data_files.append(PolicyFile(path, display, text))
            elif path.suffix == ".rego":
                text = _read(path, display)
                pfile = PolicyFile(path, display, text)
                if path.stem.endswith("_test"):
                    pset.tests.append(pfile)
                    continue
                pset.modules.append(pfile)
                package = package_of(text)
                if package is None:
                    raise PolicyError(f"{display}: no package declaration")
                if package in packages:
                    raise PolicyError(f"{display}: package {package} is also declared in {packages[package]}")
                packages[package] = display
                if "# METADATA" not in text and not package.startswith("ailm.controls."):
                    continue  # a helper library, not a control
                meta = read_control(path, text, display=display)
                if meta.id in ids:
                    raise PolicyError(f"{display}: control id {meta.id} is already used by {ids[meta.id]}")
                ids[meta.id] = display
                pset.controls.append(meta)
    pset.controls.sort(key=lambda c: c.id)
    return pset
