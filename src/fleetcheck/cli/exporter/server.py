"""`fleetcheck exporter`'s HTTP side: `/probe?host=NAME`, `/metrics`, and a short index page.

The standard library's threading HTTP server answers requests; each `/probe`
hands its scan to the exporter's event loop (prober.py) and waits for it. The
text is made by prometheus_client from a registry per request (the scan's metric
families are `ScanCollector`'s, the same as `scan --format prometheus` writes), so
label values are escaped by the library. Error bodies are one line of escaped text.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import math
import sys
import time
from collections.abc import Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

from fleetcheck.cli.exporter.prober import Probe, Prober
from fleetcheck.cli.output.prometheus import ScanCollector
from fleetcheck.core.text import clean

TIMEOUT_HEADER = "X-Prometheus-Scrape-Timeout-Seconds"
OUTCOMES = ("scanned", "shared", "deadline")
ERRORS = ("unknown_host", "bad_request", "internal")
GRACE = 5.0  # seconds a request thread waits beyond the probe's own deadline before giving up on the loop
DURATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120)


class ExporterMetrics:
    """The exporter's own metrics (`/metrics`), with the process's (CPU, memory, open files)."""

    def __init__(self) -> None:
        disable_created_metrics()  # type: ignore[no-untyped-call]  # no `_created` twin per counter
        self.registry = r = CollectorRegistry()
        ProcessCollector(registry=r)
        PlatformCollector(registry=r)
        GCCollector(registry=r)
        self.probes = Counter(
            "fleetcheck_exporter_probes", "Probes answered with a host's metrics, by outcome: scanned (this "
            "probe's own scan), shared (joined a scan already running for the host), deadline (no result "
            "within the scrape's deadline)", ["outcome"], registry=r)
        self.errors = Counter("fleetcheck_exporter_probe_errors", "Probes refused or failed, by reason",
                              ["reason"], registry=r)
        self.duration = Histogram("fleetcheck_exporter_probe_duration_seconds",
                                  "How long /probe requests took", buckets=DURATION_BUCKETS, registry=r)
        self.in_flight = Gauge("fleetcheck_exporter_probes_in_flight", "/probe requests being answered",
                               registry=r)
        self.scans = Counter("fleetcheck_exporter_scans", "Host scans started (fewer than probes when probes "
                             "of one host share a scan)", registry=r)
        self.scans_in_flight = Gauge("fleetcheck_exporter_scans_in_flight", "Host scans running", registry=r)
        for outcome in OUTCOMES:  # every series exists from the start, at 0
            self.probes.labels(outcome)
        for reason in ERRORS:
            self.errors.labels(reason)

    def on_scan(self, delta: int) -> None:
        if delta > 0:
            self.scans.inc()
        self.scans_in_flight.inc(delta)


class _ProbeCollector(Collector):
    """The probe's own figures beside the scan's, as blackbox_exporter's probe_duration_seconds."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily("fleetcheck_probe_duration_seconds", "How long this probe took",
                                value=self.seconds)


class BadRequest(Exception):
    """A one-line reason for a 400 answer."""


def scrape_budget(header: str | None, offset: float) -> float | None:
    """Seconds the probe may take: the scrape timeout less `offset` (half of it when the offset would
    leave less than that); None without the header (curl, a browser)."""
    if header is None:
        return None
    try:
        timeout = float(header)
    except ValueError:
        timeout = math.nan
    if not (math.isfinite(timeout) and timeout > 0):
        raise BadRequest(f"{TIMEOUT_HEADER}: expected seconds greater than 0, got '{clean(header, 40)}'")
    return max(timeout - offset, timeout / 2)


def _line(status: HTTPStatus, text: str) -> tuple[HTTPStatus, bytes, str]:
    """A plain-text answer of one line (the caller escaped what came from outside)."""
    return status, (text.rstrip("\n") + "\n").encode("utf-8"), "text/plain; charset=utf-8"


class ExporterServer(ThreadingHTTPServer):
    daemon_threads = True  # a request still waiting when the exporter stops does not hold it up
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], family: int, prober: Prober, loop: asyncio.AbstractEventLoop,
                 metrics: ExporterMetrics, offset: float) -> None:
        self.address_family = family
        super().__init__(address, Handler)
        self.prober, self.loop, self.metrics, self.offset = prober, loop, metrics, offset

    def handle_error(self, request: object, client_address: object) -> None:
        """One line on stderr instead of socketserver's traceback (a client that broke the connection)."""
        kind, exc, _tb = sys.exc_info()
        name = kind.__name__ if kind is not None else "error"
        print(f"fleetcheck: exporter: request from {client_address} failed: {name}: {clean(str(exc), 300)}",
              file=sys.stderr, flush=True)


class Handler(BaseHTTPRequestHandler):
    server: ExporterServer
    server_version = "fleetcheck-exporter"
    protocol_version = "HTTP/1.1"  # keep-alive: Prometheus reuses its connection between scrapes
    timeout = 300  # seconds a connection may sit idle or half-sent before it is closed (a thread each)

    def log_message(self, format: str, *args: object) -> None:
        pass  # one line per scrape would flood the journal; failures are logged in _fail

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/probe":
            self._probe(url.query)
        elif url.path == "/metrics":
            self._send(HTTPStatus.OK, *self._encode(self.server.metrics.registry))
        elif url.path == "/":
            names = len(self.server.prober.hosts)
            index = (f"fleetcheck exporter: {names} host{'' if names == 1 else 's'}\n"
                     "/probe?host=NAME  scan one inventory host now and return its metrics\n"
                     "/metrics          the exporter's own metrics\n")
            self._send(HTTPStatus.OK, index.encode("utf-8"), "text/plain; charset=utf-8")
        else:
            self._text(HTTPStatus.NOT_FOUND, "not found: use /probe?host=NAME or /metrics")

    def _probe(self, query: str) -> None:
        metrics = self.server.metrics
        metrics.in_flight.inc()
        try:
            status, body, content_type = self._answer(query)
        finally:  # counted before the answer is sent: a scraper that reads /metrics next sees it
            metrics.in_flight.dec()
        if status is HTTPStatus.INTERNAL_SERVER_ERROR:
            print(f"fleetcheck: exporter: {body.decode('utf-8').strip()}", file=sys.stderr, flush=True)
        self._send(status, body, content_type)

    def _answer(self, query: str) -> tuple[HTTPStatus, bytes, str]:
        metrics = self.server.metrics
        clock = time.monotonic()
        try:
            name, budget = self._arguments(query)
        except BadRequest as exc:
            metrics.errors.labels("bad_request").inc()
            return _line(HTTPStatus.BAD_REQUEST, str(exc))
        if name not in self.server.prober.hosts:
            metrics.errors.labels("unknown_host").inc()
            return _line(HTTPStatus.BAD_REQUEST, f"unknown host '{clean(name, 200)}': not in the exporter's "
                         "inventory (host names are the inventory's 'name:')")
        try:
            probe = self._run(name, budget)
        except Exception as exc:  # a bug or a stopping exporter: say so, never an empty 200
            metrics.errors.labels("internal").inc()
            why = f"{type(exc).__name__}: {clean(str(exc), 300)}"
            return _line(HTTPStatus.INTERNAL_SERVER_ERROR, f"probe of '{clean(name, 200)}' failed: {why}")
        seconds = time.monotonic() - clock
        registry = CollectorRegistry(auto_describe=False)  # per request: nothing shared between probes
        registry.register(ScanCollector(probe.scan))
        registry.register(_ProbeCollector(seconds))
        body, content_type = self._encode(registry)
        metrics.probes.labels(probe.outcome).inc()
        metrics.duration.observe(seconds)
        return HTTPStatus.OK, body, content_type

    def _arguments(self, query: str) -> tuple[str, float | None]:
        try:
            params = parse_qs(query, keep_blank_values=True, strict_parsing=False, max_num_fields=20)
        except ValueError as exc:
            raise BadRequest(f"bad query string: {clean(str(exc), 200)}") from None
        hosts = params.get("host", [])
        if len(hosts) != 1 or not hosts[0]:
            raise BadRequest("expected exactly one ?host=NAME (an inventory host name)")
        return hosts[0], scrape_budget(self.headers.get(TIMEOUT_HEADER), self.server.offset)

    def _run(self, name: str, budget: float | None) -> Probe:
        server = self.server
        budget = server.prober.budget(name, budget)
        future = asyncio.run_coroutine_threadsafe(server.prober.probe(name, budget), server.loop)
        wait = budget + GRACE
        try:
            return future.result(timeout=wait)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"the exporter's scan loop gave no answer within {wait:g} s") from None

    def _encode(self, registry: CollectorRegistry) -> tuple[bytes, str]:
        encoder, content_type = choose_encoder(self.headers.get("Accept", ""))
        return encoder(registry), content_type

    def _text(self, status: HTTPStatus, text: str) -> None:
        self._send(*_line(status, text))

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the scraper gave up (its own timeout): nothing to tell it
