"""Ed25519 signing keys: ``ailm.key`` (PKCS#8 PEM, mode 0600) and ``ailm.pub`` (SubjectPublicKeyInfo PEM)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ailm.canonical import sha256_bytes
from ailm.errors import SigningError
from ailm.fsutil import write_atomic

PRIVATE_NAME = "ailm.key"
PUBLIC_NAME = "ailm.pub"


def generate(folder: Path, *, force: bool = False) -> tuple[Path, Path]:
    """Write a new key pair into ``folder``. Existing keys are never overwritten unless ``force``."""
    private_path, public_path = folder / PRIVATE_NAME, folder / PUBLIC_NAME
    if not force:
        for path in (private_path, public_path):
            if path.exists():
                raise SigningError(f"{path} already exists; keep it, or pass --force to replace the key pair")
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    fresh = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if fresh:
        os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask
    write_atomic(private_path, private_pem, mode=0o600)
    write_atomic(public_path, public_pem, mode=0o644)
    return private_path, public_path


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SigningError(f"{path}: {what} not found") from None
    except OSError as exc:
        raise SigningError(f"{path}: cannot read {what}: {exc}") from None


def load_private(path: Path) -> Ed25519PrivateKey:
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
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningError(f"{path}: an Ed25519 key is required, got {type(key).__name__}")
    return key


def load_public(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(_read(path, "public key"))
    except (ValueError, TypeError) as exc:
        raise SigningError(f"{path}: not a PEM public key: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningError(f"{path}: an Ed25519 key is required, got {type(key).__name__}")
    return key


PEM_BLOCK = re.compile(rb"-----BEGIN PUBLIC KEY-----.*?-----END PUBLIC KEY-----", re.DOTALL)


def load_keyring(paths: list[Path]) -> list[Ed25519PublicKey]:
    """Trusted public keys: each file one PEM public key or several (a keyring, e.g. the current key and the
    one before a rotation). A file with no key, or a block that is not an Ed25519 public key, is an error."""
    keys: list[Ed25519PublicKey] = []
    for path in paths:
        raw = _read(path, "public key")
        blocks = PEM_BLOCK.findall(raw)
        if not blocks:
            raise SigningError(f"{path}: no PEM public key (-----BEGIN PUBLIC KEY-----) in it")
        for i, block in enumerate(blocks, 1):
            try:
                key = serialization.load_pem_public_key(block)
            except (ValueError, TypeError) as exc:
                raise SigningError(f"{path}: key {i} of {len(blocks)} is not a PEM public key: {exc}") from None
            if not isinstance(key, Ed25519PublicKey):
                raise SigningError(f"{path}: key {i} of {len(blocks)}: an Ed25519 key is required")
            keys.append(key)
    if not keys:
        raise SigningError("no trusted public key given (--key or --keyring)")
    return keys


def key_id(key: Ed25519PublicKey) -> str:
    """sha256 of the raw public key: a hint for choosing the key, never a reason to trust it."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return sha256_bytes(raw)
