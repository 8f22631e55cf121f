"""Making untrusted text safe to put in a report, whatever the format.

Every string in a report that came from a host or an inventory passes through
`Cleaner`: control characters and bidirectional overrides are shown as visible
`\\xNN`/`\\u....` escapes by core/text.py (results are cleaned where they are
made; the inventory's own texts and old scan files are cleaned here), and every
secret the inventory names (SNMP communities, the values of password variables)
is replaced by a placeholder. Escaping for the format itself (HTML entities,
Markdown, CSV quoting) is the renderer's job on top of this.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from fleetcheck.core.inventory.model import Inventory
from fleetcheck.core.text import clean, clean_lines

REDACTED = "[secret removed]"
# spreadsheet formula prefixes (OWASP CSV injection); tab and CR as well
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DEFAULT_COMMUNITY = "public"  # SNMP's well-known default: not a secret, and a common word


def secrets_of(inventory: Inventory | None) -> tuple[str, ...]:
    """Every secret the inventory points at: communities written in it, password variables' values."""
    if inventory is None:
        return ()
    found: set[str] = set()
    for host in inventory.hosts:
        if host.snmp is not None and host.snmp.community and host.snmp.community != DEFAULT_COMMUNITY:
            found.add(host.snmp.community)
        if host.password is not None and host.password.env:
            value = os.environ.get(host.password.env)
            if value:
                found.add(value)
    return tuple(sorted(found, key=len, reverse=True))  # longest first: no partial leftovers


class Cleaner:
    """Neutralises control characters and removes known secrets from text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = tuple(s for s in secrets if s)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def __call__(self, text: object) -> str:
        if text is None:
            return ""
        return clean_lines(self.redact(str(text)), None)

    def line(self, text: object) -> str:
        """One line: newlines and tabs shown as escapes as well."""
        return "" if text is None else clean(self.redact(str(text)), None)

    def redact_deep(self, value: Any) -> Any:
        """Secrets removed from every string inside JSON-like data (keys too); nothing else changed."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {self.redact(str(k)): self.redact_deep(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.redact_deep(v) for v in value]
        return value


def neutralise_formula(cell: str) -> str:
    """A text cell a spreadsheet would run as a formula is prefixed with `'` (shown as text)."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell
