"""Fixtures for the real OpenSSH test fleet (see fleet.py for the interface)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator, Mapping

import pytest

from .fleet import SSHD, Fleet, FleetKeys, HostSpec, start_fleet


@pytest.fixture(scope="session")
def fleet_keys(tmp_path_factory: pytest.TempPathFactory) -> FleetKeys:
    """Client keys (generated once per session) and the login user."""
    if not shutil.which(SSHD):
        pytest.fail("sshd not found: install openssh-server (dev/test.sh does)")
    return FleetKeys.create(tmp_path_factory.mktemp("fleet-keys"))


@pytest.fixture
def sshd_fleet(fleet_keys: FleetKeys) -> Iterator[Callable[[Mapping[str, HostSpec]], Fleet]]:
    """Factory: `sshd_fleet({"name": HostSpec(...)})` starts real sshd hosts, stopped at teardown."""
    stacks = []

    def start(specs: Mapping[str, HostSpec]) -> Fleet:
        cm = start_fleet(specs, fleet_keys)
        fleet = cm.__enter__()
        stacks.append(cm)
        return fleet

    yield start
    for cm in reversed(stacks):
        cm.__exit__(None, None, None)
