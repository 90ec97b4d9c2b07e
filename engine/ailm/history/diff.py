"""What changed between two recorded audits: per subject and control, and why the result moved."""

from __future__ import annotations

from typing import Any

FAILING = ("fail", "error")


def _index(content: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["subject"], r["control"]): r for r in content.get("results", [])}


def _why(a: dict[str, Any], b: dict[str, Any], old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[str]:
    """The causes that can explain a change of one result, most specific first."""
    why = []
    if old is not None and new is not None and old.get("evidence_sha256") != new.get("evidence_sha256"):
        why.append("its evidence changed")
    if a.get("policy_sha256") != b.get("policy_sha256"):
        why.append("the policy set changed")
    if a.get("thresholds") != b.get("thresholds"):
        why.append("the thresholds changed")
    if old is not None and new is not None and old.get("waiver") and not new.get("waiver"):
        why.append(f"waiver {old['waiver']} no longer applies (expired or removed)")
    if not why and a.get("as_of") != b.get("as_of"):
        why.append("the audit clock moved past a date the control reads (an expiry, a maximum age, a due date)")
    return why or ["unexplained by the recorded digests"]


def diff(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """``a`` is the earlier audit's recorded content, ``b`` the later's."""
    old, new = _index(a), _index(b)
    subjects_a = {s["id"] for s in a.get("subjects", [])}
    subjects_b = {s["id"] for s in b.get("subjects", [])}
    changes = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before is not None and after is not None and before["status"] == after["status"]:
            if before.get("evidence_sha256") != after.get("evidence_sha256"):
                change = {"subject": key[0], "control": key[1], "from": before["status"], "to": after["status"]}
                changes.append({**change, "kind": "evidence_changed", "why": ["its evidence changed"]})
            continue
        if key[0] not in subjects_b or key[0] not in subjects_a:
            continue  # a whole subject came or went: listed once, below
        status_a = before["status"] if before else None
        status_b = after["status"] if after else None
        if status_b in FAILING and status_a not in FAILING:
            kind = "new_failure"
        elif status_a in FAILING and status_b not in FAILING:
            kind = "fixed" if status_b == "pass" else "changed"
        else:
            kind = "changed"
        severity = (after or before or {}).get("severity")
        change = {"subject": key[0], "control": key[1], "from": status_a, "to": status_b, "kind": kind}
        changes.append({**change, "severity": severity, "why": _why(a, b, before, after)})
    return {
        "from": {"audit_id": a.get("audit_id"), "as_of": a.get("as_of"), "verdict": a.get("gate", {}).get("verdict")},
        "to": {"audit_id": b.get("audit_id"), "as_of": b.get("as_of"), "verdict": b.get("gate", {}).get("verdict")},
        "policy_set_changed": a.get("policy_sha256") != b.get("policy_sha256"),
        "evidence_set_changed": a.get("evidence_sha256") != b.get("evidence_sha256"),
        "thresholds_changed": a.get("thresholds") != b.get("thresholds"),
        "new_subjects": sorted(subjects_b - subjects_a),
        "removed_subjects": sorted(subjects_a - subjects_b),
        "new_failures": [c for c in changes if c["kind"] == "new_failure"],
        "fixed": [c for c in changes if c["kind"] == "fixed"],
        "changed": [c for c in changes if c["kind"] == "changed"],
        "evidence_changed": [c for c in changes if c["kind"] == "evidence_changed"],
    }


def _line(c: dict[str, Any]) -> str:
    return f"{c['control']} on {c['subject']}: {c['from'] or 'absent'} -> {c['to'] or 'absent'} ({'; '.join(c['why'])})"


def render_text(d: dict[str, Any]) -> str:
    lines = [
        f"From audit {d['from']['audit_id']} (as of {d['from']['as_of']}, {d['from']['verdict']})",
        f"  to audit {d['to']['audit_id']} (as of {d['to']['as_of']}, {d['to']['verdict']})",
    ]
    flags = [n for n, k in (("policy set", "policy_set_changed"), ("evidence set", "evidence_set_changed"),
                            ("thresholds", "thresholds_changed")) if d[k]]  # fmt: skip
    lines.append(f"Changed: {', '.join(flags)}" if flags else "Same policy set, evidence set and thresholds")
    for title, key in (("New failures", "new_failures"), ("Fixed", "fixed"), ("Other status changes", "changed"),
                       ("Same status, evidence changed", "evidence_changed")):  # fmt: skip
        items = d[key]
        lines.append(f"{title}: {len(items)}")
        lines += [f"  {_line(c)}" for c in items]
    for title, key in (("New subjects", "new_subjects"), ("Removed subjects", "removed_subjects")):
        if d[key]:
            lines.append(f"{title}: {', '.join(d[key])}")
    return "\n".join(lines) + "\n"


def render_markdown(d: dict[str, Any], heading: str = "###") -> str:
    """The diff as Markdown for a pull-request comment or a ticket: the report's own escaped rendering (a
    subject or a cause holding Markdown or HTML is shown as text)."""
    from ailm.report.markdown import changes_markdown  # here: the report layer imports this module

    return changes_markdown(d, heading)
