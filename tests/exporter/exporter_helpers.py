"""A real `fleetcheck exporter` process for the tests, and a collector whose scans wait for a gate.

The exporter runs as a child process (`--listen 127.0.0.1:0`: it picks a free port and
says which on stderr) with kind `linux` served by the scripted collector of
tests/core plus `gate-` hosts: such a scan finishes only once the test creates the
file `$FLEETCHECK_TEST_GATES/<host>`, so a test can hold a scan open while more probes
arrive (single-flight) without relying on timing.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from fleetcheck.core.collectors.base import CollectContext
from fleetcheck.core.contracts import Collection
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.results import CheckResult, Evidence
from fleetcheck.core.states import State

HERE = Path(__file__).resolve().parent
CORE_TESTS = HERE.parent / "core"
if str(CORE_TESTS) not in sys.path:  # the scripted collector lives with the scan CLI tests
    sys.path.insert(0, str(CORE_TESTS))

from scripted_collector import ScriptedCollector  # noqa: E402

GATED = ("exporter_helpers", "GatedCollector")


class GatedCollector(ScriptedCollector):
    kinds: ClassVar[frozenset[str]] = frozenset({"linux"})

    async def collect(self, host: Host, ctx: CollectContext) -> Collection:
        if not host.name.startswith("gate-"):
            return await super().collect(host, ctx)
        gate = Path(os.environ["FLEETCHECK_TEST_GATES"]) / host.name
        while not gate.exists():
            await asyncio.sleep(0.02)
        return Collection([CheckResult("gate.open", State.OK, f"{host.name}: the gate was opened",
                                       evidence=(Evidence.of("test gate", str(gate), kind="file"),))])


def write_inventory(path: Path, names: Sequence[str]) -> Path:
    lines = ["customer: Exporter Test GmbH", "hosts:"]
    for i, name in enumerate(names):
        lines += [f"  - name: {name}", f"    address: 192.0.2.{i + 1}", "    kind: linux"]
    path.write_text("\n".join(lines) + "\n")
    return path


class ExporterProcess:
    """`fleetcheck exporter` as a child process; stop() ends it by its PID."""

    def __init__(self, argv: Sequence[str], home: Path, gates: Path,
                 collector: tuple[str, str] | None = GATED, env: dict[str, str] | None = None) -> None:
        gates.mkdir(parents=True, exist_ok=True)
        if collector is None:
            prefix = ""
        else:
            prefix = ("from fleetcheck.core.collectors import registry; "
                      f"registry.COLLECTORS['linux'] = {collector!r}; ")
        code = f"import sys; {prefix}from fleetcheck.cli.main import main; sys.exit(main(sys.argv[1:]))"
        environ = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(CORE_TESTS)]),
                   "FLEETCHECK_HOME": str(home), "FLEETCHECK_TEST_GATES": str(gates), **(env or {})}
        self.gates = gates
        command = [sys.executable, "-c", code, "exporter", "--listen", "127.0.0.1:0", *argv]
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env=environ)
        self.lines: list[str] = []
        self._listening = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._listening.wait(timeout=30)
        listening = re.compile(r"listening on http://127\.0\.0\.1:(\d+)/")
        found = [m for line in self.lines if (m := listening.search(line))]
        if not found:
            self.stop()
            raise AssertionError(f"exporter did not start: {self.stderr}")
        self.port = int(found[0].group(1))

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)
            if "listening on" in line:
                self._listening.set()
        self._listening.set()  # ended before listening: the constructor says so

    @property
    def stderr(self) -> str:
        return "".join(self.lines)

    def open_gate(self, name: str) -> None:
        (self.gates / name).write_text("open\n")

    def get(self, path: str, headers: dict[str, str] | None = None,
            timeout: float = 30) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", path, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read().decode("utf-8")
        finally:
            conn.close()

    def signal(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(timeout=5)
