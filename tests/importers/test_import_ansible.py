"""`fleetcheck inventory import ansible`: Ansible's documented INI and YAML shapes to a checked inventory."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from fleetcheck.cli.main import main
from fleetcheck.core.inventory import load_inventory

DATA = Path(__file__).parent / "data"


def _import(tmp_path: Path, source: str, *extra: str) -> tuple[Path, dict[str, dict[str, object]], str]:
    shutil.copy(DATA / source, tmp_path / source)
    out = tmp_path / "imported.yaml"
    cwd = os.getcwd()
    os.chdir(tmp_path)  # the comments then name the file as given, `hosts.ini:12`
    try:
        assert main(["inventory", "import", "ansible", source, "-o", str(out), *extra]) == 0
    finally:
        os.chdir(cwd)
    text = out.read_text(encoding="utf-8")
    hosts = {h["name"]: h for h in yaml.safe_load(text)["hosts"]}
    assert main(["inventory", "check", str(out), "--ssh-config", str(DATA / "empty_ssh_config")]) == 0
    return out, hosts, text


def test_ini_groups_children_ranges_and_host_vars(tmp_path: Path) -> None:
    _out, hosts, text = _import(tmp_path, "hosts.ini")
    assert [n for n in hosts if n.startswith(("www", "db-"))] == [
        "www01.example.com", "www02.example.com", "www03.example.com",
        "db-a.example.com", "db-b.example.com", "db-c.example.com"]
    assert hosts["mail.example.com"] == {"name": "mail.example.com", "kind": "linux"}
    assert hosts["foo.example.com"]["tags"] == ["webservers"]
    # children: atlanta and raleigh are in southeast, southeast in usa; group vars by depth, host wins
    assert hosts["host1"]["tags"] == ["usa", "southeast", "atlanta"]
    assert hosts["host1"]["user"] == "admin"  # [southeast:vars]
    assert hosts["host2"]["user"] == "deploy" and hosts["host2"]["port"] == 2222  # host2:2222 on its line
    assert sorted(hosts["host2"]["tags"]) == ["atlanta", "raleigh", "southeast", "usa"]
    assert hosts["jumper"]["address"] == "192.0.2.50" and hosts["jumper"]["port"] == 5555
    assert hosts["host3"]["identity_file"] == "~/.ssh/raleigh_ed25519"
    assert "user: \"admin\"  # ansible_user, hosts.ini:34" in text  # where each value came from
    assert "# from hosts.ini:16" in text
    # variables without fleetcheck meaning: named once per group, on the host for host vars
    assert "group variable ntp_server (hosts.ini:21): no fleetcheck meaning" in text
    assert "not carried over: http_port (hosts.ini:16)" in text
    assert "ntp.atlanta" not in text and "proxy.atlanta" not in text  # values are never copied


def test_ini_windows_local_and_unreachable_connections(tmp_path: Path) -> None:
    _out, hosts, text = _import(tmp_path, "hosts.ini")
    win = hosts["winsrv01"]
    assert win["kind"] == "windows" and win["address"] == "192.0.2.60"
    assert "port" not in win  # 5986 is WinRM's
    assert "needs the OpenSSH server" in text
    assert "NotForFleetcheck" not in text
    assert "ansible_password (hosts.ini:40): a secret: never imported" in text
    assert hosts["control"]["kind"] == "local"
    assert "web-container" not in hosts
    assert "host 'web-container': ansible_connection='community.docker.docker'" in text


def test_ini_unsafe_names_and_values_are_rejected_with_their_line(tmp_path: Path) -> None:
    _out, hosts, text = _import(tmp_path, "hosts.ini")
    assert not any("$" in n or n.startswith("-") for n in hosts)
    assert "hosts.ini:49: host 'x$(touch${IFS}/tmp/pwned)': rejected, not a safe host name" in text
    assert "hosts.ini:50: host '-oProxyCommand=evil': rejected" in text
    assert "spoof" not in hosts and "hosts.ini:51: host 'spoof': rejected" in text
    assert "templated" not in hosts and "a Jinja expression, not evaluated" in text
    loaded = load_inventory([str(_out)], ssh_config=str(DATA / "empty_ssh_config"))
    assert len(loaded.hosts) == len(hosts) == 18


def test_group_as_site(tmp_path: Path) -> None:
    _out, hosts, text = _import(tmp_path, "hosts.ini", "--group-as", "site")
    assert hosts["foo.example.com"]["site"] == "webservers" and "tags" not in hosts["foo.example.com"]
    assert hosts["host1"]["site"] == "atlanta" and hosts["host1"]["tags"] == ["usa", "southeast"]
    assert "site" not in hosts["mail.example.com"]
    assert "webservers" in yaml.safe_load(text)["sites"]


def test_yaml_inventory(tmp_path: Path) -> None:
    _out, hosts, text = _import(tmp_path, "hosts.yml")
    assert len(hosts) == 12
    assert hosts["mail.example.com"]["user"] == "ops"  # all: vars
    assert hosts["bar.example.com"]["port"] == 2222
    assert hosts["one.example.com"]["port"] == 2200  # dbservers: vars
    assert hosts["two.example.com"]["address"] == "192.0.2.20"
    assert hosts["two.example.com"]["identity_file"] == "~/.ssh/db_ed25519"
    assert hosts["db-b.example.com"]["tags"] == ["west", "prod"] or \
        sorted(hosts["db-b.example.com"]["tags"]) == ["prod", "west"]
    assert sorted(hosts["two.example.com"]["tags"]) == ["dbservers", "east", "prod"]
    assert hosts["win01"]["kind"] == "windows" and "port" not in hosts["win01"]
    assert "db_password (hosts.yml:23): a secret: never imported" in text
    assert "$ANSIBLE_VAULT" not in text and "6234" not in text


def test_existing_file_is_kept_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "inv.yaml"
    out.write_text("precious\n", encoding="utf-8")
    args = ["inventory", "import", "ansible", str(DATA / "hosts.ini"), "-o", str(out)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "exists; add --force" in err
    assert out.read_text(encoding="utf-8") == "precious\n"
    assert main([*args, "--force"]) == 0
    assert out.read_text(encoding="utf-8").startswith("# fleetcheck inventory imported")
    assert [p.name for p in tmp_path.iterdir()] == ["inv.yaml"]  # no temporary file left behind


@pytest.mark.parametrize(("content", "expected"), [
    ("[web\nfoo\n", "bad.ini:1: section header '[web' has no closing ']'"),
    ("[web:vars]\nnot a pair\n", "bad.ini:2: [web:vars]: expected key=value"),
    ("[web]\nfoo bar\n", "bad.ini:2: host variable 'bar': expected key=value"),
    ("[web]\npc[01:2]\n", "bad.ini:2: host range [01:2] needs begin and end of equal width"),
    ("[web]\npc[20:10]\n", "bad.ini:2: host range [20:10] runs backwards"),
    ("[web]\npc[c:a]\n", "bad.ini:2: host range [c:a] runs backwards"),
])
def test_bad_ini_is_one_line_with_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                content: str, expected: str) -> None:
    (tmp_path / "bad.ini").write_text(content, encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert main(["inventory", "import", "ansible", "bad.ini"]) == 2
    finally:
        os.chdir(cwd)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"fleetcheck: {expected}") and captured.err.count("\n") == 1
