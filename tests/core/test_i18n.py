"""Findings in German: every message code has a translation, numbers in the German format."""

from __future__ import annotations

import json
import string
from datetime import UTC, datetime
from typing import Any

import pytest

from fleetcheck.core.checks import levels_param
from fleetcheck.core.checks.filesystem import FsUsage, check_fs_usage
from fleetcheck.core.i18n import Message, render, render_check, translation_missing
from fleetcheck.core.i18n.messages import MESSAGES
from fleetcheck.core.i18n.render import template
from fleetcheck.core.ranges import Range
from fleetcheck.core.results import CheckResult, Evidence
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Levels, Thresholds

EV = Evidence.of("df -P", "…", datetime(2026, 12, 4, 14, 0, tzinfo=UTC))
LEVELS = levels_param(State.WARN, Levels(Range.parse("80"), Range.parse("90")))


def _fields(text: str) -> set[tuple[str, str]]:
    """(name, spec) of every placeholder; a plural's nouns are the language's own."""
    return {(name, (spec or "")[:2] if (spec or "").startswith(("p:", "s:")) else spec or "")
            for _, name, spec, _ in string.Formatter().parse(text) if name}


def _subs(code: str, name: str) -> list[str]:
    """Sub-messages of field `name`: codes `<a prefix of the code>.name.*`, or `name.*` itself."""
    prefixes = [code.rsplit(".", n)[0] + "." for n in range(1, code.count(".") + 1)] + [""]
    subs = [c for c in MESSAGES if any(c.startswith(f"{p}{name}.") for p in prefixes)]
    # a field that takes any reason: one without parameters of its own stands in
    return subs or [next(c for c in MESSAGES if not _fields(MESSAGES[c]))]


def sample_params(code: str) -> dict[str, Any]:
    """Values of the right shape for every placeholder of `code` (and of the messages it embeds)."""
    params: dict[str, Any] = {}
    todo = [code]
    while todo:
        current = todo.pop()
        for name, spec in _fields(MESSAGES[current]):
            if spec in ("msg", "msgs"):
                subs = _subs(current, name)
                params[name] = subs[0] if spec == "msg" else subs
                todo.extend(subs)
            elif spec == "part" or spec.startswith("each:"):
                # a message with parameters of its own: a sample of the right shape stands in
                sub = {"code": "printer.enum.odd", "value": 7}
                params[name] = sub if spec == "part" else [sub, {"code": "printer.text", "text": "<t>"}]
            elif spec == "levels":
                params[name] = LEVELS
            elif spec == "list":
                params[name] = ["a", "b"]
            elif spec in ("bytes", "dur", "d", "n") or spec.startswith(("p:", "s:", ".")):
                params[name] = 1234.5 if spec.startswith(".") else 1234
            else:
                params.setdefault(name, f"<{name}>")
    return params


def test_every_code_has_a_current_german_translation() -> None:
    assert translation_missing("de") == []


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_code_renders_in_german_with_the_same_placeholders(code: str) -> None:
    german, fallback = template(code, "de")
    assert not fallback
    # the same parameters (a language may say a count with its noun instead of as a bare number)
    assert {n for n, _ in _fields(german)} == {n for n, _ in _fields(MESSAGES[code])}, code
    text = render(Message(code, sample_params(code)), "de")
    same = text == render(Message(code, sample_params(code)), "en")
    assert text and (not same or not _has_words(code) or code in SAME_IN_GERMAN), code


SAME_IN_GERMAN = {"mem.pressure.normal", "printer.colour.cyan", "printer.colour.magenta",
                  "printer.condition.offline",
                  # protocol names only (IPP keywords, MIB objects), the same in every language
                  "printer.said.cover", "printer.said.ipp", "printer.source.ipp", "printer.why.snmp"}


def _has_words(code: str) -> bool:
    """Whether the English template has words of its own to translate (not only placeholders)."""
    rest = "".join(lit for lit, *_ in string.Formatter().parse(MESSAGES[code]))
    return any(ch.isalpha() for ch in rest)


def test_numbers_and_thresholds_in_german_format() -> None:
    fs = FsUsage("/var", "ext4", "/dev/sda2", total=100 * 2**30, used=int(93.14 * 2**30),
                 free=int(6.86 * 2**30), inodes_total=1_234_567, inodes_free=234_567)
    space, inodes = check_fs_usage(fs, Thresholds(), EV)
    assert space.state is State.CRIT and space.code == "fs.used" and space.family == "fs.used"
    assert space.item == "/var"
    assert space.summary == "/var 93.1 % used (93.1 GiB of 100.0 GiB, 6.9 GiB free) > crit 90"
    assert render_check(space, "de").summary == \
        "/var zu 93,1 % belegt (93,1 GiB von 100,0 GiB, 6,9 GiB frei) > kritische Schwelle 90"
    assert render_check(inodes, "de").summary == \
        "/var: 81,0 % der Inodes belegt (1.000.000 von 1.234.567) > Warnschwelle 80"


def test_codes_and_params_travel_through_json() -> None:
    fs = FsUsage("/", "ext4", "/dev/sda1", total=10 * 2**30, used=2**30, free=9 * 2**30,
                 inodes_total=None, inodes_free=None)
    space, inodes = check_fs_usage(fs, Thresholds(), EV)
    again = CheckResult.from_dict(json.loads(json.dumps(inodes.to_dict())))
    assert again == inodes and again.reason_code == "fs.inodes.missing.reason"
    assert render_check(again, "de").reason == \
        "der Kollektor konnte die Inode-Zahlen dieses Dateisystems nicht lesen"
    data = space.to_dict()
    assert (data["family"], data["item"], data["code"]) == ("fs.used", "/", "fs.used")
    assert data["params"]["used_pct"] == pytest.approx(10.0)


def test_a_result_without_code_renders_its_english_text() -> None:
    plain = CheckResult.unknown("x.y", "not checked", "because")
    assert render_check(plain, "de").summary == "not checked"


def test_a_saved_result_with_parameters_of_another_shape_renders_its_english_text() -> None:
    # a printer status saved before its words had codes: the status was English text
    old = CheckResult(id="printer.status", state=State.OK, summary="printer idle (IPP printer-state)",
                      evidence=(EV,), code="printer.status.ok", params={"status": "idle (IPP printer-state)"})
    assert render_check(old, "de").summary == "printer idle (IPP printer-state)"
    summary = "up 3 d 4 h (no previous scan to compare with)"
    old = CheckResult(id="printer.restarts", state=State.OK, summary=summary, evidence=(EV,),
                      code="printer.restarts.first", params={"uptime": "3 d 4 h"})
    assert render_check(old, "de").summary.startswith("up 3 d 4 h")


def test_unknown_code_is_refused() -> None:
    with pytest.raises(KeyError, match="unknown message code"):
        Message("no.such.code")


def test_every_install_hint_and_check_name_has_a_code() -> None:
    from fleetcheck.core.i18n.render import WHAT
    from fleetcheck.core.probes.posix.sections import INSTALL_HINTS
    for tool, english in INSTALL_HINTS.items():
        assert MESSAGES[f"probe.install.{tool}"] == english
    for words, code in WHAT.items():
        assert MESSAGES[code] == words
