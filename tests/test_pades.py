"""The PDF proves itself: report.pdf carries a PAdES signature made with the audit's key under its certificate.

Independent checks: poppler's ``pdfsig`` (NSS underneath) and pyHanko's validator, each called here directly,
not through ailm; then ``ailm verify`` on the folder and on the PDF alone. Bad certificates stop the audit.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

pytestmark = pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils (make system-deps) not installed")


def pdfsig(path: Path) -> str:
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout


def hanko_status(path: Path, roots: list[x509.Certificate] | None = None):  # type: ignore[no-untyped-def]
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    with path.open("rb") as fh:
        sig = PdfFileReader(fh).embedded_signatures[0]
        trust = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in roots or []]
        return validate_pdf_signature(sig, ValidationContext(trust_roots=trust or [sig.signer_cert]))


def page_text(path: Path, page: int = 1) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip


def test_the_report_pdf_is_signed_and_readers_say_so(audited: Path, demo_keys, run_cli) -> None:  # type: ignore[no-untyped-def]
    from pyhanko.sign.validation import SignatureCoverageLevel

    pdf = audited / "report.pdf"
    report = json.loads((audited / "report.json").read_text())
    said = pdfsig(pdf)
    assert "Signature Validation: Signature is Valid." in said and "Total document signed" in said, said
    assert "Signer Certificate Common Name: ailm audit signer" in said and "ETSI.CAdES.detached" in said
    status = hanko_status(pdf)
    assert status.intact and status.valid and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    # the visible block on page 1: signer, time, audit id and result digest
    first = page_text(pdf)
    assert "Signed by ailm audit signer" in first
    assert report["audit_id"] in first and report["result_sha256"] in first.replace("\n", "")
    envelope = json.loads((audited / "attestation.dsse.json").read_text())
    assert json.loads(base64.b64decode(envelope["payload"]))["predicate"]["signed_pdfs"] == ["report.pdf"]
    res = run_cli("verify", audited, "--key", demo_keys[1])
    assert res.code == 0 and "report.pdf: PDF signature valid, covers the whole file" in res.out, res.out
    alone = run_cli("verify", pdf, "--key", demo_keys[1])
    assert alone.code == 0 and "Verified: the PDF is signed by a trusted key" in alone.out, alone.out + alone.err


def test_one_changed_byte_is_reported_by_pdfsig_pyhanko_and_ailm(audited: Path, demo_keys, tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "copy"
    shutil.copytree(audited, folder)
    pdf = folder / "report.pdf"
    data = bytearray(pdf.read_bytes())
    at = data.index(b"/Producer") + 12  # inside the signed range, in text the reader does not parse for layout
    data[at] ^= 0x01
    pdf.write_bytes(bytes(data))
    assert "Digest Mismatch" in pdfsig(pdf)
    assert not hanko_status(pdf).intact
    alone = run_cli("verify", pdf, "--key", demo_keys[1])
    assert alone.code == 1 and "the PDF was changed after it was signed" in alone.out
    res = run_cli("verify", folder, "--key", demo_keys[1])
    assert res.code == 1 and "report.pdf: the PDF was changed after it was signed" in res.out


def test_an_update_after_signing_or_another_key_does_not_verify(audited: Path, demo_keys, tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    from ailm.signing import generate

    pdf = tmp_path / "report.pdf"
    writer = IncrementalPdfFileWriter(io.BytesIO((audited / "report.pdf").read_bytes()))
    writer.root["/Lang"] = generic.TextStringObject("fr")  # a later revision: the signature no longer covers all
    writer.update_root()
    buf = io.BytesIO()
    writer.write(buf)
    pdf.write_bytes(buf.getvalue())
    res = run_cli("verify", pdf, "--key", demo_keys[1])
    assert res.code == 1 and "something was added to the PDF after it was signed" in res.out, res.out
    _, other = generate(tmp_path / "other")
    res = run_cli("verify", audited / "report.pdf", "--key", other)
    assert res.code == 1 and "signed with a key that is not trusted" in res.out
    import weasyprint

    unsigned = tmp_path / "plain.pdf"
    unsigned.write_bytes(weasyprint.HTML(string="<p>compliant</p>").write_pdf())
    res = run_cli("verify", unsigned, "--key", demo_keys[1])
    assert res.code == 2 and "carries no PDF signature" in res.err
    unsigned.write_bytes(b"%PDF-1.4\n%%EOF\n")
    res = run_cli("verify", unsigned, "--key", demo_keys[1])
    assert res.code == 1 and "does not read as a PDF" in res.out


def _ca(tmp_path: Path, *, days: int = 3650) -> tuple[Path, Path, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Example Bank Issuing CA")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = tmp_path / "ca.crt", tmp_path / "ca.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))  # fmt: skip
    return cert_path, key_path, cert


def _audit(run_cli, cfg: Path, out: Path, key: Path, *more: object):  # type: ignore[no-untyped-def]
    return run_cli("audit", "--config", cfg, "--out", out, "--key", key, "--no-history", "--as-of", "2026-11-23",
                   "--format", "json,pdf", *more)  # fmt: skip


def test_an_organisations_ca_issues_the_certificate_and_the_pdf_carries_the_chain(  # type: ignore[no-untyped-def]
    demo_copy: Path, tmp_path, run_cli
) -> None:
    ca_cert, ca_key, ca = _ca(tmp_path)
    res = run_cli("keys", "generate", "--out", tmp_path / "k", "--name", "Model Risk Office", "--org", "Example Bank",
                  "--ca-cert", ca_cert, "--ca-key", ca_key)  # fmt: skip
    assert res.code == 0, res.err
    chain = x509.load_pem_x509_certificates((tmp_path / "k" / "ailm.crt").read_bytes())
    assert len(chain) == 2 and chain[0].issuer == ca.subject and chain[1] == ca
    chain[0].verify_directly_issued_by(ca)
    out = tmp_path / "o"
    assert _audit(run_cli, demo_copy / "ailm.yaml", out, tmp_path / "k" / "ailm.key").code == 1
    status = hanko_status(out / "report.pdf", roots=[ca])  # trusted through the CA, not the leaf
    assert status.intact and status.valid and status.trusted
    assert "Signer full Distinguished Name: O=Example Bank,CN=Model Risk Office" in pdfsig(out / "report.pdf")
    assert run_cli("verify", out, "--key", tmp_path / "k" / "ailm.pub").code == 0


def test_an_ed25519_key_still_signs_the_attestation_and_the_pdf(demo_copy: Path, tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("keys", "generate", "--out", tmp_path / "k", "--type", "ed25519").code == 0
    out = tmp_path / "o"
    assert _audit(run_cli, demo_copy / "ailm.yaml", out, tmp_path / "k" / "ailm.key").code == 1
    status = hanko_status(out / "report.pdf")  # RFC 8419 PAdES; poppler 22 / NSS 3.87 cannot check EdDSA
    assert status.intact and status.valid
    res = run_cli("verify", out, "--key", tmp_path / "k" / "ailm.pub")
    assert res.code == 0 and "PDF signature valid" in res.out


def _certificate(key_path: Path, path: Path, *, start: dt.datetime, days: int, key=None) -> None:  # type: ignore[no-untyped-def]
    from ailm.signing import certs, load_private

    certs.write(path, certs.issue(key or load_private(key_path), name="x", days=days, now=start))


def test_a_certificate_that_cannot_sign_stops_the_audit_before_anything_is_written(  # type: ignore[no-untyped-def]
    demo_copy: Path, tmp_path, run_cli
) -> None:
    from ailm.signing import generate
    from ailm.signing.keys import new_key

    private, _ = generate(tmp_path / "k")
    cert = tmp_path / "k" / "ailm.crt"
    now = dt.datetime.now(dt.UTC)
    cases = [
        ("expired", dict(start=now - dt.timedelta(days=40), days=30), "the certificate expired on"),
        ("not yet valid", dict(start=now + dt.timedelta(days=3), days=30), "the certificate is not valid before"),
        ("another key", dict(start=now, days=30, key=new_key()), "the certificate is for another key"),
    ]
    for label, how, message in cases:
        _certificate(private, cert, **how)  # type: ignore[arg-type]
        out = tmp_path / label.replace(" ", "-")
        res = _audit(run_cli, demo_copy / "ailm.yaml", out, private)
        said = " ".join(res.err.split())
        assert res.code == 2 and message in said and str(cert) in said, (label, res.err)
        assert not out.exists(), label
    cert.write_text("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    res = _audit(run_cli, demo_copy / "ailm.yaml", tmp_path / "garbled", private)
    assert res.code == 2 and f"{cert}: certificate 1 of 1 does not parse" in " ".join(res.err.split())
    cert.unlink()
    res = _audit(run_cli, demo_copy / "ailm.yaml", tmp_path / "none", private)
    said = " ".join(res.err.split())  # the terminal wraps long messages
    assert res.code == 2 and "no certificate for the signing key" in said and "ailm keys certify" in said
    assert run_cli("keys", "certify", "--key", private).code == 0  # the way out the message names
    assert _audit(run_cli, demo_copy / "ailm.yaml", tmp_path / "certified", private).code == 1
    ca_cert, _, _ = _ca(tmp_path)
    other_key = tmp_path / "other-ca.key"
    other_key.write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))  # fmt: skip
    res = run_cli("keys", "generate", "--out", tmp_path / "k2", "--ca-cert", ca_cert, "--ca-key", other_key)
    assert res.code == 2 and "--ca-key is not the key of --ca-cert" in res.err
    assert not (tmp_path / "k2").exists()  # no key written for a CA that cannot issue
    res = run_cli("keys", "generate", "--out", tmp_path / "k3", "--ca-cert", ca_cert)
    assert res.code == 2 and "--ca-cert and --ca-key go together" in res.err


def test_a_signed_folder_whose_pdf_lost_its_signature_does_not_verify(audited: Path, demo_keys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The attestation says the PDF was signed: a PDF without a signature, even with digests that match
    (re-signed by the same key), is a problem, not a pass."""
    from ailm.canonical import sha256_file
    from ailm.signing import attestation, load_private, load_public, verify_folder

    folder = tmp_path / "copy"
    shutil.copytree(audited, folder)
    (folder / "report.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    envelope = json.loads((folder / "attestation.dsse.json").read_text())
    stmt = json.loads(base64.b64decode(envelope["payload"]))
    digests = {s["name"]: sha256_file(folder / s["name"]) for s in stmt["subject"]}
    (folder / "attestation.dsse.json").write_bytes(attestation(digests, stmt["predicate"], load_private(demo_keys[0])))
    found = verify_folder(folder, load_public(demo_keys[1]))
    assert found.exit_code == 1 and any("report.pdf" in p for p in found.problems), found.problems


def test_an_unsigned_audit_says_so_on_page_1(demo_copy: Path, tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "o"
    res = run_cli("audit", "--config", demo_copy / "ailm.yaml", "--out", out, "--no-sign", "--no-history",
                  "--as-of", "2026-11-23", "--format", "pdf")  # fmt: skip
    assert res.code == 1
    assert "Not signed" in page_text(out / "report.pdf") and "Signature Validation" not in pdfsig(out / "report.pdf")


def test_an_unchanged_result_is_not_typeset_again_and_a_planted_cache_entry_is_never_signed(  # type: ignore[no-untyped-def]
    demo_copy: Path, tmp_path, run_cli
) -> None:
    import re as _re

    from ailm.signing import generate

    cfg = demo_copy / "ailm.yaml"
    cache = tmp_path / "cache"
    cfg.write_text(_re.sub(r"(?m)^cache: .*$", f"cache: {cache}", cfg.read_text()))
    private, public = generate(tmp_path / "k")
    first, second = tmp_path / "first", tmp_path / "second"
    assert _audit(run_cli, cfg, first, private).code == 1
    entries = sorted((cache / "pdf").glob("*.pdf"))
    assert len(entries) == 1 and (cache / "pdf" / (entries[0].stem + ".seal.json")).is_file()
    assert _audit(run_cli, cfg, second, private).code == 1
    assert sorted((cache / "pdf").glob("*.pdf")) == entries  # the same result: typeset once
    a, b = (first / "report.pdf").read_bytes(), (second / "report.pdf").read_bytes()
    assert a[: entries[0].stat().st_size] == b[: entries[0].stat().st_size] == entries[0].read_bytes()
    ids = [json.loads((f / "report.json").read_text())["audit_id"] for f in (first, second)]
    assert ids[0] != ids[1] and ids[1] in page_text(second / "report.pdf")  # each run's id: in its own stamp
    assert "Generated" not in page_text(second / "report.pdf")  # the page shows the result, not the run
    assert run_cli("verify", second, "--key", public).code == 0
    # someone who can write the cache but has not the key plants a PDF of their own: it is typeset again
    import weasyprint

    entries[0].write_bytes(weasyprint.HTML(string="<h1>Compliant</h1>").write_pdf())
    third = tmp_path / "third"
    assert _audit(run_cli, cfg, third, private).code == 1
    assert "Compliant" not in page_text(third / "report.pdf").replace("Not compliant", "")
    assert "Not compliant" in page_text(third / "report.pdf")
