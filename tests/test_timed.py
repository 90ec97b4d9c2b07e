"""The embedded engine's worker process: forked only where forking is safe, a new interpreter elsewhere.

A forked child keeps only the forking thread, so a lock another thread held (the Go runtime that the OPA referee
loads into this process, an HTTP server's) can hang it before it reads a policy. With other threads alive the
worker is a new interpreter; its decisions and its time limit are the same.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ailm.errors import EvaluatorError
from ailm.policy import load_policies
from ailm.policy.embedded import EmbeddedEvaluator
from ailm.policy.timed import TimedEvaluator, _Spawned, single_threaded
from policy_inputs import compliant_deployed
from test_bad_input import _write_policy

BUILTIN = Path(__file__).resolve().parents[1] / "engine" / "ailm" / "builtin" / "policies"


@pytest.fixture
def another_thread() -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def test_with_other_threads_the_worker_is_a_new_interpreter_with_the_same_decisions(another_thread: None) -> None:
    policies = load_policies([BUILTIN])
    assert not single_threaded()
    timed = TimedEvaluator(policies, limit_s=30)
    try:
        assert isinstance(timed.proc, _Spawned)
        policy_input = compliant_deployed()
        assert timed.evaluate(policy_input) == EmbeddedEvaluator(policies).evaluate(policy_input)
    finally:
        timed.close()
    assert not timed.proc.is_alive()


def test_a_runaway_control_in_a_new_interpreter_is_stopped_at_the_limit(another_thread: None, tmp_path: Path) -> None:
    # it runs away only on a subject's evidence (an empty input leaves it undefined at once)
    body = "deny contains x if { input.evidence; x := count([n | some n in numbers.range(1, 900000000)]) }"
    _write_policy(tmp_path, body)
    policies = load_policies([BUILTIN, tmp_path])
    timed = TimedEvaluator(policies, limit_s=1)
    try:
        assert not timed.runaway
        decisions = timed.evaluate(compliant_deployed())
    finally:
        timed.close()
    assert decisions["ORG-001"].error == "evaluation did not finish within the time limit of 1 s (evaluator.timeout)"
    reference = EmbeddedEvaluator(load_policies([BUILTIN])).evaluate(compliant_deployed())
    assert {c: d for c, d in decisions.items() if c != "ORG-001"} == reference  # the others still decided


def test_a_worker_that_cannot_start_is_an_error_not_a_wait(
    another_thread: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "executable", "/bin/false")
    with pytest.raises(EvaluatorError, match="worker process ended before it loaded the policies"):
        TimedEvaluator(load_policies([BUILTIN]), limit_s=30)


def test_a_single_threaded_process_forks_its_worker() -> None:
    code = (
        "import sys; from pathlib import Path; from ailm.policy import load_policies;"
        "from ailm.policy.timed import TimedEvaluator, single_threaded;"
        f"t = TimedEvaluator(load_policies([Path({str(BUILTIN)!r})])); print(single_threaded(), type(t.proc).__name__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split() == ["True", "ForkProcess"]


def test_a_worker_started_in_the_background_says_what_went_wrong_when_waited_for(
    another_thread: None, tmp_path: Path
) -> None:
    """wait=False (how the audit starts it, so that it compiles while the history is opened): nothing is raised
    at once; ready() raises the policy's error, and every later call raises it again (no evaluation ever runs
    on a worker that failed to start)."""
    from ailm.errors import PolicyError

    _write_policy(tmp_path, "deny contains msg if { msg := undefined_thing }")
    timed = TimedEvaluator(load_policies([BUILTIN, tmp_path]), limit_s=30, wait=False)
    try:
        with pytest.raises(PolicyError, match="undefined_thing"):
            timed.ready()
        with pytest.raises(PolicyError, match="undefined_thing"):
            timed.evaluate(compliant_deployed())
    finally:
        timed.close()


def test_a_worker_started_in_the_background_decides_as_one_waited_for(another_thread: None) -> None:
    policies = load_policies([BUILTIN])
    timed = TimedEvaluator(policies, limit_s=30, wait=False)
    try:
        policy_input = compliant_deployed()
        assert timed.evaluate(policy_input) == EmbeddedEvaluator(policies).evaluate(policy_input)  # ready() first
    finally:
        timed.close()
