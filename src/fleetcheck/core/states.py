"""Check states, host reachability and the roll-up order between them."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


class State(Enum):
    """Result of one evaluated check: the four Nagios states, plus two that judge nothing.

    NA: the check cannot apply to this host, shown with the evidence that says so
    (a VM has no temperature sensors). SKIPPED: the inventory said not to check it,
    with a reason. Neither is a verdict on the host: the roll-up and the exit code
    ignore them, and they are counted apart everywhere.
    """

    OK = "OK"
    WARN = "WARN"
    CRIT = "CRIT"
    UNKNOWN = "UNKNOWN"
    NA = "NA"
    SKIPPED = "SKIPPED"

    @property
    def rank(self) -> int:
        """Roll-up rank, Checkmk order: OK < WARN < UNKNOWN < CRIT (N/A, skipped below OK)."""
        return _RANK[self]

    @property
    def judged(self) -> bool:
        """Whether this state is a verdict that rolls up (False for N/A and skipped)."""
        return self not in SET_ASIDE

    @property
    def label(self) -> str:
        """The word shown to people: the value, except `N/A` and `skipped`."""
        return _LABELS.get(self, self.value)

    @property
    def nagios_code(self) -> int:
        """Plugin exit code: 0 OK, 1 WARN, 2 CRIT, 3 UNKNOWN; N/A and skipped raise nothing (0)."""
        return _NAGIOS[self]

    @classmethod
    def from_nagios(cls, code: int) -> State:
        for state, value in _NAGIOS.items():
            if value == code:
                return state
        raise ValueError(f"not a Nagios state code: {code}")


SET_ASIDE = frozenset({State.NA, State.SKIPPED})
_RANK = {State.SKIPPED: -2, State.NA: -1, State.OK: 0, State.WARN: 1, State.UNKNOWN: 2, State.CRIT: 3}
# from_nagios(0) must give OK: OK comes first in this order
_NAGIOS = {State.OK: 0, State.WARN: 1, State.CRIT: 2, State.UNKNOWN: 3, State.NA: 0, State.SKIPPED: 0}
_LABELS = {State.NA: "N/A", State.SKIPPED: "skipped"}


def worst(states: Iterable[State], default: State = State.UNKNOWN) -> State:
    """The worst judged state by roll-up rank; `default` when there is none.

    N/A and skipped are ignored: they say nothing about the host's health. The
    default is UNKNOWN on purpose: no evidence never rolls up to OK, so a host
    whose checks all did not apply stays UNKNOWN.
    """
    result: State | None = None
    for state in states:
        if state in SET_ASIDE:
            continue
        if result is None or state.rank > result.rank:
            result = state
    return default if result is None else result


class Reachability(Enum):
    """Whether the collector could talk to the host at all (separate from check states)."""

    REACHABLE = "reachable"
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    AUTH_FAILED = "auth_failed"
    HOST_KEY_UNKNOWN = "host_key_unknown"
    HOST_KEY_CHANGED = "host_key_changed"
    SWITCHED_OFF = "switched_off"  # no answer from a host allowed to be off (core/kinds.py policy)
    NOT_CHECKED = "not_checked"  # cancelled, scan deadline, or no collector for the kind

    @property
    def host_state(self) -> State:
        """The state a host gets from this reachability alone."""
        return _REACH_STATE[self]


# Down or possibly intercepted is a real, grave answer (CRIT); not being able
# to log in, or running out of time, means we could not check (UNKNOWN); so does
# silence from a PC or printer that may be switched off: not OK, not down either.
_REACH_STATE = {
    Reachability.REACHABLE: State.OK,
    Reachability.UNREACHABLE: State.CRIT,
    Reachability.TIMEOUT: State.UNKNOWN,
    Reachability.AUTH_FAILED: State.UNKNOWN,
    Reachability.HOST_KEY_UNKNOWN: State.UNKNOWN,
    Reachability.HOST_KEY_CHANGED: State.CRIT,
    Reachability.SWITCHED_OFF: State.UNKNOWN,
    Reachability.NOT_CHECKED: State.UNKNOWN,
}
