"""The control reference (docs/controls.md), written from the controls' METADATA by `ailm policy doc`."""

from __future__ import annotations

from ailm.policy.crosswalk import FRAMEWORK_KEYS, catalogue, item_of
from ailm.policy.metadata import STAGES, ControlMeta
from ailm.policy.policyset import PolicySet

FRAMEWORK_LABEL = {"eu_ai_act": "EU AI Act", "nist_ai_rmf": "NIST AI RMF", "iso_42001": "ISO/IEC 42001"}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render_reference(pset: PolicySet) -> str:
    """Markdown: a summary table, every control in full by stage, and the coverage of each framework."""
    controls = pset.controls
    lines = [
        "# Control reference",
        "",
        "<!-- Written by `ailm policy doc` from the METADATA of each control; do not edit by hand. -->",
        "",
        f"{len(controls)} controls. Thresholds are in `policies/data.json` (`data.ailm.thresholds`) and can be "
        "overridden in an audit config's `thresholds:` without editing Rego.",
        "",
        "| Id | Stage | Severity | Title | EU AI Act | NIST AI RMF | ISO/IEC 42001 |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in controls:
        f = c.frameworks
        lines.append(
            f"| [{c.id}](#{c.id.lower()}) | {c.stage} | {c.severity.value} | {_cell(c.title)} | "
            f"{', '.join(f.eu_ai_act)} | {', '.join(f.nist_ai_rmf)} | {', '.join(f.iso_42001)} |"
        )
    for stage in STAGES:
        mine = [c for c in controls if c.stage == stage]
        if not mine:
            continue
        lines += ["", f"## {stage.capitalize()}"]
        for c in mine:
            lines += _control(c)
    lines += ["", "## Framework coverage", ""]
    for fw in FRAMEWORK_KEYS:
        spec = catalogue()[fw]
        by_item: dict[str, list[str]] = {}
        for c in controls:
            for ref in getattr(c.frameworks, fw):
                key = item_of(fw, ref)
                if key is not None:
                    by_item.setdefault(key, []).append(c.id)
        missing = [k for k in spec["items"] if k not in by_item]
        lines += [
            f"### {spec['title']}: {len(by_item)} of {len(spec['items'])} items mapped",
            "",
            "| Item | Controls |",
            "|---|---|",
            *[
                f"| {k} {v} | {', '.join(sorted(set(by_item.get(k, [])))) or '*none*'} |"
                for k, v in spec["items"].items()
            ],
            "",
            f"Not mapped by any control: {', '.join(missing) or 'none'}.",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def _control(c: ControlMeta) -> list[str]:
    f = c.frameworks
    return [
        "",
        f"### {c.id}",
        "",
        f"**{_cell(c.title)}** ({c.severity.value}; `{c.path}`)",
        "",
        _cell(c.description),
        "",
        f"- Evidence: {', '.join(f'`{e}`' for e in c.evidence)}",
        f"- Remediation: {_cell(c.remediation)}",
        *[f"- {FRAMEWORK_LABEL[k]}: {', '.join(getattr(f, k))}" for k in FRAMEWORK_KEYS],
    ]
