"""The output folder of an audit: all or nothing, one writer at a time.

Every file is written into a fresh folder beside ``--out`` (``.<name>.new-*``); when all are written and
signed, the new folder takes the place of the old one in one atomic exchange (``renameat2`` with
``RENAME_EXCHANGE`` on Linux; two renames elsewhere), and the old one is removed. A reader sees the old
complete audit or the new complete one, never a mix, and a killed audit leaves the old folder as it was.
A lock (``.<name>.lock`` beside it, ``flock``: released by the kernel when the process dies, so a kill
leaves no stale lock) refuses a second audit into the same folder while one runs. A folder that holds
anything but an earlier audit's files is refused too: replacing it would lose what the user put there.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fcntl
import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from ailm import fsutil
from ailm.canonical import sha256_bytes
from ailm.errors import InputError

MSG_LOCKED = "another audit is writing to this folder now"
MSG_FOREIGN = "holds files that are not an earlier audit's, which replacing the folder would lose"
MSG_SYMLINK = "is a symbolic link"
_STAGED = ".new-"  # a staging folder is ``.<name>.new-<8 random characters>``: 14 bytes more than the name
NAME_MAX = 255 - 14
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the system cannot (then the caller renames twice)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    libc = ctypes.CDLL(name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    at_fdcwd = -100
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: the file system cannot exchange
        return False
    raise OSError(err, os.strerror(err), str(a))


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def safe_relative(name: str) -> bool:
    """A path inside the folder: plain segments, none empty, hidden, ``.`` or ``..``, no backslash."""
    parts = name.split("/")
    return bool(name) and "\\" not in name and all(p and not p.startswith(".") for p in parts)


def _ours(entry: Path, names: frozenset[str]) -> bool:
    """An earlier audit's: one of its file names, or a ``<model>/<version>/`` folder of per-subject reports."""
    if entry.name in names and entry.is_file():
        return True
    if not entry.is_dir() or entry.is_symlink():
        return False
    for version in entry.iterdir():
        if not version.is_dir() or version.is_symlink():
            return False
        if not all(f.is_file() and f.name in names for f in version.iterdir()):
            return False
    return True


class OutputFolder:
    """``with OutputFolder(out) as folder: folder.write(name, data); ...; folder.commit()``."""

    def __init__(self, out: Path, *, ours: frozenset[str] = frozenset()) -> None:
        """``ours``: the names an audit writes; an existing folder may hold only those."""
        self.out = Path(out).absolute()
        self.ours = ours
        if self.out.is_symlink():  # the swap would replace the link and leave its target holding the old audit
            raise InputError(
                f"--out {out}: {MSG_SYMLINK} (to {os.readlink(self.out)}); give the folder itself as --out"
            )
        if self.out.exists() and not self.out.is_dir():
            raise InputError(f"--out {out}: is a file, not a folder for the audit's files")
        size = len(os.fsencode(self.out.name))
        if size > NAME_MAX:
            raise InputError(
                f"--out {out}: a folder name of {size} bytes; at most {NAME_MAX} (the audit is written beside it "
                "under a longer name)"
            )
        self.parent = self.out.parent
        self.written: dict[str, str] = {}  # name -> sha256 of the bytes written
        self._lock_fd: int | None = None
        self._staging: Path | None = None
        self.committed = False

    def __enter__(self) -> OutputFolder:
        lock = self.parent / f".{self.out.name}.lock"
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
            # never through a link: a dangling one would make the audit create its target, anywhere
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except OSError as exc:
            if lock.is_symlink():
                raise InputError(f"--out {self.out}: its lock file {lock} {MSG_SYMLINK}; remove it") from None
            raise InputError(f"--out {self.out}: cannot create the folder: {exc.strerror or exc}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise InputError(f"--out {self.out}: {MSG_LOCKED}; wait for it or choose another --out") from None
        self._lock_fd = fd
        fsutil.HELD.add(fd)
        foreign = sorted(p.name for p in self.out.iterdir() if not _ours(p, self.ours)) if self.out.is_dir() else []
        if foreign:
            self.__exit__(None, None, None)
            shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
            raise InputError(f"--out {self.out}: {MSG_FOREIGN} ({shown}); choose an empty or new folder")
        prefix = f".{self.out.name}{_STAGED}"  # matched as text: a name may hold glob characters (``*``, ``[``)
        for stale in self.parent.iterdir():  # left by a killed audit: we hold the lock
            if stale.name.startswith(prefix) and len(stale.name) == len(prefix) + 8 and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)
        self._staging = Path(tempfile.mkdtemp(prefix=prefix, dir=self.parent))
        return self

    def write(self, name: str, data: bytes) -> str:
        """Write one file into the new folder; returns the sha256 of exactly these bytes."""
        assert self._staging is not None and not self.committed
        if not safe_relative(name):
            raise ValueError(f"not a plain path inside the folder: {name!r}")
        path = self._staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        self.written[name] = sha256_bytes(data)
        return self.written[name]

    def commit(self) -> None:
        """Put the new folder in place of the old one, atomically, and remove the old one."""
        assert self._staging is not None and not self.committed
        _fsync_dir(self._staging)
        if self.out.is_symlink():  # made while the audit ran
            raise InputError(f"--out {self.out}: {MSG_SYMLINK} now; give the folder itself as --out")
        if not self.out.exists():
            os.rename(self._staging, self.out)
        elif _exchange(self._staging, self.out):
            shutil.rmtree(self._staging, ignore_errors=True)  # the staging name now holds the old audit
        else:
            old = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.old-", dir=self.parent))
            os.rename(self.out, old / "audit")
            os.rename(self._staging, self.out)
            shutil.rmtree(old, ignore_errors=True)
        _fsync_dir(self.parent)
        self.committed = True
        self._staging = None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
        if self._lock_fd is not None:
            fsutil.HELD.discard(self._lock_fd)
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None
