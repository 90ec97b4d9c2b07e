"""PAdES B-T: with ``signing.timestamp_url`` the PDF signature carries an RFC 3161 timestamp token. The authority
here is a local HTTP server answering with pyHanko's own RFC 3161 responder (an RSA key with a time-stamping
certificate), so no network is used; an authority that does not answer stops the audit before anything is
written."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _tsa() -> object:
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Time-Stamping Authority")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())  # fmt: skip
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(der_key),
    )


@pytest.fixture
def tsa_url() -> Iterator[str]:
    from asn1crypto import tsp

    stamper = _tsa()
    asked: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body))  # type: ignore[attr-defined]
            data = reply.dump()
            asked.append(len(body))
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    assert asked, "the timestamp authority was never asked"


def _with_tsa(demo_copy: Path, url: str) -> Path:
    cfg = demo_copy / "ailm.yaml"
    text = cfg.read_text()
    cfg.write_text(re.sub(r"(?m)^signing:\n", f"signing:\n  timestamp_url: {url}\n", text, count=1))
    return cfg


def test_a_timestamp_authority_makes_the_signature_pades_b_t(demo_copy: Path, tmp_path, run_cli, tsa_url) -> None:  # type: ignore[no-untyped-def]
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from ailm.signing import generate

    cfg = _with_tsa(demo_copy, tsa_url)
    private, public = generate(tmp_path / "k")
    out = tmp_path / "o"
    res = run_cli("audit", "--config", cfg, "--out", out, "--key", private, "--no-history", "--as-of", "2026-11-23",
                  "--format", "pdf")  # fmt: skip
    assert res.code == 1, res.err
    with (out / "report.pdf").open("rb") as fh:
        sig = PdfFileReader(fh).embedded_signatures[0]
        status = validate_pdf_signature(sig, ValidationContext(trust_roots=[sig.signer_cert]))
        assert status.intact and status.valid
        assert status.timestamp_validity is not None and status.timestamp_validity.intact  # the token is there
    res = run_cli("verify", out, "--key", public)
    assert res.code == 0 and "PDF signature valid and timestamped" in res.out, res.out


def test_a_timestamp_authority_that_does_not_answer_stops_the_audit(demo_copy: Path, tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    import socket

    from ailm.signing import generate

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg = _with_tsa(demo_copy, f"http://127.0.0.1:{port}/")
    private, _ = generate(tmp_path / "k")
    out = tmp_path / "o"
    res = run_cli("audit", "--config", cfg, "--out", out, "--key", private, "--no-history", "--as-of", "2026-11-23",
                  "--format", "pdf")  # fmt: skip
    said = " ".join(res.err.split())
    assert res.code == 2 and "the PDF could not be signed (timestamp authority" in said, res.err
    assert not out.exists()
