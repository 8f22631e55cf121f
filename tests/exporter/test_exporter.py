"""`fleetcheck exporter`: /probe, /metrics, single-flight, scrape deadlines, history, stopping.

Every test runs the real command as a child process on a free loopback port
(exporter_helpers.py) and talks HTTP to it; kind `linux` is served by the
scripted collector, so states are known in advance without a network.
"""

from __future__ import annotations

import concurrent.futures
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from exporter_helpers import ExporterProcess, write_inventory
from prometheus_client.parser import text_string_to_metric_families

from fleetcheck.store import open_store

pytestmark = pytest.mark.timeout(60)

TIMEOUT = "X-Prometheus-Scrape-Timeout-Seconds"
PROMTOOL_ARGS = ["promtool", "check", "metrics"]
Start = Callable[..., ExporterProcess]
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def samples(text: str) -> Samples:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(found: Samples, name: str, **labels: str) -> float:
    hits = [v for (n, ls), v in found.items()
            if n == name and all(dict(ls).get(k) == want for k, want in labels.items())]
    assert len(hits) == 1, (name, labels, hits)
    return hits[0]


def promtool_check(text: str) -> None:
    done = subprocess.run(PROMTOOL_ARGS, input=text, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def wait_for(predicate: Callable[[], bool], what: str, timeout: float = 20) -> None:
    """Poll until `predicate()` holds (a bound on the wait, not an assertion on time)."""
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


@pytest.fixture
def exporter(tmp_path: Path) -> Iterator[Start]:
    started: list[ExporterProcess] = []

    def start(names: list[str], *more: str) -> ExporterProcess:
        inv = write_inventory(tmp_path / "inv.yaml", names)
        proc = ExporterProcess([str(inv), *more], tmp_path / "home", tmp_path / "gates")
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.stop()


def test_probe_returns_the_hosts_metrics_checked_by_promtool(exporter: Start) -> None:
    exp = exporter(["ok-a", "crit-b", "down-c", "vm-d"])
    status, headers, body = exp.get("/probe?host=crit-b")
    assert status == 200 and headers["content-type"].startswith("text/plain; version=0.0.4"), (status, body)
    promtool_check(body)
    found = samples(body)
    host = {"customer": "Exporter Test GmbH", "host": "crit-b", "kind": "linux", "site": ""}
    assert value(found, "fleetcheck_host_state", **host) == 2
    assert value(found, "fleetcheck_check_state", check="fs.used:/var", **host) == 2
    assert value(found, "fleetcheck_check_used_ratio", check="fs.used:/var") == 0.95
    assert value(found, "fleetcheck_scan_timestamp_seconds") > 1.7e9
    assert value(found, "fleetcheck_probe_duration_seconds") >= 0
    # one host only
    assert {ls for n, ls in found if n == "fleetcheck_host_state"} == {tuple(sorted(host.items()))}
    down = samples(exp.get("/probe?host=down-c")[2])
    assert value(down, "fleetcheck_host_up") == 0 and value(down, "fleetcheck_host_state") == 2
    assert value(down, "fleetcheck_check_state", check="host.reachability") == 2
    vm = samples(exp.get("/probe?host=vm-d")[2])
    assert value(vm, "fleetcheck_check_state", check="temp") == -1  # N/A never reads as OK
    assert value(vm, "fleetcheck_host_state") == 0
    # OpenMetrics when Prometheus asks for it (content negotiation by prometheus_client)
    accept = {"Accept": "application/openmetrics-text; version=1.0.0"}
    status, headers, body = exp.get("/probe?host=ok-a", accept)
    assert status == 200 and headers["content-type"].startswith("application/openmetrics-text"), headers
    assert body.endswith("# EOF\n")


def test_bad_requests_are_one_escaped_line(exporter: Start) -> None:
    exp = exporter(["ok-a"])
    for path, headers, expected in [
        ("/probe?host=no%0Asuch%1B%5B2J", {},
         "unknown host 'no\\nsuch\\x1b[2J': not in the exporter's inventory"),
        ("/probe", {}, "expected exactly one ?host=NAME"),
        ("/probe?host=ok-a&host=ok-a", {}, "expected exactly one ?host=NAME"),
        ("/probe?host=", {}, "expected exactly one ?host=NAME"),
        ("/probe?host=ok-a", {TIMEOUT: "soon"},
         "X-Prometheus-Scrape-Timeout-Seconds: expected seconds greater than 0, got 'soon'"),
        ("/probe?host=ok-a", {TIMEOUT: "-1"}, "expected seconds greater than 0"),
        ("/probe?host=ok-a", {TIMEOUT: "nan"}, "expected seconds greater than 0"),
    ]:
        status, got_headers, body = exp.get(path, headers)
        assert status == 400, (path, status, body)
        assert expected in body and body.count("\n") == 1, (path, body)
        assert "\x1b" not in body and got_headers["content-type"] == "text/plain; charset=utf-8"
    assert exp.get("/nothing-here")[0] == 404
    status, _, index = exp.get("/")
    assert status == 200 and "/probe?host=NAME" in index
    own = samples(exp.get("/metrics")[2])
    assert value(own, "fleetcheck_exporter_probe_errors_total", reason="unknown_host") == 1
    assert value(own, "fleetcheck_exporter_probe_errors_total", reason="bad_request") == 6
    assert value(own, "fleetcheck_exporter_scans_total") == 0  # nothing was scanned for a bad request


def test_scrape_deadline_reports_timeout_never_a_stale_result(exporter: Start) -> None:
    exp = exporter(["gate-a", "hang-b"], "--timeout", "30")
    exp.open_gate("gate-a")
    ok = samples(exp.get("/probe?host=gate-a", {TIMEOUT: "10"})[2])
    assert value(ok, "fleetcheck_host_state") == 0
    # a host that does not finish within the scrape's timeout (less the offset) is UNKNOWN: timed out
    status, _, body = exp.get("/probe?host=hang-b", {TIMEOUT: "1.5"})
    assert status == 200, body
    promtool_check(body)
    late = samples(body)
    assert value(late, "fleetcheck_host_state") == 3 and value(late, "fleetcheck_host_up") == 0
    assert value(late, "fleetcheck_check_state", check="host.reachability") == 3
    assert value(late, "fleetcheck_host_checks", state="OK") == 0
    own = samples(exp.get("/metrics")[2])
    assert value(own, "fleetcheck_exporter_probes_total", outcome="scanned") == 2


def test_concurrent_probes_of_one_host_share_one_scan(exporter: Start) -> None:
    exp = exporter(["gate-a", "ok-b"])
    n = 6

    def own() -> Samples:
        return samples(exp.get("/metrics")[2])

    with concurrent.futures.ThreadPoolExecutor(n) as pool:
        probes = [pool.submit(exp.get, "/probe?host=gate-a") for _ in range(n)]
        wait_for(lambda: value(own(), "fleetcheck_exporter_probes_in_flight") == n, f"{n} probes in flight")
        state = own()
        assert value(state, "fleetcheck_exporter_scans_in_flight") == 1  # one scan held open by the gate
        assert value(state, "fleetcheck_exporter_scans_total") == 1
        assert exp.get("/probe?host=ok-b")[0] == 200  # another host is not held up by it
        exp.open_gate("gate-a")
        bodies = [f.result(timeout=30) for f in probes]
    stamps = set()
    for status, _, body in bodies:
        assert status == 200, body
        found = samples(body)
        assert value(found, "fleetcheck_check_state", check="gate.open") == 0
        stamps.add(value(found, "fleetcheck_scan_timestamp_seconds"))
    assert len(stamps) == 1  # all of them got the one scan's result
    state = own()
    assert value(state, "fleetcheck_exporter_scans_total") == 2  # gate-a once, ok-b once
    assert value(state, "fleetcheck_exporter_probes_total", outcome="scanned") == 2
    assert value(state, "fleetcheck_exporter_probes_total", outcome="shared") == n - 1
    assert value(state, "fleetcheck_exporter_probes_in_flight") == 0
    assert value(state, "fleetcheck_exporter_probe_duration_seconds_count") == n + 1
    # the scan is over: the next probe scans again (no cache)
    exp.get("/probe?host=gate-a")
    assert value(own(), "fleetcheck_exporter_scans_total") == 3


def test_a_probe_that_joins_late_keeps_its_own_deadline(exporter: Start) -> None:
    exp = exporter(["gate-a"])
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        first = pool.submit(exp.get, "/probe?host=gate-a")
        wait_for(lambda: value(samples(exp.get("/metrics")[2]), "fleetcheck_exporter_scans_in_flight") == 1,
                 "the first probe's scan")
        status, _, body = exp.get("/probe?host=gate-a", {TIMEOUT: "1"})
        assert status == 200
        late = samples(body)
        assert value(late, "fleetcheck_host_state") == 3 and value(late, "fleetcheck_host_up") == 0
        exp.open_gate("gate-a")
        assert value(samples(first.result(timeout=30)[2]), "fleetcheck_host_state") == 0
    own = samples(exp.get("/metrics")[2])
    assert value(own, "fleetcheck_exporter_probes_total", outcome="deadline") == 1
    assert value(own, "fleetcheck_exporter_scans_total") == 1


def test_no_secret_in_any_answer(tmp_path: Path) -> None:
    secret = "s3cret-Passw0rd"
    inv = tmp_path / "inv.yaml"
    inv.write_text("customer: Exporter Test GmbH\nhosts:\n"
                   "  - {name: ok-a, kind: linux, address: 192.0.2.1, password: {env: FC_TEST_SECRET}}\n"
                   "  - {name: down-b, kind: linux, address: 192.0.2.2, password: {env: FC_TEST_SECRET}}\n")
    inv.chmod(0o600)
    exp = ExporterProcess([str(inv)], tmp_path / "home", tmp_path / "gates", env={"FC_TEST_SECRET": secret})
    try:
        answers = [exp.get(path)[2] for path in ("/probe?host=ok-a", "/probe?host=down-b", "/metrics", "/",
                                                 f"/probe?host={secret}")]
        assert "fleetcheck_host_state" in answers[0] and "fleetcheck_host_up" in answers[1]
        assert exp.signal() == 0
    finally:
        exp.stop()
    assert not [a for a in answers[:4] if secret in a] and secret not in exp.stderr


def test_own_metrics_are_checked_by_promtool(exporter: Start) -> None:
    exp = exporter(["ok-a"])
    exp.get("/probe?host=ok-a")
    status, _, body = exp.get("/metrics")
    assert status == 200
    promtool_check(body)
    found = samples(body)
    assert value(found, "fleetcheck_exporter_probes_total", outcome="scanned") == 1
    assert value(found, "process_cpu_seconds_total") >= 0  # the process collector
    assert value(found, "fleetcheck_exporter_probe_duration_seconds_count") == 1
    assert not [n for n, _ in found if n.endswith("_created")]


def test_a_scrape_cut_short_is_saved_with_the_scrape_fix(exporter: Start, tmp_path: Path) -> None:
    db = tmp_path / "probes.sqlite3"
    exp = exporter(["hang-b"], "--db", str(db), "--timeout", "30")
    status, _, body = exp.get("/probe?host=hang-b", {TIMEOUT: "1.5"})
    assert status == 200 and value(samples(body), "fleetcheck_host_state") == 3
    assert exp.signal() == 0
    store = open_store(db, import_legacy=False)
    try:
        (saved,) = store.list_scans()
        host = store.load_scan(saved.id).hosts[0]
    finally:
        store.close()
    (reach,) = host.checks
    assert reach.id == "host.reachability" and reach.state.name == "UNKNOWN"
    # the scrape's 1.5 s less the 0.5 s offset and the 0.1 s margin, to a tenth of a second
    assert reach.reason is not None and re.fullmatch(r"timed out after 0\.[0-9] s", reach.reason), reach
    # the fix names what cut it short (the scrape's timeout), not --timeout, which was 30 s
    assert reach.fix is not None and reach.fix.startswith("raise scrape_timeout of this job"), reach.fix


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_history_only_with_db(exporter: Start, tmp_path: Path, request: pytest.FixtureRequest,
                              backend: str) -> None:
    exp = exporter(["prev-a"])
    first = exp.get("/probe?host=prev-a")
    assert first[0] == 200
    exp.signal()
    assert not (tmp_path / "home").exists() or not list((tmp_path / "home").rglob("*.sqlite3"))
    db = str(tmp_path / "probes.sqlite3") if backend == "sqlite" else request.getfixturevalue("pg_url")
    exp = exporter(["prev-a"], "--db", db)
    for _ in range(2):
        assert exp.get("/probe?host=prev-a")[0] == 200
    assert exp.signal() == 0
    assert "warning" not in exp.stderr, exp.stderr
    store = open_store(db, import_legacy=False)
    try:
        scans = store.list_scans()
        assert len(scans) == 2  # each probe saved like a one-host scan
        newest = store.load_scan(scans[0].id)
        older = store.load_scan(scans[1].id)
    finally:
        store.close()
    # the second probe's crash window starts where the first one read (the scripted host says so)
    assert older.hosts[0].checks[0].summary == "previous scan: none"
    assert newest.hosts[0].checks[0].summary.startswith("previous scan: 20")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_ctrl_c_stop_cleanly_with_a_scan_running(exporter: Start,
                                                            sig: int) -> None:
    exp = exporter(["hang-a"])
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(exp.get, "/probe?host=hang-a", None, 30)
        wait_for(lambda: "hang-a started" in exp.stderr, "the hanging scan")
        code = exp.signal(sig)
    assert code == 0, exp.stderr
    assert "exporter stopping" in exp.stderr and "Traceback" not in exp.stderr


@pytest.mark.parametrize(("listen", "message"), [
    ("127.0.0.1", "expected ADDRESS:PORT"),
    (":9469", "0.0.0.0:PORT listens on every interface"),
    ("127.0.0.1:http", "port must be a number from 0 to 65535"),
    ("127.0.0.1:70000", "port must be a number from 0 to 65535"),
    ("::1:9469", "write an IPv6 address in brackets: [::1]:9469"),
    ("example.org:9469", "is not an IP address"),
])
def test_bad_listen_is_one_line_exit_2(tmp_path: Path, listen: str, message: str) -> None:
    inv = write_inventory(tmp_path / "inv.yaml", ["ok-a"])
    res = subprocess.run([sys.executable, "-m", "fleetcheck", "exporter", "--listen", listen, str(inv)],
                         capture_output=True, text=True, timeout=30)
    assert res.returncode == 2 and res.stdout == "", res
    assert res.stderr.count("\n") == 1 and message in res.stderr and "Traceback" not in res.stderr, res.stderr


def test_port_in_use_is_one_line_exit_2(tmp_path: Path) -> None:
    inv = write_inventory(tmp_path / "inv.yaml", ["ok-a"])
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        res = subprocess.run([sys.executable, "-m", "fleetcheck", "exporter", "--listen", f"127.0.0.1:{port}",
                              str(inv)], capture_output=True, text=True, timeout=30)
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr == f"fleetcheck: --listen 127.0.0.1:{port}: cannot listen: Address already in use\n"


NO_TEXTUAL = """
import os, re, signal, sys, threading, time, urllib.request
from fleetcheck.cli.main import main

def probe_then_stop():
    try:
        for _ in range(600):
            found = re.search(r"listening on (http://127.0.0.1:[0-9]+/) ", open(sys.argv[2]).read())
            if found:
                break
            time.sleep(0.05)
        body = urllib.request.urlopen(found.group(1) + "probe?host=localhost", timeout=30).read()
        heavy = [m for m in ("textual", "rich") if m in sys.modules]
        outcome = repr((heavy, b"fleetcheck_host_state" in body))
    except Exception as exc:
        outcome = repr(exc)
    open(sys.argv[3], "w").write(outcome)
    os.kill(os.getpid(), signal.SIGTERM)

sys.stderr = open(sys.argv[2], "w", buffering=1)
threading.Thread(target=probe_then_stop, daemon=True).start()
sys.exit(main(["exporter", "--listen", "127.0.0.1:0", sys.argv[1]]))
"""


def test_exporter_never_imports_textual(tmp_path: Path) -> None:
    inv = Path(__file__).resolve().parents[2] / "inventories" / "local.yaml"
    err, out = tmp_path / "stderr", tmp_path / "out"
    res = subprocess.run([sys.executable, "-c", NO_TEXTUAL, str(inv), str(err), str(out)],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert res.returncode == 0, res.stderr + err.read_text()
    assert out.read_text() == "([], True)"
