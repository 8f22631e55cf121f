"""Splitting the POSIX probe's output into sections, and its markers into honest UNKNOWNs.

The script (posix.sh) prints `<<<name>>>` / `<<<name:item>>>` headers; inside a
section `@@cmd`, `@@missing`, `@@absent`, `@@stderr` and `@@exit` lines say what
ran and how it ended. Everything else is the command's standard output.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from fleetcheck.core.checks import Text, msg, unknown
from fleetcheck.core.i18n import what_params
from fleetcheck.core.results import CheckResult, Evidence

_HEADER = re.compile(r"^<<<([a-z_]+)(?::(.*))?>>>$")
_DENIED = ("permission denied", "operation not permitted", "insufficient permissions",
           "not seeing messages from other users", "access denied", "must be root")
TIMEOUT_EXIT = 124  # GNU/busybox `timeout` exit status when the limit hit

# Fix hints for tools a check needs, by tool name.
INSTALL_HINTS = {
    "smartctl": "install smartmontools",
    "journalctl": "this host has no systemd journal",
    "coredumpctl": "install systemd-coredump to record application crashes",
    "chronyc": "install chrony or enable systemd-timesyncd",
    "timedatectl": "enable systemd-timesyncd or install chrony",
    "sensors": "install lm-sensors",
    "last": "install util-linux (last) or a persistent journal",
    "dmesg": "install util-linux (dmesg)",
    "lpstat": "install the CUPS client tools (cups-client)",
}


@dataclass
class Section:
    name: str
    item: str | None = None
    commands: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # stdout
    stderr: list[str] = field(default_factory=list)
    exit_status: int | None = None  # of the last command; None: no @@exit seen
    missing: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    denied: list[str] = field(default_factory=list)
    files: list[tuple[str, str]] = field(default_factory=list)  # (@@file argument, following lines)
    cut: bool = False  # the output ended inside this section: what it holds may be partial
    _evidence: Evidence | None = field(default=None, repr=False, compare=False)

    @property
    def key(self) -> str:
        return self.name if self.item is None else f"{self.name}:{self.item}"

    @property
    def command(self) -> str:
        return " ; ".join(self.commands) or f"(posix probe section {self.key})"

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip("\n")

    def raw(self) -> str:
        """Output as the technician would have seen it, markers included."""
        out = list(self.lines)
        out += [f"stderr: {line}" for line in self.stderr]
        out += [f"missing: {tool}" for tool in self.missing]
        out += [f"absent: {path}" for path in self.absent]
        if self.exit_status not in (None, 0):
            out.append(f"exit status {self.exit_status}")
        return "\n".join(line for line in out if line.strip())

    def evidence(self, observed: datetime, raw: str | None = None) -> Evidence:
        if raw is None and self._evidence is not None and self._evidence.observed == observed:
            return self._evidence  # several checks cite one section: build it once
        kind = "file" if self.commands and all(c.startswith("cat ") for c in self.commands) else "command"
        made = Evidence.of(self.command, self.raw() if raw is None else raw, observed, kind)
        if raw is None:
            self._evidence = made
        return made

    def stderr_says(self, *needles: str) -> bool:
        low = "\n".join(self.stderr).lower()
        return any(n.lower() in low for n in needles)

    @property
    def permission_denied(self) -> bool:
        return bool(self.denied) or self.stderr_says(*_DENIED)

    @property
    def timed_out(self) -> bool:
        return self.exit_status == TIMEOUT_EXIT


@dataclass
class ProbeOutput:
    sections: dict[str, Section]
    meta: dict[str, str]
    complete: bool  # the closing <<<end>>> arrived

    def get(self, name: str, item: str | None = None) -> Section | None:
        return self.sections.get(name if item is None else f"{name}:{item}")

    def items(self, name: str) -> list[Section]:
        return [s for s in self.sections.values() if s.name == name and s.item is not None]


def split_sections(text: str) -> ProbeOutput:
    sections: dict[str, Section] = {}
    current: Section | None = None
    file_lines: list[str] | None = None
    for line in text.splitlines():
        m = _HEADER.match(line) if line.startswith("<<<") else None
        if m:
            current = Section(m.group(1), m.group(2))
            sections[current.key] = current
            file_lines = None
            continue
        if current is None:
            continue  # login banners or shell noise before the first section
        if line.startswith("@@"):
            marker, _, arg = line[2:].partition(" ")
            if marker == "cmd":
                current.commands.append(arg)
            elif marker == "missing":
                current.missing.append(arg)
            elif marker == "absent":
                current.absent.append(arg)
            elif marker == "denied":
                current.denied.append(arg)
            elif marker == "stderr":
                current.stderr.append(arg)
            elif marker == "exit":
                current.exit_status = int(arg) if arg.strip().isdigit() else None
            elif marker == "file":
                file_lines = []
                current.files.append((arg, ""))
            elif marker == "notimeout":
                current.lines.append(line)
            continue
        if file_lines is not None and current.files:
            file_lines.append(line)
            path, _ = current.files[-1]
            current.files[-1] = (path, "\n".join(file_lines))
            continue
        current.lines.append(line)
    meta: dict[str, str] = {}
    head = sections.get("meta")
    if head is not None:
        for line in head.lines:
            key, sep, value = line.partition("=")
            if sep:
                meta[key.strip()] = value.strip()
    complete = "end" in sections
    if not complete and current is not None:
        current.cut = True  # output that ends mid-section must not read as "empty" or "none found"
    return ProbeOutput(sections, meta, complete)


def no_section(check_id: str, what: str) -> CheckResult:
    """UNKNOWN for data the probe output does not contain (cut off, interrupted)."""
    return unknown(check_id, msg("probe.lacks", **what_params(what)), msg("probe.lacks.reason"),
                   msg("probe.lacks.fix"))


def problem(section: Section | None, check_id: str, what: str, observed: datetime,
            fix_denied: Text | None = None, ok_exits: Sequence[int] = (0,)) -> CheckResult | None:
    """The UNKNOWN for a section that did not deliver (missing tool, denied, timeout, failed), or None.

    `what` names the check in words ("unexpected reboots"); `fix_denied` is the
    hint when permission was refused.
    """
    if section is None:
        return no_section(check_id, what)
    if section.cut:  # the output ended inside this section: partial is not "none found"
        return unknown(check_id, msg("probe.cut", **what_params(what)),
                       msg("probe.cut.reason", section=section.key), msg("probe.lacks.fix"),
                       [section.evidence(observed)])
    why: str | None = None  # the message code of what went wrong; parameters in p
    p: dict[str, object] = {}
    fix: Text | None = None
    if section.missing:
        why, p["tool"] = "probe.missing", section.missing[0]
        hint = INSTALL_HINTS.get(section.missing[0])
        fix = None if hint is None else msg(f"probe.install.{section.missing[0]}")
    elif section.permission_denied:
        why, fix = "probe.denied", fix_denied
        p["excerpt"] = (section.stderr or section.denied or ["permission denied"])[0][:160]
    elif section.timed_out:
        why, fix = "probe.timeout", msg("probe.timeout.fix")
        p["ran"] = section.commands[-1] if section.commands else section.key
    elif section.exit_status is not None and section.exit_status not in ok_exits:
        why = "probe.failed"
        p["excerpt"] = section.stderr[0][:160] if section.stderr else "-"
        p["status"] = section.exit_status
    if why is None:
        return None
    reason = msg(f"{why}.reason", **p)
    summary = msg("probe.notchecked", why=why, **p, **what_params(what))
    return unknown(check_id, summary, reason, fix, [section.evidence(observed)])


def unparsable(section: Section, check_id: str, what: str, observed: datetime, error: str) -> CheckResult:
    """UNKNOWN "could not parse", with the raw output as evidence."""
    summary = msg("probe.unparsable", **what_params(what))
    reason = msg("probe.unparsable.reason", command=section.command, error=error[:200])
    return unknown(check_id, summary, reason, msg("probe.unparsable.fix"), [section.evidence(observed)])
