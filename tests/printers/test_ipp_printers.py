"""Printers over IPP against a real IPP Everywhere printer (CUPS' ippeveprinter) on loopback,
driven into media-empty, toner-low and media-jam; and merged with SNMP."""

from __future__ import annotations

import http.server
import threading
import time
from pathlib import Path

import pytest

from .conftest import checks, scan
from .peers import IppEvePrinter, Snmpsim, free_tcp_port

JAM = ("STATE: +media-jam,cover-open\n"
       "ATTR: marker-names=Black\\ Toner,Waste\\ Toner marker-levels=4,95 marker-low-levels=10,0 "
       "marker-high-levels=100,90 marker-types=toner,waste-toner marker-colors=#000000,none\n"
       "ATTR: printer-alert='code=jam;index=1;severity=critical;training=untrained;group=mediaPath;"
       "groupindex=1;location=0;time=100' printer-alert-description='Jam in tray 2'\n")


def ipp_host(name: str, port: int, more: str = "") -> str:
    return f"  - {{name: {name}, kind: printer, address: 127.0.0.1, ipp: {{port: {port}{more}}}}}\n"


def wait_for(cond: object, what: str) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if callable(cond) and cond():
            return
        time.sleep(0.2)
    raise AssertionError(f"ippeveprinter never showed {what}")


def test_idle_printer_over_ipp_only(ippeve: IppEvePrinter, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    host = scan(tmp_path, capsys, ipp_host("ipp", ippeve.port))["by_name"]["ipp"]
    c = checks(host)
    assert host["reachability"] == "reachable"
    assert c["printer.status"]["state"] == "OK"
    assert "idle (IPP printer-state)" in c["printer.status"]["summary"]
    assert c["printer.conditions"]["state"] == "OK"
    assert c["printer.supply:Black Toner"]["state"] == "OK"  # printer-supply level 75 %
    assert c["printer.tray:main"]["state"] == "OK"
    assert "printer.tray:auto" not in c  # tray selection, not a tray
    # not offered over IPP by this printer: UNKNOWN with the reason, never OK
    assert c["printer.alerts"]["state"] == "UNKNOWN" and "printer-alert" in c["printer.alerts"]["reason"]
    assert c["printer.pages"]["state"] == "UNKNOWN"
    assert "printer.protocol:snmp" not in c  # only IPP configured
    assert host["facts"]["printer"]["model"] == "ACME LaserJet Test"
    src = c["printer.status"]["evidence"][0]["source"]
    assert src == f"IPP Get-Printer-Attributes ipp://127.0.0.1:{ippeve.port}/ipp/print"


def test_media_empty_and_toner_low(ippeve: IppEvePrinter, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    ippeve.form("/media?size1=iso_a4_210x297mm&type1=stationery&level1=0"
                "&size3=iso_a4_210x297mm&type3=stationery&level3=5")
    ippeve.form("/supplies?supply0=25&supply1=5")
    c = checks(scan(tmp_path, capsys, ipp_host("ipp", ippeve.port))["by_name"]["ipp"])
    cond = c["printer.conditions"]
    assert cond["state"] == "CRIT"
    assert "out of paper (IPP media-empty-report)" in cond["summary"]
    assert "toner/ink low (IPP toner-low-report)" in cond["summary"]
    assert c["printer.tray:main"]["state"] == "CRIT"
    toner = c["printer.supply:Black Toner"]
    assert toner["state"] == "CRIT" and "5 %" in toner["summary"]
    assert c["printer.tray:by-pass-tray"]["state"] == "OK"


def test_media_jam_cover_open_markers_and_alert(ippeve: IppEvePrinter, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    ippeve.print_document(JAM)
    hosts = ipp_host("ipp", ippeve.port)

    def jammed() -> bool:
        return "media-jam" in checks(scan(tmp_path, capsys, hosts)["by_name"]["ipp"])["printer.conditions"][
            "summary"]
    wait_for(jammed, "media-jam")
    c = checks(scan(tmp_path, capsys, hosts)["by_name"]["ipp"])
    cond = c["printer.conditions"]["summary"]
    # -report once the job is done, -warning while it still runs: the keyword decides, not the suffix
    assert "paper jam (IPP media-jam-" in cond and "door or cover open (IPP cover-open-" in cond
    assert c["printer.conditions"]["state"] == "CRIT"
    toner = c["printer.supply:Black Toner"]
    assert toner["state"] == "CRIT" and "4 %" in toner["summary"] and "(black)" in toner["summary"]
    assert c["printer.supply:Waste Toner"]["state"] == "OK"  # a waste container: 95 % space left
    alert = c["printer.alerts"]
    assert alert["state"] == "CRIT" and "Jam in tray 2 [critical, mediaPath, jam]" in alert["summary"]


def test_one_protocol_down_is_reported_and_the_other_judges(ippeve: IppEvePrinter, snmpsim: Snmpsim,
                                                            tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    dead_ipp = free_tcp_port()
    hosts = (f"  - {{name: both, kind: printer, address: 127.0.0.1, snmp: {{community: fleetcheck-empty, "
             f"port: {snmpsim.port}}}, ipp: {{port: {dead_ipp}}}}}\n")
    host = scan(tmp_path, capsys, hosts)["by_name"]["both"]
    c = checks(host)
    assert host["reachability"] == "reachable"
    proto = c["printer.protocol:ipp"]
    assert proto["state"] == "UNKNOWN" and "refused" in proto["reason"]
    assert proto["summary"] == "IPP did not answer; judged on SNMP only"
    assert c["printer.supply:Black Toner Cartridge"]["state"] == "CRIT"
    assert host["facts"]["printer"]["protocols"]["ipp"].startswith("failed: connection to")
    # and both answering: one host, evidence from both protocols in one finding
    hosts = (f"  - {{name: both, kind: printer, address: 127.0.0.1, snmp: {{community: fleetcheck-empty, "
             f"port: {snmpsim.port}}}, ipp: {{port: {ippeve.port}}}}}\n")
    c = checks(scan(tmp_path, capsys, hosts)["by_name"]["both"])
    kinds = {e["kind"] for e in c["printer.conditions"]["evidence"]}
    assert kinds == {"oid", "ipp"}
    assert "printer.protocol:ipp" not in c and "printer.protocol:snmp" not in c


def test_ipps_to_a_plain_ipp_port_fails_with_the_reason(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    # a plain HTTP server that can never speak TLS: ippeveprinter itself answers TLS on its plain
    # port as soon as it finds or can make a certificate (/etc/cups/ssl once cups is installed)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        port = server.server_address[1]
        host = scan(tmp_path, capsys, ipp_host("tls", port, ", tls: true"))["by_name"]["tls"]
    finally:
        server.shutdown()
        server.server_close()
        serving.join(5)
    assert host["reachability"] == "unreachable"  # answered, just not with TLS: the printer is on
    assert "IPP:" in host["checks"][0]["summary"]


def test_ipps_with_tls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    printer = IppEvePrinter().start()  # answers ipps:// on the same port (-K)
    try:
        printer.form("/supplies?supply0=25&supply1=5")
        host = scan(tmp_path, capsys, ipp_host("tls", printer.port, ", tls: true"))["by_name"]["tls"]
        c = checks(host)
        assert host["reachability"] == "reachable"
        assert c["printer.supply:Black Toner"]["state"] == "CRIT"
        src = c["printer.status"]["evidence"][0]["source"]
        assert src == (f"IPP Get-Printer-Attributes ipps://127.0.0.1:{printer.port}/ipp/print "
                       "(TLS; certificate not verified)")
    finally:
        printer.stop()
