"""Check states, host reachability and the roll-up order between them."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


class State(Enum):
    """Result of one evaluated check (the four Nagios states)."""

    OK = "OK"
    WARN = "WARN"
    CRIT = "CRIT"
    UNKNOWN = "UNKNOWN"

    @property
    def rank(self) -> int:
        """Roll-up rank, Checkmk order: OK < WARN < UNKNOWN < CRIT."""
        return _RANK[self]

    @property
    def nagios_code(self) -> int:
        """Plugin exit code: 0 OK, 1 WARN, 2 CRIT, 3 UNKNOWN."""
        return _NAGIOS[self]

    @classmethod
    def from_nagios(cls, code: int) -> State:
        for state, value in _NAGIOS.items():
            if value == code:
                return state
        raise ValueError(f"not a Nagios state code: {code}")


_RANK = {State.OK: 0, State.WARN: 1, State.UNKNOWN: 2, State.CRIT: 3}
_NAGIOS = {State.OK: 0, State.WARN: 1, State.CRIT: 2, State.UNKNOWN: 3}


def worst(states: Iterable[State], default: State = State.UNKNOWN) -> State:
    """The worst state by roll-up rank; `default` when there is none.

    The default is UNKNOWN on purpose: no evidence never rolls up to OK.
    """
    result: State | None = None
    for state in states:
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
