"""Credentials never reach a message, a log or a report: passwords in URLs, tokens in query strings and
bearer tokens are replaced by ``***`` wherever ailm writes text it did not compose itself."""

from __future__ import annotations

import re

_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^/@:\s]*):(?P<secret>[^/@\s]+)@")
_QUERY = re.compile(
    r"(?P<key>[?&;](?:[\w.-]*(?:token|secret|password|passwd|pwd|key|sig|signature|credential|auth)[\w.-]*))="
    r"(?P<value>[^&#\s'\"]+)",
    re.I,
)
_BEARER = re.compile(r"(?P<kind>\b(?:Bearer|Basic|Token)\s+)[A-Za-z0-9._~+/=-]{8,}", re.I)
MASK = "***"


def redact(text: str) -> str:
    text = _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:{MASK}@", text)
    text = _QUERY.sub(lambda m: f"{m['key']}={MASK}", text)
    return _BEARER.sub(lambda m: f"{m['kind']}{MASK}", text)
