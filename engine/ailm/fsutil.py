"""Atomic writes (a reader sees the old file or the new one, never half of either), and a pause of the
cyclic garbage collector for bulk steps."""

from __future__ import annotations

import gc
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _default_mode() -> int:
    """What open() would give a new file: 0666 less the umask (mkstemp alone gives 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, data: bytes | str, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode if mode is not None else _default_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def gc_paused() -> Iterator[None]:
    """Bulk building (100,000 evidence records, a graph of a million edges) allocates millions of small
    objects that live on; Python's cyclic collector rescans them again and again while they are made, which
    measured 2-4x the work itself. Paused for the bulk step, restored after (nested uses keep it paused)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


HELD: set[int] = set()  # lock descriptors this process holds (output folders): a forked worker closes its copies
