"""The HTML report: one self-contained file (inline CSS and SVG, no scripts, nothing fetched).

Jinja2 with autoescaping on: every value from a host or an inventory is text,
never markup. The same HTML is the source of the PDF.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from fleetcheck import __version__
from fleetcheck.report.i18n import translations
from fleetcheck.report.model import Report
from fleetcheck.report.words import N_

FILLS = {"ok": "#2e7d32", "warn": "#f2b600", "crit": "#c62828", "unknown": "#78909c", "na": "#bdbdbd",
         "skipped": "#bdbdbd"}
BAR_ORDER = ("crit", "unknown", "warn", "ok")
# lower-case words after a count ("3 critical")
STATE_WORDS = {"crit": N_("critical"), "warn": N_("with warnings"), "unknown": N_("not fully checkable"),
               "ok": N_("without findings")}


def css_string(text: str) -> Markup:
    """A CSS string literal; our own translated words only, quoted and escaped all the same."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,-" else f"\\{ord(ch):x} " for ch in str(text))
    return Markup(f'"{escaped}"')


def bar(counts: dict[str, int], total: int, width: int = 260, height: int = 14) -> Markup:
    """A stacked bar of hosts per state (numbers only from our own counts: nothing to escape)."""
    if total <= 0:
        return Markup("")
    parts, x = [], 0.0
    for key in BAR_ORDER:
        n = int(counts.get(key, 0))
        if n <= 0:
            continue
        w = width * n / total
        parts.append(f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="{height}" fill="{FILLS[key]}"/>')
        x += w
    return Markup(f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
                  f'xmlns="http://www.w3.org/2000/svg" role="img">{"".join(parts)}'
                  f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="none" '
                  f'stroke="#90a4ae"/></svg>')


@cache
def _environment(lang: str) -> Environment:
    env = Environment(loader=PackageLoader("fleetcheck.report", "templates"), autoescape=True,
                      undefined=StrictUndefined, extensions=["jinja2.ext.i18n"],
                      trim_blocks=False, lstrip_blocks=False)
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["css_string"] = css_string
    env.globals.update(bar=bar, fills=FILLS)
    return env


@cache
def stylesheet() -> str:
    return resources.files("fleetcheck.report").joinpath("templates", "report.css").read_text("utf-8")


def render_html(report: Report, show_supplies: bool) -> str:
    env = _environment(report.lang)
    gettext = translations(report.lang).gettext
    context: dict[str, Any] = {
        "report": report, "css": Markup(stylesheet()), "version": __version__,
        "state_words": {k: gettext(v) for k, v in STATE_WORDS.items()}, "show_supplies": show_supplies,
    }
    return env.get_template("report.html.j2").render(context)
