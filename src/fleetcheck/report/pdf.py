"""The PDF: the HTML report laid out by WeasyPrint (A4, header and page numbers on every page)."""

from __future__ import annotations

from typing import Any, NoReturn


class FetchRefused(Exception):
    pass


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    # the report is self-contained; anything that asks for a URL (there should be nothing) gets nothing
    raise FetchRefused(f"report resources are inline only, refused {url[:80]!r}")


def render_pdf(html: str) -> bytes:
    import logging

    from weasyprint import HTML  # type: ignore[import-untyped]  # late: loads Pango, only for PDFs

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # no per-font chatter on stderr
    document = HTML(string=html, url_fetcher=_no_fetch, base_url=None)
    data: bytes = document.write_pdf()
    return data
