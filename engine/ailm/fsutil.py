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


BULK_OBJECTS = 100_000  # what a bulk step has built when it is worth keeping out of the collector's scans
_keep_bulk = False


def keep_bulk_objects() -> None:
    """For a process that runs one audit and exits (the ``ailm`` command): what a bulk step builds (an evidence
    set, the lineage graph) lives until the process ends, so it is frozen out of the cyclic collector's scans
    (``gc.freeze``) instead of being scanned when the collector is turned back on, and again at every full
    collection after. 100,000 OpenLineage events: that first scan alone was 1 s of a 5.7 s ingest. The cost is
    that a reference cycle among what is frozen is never collected, which a process about to exit does not feel;
    a library caller (a service, a test run) keeps the collector's ordinary behaviour."""
    global _keep_bulk
    _keep_bulk = True


@contextmanager
def gc_paused() -> Iterator[None]:
    """Bulk building (100,000 evidence records, a graph of a million edges) allocates millions of small
    objects that live on; Python's cyclic collector rescans them again and again while they are made, which
    measured 2-4x the work itself. Paused for the bulk step, restored after (nested uses keep it paused); in a
    process that keeps its bulk objects (``keep_bulk_objects``), a step that built more than ``BULK_OBJECTS`` of
    them freezes them first."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            if _keep_bulk and gc.get_count()[0] >= BULK_OBJECTS:
                gc.freeze()
            gc.enable()


HELD: set[int] = set()  # lock descriptors this process holds (output folders): a forked worker closes its copies
