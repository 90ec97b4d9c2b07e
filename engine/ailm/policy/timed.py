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
from typing import Any

from ailm.errors import EvaluatorError, PolicyError
from ailm.policy.evaluator import Decision
from ailm.policy.policyset import PolicySet

DEFAULT_LIMIT_S = 60.0
STARTUP_S = 60.0  # parsing the policies, before any of them runs


def _orphan_proof(parent_end: Any) -> None:
    """In the worker: die with the audit (a killed audit must not leave a worker holding its folder's lock),
    and let go of what was inherited from it."""
    import ctypes
    import ctypes.util
    import os
    import signal

    from ailm import fsutil

    name = ctypes.util.find_library("c")
    if name is not None:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(name).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    if os.getppid() == 1:  # the audit died before that took effect
        os._exit(0)
    parent_end.close()
    for fd in list(fsutil.HELD):
        with contextlib.suppress(OSError):
            os.close(fd)
    fsutil.HELD.clear()


def _serve(policies: PolicySet, conn: Any, parent_end: Any) -> None:
    _orphan_proof(parent_end)
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
                conn.send(("ok", None))
            except AilmError as exc:
                conn.send(("ok", str(exc)))
        elif kind == "all":
            conn.send(("ok", evaluator.evaluate_json(payload)))
        else:
            evaluator.engine.set_input_json(payload)
            conn.send(("ok", evaluator.evaluate_control(controls[arg])))


class TimedEvaluator:
    def __init__(self, policies: PolicySet, *, limit_s: float = DEFAULT_LIMIT_S) -> None:
        self.policies = policies
        self.limit_s = limit_s
        self.runaway: set[str] = set()  # controls that did not finish even on an empty input
        self._start()
        # regorus compiles lazily, at the first evaluation: compile each control on an empty input, within
        # the limit, so that a policy error stops the audit and a runaway control is known before any subject
        for control in policies.controls:
            answer = self._ask("check", control.id, "{}")
            if answer is None:
                self.runaway.add(control.id)
            elif answer:
                self._stop()
                raise PolicyError(answer)

    def _start(self) -> None:
        ctx = multiprocessing.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=_serve, args=(self.policies, child, self.conn), daemon=True, name="ailm-evaluator"
        )
        self.proc.start()
        child.close()
        if not self.conn.poll(STARTUP_S):
            self._stop()
            raise EvaluatorError(f"the policy engine did not load the policies within {STARTUP_S:g} s")
        kind, message = self.conn.recv()
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
        payload = json.dumps(policy_input)
        answer = self._ask("all", None, payload)
        if answer is not None:
            decisions: dict[str, Decision] = answer
            return decisions
        out: dict[str, Decision] = {}
        for control in self.policies.controls:
            one = self._ask("one", control.id, payload)
            out[control.id] = (
                one
                if one is not None
                else Decision(
                    error=f"evaluation did not finish within the time limit of {self.limit_s:g} s (evaluator.timeout)"
                )
            )
        return out

    def close(self) -> None:
        self._stop()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # nothing to do about it at interpreter exit
            self._stop()
