"""A Windows probe section's error marker, and what to tell the technician about it.

Data types and fix hints the judging code needs (defender, updates) as well as
the probe's reader, so they live below both. Reasons and fixes are message codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fleetcheck.core.i18n import Message, msg, what_params

EVENT_FIX = msg("win.fix.events")
ADMIN_FIX = msg("win.fix.admin")


@dataclass(frozen=True, slots=True)
class SectionError:
    """The explicit error marker a section printed instead of data."""

    fqid: str
    message: str
    type: str = ""
    category: str = ""
    hresult: int | None = None
    inner: str = ""

    @classmethod
    def from_json(cls, value: Any) -> SectionError:
        d = value if isinstance(value, dict) else {"message": str(value)}
        hresult = d.get("hresult")
        return cls(str(d.get("fqid") or ""), str(d.get("message") or ""), str(d.get("type") or ""),
                   str(d.get("category") or ""), hresult if isinstance(hresult, int) else None,
                   str(d.get("inner") or ""))

    @property
    def no_events(self) -> bool:
        """Get-WinEvent found nothing: a real answer (zero events), not a failure."""
        return self.fqid.startswith("NoMatchingEventsFound")

    @property
    def access_denied(self) -> bool:
        text = f"{self.type} {self.message} {self.inner}".lower()
        return (self.category == "PermissionDenied" or "unauthorizedaccess" in text
                or "access is denied" in text or (self.hresult or 0) & 0xFFFFFFFF == 0x80070005)

    @property
    def command_missing(self) -> bool:
        return self.fqid.startswith("CommandNotFoundException") or "CommandNotFoundException" in self.type

    @property
    def timed_out(self) -> bool:
        return self.type == "System.TimeoutException"

    def describe(self) -> str:
        text = self.message.strip().splitlines()[0] if self.message.strip() else "(no message)"
        return f"{text} [{self.fqid}]" if self.fqid else text


def error_fix(err: SectionError, section: str) -> Message | None:
    if err.access_denied:
        return EVENT_FIX if section.startswith("events") else ADMIN_FIX
    if err.command_missing:
        return msg("win.fix.cmdlet")
    if err.timed_out:
        return msg("win.fix.wuauserv")
    return None


def error_reason(err: SectionError, what: str) -> Message:
    """Why a section's check could not run; `what` names the check in words (i18n WHAT)."""
    p = {**what_params(what), "error": err.describe()}
    if err.access_denied:
        return msg("win.error.denied", **p)
    if err.command_missing:
        return msg("win.error.cmdlet", **p)
    if err.timed_out:
        return msg("win.error.timeout", **p)
    return msg("win.error.unread", **p)
