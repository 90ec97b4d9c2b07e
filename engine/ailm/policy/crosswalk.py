"""The crosswalk: which EU AI Act articles, NIST AI RMF subcategories and ISO/IEC 42001 Annex A controls the
controls of an audit cover, with what outcome, and which no control covered at all.

A control's mapping names a clause as precisely as it can ("Art. 10(2)(f)", "Annex IV 2(g)"); the crosswalk
rolls it up to the item a framework is tracked by (Art. 10, Annex IV, MEASURE 2.11, A.7.4). References to
other instruments (GDPR articles, ISO clauses outside Annex A) are kept as "outside" the framework's items.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from typing import Any

from pydantic import BaseModel, ConfigDict

FRAMEWORK_KEYS = ("eu_ai_act", "nist_ai_rmf", "iso_42001")
# worst first: the outcome of an item is the worst outcome of the controls mapped to it
OUTCOME_ORDER = ("error", "fail", "warn", "waived", "pass", "not_applicable")

_EU = re.compile(r"^(Art\.\s*\d+|Annex\s+[IVXLC]+)\b")


class FrameworkItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    ref: str
    name: str
    outcome: str | None  # None: no control of this audit maps to it
    controls: list[str]
    counts: dict[str, int]


class FrameworkCrosswalk(BaseModel):
    model_config = ConfigDict(frozen=True)

    framework: str
    title: str
    covered: int
    total: int
    items: list[FrameworkItem]
    outside: dict[str, list[str]]  # references to other instruments -> controls


@cache
def catalogue() -> dict[str, Any]:
    text = (files("ailm.policy") / "frameworks.json").read_text(encoding="utf-8")
    return {k: v for k, v in json.loads(text).items() if k in FRAMEWORK_KEYS}


def item_of(framework: str, ref: str) -> str | None:
    """The framework item a mapping rolls up to, or None when it names another instrument."""
    ref = " ".join(ref.split())
    items = catalogue()[framework]["items"]
    if framework == "eu_ai_act":
        m = _EU.match(ref)
        if m is None:
            return None
        key = re.sub(r"^Art\.\s*", "Art. ", m.group(1))
        return key if key in items else None
    return ref if ref in items else None


def build(results: Iterable[Any]) -> list[FrameworkCrosswalk]:
    """``results``: objects with ``control``, ``status`` and ``frameworks`` (ControlResult)."""
    results = list(results)
    out = []
    for fw in FRAMEWORK_KEYS:
        spec = catalogue()[fw]
        statuses: dict[str, list[str]] = {}
        controls: dict[str, set[str]] = {}
        outside: dict[str, set[str]] = {}
        for r in results:
            for ref in getattr(r.frameworks, fw):
                key = item_of(fw, ref)
                if key is None:
                    outside.setdefault(ref, set()).add(r.control)
                    continue
                statuses.setdefault(key, []).append(str(r.status))
                controls.setdefault(key, set()).add(r.control)
        items = []
        for ref, name in spec["items"].items():
            got = statuses.get(ref, [])
            counts = {s: got.count(s) for s in OUTCOME_ORDER if s in got}
            outcome = next((s for s in OUTCOME_ORDER if s in got), None)
            items.append(
                FrameworkItem(
                    ref=ref, name=name, outcome=outcome, controls=sorted(controls.get(ref, ())), counts=counts
                )
            )
        out.append(
            FrameworkCrosswalk(
                framework=fw,
                title=spec["title"],
                covered=sum(1 for i in items if i.outcome is not None),
                total=len(items),
                items=items,
                outside={k: sorted(v) for k, v in sorted(outside.items())},
            )
        )
    return out
