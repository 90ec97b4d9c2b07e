"""OPA bundles: a gzipped tarball with ``/.manifest`` (revision, roots), the policy modules and ``/data.json``.

The revision is the policy set's digest, so a server's ``/v1/status`` names exactly which policies it runs.
Test files are left out: a bundle is what runs, not how it was checked.
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from pathlib import Path

from ailm.fsutil import write_atomic
from ailm.policy.opa import POLICY_ID_PREFIX
from ailm.policy.policyset import PolicySet

ROOTS = ["ailm"]


def bundle_bytes(policies: PolicySet) -> tuple[bytes, str]:
    revision = policies.digest()
    entries: list[tuple[str, bytes]] = [
        ("/.manifest", json.dumps({"revision": revision, "roots": ROOTS}, indent=2).encode()),
        ("/data.json", json.dumps(policies.data, indent=2, sort_keys=True).encode()),
    ]
    entries += [(f"/{POLICY_ID_PREFIX}{m.display}", m.text.encode("utf-8")) for m in policies.modules]
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            info.mtime = 0  # same policies, same bytes
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), mtime=0), revision


def write_bundle(policies: PolicySet, path: Path) -> str:
    data, revision = bundle_bytes(policies)
    write_atomic(path, data)
    return revision
