"""Signing keys: ``ailm.key`` (PKCS#8 PEM, mode 0600), ``ailm.pub`` (SubjectPublicKeyInfo PEM) and ``ailm.crt`` (the
X.509 certificate of the key, for the PDF signature).

Two key types: ECDSA P-256 (the default: every PDF reader and poppler's ``pdfsig`` check it) and Ed25519 (what
ailm generated before; a PDF signed with it is valid PAdES, but NSS before 3.9x, and so poppler on Debian 12,
cannot check it). One key signs the DSSE envelope, the history head and the PDF.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ailm.canonical import sha256_bytes
from ailm.errors import SigningError
from ailm.fsutil import write_atomic

PRIVATE_NAME = "ailm.key"
PUBLIC_NAME = "ailm.pub"
CERTIFICATE_NAME = "ailm.crt"
KeyType = Literal["ecdsa-p256", "ed25519"]
KEY_TYPES: tuple[str, ...] = ("ecdsa-p256", "ed25519")

PrivateKey = Ed25519PrivateKey | ec.EllipticCurvePrivateKey
PublicKey = Ed25519PublicKey | ec.EllipticCurvePublicKey


def new_key(kind: str = "ecdsa-p256") -> PrivateKey:
    if kind == "ed25519":
        return Ed25519PrivateKey.generate()
    if kind == "ecdsa-p256":
        return ec.generate_private_key(ec.SECP256R1())
    raise SigningError(f"unknown key type {kind!r}: one of {', '.join(KEY_TYPES)}")


def generate(
    folder: Path,
    *,
    force: bool = False,
    kind: str = "ecdsa-p256",
    name: str = "ailm audit signer",
    organisation: str | None = None,
    days: int = 730,
    ca_cert: Any = None,
    ca_key: Any = None,
) -> tuple[Path, Path]:
    """Write a new key pair and its certificate (self-signed, or issued by ``ca_cert``/``ca_key``) into ``folder``.
    Existing keys are never overwritten unless ``force``."""
    from ailm.signing import certs

    private_path, public_path = folder / PRIVATE_NAME, folder / PUBLIC_NAME
    if not force:
        for path in (private_path, public_path, folder / CERTIFICATE_NAME):
            if path.exists():
                raise SigningError(f"{path} already exists; keep it, or pass --force to replace the key pair")
    key = new_key(kind)
    chain = certs.issue(key, name=name, organisation=organisation, days=days, ca_cert=ca_cert, ca_key=ca_key)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fresh = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if fresh:
        os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask
    write_atomic(private_path, private_pem, mode=0o600)
    write_atomic(public_path, public_pem(key.public_key()), mode=0o644)
    certs.write(folder / CERTIFICATE_NAME, chain)
    return private_path, public_path


def public_pem(key: PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def sign(key: PrivateKey, message: bytes) -> bytes:
    """Ed25519 over the message, or ECDSA P-256 with SHA-256 (DER-encoded, as DSSE and X.509 use it)."""
    if isinstance(key, Ed25519PrivateKey):
        return key.sign(message)
    return key.sign(message, ec.ECDSA(hashes.SHA256()))


def verify(key: PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        if isinstance(key, Ed25519PublicKey):
            key.verify(signature, message)
        else:
            key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def same_key(a: Any, b: Any) -> bool:
    """The same public key (of any type cryptography knows: a CA's may be RSA)."""
    return public_pem(a) == public_pem(b)


def _check_type(key: object, path: Path, what: str) -> None:
    if isinstance(key, Ed25519PrivateKey | Ed25519PublicKey):
        return
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return
    raise SigningError(f"{path}: {what}: an ECDSA P-256 or Ed25519 key is required, got {type(key).__name__}")


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SigningError(f"{path}: {what} not found") from None
    except OSError as exc:
        raise SigningError(f"{path}: cannot read {what}: {exc}") from None


def load_private(path: Path) -> PrivateKey:
    """The signing key; a file that anyone but its owner can read is refused (a key others may have copied
    signs nothing)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        mode = 0
    if os.name == "posix" and mode & 0o077:
        raise SigningError(
            f"{path}: the private key can be read by others (mode {mode & 0o777:04o}); it must be 0600: "
            f"`chmod 600 {path}`, and if others may have read it, generate a new pair (ailm keys generate)"
        )
    try:
        key = serialization.load_pem_private_key(_read(path, "private key"), password=None)
    except (ValueError, TypeError) as exc:
        raise SigningError(f"{path}: not a PEM private key: {exc}") from None
    _check_type(key, path, "private key")
    assert isinstance(key, Ed25519PrivateKey | ec.EllipticCurvePrivateKey)
    return key


def load_public(path: Path) -> PublicKey:
    try:
        key = serialization.load_pem_public_key(_read(path, "public key"))
    except (ValueError, TypeError) as exc:
        raise SigningError(f"{path}: not a PEM public key: {exc}") from None
    _check_type(key, path, "public key")
    assert isinstance(key, Ed25519PublicKey | ec.EllipticCurvePublicKey)
    return key


def pem_blocks(path: Path, label: str, what: str) -> list[bytes]:
    """Every ``-----BEGIN <label>-----`` block of a PEM file; a file without one is an error naming it."""
    raw = _read(path, what)
    marker = re.escape(label.encode("ascii"))
    blocks = re.findall(rb"-----BEGIN " + marker + rb"-----.*?-----END " + marker + rb"-----", raw, re.DOTALL)
    if not blocks:
        raise SigningError(f"{path}: no PEM {what} (-----BEGIN {label}-----) in it")
    return blocks


def load_keyring(paths: list[Path]) -> list[PublicKey]:
    """Trusted public keys: each file one PEM public key or several (a keyring, e.g. the current key and the
    one before a rotation). A file with no key, or a block that is not a supported public key, is an error."""
    keys: list[PublicKey] = []
    for path in paths:
        blocks = pem_blocks(path, "PUBLIC KEY", "public key")
        for i, block in enumerate(blocks, 1):
            try:
                key = serialization.load_pem_public_key(block)
            except (ValueError, TypeError) as exc:
                raise SigningError(f"{path}: key {i} of {len(blocks)} is not a PEM public key: {exc}") from None
            _check_type(key, path, f"key {i} of {len(blocks)}")
            assert isinstance(key, Ed25519PublicKey | ec.EllipticCurvePublicKey)
            keys.append(key)
    if not keys:
        raise SigningError("no trusted public key given (--key or --keyring)")
    return keys


def key_id(key: PublicKey) -> str:
    """sha256 of the raw Ed25519 public key, or of the DER SubjectPublicKeyInfo of any other key: a hint for
    choosing the key, never a reason to trust it."""
    if isinstance(key, Ed25519PublicKey):
        return sha256_bytes(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
    return sha256_bytes(key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))
