"""CSV (one row per check), Markdown and JSON renderings of a report."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from babel.numbers import format_decimal

from fleetcheck.core.results import ScanResult
from fleetcheck.report.i18n import Lang
from fleetcheck.report.model import CheckView, Report
from fleetcheck.report.text import Cleaner, neutralise_formula
from fleetcheck.report.words import N_

BOM = "\ufeff"  # Excel reads UTF-8 (Umlaute) only with it
CSV_COLUMNS = (N_("Site"), N_("Device"), N_("Kind"), N_("Address"), N_("Check ID"), N_("Check"),
               N_("State"), N_("State code"), N_("Result"), N_("Why not"), N_("What would fix it"),
               N_("Value"), N_("Unit"), N_("Measurements"), N_("Checked"))


class GermanExcel(csv.excel):
    """What German spreadsheet programs open without an import dialogue: `;` between cells."""

    delimiter = ";"


def _plain_number(value: float | None, lang: Lang) -> str:
    if value is None:
        return ""
    return format_decimal(value, format="0.######", locale=lang.locale)  # no grouping: stays a number


def render_csv(report: Report, lang: Lang) -> bytes:
    _ = lang.gettext
    out = io.StringIO(newline="")
    writer = csv.writer(out, dialect=GermanExcel if lang.code == "de" else csv.excel)
    writer.writerow([_(c) for c in CSV_COLUMNS])
    for host in report.hosts:
        for c in host.checks:
            text = [host.site, host.name, host.kind, host.address, c.id, c.title, c.label, c.state_value,
                    c.summary, c.reason, c.fix]
            row = [neutralise_formula(t) for t in text]
            row += [_plain_number(c.value, lang), neutralise_formula(c.unit),
                    neutralise_formula(" · ".join(c.metrics)), host.checked]
            writer.writerow(row)
    return (BOM + out.getvalue()).encode("utf-8")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def md(text: str) -> str:
    """Inline Markdown text: markup characters escaped, HTML turned into entities, one line."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def code_span(text: str) -> str:
    """Inline code: shown literally by Markdown (no escapes needed), fenced past any backticks inside."""
    text = " ".join(str(text).split())
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    tick = "`" * (longest + 1)
    return f"{tick} {text} {tick}" if text.startswith("`") or text.endswith("`") else f"{tick}{text}{tick}"


def _fence(raw: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", raw)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{raw}\n{fence}"


def _check_lines(c: CheckView, lang: Lang, with_host: bool = True) -> str:
    who = f"**{md(c.host)}** · " if with_host else ""
    return f"- **{md(c.label)}** · {who}{md(c.title)}: {md(c.summary)}"


def render_markdown(report: Report, lang: Lang, show_supplies: bool) -> bytes:
    _ = lang.gettext
    lines: list[str] = [f"# {md(report.title)}: {md(report.customer)}", ""]
    facts = [(_("Period"), report.period), (_("Prepared by"), report.company),
             (_("Your technician"), report.technician), (_("Contact"), report.contact)]
    lines += [f"- {label}: {md(value)}" for label, value in facts if value]
    created = _("Created on %(when)s. All times in %(zone)s.") % {"when": report.generated,
                                                                   "zone": report.zone}
    overview = _("Overview")
    lines += [f"- {md(created)}", "", f"## {overview}", "",
              f"**{md(report.state_label)}: {md(report.verdict)}**", ""]
    if report.cancelled:
        lines += [_("This scan was stopped before every device was checked."), ""]
    if report.sites:
        lines += [f"| {_('Site')} | {_('State')} | {_('Devices')} |", "|---|---|---:|"]
        lines += [f"| {md(s.name)} | {md(s.label)} | {s.hosts} |" for s in report.sites]
        lines.append("")

    def section(title: str, items: list[CheckView], empty: str) -> None:
        lines.extend([f"## {title}", ""])
        lines.extend([_check_lines(c, lang) + (f" → {md(c.advice)}" if c.advice else "") for c in items]
                     or [empty])
        lines.append("")

    section(_("Needs action"), report.action, _("Nothing needs action right now."))
    section(_("Crashes and unexpected restarts"), report.crashes,
            _("No crashes and no unexpected restarts were found in this period on the devices that could "
              "be checked."))
    if show_supplies:
        section(_("Printer supplies to order"), report.supplies, _("No supplies need ordering."))
    lines += [f"## {_('Changes since the previous scan')}", ""]
    if not report.compared:
        lines.append(_("Not compared with an earlier scan: history was not used for this report."))
    elif not report.has_previous:
        lines.append(_("This is the first scan on record: there is nothing to compare with yet."))
    elif not report.changes:
        lines.append(_("Nothing changed since the previous scan."))
    for ch in report.changes:
        lines.append(f"- **{md(ch.label)}** · **{md(ch.host)}**" + (f": {md(ch.text)}" if ch.text else ""))
    lines += ["", f"## {_('What we could not check, and why')}", ""]
    if not (report.unreachable or report.unknown):
        lines.append(_("Every planned check could be carried out."))
    for h in report.unreachable:
        c = h.checks[0] if h.checks else None
        lines.append(f"- **{md(h.name)}**: {md(h.reachability)}" + (f": {md(h.why)}" if h.why else "")
                     + (f" → {md(c.fix)}" if c and c.fix else ""))
    for c in report.unknown:
        lines.append(f"- **{md(c.host)}** · {md(c.title)}: {md(c.reason)}"
                     + (f" → {md(c.fix)}" if c.fix else ""))
    for heading, items in ((_("Checks that do not apply"), report.not_applicable),
                           (_("Checks left out on purpose"), report.skipped)):
        if items:
            lines += ["", f"### {heading}", ""]
            lines += [f"- **{md(c.host)}** · {md(c.title)}: {md(c.reason or c.summary)}" for c in items]
    lines += ["", f"## {_('Findings per device')}", ""]
    checked = _("checked")
    for h in report.hosts:
        lines += [f"### {md(h.name)} ({md(h.label)})", "",
                  f"{md(h.kind)} · {md(h.address)} · {md(h.reachability)} · {checked} {md(h.checked)}", ""]
        for c in h.checks:
            lines.append(_check_lines(c, lang, with_host=False))
            if c.state_value not in ("OK", "NA", "SKIPPED"):
                if c.reason:
                    lines.append(f"  - {_('Why not')}: {md(c.reason)}")
                if c.fix:
                    lines.append(f"  - {_('What would fix it')}: {md(c.fix)}")
                for ev in c.evidence:
                    lines.append(f"  - {_('Evidence')}: {code_span(ev.source)} ({md(ev.observed)})")
                    if ev.raw:
                        lines += ["", *("    " + ln for ln in _fence(ev.raw).splitlines()), ""]
        lines.append("")
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def render_json(scan: ScanResult, clean: Cleaner) -> bytes:
    """The scan schema (docs/json-schema.md) with secrets removed; raw evidence otherwise exact.

    JSON escapes C0 controls itself; DEL, C1 and bidi controls are escaped here too (still the
    same string to a JSON reader, inert to anyone who views the file)."""
    data: Any = clean.redact_deep(scan.to_dict())
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return (_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n").encode("utf-8")

