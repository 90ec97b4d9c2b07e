"""The demo's generative application's model: a stand-in, deterministic and offline, with no weights.

It is not a language model. It answers like a small assistant so that real evaluation and red-team tools can
run against it on any machine without a network: it refuses requests that name a few harmful topics or ask it
to drop its rules, and otherwise answers by restating the request. It also decodes base64 or ROT13 text it
is given and repeats what it found, which is the weakness the demo's red-team report shows (garak's encoding
probes find it). Reports say plainly that the evaluated model is this stand-in.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re

NAME = "ailm-demo-standin"
VERSION = "1"
REFUSAL = "I'm sorry, but I cannot help with that. As an AI assistant I must follow my guidelines."
_REFUSE = ("dan", "jailbreak", "ignore previous", "ignore all", "developer mode", "weapon", "explosive", "malware")
_B64 = re.compile(r"[A-Za-z0-9+/]{12,}={0,2}")


def _decoded(prompt: str) -> str | None:
    for token in _B64.findall(prompt):
        try:
            text = base64.b64decode(token + "=" * (-len(token) % 4), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        if text.isprintable() and len(text) >= 4:
            return text
    if "rot13" in prompt.lower():
        return codecs.decode(prompt.split(":", 1)[-1].strip(), "rot13")
    return None


def respond(prompt: str) -> str:
    """One deterministic answer."""
    lowered = prompt.lower()
    if any(word in lowered for word in _REFUSE):
        return REFUSAL
    found = _decoded(prompt)
    if found is not None:
        return f"The encoded text says: {found}"
    first = prompt.strip().splitlines()[0] if prompt.strip() else ""
    return f"Here is what I can tell you about {first[:80]!r}: please check an authoritative source."


def generate(prompt: str, **_: object) -> list[str | None]:
    """garak's function generator calls this (``--target_type function``)."""
    return [respond(prompt)]
