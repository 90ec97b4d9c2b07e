"""The embedded evaluator in a worker process, with a time limit per subject.

regorus holds the interpreter lock while it evaluates, so nothing in the process can stop a runaway
policy (a comprehension over a billion items runs until it is killed). The engine runs in a child process
instead; when one subject's evaluation passes the limit, the child is killed, a new one started, and the
controls are evaluated one at a time with the same limit, so the control that runs away is ``error``
(naming the limit) and the others keep their decisions. The gate then gives no verdict.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ailm.errors import AilmError, EvaluatorError, PolicyError
from ailm.policy.evaluator import Decision
from ailm.policy.policyset import PolicySet

DEFAULT_LIMIT_S = 60.0
STARTUP_S = 60.0  # parsing the policies, before any of them runs


def _die_with_parent() -> None:
    """In the worker: die with the audit (a killed audit must not leave a worker holding its folder's lock)."""
    import ctypes
    import os
    import signal

    with contextlib.suppress(OSError, AttributeError):  # libc's symbols are the process's own (no ldconfig run)
        ctypes.CDLL(None).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    if os.getppid() == 1:  # the audit died before that took effect
        os._exit(0)


def _orphan_proof(parent_end: Any) -> None:
    """In a forked worker: die with the audit, and let go of what was inherited from it."""
    import os

    from ailm import fsutil

    _die_with_parent()
    parent_end.close()
    for fd in list(fsutil.HELD):
        with contextlib.suppress(OSError):
            os.close(fd)
    fsutil.HELD.clear()


def single_threaded() -> bool:
    """Whether this process has one thread, so that a forked child holds no lock that no thread will release.

    A forked child keeps only the forking thread: a lock another thread held at that moment (an HTTP server's, the
    import lock, the runtime of a native library such as Go's) stays held in it, and the child can hang before it
    reads a policy. Threads that Python does not know of count too (they are read from /proc)."""
    import os
    import threading

    try:
        return len(os.listdir("/proc/self/task")) <= 1
    except OSError:
        return threading.active_count() <= 1


class _Spawned:
    """A worker started as a new interpreter (where forking is not safe), with the API of a Process."""

    def __init__(self, conn_fd: int) -> None:
        import subprocess
        import sys

        import ailm

        # where this ailm was imported from, last on the path: found where nothing else provides it, and never
        # in front of the standard library
        root = str(Path(ailm.__file__).resolve().parents[1])
        code = (
            f"import sys; sys.path.append({root!r}); "
            "from ailm.policy.timed import _spawned_main; _spawned_main(int(sys.argv[1]))"
        )
        self.popen = subprocess.Popen(  # this interpreter, a fixed program
            [sys.executable, "-c", code, str(conn_fd)], pass_fds=[conn_fd], stdin=subprocess.DEVNULL
        )

    def is_alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        self.popen.kill()

    def join(self, timeout: float | None = None) -> None:
        import subprocess

        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout)


def _spawned_main(fd: int) -> None:
    from multiprocessing.connection import Connection

    _die_with_parent()
    conn = Connection(fd)
    policies = conn.recv()
    _serve_on(policies, conn)


def _serve(policies: PolicySet, conn: Any, parent_end: Any) -> None:
    _orphan_proof(parent_end)
    _serve_on(policies, conn)


def _serve_on(policies: PolicySet, conn: Any) -> None:
    from ailm.errors import AilmError
    from ailm.policy.embedded import EmbeddedEvaluator

    try:
        evaluator = EmbeddedEvaluator(policies, check=False)  # compiled control by control, within the limit
    except AilmError as exc:
        conn.send(("failed", str(exc)))
        return
    conn.send(("ready", None))
    controls = {c.id: c for c in policies.controls}
    while True:
        try:
            kind, arg, payload = conn.recv()
        except EOFError:
            return
        if kind == "check":
            try:
                evaluator.check_control(controls[arg])
                conn.send(("ok", ""))  # compiled (None is what _ask gives when the limit passed)
            except AilmError as exc:
                conn.send(("ok", str(exc)))
        elif kind == "all":
            conn.send(("ok", evaluator.evaluate_json(payload)))
        else:
            evaluator.engine.set_input_json(payload)
            conn.send(("ok", evaluator.evaluate_control(controls[arg])))


class TimedEvaluator:
    """``wait=False`` returns as soon as the worker is started: it loads and compiles the policies while the
    caller goes on, and :meth:`ready` (called by :meth:`evaluate` if not before) waits for it and raises what
    went wrong. The audit calls it before reading any evidence, so a policy error still stops it there."""

    def __init__(self, policies: PolicySet, *, limit_s: float = DEFAULT_LIMIT_S, wait: bool = True) -> None:
        self.policies = policies
        self.limit_s = limit_s
        self.runaway: set[str] = set()  # controls that did not finish even on an empty input
        self._pending = True
        self._failed: AilmError | None = None
        self._launch()
        if wait:
            self.ready()

    def ready(self) -> None:
        """Wait until the worker has loaded the policies and compiled every control; raise what went wrong
        (again, at every later call: a worker that failed to start never evaluates)."""
        if self._failed is not None:
            raise self._failed
        if not self._pending:
            return
        try:
            self._await_start()
            # regorus compiles lazily, at the first evaluation: compile each control on an empty input, within
            # the limit, so that a policy error stops the audit and a runaway control is known before any subject
            for control in self.policies.controls:
                answer = self._ask("check", control.id, "{}")
                if answer is None:
                    self.runaway.add(control.id)
                elif answer:
                    self._stop()
                    raise PolicyError(answer)
        except AilmError as exc:
            self._failed = exc
            raise
        self._pending = False

    def _start(self) -> None:
        self._launch()
        self._await_start()

    def _launch(self) -> None:
        self.proc: Any
        self._unsent = False
        if single_threaded():  # forked: starts at once, with the policies already in memory
            ctx = multiprocessing.get_context("fork")
            self.conn, child = ctx.Pipe()
            self.proc = ctx.Process(
                target=_serve, args=(self.policies, child, self.conn), daemon=True, name="ailm-evaluator"
            )
            self.proc.start()
            child.close()
        else:  # a new interpreter, given the policies through the pipe
            import socket
            from multiprocessing.connection import Connection

            ours, theirs = socket.socketpair()
            try:
                self.proc = _Spawned(theirs.fileno())
            finally:
                theirs.close()
            self.conn = Connection(ours.detach())
            try:
                self.conn.send(self.policies)
            except OSError:  # it ended at once: said when it is waited for
                self._unsent = True

    def _await_start(self) -> None:
        try:
            if self._unsent:
                raise EOFError
            answer = self.conn.recv() if self.conn.poll(STARTUP_S) else None
        except (EOFError, OSError):  # it ended at once (what it said is on stderr)
            self._stop()
            raise EvaluatorError("the policy engine's worker process ended before it loaded the policies") from None
        if answer is None:
            self._stop()
            raise EvaluatorError(f"the policy engine did not load the policies within {STARTUP_S:g} s")
        kind, message = answer
        if kind == "failed":
            self._stop()
            raise PolicyError(message)

    def _stop(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=5)
        self.conn.close()

    def _ask(self, kind: str, arg: str | None, payload: str) -> Any:
        """The answer, or None when the limit passed (the worker is then replaced)."""
        try:
            self.conn.send((kind, arg, payload))
            if self.conn.poll(self.limit_s):
                return self.conn.recv()[1]
        except (EOFError, OSError, BrokenPipeError):
            pass
        self._stop()
        self._start()
        return None

    def evaluate(self, policy_input: Mapping[str, Any]) -> dict[str, Decision]:
        self.ready()
        payload = json.dumps(policy_input)
        if not self.runaway:
            answer = self._ask("all", None, payload)
            if answer is not None:
                decisions: dict[str, Decision] = answer
                return decisions
        out: dict[str, Decision] = {}
        for control in self.policies.controls:
            if control.id in self.runaway:  # it did not finish on an empty input: not run again on each subject
                out[control.id] = Decision(error=f"{self._over_limit()}, even on an empty input")
                continue
            one = self._ask("one", control.id, payload)
            out[control.id] = one if one is not None else Decision(error=self._over_limit())
        return out

    def _over_limit(self) -> str:
        return f"evaluation did not finish within the time limit of {self.limit_s:g} s (evaluator.timeout)"

    def close(self) -> None:
        self._stop()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # nothing to do about it at interpreter exit
            self._stop()
