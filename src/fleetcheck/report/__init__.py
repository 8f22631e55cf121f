"""Reports for the customer: HTML, PDF, Markdown, CSV and JSON, in German or English.

A front end like the CLI and the dashboard: it reads a finished ScanResult
(and the scan before it, for what changed) and never runs a scan itself. The
core never imports this package. See docs/reports.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo

from fleetcheck.core.results import ScanResult
from fleetcheck.report.i18n import LANGUAGES, Lang
from fleetcheck.report.model import Meta, Report, build
from fleetcheck.report.text import Cleaner
from fleetcheck.store.model import Changes

FORMATS = ("html", "pdf", "md", "csv", "json")
SUFFIXES = {"html": ".html", "pdf": ".pdf", "md": ".md", "csv": ".csv", "json": ".json"}

__all__ = ["FORMATS", "LANGUAGES", "SUFFIXES", "Meta", "Report", "render"]


def render(scan: ScanResult, fmt: str, lang: str, tz: tzinfo, *, changes: Changes | None = None,
           meta: Meta | None = None, secrets: Iterable[str] = ()) -> bytes:
    """The report as the bytes of a file in format `fmt`; `changes` from the store (None: not known)."""
    from fleetcheck.report import tabular

    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}")
    secrets = tuple(secrets)
    clean = Cleaner(secrets)
    if fmt == "json":
        return tabular.render_json(scan, clean)
    language = Lang(lang, tz)
    report = build(scan, changes, meta or Meta(customer=scan.customer), language, clean)
    show_supplies = bool(report.supplies) or any(h.kind in ("printer", "printserver") for h in scan.hosts)
    if fmt == "csv":
        return tabular.render_csv(report, language)
    if fmt == "md":
        return tabular.render_markdown(report, language, show_supplies)
    from fleetcheck.report.html import render_html

    html = render_html(report, show_supplies)
    if fmt == "html":
        return html.encode("utf-8")
    from fleetcheck.report.pdf import render_pdf

    return render_pdf(html)
