"""Per-subject work, in this process or on Dask.

An audit's work per model version (measuring it, evaluating its controls, projecting them to the horizons) does
not depend on any other version's, so it can run anywhere: :class:`Serial` runs it here, one subject after
another; :class:`DaskCluster` runs it on a dask.distributed cluster, a local one of ``workers`` processes or an
existing one at a scheduler's address. Both call the same functions on the same data in the same order of
results, so the result is the same (the tests compare digests).

An ailm error (bad input) ends the audit, as it would in a serial run. Any other exception a task raises, or a
worker that dies under it, is returned as a :class:`Failed` with the cause; the caller
marks that subject ``error`` and the others complete. The gate then gives no verdict.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from ailm.errors import AilmError, InputError

T = TypeVar("T")
S = TypeVar("S")
Item = TypeVar("Item")
SCHEDULER_ENV = "AILM_DASK_SCHEDULER"
CONNECT_TIMEOUT_S = 10


@dataclass(frozen=True)
class Failed:
    """What a task left instead of a result: the cause, in words."""

    cause: str


class ClusterLost(AilmError):
    """The Dask scheduler went away under the audit: nothing it computed can be trusted to be whole."""


class Executor(Protocol):
    name: str

    def map(self, fn: Callable[[S, Item], T], shared: S, items: Sequence[Item]) -> list[T | Failed]:
        """``fn(shared, item)`` for each item (a subject, a report to render), results in the order of ``items``."""
        ...


class Serial:
    name = "serial"

    def map(self, fn: Callable[[S, Item], T], shared: S, items: Sequence[Item]) -> list[T | Failed]:
        out: list[T | Failed] = []
        for item in items:
            try:
                out.append(fn(shared, item))
            except Exception as exc:
                if _is_input_error(exc):
                    raise  # bad input stops the audit here as it would anywhere
                out.append(Failed(f"{type(exc).__name__}: {exc}"))
        return out


def _is_input_error(exc: BaseException) -> bool:
    """An ailm error (bad input, an evaluator that cannot start) ends the audit wherever it is raised."""
    return isinstance(exc, AilmError)


class DaskCluster:
    """A dask.distributed client: a local cluster of ``workers`` processes, or the scheduler at ``address``."""

    def __init__(self, client: Any, name: str, *, warm: bool = False, where: str | None = None) -> None:
        self.client = client
        self.name = name
        self.where = where or name  # the option a message names: "--scheduler tcp://...", "--workers 2"
        self.warming: list[Any] = []
        if warm:  # workers on other machines import what per-subject work needs while this one collects evidence
            workers = list(client.scheduler_info().get("workers", {}))
            self.warming = [client.submit(_warm, pure=False, workers=[w], allow_other_workers=False) for w in workers]

    def map(self, fn: Callable[[S, Item], T], shared: S, items: Sequence[Item]) -> list[T | Failed]:
        from distributed import KilledWorker

        if not items:
            return []
        self._check()
        try:
            # What the items share is a task, not scattered data: if the workers holding it die, the scheduler
            # computes it again from its own copy, so a worker that dies under one subject cannot take the others
            # with it (scattered data is lost with its workers, and every subject still to run would fail).
            handle = self.client.submit(_shared, shared, pure=False)
            futures = self.client.map(fn, [handle] * len(items), list(items), pure=False)
        except Exception as exc:
            self._check(exc)
            raise
        out: list[T | Failed] = []
        for future in futures:
            try:
                out.append(future.result())
            except KilledWorker as exc:
                out.append(Failed(f"the Dask worker running it died ({exc})"))
            except Exception as exc:
                if _is_input_error(exc):
                    with contextlib.suppress(Exception):
                        self.client.cancel(futures)
                    raise
                self._check(exc)  # a scheduler that went away is the audit's failure, not this subject's
                out.append(Failed(f"{type(exc).__name__}: {exc}"))
        with contextlib.suppress(Exception):
            self.client.cancel(handle)
        self._check()  # lost after the last result: what comes next cannot run
        return out

    def _check(self, exc: BaseException | None = None) -> None:
        """Stop the audit, naming the cluster, when its scheduler is gone (the client is no longer running, or
        says it is closed)."""
        from distributed.client import ClosedClientError

        if str(getattr(self.client, "status", "running")) == "running" and not isinstance(exc, ClosedClientError):
            return
        address = getattr(getattr(self.client, "scheduler", None), "address", None) or "of the cluster"
        raise ClusterLost(
            f"{self.where}: the Dask scheduler {address} stopped answering in the middle of the audit; nothing "
            "was written: run the audit again when the scheduler is back"
        ) from None


def _shared(value: Any) -> Any:
    return value


WARM = ("numpy", "scipy.special", "ailm.audit.runner", "ailm.audit.publish", "ailm.report.html", "ailm.policy.timed",
        "pandas", "sklearn", "mlflow.sklearn", "fairlearn.metrics", "skops.io", "jinja2")  # fmt: skip


def _warm() -> None:
    """NumPy and SciPy before the rest: the earlier ``scipy.special`` is in ``sys.modules``, the sooner a model in
    skops's format loads (see ``ailm.cli._arrays_first``)."""
    import contextlib
    import importlib

    for name in WARM:
        with contextlib.suppress(Exception):  # a library this audit does not use may be absent: that is fine
            importlib.import_module(name)


@contextmanager
def executor(workers: int | None, scheduler: str | None) -> Iterator[Executor]:
    """``Serial`` with neither; a local cluster of ``workers`` processes; or the cluster at ``scheduler``
    (``tcp://host:port``, else the ``AILM_DASK_SCHEDULER`` environment variable when ``workers`` is not set)."""
    scheduler = scheduler or (os.environ.get(SCHEDULER_ENV) if workers is None else None)
    if workers is not None and scheduler:
        raise InputError("--workers and --scheduler: give one (a local cluster, or an existing one)")
    if workers is None and not scheduler:
        yield Serial()
        return
    if workers is not None and not 1 <= workers <= 512:
        raise InputError(f"--workers {workers}: a number of worker processes from 1 to 512")
    import dask
    import distributed

    dist: Any = distributed  # untyped library

    # the embedded evaluator runs each worker's policies in a child process: a worker must be allowed one
    # a worker that dies under a task is given one more worker, not three: a subject that kills its worker twice is
    # reported error, and the others go on
    settings = {"distributed.worker.daemon": False, "distributed.scheduler.allowed-failures": 1}
    with dask.config.set(settings):
        if scheduler:
            try:
                client = dist.Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s", set_as_default=False)
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError(f"--scheduler {scheduler}: cannot reach the Dask scheduler: {exc}") from None
            try:
                yield DaskCluster(client, f"dask {scheduler}", warm=True, where=f"--scheduler {scheduler}")
            finally:
                with contextlib.suppress(Exception):  # a scheduler that died: the audit has already said so
                    client.close(timeout=CONNECT_TIMEOUT_S)
            return
        assert workers is not None
        try:
            cluster = dist.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                scheduler_port=0,
                dashboard_address="127.0.0.1:0",  # its own free port on loopback: nothing listens beyond the machine
                silence_logs=50,
            )
        except Exception as exc:
            raise InputError(f"--workers {workers}: the local Dask cluster did not start: {exc}") from None
        client = dist.Client(cluster, set_as_default=False)
        try:
            yield DaskCluster(
                client,
                f"dask, {workers} local worker process{'es' if workers > 1 else ''}",
                where=f"--workers {workers}: the local Dask cluster",
            )
        finally:
            client.close()
            cluster.close()
