"""Write an audit's files: evidence, inputs, reports, and the signed attestation over exactly those bytes.

Everything goes through an :class:`~ailm.audit.outdir.OutputFolder`: rendered into a fresh folder beside
``--out``, signed from the bytes rendered (never re-read from disk), and swapped in at once. Nothing of an
older audit survives beside the new one, so no stale file can pass for part of it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ailm.audit.outdir import OutputFolder
from ailm.audit.parallel import Executor, Failed, Serial
from ailm.audit.runner import AuditRun
from ailm.errors import AilmError, InputError, SigningError
from ailm.evidence.model import EvidenceSet
from ailm.plugins import PluginError
from ailm.report import RenderContext, resolve
from ailm.report.base import Format
from ailm.report.markdown import render_markdown
from ailm.report.pdf_cache import PdfCache, render_key
from ailm.result import AuditResult, ControlResult
from ailm.signing import ATTESTATION_NAME, attestation, load_private
from ailm.signing.attest import EVIDENCE_NAME
from ailm.signing.certs import Chain, certificate_path, chain_for
from ailm.signing.keys import PrivateKey

INPUTS_NAME = "inputs.json"
PDF_NAME = "report.pdf"


def _chain(key: PrivateKey, key_path: Path, configured: Path | None) -> Chain:
    """The certificate the PDF is signed under, checked for this key and this moment before anything is written."""
    path = certificate_path(key_path, configured)
    if not path.exists():
        raise SigningError(
            f"{path}: no certificate for the signing key {key_path}, and the PDF is signed with one: "
            f"`ailm keys certify --key {key_path}` writes a self-signed one (or give signing.certificate)"
        )
    return chain_for(key, path)


def output_names() -> frozenset[str]:
    """Every file an audit may write into its folder (what an earlier audit's folder may hold)."""
    from ailm.report import known

    files = {f.filename for f in known() if f.filename}
    return frozenset({EVIDENCE_NAME, INPUTS_NAME, ATTESTATION_NAME, *files})


PER_SUBJECT_FORMATS = frozenset({"json", "html", "pdf", "markdown"})  # CI formats stay one per audit


def _render(fmt: Format, result: AuditResult, ctx: RenderContext) -> bytes:
    try:
        rendered = fmt.make().render(result, ctx)
    except AilmError:
        raise
    except Exception as exc:  # a format plugin's bug: named, and nothing half written (the folder is staged)
        raise PluginError(f"format {fmt.name!r} failed to render: {type(exc).__name__}: {exc}") from exc
    if not isinstance(rendered, bytes):
        raise PluginError(f"format {fmt.name!r} rendered a {type(rendered).__name__}, not bytes")
    return rendered


def folders(result: AuditResult) -> list[tuple[str, str]]:
    """Each subject and the folder its own reports go to: ``<model>/<version>/`` (two in one folder: an error)."""
    seen: dict[str, str] = {}
    for s in result.subjects:
        prefix = s.folder()
        if prefix in seen:
            raise InputError(f"{s.id} and {seen[prefix]} would write their reports to the same folder {prefix}/")
        seen[prefix] = s.id
    return [(prefix, subject) for prefix, subject in seen.items()]


def subject_view(result: AuditResult, subject: str, results: list[ControlResult] | None = None) -> AuditResult:
    """One subject's own result out of a fleet's: its results, the evidence they cite, its expiries, changes and
    trend (``results``: its results, when the caller has them at hand)."""
    changes = result.changes
    if changes:
        changes = {k: [c for c in v if c.get("subject") == subject] if k in _CHANGE_LISTS else v
                   for k, v in changes.items()}  # fmt: skip
    mine = results if results is not None else [r for r in result.results if r.subject == subject]
    cited = {e for r in mine for e in r.evidence}
    return result.model_copy(
        update={
            "subjects": [s for s in result.subjects if s.id == subject],
            "results": mine,
            "evidence_index": [e for e in result.evidence_index if e.id in cited],  # what this version rests on
            "upcoming": [u for u in result.upcoming if u.get("subject") == subject],
            "changes": changes,
            "trends": {k: v for k, v in result.trends.items() if k == subject},
        }
    )


_CHANGE_LISTS = ("new_failures", "fixed", "changed", "evidence_changed")


@dataclass(frozen=True)
class Rendering:
    """What a worker needs to render any version's own reports: sent once to each worker, then only the
    subjects travel."""

    evidence: EvidenceSet
    result: AuditResult
    formats: tuple[str, ...]
    signed: bool = False

    @cached_property
    def ctx(self) -> RenderContext:  # one per process: what it derives (the lineage graph) is built once
        return RenderContext(evidence=self.evidence, signed=self.signed)

    @cached_property
    def results_of(self) -> dict[str, list[ControlResult]]:
        out: dict[str, list[ControlResult]] = {}
        for r in self.result.results:
            out.setdefault(r.subject, []).append(r)
        return out


def render_subject(job: Rendering, item: tuple[str, str]) -> dict[str, bytes]:
    """One version's own reports, by the path each goes to under ``--out``."""
    prefix, subject = item
    mine = subject_view(job.result, subject, job.results_of.get(subject, []))
    return {f"{prefix}/{fmt.filename}": _render(fmt, mine, job.ctx) for fmt in resolve(list(job.formats))}


@dataclass(frozen=True)
class Sealer:
    """Signs each report.pdf as it is written (PAdES), with the key that signs the attestation."""

    key: PrivateKey
    chain: Chain
    timestamp_url: str | None

    def seal(self, pdf: bytes, audit_id: str, result_sha256: str) -> bytes:
        from ailm.signing import pdf as pades

        lines = [f"Audit {audit_id}", f"Result sha256 {result_sha256}"]
        return pades.sign(pdf, self.key, self.chain, lines=lines, timestamp_url=self.timestamp_url)


@dataclass(frozen=True)
class Signing:
    """What an audit signs with: the key, and the PDF sealer when a report.pdf is written."""

    key: PrivateKey
    sealer: Sealer | None


def signing_for(
    key_path: Path, formats: list[str], *, certificate: Path | None = None, timestamp_url: str | None = None
) -> Signing:
    """The key and the certificate, checked (a key others can read, a certificate for another key, out of date or
    not issued by its CA): the audit calls this before any work, so that such a key stops it at once."""
    key = load_private(key_path)
    pdf = any(f.filename == PDF_NAME for f in resolve(formats))
    return Signing(key, Sealer(key, _chain(key, key_path, certificate), timestamp_url) if pdf else None)


def _typeset_once(
    fmt: Format, result: AuditResult, result_sha256: str, ctx: RenderContext, pdf_cache: PdfCache
) -> bytes:
    digest = render_key(result, result_sha256, ctx.templates)
    cached = pdf_cache.get(digest)
    if cached is not None:
        return cached
    rendered = _render(fmt, result, ctx)
    pdf_cache.put(digest, rendered)
    return rendered


@dataclass(frozen=True)
class Staged:
    """An audit's files, written and signed into the staging folder, not yet in place; and what is printed
    once they are (a format without a file, the GitHub step summary)."""

    files: dict[str, Path]
    printed: tuple[str, ...]
    result: AuditResult

    def announce(self, stdout: Callable[[str], None] = print) -> None:
        for text in self.printed:
            stdout(text)
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if self.printed and summary:
            with open(summary, "a", encoding="utf-8") as fh:  # appending is the protocol here
                fh.write(render_markdown(self.result))


def publish(
    run: AuditRun,
    folder: OutputFolder,
    formats: list[str],
    signing: Signing | None,
    *,
    stdout: Callable[[str], None] = print,
    pool: Executor | None = None,
    cache: Path | None = None,
    history_at: tuple[int, str] | None = None,
) -> dict[str, Path]:
    """:func:`stage`, then commit the folder and print what goes to ``stdout``. Returns the files."""
    staged = stage(run, folder, formats, signing, pool=pool, cache=cache, history_at=history_at)
    folder.commit()
    staged.announce(stdout)
    return staged.files


def stage(
    run: AuditRun,
    folder: OutputFolder,
    formats: list[str],
    signing: Signing | None,
    *,
    pool: Executor | None = None,
    cache: Path | None = None,
    history_at: tuple[int, str] | None = None,
) -> Staged:
    """Render every output into ``folder``, sign them when ``signing`` is given; the caller commits.

    ``history_at``: the history entry (number, digest) the audit will be recorded after; the attestation
    names it, so that the attestation is a witness of the history (:mod:`ailm.history.witness`).

    Signed, each ``report.pdf`` is signed too (PAdES, see :func:`signing_for`), and the attestation lists it
    under ``signed_pdfs``. With a ``cache`` folder, the audit's own report.pdf is typeset only when what it shows
    changed (:mod:`ailm.report.pdf_cache`).

    A format without a file (``github``) is handed to ``stdout`` once the folder is in place (``announce``); with
    it, the Markdown summary is appended to ``$GITHUB_STEP_SUMMARY`` when that is set, as GitHub Actions expects.
    """
    chosen = resolve(formats)
    reserved = {EVIDENCE_NAME, INPUTS_NAME, ATTESTATION_NAME}
    seen: dict[str, str] = {}
    for fmt in chosen:
        name = fmt.filename
        if name is not None and (name in reserved or "/" in name or name.startswith(".") or name in seen):
            why = f"the {seen[name]} format writes it too" if name in seen else "not a plain file name of its own"
            raise PluginError(f"format {fmt.name!r} would write {name!r}: {why}")
        if name is not None:
            seen[name] = fmt.name
    key = signing.key if signing is not None else None
    sealer = signing.sealer if signing is not None else None
    folder.write(EVIDENCE_NAME, (run.evidence.model_dump_json(indent=2) + "\n").encode("utf-8"))
    inputs = [i.model_dump(mode="json") for i in run.inputs]
    folder.write(INPUTS_NAME, (json.dumps(inputs, indent=2, sort_keys=True) + "\n").encode("utf-8"))

    signed = key is not None
    ctx = RenderContext(evidence=run.evidence, signed=signed)
    printed: list[str] = []
    pdfs: list[str] = []
    mine = tuple(f.name for f in chosen if f.name in PER_SUBJECT_FORMATS)
    if len(run.result.subjects) > 1 and mine:  # a fleet: each model version's own reports, beside the fleet's
        items = folders(run.result)
        job = Rendering(run.evidence, run.result, mine, signed)
        reports = (pool or Serial()).map(render_subject, job, items)
        for (prefix, subject), files in zip(items, reports, strict=True):
            if isinstance(files, Failed):
                raise PluginError(f"the reports of {prefix}/ could not be rendered: {files.cause}")
            for name, data in files.items():
                if sealer is not None and name.endswith("/" + PDF_NAME):
                    view = subject_view(run.result, subject, job.results_of.get(subject, []))
                    data = sealer.seal(data, run.result.audit_id, view.result_sha256())
                    pdfs.append(name)
                folder.write(name, data)
    decided = run.result.result_sha256()  # what the PDF's stamp, its cache key and the attestation name
    pdf_cache = PdfCache(cache / "pdf", sealer.key) if cache is not None and sealer is not None else None
    for fmt in chosen:
        if pdf_cache is not None and fmt.filename == PDF_NAME:
            rendered = _typeset_once(fmt, run.result, decided, ctx, pdf_cache)
        else:
            rendered = _render(fmt, run.result, ctx)
        if fmt.filename is None:
            printed.append(rendered.decode("utf-8"))
            continue
        if sealer is not None and fmt.filename == PDF_NAME:
            rendered = sealer.seal(rendered, run.result.audit_id, decided)
            pdfs.append(PDF_NAME)
        folder.write(fmt.filename, rendered)

    if key is not None:
        result = run.result
        predicate = {
            **result.identity(),
            "result_sha256": decided,  # what was decided, reproducible (see AuditResult)
            "gate": result.gate().model_dump(mode="json"),
            "counts": result.counts(),
            "subjects": [s.model_dump(mode="json") for s in result.subjects],
            "evidence": {"sha256": result.evidence_sha256, "count": result.evidence_count, "file": EVIDENCE_NAME},
            "policies": {"sha256": result.policy_sha256, "files": result.policy_files},
            "signed_pdfs": sorted(pdfs),  # verify holds each to its own signature, by the same key
            "decided_with": decided_with(run),  # what --reproduce re-derives the decisions from
        }
        if history_at is not None:
            predicate["history"] = {"after": {"seq": history_at[0], "entry_sha256": history_at[1]}}
        folder.write(ATTESTATION_NAME, attestation(dict(folder.written), predicate, key))
    return Staged({name: folder.out / name for name in folder.written}, tuple(printed), run.result)


def decided_with(run: AuditRun) -> dict[str, object]:
    """The inputs of every decision that are not evidence: the thresholds applied, every waiver the waivers file
    held, and the selectors the versions were chosen by (none: every version collected). Signed in the
    attestation, so that a reproduction never takes them from the report it checks."""
    return {
        "thresholds": run.result.thresholds,
        "waivers": [w.model_dump(mode="json") for w in run.waivers],
        "subjects": [s.model_dump(mode="json") for s in run.selectors],  # what the versions were chosen by
    }
