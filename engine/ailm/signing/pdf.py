"""The PDF signs itself: a PAdES signature (pyHanko) that ordinary readers show, and its verification.

The report template leaves a box on page 1 (``#ailm-signature``); the PDF renderer turns it into an empty
signature field (:data:`FIELD`) and the audit signs that field with its key, so the signature's appearance (signer,
time, audit id, result digest) sits where the officer reads the verdict. PAdES B-B; B-T when a timestamp authority
URL is configured. Verifying checks, with pyHanko's validator, that the signature is intact and valid, that it
covers the whole file (nothing was added after it), and that its certificate's key is a trusted key.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization

from ailm.errors import SigningError
from ailm.signing.certs import Chain
from ailm.signing.keys import PrivateKey, PublicKey, key_id, same_key

FIELD = "ailm-signature"
ANCHOR = "ailm-signature"
PX_TO_PT = 0.75  # CSS px (1/96 in) to PDF points (1/72 in)


def add_field(pdf: bytes, page_height_px: float, box_px: tuple[float, float, float, float]) -> bytes:
    """An empty signature field over the box (CSS px from the top left of page 1, as WeasyPrint lays it out)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    x1, y1, x2, y2 = box_px
    box = (int(x1 * PX_TO_PT), int((page_height_px - y2) * PX_TO_PT), int(x2 * PX_TO_PT),
           int((page_height_px - y1) * PX_TO_PT))  # fmt: skip
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    append_signature_field(writer, SigFieldSpec(FIELD, on_page=0, box=box))
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


def _asn1(key: PrivateKey, chain: Chain) -> tuple[Any, Any, list[Any]]:
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509

    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    leaf = asn1_x509.Certificate.load(chain.leaf.public_bytes(serialization.Encoding.DER))
    cas = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in chain.issuers]
    return asn1_keys.PrivateKeyInfo.load(der), leaf, cas


def _stamp_escape(text: str) -> str:
    return text.replace("%", "%%")


def sign(pdf: bytes, key: PrivateKey, chain: Chain, *, lines: list[str], timestamp_url: str | None = None) -> bytes:
    """``pdf`` with a PAdES signature over all of it, in :data:`FIELD` when the renderer made it (an invisible
    signature otherwise). ``lines`` are shown in the signature's appearance under the signer and time."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError as HankoSigningError
    from pyhanko.stamp import TextStampStyle
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    logging.getLogger("pyhanko").setLevel(logging.ERROR)
    private, leaf, cas = _asn1(key, chain)
    signer = signers.SimpleSigner(signing_cert=leaf, signing_key=private,
                                  cert_registry=SimpleCertificateStore.from_certs([leaf, *cas]))  # type: ignore[no-untyped-call]  # fmt: skip
    has_field = any(f[0] == FIELD for f in fields.enumerate_sig_fields(PdfFileReader(io.BytesIO(pdf))))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha512" if _is_eddsa(key) else "sha256",  # RFC 8419: Ed25519 with SHA-512
        reason="ailm audit report",
        name=chain.signer,
    )
    style = TextStampStyle(
        stamp_text="\n".join(["Signed by %(signer)s", "at %(ts)s", *(_stamp_escape(line) for line in lines)]),
        border_width=1,
    )
    stamper = None
    if timestamp_url:
        from pyhanko.sign import timestamps  # imports aiohttp: only when a timestamp authority is named

        stamper = timestamps.HTTPTimeStamper(timestamp_url, timeout=10)
    try:
        out = signers.PdfSigner(
            meta, signer, timestamper=stamper, stamp_style=style,
            new_field_spec=None if has_field else fields.SigFieldSpec(FIELD),
        ).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)))  # fmt: skip
    except (HankoSigningError, OSError, ValueError) as exc:
        where = f" (timestamp authority {timestamp_url})" if timestamp_url else ""
        raise SigningError(f"the PDF could not be signed{where}: {exc}") from None
    data = out.getvalue()
    assert isinstance(data, bytes)
    return data


def _is_eddsa(key: PrivateKey) -> bool:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return isinstance(key, Ed25519PrivateKey)


@dataclass
class PdfCheck:
    """What a PDF's signature check found: ``ok`` lines, ``problems`` (the PDF does not hold), or neither
    (``unsigned``)."""

    ok: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unsigned: bool = False
    signer: str | None = None
    signed_at: str | None = None
    key: PublicKey | None = None


def check(name: str, pdf: bytes, trusted: list[PublicKey]) -> PdfCheck:
    """Check the PDF's signature: intact, valid, over the whole file, by a trusted key."""
    from cryptography import x509
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    out = PdfCheck()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        out.problems.append(f"{name}: does not read as a PDF: {exc}")
        return out
    if not signatures:
        out.unsigned = True
        return out
    if len(signatures) > 1:
        out.problems.append(f"{name}: holds {len(signatures)} signatures; an ailm report holds one")
        return out
    sig = signatures[0]
    try:
        cert = x509.load_der_x509_certificate(sig.signer_cert.dump())
        roots = [sig.signer_cert] + [c for c in sig.other_embedded_certs if c.ca]
        status = validate_pdf_signature(sig, ValidationContext(trust_roots=roots, allow_fetching=False))
    except Exception as exc:  # pyHanko raises many kinds on a damaged signature: each means it does not hold
        out.problems.append(f"{name}: the PDF signature cannot be validated: {type(exc).__name__}: {exc}")
        return out
    if not status.intact:
        out.problems.append(f"{name}: the PDF was changed after it was signed (the signed digest does not match)")
        return out
    if not status.valid:
        out.problems.append(f"{name}: the PDF signature does not verify")
        return out
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        level = status.coverage.name if status.coverage else "unknown"
        out.problems.append(f"{name}: something was added to the PDF after it was signed ({level})")
        return out
    stamp_status = status.timestamp_validity
    if stamp_status is not None and not (stamp_status.intact and stamp_status.valid):
        out.problems.append(f"{name}: the signature's timestamp token does not verify")
        return out
    public = cert.public_key()
    trusted_key = next((k for k in trusted if same_key(k, public)), None)
    if trusted_key is None:
        out.problems.append(f"{name}: signed with a key that is not trusted (certificate key id "
                            f"{key_id(public)[:16]}...)")  # type: ignore[arg-type]  # fmt: skip
        return out
    when = status.signer_reported_dt
    if when is not None and not (cert.not_valid_before_utc <= when <= cert.not_valid_after_utc):
        out.problems.append(f"{name}: signed at {when:%Y-%m-%d %H:%M} UTC, outside its certificate's validity")
        return out
    out.key = trusted_key
    out.signer = cert.subject.rfc4514_string()
    out.signed_at = when.isoformat() if when else None
    stamp = " and timestamped" if stamp_status is not None else ""
    out.ok.append(f"{name}: PDF signature valid{stamp}, covers the whole file, signed by {out.signer} "
                  f"(key {key_id(trusted_key)[:16]})")  # fmt: skip
    return out


def require_signed(name: str, pdf: bytes, trusted: list[PublicKey]) -> PdfCheck:
    out = check(name, pdf, trusted)
    if out.unsigned:
        out.problems.append(f"{name}: carries no PDF signature")
    return out


__all__ = ["ANCHOR", "FIELD", "PdfCheck", "SigningError", "add_field", "check", "require_signed", "sign"]
