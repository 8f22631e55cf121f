"""Loading valid inventories: the issue's minimal example, merging, precedence, ssh-config aliases."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fleetcheck.core.inventory import SecretRef, default_inventory_paths, load_inventory
from fleetcheck.core.inventory.defaults import PACKAGED_DEFAULT
from fleetcheck.core.ranges import Range
from fleetcheck.core.thresholds import DEFAULTS

REPO = Path(__file__).resolve().parents[2]

MINIMAL = """\
customer: Müller Steuerberatung GmbH
defaults:
  user: admin
  identity_file: ~/.ssh/id_ed25519
  known_hosts: ~/.ssh/known_hosts
hosts:
  - name: empfang-pc
    address: 192.0.2.10
    kind: windows          # local | linux | windows | macos | printer
    port: 22
    tags: [empfang]
  - name: drucker-og
    address: 192.0.2.50
    kind: printer
    snmp: {community: public, port: 161}
    ipp: {port: 631, path: /ipp/print}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_minimal_example_from_the_issue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "mueller.yaml", MINIMAL)
    inv = load_inventory(["mueller.yaml"])
    assert inv.customer == "Müller Steuerberatung GmbH"
    assert inv.files == ("mueller.yaml",)
    pc, printer = inv.hosts
    home = str(tmp_path / "home")
    assert (pc.name, pc.kind, pc.address, pc.port, pc.user, pc.tags) == (
        "empfang-pc", "windows", "192.0.2.10", 22, "admin", ("empfang",))
    assert pc.identity_file == f"{home}/.ssh/id_ed25519"
    assert pc.known_hosts == f"{home}/.ssh/known_hosts"
    assert pc.source == "mueller.yaml:7"
    assert pc.snmp is None and pc.ipp is None and not pc.address_from_ssh_config
    assert (printer.kind, printer.address, printer.source) == ("printer", "192.0.2.50", "mueller.yaml:12")
    assert printer.snmp is not None and printer.ipp is not None
    assert (printer.snmp.community, printer.snmp.port, printer.snmp.version) == ("public", 161, "2c")
    assert (printer.ipp.port, printer.ipp.path, printer.ipp.tls) == (631, "/ipp/print", False)
    assert "public" not in repr(printer)  # the community is a secret


def test_all_host_keys(tmp_path: Path) -> None:
    path = write(tmp_path / "full.yaml", """\
        sites:
          - name: hq
            description: Head office
          - lager
        defaults:
          port: 2200
          timeout: 45
          password: {keyring: acme-admin}
          snmp: {community: intern, version: 1, retries: 3}
        hosts:
          - name: srv
            address: srv.example.net
            kind: linux
            user: root
            port: 22
            identity_file: /keys/srv
            known_hosts: /keys/known
            jump_host: gw.example.net
            site: hq
            tags: solo
            notes: |
              Rack 2.
              Ask Anna.
            timeout: 90
            connect_timeout: 2.5
            password: {env: SRV_PW}
          - name: printer
            address: 192.0.2.60
            kind: printer
            site: lager
            snmp: {timeout: 4}
            ipp: {tls: yes, port: 443}
          - name: me
            kind: local
        """)
    srv, printer, me = load_inventory([path]).hosts
    assert (srv.user, srv.port, srv.identity_file, srv.known_hosts, srv.jump_host) == (
        "root", 22, "/keys/srv", "/keys/known", "gw.example.net")
    assert (srv.site, srv.tags, srv.notes) == ("hq", ("solo",), "Rack 2.\nAsk Anna.")
    assert (srv.timeout, srv.connect_timeout, srv.password) == (90.0, 2.5, SecretRef(env="SRV_PW"))
    assert srv.snmp is None  # defaults.snmp applies only to hosts that use SNMP
    assert (printer.port, printer.timeout, printer.password) == (2200, 45.0, SecretRef(keyring="acme-admin"))
    assert printer.snmp is not None and printer.ipp is not None
    assert (printer.snmp.community, printer.snmp.version, printer.snmp.retries, printer.snmp.timeout) == (
        "intern", "1", 3, 4.0)
    assert (printer.ipp.tls, printer.ipp.port, printer.ipp.path) == (True, 443, "/ipp/print")
    assert (me.address, me.kind) == ("localhost", "local")


def test_yaml_anchors_and_merge_keys(tmp_path: Path) -> None:
    path = write(tmp_path / "anchors.yaml", """\
        hosts:
          - &pc {name: pc1, address: 192.0.2.1, kind: windows, user: office}
          - <<: *pc
            name: pc2
            address: 192.0.2.2
        """)
    pc1, pc2 = load_inventory([path]).hosts
    assert (pc2.name, pc2.address, pc2.kind, pc2.user) == ("pc2", "192.0.2.2", "windows", "office")
    assert pc1.address == "192.0.2.1"


def test_folder_and_files_merge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "acme" / "10-servers.yaml", """\
        defaults: {user: srvadmin}
        hosts:
          - {name: srv, address: 192.0.2.1, kind: linux, tags: [server]}
        """)
    write(tmp_path / "acme" / "00-common.yml", """\
        customer: ACME GmbH
        sites: [hq]
        tags:
          server: {thresholds: {mem.used_pct: {warn: 60}}}
        hosts:
          - {name: gw, address: 192.0.2.254, kind: linux, site: hq}
        """)
    write(tmp_path / "acme" / ".editor-swap.yaml", "not: [valid")
    write(tmp_path / "acme" / "README.txt", "ignored")
    write(tmp_path / "extra.yaml", """\
        customer: Other
        hosts:
          - {name: pc, address: 192.0.2.9, kind: macos}
        """)
    inv = load_inventory(["acme", "extra.yaml", "acme/00-common.yml"])
    assert inv.files == ("acme/00-common.yml", "acme/10-servers.yaml", "extra.yaml")
    assert inv.customer == "ACME GmbH"  # the first file that names one
    assert [h.name for h in inv.hosts] == ["gw", "srv", "pc"]
    gw, srv, pc = inv.hosts
    assert (gw.user, srv.user, pc.user) == (None, "srvadmin", None)  # defaults stay in their file
    assert srv.thresholds.levels("mem.used_pct").source == "tag:server"  # tags are shared
    assert [s.name for s in inv.sites] == ["hq"]


def test_customer_from_a_later_file(tmp_path: Path) -> None:
    a = write(tmp_path / "a.yaml", "hosts:\n  - {name: a, address: 192.0.2.1, kind: linux}\n")
    b = write(tmp_path / "b.yaml", "customer: Bäckerei Korn\n")
    assert load_inventory([a, b]).customer == "Bäckerei Korn"


PRECEDENCE = """\
thresholds:
  fs.used_pct: {warn: 70, crit: 95}
  mem.used_pct: {warn: 50}
defaults:
  thresholds:
    fs.used_pct: {warn: 71}
tags:
  db:
    thresholds:
      fs.used_pct: {warn: 72}
      swap.used_pct: {crit: 99}
  backup:
    thresholds:
      fs.used_pct: {warn: 73}
      "fs.used_pct:/var": {warn: 60}
hosts:
  - name: h
    address: 192.0.2.1
    kind: linux
    tags: [db, backup]
    thresholds:
      fs.used_pct: {crit: "@96:97"}
      cpu.load15_per_core: {warn: 10:20}
  - name: plain
    address: 192.0.2.2
    kind: linux
"""


def test_threshold_precedence(tmp_path: Path) -> None:
    h, plain = load_inventory([write(tmp_path / "p.yaml", PRECEDENCE)]).hosts
    fs = h.thresholds.levels("fs.used_pct")
    # warn: last tag in the host's order wins over earlier tags, defaults.thresholds and top-level
    assert (str(fs.warn), str(fs.crit), fs.source) == ("73", "@96:97", "host")
    assert fs.crit == Range(96.0, 97.0, True, "@96:97")
    # only warn overridden: crit falls through to the built-in default, source says who set it
    mem = h.thresholds.levels("mem.used_pct")
    assert (str(mem.warn), mem.crit, mem.source) == ("50", DEFAULTS["mem.used_pct"].crit, "inventory")
    swap = h.thresholds.levels("swap.used_pct")
    assert (swap.warn, str(swap.crit), swap.source) == (DEFAULTS["swap.used_pct"].warn, "99", "tag:db")
    # the item override wins over the plain name; its missing crit comes from the resolved plain name
    var = h.thresholds.levels("fs.used_pct", "/var")
    assert (str(var.warn), str(var.crit), var.source) == ("60", "@96:97", "tag:backup")
    assert h.thresholds.levels("fs.used_pct", "/home") is fs
    # `10:20` is read as the range it looks like, not as YAML 1.1's sexagesimal 620
    load = h.thresholds.levels("cpu.load15_per_core")
    assert load.warn == Range(10.0, 20.0, False, "10:20")
    # a host without tags or own thresholds gets the file's layers only
    plain_fs = plain.thresholds.levels("fs.used_pct")
    assert (str(plain_fs.warn), str(plain_fs.crit), plain_fs.source) == ("71", "95", "inventory")
    assert plain.thresholds.levels("temp.celsius") is DEFAULTS["temp.celsius"]


def test_tag_order_decides(tmp_path: Path) -> None:
    text = PRECEDENCE.replace("tags: [db, backup]", "tags: [backup, db]")
    h, _ = load_inventory([write(tmp_path / "p.yaml", text)]).hosts
    fs = h.thresholds.levels("fs.used_pct")
    assert str(fs.warn) == "72"


SSH_CONFIG = """\
Host nas
  HostName 192.0.2.5
  Port 2222
  User backup
  IdentityFile ~/.ssh/nas_key
  ProxyJump gw.example.net

Host gw.example.net
  User jump

Host override
  HostName 192.0.2.6
  User nobody
"""


def test_alias_resolved_through_ssh_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    # `override` has its own entry, but the host's own keys win over it
    config = write(tmp_path / "ssh_config", SSH_CONFIG)
    inv_path = write(tmp_path / "aliases.yaml", """\
        defaults: {user: admin, port: 22}
        hosts:
          - {name: nas, kind: linux}
          - {name: nas2, kind: linux}
          - {name: printer-dns, kind: printer}
          - name: override
            kind: linux
            user: root
        """)
    nas, nas2, printer, override = load_inventory([inv_path], ssh_config=config).hosts
    assert (nas.address, nas.port, nas.user, nas.jump_host, nas.address_from_ssh_config) == (
        "192.0.2.5", 2222, "backup", "gw.example.net", True)
    assert nas.identity_file == str(tmp_path / "home" / ".ssh" / "nas_key")
    assert (nas.ssh_alias, nas2.ssh_alias, printer.ssh_alias) == ("nas", None, None)
    # no entry: the name stays the address (a DNS name), defaults apply
    assert (nas2.address, nas2.port, nas2.user, nas2.address_from_ssh_config) == ("nas2", 22, "admin", False)
    assert (printer.address, printer.address_from_ssh_config) == ("printer-dns", False)
    # the host's own keys win over the ssh config
    assert (override.address, override.user, override.address_from_ssh_config) == ("192.0.2.6", "root", True)


def test_without_ssh_config_the_name_is_the_address(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.ssh/config
    path = write(tmp_path / "a.yaml", "hosts:\n  - {name: nas, kind: linux}\n")
    (host,) = load_inventory([path]).hosts
    assert (host.address, host.address_from_ssh_config, host.ssh_alias) == ("nas", False, None)


def test_default_ssh_config_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    write(tmp_path / ".ssh" / "config", SSH_CONFIG)
    path = write(tmp_path / "a.yaml", "hosts:\n  - {name: nas, kind: macos}\n")
    (host,) = load_inventory([path]).hosts
    assert (host.address, host.port, host.address_from_ssh_config) == ("192.0.2.5", 2222, True)


def test_explicit_address_skips_ssh_config(tmp_path: Path) -> None:
    config = write(tmp_path / "ssh_config", SSH_CONFIG)
    path = write(tmp_path / "a.yaml", "hosts:\n  - {name: nas, address: 192.0.2.77, kind: linux}\n")
    (host,) = load_inventory([path], ssh_config=config).hosts
    assert (host.address, host.port, host.user) == ("192.0.2.77", 22, None)
    assert not host.address_from_ssh_config


def test_shipped_inventories_load() -> None:
    office = load_inventory([REPO / "inventories" / "example-office.yaml"])
    kinds = sorted(h.kind for h in office.hosts)
    assert kinds.count("windows") >= 2 and kinds.count("printer") == 2
    assert {"linux", "macos", "printserver"} <= set(kinds)
    assert all(h.address.startswith(("192.0.2.", "198.51.100.")) for h in office.hosts)
    local = load_inventory([REPO / "inventories" / "local.yaml"])
    assert [h.kind for h in local.hosts] == ["local"]


def test_packaged_default_is_the_checkout_default() -> None:
    assert PACKAGED_DEFAULT.read_bytes() == (REPO / "inventories" / "local.yaml").read_bytes()


def test_default_inventory_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert default_inventory_paths() == [Path("inventories/local.yaml")]
    monkeypatch.chdir(tmp_path)  # outside a checkout: the copy installed with fleetcheck
    (path,) = default_inventory_paths()
    assert path == PACKAGED_DEFAULT and path.is_file()
    assert [h.kind for h in load_inventory([path]).hosts] == ["local"]
