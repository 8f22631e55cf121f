"""CUPS print queues from the POSIX probe's lpstat sections (tests/data/posix/linux_printserver.txt is
a real run of posix.sh against a real cupsd: queues healthy, printing, rejecting, stopped)."""

from __future__ import annotations

import re
from datetime import timedelta

from posix_helpers import checks, drop_section, parse, recorded, replace_section, target_now

from fleetcheck.core.family import levels
from fleetcheck.core.i18n import render_check
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.probes.posix.cups import lpstat_date
from fleetcheck.core.thresholds import Thresholds

PRINTSERVER = recorded("linux_printserver.txt")


def _later(text: str, minutes: float) -> str:
    """The same output, as if the probe had run `minutes` later (the jobs are that much older)."""
    now = target_now(text) + timedelta(minutes=minutes)
    return re.sub(r"(?m)^now=\d+$", f"now={int(now.timestamp())}", text)


def _print(found: dict) -> dict:
    return {cid: c for cid, c in found.items() if cid.startswith("print.")}


def test_lpstat_dates_are_read_in_the_c_locale_and_utc() -> None:
    assert lpstat_date("Fri Dec  4 16:48:02 2026").isoformat() == "2026-12-04T16:48:02+00:00"


def test_stopped_rejecting_and_healthy_queues_on_a_print_server() -> None:
    found = _print(checks(parse(PRINTSERVER, kind="printserver")))
    assert {cid: c.state.value for cid, c in found.items() if cid.startswith("print.queue")} == {
        "print.queue:healthy": "OK", "print.queue:printing": "OK", "print.queue:rejecting": "WARN",
        "print.queue:stuck": "CRIT"}
    stuck = found["print.queue:stuck"]
    assert stuck.summary == "print queue stuck: stopped: Paper jam reported by technician"
    assert stuck.evidence[0].source == "lpstat -l -p" and "disabled since" in stuck.evidence[0].raw
    assert stuck.evidence[1].source == "lpstat -a"
    assert found["print.queue:rejecting"].summary == "print queue rejecting: not accepting jobs"
    assert "moving to new server" in found["print.queue:rejecting"].details
    healthy = found["print.queue:healthy"]
    assert healthy.summary == "print queue healthy: idle, accepting jobs, 0 jobs waiting"
    assert "Description: Empfang Laser" in healthy.evidence[0].raw
    assert found["print.queue:stuck"].metrics[0].value == 3


def test_jobs_waiting_longer_than_the_threshold_are_stuck_and_say_why() -> None:
    fresh = _print(checks(parse(PRINTSERVER, kind="printserver")))
    assert fresh["print.jobs:stuck"].state.value == "OK"  # two minutes old: not stuck yet
    found = _print(checks(parse(_later(PRINTSERVER, 45), kind="printserver")))
    jobs = found["print.jobs:stuck"]
    assert jobs.state.value == "WARN"
    assert jobs.summary.startswith(
        "print queue stuck: 3 jobs waiting, the oldest for 47 min (stuck-1, pending)")
    assert "stuck-2: held (job-hold-until-specified)" in jobs.details
    assert {m.name: m.value for m in jobs.metrics}["jobs"] == 3
    assert jobs.evidence[0].source == "lpstat -W not-completed -l -o"
    assert "printing-3" not in jobs.evidence[0].raw  # each queue's evidence is its own jobs
    assert found["print.jobs:healthy"].state.value == "OK"
    assert "no job waits" in found["print.jobs:healthy"].evidence[0].raw
    late = _print(checks(parse(_later(PRINTSERVER, 180), kind="printserver")))
    assert late["print.jobs:stuck"].state.value == "CRIT"
    assert render_check(late["print.jobs:stuck"], "de").summary.startswith(
        "Druckwarteschlange stuck: 3 Aufträge wartend, der älteste seit ")


def test_the_job_age_threshold_is_set_per_queue() -> None:
    per_queue = Thresholds({"print.job_age_min:stuck": levels("600", None)})
    host = Host("ps", "printserver", "192.0.2.1", thresholds=per_queue)
    found = _print(checks(parse(_later(PRINTSERVER, 180), host=host)))
    assert found["print.jobs:stuck"].state.value == "OK"
    assert found["print.jobs:printing"].state.value == "CRIT"


def test_held_for_authentication_is_named() -> None:
    jobs = ("office-7              unknown           2048   Fri Dec  4 14:00:00 2026\n"
            "\tAlerts: cups-held-for-authentication\n\tqueued for healthy\n")
    text = replace_section(_later(PRINTSERVER, 0), "cups_jobs", jobs, command="lpstat -W not-completed -l -o")
    c = checks(parse(text, kind="printserver"))["print.jobs:healthy"]
    assert c.state.value == "CRIT"
    assert "(office-7, held: cups-held-for-authentication)" in c.summary
    assert render_check(c, "de").summary.count("angehalten: cups-held-for-authentication") == 1


def test_an_escape_sequence_in_a_queue_description_is_shown_escaped() -> None:
    stuck = checks(parse(PRINTSERVER, kind="printserver"))["print.queue:stuck"]
    assert "\x1b" not in stuck.details and "\x1b" not in stuck.evidence[0].raw
    assert "Evil \\x1b[31mRED" in stuck.details


def test_a_workstation_without_cups_is_not_applicable_a_print_server_unknown() -> None:
    text = recorded("linux_healthy.txt")
    na = checks(parse(text))["print.queue"]
    assert na.state.value == "NA" and "lpstat is not installed" in na.reason
    assert na.evidence[0].source == "lpstat -H -r" and "missing: lpstat" in na.evidence[0].raw
    unk = checks(parse(text, kind="printserver"))["print.queue"]
    assert unk.state.value == "UNKNOWN" and unk.reason == "command not found: lpstat"
    assert unk.fix == "install the CUPS client tools (cups-client)"


def test_a_scheduler_that_does_not_run() -> None:
    text = replace_section(recorded("linux_healthy.txt"), "cups",
                           "/run/cups/cups.sock\nscheduler is not running", command="lpstat -H -r")
    na = checks(parse(text))["print.queue"]
    assert na.state.value == "NA" and "lpstat -r: scheduler is not running" in na.reason
    unk = checks(parse(text, kind="printserver"))["print.queue"]
    assert unk.state.value == "UNKNOWN" and "CUPS scheduler is not running" in unk.reason
    assert "systemctl start cups" in unk.fix
    german = render_check(unk, "de").reason
    assert german == "der CUPS-Scheduler läuft nicht (lpstat -r: scheduler is not running)"


def test_a_client_of_another_cups_server_is_not_applicable() -> None:
    text = replace_section(PRINTSERVER, "cups", "printsrv.example:631\nscheduler is running",
                           command="lpstat -H -r")
    na = checks(parse(text.replace("hostname=printsrv", "hostname=empfang-pc")))["print.queue"]
    assert na.state.value == "NA" and "CUPS server printsrv.example:631" in na.reason
    # its own name (the print server's client.conf naming itself) is local
    own = _print(checks(parse(text.replace("hostname=printsrv", "hostname=PRINTSRV.example"))))
    assert "print.queue:stuck" in own


def test_no_queues_and_refusals() -> None:
    empty = replace_section(PRINTSERVER, "cups_queues", "", exit_status=1,
                            stderr=["lpstat: No destinations added."], command="lpstat -l -p")
    assert checks(parse(empty))["print.queue"].state.value == "NA"
    assert checks(parse(empty, kind="printserver"))["print.queue"].state.value == "WARN"
    refused = replace_section(PRINTSERVER, "cups_jobs", "", exit_status=1, stderr=["lpstat: Forbidden"],
                              command="lpstat -W not-completed -l -o")
    found = _print(checks(parse(refused, kind="printserver")))
    assert found["print.jobs"].state.value == "UNKNOWN" and "lpstat: Forbidden" in found["print.jobs"].reason
    assert found["print.queue:stuck"].state.value == "CRIT" and not found["print.queue:stuck"].metrics


def test_cut_off_and_garbled_output() -> None:
    cut = drop_section(drop_section(drop_section(PRINTSERVER, "cups_jobs"), "cups_accepting"), "cups_queues")
    c = checks(parse(cut, kind="printserver"))["print.queue"]
    assert c.state.value == "UNKNOWN" and "lacks this part" in c.summary
    garbled = replace_section(PRINTSERVER, "cups_jobs", "stuck-1 root 1024 yesterday",
                              command="lpstat -W not-completed -l -o")
    found = _print(checks(parse(garbled, kind="printserver")))
    c = found["print.jobs"]
    assert c.state.value == "UNKNOWN" and "could not parse" in c.summary
    assert c.evidence[0].raw == "stuck-1 root 1024 yesterday"
    assert found["print.queue:stuck"].state.value == "CRIT"  # the queues were read all the same


def test_the_oldest_jobs_age_is_a_metric_in_minutes_and_in_prometheus_seconds() -> None:
    from fleetcheck.cli.output.prometheus import metric_name

    jobs = checks(parse(_later(PRINTSERVER, 45), kind="printserver"))["print.jobs:stuck"]
    age = {m.name: m for m in jobs.metrics}["oldest_job_age_min"]
    assert age.value == 47.0 and (age.warn, age.crit) == ("30", "120") and age.unit == ""
    assert metric_name(age.name, age.unit) == ("fleetcheck_check_oldest_job_age_seconds", 60)
