"""The report's content, built once from a scan and shared by HTML, PDF, Markdown and CSV.

Every text here is already cleaned (no control characters, no secrets) and
translated; escaping for the output format is left to each renderer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from fleetcheck.core.engine import REACHABILITY_CHECK
from fleetcheck.core.i18n import render_check, render_result
from fleetcheck.core.results import CheckResult, Evidence, HostResult, Metric, ScanResult
from fleetcheck.core.states import Reachability, State
from fleetcheck.report.i18n import Lang
from fleetcheck.report.text import Cleaner
from fleetcheck.report.words import (
    CRASH_FAMILIES,
    DEFAULT_ADVICE,
    FAMILIES,
    KIND_LABELS,
    REACHABILITY_LABELS,
    STATE_LABELS,
    SUPPLY_FAMILIES,
    VERDICTS,
    family,
    item,
)
from fleetcheck.store.model import Changes

EVIDENCE_SHOWN = 1200  # characters of raw evidence per item in HTML/PDF/Markdown (the JSON keeps all)
SET_ASIDE = ("NA", "SKIPPED")  # states that judge nothing (N/A, skipped by the inventory)
ORDER = ("CRIT", "UNKNOWN", "WARN", "OK", "NA", "SKIPPED")  # worst first, as the roll-up ranks them


def css_state(state: State | str) -> str:
    value = state.value if isinstance(state, State) else state
    return value.lower()


@dataclass(frozen=True)
class Meta:
    """Who the report is for and from, and which time it covers."""

    customer: str | None = None
    company: str | None = None
    technician: str | None = None
    contact: str | None = None
    period_start: datetime | None = None  # the previous scan, if any
    period_end: datetime | None = None
    generated: datetime | None = None


@dataclass
class EvidenceView:
    source: str
    kind: str
    observed: str
    raw: str
    cut: bool  # shortened here or already when collected


@dataclass
class CheckView:
    id: str
    title: str
    state: str  # css key: ok, warn, crit, unknown, na, skipped
    state_value: str  # OK, WARN, ... (for CSV/JSON consumers)
    label: str
    summary: str
    details: str
    reason: str
    fix: str
    advice: str
    metrics: list[str]
    value: float | None  # the first metric's value, for CSV
    unit: str
    evidence: list[EvidenceView]
    host: str = ""
    site: str = ""


@dataclass
class HostView:
    name: str
    kind: str
    address: str
    site: str
    state: str
    label: str
    reachability: str
    reached: bool
    checked: str  # when
    checks: list[CheckView]
    counts: dict[str, int]
    why: str = ""  # for a host not reached: what happened, without the repeated reachability word


@dataclass
class SiteView:
    name: str
    state: str
    label: str
    hosts: int
    counts: dict[str, int]  # hosts per css state


@dataclass
class ChangeView:
    kind: str
    label: str
    host: str
    text: str
    state: str


@dataclass
class Report:
    lang: str
    title: str
    meta: Meta
    customer: str
    company: str
    technician: str
    contact: str
    period: str
    generated: str
    zone: str
    state: str
    state_label: str
    verdict: str
    cancelled: bool
    sites: list[SiteView]
    action: list[CheckView]
    crashes: list[CheckView]
    supplies: list[CheckView]
    changes: list[ChangeView]
    has_previous: bool
    compared: bool  # False: no history was at hand, so nothing could be compared
    hosts: list[HostView]
    unknown: list[CheckView]
    unreachable: list[HostView]
    not_applicable: list[CheckView]
    skipped: list[CheckView]
    counts: dict[str, int] = field(default_factory=dict)  # hosts per css state, for the chart
    check_total: int = 0


class Builder:
    def __init__(self, lang: Lang, clean: Cleaner) -> None:
        self.lang = lang
        self.clean = clean
        self._ = lang.gettext

    def state_label(self, state: State | str) -> str:
        value = state.value if isinstance(state, State) else state
        return self._(STATE_LABELS.get(value, value))

    def title_of(self, check_id: str) -> str:
        fam = family(check_id)
        title = self._(FAMILIES[fam][0]) if fam in FAMILIES else self.clean.line(fam)
        part = item(check_id)
        return f"{title} {self.clean.line(part)}" if part else title

    def metric(self, m: Metric) -> str:
        unit = self.clean.line(m.unit)
        value = self.lang.number(m.value) if m.value is not None else self._("not determined")
        return f"{self.clean.line(m.name)}: {value}{' ' + unit if unit else ''}"

    def evidence(self, e: Evidence) -> EvidenceView:
        raw = self.clean(e.raw)
        cut = e.truncated or len(raw) > EVIDENCE_SHOWN
        return EvidenceView(self.clean.line(e.source), self.clean.line(e.kind),
                            self.lang.datetime(e.observed),
                            raw[:EVIDENCE_SHOWN], cut)

    def check(self, host: HostResult, c: CheckResult) -> CheckView:
        fam = c.family
        text = render_check(c, self.lang.code)  # the check's own words in the reader's language
        judged_bad = c.state in (State.WARN, State.CRIT)
        advice = self._(FAMILIES[fam][1] if fam in FAMILIES else DEFAULT_ADVICE) if judged_bad else ""
        first = c.metrics[0] if c.metrics else None
        return CheckView(
            id=self.clean.line(c.id), title=self.title_of(c.id), state=css_state(c.state),
            state_value=c.state.value, label=self.state_label(c.state),
            summary=self.clean.line(text.summary), details=self.clean(c.details),
            reason=self.clean.line(text.reason or ""), fix=self.clean.line(text.fix or ""), advice=advice,
            metrics=[self.metric(m) for m in c.metrics],
            value=first.value if first is not None else None,
            unit=self.clean.line(first.unit) if first is not None else "",
            evidence=[self.evidence(e) for e in c.evidence],
            host=self.clean.line(host.name), site=self.clean.line(host.site or ""))

    def host(self, h: HostResult) -> HostView:
        checks = sorted((self.check(h, c) for c in h.checks),
                        key=lambda v: (ORDER.index(v.state_value) if v.state_value in ORDER else 9, v.id))
        counts = Counter(v.state for v in checks)
        why = ""
        if h.reachability is not Reachability.REACHABLE:
            found = next((c for c in h.checks if c.id == REACHABILITY_CHECK), None)
            if found is not None:
                # the reason alone, in the reader's language: its code is the summary's `why`
                # (a scan saved before codes existed has only the English "label: reason")
                said = render_result(found.params.get("why"), found.params, None, self.lang.code)
                text = render_check(found, self.lang.code)
                why = self.clean.line(said) if said else \
                    _strip_reachability(self.clean.line(text.reason or text.summary))
        return HostView(
            name=self.clean.line(h.name), kind=self._(KIND_LABELS.get(h.kind, h.kind)),
            address=self.clean.line(h.address), site=self.clean.line(h.site or ""),
            state=css_state(h.state), label=self.state_label(h.state),
            reachability=self._(REACHABILITY_LABELS.get(h.reachability.value, h.reachability.value)),
            reached=h.reachability is Reachability.REACHABLE, checked=self.lang.datetime(h.finished),
            checks=checks, counts=dict(counts), why=why)

    def changes(self, changes: Changes, hosts: list[HostView]) -> list[ChangeView]:
        """What changed, in the order a reader wants it: worse first, then better, then devices.
        New crashes are not repeated here: they have their own section. Texts are taken from the
        scan's own (translated) findings where the change names one of them."""
        _ = self._
        shown = {(h.name, c.id): c.summary for h in hosts for c in h.checks}
        why = {h.name: h.why for h in hosts if h.why}

        def said(host: str, check_id: str, english: str) -> str:
            return shown.get((self.clean.line(host), self.clean.line(check_id))) or self.clean.line(english)

        out: list[ChangeView] = []
        for f in changes.new_problems:
            title, summary = self.title_of(f.check_id), said(f.host, f.check_id, f.summary)
            if f.before in (State.WARN, State.CRIT):
                text = f"{title}: {self.state_label(f.before)} → {self.state_label(f.state)} – {summary}"
                out.append(ChangeView("worse", _("Worse"), self.clean.line(f.host), text, css_state(f.state)))
            else:
                out.append(ChangeView("new_problem", _("New problem"), self.clean.line(f.host),
                                      f"{title} – {summary}", css_state(f.state)))
        for hc in changes.became_unreachable:
            out.append(ChangeView("unreachable", _("No longer reachable"), self.clean.line(hc.host),
                                  why.get(self.clean.line(hc.host))
                                  or _strip_reachability(self.clean.line(hc.reason)),
                                  css_state(hc.after.host_state)))
        for f in changes.resolved:
            out.append(ChangeView("resolved", _("Resolved"), self.clean.line(f.host),
                                  f"{self.title_of(f.check_id)} – {said(f.host, f.check_id, f.summary)}",
                                  "ok"))
        for hc in changes.came_back:
            out.append(ChangeView("back", _("Reachable again"), self.clean.line(hc.host), "", "ok"))
        out += [ChangeView("new_host", _("New device"), self.clean.line(n), "", "unknown")
                for n in changes.new_hosts]
        out += [ChangeView("missing_host", _("Not scanned this time"), self.clean.line(n), "", "unknown")
                for n in changes.missing_hosts]
        return out


def _strip_reachability(text: str) -> str:
    """`connection refused` of `unreachable: connection refused`: the label already says it."""
    for reach in Reachability:
        prefix = reach.value.replace("_", " ") + ": "
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def _site_key(h: HostResult) -> str:
    return h.site or ""


def build(scan: ScanResult, changes: Changes | None, meta: Meta, lang: Lang, clean: Cleaner) -> Report:
    """The whole report. `changes.old` is None when there is no earlier scan to compare with."""
    b = Builder(lang, clean)
    _ = lang.gettext
    hosts = sorted(scan.hosts, key=lambda h: (-h.state.rank, h.name))
    host_views = [b.host(h) for h in hosts]
    all_checks = [c for hv in host_views for c in hv.checks]

    sites: list[SiteView] = []
    by_site: dict[str, list[HostResult]] = {}
    for h in scan.hosts:
        by_site.setdefault(_site_key(h), []).append(h)
    if len(by_site) > 1 or "" not in by_site:
        for name in sorted(by_site, key=lambda s: (s == "", s)):
            members = by_site[name]
            site_state = max((h.state for h in members), key=lambda s: s.rank)
            sites.append(SiteView(clean.line(name) or _("Without site"), css_state(site_state),
                                  b.state_label(site_state), len(members),
                                  dict(Counter(css_state(h.state) for h in members))))

    def worst_first(views: list[CheckView]) -> list[CheckView]:
        return sorted(views, key=lambda v: (ORDER.index(v.state_value) if v.state_value in ORDER else 9,
                                            v.host, v.id))

    action = worst_first([c for c in all_checks if c.state_value in ("CRIT", "WARN")
                          and family(c.id) not in CRASH_FAMILIES | SUPPLY_FAMILIES])
    crashes = worst_first([c for c in all_checks if c.state_value in ("CRIT", "WARN")
                           and family(c.id) in CRASH_FAMILIES])
    supplies = worst_first([c for c in all_checks if c.state_value in ("CRIT", "WARN")
                            and family(c.id) in SUPPLY_FAMILIES])
    unknown = [c for c in all_checks if c.state_value == "UNKNOWN" and c.id != REACHABILITY_CHECK]
    unreachable = [hv for hv in host_views if not hv.reached]

    start = meta.period_start or (changes.old.started if changes is not None and changes.old else None)
    end = meta.period_end or scan.finished
    if start is not None:
        period = _("{start} to {end}").format(start=lang.datetime(start), end=lang.datetime(end))
    else:
        period = _("scan of {when} (no earlier scan to compare with)").format(
            when=lang.datetime(scan.started))
    state = scan.state
    return Report(
        lang=lang.code, title=_("IT health report"), meta=meta,
        customer=clean.line(meta.customer or scan.customer or "") or _("(customer not named)"),
        company=clean.line(meta.company or ""), technician=clean.line(meta.technician or ""),
        contact=clean.line(meta.contact or ""), period=period,
        generated=lang.datetime(meta.generated or scan.finished), zone=lang.zone_name(),
        state=css_state(state), state_label=b.state_label(state),
        verdict=_(VERDICTS.get(state.value, VERDICTS["UNKNOWN"])), cancelled=scan.cancelled,
        sites=sites, action=action, crashes=crashes, supplies=supplies,
        changes=b.changes(changes, host_views) if changes is not None else [],
        has_previous=changes is not None and changes.old is not None, compared=changes is not None,
        hosts=host_views, unknown=unknown, unreachable=unreachable,
        not_applicable=[c for c in all_checks if c.state_value == "NA"],
        skipped=[c for c in all_checks if c.state_value == "SKIPPED"],
        counts=dict(Counter(hv.state for hv in host_views)), check_total=len(all_checks))
