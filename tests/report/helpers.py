"""Reading reports back the way a customer's tools would."""

from __future__ import annotations

import csv
import io
import subprocess
from html.parser import HTMLParser
from pathlib import Path


class Page(HTMLParser):
    """The elements and the visible text of an HTML report."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.chunks: list[str] = []
        self._skip = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("style", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())

    def names(self) -> set[str]:
        return {t for t, _ in self.tags}


def pdf_text(data: bytes, tmp: Path) -> list[str]:
    """The text of each page (pdftotext, layout kept)."""
    path = tmp / "report.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, timeout=60).stdout.decode("utf-8")
    return [p for p in out.split("\f") if p.strip()]


def csv_rows(data: bytes, lang: str) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM missing"
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";" if lang == "de" else ",")
    return list(reader)
