"""The `/` filter: what a query means (pure, no Textual).

- Words are free text: a word matches when it occurs (case-insensitively) in
  the host's name, address, site, one of its tags or its customer (central view).
- `field:value` narrows by one field: `state:` (ok, warn, crit, unknown,
  pending), `kind:` (exact kind; `printer` also covers print servers),
  `site:`, `tag:`, `name:`, `addr:`, `customer:` (substring).
- `field:a,b` matches either value; a leading `!` negates a term.
- All terms must match (AND). Quote a phrase with spaces: `"front desk"`.
- Words with a colon whose prefix is no field (IPv6 `fe80::1`) are free text.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import dataclass

from fleetcheck.tui.fleet import PRINTER_KINDS, HostEntry

FIELDS = ("state", "kind", "site", "tag", "name", "addr", "customer")
STATE_WORDS = {"ok", "warn", "crit", "unknown", "pending"}
_ALIASES = {"address": "addr", "ip": "addr", "status": "state", "tags": "tag", "cust": "customer"}


class FilterError(ValueError):
    """The query cannot be understood; the message says why."""


@dataclass(frozen=True)
class Term:
    field: str | None  # None: free text
    values: tuple[str, ...]
    negate: bool = False

    def matches(self, entry: HostEntry) -> bool:
        hit = any(_match_one(self.field, v, entry) for v in self.values)
        return hit != self.negate


def _contains(needle: str, haystack: Iterable[str | None]) -> bool:
    return any(h is not None and needle in h.lower() for h in haystack)


def _match_one(field: str | None, value: str, entry: HostEntry) -> bool:
    host = entry.host
    if field is None:
        return _contains(value, (host.name, host.address, host.site, *host.tags, entry.customer))
    if field == "state":
        state = entry.state
        return value == ("pending" if state is None else state.value.lower())
    if field == "kind":
        return host.kind == value or (value == "printer" and host.kind in PRINTER_KINDS)
    if field == "site":
        return _contains(value, (host.site,))
    if field == "tag":
        return _contains(value, host.tags)
    if field == "name":
        return _contains(value, (host.name,))
    if field == "customer":  # the central view's hosts carry one; the scanning dashboard's none
        return _contains(value, (entry.customer, entry.customer_key))
    return _contains(value, (host.address,))  # addr


@dataclass(frozen=True)
class Query:
    text: str
    terms: tuple[Term, ...]

    def matches(self, entry: HostEntry) -> bool:
        return all(t.matches(entry) for t in self.terms)

    @property
    def empty(self) -> bool:
        return not self.terms


def parse_query(text: str) -> Query:
    """Parse a filter query; raises FilterError for an unknown state word or bad quoting."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise FilterError(f"cannot read the filter: {exc}") from None
    terms = []
    for word in words:
        negate = word.startswith("!") and len(word) > 1
        if negate:
            word = word[1:]
        field, sep, rest = word.partition(":")
        key = _ALIASES.get(field.lower(), field.lower())
        if sep and key in FIELDS:
            values = tuple(v.lower() for v in rest.split(",") if v)
            if not values:
                raise FilterError(f"'{word}': give a value after '{field}:'")
            if key == "state":
                bad = [v for v in values if v not in STATE_WORDS]
                if bad:
                    raise FilterError(f"'{bad[0]}' is no state; use one of {', '.join(sorted(STATE_WORDS))}")
            terms.append(Term(key, values, negate))
        else:
            terms.append(Term(None, (word.lower(),), negate))
    return Query(text, tuple(terms))
