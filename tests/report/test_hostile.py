"""Text from a host is inert in every format: no markup, no terminal or formula control, no secrets."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from .fixture import scan
from .helpers import Page, csv_rows, pdf_text

FORMULA = ("=", "+", "-", "@", "\t", "\r")


def test_html_shows_hostile_text_as_text(hostile: dict[str, bytes]) -> None:
    html = hostile["html"].decode("utf-8")
    page = Page(html)
    assert "script" not in page.names()  # no element came from the host
    assert "<script>alert(1)</script>" in page.text  # shown, as text
    assert "\x1b" not in html and "\x07" not in html and "\u202e" not in html
    assert "\\x1b[31m" in page.text  # the escape byte is visible, not acted on
    assert "\\u202e" in page.text


def test_pdf_shows_hostile_text_as_text(hostile: dict[str, bytes], tmp_path: Path) -> None:
    text = "\n".join(pdf_text(hostile["pdf"], tmp_path))
    assert "<script>alert(1)</script>" in text


def test_csv_cells_never_start_a_formula(hostile: dict[str, bytes]) -> None:
    rows = csv_rows(hostile["csv"], "de")
    cells = [cell for row in rows[1:] for cell in row]
    assert any(cell.startswith("'=cmd") for cell in cells)  # neutralised, still readable
    assert any(cell.startswith("'+reason") for cell in cells)
    assert any(cell.startswith("'@fix") for cell in cells)
    for cell in cells:
        assert not cell.startswith(FORMULA), cell
        assert "\x1b" not in cell and "\x07" not in cell
    assert len({len(r) for r in rows}) == 1  # quoting kept every row's columns together


def test_markdown_escapes_markup(hostile: dict[str, bytes]) -> None:
    text = hostile["md"].decode("utf-8")
    # code blocks (indented) and code spans show their content literally: markup there is inert
    outside_code = re.sub(r"(`+).*?\1", "", "\n".join(line for line in text.splitlines()
                                                    if not line.startswith("    ")))
    assert "<script>" not in outside_code and "&lt;script&gt;" in outside_code
    assert "*bold*" not in outside_code and "\\*bold\\*" in outside_code
    assert "\x1b" not in text and "\x07" not in text


def test_json_is_the_scan_as_saved(hostile: dict[str, bytes]) -> None:
    raw = hostile["json"]
    assert b"\x1b" not in raw and b"\x07" not in raw and "\u202e".encode() not in raw
    data = json.loads(raw)
    saved = scan(hostile=True).hosts[-1]  # the core escaped the controls where the result was made
    host = next(h for h in data["hosts"] if h["name"] == saved.name)
    assert host["name"].startswith("pc-<script>") and "\\x1b[31m" in host["name"]
    assert host["checks"][0]["evidence"][0]["raw"] == saved.checks[0].evidence[0].raw


def test_long_hostile_words_stay_on_the_page(hostile: dict[str, bytes], tmp_path: Path) -> None:
    """A host name without spaces used to widen its table past the right page edge."""
    path = tmp_path / "hostile.pdf"
    path.write_bytes(hostile["pdf"])
    boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True,
                           timeout=60).stdout.decode("utf-8")
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))  # type: ignore[union-attr]
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes))
    assert right <= width - 30, (right, width)  # inside the right margin (16 mm = 45 pt)
