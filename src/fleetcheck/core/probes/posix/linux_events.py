"""Linux crash-event families from the probe's sections: reboots, kernel errors, OOM kills, coredumps.

With systemd the journal is the source (30 days fetched, the window applied
here); a journal the user may not read is UNKNOWN with the group hint, and
kernel lines then come from dmesg if that is allowed. Without systemd, dmesg
(current boot only, said so) and wtmp answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from fleetcheck.core.checks import (
    Text,
    coredumps,
    fix_of,
    kernel,
    msg,
    oom,
    reason_of,
    reboots,
    unknown,
)
from fleetcheck.core.checks.journal import (
    LogEntry,
    parse_dmesg,
    parse_dmesg_raw,
    parse_journal_json,
    parse_syslog_kernel,
)
from fleetcheck.core.i18n import Message, what_params
from fleetcheck.core.probes.posix.family import Ctx, guarded
from fleetcheck.core.probes.posix.linux_state import meminfo_values
from fleetcheck.core.probes.posix.sections import Section, no_section, problem, unparsable
from fleetcheck.core.results import CheckResult, Evidence

JOURNAL_DENIED = ("insufficient permissions", "not seeing messages from other users")
DMESG_ONLY = "kernel log read with dmesg: it covers the current boot only"
MESSAGES = "kernel log read from /var/log/messages (BusyBox syslogd)"
KERNEL_LINES = 3000  # the script's `journalctl -n` for the kernel log


def journal_denied(section: Section | None) -> bool:
    return section is not None and section.stderr_says(*JOURNAL_DENIED)


def _journal_fix(ctx: Ctx) -> Message:
    """The group hint, naming the scan user the host reported (a fact from the host, not the inventory)."""
    user = ctx.out.meta.get("user", "")
    return msg("journal.denied.fix", scan_user=user) if user.replace("-", "").replace("_", "").isalnum() \
        else msg("journal.denied.fix", scan_user="USER")


def _denied_result(check_id: str, what: str, section: Section, ctx: Ctx) -> CheckResult:
    excerpt = next((s for s in section.stderr if any(d in s.lower() for d in JOURNAL_DENIED)), "")
    summary = msg("journal.denied", **what_params(what))
    reason = msg("journal.denied.reason", excerpt=excerpt[:160]) if excerpt else msg("journal.denied.own")
    return unknown(check_id, summary, reason, _journal_fix(ctx), [section.evidence(ctx.observed)])


def boots(ctx: Ctx, systemd: bool) -> list[CheckResult]:
    what = "unexpected reboots"
    if not systemd:
        wtmp = ctx.sec("wtmp")
        bad = problem(wtmp, reboots.CHECK_ID, what, ctx.observed)
        boot, up = ctx.boot_time(), ctx.sec("uptime")
        if bad is not None and wtmp is not None and boot is not None and up is not None:
            # BusyBox's last has no -x: /proc/uptime still proves "no reboot" for an older boot
            return [reboots.check_uptime_only(boot, ctx.since(reboots.CHECK_ID),
                                              [up.evidence(ctx.observed), wtmp.evidence(ctx.observed)],
                                              reason_of(bad), fix_of(bad))]
        if bad is not None or wtmp is None:
            return [bad or no_section(reboots.CHECK_ID, what)]
        return guarded(ctx, wtmp, reboots.CHECK_ID, what, lambda: reboots.parse_wtmp(wtmp.text),
                       lambda records: reboots.check_wtmp(records, ctx.since(reboots.CHECK_ID), ctx.until,
                                                          ctx.thresholds,
                                                          wtmp.evidence(ctx.observed)))
    sec = ctx.sec("boots")
    if sec is None:
        return [no_section(reboots.CHECK_ID, what)]
    if journal_denied(sec):
        return [_denied_result(reboots.CHECK_ID, what, sec, ctx)]
    bad = problem(sec, reboots.CHECK_ID, what, ctx.observed, fix_denied=_journal_fix(ctx))
    if bad is not None:
        return [bad]
    jdir = ctx.sec("journal_dir")
    persistent = None if jdir is None or jdir.missing else jdir.exit_status == 0

    evidence = [sec.evidence(ctx.observed)]
    Read = tuple[list[reboots.Boot], dict[str, Sequence[LogEntry] | None]]

    def parse() -> Read:
        listed = reboots.parse_list_boots(sec.text)
        tails: dict[str, Sequence[LogEntry] | None] = {}
        for boot in listed:
            if boot.index >= 0:
                continue
            tail = ctx.sec("boot_tail", str(boot.index))
            if tail is None or tail.exit_status != 0:
                tails[boot.boot_id] = None
                continue
            entries = parse_journal_json(tail.text)
            if entries and entries[-1].boot_id and entries[-1].boot_id.replace("-", "") != boot.boot_id:
                tails[boot.boot_id] = None  # the journal changed between the two calls
                continue
            tails[boot.boot_id] = entries
            evidence.append(tail.evidence(ctx.observed, raw="\n".join(
                f"{e.identifier}: {e.message}" for e in entries[-8:])))
        return listed, tails

    return guarded(ctx, sec, reboots.CHECK_ID, what, parse, lambda read: reboots.check_boots(
        *read, ctx.since(reboots.CHECK_ID), ctx.until, ctx.thresholds, evidence, persistent))


def _kernel_source(ctx: Ctx, systemd: bool) -> tuple[Section | None, list[LogEntry] | None, str,
                                                       CheckResult | None]:
    """(section, entries, coverage note, UNKNOWN template) for the kernel log."""
    journal = ctx.sec("kernel_log") if systemd else None
    dmesg = ctx.sec("dmesg")
    if journal is not None and not journal_denied(journal):
        bad = problem(journal, kernel.CHECK_ID, "kernel errors", ctx.observed)
        if bad is not None:
            return journal, None, "", bad
        try:
            return journal, parse_journal_json(journal.text), "", None
        except ValueError as exc:
            return journal, None, "", unparsable(journal, kernel.CHECK_ID, "kernel errors", ctx.observed,
                                                 str(exc))
    denied = None
    if journal is not None:
        denied = _denied_result(kernel.CHECK_ID, "kernel errors", journal, ctx)
    if dmesg is None:
        return journal, None, "", denied or no_section(kernel.CHECK_ID, "kernel errors")
    busybox = _busybox_dmesg(ctx, dmesg)
    if busybox is not None:
        return busybox
    bad = problem(dmesg, kernel.CHECK_ID, "kernel errors", ctx.observed,
                  fix_denied=_dmesg_fix(ctx, journal is not None))
    if bad is not None:
        if denied is not None:  # both refused: say both
            bad = _both_refused(denied, bad, ctx)
        return dmesg, None, "", bad
    try:
        entries, ctx.unplaced = parse_dmesg(dmesg.text)
        return dmesg, entries, DMESG_ONLY, None
    except ValueError as exc:
        return dmesg, None, "", unparsable(dmesg, kernel.CHECK_ID, "kernel errors", ctx.observed, str(exc))


def _both_refused(denied: CheckResult, bad: CheckResult, ctx: Ctx) -> CheckResult:
    """Journal and dmesg both refused: the journal's summary, both reasons, the fix for both."""
    p = {**denied.params, "journal_why": denied.reason_code}
    if bad.reason_code == "probe.denied.reason":
        p["dmesg_excerpt"] = bad.params.get("excerpt", "")
        reason: Text = msg("kernel.denied.both.reason", **p)
    elif not (set(bad.params) & set(p)) and bad.reason_code is not None:
        p = {**p, **bad.params, "dmesg_why": bad.reason_code}
        reason = msg("kernel.denied.and.reason", **p)
    else:  # the two reasons' parameters collide: dmesg's said in its English words
        reason = msg("kernel.denied.other.reason", **p, dmesg_said=bad.reason or "")
    assert denied.code is not None  # built by _denied_result
    summary = msg(denied.code, **p)
    return unknown(kernel.CHECK_ID, summary, reason, _dmesg_fix(ctx, True), [*denied.evidence, *bad.evidence])


def _dmesg_fix(ctx: Ctx, journal: bool) -> Message | None:
    """What lets this user read the kernel log: never "run as root" to a scan that already runs as
    root (root refused dmesg: a container without CAP_SYSLOG, which no setting here changes)."""
    if ctx.as_root:
        return None
    return msg("kernel.denied.fix.journal" if journal else "kernel.denied.fix.dmesg")


def _busybox_dmesg(ctx: Ctx, dmesg: Section) -> tuple[Section | None, list[LogEntry] | None, str,
                                                      CheckResult | None] | None:
    """BusyBox's `dmesg -r` when plain dmesg refused -x: times from /proc/uptime. None: not that case."""
    raw = ctx.sec("dmesg_raw")
    if raw is None:
        return None
    bad = problem(raw, kernel.CHECK_ID, "kernel errors", ctx.observed, fix_denied=_dmesg_fix(ctx, False))
    messages = ctx.sec("messages")
    if bad is not None and messages is not None and problem(messages, kernel.CHECK_ID, "kernel errors",
                                                            ctx.observed) is None:
        try:  # dmesg refused: Alpine's syslogd file answers (it also covers earlier boots)
            entries, ctx.unplaced = parse_syslog_kernel(messages.text, ctx.until)
        except ValueError as exc:
            return messages, None, "", unparsable(messages, kernel.CHECK_ID, "kernel errors", ctx.observed,
                                                  str(exc))
        return messages, entries, f"{MESSAGES}; dmesg was refused: {bad.reason}", None
    boot = ctx.boot_time()
    if bad is None and boot is None:
        bad = unparsable(raw, kernel.CHECK_ID, "kernel errors", ctx.observed,
                         "no /proc/uptime to date the lines")
    if bad is not None:
        return raw, None, "", bad
    assert boot is not None
    try:
        entries, ctx.unplaced = parse_dmesg_raw(raw.text, boot)
    except ValueError as exc:
        return raw, None, "", unparsable(raw, kernel.CHECK_ID, "kernel errors", ctx.observed, str(exc))
    return raw, entries, DMESG_ONLY, None


def kernel_and_oom(ctx: Ctx, systemd: bool) -> list[CheckResult]:
    sec, entries, coverage, bad = _kernel_source(ctx, systemd)
    if entries is not None and len(entries) >= KERNEL_LINES and not coverage:
        coverage = f"only the newest {KERNEL_LINES} kernel log lines were read: older ones are not counted"
    mem, vm = ctx.sec("meminfo"), ctx.sec("vmstat")
    counter = None
    if vm is not None and vm.text.startswith("oom_kill ") and vm.text.split()[1].isdigit():
        counter = int(vm.text.split()[1])
        boot_id = ctx.sec("boot_id")
        if boot_id is not None and boot_id.text.strip():
            ctx.oom_counter = {"count": counter, "boot_id": boot_id.text.strip(),
                               "read": ctx.observed.isoformat()}
    if entries is None or sec is None:
        assert bad is not None
        return [bad, _oom_without_log(ctx, bad, counter, vm)]
    corrupted = meminfo_values(mem.text).get("HardwareCorrupted") if mem is not None else None
    scope = "dmesg: current boot only" if coverage.startswith(DMESG_ONLY) else ""
    judged = entries

    if ctx.unplaced:
        shown = "; ".join(repr(line.strip()[:120]) for line in ctx.unplaced[:3])
        coverage = (f"{coverage}; " if coverage else "") + \
            f"{len(ctx.unplaced)} line(s) the parser could not place were left out: {shown}"

    def judge_kernel(read: list[LogEntry]) -> list[CheckResult]:
        evidence = sec.evidence(ctx.observed, raw=_excerpt(read, ctx.unplaced))
        return kernel.check_kernel(read, ctx.since(kernel.CHECK_ID), ctx.until, ctx.thresholds, evidence,
                                   coverage,
                                   None if corrupted is None else corrupted // 1024, scope)

    def judge_oom(read: list[LogEntry]) -> list[CheckResult]:
        evidence = sec.evidence(ctx.observed, raw=_excerpt(read, ctx.unplaced))
        return oom.check_oom(read, ctx.since(oom.CHECK_ID), ctx.until, ctx.thresholds, evidence, counter,
                             coverage)

    return (guarded(ctx, sec, kernel.CHECK_ID, "kernel errors", lambda: judged, judge_kernel)
            + guarded(ctx, sec, oom.CHECK_ID, "OOM kills", lambda: judged, judge_oom))


def _oom_without_log(ctx: Ctx, bad: CheckResult, counter: int | None, vm: Section | None) -> CheckResult:
    """The kernel log is unreadable: /proc/vmstat's counter answers when it can, else UNKNOWN."""
    reason = bad.reason or "kernel log unreadable"
    boot, up = ctx.boot_time(), ctx.sec("uptime")
    if counter is not None and vm is not None:
        since_last = _oom_since_previous(ctx, counter, vm, reason)
        if since_last is not None:
            return since_last
    if counter is not None and vm is not None and up is not None and boot is not None:
        found = oom.check_oom_counter(counter, boot, ctx.since(oom.CHECK_ID), ctx.thresholds,
                                      [vm.evidence(ctx.observed), up.evidence(ctx.observed)], reason)
        if found is not None:
            return found
    # the kernel log's failure, said of OOM kills: the same codes with the check named "OOM kills"
    p = {**bad.params, "what": "what.oom"}
    summary = Message(bad.code, p) if bad.code and "what" in bad.params else msg("oom.nolog")
    why = Message(bad.reason_code, p) if bad.reason_code else msg("oom.nolog.reason")
    if counter is not None and vm is not None and up is not None and boot is not None:
        why = msg("oom.nolog.before", log_why=why.code, counter=counter, boot=f"{boot:%Y-%m-%d %H:%M}",
                  **why.params)
    evidence = bad.evidence + ((vm.evidence(ctx.observed),) if vm is not None else ())
    fix = Message(bad.fix_code, p) if bad.fix_code else None
    return unknown(oom.CHECK_ID, summary, why, fix, evidence)


def _oom_since_previous(ctx: Ctx, counter: int, vm: Section, reason: str) -> CheckResult | None:
    """The previous scan's stored counter answers when it was read in this boot (same boot id) and
    the window starts at that reading (it read oom.kills; an UNKNOWN leaves the window earlier)."""
    then, now = ctx.previous.get("oom_kill_counter"), ctx.oom_counter
    if not isinstance(then, dict) or now is None or then.get("boot_id") != now["boot_id"]:
        return None
    count, read = then.get("count"), then.get("read")
    try:
        read_at = datetime.fromisoformat(read) if isinstance(read, str) else None
    except ValueError:
        return None
    if not isinstance(count, int) or read_at is None or read_at.tzinfo is None or not 0 <= count <= counter \
            or read_at > ctx.since(oom.CHECK_ID):
        return None
    boot_id = ctx.sec("boot_id")
    evidence = [vm.evidence(ctx.observed), *([boot_id.evidence(ctx.observed)] if boot_id else []),
                Evidence.of("previous scan's stored /proc/vmstat reading (history)",
                            f"oom_kill {count}\nboot_id {then['boot_id']}", read_at)]
    return oom.check_oom_delta(counter, count, read_at, now["boot_id"], ctx.thresholds, evidence, reason)


def _excerpt(entries: Sequence[LogEntry], unplaced: Sequence[str] = ()) -> str:
    """The lines that matter first: findings, then the newest others; then lines left out."""
    marked = [e for e in entries if kernel.classify(e) or oom.is_oom_line(e.message)]
    rest = [e for e in entries if e not in marked][-10:]
    lines = [f"{e.time:%Y-%m-%dT%H:%M:%S}Z p{e.priority} {e.message}" for e in [*marked[-40:], *rest]]
    lines += [f"not placed, left out: {line}" for line in unplaced[:10]]
    return "\n".join(lines) or "(no kernel warnings or errors in the journal for the last 30 days)"


def app_crashes(ctx: Ctx, systemd: bool) -> list[CheckResult]:
    """systemd-coredump and/or Ubuntu's apport reports; either alone is a full answer."""
    what = "application crashes"
    check_id = coredumps.CHECK_ID
    dumps: list[coredumps.Coredump] = []
    evidence = []
    apport = ctx.sec("apport")
    if apport is not None:
        raw = "\n".join(f"{arg}\n{body}".rstrip() for arg, body in apport.files) or "no *.crash files"
        evidence.append(apport.evidence(ctx.observed, raw=raw))
        try:
            dumps += coredumps.parse_apport(apport.files)
        except ValueError as exc:
            return [unparsable(apport, check_id, what, ctx.observed, str(exc))]
    if not systemd and apport is None:
        return [_no_recorder(ctx, check_id, what)]
    if systemd:
        sec = ctx.sec("coredumps_text") or ctx.sec("coredumps")
        if sec is None:
            return [no_section(check_id, what)]
        if journal_denied(sec):  # coredumpctl reads the journal: a partial view is no "none found"
            return [_denied_result(check_id, what, sec, ctx)]
        none_found = sec.exit_status == 1 and (coredumps.NONE_FOUND in sec.text or sec.stderr_says(
            coredumps.NONE_FOUND))
        if sec.missing and apport is not None:
            pass  # apport is this host's crash recorder
        elif not none_found:
            bad = problem(sec, check_id, what, ctx.observed, fix_denied=_journal_fix(ctx))
            if bad is not None:
                return [bad]
            try:
                dumps += coredumps.parse_coredumps(sec.text)
            except (ValueError, KeyError, TypeError) as exc:
                return [unparsable(sec, check_id, what, ctx.observed, str(exc))]
        evidence.insert(0, sec.evidence(ctx.observed))
    source = ctx.sec("coredumps_text") or ctx.sec("coredumps") or apport
    assert source is not None  # one of them was read above
    return guarded(ctx, source, check_id, what, lambda: dumps, lambda read: coredumps.check_coredumps(
        read, ctx.since(coredumps.CHECK_ID), ctx.until, ctx.thresholds, evidence))


def _no_recorder(ctx: Ctx, check_id: str, what: str) -> CheckResult:
    """No systemd-coredump and no apport: UNKNOWN with what was looked for as evidence."""
    looked = ctx.sec("crash_recorders")
    evidence = [s.evidence(ctx.observed) for s in (looked, ctx.sec("systemd")) if s is not None]
    seen = "; ".join(looked.lines[:6]) if looked is not None else "not listed by this probe version"
    reboot = ctx.sec("reboot_required")
    debian = reboot is not None and "dpkg=yes" in reboot.lines
    fix = msg("crash.norecorder.fix.debian" if debian else "crash.norecorder.fix")
    w = what_params(what) or {"what": "what.crashes"}
    return unknown(check_id, msg("crash.norecorder", **w), msg("crash.norecorder.reason", seen=seen), fix,
                   evidence)
