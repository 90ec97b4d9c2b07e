"""The command line: binds options, calls a runner, prints, returns the exit code. Nothing else."""

from __future__ import annotations

import sys


def _arrays_first() -> None:
    """Import SciPy's special functions (and NumPy) before the rest of the audit's libraries.

    Loading a model saved by skops (MLflow's safe format for scikit-learn) imports ``skops.io``, which names each
    of SciPy's 232 special-function ufuncs (they carry no ``__module__``) by searching ``sys.modules`` in import
    order for a module that holds it: with SciPy imported after the thousand modules an audit has loaded by then,
    that search took 5-8 s of a 17 s cold audit of the demo; with SciPy among the first, a fraction of a second
    (bench/reaudit.py). The names found are the same either way: a module holding a ufunc imported SciPy first,
    so ``scipy.special`` comes before it. Costs 0.2-0.3 s to an audit that loads no model. Called before this
    module's own imports (click, rich, pydantic: 300 modules) when the command is ``audit``: from the group's
    callback, after them, the search still cost a second more (bench/reaudit.py)."""
    import contextlib

    with contextlib.suppress(ImportError):
        import scipy.special  # noqa: F401


if sys.argv[1:2] == ["audit"]:
    _arrays_first()

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from ailm import __version__
from ailm.errors import EXIT_NO_VERDICT, AilmError, InputError
from ailm.redact import redact
from ailm.result import FAIL_ON_CHOICES, AuditResult, Status

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

STATUS_STYLE = {
    Status.PASS: "green",
    Status.FAIL: "bold red",
    Status.WARN: "yellow",
    Status.WAIVED: "magenta",
    Status.NOT_APPLICABLE: "dim",
    Status.ERROR: "bold white on red",
}


def parse_as_of(text: str | None) -> datetime:
    """An ISO date (midnight UTC) or an ISO date-time (UTC when no offset is given); default now."""
    if text is None:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        if len(text) == 10:
            d = date.fromisoformat(text)
            return datetime(d.year, d.month, d.day, tzinfo=UTC)
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"--as-of {text!r}: not an ISO date (2026-11-23) or date-time (2026-11-23T09:00:00Z)"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _formats(text: str | None) -> list[str] | None:
    return [p.strip() for p in text.split(",") if p.strip()] if text else None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ailm")
def cli() -> None:
    """ailm: policy-as-code compliance and audit engine for AI systems.

    \b
    Example:
      ailm audit --config evidence/demo/ailm.yaml --out out/demo --key .ailm/keys/ailm.key
    """


@cli.command()
@click.option(
    "--config", "config_path", required=True, type=click.Path(path_type=Path), help="the audit config (ailm.yaml)"
)
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path), help="folder for the report files")
@click.option("--as-of", help="the audit clock, ISO date or date-time (default: now)")
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES),
    help="lowest severity that fails the gate (default: config, else high)",
)
@click.option("--format", "formats", help="comma-separated report formats (default: config, else json,html,pdf)")
@click.option(
    "--policies",
    "extra_policies",
    multiple=True,
    type=click.Path(path_type=Path),
    help="an extra policy folder (repeatable)",
)
@click.option(
    "--key",
    "key_path",
    type=click.Path(path_type=Path),
    help="private key to sign with, ECDSA P-256 or Ed25519 (default: config signing.key); its certificate "
    "(ailm.crt beside it, or signing.certificate) signs the PDF",
)
@click.option("--no-sign", is_flag=True, help="write no attestation")
@click.option("--history", "history_url", envvar="AILM_HISTORY",
              help="the history store: a SQLite file or a database URL (default: the config's history, else "
                   ".ailm/history.db beside the config; env AILM_HISTORY)")  # fmt: skip
@click.option("--no-history", is_flag=True, help="do not record this audit in the history")
@click.option("--witness", "witness_path", type=click.Path(path_type=Path), envvar="AILM_HISTORY_WITNESS",
              help="a history head file kept outside the history (durable storage): the history must still hold "
                   "what it names, and it is rewritten with the new head after the audit is recorded "
                   "(env AILM_HISTORY_WITNESS)")  # fmt: skip
@click.option("--horizon", "horizons", multiple=True,
              help="days after --as-of to judge the same evidence again, for what will expire: 30 or 30d "
                   "(repeatable; default: the config's horizon_days, else 7, 30 and 90; 0 for none)")  # fmt: skip
@click.option("--all", "every", is_flag=True,
              help="audit every version of every model the collectors found (instead of subjects:)")  # fmt: skip
@click.option("--workers", type=int, help="run per-subject work on a local Dask cluster of N worker processes")
@click.option("--scheduler",
              help="run per-subject work on an existing Dask cluster, e.g. tcp://10.0.0.5:8786 "
                   "(env AILM_DASK_SCHEDULER)")  # fmt: skip
@click.option("--evaluator", help="an evaluator plugin: embedded (regorus, the default) or opa (an OPA server); "
                                 "default: the config's evaluator.name")  # fmt: skip
@click.option("--opa-url", envvar="AILM_OPA_URL", help="OPA server, e.g. http://127.0.0.1:8181 (env AILM_OPA_URL)")
@click.option("--opa-token", envvar="AILM_OPA_TOKEN", help="bearer token for OPA (env AILM_OPA_TOKEN)")
@click.option("--opa-ca-cert", type=click.Path(path_type=Path), help="CA bundle to verify OPA's TLS certificate")
@click.option("--opa-client-cert", type=click.Path(path_type=Path), help="client certificate for mutual TLS")
@click.option("--opa-client-key", type=click.Path(path_type=Path), help="client key for mutual TLS")
@click.option("--opa-timeout", type=float, help="seconds per OPA request (default 5)")
@click.option("--opa-mode", type=click.Choice(["upload", "query"]),
              help="upload (the default): send the policies to OPA first; query: OPA serves them as a bundle "
                   "(see `ailm policy bundle`) and must hold this policy set's revision")  # fmt: skip
@click.option("--no-opa-revision-check", is_flag=True,
              help="with --opa-mode query: audit even when the server's bundle is another policy set")  # fmt: skip
def audit(
    config_path: Path,
    out_dir: Path,
    as_of: str | None,
    fail_on: str | None,
    formats: str | None,
    extra_policies: tuple[Path, ...],
    key_path: Path | None,
    no_sign: bool,
    history_url: str | None,
    no_history: bool,
    witness_path: Path | None,
    horizons: tuple[str, ...],
    every: bool,
    workers: int | None,
    scheduler: str | None,
    evaluator: str | None,
    opa_url: str | None,
    opa_token: str | None,
    opa_ca_cert: Path | None,
    opa_client_cert: Path | None,
    opa_client_key: Path | None,
    opa_timeout: float | None,
    opa_mode: str | None,
    no_opa_revision_check: bool,
) -> None:
    """Collect evidence, evaluate the controls, write signed reports; exit 0/1/2 as the gate says.

    \b
    Exit codes: 0 compliant, 1 non-compliant (a finding at or above --fail-on), 2 no verdict.
    Example:
      ailm audit --config ailm.yaml --out out/ --as-of 2026-11-23 --fail-on high
      ailm audit --config ailm.yaml --out out/fleet --all
      ailm audit --config ailm.yaml --out out/fleet --all --workers 2
      ailm audit --config ailm.yaml --out out/ --horizon 30d --horizon 90d
      ailm audit --config ailm.yaml --out out/ --evaluator opa --opa-url http://127.0.0.1:8181
      ailm audit --config ailm.yaml --out out/ --evaluator opa --opa-url http://opa:8181 --opa-mode query
    """
    from ailm.audit.outdir import OutputFolder
    from ailm.audit.parallel import executor
    from ailm.audit.publish import output_names, signing_for, stage
    from ailm.audit.runner import AuditOptions, prepare, run_audit
    from ailm.config import load_config

    loaded = load_config(config_path)  # once: the key is checked before any work, the audit runs on it
    opts = AuditOptions(
        config_path=config_path,
        config=loaded,
        as_of=parse_as_of(as_of),
        fail_on=fail_on,  # type: ignore[arg-type]
        extra_policies=extra_policies,
        evaluator=evaluator,
        every=every,
        workers=workers,
        scheduler=scheduler,
        horizon_days=_horizon_days(horizons),
        evaluator_settings={
            "url": opa_url,
            "token": opa_token,
            "ca_cert": str(opa_ca_cert) if opa_ca_cert else None,
            "client_cert": str(opa_client_cert) if opa_client_cert else None,
            "client_key": str(opa_client_key) if opa_client_key else None,
            "timeout": opa_timeout,
            "mode": opa_mode,
            "check_revision": False if no_opa_revision_check else None,
        },
    )
    key, signing = None, None
    if not no_sign:  # a key or certificate that cannot sign stops the audit before any work
        cfg = loaded.config
        key = key_path or (loaded.path(cfg.signing.key) if cfg.signing.key else None)
        if key is None:
            raise InputError(f"{loaded.source.path}: no signing key: set signing.key, pass --key, or --no-sign")
        signing = signing_for(
            key,
            _formats(formats) or cfg.formats,
            certificate=loaded.path(cfg.signing.certificate) if cfg.signing.certificate else None,
            timestamp_url=cfg.signing.timestamp_url,
        )
    # the policies are loaded and the policy worker started: it compiles them (0.3-0.7 s) while the history and the
    # output folder are opened here; the audit waits for it before reading any evidence
    prepared = prepare(opts)
    if witness_path is not None and no_history:
        raise InputError("--witness keeps the head of the history: it cannot be used with --no-history")
    history = None if no_history else _open_history(history_url, config_path, write=True)  # stop early if unreachable
    signer = signing.key if signing is not None else None
    witnesses = _head_witness(witness_path, signer)
    # an audit appends only to a history it has checked whole (chain, signatures, witness): before any work
    seen = history.preflight(signer, witnesses) if history is not None else None
    # the folder is locked for the whole audit: a second audit into it stops at once, with a message
    # one executor for the per-subject work: measuring, evaluating, then rendering each version's reports
    with (
        executor(workers, scheduler) as pool,
        OutputFolder(out_dir, ours=output_names()) as folder,
        err.status("auditing") as status,
    ):
        run = run_audit(opts, progress=lambda msg: status.update(msg), pool=pool, prepared=prepared)
        if history is not None:  # what changed since the previous audit of this config, at the top of every report
            run = _with_changes(history, run, folder)
        status.update("writing reports")
        staged = stage(
            run,
            folder,
            _formats(formats) or loaded.config.formats,
            signing,
            pool=pool,
            cache=loaded.path(loaded.config.cache) if loaded.config.cache else None,
            history_at=(seen.last or (0, "")) if seen is not None else None,
        )
        if history is not None:  # recorded first, then published: a report in --out always has its entry
            status.update("recording the audit in the history")
            entry = _record(history, run, folder, signer, witnesses)
        folder.commit()
        staged.announce(lambda text: click.echo(text, nl=False))
    files = staged.files
    if history is not None:
        out.print(f"Recorded in the history {history.shown} as entry {entry.seq}")
        if witness_path is not None:
            from ailm.history import HistoryError
            from ailm.history.witness import keep_head

            try:
                kept = keep_head(witness_path, entry.seq, entry.entry_sha256, signer)
            except OSError as exc:
                raise HistoryError(
                    f"--witness {witness_path}: the audit is recorded (entry {entry.seq}) and published, but the "
                    f"witness could not be rewritten: {exc.strerror or exc}; the next audit with it will find the "
                    "history ahead of it, which it accepts, but a rollback to before this audit goes unseen until "
                    "the witness is rewritten"
                ) from None
            if kept:
                out.print(f"Wrote the history's new head to the witness {witness_path}")
            else:
                out.print(f"The witness {witness_path} names a later entry (another audit's): kept it")
    print_summary(run.result)
    out.print(f"\nWrote {len(files)} files to {out_dir}/: {', '.join(sorted(files))}")
    gate = run.result.gate()
    out.print(f"Gate: exit code {gate.exit_code} ({gate.verdict.replace('_', '-')}): {gate.reason}")
    sys.exit(gate.exit_code)


def _horizon_days(given: tuple[str, ...]) -> tuple[int, ...] | None:
    if not given:
        return None
    days = []
    for text in given:
        value = text.strip().lower().removesuffix("d")
        if not value.isdigit() or int(value) > 3660:
            raise InputError(f"--horizon {text!r}: a number of days from 0 to 3660, such as 30 or 30d")
        days.append(int(value))
    return tuple(sorted({d for d in days if d > 0}))


def _history_location(given: str | None, config_path: Path | None) -> str:
    from ailm.config import load_config
    from ailm.history import DEFAULT_PATH, resolve_url

    if given:
        return resolve_url(given, Path.cwd())
    if config_path is None:
        raise InputError("which history? pass --history FILE_OR_URL or --config FILE")
    loaded = load_config(config_path)
    return resolve_url(loaded.config.history or DEFAULT_PATH, loaded.base_dir)


def _open_history(given: str | None, config_path: Path | None, *, write: bool = False,
                  key_path: Path | None = None) -> Any:  # fmt: skip
    """``key_path``: a public key every entry read must be signed by (readers check the chain in any case)."""
    from ailm.history import History
    from ailm.signing import load_public

    trusted = [load_public(key_path)] if key_path is not None else None
    return History.open(_history_location(given, config_path), write=write, trusted=trusted)


def _head_witness(path: Path | None, signer: Any) -> list[Any]:
    """The head file the audit is asked to keep: read when it exists (a first run creates it)."""
    from ailm.history import HistoryError
    from ailm.history.witness import WitnessError, read

    if path is None:
        return []
    if path.is_dir() or not path.parent.is_dir():
        why = "is a folder" if path.is_dir() else f"its folder {path.parent} does not exist"
        raise InputError(f"--witness {path}: {why}; it names the head file the audit reads and rewrites")
    if not path.exists():  # the first audit of a history writes it
        return []
    try:
        seen = read(path, [signer.public_key()] if signer is not None else None)
    except WitnessError as exc:
        raise HistoryError(str(exc)) from None
    if seen.attestation is not None:  # the audit would rewrite it as a head file
        raise InputError(
            f"--witness {path}: is an attestation; ailm audit --witness names the head file it keeps (an attestation "
            "is a witness for ailm history verify --witness)"
        )
    return [seen]


def _with_changes(history: Any, run: Any, folder: Any) -> Any:
    """What changed since the previous audit of this config, and each subject's trend over the recorded ones;
    and a note when the previous audit into this folder was recorded but never published (stopped between)."""
    import dataclasses
    import json

    from ailm.canonical import sha256_file
    from ailm.history.diff import diff
    from ailm.history.store import entry_content
    from ailm.history.trends import LIMIT, trends
    from ailm.signing import ATTESTATION_NAME

    now = entry_content(run.result, run.evidence, None)
    earlier = history.recent(run.result.name, LIMIT - 1)
    update: dict[str, Any] = {"trends": trends(earlier, now)}
    if earlier:
        last = json.loads(earlier[-1].content)
        update["changes"] = diff(last, now)
        here = folder.out / ATTESTATION_NAME
        if last.get("out") == str(folder.out) and last.get("attestation_sha256"):
            published = sha256_file(here) if here.is_file() else None
            if published != last["attestation_sha256"]:
                update["notes"] = [
                    *run.result.notes,
                    f"the previous audit of this config, {last.get('audit_id')} (history entry {earlier[-1].seq}), "
                    f"was recorded but its reports are not in {folder.out}: it was stopped after recording and "
                    "before publishing, or its folder was replaced since",
                ]
    return dataclasses.replace(run, result=run.result.model_copy(update=update))


def _record(history: Any, run: Any, folder: Any, signer: Any, witnesses: list[Any]) -> Any:
    from ailm.history import HistoryError
    from ailm.signing import ATTESTATION_NAME

    try:
        return history.record(
            run.result, run.evidence, attestation_sha256=folder.written.get(ATTESTATION_NAME), key=signer,
            witnesses=witnesses, out=str(folder.out),
        )  # fmt: skip
    except HistoryError as exc:
        raise HistoryError(f"nothing is published to {folder.out}/: the audit could not be recorded: {exc}") from None


def print_summary(result: AuditResult) -> None:
    if len(result.subjects) > 1:
        _print_fleet(result)
        return
    table = Table(title=f"{result.name}: as of {result.as_of.date().isoformat()}", title_justify="left")
    table.add_column("Control")
    table.add_column("Severity")
    table.add_column("Status")
    table.add_column("Finding", overflow="fold")
    for r in sorted(result.results, key=lambda r: (r.subject, r.control)):
        first = r.findings[0].message if r.findings else ""
        more = f" (+{len(r.findings) - 1})" if len(r.findings) > 1 else ""
        table.add_row(r.control, r.severity.value, f"[{STATUS_STYLE[r.status]}]{r.status.value}[/]", first + more)
    out.print(table)
    counts = result.counts()
    out.print("  ".join(f"{k}: {v}" for k, v in counts.items()))


def _print_fleet(result: AuditResult) -> None:
    """A fleet on the terminal: one line per model version, worst first (its findings are in its report)."""
    fleet = result.fleet()
    table = Table(title=f"{result.name}: as of {result.as_of.date().isoformat()}, {len(result.subjects)} model "
                  "versions", title_justify="left")  # fmt: skip
    for column in ("Model version", "Verdict", "Fail", "Error", "Pass", "Blocking findings"):
        table.add_column(column, overflow="fold")
    for s in fleet["subjects"]:
        c = s["counts"]
        table.add_row(s["subject"], s["verdict"].replace("_", "-"), str(c.get("fail", 0)), str(c.get("error", 0)),
                      str(c.get("pass", 0)), ", ".join(s["blocking"]) or "none")  # fmt: skip
    out.print(table)
    counts = result.counts()
    out.print("  ".join(f"{k}: {v}" for k, v in counts.items()))


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--key", "key_paths", multiple=True, type=click.Path(path_type=Path),
              help="a trusted public key (PEM); repeatable")  # fmt: skip
@click.option("--keyring", "keyrings", multiple=True, type=click.Path(path_type=Path),
              help="a file of trusted public keys (PEM blocks): the current one and older ones")  # fmt: skip
@click.option("--reproduce", is_flag=True,
              help="also judge the recorded inputs.json again and compare every decision with the report")  # fmt: skip
@click.option("--policies", "policy_dirs", multiple=True, type=click.Path(path_type=Path),
              help="with --reproduce: the policy library the audit used (default: the bundled one)")  # fmt: skip
@click.option("--no-builtin", is_flag=True, help="with --reproduce: only the --policies folders")
def verify(
    folder: Path,
    key_paths: tuple[Path, ...],
    keyrings: tuple[Path, ...],
    reproduce: bool,
    policy_dirs: tuple[Path, ...],
    no_builtin: bool,
) -> None:
    """Check an audit folder's signature and every digest it attests (or one report.pdf's own signature).

    \b
    Exit codes: 0 everything holds, 1 something was changed, 2 cannot tell (no attestation, bad key).
    Example:
      ailm verify out/demo --key .ailm/keys/ailm.pub
      ailm verify report.pdf --key ailm.pub
      ailm verify out/demo --keyring trusted-keys.pem
      ailm verify out/demo --key .ailm/keys/ailm.pub --reproduce
    """
    from ailm.signing import load_keyring, verify_folder

    trusted = load_keyring([*key_paths, *keyrings])
    if folder.is_file() and folder.suffix.lower() == ".pdf":
        if reproduce:
            raise InputError("--reproduce needs the audit folder (its inputs.json), not a PDF alone")
        _verify_pdf(folder, trusted)
    result = verify_folder(folder, trusted)
    for label, value in result.about.items():
        out.print(f"[dim]{label + ':':<10}[/] {value}")
    _print_checks(result.checked, result.problems, result.notes)
    if result.cannot_tell:
        err.print(f"ailm: cannot verify: {result.cannot_tell}")
    elif result.problems:
        out.print(f"Verification FAILED: {len(result.problems)} problem(s)")
    else:
        out.print("Verified: the signature and every digest hold")
    if not reproduce or result.exit_code != 0:
        sys.exit(result.exit_code)
    from ailm import builtin
    from ailm.audit.reproduce import reproduce as again

    folders = ([] if no_builtin else [builtin.policies()]) + [p.resolve() for p in policy_dirs]
    if not folders:
        raise InputError("--no-builtin and no --policies: there is no policy set to reproduce the audit with")
    found = again(folder, folders)
    for line in found.differences:
        out.print(f"[bold red]differs[/] {line}")
    undecided = (
        f"; {found.undecided} undecided (error) result(s) have no decision to re-derive" if found.undecided else ""
    )
    if found.differences:
        out.print(f"Reproduction FAILED: {len(found.differences)} decision(s) differ, {found.matched} match{undecided}")
    else:
        out.print(f"Reproduced: all {found.matched} decisions match the report{undecided}")
    sys.exit(found.exit_code)


def _print_checks(checked: list[str], problems: list[str], notes: list[str] | tuple[str, ...] = ()) -> None:
    for line in checked:
        out.print(f"[green]ok[/]      {line}")
    for line in notes:
        out.print(f"[dim]note[/]    {line}")
    for line in problems:
        out.print(f"[bold red]changed[/] {line}")


def _verify_pdf(path: Path, trusted: list[Any]) -> None:
    from ailm.signing import pdf as pades

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    found = pades.check(path.name, data, trusted)
    if found.unsigned:
        err.print(f"ailm: cannot verify: {path} carries no PDF signature")
        sys.exit(EXIT_NO_VERDICT)
    _print_checks(found.ok, found.problems)
    if found.problems:
        out.print(f"Verification FAILED: {len(found.problems)} problem(s)")
        sys.exit(1)
    out.print("Verified: the PDF is signed by a trusted key and unchanged since")
    sys.exit(0)


@cli.group()
def keys() -> None:
    """Manage signing keys."""


_CERT_OPTIONS = [
    click.option("--name", "cert_name", default="ailm audit signer", show_default=True,
                 help="the signer's name in the certificate (what a PDF reader shows)"),
    click.option("--org", "cert_org", help="the organisation in the certificate"),
    click.option("--days", "cert_days", type=int, default=730, show_default=True,
                 help="how long the certificate is valid"),
    click.option("--ca-cert", "ca_cert", type=click.Path(path_type=Path),
                 help="the organisation's CA certificate (PEM): the CA issues the key's certificate"),
    click.option("--ca-key", "ca_key", type=click.Path(path_type=Path), help="the CA's private key (PEM)"),
]  # fmt: skip


def _cert_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_CERT_OPTIONS):
        fn = option(fn)
    return fn


def _ca(ca_cert: Path | None, ca_key: Path | None) -> tuple[Any, Any]:
    """The organisation's CA certificate and key, read before anything is written; certs.issue refuses one
    without the other."""
    from ailm.signing import certs

    if ca_cert is None and ca_key is None:
        return None, None
    return (certs.load_certificates(ca_cert, "CA certificate")[0] if ca_cert else None,
            certs.load_ca_key(ca_key) if ca_key else None)  # fmt: skip


def _certify(key_path: Path, name: str, org: str | None, days: int, ca_cert: Path | None, ca_key: Path | None,
             *, force: bool) -> Path:  # fmt: skip
    from ailm.signing import certs, load_private

    key = load_private(key_path)
    path = certs.certificate_path(key_path)
    if path.exists() and not force:
        raise InputError(f"{path} already exists; keep it, or pass --force to replace it")
    ca, ca_private = _ca(ca_cert, ca_key)
    certs.write(path, certs.issue(key, name=name, organisation=org, days=days, ca_cert=ca, ca_key=ca_private))
    certs.chain_for(key, path)  # what the audit will check before it signs
    return path


@keys.command("generate")
@click.option("--out", "folder", default=Path(".ailm/keys"), show_default=True, type=click.Path(path_type=Path))
@click.option("--type", "kind", type=click.Choice(["ecdsa-p256", "ed25519"]), default="ecdsa-p256", show_default=True,
              help="ECDSA P-256: every PDF reader checks it; Ed25519: DSSE and history only, most readers "
                   "cannot check it in a PDF")  # fmt: skip
@click.option("--force", is_flag=True, help="replace an existing key pair")
@_cert_options
def keys_generate(folder: Path, kind: str, force: bool, cert_name: str, cert_org: str | None, cert_days: int,
                  ca_cert: Path | None, ca_key: Path | None) -> None:  # fmt: skip
    """Write a key pair and its certificate: ailm.key (mode 0600), ailm.pub and ailm.crt.

    \b
    The certificate is self-signed unless --ca-cert/--ca-key let the organisation's CA issue it.
    Example:
      ailm keys generate --out .ailm/keys --name "Model Risk Office" --org "Example Bank"
      ailm keys generate --out .ailm/keys --ca-cert ca.crt --ca-key ca.key
    """
    from ailm.signing import certs, generate, load_private

    ca, ca_private = _ca(ca_cert, ca_key)
    private, public = generate(folder, force=force, kind=kind, name=cert_name, organisation=cert_org, days=cert_days,
                               ca_cert=ca, ca_key=ca_private)  # fmt: skip
    cert = certs.certificate_path(private)
    certs.chain_for(load_private(private), cert)  # what the audit will check before it signs
    out.print(f"Wrote {private} (keep it secret), {public} and {cert}")


@keys.command("certify")
@click.option("--key", "key_path", required=True, type=click.Path(path_type=Path), help="the private key")
@click.option("--force", is_flag=True, help="replace an existing certificate")
@_cert_options
def keys_certify(key_path: Path, force: bool, cert_name: str, cert_org: str | None, cert_days: int,
                 ca_cert: Path | None, ca_key: Path | None) -> None:  # fmt: skip
    """Write the certificate of an existing key (ailm.crt beside it): what the PDF signature is made under.

    \b
    Example:
      ailm keys certify --key .ailm/keys/ailm.key
      ailm keys certify --key .ailm/keys/ailm.key --ca-cert ca.crt --ca-key ca.key --force
    """
    path = _certify(key_path, cert_name, cert_org, cert_days, ca_cert, ca_key, force=force)
    out.print(f"Wrote {path}")


@cli.group()
def policy() -> None:
    """Work with the policy library."""


def _policy_set(folders: tuple[Path, ...], with_builtin: bool) -> object:
    from ailm import builtin
    from ailm.policy import load_policies

    chosen = ([builtin.policies()] if with_builtin else []) + list(folders)
    if not chosen:
        raise InputError("no policy folder: pass --policies or drop --no-builtin")
    return load_policies(chosen)


@policy.command("test")
@click.option(
    "--policies", "folders", multiple=True, type=click.Path(path_type=Path), help="an extra policy folder (repeatable)"
)
@click.option("--no-builtin", is_flag=True, help="test only the given folders")
def policy_test(folders: tuple[Path, ...], no_builtin: bool) -> None:
    """Run every test_* rule of every *_test.rego, in process.

    \b
    Example:
      ailm policy test --policies my-org-policies/
    """
    from ailm.policy.policyset import PolicySet
    from ailm.policy.testing import run_tests

    pset = _policy_set(folders, not no_builtin)
    assert isinstance(pset, PolicySet)
    outcomes = run_tests(pset)
    failed = [o for o in outcomes if o.status != "pass"]
    for o in failed:
        out.print(f"[bold red]{o.status.upper()}[/] {o.file}: {o.name}: {o.detail}")
    passed = len(outcomes) - len(failed)
    out.print(f"{passed} passed, {len(failed)} failed")
    sys.exit(1 if failed else (0 if outcomes else EXIT_NO_VERDICT))


@policy.command("list")
@click.option("--policies", "folders", multiple=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def policy_list(folders: tuple[Path, ...], fmt: str) -> None:
    """List the controls with id, title, severity, stage and mappings.

    \b
    Example:
      ailm policy list --format json
    """
    import json

    from ailm.policy.policyset import PolicySet

    pset = _policy_set(folders, True)
    assert isinstance(pset, PolicySet)
    if fmt == "json":
        click.echo(json.dumps([c.model_dump(mode="json") for c in pset.controls], indent=2))
        return
    table = Table()
    for col in ("Id", "Severity", "Stage", "Title", "EU AI Act"):
        table.add_column(col)
    for c in pset.controls:
        table.add_row(c.id, c.severity.value, c.stage, c.title, ", ".join(c.frameworks.eu_ai_act))
    out.print(table)


@policy.command("doc")
@click.option("--out", "out_file", default=Path("docs/controls.md"), show_default=True, type=click.Path(path_type=Path))
@click.option("--policies", "folders", multiple=True, type=click.Path(path_type=Path), help="an extra policy folder")
def policy_doc(out_file: Path, folders: tuple[Path, ...]) -> None:
    """Write the control reference (Markdown) from the controls' METADATA.

    \b
    Example:
      ailm policy doc --out docs/controls.md
    """
    from ailm.fsutil import write_atomic
    from ailm.policy.policyset import PolicySet
    from ailm.policy.reference import render_reference

    pset = _policy_set(folders, True)
    assert isinstance(pset, PolicySet)
    write_atomic(out_file, render_reference(pset).encode("utf-8"))
    out.print(f"Wrote {out_file}: {len(pset.controls)} controls")


@policy.command("bundle")
@click.option("--out", "out_file", required=True, type=click.Path(path_type=Path), help="the bundle file (.tar.gz)")
@click.option("--policies", "folders", multiple=True, type=click.Path(path_type=Path), help="an extra policy folder")
@click.option("--no-builtin", is_flag=True, help="bundle only the given folders")
def policy_bundle(out_file: Path, folders: tuple[Path, ...], no_builtin: bool) -> None:
    """Write an OPA bundle (policies, data, .manifest) that `opa run --server --bundle` can load.

    The bundle's revision is the policy set's digest. This is the production set-up: OPA serves the bundle
    (from the file or a bundle server) and `ailm audit --evaluator opa --opa-mode query` uploads nothing and
    refuses a server whose revision is not the policy set it would report.

    \b
    Example:
      ailm policy bundle --out ailm-bundle.tar.gz && opa run --server --bundle ailm-bundle.tar.gz
      ailm audit --config ailm.yaml --out out/ --evaluator opa --opa-url http://127.0.0.1:8181 --opa-mode query
    """
    from ailm.policy.bundle import write_bundle
    from ailm.policy.policyset import PolicySet

    pset = _policy_set(folders, not no_builtin)
    assert isinstance(pset, PolicySet)
    revision = write_bundle(pset, out_file)
    out.print(f"Wrote {out_file}: {len(pset.modules)} modules, revision {revision}")


@cli.group("history")
def history_group() -> None:
    """The recorded audits: list, show, verify the chain."""


_HISTORY_OPTIONS = [
    click.option("--history", "history_url", envvar="AILM_HISTORY", help="a SQLite file or a database URL"),
    click.option("--config", "config_path", type=click.Path(path_type=Path), help="use this config's history"),
    click.option(
        "--key",
        "key_path",
        type=click.Path(path_type=Path),
        help="the public key every entry must be signed by (without it, the chain alone is checked)",
    ),
]


def _history_options(f: Any) -> Any:
    for option in reversed(_HISTORY_OPTIONS):
        f = option(f)
    return f


@history_group.command("list")
@_history_options
@click.option("--model", help="only audits that covered this registered model")
@click.option("--since", help="only audits as of this date or later (ISO date)")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def history_list(history_url: str | None, config_path: Path | None, key_path: Path | None, model: str | None,
                 since: str | None, fmt: str) -> None:  # fmt: skip
    """List the recorded audits, oldest first.

    \b
    Example:
      ailm history list --config evidence/demo/ailm.yaml --model adult-income --since 2026-11-01
    """
    import json

    history = _open_history(history_url, config_path, key_path=key_path)
    rows = history.entries(model=model, since=parse_as_of(since) if since else None)
    if fmt == "json":
        keys = ("seq", "audit_id", "name", "as_of", "recorded_at", "verdict", "exit_code", "policy_sha256",
                "evidence_sha256", "entry_sha256")  # fmt: skip
        click.echo(json.dumps([{k: getattr(e, k) for k in keys} for e in rows], indent=2))
        return
    table = Table()
    for col in ("#", "Audit", "As of", "Config", "Verdict", "Policy set"):
        table.add_column(col)
    for e in rows:
        table.add_row(str(e.seq), e.audit_id[:8], e.as_of[:19], e.name, e.verdict, e.policy_sha256[:12])
    out.print(table)


@history_group.command("show")
@click.argument("audit_id")
@_history_options
def history_show(audit_id: str, history_url: str | None, config_path: Path | None, key_path: Path | None) -> None:
    """Show one recorded audit (an id or its first characters) as JSON: what it decided, per subject and control.

    \b
    Example:
      ailm history show 3f2a9c --config evidence/demo/ailm.yaml
    """
    import json

    entry = _open_history(history_url, config_path, key_path=key_path).get(audit_id)
    doc = {"seq": entry.seq, "entry_sha256": entry.entry_sha256, "prev_sha256": entry.prev_sha256,
           "recorded_at": entry.recorded_at, **json.loads(entry.content)}  # fmt: skip
    click.echo(json.dumps(doc, indent=2))


@history_group.command("verify")
@_history_options
@click.option("--witness", "witness_paths", multiple=True, type=click.Path(path_type=Path),
              help="what was seen in the history earlier, kept outside it: an audit folder, its attestation, or a "
                   "head file written by `ailm audit --witness` (repeatable)")  # fmt: skip
def history_verify(history_url: str | None, config_path: Path | None, key_path: Path | None,
                   witness_paths: tuple[Path, ...]) -> None:  # fmt: skip
    """Walk the hash chain: exit 0 when intact, 1 naming every entry changed, deleted, reordered, inserted, not
    signed by the key, or missing against a witness.

    \b
    With --key, every entry and the head must be signed by it (an empty history is not intact: nothing vouches
    that it is complete). A history cannot prove it is the newest: --witness holds it to what an attestation or
    a head file kept elsewhere saw, so a restored older copy or a wiped table is found.
    Example:
      ailm history verify --config evidence/demo/ailm.yaml --key .ailm/keys/ailm.pub
      ailm history verify --config fleet.yaml --key ailm.pub --witness out/fleet --witness /srv/witness/head.json
    """
    from ailm.history import HistoryError
    from ailm.history.witness import WitnessError, read
    from ailm.signing import load_public

    trusted = [load_public(key_path)] if key_path else None
    try:
        witnesses = [read(p, trusted) for p in witness_paths]
    except WitnessError as exc:
        raise HistoryError(str(exc)) from None
    history = _open_history(history_url, config_path)
    result = history.verify(trusted, witnesses=witnesses)
    if not result.ok:
        for problem in result.problems:
            err.print(f"ailm: history {history.shown}: {problem}", markup=False)
        sys.exit(1)
    out.print(f"History {history.shown}: {result.summary()}")


@cli.command("diff")
@click.argument("audit_a", required=False)
@click.argument("audit_b", required=False)
@_history_options
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
def diff_command(audit_a: str | None, audit_b: str | None, history_url: str | None, config_path: Path | None,
                 key_path: Path | None, fmt: str) -> None:  # fmt: skip
    """What changed between two recorded audits (default: the last two of the config): new failures, fixes,
    status changes per control and subject, new and removed subjects, and why each result moved.

    \b
    Example:
      ailm diff --config evidence/demo/ailm.yaml --format markdown
    """
    import json

    from ailm.history import HistoryError
    from ailm.history.diff import diff, render_markdown, render_text

    history = _open_history(history_url, config_path, key_path=key_path)
    if audit_a and audit_b:
        a, b = history.get(audit_a), history.get(audit_b)
    else:
        name = None
        if config_path is not None:
            from ailm.config import load_config

            name = load_config(config_path).config.name
        entries = history.entries(name=name)
        if audit_a:  # one id: compare it with the audit of the same config recorded before it
            b = history.get(audit_a)
            earlier = [e for e in entries if e.seq < b.seq and e.name == b.name]
            if not earlier:
                raise HistoryError(f"history {history.shown}: no audit of {b.name!r} was recorded before {b.audit_id}")
            a = earlier[-1]
        else:
            if name is None and entries:
                entries = [e for e in entries if e.name == entries[-1].name]
            if len(entries) < 2:
                raise HistoryError(
                    f"history {history.shown}: fewer than two audits of {name or 'one config'} to compare"
                )
            a, b = entries[-2], entries[-1]
    if a.seq > b.seq:
        a, b = b, a
    d = diff(json.loads(a.content), json.loads(b.content))
    if fmt == "json":
        click.echo(json.dumps(d, indent=2))
    else:
        click.echo(render_markdown(d) if fmt == "markdown" else render_text(d), nl=False)


@cli.command("plugins")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def plugins_list(fmt: str) -> None:
    """List the installed plugins: collectors, analyzers, evaluators and report formats, built-in or not.

    A plugin that cannot be loaded is listed with the reason; it breaks nothing until a config names it.

    \b
    Example:
      ailm plugins --format json
    """
    import json

    from ailm import plugins

    rows: list[dict[str, object]] = []
    for kind in plugins.GROUPS:
        eps = plugins._entry_points(kind)
        for name in plugins.names(kind):
            origin = plugins.origin(eps[name])
            try:
                p = plugins.load(kind, name)
            except AilmError as exc:
                rows.append({"kind": kind, "name": name, "from": origin, "ok": False, "error": exc.message})
                continue
            roles = {r: c for r, c in sorted(p.roles.items())}
            rows.append({"kind": kind, "name": name, "from": origin, "ok": True, "summary": p.summary,
                         "roles": roles, "filename": p.filename})  # fmt: skip
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table()
    for col in ("Kind", "Name", "From", "What it does"):
        table.add_column(col)
    for r in rows:
        what = str(r["summary"]) if r["ok"] else f"[red]broken:[/] {r['error']}"
        declared = r.get("roles")
        pairs = list(declared.items()) if isinstance(declared, dict) else []
        many = [str(k) for k, v in pairs if v == "many"]
        one = [str(k) for k, v in pairs if v == "one"]
        if one or many:
            listed = one if len(one) <= 3 else [f"{len(one)} roles"]
            what += " (roles: " + "; ".join(
                filter(None, [", ".join(listed), ", ".join(many) + " (many)" if many else ""])
            )
            what += ")"
        table.add_row(str(r["kind"]), str(r["name"]), str(r["from"]), what)
    out.print(table)


@cli.command("lineage")
@click.argument("ref")
@click.option("--config", "config_path", required=True, type=click.Path(path_type=Path), help="the audit config")
@click.option("--direction", type=click.Choice(["up", "down", "both"]), default=None,
              help="up: what it was made from; down: what it reached (default: up for a version, "
                   "down for a dataset)")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["text", "json", "dot", "svg"]), default="text", show_default=True)
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=None, help="write here instead of stdout")
@click.option("--as-of", "as_of", default=None, help="the audit clock (default: now)")
def lineage(
    ref: str, config_path: Path, direction: str | None, fmt: str, out_file: Path | None, as_of: str | None
) -> None:
    """Show the lineage of a model version down to raw data, or everything downstream of a dataset.

    REF is a model version (adult-income/1, adult-income@champion, adult-income for the latest) or a
    dataset (its name, path or URI): the question asked when a data subject asks for deletion or a
    dataset's retention ends.

    \b
    Example:
      ailm lineage adult-income@champion --config evidence/demo/ailm.yaml
      ailm lineage adult-train --direction down --config evidence/demo/ailm.yaml --format json
    """
    from ailm.audit.runner import collect
    from ailm.config import load_config
    from ailm.fsutil import write_atomic
    from ailm.lineage import LineageGraph
    from ailm.lineage import render as r

    loaded = load_config(config_path)
    evidence, notes = collect(loaded, parse_as_of(as_of))
    for note in notes:
        err.print(f"[yellow]note:[/] {note}")
    graph = LineageGraph.build(evidence)
    root = r.find(graph, ref)
    if direction is None:
        direction = "down" if graph.g.nodes[root]["type"] == "dataset" else "up"
    v = r.view(graph, root, direction)
    text = {"text": r.to_text, "json": r.to_json, "dot": r.to_dot, "svg": r.to_svg}[fmt](v)
    if out_file is not None:
        write_atomic(out_file, text.encode("utf-8"))
        out.print(f"Wrote {out_file}: {len(v.nodes)} nodes, {len(v.edges)} edges")
    else:
        click.echo(text, nl=not text.endswith("\n"))


@cli.command("schema")
@click.option("--out", "folder", default=Path("evidence/schema"), show_default=True, type=click.Path(path_type=Path))
def schema(folder: Path) -> None:
    """Write the JSON Schemas of the evidence model and the policy input.

    \b
    Example:
      ailm schema --out evidence/schema
    """
    from ailm.evidence.schema import write_schemas

    for path in write_schemas(folder):
        out.print(f"Wrote {path}")


def main() -> None:
    """Entry point: errors become one message on stderr and exit code 2; never a pass."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        ctx = getattr(exc, "ctx", None)
        hint = f" (see {ctx.command_path} --help)" if ctx is not None else ""
        err.print(f"ailm: error: {redact(exc.format_message())}{hint}", markup=False)
        sys.exit(EXIT_NO_VERDICT)
    except click.exceptions.Abort:
        err.print("ailm: aborted")
        sys.exit(EXIT_NO_VERDICT)
    except AilmError as exc:
        err.print(f"ailm: error: {redact(str(exc))}", markup=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(EXIT_NO_VERDICT)
    except Exception as exc:  # a bug must never read as a verdict: 1 would say "non-compliant"
        err.print(f"ailm: internal error: {type(exc).__name__}: {redact(str(exc))}", markup=False)
        sys.exit(EXIT_NO_VERDICT)


def entry() -> None:
    """The ``ailm`` command: :func:`main`, then out of the process without tearing down its modules; what its bulk
    steps build is kept out of the cyclic collector's scans (``ailm.fsutil.keep_bulk_objects``).

    Every output is written, closed and flushed when :func:`main` returns (atomic writes, committed history), so
    what the interpreter would do next is free the objects of every module the audit imported: scikit-learn,
    SciPy, MLflow, SHAP, ... which cost the demo's cold audit 1-1.5 s (docs/benchmarks.md). The exit handlers
    still run (logging, child processes, temporary folders); a thread still running gets the normal exit, which
    waits for it."""
    import threading

    from ailm.fsutil import keep_bulk_objects

    keep_bulk_objects()  # one audit, then out: what the bulk steps build is never scanned by the cyclic collector
    try:
        main()
        code = 0
    except SystemExit as exc:
        if exc.code is not None and not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)  # what a string exit would print; its code would be 1, non-compliant
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_NO_VERDICT)
    if threading.active_count() > 1:
        sys.exit(code)
    import atexit
    import os

    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # a closed or broken pipe: let the normal exit report it
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":
    entry()
