"""The local probe runner: at its deadline nothing it started keeps running on this machine."""

from __future__ import annotations

import time

import psutil

from fleetcheck.core.collectors.local_probe import run_probe
from fleetcheck.core.contracts import ProbeRun
from fleetcheck.core.results import CheckResult
from fleetcheck.core.states import State


def _sleepers(marker: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        if marker in (proc.info["cmdline"] or []):
            found.append(proc)
    return found


def test_a_hung_child_of_the_probe_is_ended_with_it() -> None:
    # one hung child in the background, one in the foreground: killing only the shell left both
    script = b"sleep 987651 &\nsleep 987652\n"
    result = run_probe(script, timeout=1.0)
    assert isinstance(result, CheckResult) and result.state is State.UNKNOWN
    assert "deadline" in (result.reason or "")
    deadline = time.monotonic() + 5
    while (_sleepers("987651") or _sleepers("987652")) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = _sleepers("987651") + _sleepers("987652")
    for proc in left:  # never leave them behind, even when the assertion fails
        proc.kill()
    assert not left, [p.info["cmdline"] for p in left]


def test_a_probe_that_finishes_hands_back_its_output() -> None:
    run = run_probe(b"echo hello; echo oops >&2; exit 3\n", timeout=10.0)
    assert isinstance(run, ProbeRun)
    assert run.stdout == b"hello\n" and run.stderr == b"oops\n" and run.exit_status == 3
