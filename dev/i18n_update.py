"""Bring the German findings catalog (core/i18n/de.po) in line with core/i18n/messages.py.

    .venv/bin/python dev/i18n_update.py [extra.po ...]

Adds new codes with an empty translation, marks a translation fuzzy when its English
template changed (it is then not used: tests/core/test_i18n.py names it), drops codes
that no longer exist, and takes translations from the extra .po files given.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from fleetcheck.core.i18n.messages import MESSAGES

PO = Path(__file__).resolve().parents[1] / "src" / "fleetcheck" / "core" / "i18n" / "de.po"


def _read(path: Path) -> dict[str, tuple[str, str]]:
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return {m.context: (m.id, m.string) for m in read_po(fh, locale="de") if m.context}


def main(extra: list[str]) -> None:
    known = _read(PO)
    for name in extra:
        known.update(_read(Path(name)))
    out = Catalog(locale="de", project="fleetcheck", fuzzy=False, copyright_holder="fleetcheck contributors",
                  header_comment="# German texts of fleetcheck's findings. msgctxt is the message code\n"
                                 "# (src/fleetcheck/core/i18n/messages.py); update with dev/i18n_update.py.")
    for code, english in MESSAGES.items():
        old_id, german = known.get(code, ("", ""))
        flags = ["python-brace-format"] + (["fuzzy"] if german and old_id != english else [])
        out.add(english, german, context=code, flags=flags)
    with PO.open("wb") as fh:
        write_po(fh, out, width=100, omit_header=False, sort_output=False)


if __name__ == "__main__":
    main(sys.argv[1:])
