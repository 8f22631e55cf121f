"""The German catalog covers every message the report uses, with matching placeholders."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

import fleetcheck.report
from fleetcheck.report.i18n import translations

PACKAGE = Path(fleetcheck.report.__file__).parent
PO = PACKAGE / "locale" / "de" / "LC_MESSAGES" / "fleetcheck.po"


def extracted() -> set[str]:
    found = extract_from_dir(str(PACKAGE), method_map=[("**.py", "python"), ("**/templates/**.j2", "jinja2")],
                             keywords={**DEFAULT_KEYWORDS, "N_": None})
    return {msg[0] if isinstance(msg, tuple) else msg for _file, _line, msg, _comments, _ctx in found}


def test_every_message_has_a_checked_german_translation() -> None:
    catalog = read_po(PO.open("rb"), locale="de")
    for message in catalog:
        if message.id:
            assert message.string and "fuzzy" not in message.flags, message.id
    ids = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog if m.id}
    missing = extracted() - ids
    assert not missing, f"run pybabel extract + update (docs/reports.md): {sorted(missing)}"
    checked = list(catalog.check())  # placeholders (%(num)d, {when}) the same in both languages
    assert not checked, checked


def test_catalog_compiles_from_the_installed_po() -> None:
    de = translations("de")
    assert de.gettext("What we could not check, and why") == "Was wir nicht prüfen konnten – und warum"
    assert de.ngettext("%(num)d device in this scan", "%(num)d devices in this scan", 2) == (
        "%(num)d Geräte in dieser Prüfung")
