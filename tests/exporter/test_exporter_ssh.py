"""`fleetcheck exporter` against a real sshd host: scrapes reuse the SSH connection (counted by sshd itself).

The host's sshd logs at INFO, one "Accepted publickey" line per login. Three probes
log in once with the default (connections kept between scrapes) and three times with
`--no-keep-connections`, which shows the count does see every new login.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from exporter_helpers import ExporterProcess
from test_exporter import samples, value
from tests.ssh.fleet import Fleet, FleetKeys, HostSpec, start_fleet

pytestmark = pytest.mark.timeout(60)

HOSTS = Path(__file__).resolve().parents[1] / "ssh" / "hosts"


@pytest.fixture
def srv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Fleet]:
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)  # only the fleet's key, never a developer's agent
    keys = FleetKeys.create(tmp_path / "keys")
    spec = HostSpec(bin_dir=HOSTS / "healthy" / "bin", sshd_options=("LogLevel INFO",))
    with start_fleet({"srv": spec}, keys) as fleet:  # in the system temp folder: the login user reads it
        yield fleet


@pytest.mark.parametrize(("more", "logins"), [((), 1), (("--no-keep-connections",), 3)])
def test_scrapes_reuse_the_ssh_connection(srv: Fleet, tmp_path: Path, more: tuple[str, ...],
                                          logins: int) -> None:
    inventory = srv.write_inventory(tmp_path / "office.yaml")
    empty = tmp_path / "ssh_config"
    empty.touch()
    exp = ExporterProcess([str(inventory), "--ssh-config", str(empty), *more], tmp_path / "home",
                          tmp_path / "gates", collector=None)
    try:
        for _ in range(3):
            status, _, body = exp.get("/probe?host=srv", {"X-Prometheus-Scrape-Timeout-Seconds": "30"})
            assert status == 200, body
            assert value(samples(body), "fleetcheck_host_up", host="srv") == 1, body
        assert exp.signal() == 0
    finally:
        exp.stop()
    assert srv.hosts["srv"].log_text().count("Accepted publickey") == logins
