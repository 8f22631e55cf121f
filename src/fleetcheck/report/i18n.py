"""Languages of a report: gettext catalogs for words, Babel for dates and numbers.

The German catalog is kept as its `.po` source only and compiled in memory
the first time it is needed (Babel's own reader and compiler, a few
milliseconds): nothing to forget at build time, no stale `.mo` beside a newer
`.po`, and a plain `pip install` ships it as package data. `pybabel extract`
and `pybabel update` maintain the `.po` (see docs/reports.md).
"""

from __future__ import annotations

import datetime as dt
import gettext
from datetime import tzinfo
from functools import cache
from importlib import resources
from io import BytesIO

from babel.dates import format_date, format_datetime, get_timezone_name
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LANGUAGES = ("de", "en")
DOMAIN = "fleetcheck"
BABEL_LOCALE = {"de": "de_DE", "en": "en_GB"}  # en_GB: day before month, 24-hour clock


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of `lang`; English is the source language (the msgids themselves)."""
    if lang == "en":
        return gettext.NullTranslations()
    source = resources.files("fleetcheck.report").joinpath("locale", lang, "LC_MESSAGES", f"{DOMAIN}.po")
    with source.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)  # a fuzzy (unchecked) translation is never shown
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


class Lang:
    """Words, dates and numbers in one language and time zone."""

    def __init__(self, lang: str, tz: tzinfo) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}")
        self.code = lang
        self.locale = BABEL_LOCALE[lang]
        self.tz = tz
        self.catalog = translations(lang)

    def gettext(self, message: str) -> str:
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalog.ngettext(singular, plural, n)

    def datetime(self, ts: dt.datetime | None) -> str:
        if ts is None:
            return "–"
        return format_datetime(ts.astimezone(self.tz), "medium", tzinfo=self.tz, locale=self.locale)

    def short_datetime(self, ts: dt.datetime | None) -> str:
        if ts is None:
            return "–"
        return format_datetime(ts.astimezone(self.tz), "short", tzinfo=self.tz, locale=self.locale)

    def date(self, ts: dt.datetime | None) -> str:
        if ts is None:
            return "–"
        return format_date(ts.astimezone(self.tz).date(), "long", locale=self.locale)

    def zone_name(self) -> str:
        try:
            return get_timezone_name(self.tz, "long", locale=self.locale)
        except (LookupError, ValueError, AttributeError):
            return str(self.tz)

    def number(self, value: float | int | None, digits: int = 1) -> str:
        """A number with the locale's decimal mark; integers stay integers."""
        if value is None:
            return "–"
        if isinstance(value, int) or float(value).is_integer():
            return format_decimal(int(value), locale=self.locale)
        return format_decimal(round(float(value), digits), format=f"#,##0.{'#' * digits}",
                              locale=self.locale)
