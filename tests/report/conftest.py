"""Rendered reports of the fixed scan, made once per test session (the PDFs take a second each)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from fleetcheck.report import Meta, render
from fleetcheck.report.source import changes_between

from .fixture import previous, scan

BERLIN = ZoneInfo("Europe/Berlin")
META = Meta(company="IT-Service Weber GmbH", technician="Jana Weber", contact="0711 123456")


@pytest.fixture(scope="session")
def rendered() -> dict[tuple[str, str], bytes]:
    """(format, language) -> bytes of the fixed scan's report, compared with the scan before it."""
    out: dict[tuple[str, str], bytes] = {}
    for lang in ("de", "en"):
        for fmt in ("html", "md", "csv", "json", "pdf"):
            out[fmt, lang] = render(scan(), fmt, lang, BERLIN, changes=changes_between(previous(), scan()),
                                    meta=META)
    return out


@pytest.fixture(scope="session")
def hostile() -> dict[str, bytes]:
    changes = changes_between(previous(), scan(hostile=True))
    return {fmt: render(scan(hostile=True), fmt, "de", BERLIN, changes=changes, meta=META)
            for fmt in ("html", "md", "csv", "json", "pdf")}
