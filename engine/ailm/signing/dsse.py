"""DSSE v1 envelopes (secure-systems-lab/dsse): sign and verify over the pre-authentication encoding."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ailm.signing import keys as signing_keys
from ailm.signing.keys import PrivateKey, PublicKey, key_id

IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json"


class EnvelopeError(Exception):
    """The envelope is malformed or its signature does not verify."""


def pae(payload_type: str, payload: bytes) -> bytes:
    """PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in ASCII decimal."""
    t = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def sign(payload: bytes, payload_type: str, key: PrivateKey) -> dict[str, Any]:
    signature = signing_keys.sign(key, pae(payload_type, payload))
    return {
        "payload": base64.standard_b64encode(payload).decode("ascii"),
        "payloadType": payload_type,
        "signatures": [
            {"keyid": key_id(key.public_key()), "sig": base64.standard_b64encode(signature).decode("ascii")}
        ],
    }


def _b64(text: Any, what: str) -> bytes:
    if not isinstance(text, str):
        raise EnvelopeError(f"{what} is not a string")
    try:
        # Both standard and URL-safe encodings are allowed by the spec.
        return base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise EnvelopeError(f"{what} is not valid base64") from None


def verify(envelope: Any, key: PublicKey, *, payload_type: str = IN_TOTO_PAYLOAD_TYPE) -> bytes:
    """Return the payload if one signature verifies with ``key``; raise EnvelopeError otherwise."""
    return verify_any(envelope, [key], payload_type=payload_type)[0]


def verify_any(
    envelope: Any, keys: list[PublicKey], *, payload_type: str = IN_TOTO_PAYLOAD_TYPE
) -> tuple[bytes, PublicKey]:
    """The payload and the trusted key that verifies one of its signatures; EnvelopeError when none does. The
    envelope's keyid only orders the tries: a signature counts only if it verifies."""
    if not isinstance(envelope, dict):
        raise EnvelopeError("the envelope is not a JSON object")
    if envelope.get("payloadType") != payload_type:
        raise EnvelopeError(f"payloadType is {envelope.get('payloadType')!r}, expected {payload_type!r}")
    payload = _b64(envelope.get("payload"), "payload")
    signatures = envelope.get("signatures")
    if not isinstance(signatures, list) or not signatures:
        raise EnvelopeError("the envelope has no signatures")
    message = pae(payload_type, payload)
    for entry in signatures:
        if not isinstance(entry, dict):
            continue
        named = entry.get("keyid")
        for key in sorted(keys, key=lambda k: key_id(k) != named):  # the key it names first
            try:
                if signing_keys.verify(key, _b64(entry.get("sig"), "signature"), message):
                    return payload, key
            except EnvelopeError:
                continue
    which = "the given public key" if len(keys) == 1 else f"any of the {len(keys)} trusted keys"
    raise EnvelopeError(f"no signature verifies with {which}")
