"""The kind registry is the one list of kinds: everything that depends on a kind agrees with it."""

from __future__ import annotations

import importlib

import pytest

from fleetcheck.core import kinds
from fleetcheck.core.collectors import registry
from fleetcheck.core.collectors.ssh import SshCollector
from fleetcheck.core.inventory.hosts import PRINT_KINDS, SSH_KINDS
from fleetcheck.core.inventory.model import HOST_KINDS
from fleetcheck.core.probes import probe_for_kind
from fleetcheck.tui.fleet import PRINTER_KINDS


def _resolve(target: str) -> object:
    module, attr = target.split(":")
    return getattr(importlib.import_module(module), attr)


@pytest.mark.parametrize("name", list(kinds.KINDS))
def test_each_kind_names_what_exists(name: str) -> None:
    k = kinds.KINDS[name]
    if k.collector is not None:
        cls = _resolve(k.collector)
        assert name in cls.kinds  # type: ignore[attr-defined]
    if k.over_ssh:
        assert k.probe is not None and probe_for_kind(name) is _resolve(k.probe)
    else:
        assert k.probe is None and probe_for_kind(name) is None


def test_every_user_of_kinds_reads_the_registry() -> None:
    assert tuple(kinds.KINDS) == HOST_KINDS
    assert SshCollector.kinds == SSH_KINDS == kinds.ssh_kinds() == {"linux", "windows", "macos",
                                                                     "printserver"}
    assert PRINTER_KINDS == PRINT_KINDS == kinds.printer_kinds() == {"printer", "printserver"}
    assert set(registry.COLLECTORS) == {k for k, v in kinds.KINDS.items() if v.collector}


def test_no_placeholder_collector() -> None:
    """A kind names a collector only when it exists; printers plug theirs in here when it lands."""
    for k in kinds.KINDS.values():
        if k.collector is not None:
            _resolve(k.collector)


@pytest.mark.parametrize(("kind", "override", "expected"), [
    ("linux", None, True), ("printserver", None, True), ("local", None, True),
    ("windows", None, False), ("macos", None, False), ("printer", None, False),
    ("windows", True, True), ("linux", False, False), ("no-such-kind", None, True),
])
def test_always_on_policy(kind: str, override: bool | None, expected: bool) -> None:
    assert kinds.always_on(kind, override) is expected
