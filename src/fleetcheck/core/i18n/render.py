"""Rendering message codes: templates, locale number formats, the German catalog.

Templates are `str.format` strings over named parameters. A parameter's format
spec says how to show it in the reader's language (Babel does the locale work):

  {x}            as text
  {x:.1f}        a number with that many decimals, locale separators (93,1)
  {x:d}          a whole number with grouping (1.234)
  {x:bytes}      bytes in binary units (37,4 GiB)
  {x:dur}        seconds as a coarse duration (3 d 4 h / 3 T 4 Std.)
  {x:list}       a list of texts joined with ", "
  {x:levels}     thresholds a value was judged against, a dict made by `levels_param`
  {x:p:one|many} a count with its noun: "1 unit", "2 units"
  {x:s:one|many} only the noun, singular or plural by the count x
  {x:msg}        another message: x is its code, rendered with the same parameters (None: nothing)
  {x:msgs}       several such messages, joined with "; "
  {x:part}       a message with parameters of its own: x is {"code": ..., **params} (None: nothing)
  {x:each:SEP}   a list of such messages, joined with SEP ("{x:each:, }")

The German translations live in `de.po` (msgctxt = the code, msgid = the
English template), read with Babel at first use: the gettext format every
translation tool knows, and no compile step at build time (a .mo adds nothing
for ~200 short messages). A code without a German entry falls back to English,
and `translation_missing` lets a test find every such code.
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from fleetcheck.core.i18n.messages import MESSAGES
from fleetcheck.core.results import CheckResult

LANGUAGES = ("en", "de")
PO_FILES = {"de": Path(__file__).with_name("de.po")}


@dataclass(frozen=True)
class Message:
    """A finding's text as data: a code from MESSAGES and the parameters its template uses."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in MESSAGES:
            raise KeyError(f"unknown message code {self.code!r}: add it to core/i18n/messages.py")

    @property
    def en(self) -> str:
        return render(self, "en")


def msg(code: str, **params: Any) -> Message:
    return Message(code, params)


@cache
def _catalog(lang: str) -> dict[str, tuple[str, str]]:
    """code -> (English msgid, translation) for non-fuzzy, non-empty entries."""
    path = PO_FILES.get(lang)
    if path is None:
        return {}
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    out = {}
    for m in catalog:
        if m.context and m.string and not m.fuzzy and isinstance(m.id, str) and isinstance(m.string, str):
            out[m.context] = (m.id, m.string)
    return out


def template(code: str, lang: str) -> tuple[str, bool]:
    """The template for `code` in `lang`, and whether it is a fallback to English.

    A translation counts only while its msgid is the current English template:
    a changed English text must not keep showing an outdated German one.
    """
    english = MESSAGES[code]
    if lang == "en":
        return english, False
    found = _catalog(lang).get(code)
    if found is None or found[0] != english:
        return english, True
    return found[1], False


def translation_missing(lang: str) -> list[str]:
    """Codes that would fall back to English in `lang`."""
    return [code for code in MESSAGES if template(code, lang)[1]]


# --- locale formats ------------------------------------------------------------------------

_LOCALE = {"en": "en_US", "de": "de_DE"}
_BYTE_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")
_DURATION = {"en": ("d", "h", "min", "s"), "de": ("T", "Std.", "Min.", "s")}
_RANGE_WORDS = {
    "en": {"warn": "warn", "crit": "crit", "within": "within", "outside": "outside",
           "none": "no thresholds set"},
    "de": {"warn": "Warnschwelle", "crit": "kritische Schwelle", "within": "innerhalb",
           "outside": "außerhalb", "none": "keine Schwellwerte gesetzt"},
}


def number(value: float, lang: str, decimals: int | None = None, group: bool = True) -> str:
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else "-∞"
    # decimals None: as short as the value is (80, 0.5)
    whole = "#,##0" if group else "0"
    fmt = whole + (".######" if decimals is None else "." + "0" * decimals if decimals else "")
    return format_decimal(value, format=fmt, locale=_LOCALE[lang])


def human_bytes(n: float, lang: str) -> str:
    value = float(n)
    for unit in _BYTE_UNITS:
        if abs(value) < 1024 or unit == _BYTE_UNITS[-1]:
            return f"{number(value, lang, 0 if unit == 'B' else 1)} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def human_duration(seconds: float, lang: str) -> str:
    d_, h_, m_, s_ = _DURATION[lang]
    s = max(0, int(seconds))
    days, rest = divmod(s, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} {d_} {hours} {h_}"
    if hours:
        return f"{hours} {h_} {minutes} {m_}"
    if minutes:
        return f"{minutes} {m_}"
    return f"{secs} {s_}"


def _range_text(rng: Mapping[str, Any], lang: str) -> str:
    """When a range alerts, in words: '> 90', '< 20', 'outside 10..20', 'within 10..20'."""
    words = _RANGE_WORDS[lang]
    lo = -math.inf if rng.get("start") is None else float(rng["start"])
    hi = math.inf if rng.get("end") is None else float(rng["end"])
    inside = bool(rng.get("inside"))
    if inside:
        if math.isinf(hi):
            return f"≥ {number(lo, lang)}"
        if math.isinf(lo):
            return f"≤ {number(hi, lang)}"
        return f"{words['within']} {number(lo, lang)}..{number(hi, lang)}"
    if math.isinf(hi):
        return f"< {number(lo, lang)}"
    if math.isinf(lo) or lo == 0:
        return f"> {number(hi, lang)}"
    return f"{words['outside']} {number(lo, lang)}..{number(hi, lang)}"


def levels_text(levels: Mapping[str, Any], lang: str) -> str:
    """'> crit 90' for the range that fired; '(warn > 80, crit > 90)' when none did."""
    words = _RANGE_WORDS[lang]
    fired = levels.get("fired")
    if fired in ("warn", "crit") and levels.get(fired) is not None:
        op, _, bound = _range_text(levels[fired], lang).partition(" ")
        return f"{op} {words[fired]} {bound}"
    parts = [f"{words[k]} {_range_text(levels[k], lang)}" for k in ("warn", "crit") if levels.get(k)]
    return f"({', '.join(parts)})" if parts else f"({words['none']})"


class _Formatter(string.Formatter):
    def __init__(self, lang: str, params: Mapping[str, Any]) -> None:
        self.lang = lang
        self.params = params

    def format_field(self, value: Any, spec: str) -> str:
        lang = self.lang
        if spec == "msg":  # None: nothing (an optional part)
            return "" if value is None else render(Message(value, self.params), lang)
        if spec == "msgs":  # several messages, one after the other
            return "; ".join(render(Message(code, self.params), lang) for code in value)
        if spec == "part":  # a message with its own parameters (a status word, a list item)
            return "" if value is None else render(part_message(value), lang)
        if spec.startswith("each:"):
            return spec[5:].join(render(part_message(v), lang) for v in value)
        if spec.startswith("s:"):
            one, _, many = spec[2:].partition("|")
            return one if value == 1 else many
        if spec.startswith("p:"):
            one, _, many = spec[2:].partition("|")
            return f"{number(value, lang)} {one if value == 1 else many}"
        if spec == "bytes":
            return human_bytes(value, lang)
        if spec == "dur":
            return human_duration(value, lang)
        if spec == "list":
            return ", ".join(str(v) for v in value)
        if spec == "levels":
            return levels_text(value, lang)
        if spec == "d":
            return number(value, lang, 0)
        if spec.startswith(".") and spec.endswith("f"):
            # a measured value: English as Python prints it (1200.5), other languages grouped
            return number(value, lang, int(spec[1:-1]), group=lang != "en")
        if spec == "n":
            return number(value, lang)
        if isinstance(value, bool) or value is None:
            return str(value)
        return str(super().format_field(value, spec))


def part(code: str, **params: Any) -> dict[str, Any]:
    """A `{x:part}` / `{x:each:SEP}` parameter: a message with its own parameters, as plain data
    (it travels in a result's params through JSON and the history store)."""
    Message(code, params)  # an unknown code is refused here, when the check builds it
    return {"code": code, **params}


def part_message(value: Mapping[str, Any]) -> Message:
    params = dict(value)
    return Message(params.pop("code"), params)


def render(message: Message, lang: str = "en") -> str:
    text, _fallback = template(message.code, lang)
    params = dict(message.params)
    return _Formatter(lang if lang in _LOCALE else "en", params).vformat(text, (), params)


# The checks' names in words, as the probes pass them ("kernel errors"): their message codes.
WHAT = {
    "application crashes": "what.crashes", "disk health (SMART)": "what.smart", "disk health": "what.disks",
    "failed services": "what.services", "filesystem usage": "what.fs", "inodes": "what.inodes",
    "kernel errors": "what.kernel", "kernel panics": "what.panics", "memory pressure": "what.pressure",
    "memory": "what.memory", "pending reboot": "what.reboot_pending", "software RAID": "what.raid",
    "temperatures": "what.temperatures", "unexpected reboots": "what.reboots",
    "unexpected shutdowns": "what.shutdowns", "uptime": "what.uptime", "CPU load": "what.load",
    "read-only mounts": "what.readonly", "OOM kills": "what.oom", "clock sync": "what.clock",
    "volumes": "what.volumes", "automatic services": "what.auto_services",
    "unexpected shutdowns (System log)": "what.win_shutdowns",
    "disk and NTFS errors (System log)": "what.win_disk",
    "application crashes (Application log)": "what.win_apps", "antivirus status": "what.av",
    "Windows updates": "what.win_updates", "print queues": "what.print_queues",
    "print jobs": "what.print_jobs",
}


def what_params(what: str) -> dict[str, Any]:
    """`{what:msg}` parameters for a check named in words; a name without a code is refused
    (KeyError): a finding naming it could not be said in German."""
    if what.startswith("SMART of "):
        return {"what": "what.smart_of", "what_item": what.removeprefix("SMART of ")}
    code = WHAT.get(what)
    if code is None:
        raise KeyError(f"no message code for the check name {what!r}: add it to WHAT (core/i18n/render.py)")
    return {"what": code}


def render_result(code: str | None, params: Mapping[str, Any], english: str | None,
                  lang: str) -> str | None:
    """One of a result's texts in `lang`: from its code where it has one, else its English text
    (a result saved by another version may carry a code this one does not know)."""
    if code is None or code not in MESSAGES:
        return english
    try:
        return render(Message(code, params), lang)
    except (KeyError, TypeError, ValueError, AttributeError):
        # saved by another version: a part's code this one does not know, or parameters of
        # another shape (printer words were pre-written English text before they had codes)
        return english


@dataclass(frozen=True)
class Rendered:
    summary: str
    reason: str | None
    fix: str | None


def render_check(check: CheckResult, lang: str) -> Rendered:
    """A CheckResult's summary, reason and fix in `lang` (English where it carries no code)."""
    p = check.params
    summary = render_result(check.code, p, check.summary, lang)
    assert summary is not None
    return Rendered(summary, render_result(check.reason_code, p, check.reason, lang),
                    render_result(check.fix_code, p, check.fix, lang))
