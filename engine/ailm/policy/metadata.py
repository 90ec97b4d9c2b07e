"""Control metadata: the ``# METADATA`` block (YAML in comments) at the top of each control's Rego file.

regorus has no ``rego.metadata.rule()``, so the block is read from the text, in OPA's own format, with
ailm's fields under ``custom``:

```
# METADATA
# title: Model is in the inventory with an owner and a risk tier
# description: ...
# custom:
#   id: GOV-001
#   severity: high
#   stage: governance
#   evidence: [reg, inventory]
#   remediation: ...
#   frameworks:
#     eu_ai_act: ["Art. 9(1)"]
#     nist_ai_rmf: ["GOVERN 1.6"]
#     iso_42001: ["A.3.2"]
package ailm.controls.governance.gov_001
```
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ailm.errors import PolicyError

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return {"critical": 4, "high": 3, "medium": 2, "low": 1}[self.value]


Stage = Literal[
    "governance", "planning", "data", "development", "deployment", "monitoring", "maintenance", "retirement",
    "generative",
]  # fmt: skip
STAGES: tuple[str, ...] = Stage.__args__  # type: ignore[attr-defined]

CONTROL_ID = re.compile(r"^[A-Z]{2,6}-\d{3}$")
PACKAGE_PREFIX = "ailm.controls."
_PACKAGE = re.compile(r"^package\s+([\w.]+)\s*$", re.M)


class Frameworks(BaseModel):
    model_config = ConfigDict(extra="forbid")

    eu_ai_act: list[str] = Field(default_factory=list)
    nist_ai_rmf: list[str] = Field(default_factory=list)
    iso_42001: list[str] = Field(default_factory=list)


class ControlCustom(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=CONTROL_ID.pattern)
    severity: Severity
    stage: Stage
    evidence: list[str] = Field(min_length=1)
    remediation: str = Field(min_length=1)
    frameworks: Frameworks


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    custom: ControlCustom
    scope: Literal["package"] = "package"


class ControlMeta(BaseModel):
    """Everything a report needs to know about one control."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    description: str
    severity: Severity
    stage: Stage
    evidence: list[str]
    remediation: str
    frameworks: Frameworks
    package: str
    path: str


def read_control(path: Path, text: str, *, display: str) -> ControlMeta:
    """Parse the METADATA block and package of one control file; errors name ``display:line``."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == "# METADATA"), None)
    if start is None:
        raise PolicyError(f"{display}: no '# METADATA' block; every control starts with one")
    block = []
    end = start + 1
    while end < len(lines) and lines[end].startswith("#"):
        block.append(lines[end][2:] if lines[end].startswith("# ") else lines[end][1:])
        end += 1
    try:
        raw = yaml.load("\n".join(block), Loader=_LOADER)  # noqa: S506 - a safe loader (libyaml's when there)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = start + 2 + mark.line if mark else start + 1
        raise PolicyError(f"{display}:{line}: METADATA is not valid YAML: {getattr(exc, 'problem', exc)}") from None
    try:
        meta = _Block.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise PolicyError(f"{display}:{start + 1}: METADATA {field}: {err['msg']}") from None
    match = _PACKAGE.search(text)
    if match is None:
        raise PolicyError(f"{display}: no package declaration")
    package = match.group(1)
    if not package.startswith(PACKAGE_PREFIX):
        line = text[: match.start()].count("\n") + 1
        raise PolicyError(f"{display}:{line}: a control's package must start with '{PACKAGE_PREFIX}', not {package!r}")
    return ControlMeta(
        id=meta.custom.id,
        title=meta.title,
        description=meta.description,
        severity=meta.custom.severity,
        stage=meta.custom.stage,
        evidence=meta.custom.evidence,
        remediation=meta.custom.remediation,
        frameworks=meta.custom.frameworks,
        package=package,
        path=display,
    )


def package_of(text: str) -> str | None:
    match = _PACKAGE.search(text)
    return match.group(1) if match else None
