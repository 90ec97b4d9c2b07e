"""Signing and verification: Ed25519 keys, DSSE envelopes over in-toto Statements."""

from ailm.signing.attest import ATTESTATION_NAME, Verification, attestation, verify_folder
from ailm.signing.keys import generate, load_keyring, load_private, load_public

__all__ = [
    "ATTESTATION_NAME",
    "Verification",
    "attestation",
    "generate",
    "load_keyring",
    "load_private",
    "load_public",
    "verify_folder",
]
