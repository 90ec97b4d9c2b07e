"""Trends: what each model version looked like over the recorded audits of one config.

A point per audit and subject: its counts per status and the numbers its controls decided by (the worst
demographic parity difference over the sensitive features, the drift PSI, the measured accuracy). Points are read
from the stored entries' content, whose digest is checked first: a point from a changed entry is never drawn.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from ailm.canonical import sha256_bytes

LIMIT = 20  # points per subject: the recorded audits drawn, newest last


def _worst(measured: dict[str, Any], key: str) -> float | None:
    values = [_num(v.get(key)) for k, v in measured.items() if k.startswith("fairness.") and isinstance(v, dict)]
    found = [v for v in values if v is not None]
    return max(found) if found else None


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def points(content: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """One entry's point per subject."""
    counts: dict[str, Counter[str]] = {}
    for r in content.get("results") or []:
        counts.setdefault(str(r.get("subject")), Counter())[str(r.get("status"))] += 1
    measured = _obj(content.get("measured"))
    out = {}
    for subject, c in sorted(counts.items()):
        m = _obj(measured.get(subject))
        drift = _obj(m.get("drift"))
        out[subject] = {
            "audit_id": content.get("audit_id"),
            "as_of": str(content.get("as_of", ""))[:10],
            "counts": dict(sorted(c.items())),
            "fail": c.get("fail", 0),
            "error": c.get("error", 0),
            "measured": {
                "demographic_parity_difference": _worst(m, "demographic_parity_difference"),
                "score_psi": _num(drift.get("score_psi")),
                "accuracy": _num(m.get("accuracy")),
            },
        }
    return out


def trends(entries: list[Any], current: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Per subject of the current audit, its points in ``entries`` (stored rows, oldest first) and then its point
    now. An entry whose content does not match its stored digest stops here (the history was changed)."""
    from ailm.history.store import HistoryError

    now = points(current)
    out: dict[str, list[dict[str, Any]]] = {s: [] for s in now}
    for e in entries:
        if sha256_bytes(e.content.encode("utf-8")) != e.content_sha256:
            raise HistoryError(
                f"history entry {e.seq} (audit {e.audit_id}) does not match its recorded digest: the history was "
                "changed; run `ailm history verify`"
            )
        content = json.loads(e.content)
        for subject, point in points(content).items():
            if subject in out:
                out[subject].append(point)
    for subject, point in now.items():
        out[subject].append(point)
    return out
