"""Run one probe over an open connection: constant command, script on stdin, output capped.

stdout and stderr are read before the exit status (output larger than the
channel window would otherwise deadlock), with one deadline around both:
paramiko's `recv_exit_status()` has no timeout of its own.
"""

from __future__ import annotations

import threading
import time

import paramiko

from fleetcheck.core.contracts import Probe, ProbeRun
from fleetcheck.core.i18n import Message, msg
from fleetcheck.core.results import utcnow
from fleetcheck.core.ssh.options import OUTPUT_CAP

_POLL = 0.1  # how often a silent channel is re-checked for stderr, the deadline and cancellation


class ProbeTimeout(Exception):
    """The probe did not finish before the deadline; `partial` is what came back so far."""

    def __init__(self, seconds: float, partial: ProbeRun) -> None:
        super().__init__(f"timed out after {seconds:.3g} s while running the probe")
        self.seconds = seconds
        self.partial = partial


class ProbeDropped(Exception):
    """The connection or the remote command went away while the probe ran."""

    def __init__(self, reason: Message, partial: ProbeRun) -> None:
        super().__init__(reason.en)
        self.message = reason
        self.partial = partial


class ChannelRefused(Exception):
    """No session channel could be opened (e.g. a kept connection went stale)."""

    def __init__(self, error: str) -> None:
        self.message = msg("ssh.channel.refused", error=error)
        super().__init__(self.message.en)


def run_probe(transport: paramiko.Transport, probe: Probe, deadline: float,
              cancel: threading.Event | None = None, cap: int = OUTPUT_CAP,
              open_timeout: float | None = None) -> ProbeRun:
    """`open_timeout` bounds opening the channel (short for a kept connection whose peer may
    have vanished silently, so there is time left to reconnect)."""
    command = probe.command()
    started = utcnow()
    t0 = time.monotonic()
    try:
        chan = transport.open_session(timeout=max(0.05, min(open_timeout or deadline - t0, deadline - t0)))
    except (paramiko.SSHException, EOFError, OSError) as exc:
        raise ChannelRefused(str(exc or type(exc).__name__)) from None
    out: list[bytes] = []
    err: list[bytes] = []
    size = 0
    truncated = False

    def partial(status: int | None = None) -> ProbeRun:
        return ProbeRun(command, b"".join(out), b"".join(err), status, truncated, started, utcnow())

    try:
        chan.settimeout(max(0.05, deadline - time.monotonic()))
        chan.exec_command(command)
        data = probe.stdin()
        if data:
            chan.sendall(data)
        chan.shutdown_write()
        chan.settimeout(_POLL)
        stdout_open = True
        while True:
            if (cancel is not None and cancel.is_set()) or time.monotonic() >= deadline:
                raise ProbeTimeout(time.monotonic() - t0, partial())
            while chan.recv_stderr_ready():
                chunk = chan.recv_stderr(65536)
                size += len(chunk)
                err.append(chunk)
            if size > cap:
                truncated = True
                break
            if not stdout_open:
                if chan.exit_status_ready() or not transport.is_active():
                    break
                chan.status_event.wait(min(_POLL, max(0.0, deadline - time.monotonic())))
                continue
            try:
                chunk = chan.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                stdout_open = False
                continue
            size += len(chunk)
            out.append(chunk)
            if size > cap:
                truncated = True
                break
        if truncated:
            _cut(out, err, cap)
            return partial(None)
        while chan.recv_stderr_ready():  # anything that raced with the exit status
            err.append(chan.recv_stderr(65536))
        status = chan.exit_status if chan.exit_status_ready() else -1
        if status == -1:  # paramiko's value for "closed without an exit-status message"
            _wait_inactive(transport, min(deadline, time.monotonic() + 0.5))
            if not transport.is_active():
                raise ProbeDropped(msg("ssh.probe.dropped"), partial())
            raise ProbeDropped(msg("ssh.probe.nostatus"),
                               partial())
        return partial(status)
    except TimeoutError:
        raise ProbeTimeout(time.monotonic() - t0, partial()) from None
    except (paramiko.SSHException, EOFError, OSError) as exc:
        raise ProbeDropped(msg("ssh.probe.dropped.error", error=str(exc or type(exc).__name__)),
                           partial()) from None
    finally:
        chan.close()


def _wait_inactive(transport: paramiko.Transport, until: float) -> None:
    # the transport thread closes its channels just before it marks itself inactive
    while transport.is_active() and time.monotonic() < until:
        time.sleep(0.01)


def _cut(out: list[bytes], err: list[bytes], cap: int) -> None:
    """Keep at most `cap` bytes in total, stdout first."""
    stdout = b"".join(out)[:cap]
    stderr = b"".join(err)[: max(0, cap - len(stdout))]
    out[:] = [stdout]
    err[:] = [stderr]
