"""Writes the synthetic quirk recordings in tests/data/printers (sorted by OID, as snmpsim needs).

Each reproduces quirks seen in real printer walks (see docs/checks.md, printers):
    python tests/printers/make_recordings.py tests/data/printers
"""
import sys
from pathlib import Path

out_dir = sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).parents[1] / "data" / "printers")
P = "1.3.6.1.2.1.43"
def s(v): return ("4x", v.hex()) if isinstance(v, bytes) else ("4", v)
def rec(name, rows):
    def key(o): return tuple(int(x) for x in o.split("."))
    lines = []
    for oid, (t, v) in sorted(rows.items(), key=lambda kv: key(kv[0])):
        lines.append(f"{oid}|{t}|{v}")
    Path(out_dir, f"{name}.snmprec").write_text("\n".join(lines) + "\n")
def base(descr, name, dev=1, dstatus=2, pstatus=3, err="00", uptime=123456):
    r = {"1.3.6.1.2.1.1.1.0": s(descr), "1.3.6.1.2.1.1.2.0": ("6", "1.3.6.1.4.1.2435.2.3.9.1"),
         "1.3.6.1.2.1.1.3.0": ("67", str(uptime))}
    if name is not None:
        r["1.3.6.1.2.1.1.5.0"] = s(name)
    r[f"1.3.6.1.2.1.25.3.2.1.1.{dev}"] = ("2", str(dev))
    r[f"1.3.6.1.2.1.25.3.2.1.2.{dev}"] = ("6", "1.3.6.1.2.1.25.3.1.5")
    r[f"1.3.6.1.2.1.25.3.2.1.5.{dev}"] = ("2", str(dstatus))
    r[f"1.3.6.1.2.1.25.3.5.1.1.{dev}"] = ("2", str(pstatus))
    if err is not None:
        r[f"1.3.6.1.2.1.25.3.5.1.2.{dev}"] = ("4x", err)
    return r
def supply(r, dev, i, descr, max_, level, type_=3, unit=19, klass=3, colorant=None):
    if descr is not None:
        r[f"{P}.11.1.1.6.{dev}.{i}"] = s(descr)
    if max_ is not None:
        r[f"{P}.11.1.1.8.{dev}.{i}"] = ("2", str(max_))
    if level is not None:
        r[f"{P}.11.1.1.9.{dev}.{i}"] = ("2", str(level))
    if type_ is not None:
        r[f"{P}.11.1.1.5.{dev}.{i}"] = ("2", str(type_))
    if unit is not None:
        r[f"{P}.11.1.1.7.{dev}.{i}"] = ("2", str(unit))
    if klass is not None:
        r[f"{P}.11.1.1.4.{dev}.{i}"] = ("2", str(klass))
    if colorant is not None:
        r[f"{P}.11.1.1.3.{dev}.{i}"] = ("2", str(colorant))
def tray(r, dev, i, name, max_, level, status=0, type_=3):
    r[f"{P}.8.2.1.13.{dev}.{i}"] = s(name)
    r[f"{P}.8.2.1.9.{dev}.{i}"] = ("2", str(max_))
    r[f"{P}.8.2.1.10.{dev}.{i}"] = ("2", str(level))
    r[f"{P}.8.2.1.11.{dev}.{i}"] = ("2", str(status))
    if type_ is not None:
        r[f"{P}.8.2.1.2.{dev}.{i}"] = ("2", str(type_))
def alert(r, dev, i, sev, grp, code, descr, group_index=None):
    if group_index is not None:
        r[f"{P}.18.1.1.5.{dev}.{i}"] = ("2", str(group_index))
    r[f"{P}.18.1.1.2.{dev}.{i}"] = ("2", str(sev))
    r[f"{P}.18.1.1.4.{dev}.{i}"] = ("2", str(grp))
    r[f"{P}.18.1.1.7.{dev}.{i}"] = ("2", str(code))
    r[f"{P}.18.1.1.8.{dev}.{i}"] = s(descr)
def pages(r, dev, n):
    r[f"{P}.10.2.1.4.{dev}.1"] = ("65", str(n))

# Brother-like: toners -3 with max -2, no prtGeneralPrinterName, 1-octet error state, "Sleep" alert 255/255/-1
r = base("Brother NC-7700w (quirk)", None, err="00")
supply(r, 1, 1, "Black Toner Cartridge", -2, -3, colorant=1)
supply(r, 1, 2, "Drum Unit", -2, -3, type_=9)
r[f"{P}.12.1.1.4.1.1"] = s("black")
tray(r, 1, 1, "Tray 1", 250, -3)
tray(r, 1, 2, "MP Tray", 50, 0, status=8, type_=4)
alert(r, 1, 1, 255, 255, -1, "Sleep")
pages(r, 1, 20345)
rec("quirk-brother", r)

# Xerox-like: levels in pages with max 5300, no type/unit/class columns, 2-octet error state
r = base("Xerox AltaLink C8045 (quirk)", "XRX-OG2", err="0000")
supply(r, 1, 1, "Black Toner [K] Cartridge", 5300, 530, type_=None, unit=None, klass=None)
supply(r, 1, 2, "Cyan Toner [C] Cartridge", 5300, 4000, type_=None, unit=None, klass=None)
supply(r, 1, 3, "Fuser", -2, 1200, type_=None, unit=None, klass=None)
tray(r, 1, 1, "Tray 1", 520, 300)
pages(r, 1, 98765)
rec("quirk-xerox", r)

# HP-like: NUL-terminated strings, running + hrPrinterStatus other (asleep), bypass Tray 1 empty
# with a non-critical status (9), part number in the description
r = base(b"HP LaserJet 500 color M551\x00", b"HP-LJ500\x00\x00\x00", pstatus=1, err="00")
supply(r, 1, 1, b"Black Cartridge HP CE400X\x00\x00\x00\x00", 100, 64, colorant=1)
supply(r, 1, 2, b"Toner Collection Unit HP CE254A\x00", 100, 12, type_=4, klass=4)
r[f"{P}.12.1.1.4.1.1"] = s("black")
r[f"{P}.5.1.1.16.1"] = s(b"HP LaserJet M551\x00\x00")
r[f"{P}.5.1.1.17.1"] = s(b"CNBCD12345\x00")
tray(r, 1, 1, b"Tray 1\x00", 100, 0, status=9, type_=5)
tray(r, 1, 2, b"Tray 2\x00", 500, -3)
alert(r, 1, 1, 4, 8, 810, b"Tray 1 empty\x00", group_index=1)
pages(r, 1, 45678)
rec("quirk-hp", r)

# Epson-like: zero-length error state, printer device at hrDeviceIndex 3 (1, 2 = other devices),
# Latin-1 strings, out-of-range enums, -1 (no restriction), a full waste box (receptacle at 0)
r = base("EPSON WF-C5790 (quirk)", "EPSON-WF", dev=3, err="")
r["1.3.6.1.2.1.25.3.2.1.1.1"] = ("2", "1")
r["1.3.6.1.2.1.25.3.2.1.2.1"] = ("6", "1.3.6.1.2.1.25.3.1.3")
r["1.3.6.1.2.1.25.3.2.1.5.1"] = ("2", "2")
r["1.3.6.1.2.1.25.3.2.1.1.2"] = ("2", "2")
r["1.3.6.1.2.1.25.3.2.1.2.2"] = ("6", "1.3.6.1.2.1.25.3.1.4")
r["1.3.6.1.2.1.25.3.2.1.5.2"] = ("2", "2")
supply(r, 3, 1, "Schwarz Tinte f\xfcr WF".encode("latin-1"), 100, 47, type_=6, colorant=1)
supply(r, 3, 2, "Wartungsbox", 100, 0, type_=8, klass=4)
supply(r, 3, 3, "Stromversorgung", -1, -1, type_=99, unit=42)
r[f"{P}.12.1.1.4.3.1"] = s("black")
tray(r, 3, 1, "Kassette 1", 250, 0, status=16, type_=3)
alert(r, 3, 1, 7, 99, 4242, "Fehler \xe4\xf6\xfc".encode("latin-1"))
alert(r, 3, 2, 3, 8, 808, "Kassette 1 leer")
pages(r, 3, 777)
rec("quirk-epson", r)

# an agent with the printer device but no Printer-MIB and no error state at all
r = base("Generic SNMP agent (no Printer-MIB)", "NOMIB", err=None)
rec("quirk-nomib", r)

# healthy printer whose error state, toner level and tray level are writable (SNMP SET via writecache)
r = base("FleetCheck Bits", "BITS")
r["1.3.6.1.2.1.25.3.5.1.2.1"] = ("4x:writecache", "hexvalue=0000")
supply(r, 1, 1, "Black Toner", 100, 80)
r[f"{P}.11.1.1.9.1.1"] = ("2:writecache", "value=80")
tray(r, 1, 1, "Tray 1", 250, 200)
r[f"{P}.8.2.1.10.1.1"] = ("2:writecache", "value=200")
r["1.3.6.1.2.1.1.3.0"] = ("67:writecache", "value=500000")
pages(r, 1, 1000)
r[f"{P}.10.2.1.4.1.1"] = ("65:writecache", "value=1000")
rec("bits", r)
