"""The test fleet itself: real sshd per host, per-host PATH, hidden commands, keys."""

from __future__ import annotations

import base64
from pathlib import Path

import paramiko
import pytest

from .fleet import HostSpec


def _run(host, command: str, key=None) -> tuple[int, str]:
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    key_type, key_b64 = host.host_key_pub.split()
    client.get_host_keys().add(f"[{host.address}]:{host.port}", key_type,
                               paramiko.PKey.from_type_string(key_type, base64.b64decode(key_b64)))
    client.connect(host.address, host.port, username=host.user, key_filename=str(key or host.client_key),
                   allow_agent=False, look_for_keys=False, timeout=5)
    try:
        _, out, _ = client.exec_command(command, timeout=5)
        text = out.read().decode()
        return out.channel.recv_exit_status(), text
    finally:
        client.close()


def test_hosts_have_own_path_keys_and_state(sshd_fleet, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "journalctl").write_text("#!/bin/sh\necho fake journal\n")
    fleet = sshd_fleet({
        "a": HostSpec(bin_dir=bin_dir),
        "b": HostSpec(scripts={"hello": "#!/bin/sh\necho hello from $FLEET_HOST\n"}, hide=("systemctl",)),
    })
    a, b = fleet.hosts["a"], fleet.hosts["b"]
    assert a.address != b.address and a.host_key_pub != b.host_key_pub
    assert _run(a, "journalctl") == (0, "fake journal\n")
    assert _run(b, "hello") == (0, "hello from b\n")
    assert _run(b, "command -v systemctl || echo none")[1] == "none\n"
    assert _run(b, "command -v cat")[1].strip().endswith("/cat")
    assert _run(a, 'touch "$FLEET_STATE/marker"')[0] == 0
    assert (a.state_dir / "marker").exists()


def test_unauthorized_key_is_refused(sshd_fleet):
    fleet = sshd_fleet({"locked": HostSpec(authorize_client=False)})
    with pytest.raises(paramiko.AuthenticationException):
        _run(fleet.hosts["locked"], "true")


def test_stop_kills_listener_and_sessions(sshd_fleet):
    import contextlib
    import threading

    fleet = sshd_fleet({"s": HostSpec(scripts={"hang": "#!/bin/sh\nsleep 60\n"})})
    host = fleet.hosts["s"]
    def hang() -> None:
        with contextlib.suppress(Exception):  # the connection dies with the host
            _run(host, "hang")

    t = threading.Thread(target=hang, daemon=True)
    t.start()
    import time

    from .fleet import _descendants
    end = time.monotonic() + 5
    while len(_descendants(host.pid)) < 3 and time.monotonic() < end:
        time.sleep(0.05)
    kids = _descendants(host.pid)
    assert kids
    fleet.stop_host("s")
    time.sleep(0.1)
    for pid in [host.pid, *kids]:
        stat = Path(f"/proc/{pid}/stat")
        assert not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"
