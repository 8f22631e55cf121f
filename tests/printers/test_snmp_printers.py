"""Printers over SNMP against a real agent (snmpsim) serving recorded and synthetic printers."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    Counter32,
    ObjectIdentity,
    ObjectType,
    OctetString,
    SnmpEngine,
    TimeTicks,
    UdpTransportTarget,
    set_cmd,
)

from fleetcheck.core.checks.printer.model import ERROR_BITS, PrinterData, SnmpPrinter
from fleetcheck.core.checks.printer.status import check_conditions
from fleetcheck.core.results import Evidence

from .conftest import checks, scan, snmp_host
from .peers import Snmpsim, free_udp_port

ERR_STATE = "1.3.6.1.2.1.25.3.5.1.2.1"


def snmp_set(port: int, community: str, oid: str, value: object) -> None:
    async def go() -> None:
        engine = SnmpEngine()
        target = await UdpTransportTarget.create(("127.0.0.1", port), timeout=2, retries=1)
        err, status, _idx, _binds = await set_cmd(engine, CommunityData(community), target, ContextData(),
                                                  ObjectType(ObjectIdentity(oid), value), lookupMib=False)
        engine.close_dispatcher()
        assert not err and not status, (err, status)
    asyncio.run(go())


def test_paper_empty_and_toner_low_printer(snmpsim: Snmpsim, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    data = scan(tmp_path, capsys, snmp_host("lp", "fleetcheck-empty", snmpsim.port))
    host = data["by_name"]["lp"]
    c = checks(host)
    assert host["state"] == "CRIT" and host["reachability"] == "reachable"
    assert c["printer.status"]["state"] == "CRIT"  # hrDeviceStatus down(5)
    cond = c["printer.conditions"]
    assert cond["state"] == "CRIT"
    assert "out of paper (bit noPaper)" in cond["summary"]
    assert "toner/ink low (bit lowToner)" in cond["summary"]
    assert "0x6004" in " ".join(e["raw"] for e in cond["evidence"])
    toner = c["printer.supply:Black Toner Cartridge"]
    assert toner["state"] == "CRIT" and "5 %" in toner["summary"] and "order: Black Toner Cartridge" in toner[
        "summary"]
    assert "black" in toner["summary"]
    assert c["printer.supply:Waste Toner Box"]["state"] == "OK"  # -3: some space left, no made-up %
    assert "some space left" in c["printer.supply:Waste Toner Box"]["summary"]
    drum = c["printer.supply:Drum Unit"]
    assert drum["state"] == "UNKNOWN" and "-2" in drum["reason"]
    assert c["printer.tray:Tray 1"]["state"] == "CRIT"
    assert c["printer.tray:Bypass Tray"]["state"] == "OK"
    alerts = c["printer.alerts"]
    assert alerts["state"] == "CRIT"
    assert "Tray 1 empty. Load paper. [critical, input, inputMediaSupplyEmpty]" in alerts["summary"]
    assert "[warning, markerSupplies, markerTonerAlmostEmpty]" in alerts["summary"]
    assert c["printer.pages"]["summary"].startswith("123456 pages")
    # the worst finding names the supply to order
    assert host["checks"][0]["id"] == "printer.supply:Black Toner Cartridge"
    facts = host["facts"]["printer"]
    assert facts["serial"] == "FC9000-0001" and facts["model"] == "FleetCheck Synthetic Laser 9000"
    assert facts["protocols"] == {"snmp": "answered"}
    assert {s["name"]: s["percent"] for s in facts["supplies"]}["Black Toner Cartridge"] == 5.0
    # evidence names the OIDs read, never the community
    assert all("fleetcheck-empty" not in e["source"] for ch in host["checks"] for e in ch["evidence"])


def test_healthy_printer_is_ok_with_evidence(snmpsim: Snmpsim, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    host = scan(tmp_path, capsys, snmp_host("lp", "fleetcheck-healthy", snmpsim.port))["by_name"]["lp"]
    assert host["state"] == "OK", [(c["id"], c["state"]) for c in host["checks"]]
    assert all(c["evidence"] for c in host["checks"])
    assert checks(host)["printer.supply:Black Toner Cartridge"]["metrics"][0]["value"] == 80


def test_all_sixteen_error_bits_over_snmp(snmpsim: Snmpsim, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    snmp_set(snmpsim.port, "bits", ERR_STATE, OctetString(b"\xff\xff"))
    cond = checks(scan(tmp_path, capsys, snmp_host("lp", "bits", snmpsim.port))["by_name"]["lp"])[
        "printer.conditions"]
    assert cond["state"] == "CRIT"
    for name in ERROR_BITS:
        assert f"bit {name}" in cond["details"], name  # the summary line may be cut; details list all
    assert "0xffff" in " ".join(e["raw"] for e in cond["evidence"])


@pytest.mark.parametrize("bit", range(16))
def test_each_error_bit_alone(bit: int) -> None:
    """Each bit decoded and judged on its own (the pure check function; the agent run is above)."""
    raw = (0x8000 >> bit).to_bytes(2, "big")
    data = PrinterData(snmp=SnmpPrinter(target="snmp v2c udp:127.0.0.1:161", device_index=1, error_state=raw),
                       protocols=("snmp",))
    data.snmp.part("errors").evidence = (Evidence.of("snmp walk", f"0x{raw.hex()}", kind="oid"),)
    cond = check_conditions(data)
    assert data.snmp.error_bits() == [ERROR_BITS[bit]]
    expected = {"noPaper": "CRIT", "noToner": "CRIT", "doorOpen": "CRIT", "jammed": "CRIT", "offline": "CRIT",
                "serviceRequested": "CRIT", "markerSupplyMissing": "CRIT", "outputFull": "CRIT",
                "bit15": "OK"}.get(ERROR_BITS[bit], "WARN")
    assert cond.state.value == expected and f"bit {ERROR_BITS[bit]}" in cond.summary


@pytest.mark.parametrize(("raw", "state", "words"), [
    (b"", "OK", "0 octets"),  # Epson: zero-length value, no bits
    (b"\x00", "OK", "0x00"),  # old firmware: one octet
    (b"\x20\x00", "WARN", "bit lowToner"),  # Sharp
    (b"\x04", "CRIT", "bit jammed"),  # one octet with a bit
])
def test_error_state_lengths(snmpsim: Snmpsim, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                             raw: bytes, state: str, words: str) -> None:
    snmp_set(snmpsim.port, "bits", ERR_STATE, OctetString(raw))
    cond = checks(scan(tmp_path, capsys, snmp_host("lp", "bits", snmpsim.port))["by_name"]["lp"])[
        "printer.conditions"]
    assert cond["state"] == state and words in cond["summary"] + " ".join(e["raw"] for e in cond["evidence"])


def test_quirks_brother_minus3_sleep_alert_no_name(snmpsim: Snmpsim, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    host = scan(tmp_path, capsys, snmp_host("b", "quirk-brother", snmpsim.port))["by_name"]["b"]
    c = checks(host)
    assert host["state"] == "OK"
    toner = c["printer.supply:Black Toner Cartridge"]
    assert toner["state"] == "OK" and "some remaining" in toner["summary"] and "%" not in toner["summary"]
    assert not toner["metrics"]  # no made-up percentage
    assert c["printer.tray:MP Tray"]["state"] == "OK"  # empty bypass: normal
    alert = c["printer.alerts"]
    assert alert["state"] == "OK" and "unknown value 255" in alert["summary"] and "Sleep" in alert["summary"]


def test_quirks_xerox_pages_and_missing_columns(snmpsim: Snmpsim, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    c = checks(scan(tmp_path, capsys, snmp_host("x", "quirk-xerox", snmpsim.port))["by_name"]["x"])
    black = c["printer.supply:Black Toner [K] Cartridge"]
    assert black["state"] == "WARN" and "10 %" in black["summary"]  # 530 of 5300 pages
    fuser = c["printer.supply:Fuser"]
    assert fuser["state"] == "UNKNOWN" and "no maximum" in fuser["reason"]


def test_quirks_hp_nul_strings_sleeping_and_bypass(snmpsim: Snmpsim, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    host = scan(tmp_path, capsys, snmp_host("h", "quirk-hp", snmpsim.port))["by_name"]["h"]
    c = checks(host)
    assert c["printer.status"]["state"] == "OK"  # running + hrPrinterStatus other = asleep
    assert "printer.supply:Black Cartridge HP CE400X" in c  # NUL padding cut off
    assert not any("\\x00" in k or "\x00" in k for k in c)
    waste = c["printer.supply:Toner Collection Unit HP CE254A"]
    assert waste["state"] == "WARN" and "space left" in waste["summary"] and "part CE254A" in waste["summary"]
    assert c["printer.tray:Tray 1"]["state"] == "OK"  # empty manual tray
    assert c["printer.alerts"]["state"] == "OK"  # the manual-feed request for that tray is normal
    assert host["facts"]["printer"]["serial"] == "CNBCD12345"
    assert host["facts"]["printer"]["name"] == "HP LaserJet M551"


def test_quirks_epson_device_index_latin1_out_of_range(snmpsim: Snmpsim, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    host = scan(tmp_path, capsys, snmp_host("e", "quirk-epson", snmpsim.port))["by_name"]["e"]
    c = checks(host)
    assert host["facts"]["printer"]["device_index"] == 3
    assert "printer.supply:Schwarz Tinte für WF" in c  # Latin-1 decoded
    assert c["printer.supply:Wartungsbox"]["state"] == "CRIT"  # waste box: no space left
    assert c["printer.supply:Stromversorgung"]["state"] == "OK"  # -1: no restriction
    assert c["printer.tray:Kassette 1"]["state"] == "CRIT"
    alerts = c["printer.alerts"]["summary"]
    assert "unknown value 7, unknown value 99, unknown value 4242" in alerts and "Fehler äöü" in alerts
    assert c["printer.conditions"]["state"] == "OK"  # zero-length error state


def test_agent_without_printer_mib_is_unknown_never_ok(snmpsim: Snmpsim, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    c = checks(scan(tmp_path, capsys, snmp_host("n", "quirk-nomib", snmpsim.port))["by_name"]["n"])
    for cid in ("printer.supplies", "printer.trays", "printer.conditions", "printer.alerts", "printer.pages"):
        assert c[cid]["state"] == "UNKNOWN" and c[cid]["reason"], cid


def test_v1_getnext_reads_the_same(snmpsim: Snmpsim, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    c = checks(scan(tmp_path, capsys, snmp_host("v1", "fleetcheck-empty", snmpsim.port, version="'1'"))[
        "by_name"]["v1"])
    assert c["printer.supply:Black Toner Cartridge"]["state"] == "CRIT"
    assert "snmp v1" in c["printer.conditions"]["evidence"][0]["source"]


def test_snmpv3_auth_priv_with_secret_by_reference(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    sim = Snmpsim(tmp_path / "data", v3_user="tech", v3_auth="authpass123", v3_priv="privpass123")
    (tmp_path / "data").mkdir()
    src = Path(__file__).parent.parent / "data" / "printers" / "fleetcheck-healthy.snmprec"
    (tmp_path / "data" / "public.snmprec").write_bytes(src.read_bytes())
    sim.start("public")
    try:
        monkeypatch.setenv("LP_AUTH", "authpass123")
        monkeypatch.setenv("LP_PRIV", "privpass123")
        v3 = ("version: '3', user: tech, auth_protocol: sha, auth_password: {env: LP_AUTH}, "
              "priv_protocol: aes, priv_password: {env: LP_PRIV}, context: public")
        hosts = f"  - {{name: v3, kind: printer, address: 127.0.0.1, snmp: {{port: {sim.port}, {v3}}}}}\n"
        host = scan(tmp_path, capsys, hosts)["by_name"]["v3"]
        assert host["reachability"] == "reachable" and host["state"] == "OK"
        monkeypatch.setenv("LP_AUTH", "wrong-password")
        bad = scan(tmp_path, capsys, hosts)["by_name"]["v3"]
        assert bad["reachability"] in ("unreachable", "switched_off")  # USM: a wrong key gets no answer
        assert "authpass" not in str(bad) and "wrong-password" not in str(bad)
    finally:
        sim.stop()


def test_dead_printer_costs_one_timeout_and_says_why(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    port = free_udp_port()  # nothing listens
    hosts = (f"  - {{name: dead, kind: printer, address: 127.0.0.1, snmp: {{port: {port}, timeout: 0.3, "
             f"retries: 1}}}}\n")
    host = scan(tmp_path, capsys, hosts)["by_name"]["dead"]
    # silence from a printer: maybe switched off for the night (UNKNOWN), unless it should always be on
    assert host["reachability"] == "switched_off" and host["state"] == "UNKNOWN"
    summary = host["checks"][0]["summary"]
    assert "no SNMP answer" in summary and "0.3 s × 2 tries" in summary
    always = hosts.replace("kind: printer,", "kind: printer, always_on: true,")
    assert scan(tmp_path, capsys, always)["by_name"]["dead"]["reachability"] == "unreachable"


def test_restart_pages_and_new_alerts_over_time(snmpsim: Snmpsim, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    hosts = snmp_host("lp", "bits", snmpsim.port)
    snmp_set(snmpsim.port, "bits", ERR_STATE, OctetString(b"\x00\x00"))
    snmp_set(snmpsim.port, "bits", "1.3.6.1.2.1.1.3.0", TimeTicks(50_000_000))
    snmp_set(snmpsim.port, "bits", "1.3.6.1.2.1.43.10.2.1.4.1.1", Counter32(1000))
    first = checks(scan(tmp_path, capsys, hosts, "--keep-history")["by_name"]["lp"])
    assert "no previous scan" in first["printer.restarts"]["summary"]
    # the printer restarted (uptime went backwards) and printed 250 pages
    snmp_set(snmpsim.port, "bits", "1.3.6.1.2.1.1.3.0", TimeTicks(1000))
    snmp_set(snmpsim.port, "bits", "1.3.6.1.2.1.43.10.2.1.4.1.1", Counter32(1250))
    second = checks(scan(tmp_path, capsys, hosts, "--keep-history")["by_name"]["lp"])
    assert second["printer.restarts"]["state"] == "WARN", second["printer.restarts"]
    assert "1 printer restart" in second["printer.restarts"]["summary"]
    assert "250 since the previous scan" in second["printer.pages"]["summary"]
    assert second["printer.alerts_new"]["state"] == "OK"


def test_findings_carry_message_codes_and_render_in_german(snmpsim: Snmpsim, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from fleetcheck.core.i18n import render_check
    from fleetcheck.core.results import CheckResult

    host = scan(tmp_path, capsys, snmp_host("lp", "fleetcheck-empty", snmpsim.port))["by_name"]["lp"]
    tray = checks(host)["printer.tray:Tray 1"]
    assert (tray["code"], tray["params"]["name"], tray["family"], tray["item"]) == (
        "printer.tray.empty", "Tray 1", "printer.tray", "Tray 1")
    assert render_check(CheckResult.from_dict(tray), "de").summary == "Tray 1: leer, Papier einlegen"
