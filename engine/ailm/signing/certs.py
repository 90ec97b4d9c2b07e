"""X.509 certificates for the signing key: what a PDF reader shows as the signer.

``ailm keys generate`` writes ``ailm.crt`` beside the key: self-signed by default, or issued by the organisation's
CA (``--ca-cert/--ca-key``), in which case the file holds the key's certificate followed by the CA's, the chain
the PDF carries. Before anything is signed the chain is checked: the certificate's key is the signing key, it is
valid now, and the CA (if any) issued it. A certificate that fails any of that is an error, never a signature.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ailm.errors import SigningError
from ailm.fsutil import write_atomic
from ailm.signing.keys import CERTIFICATE_NAME, PrivateKey, PublicKey, pem_blocks, same_key

DEFAULT_DAYS = 730


@dataclass(frozen=True)
class Chain:
    """The signing key's certificate and the CA certificates above it (none when self-signed)."""

    leaf: x509.Certificate
    issuers: tuple[x509.Certificate, ...]
    path: Path

    @property
    def signer(self) -> str:
        names = self.leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(names[0].value) if names else self.leaf.subject.rfc4514_string()

    @property
    def self_signed(self) -> bool:
        return not self.issuers


def _hash_for(key: object) -> hashes.HashAlgorithm | None:
    """What a CA key signs a certificate with: EdDSA takes none, the others SHA-256."""
    return None if isinstance(key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey) else hashes.SHA256()


def issue(
    key: PrivateKey,
    *,
    name: str,
    organisation: str | None = None,
    days: int = DEFAULT_DAYS,
    ca_cert: x509.Certificate | None = None,
    ca_key: object | None = None,
    now: dt.datetime | None = None,
) -> list[x509.Certificate]:
    """The key's certificate (and the CA's after it when a CA issues it), for document signing."""
    if days < 1 or days > 3660:
        raise SigningError(f"--days {days}: a certificate is valid from 1 to 3660 days")
    if (ca_cert is None) != (ca_key is None):
        raise SigningError("--ca-cert and --ca-key go together: the CA's certificate and its private key")
    start = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0) - dt.timedelta(minutes=5)
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, name)]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    subject = x509.Name(attrs)
    issuer_name, signing_key = subject, key
    if ca_cert is not None:
        if not isinstance(ca_key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey):
            raise SigningError("--ca-key: an RSA, ECDSA or Ed25519 private key is required")
        if not same_key(ca_cert.public_key(), ca_key.public_key()):
            raise SigningError("--ca-key is not the key of --ca-cert")
        _valid_at(ca_cert, start + dt.timedelta(minutes=5), "--ca-cert")
        issuer_name, signing_key = ca_cert.subject, ca_key  # type: ignore[assignment]
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    leaf = builder.sign(signing_key, _hash_for(signing_key))  # type: ignore[arg-type]
    return [leaf] if ca_cert is None else [leaf, ca_cert]


def write(path: Path, chain: list[x509.Certificate]) -> None:
    write_atomic(path, b"".join(c.public_bytes(serialization.Encoding.PEM) for c in chain), mode=0o644)


def load_certificates(path: Path, what: str = "certificate") -> list[x509.Certificate]:
    blocks = pem_blocks(path, "CERTIFICATE", what)
    out = []
    for i, block in enumerate(blocks, 1):
        try:
            out.append(x509.load_pem_x509_certificate(block))
        except ValueError as exc:
            raise SigningError(f"{path}: certificate {i} of {len(blocks)} does not parse: {exc}") from None
    return out


def load_ca_key(path: Path) -> object:
    try:
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise SigningError(f"{path}: CA private key not found") from None
    except (OSError, ValueError, TypeError) as exc:
        raise SigningError(f"{path}: not an unencrypted PEM private key: {exc}") from None


def certificate_path(key_path: Path, configured: Path | None = None) -> Path:
    """The certificate for a key: the configured one, else ``ailm.crt`` (or ``<name>.crt``) beside the key."""
    if configured is not None:
        return configured
    if key_path.name == "ailm.key":
        return key_path.with_name(CERTIFICATE_NAME)
    return key_path.with_suffix(".crt")


def _valid_at(cert: x509.Certificate, when: dt.datetime, where: str) -> None:
    if when < cert.not_valid_before_utc:
        start = cert.not_valid_before_utc
        raise SigningError(f"{where}: the certificate is not valid before {start:%Y-%m-%d %H:%M} UTC")
    if when > cert.not_valid_after_utc:
        raise SigningError(
            f"{where}: the certificate expired on {cert.not_valid_after_utc:%Y-%m-%d %H:%M} UTC; issue a new one "
            "(ailm keys certify)"
        )


def chain_for(key: PrivateKey, path: Path, *, now: dt.datetime | None = None) -> Chain:
    """The certificate chain at ``path``, checked for signing with ``key`` now (see the module)."""
    certs = load_certificates(path)
    leaf, issuers = certs[0], tuple(certs[1:])
    public: PublicKey = key.public_key()
    leaf_key = leaf.public_key()
    if not isinstance(leaf_key, ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey) or not same_key(leaf_key, public):
        raise SigningError(f"{path}: the certificate is for another key than the signing key (its key is not the "
                           "signing key's public key); issue one for this key: ailm keys certify")  # fmt: skip
    moment = now or dt.datetime.now(dt.UTC)
    _valid_at(leaf, moment, str(path))
    child = leaf
    for i, ca in enumerate(issuers, 2):
        try:
            child.verify_directly_issued_by(ca)
        except (ValueError, TypeError) as exc:
            raise SigningError(f"{path}: certificate {i} did not issue certificate {i - 1}: {exc}") from None
        except Exception as exc:  # InvalidSignature: a chain that does not hold
            raise SigningError(f"{path}: certificate {i - 1}'s signature does not verify with certificate {i}'s key "
                               f"({type(exc).__name__})") from None  # fmt: skip
        _valid_at(ca, moment, f"{path} (certificate {i})")
        child = ca
    if not issuers and leaf.issuer != leaf.subject:
        raise SigningError(f"{path}: the certificate was issued by {leaf.issuer.rfc4514_string()}, whose certificate "
                           "is not in the file; append the CA's certificate after it")  # fmt: skip
    return Chain(leaf, issuers, path)
