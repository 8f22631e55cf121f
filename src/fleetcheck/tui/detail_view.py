"""What the host detail screen says, as Rich text (no Textual).

Every check with state, summary, thresholds, metrics and evidence; for
UNKNOWN the reason and fix; for a host that could not be reached what
happened and what to try (for an unknown host key the fingerprint and the
trust command); and the host's state across saved scans.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from rich.style import Style
from rich.text import Text

from fleetcheck.core.results import CheckResult, Evidence, Metric, ScanResult
from fleetcheck.core.states import Reachability, State
from fleetcheck.core.text import clean
from fleetcheck.tui.fleet import HostEntry
from fleetcheck.tui.formatting import age_text, stamp_text, state_label

RAW_LINES = 12  # raw excerpt lines shown per evidence item

REACH_HELP = {
    Reachability.UNREACHABLE: "Check that the host is switched on and on the network, that the address "
                              "is right, and that a firewall lets the scan through.",
    Reachability.SWITCHED_OFF: "No answer at all: the PC or printer is probably switched off or away. If it "
                               "should always be on, set 'always_on: true' for it in the inventory.",
    Reachability.TIMEOUT: "The host answered too slowly. Try again, or raise the host's timeout "
                          "(inventory) or --timeout.",
    Reachability.AUTH_FAILED: "Check the user and key (or password reference) in the inventory, and that "
                              "the key is in the host's authorized_keys.",
    Reachability.HOST_KEY_UNKNOWN: "fleetcheck does not know this host's SSH key, so nothing was run. "
                                   "Compare the fingerprint with the host's own (on its console), "
                                   "then trust it.",
    Reachability.HOST_KEY_CHANGED: "The host presents a different SSH key than recorded: possible "
                                   "interception, or the host was reinstalled. Verify on its console before "
                                   "changing known_hosts.",
    Reachability.NOT_CHECKED: "See the reason below. If the scan was cancelled or ran out of time, "
                              "rescan the host with r.",
}


@dataclass(frozen=True)
class HistoryPoint:
    when: datetime
    state: State
    reachability: Reachability


def history_points(scans: Sequence[ScanResult], host: str) -> list[HistoryPoint]:
    out = []
    for scan in scans:
        for h in scan.hosts:
            if h.name == host:
                out.append(HistoryPoint(scan.started, h.state, h.reachability))
    return out


class DetailWriter:
    def __init__(self, styles: dict[State | None, Style], tz: tzinfo | None, now: datetime) -> None:
        self.styles, self.tz, self.now = styles, tz, now
        self.text = Text()

    def line(self, *parts: tuple[str, Style | str | None] | str) -> None:
        # every part may hold host or inventory text: shown escaped, never able to act
        for part in parts:
            if isinstance(part, str):
                self.text.append(clean(part, None))
            else:
                self.text.append(clean(part[0], None), style=part[1] or "")
        self.text.append("\n")

    def heading(self, title: str) -> None:
        self.text.append("\n")
        self.line((title, "bold underline"))

    def state(self, state: State | None, reach: Reachability | None = None) -> tuple[str, Style | None]:
        return state_label(state, reach), self.styles.get(state)

    def evidence(self, ev: Evidence, indent: str) -> None:
        observed = stamp_text(ev.observed, self.tz)
        self.line(f"{indent}{ev.kind}: ", (ev.source, "bold"), f"  (observed {observed})")
        lines = ev.raw.splitlines() or [""]
        for raw in lines[:RAW_LINES]:
            self.line((f"{indent}  │ ", "dim"), raw)
        more = len(lines) - RAW_LINES
        if more > 0 or ev.truncated:
            self.line((f"{indent}  │ … excerpt shortened"
                       + (f" ({more} more lines)" if more > 0 else ""), "dim"))

    def metric(self, m: Metric, indent: str) -> None:
        value = "unknown" if m.value is None else f"{m.value:g}{m.unit}"
        limits = [f"warn {m.warn}" if m.warn else "", f"crit {m.crit}" if m.crit else "",
                  f"min {m.min:g}" if m.min is not None else "",
                  f"max {m.max:g}" if m.max is not None else ""]
        extra = ", ".join(x for x in limits if x)
        self.line(f"{indent}{m.name} = {value}" + (f"  ({extra})" if extra else ""))

    def check(self, c: CheckResult) -> None:
        self.line(self.state(c.state), "  ", (c.id, "bold"), "  ", c.summary)
        ind = "    "
        thresholds = [f"{m.name}: warn {m.warn or '—'}, crit {m.crit or '—'}" for m in c.metrics
                      if m.warn or m.crit]
        if thresholds:
            self.line(f"{ind}thresholds: " + "; ".join(thresholds))
        if c.reason:
            label = "why unknown: " if c.state is State.UNKNOWN else "reason: "
            self.line(f"{ind}", (label, "bold"), c.reason)
        if c.fix:
            self.line(f"{ind}", ("fix: ", "bold"), c.fix)
        for detail in c.details.splitlines():
            self.line(f"{ind}{detail}")
        if c.metrics:
            self.line(f"{ind}metrics:")
            for m in c.metrics:
                self.metric(m, ind + "  ")
        if c.evidence:
            self.line(f"{ind}evidence:")
            for ev in c.evidence:
                self.evidence(ev, ind + "  ")
        else:
            self.line(f"{ind}evidence: none recorded")


def _fact(value: object) -> str:
    # a detected fact ({"text": "virtual machine (kvm)", "evidence": [...]}) reads as its verdict and why
    if isinstance(value, dict) and "text" in value:
        why = value.get("evidence") or []
        return str(value["text"]) + (f"  (evidence: {_fact(why)})" if why else "")
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


def _is_key_fact(name: str) -> bool:
    # the SSH collector reports the offered key as facts["host_key"] = "ssh-ed25519 SHA256:..."
    return name == "host_key" or "fingerprint" in name.lower()


def _fingerprints(facts: dict[str, object]) -> list[tuple[str, str]]:
    return [("host key offered (fingerprint)" if k == "host_key" else k, str(v))
            for k, v in facts.items() if _is_key_fact(k)]


def render_detail(entry: HostEntry, history: Sequence[HistoryPoint] | None, styles: dict[State | None, Style],
                  tz: tzinfo | None, now: datetime, history_error: str | None = None) -> Text:
    """The detail text; `history` None means still being read, `history_error` that it failed."""
    w = DetailWriter(styles, tz, now)
    host, result = entry.host, entry.result
    where = [host.kind, host.address] + ([f"site {host.site}"] if host.site else [])
    if host.tags:
        where.append("tags " + ", ".join(host.tags))
    w.line((host.name, "bold"), "  " + " · ".join(where))
    if entry.customer is not None:  # central view: whose host this is
        w.line(("customer ", "dim"), entry.customer)
    if host.source:
        w.line(("defined at ", "dim"), (host.source, "dim"))
    if result is None:
        w.line(w.state(None), "  ", "scanning now…" if entry.scanning else "not checked yet")
    else:
        counts = result.check_counts
        shown = [State.CRIT, State.WARN, State.UNKNOWN, State.OK]
        shown += [s for s in (State.NA, State.SKIPPED) if counts[s]]  # no verdict: only when there are any
        tally = ", ".join(f"{counts[s]} {s.label}" for s in shown)
        n = len(result.checks)
        w.line(w.state(result.state, result.reachability), f"  {n} check{'' if n == 1 else 's'}: {tally}"
               f" · checked {stamp_text(entry.checked_at, tz)} ({age_text(entry.checked_at, now)} ago)"
               + (" · rescanning…" if entry.scanning else ""))
        if result.reachability is not Reachability.REACHABLE:
            _connection(w, entry)
        checks = sorted(result.checks, key=lambda c: -c.state.rank)
        w.heading(f"Checks ({len(checks)}, worst first)")
        if not checks:
            w.line("  no checks ran: there is no evidence, so the host is UNKNOWN, not OK")
        for c in checks:
            w.check(c)
        printer = result.facts.get("printer") if result.reachability is Reachability.REACHABLE else None
        if isinstance(printer, dict) and printer.get("supplies"):
            w.heading("Supplies")
            for supply in printer["supplies"]:
                if isinstance(supply, dict):
                    supply_bar(w, supply)
        if result.reachability is Reachability.REACHABLE and result.facts:
            w.heading("Facts")
            for k, v in result.facts.items():
                w.line(f"  {k}: ", _fact(v))
    w.heading("History (saved scans)")
    if history_error:
        w.line("  could not read the saved scans: ", history_error)
    elif history is None:
        w.line("  reading…")
    elif not history:
        w.line("  no saved scans yet")
    else:
        for p in history[:20]:
            w.line(f"  {stamp_text(p.when, tz)}  ", w.state(p.state, p.reachability),
                   "" if p.reachability is Reachability.REACHABLE else f"  ({p.reachability.value})")
    return w.text


BAR_WIDTH = 20
# the supply's own colour; black drawn grey so it shows on dark themes too
SUPPLY_COLOURS = {"black": "grey50", "cyan": "cyan", "magenta": "magenta", "yellow": "yellow"}
SPECIAL_LEVELS = {-1: "no restriction reported", -2: "level unknown", -3: "some remaining"}


def supply_bar(w: DetailWriter, supply: dict[str, object]) -> None:
    """One supply as a level bar in its colour: known percent only, never a made-up one."""
    name = str(supply.get("name") or "supply")
    colour = supply.get("colour")
    style = SUPPLY_COLOURS.get(str(colour), "blue") if colour else "blue"
    pct = supply.get("percent")
    receptacle = bool(supply.get("receptacle"))
    label = f"  {name}" + (f" ({colour})" if colour else "") + (" [waste: space left]" if receptacle else "")
    if isinstance(pct, int | float):
        filled = round(BAR_WIDTH * max(0.0, min(100.0, float(pct))) / 100)
        w.line((f"  {'█' * filled}", style), ("░" * (BAR_WIDTH - filled), "dim"), f" {pct:g} %", label)
    else:
        level = supply.get("level")
        text = SPECIAL_LEVELS.get(level, "no percentage: the printer gives no maximum") if isinstance(
            level, int) else "level not reported"
        w.line(("  " + "·" * BAR_WIDTH, "dim"), f" {text}", label)


def _connection(w: DetailWriter, entry: HostEntry) -> None:
    result = entry.result
    assert result is not None
    reach = result.reachability
    w.heading("Connection")
    reach_check = next((c for c in result.checks if c.id == "host.reachability"), None)
    happened = reach_check.summary if reach_check is not None else reach.value.replace("_", " ")
    w.line("  ", ("what happened: ", "bold"), happened)
    fix = reach_check.fix if reach_check is not None else None
    if fix:
        w.line("  ", ("what to try: ", "bold"), fix)
    help_text = REACH_HELP.get(reach)
    if help_text and not (fix and reach is Reachability.NOT_CHECKED):
        w.line("  ", ("also: " if fix else "what to try: ", "bold"), help_text)
    if reach in (Reachability.HOST_KEY_UNKNOWN, Reachability.HOST_KEY_CHANGED):
        prints = _fingerprints(result.facts)
        for key, value in prints:
            w.line("  ", (f"{key}: ", "bold"), value)
        if not prints:
            w.line("  fingerprint: not reported by the collector; `fleetcheck trust` shows it")
        if reach is Reachability.HOST_KEY_UNKNOWN:
            w.line("  ", ("trust it: ", "bold"), (f"fleetcheck trust {shlex.quote(entry.host.name)}", "bold"))
    other = {k: v for k, v in result.facts.items() if not _is_key_fact(k)}
    for k, v in other.items():
        w.line(f"  {k}: ", _fact(v))
