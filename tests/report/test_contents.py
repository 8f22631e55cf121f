"""What a customer reads in the fixed scan's report, in German and English, in every format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fleetcheck.core.results import ScanResult

from .fixture import CUSTOMER, scan
from .helpers import Page, csv_rows, pdf_text

SECTIONS = {
    "de": ["Übersicht", "Handlungsbedarf", "Abstürze und unerwartete Neustarts",
           "Nachzubestellendes Druckerverbrauchsmaterial", "Änderungen seit der letzten Prüfung",
           "Was wir nicht prüfen konnten – und warum", "Befunde je Gerät"],
    "en": ["Overview", "Needs action", "Crashes and unexpected restarts", "Printer supplies to order",
           "Changes since the previous scan", "What we could not check, and why", "Findings per device"],
}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_html_has_every_section_and_who_it_is_from(rendered: dict[tuple[str, str], bytes], lang: str) -> None:
    page = Page(rendered["html", lang].decode("utf-8"))
    for section in SECTIONS[lang]:
        assert section in page.text, section
    for who in (CUSTOMER, "IT-Service Weber GmbH", "Jana Weber", "0711 123456"):
        assert who in page.text


def test_german_html_reads_german(rendered: dict[tuple[str, str], bytes]) -> None:
    text = Page(rendered["html", "de"].decode("utf-8")).text
    assert "Sofortiger Handlungsbedarf" in text  # the overall traffic light in words
    assert "Zeitraum: 19.11.2026, 02:15:00 bis 03.12.2026, 02:15:40" in text  # Berlin time, German format
    assert "used_pct: 93,5 %" in text  # decimal comma
    assert "Nicht prüfbar" in text and "Ihr Ansprechpartner: Jana Weber" in text
    assert "Speicherplatz freigeben oder den Datenträger vergrößern" in text
    assert "Mitteleuropäische" in text  # the time zone is named
    # the checks' own findings in German (message codes rendered by the core), also in the changes
    assert "/srv zu 93,5 % belegt (93,5 GiB von 100,0 GiB, 6,5 GiB frei)" in text
    assert "Verschlechtert srv-files Speicherplatz /srv: Warnung → Kritisch – /srv zu 93,5 % belegt" in text
    for english in ("Needs action", "Disk space", "Evidence", "Overview"):
        assert english not in text


def test_english_html_reads_english(rendered: dict[tuple[str, str], bytes]) -> None:
    text = Page(rendered["html", "en"].decode("utf-8")).text
    assert "Action needed now" in text
    assert "used_pct: 93.5 %" in text
    assert "19 Nov 2026, 02:15:00 to 3 Dec 2026, 02:15:40" in text


def test_action_list_is_worst_first_and_crashes_apart(rendered: dict[tuple[str, str], bytes]) -> None:
    text = Page(rendered["html", "en"].decode("utf-8")).text
    action = text.split("Needs action", 1)[1].split("Crashes and unexpected restarts", 1)[0]
    assert action.index("/srv 93.5 % used") < action.index("last update installed 41 days ago")
    assert "blue screen" not in action  # a crash is an event of the period: its own section
    crashes = text.split("Crashes and unexpected restarts", 1)[1].split("Printer supplies", 1)[0]
    assert "blue screen 0x9F DRIVER_POWER_STATE_FAILURE" in crashes
    supplies = text.split("Printer supplies to order", 1)[1].split("Changes since", 1)[0]
    assert "Black Toner: 8% left (order TN-2420)" in supplies


def test_changes_since_the_previous_scan(rendered: dict[tuple[str, str], bytes]) -> None:
    text = Page(rendered["html", "en"].decode("utf-8")).text
    changes = text.split("Changes since the previous scan", 1)[1].split("What we could not check", 1)[0]
    for expected in ("Worse srv-files Disk space /srv: Warning → Critical",
                     "Resolved pc-empfang Disk space C:", "New problem pc-empfang Updates",
                     "No longer reachable nas-lager connection refused", "New device drucker-og"):
        assert expected in changes, expected


def test_could_not_check_lists_unknown_checks_and_unreachable_hosts(
        rendered: dict[tuple[str, str], bytes]) -> None:
    text = Page(rendered["html", "de"].decode("utf-8")).text
    part = text.split("Was wir nicht prüfen konnten – und warum", 1)[1].split("Befunde je Gerät", 1)[0]
    assert "nas-lager nicht erreichbar: connection refused (port 22)" in part
    assert "check that the machine is on and sshd is running" in part  # the fix
    assert "journal not permitted for user fleet add the user to group systemd-journal" in part
    unknown = part.split("Prüfungen, die nicht durchgeführt werden konnten", 1)[1]
    unknown, na = unknown.split("Nicht zutreffende Prüfungen", 1)
    assert "Temperatur" not in unknown  # N/A is no "could not check" ...
    assert "vm-buchhaltung Temperatur nicht anwendbar: virtuelle Maschine (kvm)" in na  # ... but said apart


def test_html_is_self_contained(rendered: dict[tuple[str, str], bytes]) -> None:
    for lang in ("de", "en"):
        html = rendered["html", lang].decode("utf-8")
        page = Page(html)
        assert not page.names() & {"script", "link", "img", "iframe", "object"}
        assert "svg" in page.names()  # traffic light and bars
        assert all(not (v or "").startswith(("http:", "https:", "//")) for _, attrs in page.tags
                   for k, v in attrs.items() if k in ("src", "href")), "external reference"
        assert "@import" not in html and "url(" not in html


def test_pdf_every_page_has_header_and_page_number(rendered: dict[tuple[str, str], bytes],
                                                    tmp_path: Path) -> None:
    pages = pdf_text(rendered["pdf", "de"], tmp_path)
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        assert CUSTOMER in page and "IT-Zustandsbericht" in page
        assert f"Seite {number} von {len(pages)}" in page
    whole = "\n".join(pages)
    for section in SECTIONS["de"]:
        assert section in whole, section
    assert "Festplattenzustand (SMART)" in whole  # Umlaute survive into the PDF text


def test_pdf_english(rendered: dict[tuple[str, str], bytes], tmp_path: Path) -> None:
    pages = pdf_text(rendered["pdf", "en"], tmp_path)
    assert all(f"Page {n} of {len(pages)}" in p for n, p in enumerate(pages, 1))
    assert "What we could not check, and why" in "\n".join(pages)


def test_csv_german_dialect_one_row_per_check(rendered: dict[tuple[str, str], bytes]) -> None:
    rows = csv_rows(rendered["csv", "de"], "de")
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Standort", "Gerät", "Gerätetyp", "Adresse"]
    assert len(body) == sum(len(h.checks) for h in scan().hosts)
    col = {name: i for i, name in enumerate(header)}
    srv = next(r for r in body if r[col["Prüfungs-ID"]] == "fs.used:/srv")
    assert srv[col["Wert"]] == "93,5" and srv[col["Einheit"]] == "%"
    assert srv[col["Status"]] == "Kritisch" and srv[col["Statuscode"]] == "CRIT"
    assert float(srv[col["Wert"]].replace(",", ".")) == 93.5


def test_csv_english(rendered: dict[tuple[str, str], bytes]) -> None:
    rows = csv_rows(rendered["csv", "en"], "en")
    col = {name: i for i, name in enumerate(rows[0])}
    srv = next(r for r in rows[1:] if r[col["Check ID"]] == "fs.used:/srv")
    assert srv[col["Value"]] == "93.5" and srv[col["State"]] == "Critical"


def test_markdown(rendered: dict[tuple[str, str], bytes]) -> None:
    text = rendered["md", "de"].decode("utf-8")
    assert text.startswith("# IT\\-Zustandsbericht: Müller Steuerberatung GmbH")
    for section in SECTIONS["de"]:
        assert f"## {section}" in text
    assert "Ihr Ansprechpartner: Jana Weber" in text


def test_json_is_the_scan_schema(rendered: dict[tuple[str, str], bytes]) -> None:
    data = json.loads(rendered["json", "de"])
    assert ScanResult.from_dict(data).to_dict() == scan().to_dict()
