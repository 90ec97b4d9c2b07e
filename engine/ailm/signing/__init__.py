"""Signing and verification: ECDSA P-256 / Ed25519 keys and their certificates, DSSE envelopes over in-toto
Statements, PAdES signatures in the PDF."""

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
