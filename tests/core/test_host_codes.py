"""Host-level findings in German: every way the engine ends a host without checks has a code.

The SSH transport's own reasons are run for real in tests/ssh/test_faults.py; here the
engine's paths (refused, switched off, timed out, collector bug, no collector, scan
deadline, cancelled), their rendering in a German report, and scans saved before codes
existed, which must still load and render (in English, the only text they have).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from test_engine import Behaviours, hangs_async, host, raises, refuses, scan

from fleetcheck.core.contracts import Collection, Unreachable
from fleetcheck.core.engine import REACHABILITY_CHECK, EngineOptions, ScanEngine
from fleetcheck.core.i18n import msg, render_check
from fleetcheck.core.results import CheckResult, ScanResult
from fleetcheck.core.states import Reachability, State
from fleetcheck.report import render

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


async def silent(h, ctx) -> Collection:  # type: ignore[no-untyped-def]
    raise Unreachable(Reachability.TIMEOUT, msg("ssh.tcp.timeout", where=f"{h.address}:22", timeout=5.0),
                      msg("ssh.tcp.timeout.fix", port=22), "connect: timed out", no_answer=True)


def test_every_engine_path_is_coded_and_german(coded_in_german: Callable[[CheckResult], None]) -> None:
    col = Behaviours({"down": refuses, "off": silent, "bug": raises, "slow": hangs_async})
    hosts = [host("down"), dataclasses.replace(host("off"), always_on=False), host("bug"),
             host("slow", timeout=0.2), host("lp", kind="printer"), host("srv", kind="linux")]
    result, _ = scan({"test": col}, hosts,
                     unavailable={"linux": msg("engine.unloadable", error="No module named 'paramiko'")})
    found = {h.name: h for h in result.hosts}
    expected = {"down": Reachability.UNREACHABLE, "off": Reachability.SWITCHED_OFF,
                "bug": Reachability.NOT_CHECKED, "slow": Reachability.TIMEOUT,
                "lp": Reachability.NOT_CHECKED, "srv": Reachability.NOT_CHECKED}
    assert {n: h.reachability for n, h in found.items()} == expected
    for h in found.values():
        (check,) = h.checks
        assert check.id == REACHABILITY_CHECK
        coded_in_german(check)
    off = render_check(found["off"].checks[0], "de")
    assert off.summary.startswith("keine Antwort: keine TCP-Verbindung zu off.example:22 innerhalb von 5 s")
    assert "ausgeschaltet oder nicht vor Ort?" in (off.reason or "")
    slow = render_check(found["slow"].checks[0], "de")
    assert slow.summary == "Zeitüberschreitung: Zeitüberschreitung nach 0,2 s"


def test_scan_deadline_and_cancel_are_coded(coded_in_german: Callable[[CheckResult], None]) -> None:
    col = Behaviours({"a": hangs_async, "b": hangs_async})
    result, _ = scan({"test": col}, [host("a"), host("b")], EngineOptions(concurrency=1, scan_timeout=0.3))
    checks = [h.checks[0] for h in result.hosts]
    assert {c.reason_code for c in checks} == {"engine.scan_deadline"}
    for c in checks:
        coded_in_german(c)

    engine = ScanEngine({"test": Behaviours({"c": hangs_async})})
    engine.cancel()
    cancelled = asyncio.run(engine.run([host("c")], lambda _e: None))
    (check,) = cancelled.hosts[0].checks
    assert check.reason_code == "engine.cancelled"
    coded_in_german(check)


def test_an_unreachable_needs_a_message_code() -> None:
    with pytest.raises(TypeError, match="msg"):
        Unreachable(Reachability.UNREACHABLE, "connection refused")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="differs between reason and fix"):
        Unreachable(Reachability.TIMEOUT, msg("ssh.tcp.timeout", where="a:22", timeout=1, port=22),
                    msg("ssh.tcp.timeout.fix", port=23))


def _report(scan_result: ScanResult, lang: str) -> str:
    return render(scan_result, "html", lang, UTC).decode("utf-8")


def test_a_german_report_says_why_a_host_was_not_reached_in_german() -> None:
    result, _ = scan({"test": Behaviours({"down": refuses})}, [host("down")])
    german = _report(result, "de")
    assert "Verbindung von down.example:22 abgelehnt (kein SSH-Server lauscht)" in german
    assert "connection refused by" not in german
    assert "connection refused by down.example:22" in _report(result, "en")


def test_a_scan_saved_before_codes_existed_still_loads_and_renders() -> None:
    """The JSON a version without message codes wrote: no code, family, item or params keys."""
    result, _ = scan({"test": Behaviours({"down": refuses})}, [host("down")])
    data = json.loads(json.dumps(result.to_dict()))
    old_check = {"id": "host.reachability", "state": "CRIT", "summary": "unreachable: connection refused",
                 "details": "", "reason": None, "fix": "is sshd running?", "metrics": [],
                 "evidence": data["hosts"][0]["checks"][0]["evidence"]}
    data["hosts"][0]["checks"] = [old_check]
    old = ScanResult.from_dict(data)
    (check,) = old.hosts[0].checks
    assert check.code is None and check.reason_code is None and dict(check.params) == {}
    assert render_check(check, "de").summary == "unreachable: connection refused"  # English: all it has
    german = _report(old, "de")
    assert "connection refused" in german
    assert check.state is State.CRIT


def test_a_stored_check_without_codes_still_loads_from_the_sqlite_store() -> None:
    """A history database written before codes existed holds check blobs without code keys."""
    from fleetcheck.store.sqlite.codec import decode_check, dumps, encode_check, loads

    result, _ = scan({"test": Behaviours({"down": refuses})}, [host("down")])
    (check,) = result.hosts[0].checks
    encoded = encode_check(check, 0)
    old = {k: v for k, v in loads(encoded.content).items()
           if k not in ("code", "reason_code", "fix_code", "params", "family", "item")}
    back = decode_check(dumps(old), encoded.observed_ms, 0, {})
    assert (back.id, back.state, back.summary, back.fix) == (check.id, check.state, check.summary, check.fix)
    assert back.code is None and render_check(back, "de").summary == check.summary  # its English words
    assert decode_check(encoded.content, encoded.observed_ms, 0, {}) == check  # and a coded one, coded
