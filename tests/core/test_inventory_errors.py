"""Every inventory error path: one line, `file:line:column: field.path: ...`, exact position."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fleetcheck.core.errors import InventoryError
from fleetcheck.core.inventory import load_inventory
from fleetcheck.core.thresholds import DEFAULTS

EMPTY = ("acme.yaml:1:1: file is empty; an inventory is a mapping with at least 'hosts:' "
         "(see docs/inventory.md)")
HOST = "hosts:\n  - name: a\n    address: 192.0.2.1\n    kind: linux\n"


def error_of(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, name: str = "acme.yaml") -> str:
    """The message of loading `text` from a file named `name` (relative, as a user types it)."""
    monkeypatch.chdir(tmp_path)
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(InventoryError) as info:
        load_inventory([name])
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_issue_example_port_message_is_exact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = """\
        customer: ACME
        hosts:
        - name: a
          kind: linux
          address: 192.0.2.1
        - name: b
          kind: linux
          address: 192.0.2.2
        - name: c
          kind: linux
          address: 192.0.2.3
        - name: d
          kind: linux
          port: twenty-two
        """
    assert error_of(tmp_path, monkeypatch, text, "inventories/acme.yaml") == (
        "inventories/acme.yaml:14:9: hosts[3].port: must be an integer 1-65535, got 'twenty-two'"
    )


# (yaml, exact message) — positions counted by hand from the text
CASES = {
    "yaml syntax": (
        "hosts:\n  - name: a\n    kind: linux\n   port: 22\n",
        "acme.yaml:4:4: YAML syntax error: expected <block end>, but found '<block mapping start>' "
        "(while parsing a block collection starting at line 2) (check the indentation)",
    ),
    "unquoted trailing colon range": (
        HOST + "    thresholds:\n      printer.supply_pct: {warn: 20:}\n",
        "acme.yaml:6:36: YAML syntax error: expected ',' or '}', but got ':' (while parsing a flow "
        "mapping starting at line 6) (Nagios ranges such as \"20:\" or \"@10:20\" must be quoted in YAML)",
    ),
    "top level not a mapping": (
        "- name: a\n",
        "acme.yaml:1:1: must be a mapping with customer, sites, defaults, thresholds, tags, report and "
        "hosts at the top level, got a list",
    ),
    "report unknown key": (
        "report:\n  compnay: X\n" + HOST,
        "acme.yaml:2:3: report.compnay: unknown key (did you mean 'company'?); allowed here: company, "
        "technician, contact, language",
    ),
    "report language unknown": (
        "report:\n  language: fr\n" + HOST,
        "acme.yaml:2:13: report.language: unknown language 'fr'; expected one of de, en",
    ),
    "report not a mapping": (
        "report: IT-Service Weber\n" + HOST,
        "acme.yaml:1:9: report: must be a mapping with company, technician, contact and/or language, "
        "got 'IT-Service Weber'",
    ),
    "customer wrong type": (
        "customer: [a, b]\n" + HOST,
        "acme.yaml:1:11: customer: must be a customer name, got a list",
    ),
    "hosts not a list": (
        "hosts:\n  name: a\n",
        "acme.yaml:2:3: hosts: must be a list of hosts, got a mapping",
    ),
    "host not a mapping": (
        "hosts:\n  - empfang-pc\n",
        "acme.yaml:2:5: hosts[0]: must be a host (a mapping with at least name and kind), got 'empfang-pc'",
    ),
    "missing name": (
        "hosts:\n  - address: 192.0.2.1\n    kind: linux\n",
        "acme.yaml:2:5: hosts[0]: missing required key 'name'",
    ),
    "missing kind": (
        "hosts:\n  - name: a\n    address: 192.0.2.1\n",
        "acme.yaml:2:5: hosts[0]: missing required key 'kind' (local, linux, windows, macos, printer, "
        "printserver)",
    ),
    "bad kind with did-you-mean": (
        "hosts:\n  - name: a\n    kind: windwos\n",
        "acme.yaml:3:11: hosts[0].kind: unknown kind 'windwos' (did you mean 'windows'?); expected one "
        "of local, linux, windows, macos, printer, printserver",
    ),
    "port out of range": (
        HOST + "    port: 70000\n",
        "acme.yaml:5:11: hosts[0].port: must be an integer 1-65535, got 70000",
    ),
    "port quoted": (
        HOST + "    port: '22'\n",
        "acme.yaml:5:11: hosts[0].port: must be an integer 1-65535, got '22'",
    ),
    "port in defaults": (
        "defaults:\n  port: 0\n" + HOST,
        "acme.yaml:2:9: defaults.port: must be an integer 1-65535, got 0",
    ),
    "name with spaces": (
        "hosts:\n  - name: empfang pc\n    kind: linux\n",
        "acme.yaml:2:11: hosts[0].name: must be a host name without spaces, got 'empfang pc'",
    ),
    "timeout not positive": (
        HOST + "    timeout: -5\n",
        "acme.yaml:5:14: hosts[0].timeout: must be a number of seconds greater than 0, got -5",
    ),
    "timeout text": (
        HOST + "    connect_timeout: soon\n",
        "acme.yaml:5:22: hosts[0].connect_timeout: must be a number of seconds greater than 0, got 'soon'",
    ),
    "range start greater than end": (
        HOST + "    thresholds:\n      fs.used_pct: {warn: 10:5}\n",
        "acme.yaml:6:27: hosts[0].thresholds[fs.used_pct].warn: start is greater than end in range "
        "'10:5'; expected a Nagios range like 80, \"20:\", \"~:5\" or \"@10:20\"",
    ),
    "range not a number": (
        "thresholds:\n  mem.used_pct:\n    crit: lots\n" + HOST,
        "acme.yaml:3:11: thresholds[mem.used_pct].crit: not a number 'lots' in range 'lots'; expected a "
        "Nagios range like 80, \"20:\", \"~:5\" or \"@10:20\"",
    ),
    "range boolean": (
        "defaults:\n  thresholds:\n    mem.used_pct: {warn: yes}\n" + HOST,
        "acme.yaml:3:26: defaults.thresholds[mem.used_pct].warn: must be a Nagios range like 80, \"20:\", "
        "\"~:5\" or \"@10:20\", got yes",
    ),
    "threshold without levels": (
        HOST + "    thresholds:\n      mem.used_pct: {}\n",
        "acme.yaml:6:21: hosts[0].thresholds[mem.used_pct]: give warn, crit or both",
    ),
    "threshold level key unknown": (
        HOST + "    thresholds:\n      mem.used_pct: {warning: 80}\n",
        "acme.yaml:6:22: hosts[0].thresholds[mem.used_pct].warning: unknown key (did you mean 'warn'?); "
        "allowed here: warn, crit",
    ),
    "unknown threshold name": (
        "tags:\n  server:\n    thresholds:\n      fs.usedpct: {warn: 70}\n" + HOST,
        "acme.yaml:4:7: tags[server].thresholds[fs.usedpct]: unknown threshold 'fs.usedpct' (did you "
        f"mean 'fs.used_pct'?); known thresholds: {', '.join(sorted(DEFAULTS))}",
    ),
    "empty threshold item": (
        HOST + "    thresholds:\n      'fs.used_pct:': {warn: 70}\n",
        "acme.yaml:6:7: hosts[0].thresholds[fs.used_pct:]: empty item after ':' in 'fs.used_pct:' "
        "(write fs.used_pct:ITEM, e.g. fs.used_pct:/var)",
    ),
    "unknown top-level key": (
        "costumer: ACME\n" + HOST,
        "acme.yaml:1:1: costumer: unknown key (did you mean 'customer'?); allowed here: customer, sites, "
        "defaults, thresholds, tags, hosts, report",
    ),
    "unknown host key": (
        "hosts:\n  - name: a\n    adress: 192.0.2.1\n    kind: linux\n",
        "acme.yaml:3:5: hosts[0].adress: unknown key (did you mean 'address'?); allowed here: name, "
        "address, kind, os, user, port, identity_file, known_hosts, jump_host, timeout, connect_timeout, "
        "password, snmp, ipp, always_on, site, tags, notes, thresholds, skip",
    ),
    "unknown defaults key": (
        "defaults:\n  identity: ~/.ssh/id\n" + HOST,
        "acme.yaml:2:3: defaults.identity: unknown key (did you mean 'identity_file'?); allowed here: "
        "user, port, identity_file, known_hosts, jump_host, timeout, connect_timeout, password, snmp, ipp, "
        "always_on, thresholds, skip",
    ),
    "unknown snmp key": (
        HOST + "    snmp: {comunity: public}\n",
        "acme.yaml:5:12: hosts[0].snmp.comunity: unknown key (did you mean 'community'?); allowed here: "
        "community, port, version, timeout, retries, user, auth_protocol, auth_password, priv_protocol, "
        "priv_password, context",
    ),
    "unknown ipp key": (
        HOST + "    ipp: {pth: /ipp/print}\n",
        "acme.yaml:5:11: hosts[0].ipp.pth: unknown key (did you mean 'path'?); allowed here: port, path, tls",
    ),
    "unknown site key": (
        "sites:\n  - name: hq\n    descr: Head office\n" + HOST,
        "acme.yaml:3:5: sites[0].descr: unknown key (did you mean 'description'?); allowed here: name, "
        "description",
    ),
    "unknown tag key": (
        "tags:\n  server:\n    threshold: {}\n" + HOST,
        "acme.yaml:3:5: tags[server].threshold: unknown key (did you mean 'thresholds'?); allowed here: "
        "description, thresholds, skip",
    ),
    "duplicate key in a host": (
        HOST + "    port: 22\n    port: 2222\n",
        "acme.yaml:6:5: hosts[0].port: duplicate key (first given at line 5)",
    ),
    "duplicate top-level key": (
        HOST + "customer: A\ncustomer: B\n",
        "acme.yaml:6:1: customer: duplicate key (first given at line 5)",
    ),
    "duplicate threshold key": (
        "thresholds:\n  mem.used_pct: {warn: 70}\n  mem.used_pct: {warn: 75}\n" + HOST,
        "acme.yaml:3:3: thresholds[mem.used_pct]: duplicate key (first given at line 2)",
    ),
    "duplicate host name in one file": (
        HOST + "  - name: a\n    kind: windows\n",
        "acme.yaml:5:11: hosts[1].name: duplicate host name 'a' (first defined at acme.yaml:2:11)",
    ),
    "inline password": (
        HOST + "    password: hunter2\n",
        "acme.yaml:5:15: hosts[0].password: passwords are accepted only by reference, not inline: write "
        "`password: {env: VARIABLE}` (an environment variable) or `password: {keyring: ENTRY}` (a keyring "
        "entry)",
    ),
    "inline password in defaults": (
        "defaults:\n  password: '12345'\n" + HOST,
        "acme.yaml:2:13: defaults.password: passwords are accepted only by reference, not inline: write "
        "`password: {env: VARIABLE}` (an environment variable) or `password: {keyring: ENTRY}` (a keyring "
        "entry)",
    ),
    "password reference unknown kind": (
        HOST + "    password: {vault: x}\n",
        "acme.yaml:5:16: hosts[0].password.vault: unknown key; allowed here: env, keyring",
    ),
    "password with both references": (
        HOST + "    password: {env: PW, keyring: pw}\n",
        "acme.yaml:5:15: hosts[0].password: give exactly one of env or keyring",
    ),
    "password env not a variable name": (
        HOST + "    password: {env: 'hunter2!'}\n",
        "acme.yaml:5:21: hosts[0].password.env: must be an environment variable name (letters, digits, '_')",
    ),
    "undeclared site": (
        "sites:\n  - name: hauptbuero\n" + HOST + "    site: hauptbüro\n",
        "acme.yaml:7:11: hosts[0].site: unknown site 'hauptbüro' (did you mean 'hauptbuero'?); declared "
        "sites: hauptbuero",
    ),
    "site without name": (
        "sites:\n  - description: x\n" + HOST,
        "acme.yaml:2:5: sites[0]: missing required key 'name'",
    ),
    "tags not a list of names": (
        HOST + "    tags: [a, {b: c}]\n",
        "acme.yaml:5:15: hosts[0].tags[1]: must be a tag name, got a mapping",
    ),
    "snmp version 3 without user": (
        HOST + "    snmp: {version: 3}\n",
        "acme.yaml:5:11: hosts[0].snmp: SNMPv3 needs `user`",
    ),
    "snmp v3 auth without password": (
        HOST + "    snmp: {version: 3, user: tech, auth_protocol: sha}\n",
        "acme.yaml:5:11: hosts[0].snmp: auth_protocol sha needs `auth_password: {env: VARIABLE}`",
    ),
    "snmp v3 inline password refused": (
        HOST + "    snmp: {version: 3, user: tech, auth_protocol: sha, auth_password: geheim}\n",
        "acme.yaml:5:71: hosts[0].snmp.auth_password: passwords are accepted only by reference, not inline: "
        "write `password: {env: VARIABLE}` (an environment variable) or `password: {keyring: ENTRY}` "
        "(a keyring entry)",
    ),
    "snmp retries range": (
        HOST + "    snmp: {retries: 99}\n",
        "acme.yaml:5:21: hosts[0].snmp.retries: must be an integer 0-10, got 99",
    ),
    "ipp tls not boolean": (
        HOST + "    ipp: {tls: maybe}\n",
        "acme.yaml:5:16: hosts[0].ipp.tls: must be true or false, got 'maybe'",
    ),
    "ipp path without slash": (
        HOST + "    ipp: {path: ipp/print}\n",
        "acme.yaml:5:17: hosts[0].ipp.path: must start with '/', like /ipp/print, got 'ipp/print'",
    ),
    "non-string key": (
        HOST + "    [a]: 1\n",
        "acme.yaml:5:5: hosts[0]: keys must be plain names, got a list",
    ),
    "merge of a non-mapping": (
        HOST + "    <<: 5\n",
        "acme.yaml:5:9: hosts[0]: '<<' must merge a mapping (an anchor like *defaults)",
    ),
    "merge into itself": (
        "hosts:\n  - &a {name: x, kind: linux, <<: *a}\n",
        "acme.yaml:2:31: hosts[0]: '<<' merges a mapping into itself",
    ),
    "tab indentation": (
        "hosts:\n\t- name: a\n",
        "acme.yaml:2:1: YAML syntax error: found character '\\t' that cannot start any token "
        "(indent YAML with spaces, not tabs)",
    ),
    "empty file": (
        "",
        EMPTY,
    ),
    "comments only": (
        "# nothing here yet\n",
        EMPTY,
    ),
    "no hosts": (
        "customer: ACME\nhosts: []\n",
        "acme.yaml: no hosts defined (add a 'hosts:' list, see docs/inventory.md)",
    ),
}


@pytest.mark.parametrize("text,expected", CASES.values(), ids=CASES.keys())
def test_error_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, expected: str) -> None:
    assert error_of(tmp_path, monkeypatch, text) == expected


def test_inline_password_is_not_echoed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    message = error_of(tmp_path, monkeypatch, HOST + "    password: S3cr3t-Pa55\n")
    assert "S3cr3t-Pa55" not in message


def test_bad_snmp_community_is_not_echoed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    message = error_of(tmp_path, monkeypatch, HOST + "    snmp: {community: [s3cret]}\n")
    assert message == "acme.yaml:5:23: hosts[0].snmp.community: must be a community name (text)"


def test_missing_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InventoryError, match=r"^inventories/nope\.yaml: no such file or folder$"):
        load_inventory(["inventories/nope.yaml"])


def test_folder_without_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "notes.txt").write_text("not an inventory\n")
    with pytest.raises(InventoryError) as info:
        load_inventory(["acme"])
    assert str(info.value) == "acme: folder has no inventory files (*.yaml or *.yml)"


def test_no_paths_given() -> None:
    with pytest.raises(InventoryError, match=r"^no inventory file given$"):
        load_inventory([])


def test_not_utf8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "acme.yaml").write_bytes(b"customer: M\xfcller\n" + HOST.encode())
    with pytest.raises(InventoryError, match=r"^acme\.yaml: not UTF-8 text \(bad byte at offset 11\)$"):
        load_inventory(["acme.yaml"])


def test_duplicate_host_across_files_names_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "a.yaml").write_text(HOST)
    (tmp_path / "acme" / "b.yml").write_text("# second site\n" + HOST)
    with pytest.raises(InventoryError) as info:
        load_inventory(["acme"])
    assert str(info.value) == (
        "acme/b.yml:3:11: hosts[0].name: duplicate host name 'a' (first defined at acme/a.yaml:2:11)"
    )


def test_duplicate_site_across_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "one.yaml").write_text("sites:\n  - name: hq\n" + HOST)
    (tmp_path / "two.yaml").write_text("sites:\n  - hq\n")
    with pytest.raises(InventoryError) as info:
        load_inventory(["one.yaml", "two.yaml"])
    assert str(info.value) == "two.yaml:2:5: sites: duplicate site 'hq' (first declared at one.yaml:2:11)"


def test_tag_declared_twice_across_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "one.yaml").write_text("tags:\n  server:\n" + HOST)
    (tmp_path / "two.yaml").write_text("tags:\n  server: {description: x}\n")
    with pytest.raises(InventoryError) as info:
        load_inventory(["one.yaml", "two.yaml"])
    assert str(info.value) == (
        "two.yaml:2:3: tags[server]: tag declared twice (first declared at one.yaml:2:3)"
    )


def test_report_section_given_twice_across_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "one.yaml").write_text("report:\n  company: A\n" + HOST)
    (tmp_path / "two.yaml").write_text("report: {technician: B}\n")
    with pytest.raises(InventoryError) as info:
        load_inventory(["one.yaml", "two.yaml"])
    assert str(info.value) == "two.yaml:1:9: report: given twice (first given at one.yaml:2:3)"


def test_report_section_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "one.yaml").write_text("report:\n  company: IT-Service Weber GmbH\n  technician: Jana Weber\n"
                                       "  language: de\n" + HOST)
    report = load_inventory(["one.yaml"]).report
    assert (report.company, report.technician, report.contact, report.language) == (
        "IT-Service Weber GmbH", "Jana Weber", None, "de")
    (tmp_path / "two.yaml").write_text(HOST)
    assert load_inventory(["two.yaml"]).report.company is None


def test_ssh_config_bad_port_points_at_host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "ssh_config"
    config.write_text("Host nas\n  Port twenty\n")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "acme.yaml").write_text("hosts:\n  - name: nas\n    kind: linux\n")
    with pytest.raises(InventoryError) as info:
        load_inventory(["acme.yaml"], ssh_config=config)
    assert str(info.value) == (
        f"acme.yaml:2:11: hosts[0].name: ssh config {config} gives Port 'twenty' for 'nas', "
        "not an integer 1-65535"
    )


def test_given_ssh_config_must_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "acme.yaml").write_text(HOST)
    with pytest.raises(InventoryError) as info:
        load_inventory(["acme.yaml"], ssh_config="missing_config")
    assert str(info.value) == "ssh config missing_config: no such file"


def test_os_is_only_for_print_servers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    linux = "hosts:\n  - name: web1\n    kind: linux\n    address: 192.0.2.1\n    os: windows\n"
    assert error_of(tmp_path, monkeypatch, linux) == \
        "acme.yaml:5:9: hosts[0].os: only a printserver takes 'os' (kind linux says its system itself)"
    typo = "hosts:\n  - name: ps1\n    kind: printserver\n    address: 192.0.2.1\n    os: windwos\n"
    assert error_of(tmp_path, monkeypatch, typo) == (
        "acme.yaml:5:9: hosts[0].os: unknown os 'windwos' (did you mean 'windows'?); "
        "expected one of linux, macos, windows")
    (tmp_path / "ok.yaml").write_text(typo.replace("windwos", "windows"), encoding="utf-8")
    host = load_inventory(["ok.yaml"]).hosts[0]
    assert (host.kind, host.os) == ("printserver", "windows")
