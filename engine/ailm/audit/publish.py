"""Write an audit's files: evidence, inputs, reports, and the signed attestation over all of them.

Every file is written atomically; files in the folder that ailm did not write are left alone.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from ailm.audit.runner import AuditRun
from ailm.fsutil import write_atomic
from ailm.report import RenderContext, resolve
from ailm.report.markdown import render_markdown
from ailm.signing import load_private, write_attestation
from ailm.signing.attest import EVIDENCE_NAME

INPUTS_NAME = "inputs.json"


def publish(
    run: AuditRun,
    out_dir: Path,
    formats: list[str],
    key_path: Path | None,
    *,
    stdout: Callable[[str], None] = print,
) -> dict[str, Path]:
    """Render and write every output; sign them when a key is given. Returns the files by name.

    A format without a file (``github``) is handed to ``stdout``; with it, the Markdown summary is appended
    to ``$GITHUB_STEP_SUMMARY`` when that is set, as GitHub Actions expects.
    """
    chosen = resolve(formats)
    key = load_private(key_path) if key_path is not None else None  # fail before writing anything
    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    evidence_path = out_dir / EVIDENCE_NAME
    write_atomic(evidence_path, run.evidence.model_dump_json(indent=2) + "\n")
    files[EVIDENCE_NAME] = evidence_path

    inputs_path = out_dir / INPUTS_NAME
    inputs = [i.model_dump(mode="json") for i in run.inputs]
    write_atomic(inputs_path, json.dumps(inputs, indent=2, sort_keys=True) + "\n")
    files[INPUTS_NAME] = inputs_path

    ctx = RenderContext(evidence=run.evidence)
    for fmt in chosen:
        rendered = fmt.make().render(run.result, ctx)
        if fmt.filename is None:
            stdout(rendered.decode("utf-8"))
            summary = os.environ.get("GITHUB_STEP_SUMMARY")
            if fmt.name == "github" and summary:
                with open(summary, "a", encoding="utf-8") as fh:  # appending is the protocol here
                    fh.write(render_markdown(run.result))
            continue
        path = out_dir / fmt.filename
        write_atomic(path, rendered)
        files[fmt.filename] = path

    if key is not None:
        result = run.result
        predicate = {
            "audit_id": result.audit_id,
            "name": result.name,
            "as_of": result.as_of.isoformat(),
            "generated_at": result.generated_at.isoformat(),
            "ailm_version": result.ailm_version,
            "evaluator": result.evaluator,
            "gate": result.gate().model_dump(mode="json"),
            "counts": result.counts(),
            "subjects": [s.model_dump(mode="json") for s in result.subjects],
            "evidence": {"sha256": result.evidence_sha256, "count": result.evidence_count, "file": EVIDENCE_NAME},
            "policies": {"sha256": result.policy_sha256, "files": result.policy_files},
        }
        files["attestation.dsse.json"] = write_attestation(out_dir, dict(files), predicate, key)
    return files
