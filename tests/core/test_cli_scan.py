"""`fleetcheck scan` end to end: exit codes, every format, bad arguments, Ctrl-C, history.

Most tests run the real CLI with a scripted collector registered for kind
`linux` (tests/core/scripted_collector.py); the last ones scan this machine
with the real local collector and the bundled inventory.
"""

from __future__ import annotations

import contextlib
import json
import os
import pty
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fleetcheck.cli.main import main
from fleetcheck.cli.output.nagios import perf_label, perf_number, perf_value
from fleetcheck.core.collectors import registry
from fleetcheck.core.results import ScanResult
from fleetcheck.core.states import State
from fleetcheck.store import ScanInfo, ScanStatus, open_store

pytestmark = pytest.mark.timeout(60)

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SCRIPTED = ("scripted_collector", "ScriptedCollector")


def write_inventory(path: Path, names: list[str], tags: dict[str, list[str]] | None = None) -> Path:
    lines = ["customer: Scripted Test GmbH", "hosts:"]
    for i, name in enumerate(names):
        lines += [f"  - name: {name}", f"    address: 192.0.2.{i + 1}", "    kind: linux"]
        if tags and name in tags:
            lines.append(f"    tags: [{', '.join(tags[name])}]")
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Kind `linux` served by the scripted collector; history in a temporary FLEETCHECK_HOME."""
    monkeypatch.syspath_prepend(str(HERE))
    monkeypatch.setitem(registry.COLLECTORS, "linux", SCRIPTED)
    monkeypatch.setenv("FLEETCHECK_HOME", str(tmp_path / "home"))
    yield tmp_path


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse errors and --help
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def scans_in(db: Path) -> list[ScanInfo]:
    """Saved scans, newest first."""
    if not db.exists():
        return []
    store = open_store(db, import_legacy=False)
    try:
        return store.list_scans()
    finally:
        store.close()


# --- exit codes --------------------------------------------------------------------------

EXIT_CASES = [
    (["ok-a", "ok-b"], 0),
    (["ok-a", "warn-b"], 1),
    (["warn-a", "crit-b", "unknown-c"], 2),  # CRIT outranks UNKNOWN in the roll-up
    (["ok-a", "unknown-b"], 3),
    (["warn-a", "unknown-b"], 3),
    (["down-a", "ok-b"], 2),  # an unreachable host is CRIT, never OK
]


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "nagios"])
@pytest.mark.parametrize(("names", "code"), EXIT_CASES)
def test_exit_code_is_nagios_code_of_worst_host(scripted: Path, capsys: pytest.CaptureFixture[str],
                                                names: list[str], code: int, fmt: str) -> None:
    inv = write_inventory(scripted / "inv.yaml", names)
    got, out, err = run_cli(capsys, "scan", str(inv), "--format", fmt, "--no-history")
    assert got == code, err
    assert out and "Traceback" not in err


# --- formats -----------------------------------------------------------------------------

def test_json_output_schema_and_round_trip(scripted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inv = write_inventory(scripted / "inv.yaml", ["ok-a", "crit-b", "unknown-c", "down-d"])
    code, out, _ = run_cli(capsys, "scan", str(inv), "--format", "json", "--no-history")
    doc = json.loads(out)
    assert code == 2 and doc["schema"] == "fleetcheck.scan/1" and doc["state"] == "CRIT"
    assert doc["customer"] == "Scripted Test GmbH" and doc["started"] and doc["finished"]
    hosts = {h["name"]: h for h in doc["hosts"]}
    assert [h["name"] for h in doc["hosts"]] == ["ok-a", "crit-b", "unknown-c", "down-d"]
    for h in doc["hosts"]:
        for key in ("name", "kind", "address", "reachability", "state", "unknown_count", "checks"):
            assert key in h
        for c in h["checks"]:
            for key in ("id", "state", "summary", "reason", "evidence", "metrics"):
                assert key in c
            assert c["evidence"], c  # every finding carries its evidence
    assert hosts["unknown-c"]["unknown_count"] == 1
    assert hosts["unknown-c"]["checks"][0]["reason"] == "systemctl: permission denied"
    assert hosts["down-d"]["reachability"] == "unreachable" and hosts["down-d"]["state"] == "CRIT"
    crit = hosts["crit-b"]["checks"][0]
    assert crit["metrics"][0] == {"name": "used_pct", "value": 95.0, "unit": "%", "warn": "80",
                                  "crit": "90", "min": 0, "max": 100}
    assert crit["metrics"][1]["value"] is None  # could not be determined, never a made-up 0
    assert ScanResult.from_dict(doc).to_dict() == doc


def test_jsonl_one_event_per_line(scripted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inv = write_inventory(scripted / "inv.yaml", ["ok-a", "warn-b", "down-c"])
    code, out, _ = run_cli(capsys, "scan", str(inv), "--format", "jsonl", "--no-history")
    events = [json.loads(line) for line in out.splitlines()]
    assert code == 2
    assert events[0]["event"] == "scan_started"
    assert [h["name"] for h in events[0]["hosts"]] == ["ok-a", "warn-b", "down-c"]
    assert events[-1]["event"] == "scan_finished" and events[-1]["state"] == "CRIT"
    finished = [e["host"]["name"] for e in events if e["event"] == "host_finished"]
    assert sorted(finished) == ["down-c", "ok-a", "warn-b"]
    checks = [(e["host"], e["check"]["id"]) for e in events if e["event"] == "check_finished"]
    assert ("warn-b", "fs.used:/var") in checks and ("down-c", "host.reachability") in checks
    for e in events:
        assert set(e) >= {"event", "time"}


def test_table_worst_first_words_and_coverage(scripted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inv = write_inventory(scripted / "inv.yaml", ["ok-a", "warn-b", "unknown-c", "crit-d", "down-e"])
    code, out, err = run_cli(capsys, "scan", str(inv), "--no-history")
    assert code == 2 and not err  # no progress: stderr is not a terminal
    rows = [line for line in out.splitlines() if re.search(r"192\.0\.2\.\d", line)]
    order = [re.search(r"\b(ok|warn|unknown|crit|down)-[a-e]\b", r).group(0) for r in rows[:5]]  # type: ignore[union-attr]
    assert order == ["crit-d", "down-e", "unknown-c", "warn-b", "ok-a"]
    assert "CRIT" in rows[0] and "WARN" in rows[3] and "OK" in rows[4]  # the word, not only colour
    assert "\x1b[" not in out  # no colour codes into a pipe
    assert "reason: systemctl: permission denied" in out and "fix: run as root" in out
    assert "unreachable: connection refused" in out
    assert out.rstrip().splitlines()[-1] == ("5 hosts: 1 CRIT, 1 WARN, 1 UNKNOWN, 1 unreachable, 1 OK; "
                                             "1 check could not run")


def test_kind_without_collector_is_not_checked_not_unreachable(
        scripted: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    inv = write_inventory(scripted / "inv.yaml", ["ok-a"])
    inv.write_text(inv.read_text() + "  - name: lp1\n    address: 192.0.2.50\n    kind: printer\n")
    monkeypatch.setitem(registry.COLLECTORS, "printer", ("fleetcheck.core.collectors.no_such_collector", "X"))
    code, out, _ = run_cli(capsys, "scan", str(inv), "--no-history")
    assert code == 3
    assert "no collector for kind 'printer'" in out
    assert out.rstrip().splitlines()[-1] == ("2 hosts: 0 CRIT, 0 WARN, 0 UNKNOWN, 0 unreachable, "
                                             "1 not checked, 1 OK; 1 check could not run")


PERF = re.compile(r"(?:'[^'=]+'|[^'= ]+)=(?:-?\d+(?:\.\d+)?|U)(?:%|s|ms|us|B|KB|MB|GB|TB|c)?"
                  r"(?:;[^; ]*){0,4}")


def test_nagios_status_line_and_perfdata(scripted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inv = write_inventory(scripted / "inv.yaml", ["ok-a", "warn-b", "unknown-c", "unknown-d", "crit-e"])
    code, out, _ = run_cli(capsys, "scan", str(inv), "--format", "nagios", "--no-history")
    first, *long_lines = out.splitlines()
    assert code == 2
    text, perf = first.split(" | ")
    assert text == ("FLEETCHECK CRITICAL - 5 hosts: 1 CRIT, 1 WARN, 2 UNKNOWN, 0 unreachable, 1 OK; "
                    "2 checks could not run (CRIT: crit-e; UNKNOWN: unknown-c, unknown-d; WARN: warn-b)")
    tokens = perf.split(" ")
    assert all(PERF.fullmatch(t) for t in tokens), tokens
    assert "crit=1;;;0" in tokens and "unknown_checks=2;;;0" in tokens
    assert long_lines[0].startswith("[CRIT] crit-e fs.used:/var:")
    assert any("reason: systemctl: permission denied; fix: run as root" in line for line in long_lines)


def test_nagios_single_host_reports_its_metrics(scripted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inv = write_inventory(scripted / "inv.yaml", ["crit-a", "ok-b"])
    code, out, _ = run_cli(capsys, "scan", str(inv), "--format", "nagios", "--host", "crit-a",
                           "--no-history")
    text, perf = out.splitlines()[0].split(" | ")
    assert code == 2
    assert text == "FLEETCHECK CRITICAL - crit-a CRIT (fs.used:/var: /var on crit-a is CRIT)"
    tokens = perf.split(" ")
    assert "fs.used:/var.used_pct=95%;80;90;0;100" in tokens
    assert "fs.used:/var.free=U;;;0" in tokens
    assert all(PERF.fullmatch(t) for t in tokens), tokens


@pytest.mark.parametrize(("label", "expected"), [
    ("cpu.load.load15", "cpu.load.load15"),
    ("fs.used:/var.used_pct", "fs.used:/var.used_pct"),
    ("printer.supply:Black Toner.level", "'printer.supply:Black Toner.level'"),
    ("multi\nline", "'multi line'"),
    ("fs.used:/mnt/Ablage Müller.used_pct", "'fs.used:/mnt/Ablage Müller.used_pct'"),
])
def test_perfdata_labels(label: str, expected: str) -> None:
    assert perf_label(label) == expected


@pytest.mark.parametrize("label", ["odd=label's", "fs.used:/a'b.used_pct", "x|y", "fs.used:/m\x1b]0;T.pct",
                                   "fs.used:/m\x1b]0;T\x07.pct", "fs.used:/\u202eevil.pct", "x" * 500])
def test_unrepresentable_perfdata_labels_are_replaced_not_emitted(label: str) -> None:
    """Plugin guidelines: no `=` or `'` in a label; escaped or endless text is not a label either."""
    out = perf_label(label)
    assert re.fullmatch(r"metric_[0-9a-f]{12}", out), out
    assert perf_label(label) == out  # stable from scan to scan: a graph keeps its history
    assert perf_label(label + "2") != out


@pytest.mark.parametrize(("value", "text"), [
    (0, "0"), (95.0, "95"), (1e20, "100000000000000000000"), (0.25, "0.25"),
    (1.5e-3, "0.0015"), (-2, "-2"), (2**40, "1099511627776"), (1 / 3, "0.333333"),
])
def test_perfdata_numbers_never_scientific(value: float, text: str) -> None:
    assert perf_number(value) == text


def test_perfdata_value_units_and_missing_values() -> None:
    assert perf_value("x", None, "%", "80", "90") == "x=U;80;90"
    assert perf_value("t", 21.5, "°C") == "t=21.5"  # not a perfdata unit: left off
    assert perf_value("b", 10, "B", lo=0, hi=float("inf")) == "b=10B;;;0"


def test_output_file(scripted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inv = write_inventory(scripted / "inv.yaml", ["ok-a"])
    target = scripted / "out.json"
    code, out, _ = run_cli(capsys, "scan", str(inv), "-f", "json", "-o", str(target), "--no-history")
    assert code == 0 and out == ""
    assert json.loads(target.read_text())["hosts"][0]["state"] == "OK"


# --- selection, bad arguments ----------------------------------------------------------------

def test_selection_by_host_and_tag(scripted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inv = write_inventory(scripted / "inv.yaml", ["ok-a", "warn-b", "crit-c"],
                          tags={"ok-a": ["server", "hq"], "warn-b": ["server"], "crit-c": ["pc"]})
    code, out, _ = run_cli(capsys, "scan", str(inv), "-f", "json", "--tag", "server", "--no-history")
    assert code == 1 and [h["name"] for h in json.loads(out)["hosts"]] == ["ok-a", "warn-b"]
    code, out, _ = run_cli(capsys, "scan", str(inv), "-f", "json", "--tag", "server", "--tag", "hq",
                           "--no-history")
    assert code == 0 and [h["name"] for h in json.loads(out)["hosts"]] == ["ok-a"]
    code, out, _ = run_cli(capsys, "scan", str(inv), "-f", "json", "--host", "crit-c", "--host", "ok-a",
                           "--no-history")
    assert code == 2 and [h["name"] for h in json.loads(out)["hosts"]] == ["ok-a", "crit-c"]


@pytest.mark.parametrize("fmt", ["table", "nagios"])
def test_zero_hosts_selected_is_unknown(scripted: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    inv = write_inventory(scripted / "inv.yaml", ["ok-a"], tags={"ok-a": ["server"]})
    code, out, err = run_cli(capsys, "scan", str(inv), "--tag", "printer", "-f", fmt, "--no-history")
    assert code == 3
    assert err == (f"fleetcheck: no hosts selected: 1 host in {inv}, none matches --tag printer "
                   "(tags in use: server)\n")
    assert out == ("" if fmt == "table" else f"FLEETCHECK UNKNOWN - {err[len('fleetcheck: '):]}")
    assert not (scripted / "home").exists()  # nothing scanned, nothing saved


def bad_yaml(tmp: Path) -> str:
    p = tmp / "bad.yaml"
    p.write_text("hosts:\n  - name: a\n    address: 192.0.2.1\n    kind: linux\n    port: twenty-two\n")
    return str(p)


@pytest.mark.parametrize(("argv", "message"), [
    (["--concurrency", "0"], r"argument --concurrency: expected a positive number, got '0'"),
    (["--timeout", "soon"], r"argument --timeout: expected seconds, more than 0 and at most 604800, got 's"),
    (["--scan-timeout", "-1"], r"argument --scan-timeout: expected seconds, more than 0"),
    (["--format", "xml"], r"argument --format/-f: invalid choice: 'xml'"),
    (["--bogus"], r"unrecognized arguments: --bogus"),
    (["{inv}", "--host", "ok-x"], r"--host 'ok-x': no such host in .*inv\.yaml \(did you mean 'ok-a'\?\)"),
    (["{tmp}/missing.yaml"], r"missing\.yaml: no such file"),
    (["{bad}"], r"bad\.yaml:5:\d+: hosts\[0\]\.port: "),
    (["{inv}", "-o", "{tmp}/no/such/dir/out.json"], r"--output .*out\.json: No such file or directory"),
])
def test_bad_arguments_exit_2_with_one_line(scripted: Path, capsys: pytest.CaptureFixture[str],
                                            argv: list[str], message: str) -> None:
    inv = write_inventory(scripted / "inv.yaml", ["ok-a"])
    subst = {"inv": str(inv), "tmp": str(scripted), "bad": bad_yaml(scripted)}
    code, out, err = run_cli(capsys, "scan", *[a.format(**subst) for a in argv])
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert re.search(message, err), err


# --- deadlines, history ---------------------------------------------------------------------

def test_host_and_scan_deadlines_via_cli(scripted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inv = write_inventory(scripted / "inv.yaml", ["ok-a", "hang-b"])
    code, out, _ = run_cli(capsys, "scan", str(inv), "-f", "json", "--timeout", "0.3", "--no-history")
    hosts = {h["name"]: h for h in json.loads(out)["hosts"]}
    assert code == 3 and hosts["ok-a"]["state"] == "OK"
    assert hosts["hang-b"]["reachability"] == "timeout"
    assert hosts["hang-b"]["checks"][0]["reason"] == "timed out after 0.3 s"
    code, out, _ = run_cli(capsys, "scan", str(inv), "-f", "json", "--scan-timeout", "1", "--no-history")
    doc = json.loads(out)
    assert code == 3 and doc["cancelled"] is True
    reason = doc["hosts"][1]["checks"][0]["reason"]
    assert reason == "scan deadline of 1 s reached before this host finished"


def test_history_saved_and_previous_result_reaches_the_next_scan(
        scripted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inv = write_inventory(scripted / "inv.yaml", ["prev-a"])
    db = scripted / "home" / "history.sqlite3"
    code, out, _ = run_cli(capsys, "scan", str(inv), "-f", "json")
    first = json.loads(out)
    assert code == 0 and first["hosts"][0]["checks"][0]["summary"] == "previous scan: none"
    (saved,) = scans_in(db)
    assert saved.customer == "Scripted Test GmbH" and saved.status is ScanStatus.COMPLETE
    store = open_store(db)
    assert store.load_scan(saved.id).to_dict() == first
    store.close()

    code, out, _ = run_cli(capsys, "scan", str(inv), "-f", "json")
    summary = json.loads(out)["hosts"][0]["checks"][0]["summary"]
    assert summary.startswith("previous scan: " + first["hosts"][0]["finished"][:19])
    assert len(scans_in(db)) == 2

    run_cli(capsys, "scan", str(inv), "-f", "json", "--no-history")
    other = scripted / "elsewhere.db"
    run_cli(capsys, "scan", str(inv), "-f", "json", "--db", str(other))
    assert len(scans_in(db)) == 2
    assert len(scans_in(other)) == 1


# --- subprocesses: Ctrl-C, hung threads, broken pipes, no Textual ---------------------------

@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Any]:
    """Start `fleetcheck` in a child process with kind `linux` served by the scripted collector.

    A child a failed test left running is killed (by its PID) at teardown.
    """
    children: list[subprocess.Popen[str]] = []

    def start(argv: list[str], stderr: int = subprocess.PIPE) -> subprocess.Popen[str]:
        code = ("import sys; from fleetcheck.core.collectors import registry; "
                f"registry.COLLECTORS['linux'] = {SCRIPTED!r}; "
                "from fleetcheck.cli.main import main; sys.exit(main(sys.argv[1:]))")
        env = {**os.environ, "PYTHONPATH": str(HERE), "FLEETCHECK_HOME": str(tmp_path / "home")}
        proc = subprocess.Popen([sys.executable, "-c", code, *argv], stdout=subprocess.PIPE,
                                stderr=stderr, text=True, env=env)
        children.append(proc)
        return proc

    yield start
    for proc in children:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def read_until(stream: Any, predicate: Any) -> list[str]:
    lines = []
    for line in stream:
        lines.append(line)
        if predicate(line):
            return lines
    raise AssertionError(f"stream ended before the expected line: {lines}")


def test_ctrl_c_keeps_finished_results_and_exits_despite_hung_thread(tmp_path: Path, spawn: Any) -> None:
    inv = write_inventory(tmp_path / "inv.yaml", ["ok-a", "hang-b", "block-c"])
    proc = spawn(["scan", str(inv), "-f", "jsonl", "--timeout", "300"])
    assert proc.stdout is not None
    head = read_until(proc.stdout, lambda line: '"host_finished"' in line)
    assert '"ok-a"' in head[-1]
    assert proc.poll() is None  # streamed while hang-b and block-c still run
    proc.send_signal(signal.SIGINT)
    rest, err = proc.communicate(timeout=30)  # the thread stuck for 60 s must not hold the process
    events = [json.loads(line) for line in head + rest.splitlines()]
    assert proc.returncode == 3, err
    assert "stopping the scan, keeping finished results" in err and "Traceback" not in err
    hosts = {e["host"]["name"]: e["host"] for e in events if e["event"] == "host_finished"}
    assert hosts["ok-a"]["state"] == "OK"
    for name in ("hang-b", "block-c"):
        assert hosts[name]["reachability"] == "not_checked"
        assert hosts[name]["checks"][0]["reason"] == "scan cancelled before this host finished"
    assert events[-1]["event"] == "scan_finished" and events[-1]["cancelled"] is True


def test_ctrl_c_table_prints_what_finished(tmp_path: Path, spawn: Any) -> None:
    inv = write_inventory(tmp_path / "inv.yaml", ["ok-a", "hang-b"])
    proc = spawn(["scan", str(inv), "--timeout", "300", "--no-history"])
    assert proc.stderr is not None
    read_until(proc.stderr, lambda line: "scripted: hang-b started" in line)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 3, err
    assert "scan ended early: scan cancelled before this host finished (1 host not checked)" in out
    assert "ok-a" in out and "hang-b" in out
    assert out.rstrip().splitlines()[-1] == ("2 hosts: 0 CRIT, 0 WARN, 0 UNKNOWN, 0 unreachable, "
                                             "1 not checked, 1 OK; 1 check could not run")
    assert "Traceback" not in err


def test_second_ctrl_c_exits_at_once_with_130(tmp_path: Path, spawn: Any) -> None:
    """Even when the scan cannot end: here its output blocks on a pipe nobody reads."""
    inv = write_inventory(tmp_path / "inv.yaml", ["big-a", "hang-b"])
    proc = spawn(["scan", str(inv), "-f", "jsonl", "--no-history"])
    assert proc.stderr is not None
    read_until(proc.stderr, lambda line: "scripted: hang-b started" in line)
    proc.send_signal(signal.SIGINT)
    read_until(proc.stderr, lambda line: "stopping the scan" in line)
    assert proc.poll() is None  # still stuck writing big-a's results
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 130


def test_hung_thread_does_not_keep_the_process_alive(tmp_path: Path, spawn: Any) -> None:
    inv = write_inventory(tmp_path / "inv.yaml", ["block-a", "ok-b"])
    proc = spawn(["scan", str(inv), "-f", "json", "--timeout", "0.3"])
    out, err = proc.communicate(timeout=30)  # block-a's thread sleeps 60 s
    assert proc.returncode == 3, err
    doc = json.loads(out)
    assert doc["hosts"][0]["checks"][0]["reason"] == "timed out after 0.3 s"
    assert len(scans_in(tmp_path / "home" / "history.sqlite3")) == 1  # saved before leaving


def test_reader_going_away_is_not_a_traceback(tmp_path: Path, spawn: Any) -> None:
    inv = write_inventory(tmp_path / "inv.yaml", ["ok-a", "slow-b", "slow-c"])
    proc = spawn(["scan", str(inv), "-f", "jsonl", "--no-history", "--concurrency", "1"])
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read()
    proc.wait(timeout=30)
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_progress_on_stderr_only_when_it_is_a_terminal(tmp_path: Path, spawn: Any) -> None:
    inv = write_inventory(tmp_path / "inv.yaml", ["slow-a", "slow-b", "warn-c"])
    master, slave = pty.openpty()
    proc = spawn(["scan", str(inv), "--no-history", "--concurrency", "1"], stderr=slave)
    os.close(slave)
    out, _ = proc.communicate(timeout=30)
    seen = b""
    with contextlib.suppress(OSError):  # EIO once the child's end is closed and drained
        while chunk := os.read(master, 65536):
            seen += chunk
    os.close(master)
    assert proc.returncode == 1
    text = seen.decode()
    assert "scanning: " in text and "3/3 hosts done" in text, text
    assert text.endswith("\r\x1b[2K")  # the status line is cleared before the table prints
    assert "scanning" not in out  # stdout gets the table only
    # and with stderr not a terminal (every other test here) nothing is drawn at all


NO_TEXTUAL = """
import sys
from fleetcheck.cli.main import main
try:
    main(["scan", "--help"])
except SystemExit:
    pass
code = main(["scan", "--no-history", "-f", "json", "-o", sys.argv[1], sys.argv[2]])
heavy = [m for m in ("textual", "paramiko") if m in sys.modules]
assert not heavy, heavy
print(code)
"""


def test_headless_scan_never_imports_textual(tmp_path: Path) -> None:
    inv = REPO / "inventories" / "local.yaml"
    res = subprocess.run([sys.executable, "-c", NO_TEXTUAL, str(tmp_path / "o.json"), str(inv)],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert json.loads((tmp_path / "o.json").read_text())["hosts"][0]["name"] == "localhost"


# --- this machine, the bundled default inventory ----------------------------------------------

def test_scan_this_machine_with_default_inventory(tmp_path: Path) -> None:
    env = {**os.environ, "FLEETCHECK_HOME": str(tmp_path)}
    res = subprocess.run([sys.executable, "-m", "fleetcheck", "scan", "--format", "json"],
                         capture_output=True, text=True, timeout=120, cwd=REPO, env=env)
    doc = json.loads(res.stdout)
    assert doc["inventories"] == ["inventories/local.yaml"]
    (host,) = doc["hosts"]
    assert host["name"] == "localhost" and host["kind"] == "local" and host["reachability"] == "reachable"
    ids = {c["id"] for c in host["checks"]}
    assert {"cpu.load", "mem.used", "fs.used:/"} <= ids, ids
    for c in host["checks"]:
        assert c["evidence"] or c["reason"], c  # evidence, or why there is none
        assert c["state"] != "UNKNOWN" or c["reason"]
    assert res.returncode == State(doc["state"]).nagios_code, res.stderr
    assert len(scans_in(tmp_path / "history.sqlite3")) == 1

    table = subprocess.run([sys.executable, "-m", "fleetcheck", "scan", "--no-history"],
                           capture_output=True, text=True, timeout=120, cwd=REPO, env=env)
    assert "localhost" in table.stdout
    coverage = (r"^1 host: \d CRIT, \d WARN, \d UNKNOWN, 0 unreachable, \d OK; \d+ checks? could not run"
                r"(; \d+ not applicable)?(; \d+ skipped by the inventory)?$")
    assert re.search(coverage, table.stdout, re.M), table.stdout
