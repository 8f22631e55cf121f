"""`fleetcheck exporter --listen 127.0.0.1:9469 INVENTORY...`: a Prometheus probe endpoint.

In the style of blackbox_exporter and snmp_exporter: Prometheus scrapes
`/probe?host=NAME` and the host is scanned during the scrape (prober.py);
Prometheus owns scheduling, spreading and federation. Only argparse is imported
at module level: `fleetcheck --help` builds this parser, and the exporter is
headless (never imports Textual).
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import sys
from typing import TYPE_CHECKING, NamedTuple

from fleetcheck.cli.common import add_engine_arguments, add_inventory_argument, duration

if TYPE_CHECKING:
    import asyncio

    from fleetcheck.cli.exporter.prober import Prober
    from fleetcheck.cli.exporter.server import ExporterServer
    from fleetcheck.core.session import ScanSession

DEFAULT_LISTEN = "127.0.0.1:9469"
CLOSE_TIMEOUT = 2.0  # seconds the collectors get to close their kept connections at the end
TEARDOWN_WAIT = 0.2  # seconds abandoned scan tasks get to unwind before the loop closes
EXIT_INTERRUPTED = 130

EPILOG = """\
Prometheus scrapes /probe?host=NAME (NAME: an inventory host) and gets that host's
metrics from a scan made during the scrape, within the scrape's timeout (the header
X-Prometheus-Scrape-Timeout-Seconds, less --timeout-offset); a host that does not
finish in time is reported timed out (UNKNOWN), never with an older result.
/metrics has the exporter's own metrics. docs/prometheus.md has a scrape config and
alerting rules. Listening beyond loopback lets anyone who reaches the port make this
machine scan your hosts: put it behind a firewall or a TLS proxy with authentication.
"""


class Listen(NamedTuple):
    host: str
    port: int
    family: int
    text: str

    @property
    def loopback(self) -> bool:
        return ipaddress.ip_address(self.host).is_loopback

    def url(self, port: int) -> str:
        host = f"[{self.host}]" if self.family == socket.AF_INET6 else self.host
        return f"http://{host}:{port}/"


def listen_address(text: str) -> Listen:
    """`127.0.0.1:9469`, `[::1]:9469`, `0.0.0.0:9469`, `localhost:9469`; port 0 picks a free one."""
    host, sep, port = text.rpartition(":")
    usage = f"expected ADDRESS:PORT such as {DEFAULT_LISTEN} or [::1]:9469, got {text!r}"
    if not sep or not host:
        hint = " (0.0.0.0:PORT listens on every interface)" if sep else ""
        raise argparse.ArgumentTypeError(usage + hint)
    if not port.isascii() or not port.isdigit() or int(port) > 65535:
        raise argparse.ArgumentTypeError(f"port must be a number from 0 to 65535, got {port!r}")
    bracketed = host.startswith("[") and host.endswith("]")
    name = host[1:-1] if bracketed else host
    if name == "localhost":
        name = "127.0.0.1"
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{host!r} is not an IP address ({usage})") from None
    if address.version == 6 and not bracketed:
        raise argparse.ArgumentTypeError(f"write an IPv6 address in brackets: [{name}]:{port}")
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    return Listen(str(address), int(port), family, text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    add_inventory_argument(parser)
    parser.add_argument("--listen", type=listen_address, default=listen_address(DEFAULT_LISTEN),
                        metavar="ADDRESS:PORT", help=f"where to answer HTTP (default: {DEFAULT_LISTEN}; "
                        "port 0 picks a free one and says which)")
    add_engine_arguments(parser)
    parser.add_argument("--timeout-offset", type=duration(allow_zero=True, maximum=60), default=0.5,
                        metavar="S", help="seconds the scan stops before the scrape's timeout, so the answer "
                        "arrives in time (default: 0.5)")
    parser.add_argument("--db", metavar="PATH|URL",
                        help="save each probe's result to this history database (a file or postgresql://"
                             "USER@HOST/DB), so crash checks count events since the previous probe "
                             "(default: no history, and $FLEETCHECK_DB is not used: crash checks look at "
                             "their usual 7-day window)")
    parser.add_argument("--ssh-config", metavar="FILE", help="OpenSSH client config (default: ~/.ssh/config)")
    parser.add_argument("--no-keep-connections", action="store_true",
                        help="close each host's SSH connection after its scan (default: kept for the "
                             "next scrape)")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from fleetcheck.cli.common import exit_if_threads_hang, open_history, session_options, warn_exposure
    from fleetcheck.cli.exporter.prober import Prober
    from fleetcheck.cli.exporter.server import ExporterMetrics, ExporterServer
    from fleetcheck.core.errors import FleetcheckError
    from fleetcheck.core.session import open_session

    listen: Listen = args.listen
    args.no_history = args.db is None  # the exporter keeps history only when asked (docs/prometheus.md)
    session = open_session(session_options(args, keep_connections=not args.no_keep_connections),
                           history=open_history)
    warn_exposure(session.inventory)
    loop = asyncio.new_event_loop()
    metrics = ExporterMetrics()
    prober = Prober(session, metrics.on_scan)
    try:
        try:
            server = ExporterServer((listen.host, listen.port), listen.family, prober, loop, metrics,
                                    args.timeout_offset)
        except OSError as exc:
            loop.run_until_complete(_close(session))
            raise FleetcheckError(f"--listen {listen.text}: cannot listen: {exc.strerror or exc}") from None
        if not listen.loopback:
            print(f"fleetcheck: warning: listening on {listen.host}, beyond loopback: anyone who reaches "
                  "this port can make this machine scan the inventory's hosts; put it behind a firewall or a "
                  "TLS proxy with authentication (docs/prometheus.md)", file=sys.stderr)
        loop.run_until_complete(_serve(server, prober, session, listen))
    finally:
        _close_loop(loop)
    exit_if_threads_hang(0)
    return 0


async def _serve(server: ExporterServer, prober: Prober, session: ScanSession, listen: Listen) -> None:
    import asyncio
    import signal
    import threading

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    presses = 0

    def on_signal() -> None:  # first SIGTERM/Ctrl-C: stop cleanly; a second one: leave now
        nonlocal presses
        presses += 1
        if presses > 1:
            os.write(2, b"fleetcheck: interrupted\n")
            os._exit(EXIT_INTERRUPTED)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              name="fleetcheck-exporter-http", daemon=True)
    thread.start()
    port = server.server_address[1]
    n = len(prober.hosts)
    print(f"fleetcheck: exporter listening on {listen.url(port)} ({n} host{'' if n == 1 else 's'}: "
          "/probe?host=NAME, /metrics)", file=sys.stderr, flush=True)
    try:
        await stop.wait()
    finally:
        print("fleetcheck: exporter stopping", file=sys.stderr, flush=True)
        await asyncio.to_thread(server.shutdown)  # waits for serve_forever's loop, not for open requests
        server.server_close()
        prober.stop()
        await _close(session)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def _close(session: ScanSession) -> None:
    await session.close(CLOSE_TIMEOUT)
    if session.history is not None:
        session.history.close()


def _close_loop(loop: asyncio.AbstractEventLoop) -> None:
    """As `fleetcheck scan`: abandoned collector tasks get a moment, then the loop closes."""
    import asyncio

    pending = asyncio.all_tasks(loop)
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.wait(pending, timeout=TEARDOWN_WAIT))
    loop.set_exception_handler(lambda _loop, _ctx: None)
    loop.close()
