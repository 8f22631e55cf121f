"""A real Prometheus server scrapes a real `fleetcheck exporter` and answers PromQL with the host's state.

Debian's `prometheus` (dev/test.sh) runs on a free loopback port with a temporary
config and data folder: a 2 s scrape interval, the blackbox-style relabelling of
docs/prometheus.md, and the example alerting rules. The exporter (a child process,
real collectors) serves this machine (`kind: local`) and a Linux host whose SSH port
refuses connections (down: CRIT, deterministic), and a printer served by snmpsim from
a recording whose black toner is at 5 % (CRIT). The test polls the HTTP API until
the expected series appear (a bound on the wait, never an assertion on time) and
stops both processes by PID.
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from exporter_helpers import ExporterProcess
from test_exporter import promtool_check, samples, value
from tests.printers.peers import DATA, Snmpsim

pytestmark = pytest.mark.timeout(90)

RULES = Path(__file__).resolve().parents[2] / "docs" / "prometheus" / "fleetcheck.rules.yml"
PROMETHEUS = shutil.which("prometheus")
WAIT = 45.0  # seconds at most for a series to appear


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def closed_port() -> int:
    """A loopback port nothing listens on (connect gets 'connection refused')."""
    return free_port()


class Prometheus:
    def __init__(self, tmp: Path, exporter_port: int) -> None:
        assert PROMETHEUS is not None, "prometheus missing: dev/test.sh installs the prometheus package"
        self.port = free_port()
        config = {
            "global": {"scrape_interval": "2s", "scrape_timeout": "2s", "evaluation_interval": "1s"},
            "rule_files": [str(RULES)],
            "scrape_configs": [
                {"job_name": "fleetcheck", "metrics_path": "/probe",
                 "static_configs": [{"targets": ["localhost", "gone", "drucker", "no-such-host"]}],
                 "relabel_configs": [
                     {"source_labels": ["__address__"], "target_label": "__param_host"},
                     {"source_labels": ["__param_host"], "target_label": "instance"},
                     {"target_label": "__address__", "replacement": f"127.0.0.1:{exporter_port}"}]},
                {"job_name": "fleetcheck-exporter",
                 "static_configs": [{"targets": [f"127.0.0.1:{exporter_port}"]}]},
            ],
        }
        cfg = tmp / "prometheus.yml"
        cfg.write_text(json.dumps(config))  # JSON is YAML
        self.log = (tmp / "prometheus.log").open("w")
        self.proc = subprocess.Popen(
            [PROMETHEUS, f"--config.file={cfg}", f"--storage.tsdb.path={tmp / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=self.log, stderr=subprocess.STDOUT)

    def api(self, path: str, **params: str) -> Any:
        url = f"http://127.0.0.1:{self.port}/api/v1/{path}?{urllib.parse.urlencode(params)}"
        with urllib.request.urlopen(url, timeout=10) as resp:
            doc = json.load(resp)
        assert doc["status"] == "success", doc
        return doc["data"]

    def query(self, promql: str) -> list[dict[str, Any]]:
        try:
            result: list[dict[str, Any]] = self.api("query", query=promql)["result"]
        except OSError:  # not listening yet
            return []
        return result

    def wait_for(self, promql: str) -> list[dict[str, Any]]:
        end = time.monotonic() + WAIT
        while time.monotonic() < end:
            assert self.proc.poll() is None, "prometheus exited; see its log"
            found = self.query(promql)
            if found:
                return found
            time.sleep(0.25)
        raise AssertionError(f"no result for {promql} within the bound")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[tuple[ExporterProcess, Prometheus]]:
    ssh_config = tmp_path / "ssh_config"
    ssh_config.write_text("")
    snmpsim = Snmpsim(DATA).start("fleetcheck-empty")
    exporter = prometheus = None
    try:
        inv = tmp_path / "inv.yaml"
        inv.write_text("customer: Prom Test\nhosts:\n"
                       "  - {name: localhost, kind: local}\n"
                       f"  - {{name: gone, kind: linux, address: 127.0.0.1, port: {closed_port()}, "
                       f"known_hosts: {tmp_path / 'known_hosts'}}}\n"
                       "  - {name: drucker, kind: printer, address: 127.0.0.1, "
                       f"snmp: {{community: fleetcheck-empty, port: {snmpsim.port}}}}}\n")
        inv.chmod(0o600)  # it holds a community
        exporter = ExporterProcess([str(inv), "--ssh-config", str(ssh_config)], tmp_path / "home",
                                   tmp_path / "gates", collector=None)
        prometheus = Prometheus(tmp_path, exporter.port)
        yield exporter, prometheus
    finally:
        if prometheus is not None:
            prometheus.stop()
        if exporter is not None:
            exporter.stop()
        snmpsim.stop()


def test_prometheus_scrapes_the_exporter_and_answers_promql(stack: tuple[ExporterProcess, Prometheus]
                                                            ) -> None:
    exporter, prom = stack
    # the down host: CRIT, not up, as Prometheus stored it from /probe?host=gone
    (gone,) = prom.wait_for('fleetcheck_host_state{job="fleetcheck",host="gone"}')
    assert gone["metric"]["instance"] == "gone" and gone["metric"]["customer"] == "Prom Test"
    assert float(gone["value"][1]) == 2
    (up,) = prom.wait_for('fleetcheck_host_up{host="gone"}')
    assert float(up["value"][1]) == 0
    (reach,) = prom.wait_for('fleetcheck_check_state{host="gone",check="host.reachability"}')
    assert float(reach["value"][1]) == 2
    # this machine: reached and read within the 2 s scrape (a slow scan shows up as 0 and is retried)
    (local,) = prom.wait_for('fleetcheck_host_up{host="localhost",kind="local"} == 1')
    assert local["metric"]["instance"] == "localhost"
    (state,) = prom.wait_for('fleetcheck_host_state{host="localhost"}')
    assert float(state["value"][1]) in (0, 1, 2, 3)
    # a host the inventory does not have: 400, so Prometheus records the target as down
    (unknown,) = prom.wait_for('up{job="fleetcheck",instance="no-such-host"}')
    assert float(unknown["value"][1]) == 0
    # the exporter's own metrics, and the example rules evaluated on what was scraped
    (probes,) = prom.wait_for('sum(fleetcheck_exporter_probes_total{job="fleetcheck-exporter"}) > 0')
    assert float(probes["value"][1]) > 0
    (errors,) = prom.wait_for('fleetcheck_exporter_probe_errors_total{reason="unknown_host"} > 0')
    assert float(errors["value"][1]) > 0
    (pending,) = prom.wait_for('ALERTS{alertname="FleetcheckHostUnreachable",host="gone"}')
    assert pending["metric"]["alertstate"] == "pending"  # `for: 5m` has not passed yet
    assert not prom.query('ALERTS{alertname="FleetcheckHostUnreachable",host="localhost"}')
    # the printer: the toner's level and state as scraped, and the supply rule pending on them
    toner = 'check="printer.supply:Black Toner Cartridge"'
    (level,) = prom.wait_for(f'fleetcheck_check_supply_black_toner_cartridge_ratio{{host="drucker",{toner}}}')
    assert float(level["value"][1]) == 0.05
    (supply,) = prom.wait_for(f'fleetcheck_check_state{{host="drucker",{toner}}}')
    assert float(supply["value"][1]) == 2
    low = prom.wait_for('ALERTS{alertname="FleetcheckPrinterSupplyLow",host="drucker"}')
    assert {a["metric"]["check"] for a in low} == {"printer.supply:Black Toner Cartridge"}, low
    # what Prometheus scraped is valid exposition text
    status, _, body = exporter.get("/probe?host=gone", {"X-Prometheus-Scrape-Timeout-Seconds": "5"})
    assert status == 200
    promtool_check(body)
    assert value(samples(body), "fleetcheck_host_state", host="gone") == 2
