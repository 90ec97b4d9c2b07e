"""What ships inside the package beside the code: the built-in policy library, the report templates and the
evidence schemas, read with ``importlib.resources``.

In the repository these are the top-level ``policies/``, ``reports/`` and ``evidence/schema/`` folders (what an
organisation customises); ``ailm/builtin/`` maps them into the package with three relative symbolic links, so a
development install reads the checkout's folders and a built wheel or sdist carries real copies of their files
(setuptools follows the links at build time; nothing is copied by hand).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from ailm.errors import AilmError


def _folder(name: str) -> Path:
    found = files(__name__) / name
    path = Path(str(found)).resolve()  # in a checkout: the top-level folder the link points to
    if not isinstance(found, Path) or not path.is_dir():
        raise AilmError(f"ailm's built-in {name} are not in this installation (looked in {path}); reinstall ailm")
    return path


def policies() -> Path:
    """The built-in control library: ``<stage>/<id>.rego``, their tests, ``lib/`` and ``data.json``."""
    return _folder("policies")


def templates() -> Path:
    """The report templates (``templates/*.j2``) and ``style.css``."""
    return _folder("reports")


def schemas() -> Path:
    """The JSON Schemas of the evidence model, the policy input and the declared facts."""
    return _folder("schema")
