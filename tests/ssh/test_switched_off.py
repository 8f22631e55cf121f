"""No answer from a PC or printer that may be switched off is UNKNOWN, never OK, and not CRIT.

A real loopback port whose listen backlog is full drops every new SYN, so a
connect gets no answer at all, as from a machine that is switched off. The
hosts are loaded from an inventory (kind defaults and `always_on:` overrides)
and scanned by the real SSH collector through the real engine.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from fleetcheck.core.inventory import load_inventory
from fleetcheck.core.states import Reachability, State

from .fleet import free_port, next_address
from .helpers import scan, tiny_collector


@pytest.fixture
def no_answer_port() -> Iterator[tuple[str, int]]:
    """A loopback port that never completes a TCP handshake (accept queue full, SYNs dropped)."""
    address = next_address()
    server = socket.socket()
    server.bind((address, 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(3):
        c = socket.socket()
        c.setblocking(False)
        c.connect_ex((address, port))
        fillers.append(c)
    yield address, port
    for c in fillers:
        c.close()
    server.close()


def test_silence_follows_the_kind_and_the_inventory(no_answer_port: tuple[str, int], tmp_path: Path) -> None:
    address, port = no_answer_port
    refused = next_address()
    inv = tmp_path / "office.yaml"
    inv.write_text(f"""\
defaults:
  connect_timeout: 0.5
  port: {port}
hosts:
  - {{name: pc, kind: windows, address: {address}}}
  - {{name: mac, kind: macos, address: {address}}}
  - {{name: server, kind: linux, address: {address}}}
  - {{name: dc, kind: windows, address: {address}, always_on: true}}
  - {{name: lab-pc, kind: linux, address: {address}, always_on: false}}
  - {{name: pc-no-sshd, kind: windows, address: {refused}, port: {free_port(refused)}}}
""", encoding="utf-8")
    hosts = load_inventory([inv]).hosts
    r = scan(list(hosts), tiny_collector(), host_timeout=5.0)

    for name in ("pc", "mac", "lab-pc"):
        assert r[name].reachability is Reachability.SWITCHED_OFF, name
        assert r[name].state is State.UNKNOWN
        check = r[name].checks[0]
        assert check.summary.startswith("no answer: no TCP connection to"), check.summary
        assert "switched off or away?" in (check.reason or "")
        assert "always_on: true" in (check.fix or "")
        assert "timed out" in check.evidence[0].raw
    # always on: silence keeps today's reading (no TCP answer = timeout)
    for name in ("server", "dc"):
        assert r[name].reachability is Reachability.TIMEOUT, name
    # a refused connection is an answer: the PC is on and its SSH server is not
    assert r["pc-no-sshd"].reachability is Reachability.UNREACHABLE
    assert r["pc-no-sshd"].state is State.CRIT


def test_inventory_rejects_a_non_boolean_always_on(tmp_path: Path) -> None:
    from fleetcheck.core.errors import InventoryError

    inv = tmp_path / "bad.yaml"
    inv.write_text("hosts:\n  - {name: pc, kind: windows, always_on: sometimes}\n", encoding="utf-8")
    with pytest.raises(InventoryError, match=r"bad.yaml:2:.*hosts\[0\]\.always_on"):
        load_inventory([inv])
