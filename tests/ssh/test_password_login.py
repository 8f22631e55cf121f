"""Password and keyboard-interactive login, for real (#7 §4).

The test setup creates a system user with a random password (root needed: as root here and in
CI; skipped with the reason otherwise). The inventory gives the password by reference (an
environment variable). One sshd host allows only passwords, one only keyboard-interactive (PAM).
A wrong password is `auth_failed` after exactly one attempt, never retried into a lockout.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import time
from collections.abc import Iterator

import pytest

from fleetcheck.core.inventory.model import Host, SecretRef
from fleetcheck.core.ssh.options import SshOptions
from fleetcheck.core.states import Reachability, State

from .fleet import Fleet, FleetKeys, HostSpec, start_fleet
from .helpers import scan, tiny_collector

PW_USER = "fleetcheck-pw"
ENV = "FLEETCHECK_TEST_PASSWORD"
LOG = ("LogLevel VERBOSE",)
SPECS = {
    "pw-only": HostSpec(sshd_options=("PasswordAuthentication yes", "PubkeyAuthentication no",
                                      "AuthenticationMethods password", "MaxAuthTries 6", *LOG)),
    "kbd-only": HostSpec(sshd_options=("UsePAM yes", "KbdInteractiveAuthentication yes",
                                       "PasswordAuthentication no", "PubkeyAuthentication no",
                                       "AuthenticationMethods keyboard-interactive", "MaxAuthTries 6", *LOG)),
}


@pytest.fixture(scope="module")
def password_user() -> str:
    if os.geteuid() != 0:
        pytest.skip("creating a system user with a password needs root (as root here and in CI)")
    password = secrets.token_urlsafe(18)
    r = subprocess.run(["useradd", "-M", "-d", "/nonexistent", "-s", "/bin/sh", PW_USER],
                       capture_output=True, text=True)
    if r.returncode not in (0, 9):  # 9: exists from an earlier run
        pytest.fail(f"useradd {PW_USER}: {r.stderr.strip()}")
    subprocess.run(["chpasswd"], input=f"{PW_USER}:{password}\n", text=True, check=True)
    return password


@pytest.fixture(scope="module")
def pw_fleet(fleet_keys: FleetKeys, password_user: str) -> Iterator[Fleet]:
    with start_fleet(SPECS, fleet_keys) as fleet:
        yield fleet


def _host(fleet: Fleet, name: str, with_key: bool) -> Host:
    h = fleet.hosts[name]
    known = fleet.write_known_hosts(fleet.root / f"{name}.known_hosts", [name])
    # with_key: an inventory whose defaults also name an identity file, tried (and refused) first
    return Host(name=name, kind="linux", address=h.address, port=h.port, user=PW_USER,
                password=SecretRef(env=ENV), known_hosts=str(known),
                identity_file=str(fleet.client_key) if with_key else None)


def _scan(fleet: Fleet, name: str, password: str, monkeypatch: pytest.MonkeyPatch, with_key: bool = True):
    monkeypatch.setenv(ENV, password)
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    collector = tiny_collector(SshOptions(use_ssh_config=False, allow_agent=False))
    return scan([_host(fleet, name, with_key)], collector, host_timeout=20)[name]


@pytest.mark.parametrize("name", ["pw-only", "kbd-only"])
@pytest.mark.parametrize("with_key", [False, True])
def test_the_right_password_logs_in(pw_fleet: Fleet, password_user: str, name: str, with_key: bool,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    result = _scan(pw_fleet, name, password_user, monkeypatch, with_key)
    assert result.reachability is Reachability.REACHABLE, result.checks[0].summary
    assert result.checks[0].state is State.OK
    auth = result.facts["ssh"]["auth"]
    assert auth == f"password (env:{ENV})", auth
    assert password_user not in repr(result.to_dict())  # never the secret itself


@pytest.mark.parametrize(("name", "failure"), [("pw-only", "Failed password for"),
                                               ("kbd-only", "PAM: Authentication failure for")])
def test_a_wrong_password_fails_once_and_is_auth_failed(pw_fleet: Fleet, password_user: str, name: str,
                                                        failure: str, monkeypatch: pytest.MonkeyPatch,
                                                        ) -> None:
    before = pw_fleet.hosts[name].log_text().count(failure)
    wrong = "not-" + password_user
    result = _scan(pw_fleet, name, wrong, monkeypatch)
    check = result.checks[0]
    assert result.reachability is Reachability.AUTH_FAILED, check.summary
    assert f"env:{ENV}" in check.summary and wrong not in repr(result.to_dict())
    end = time.monotonic() + 10  # sshd may write its log line after we got the answer: a guard only
    while pw_fleet.hosts[name].log_text().count(failure) == before and time.monotonic() < end:
        time.sleep(0.1)
    assert pw_fleet.hosts[name].log_text().count(failure) - before == 1  # one attempt, no lockout
