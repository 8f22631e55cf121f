"""Running the SSH collector through the real scan engine in tests."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from fleetcheck.core.collectors.ssh import SshCollector, SshOptions
from fleetcheck.core.contracts import CrashWindows
from fleetcheck.core.engine import EngineOptions, ScanEngine
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.results import HostResult

from .tiny_probe import TinyProbe


def tiny_collector(options: SshOptions | None = None, probe: TinyProbe | None = None) -> SshCollector:
    p = probe or TinyProbe()
    return SshCollector(options or SshOptions(use_ssh_config=False), probes=lambda kind: p)


def scan(hosts: Sequence[Host], collector: SshCollector, host_timeout: float = 8.0,
         close: bool = True, windows: dict[str, CrashWindows] | None = None,
         previous: dict[str, HostResult] | None = None) -> dict[str, HostResult]:
    engine = ScanEngine({k: collector for k in collector.kinds},
                        EngineOptions(concurrency=16, host_timeout=host_timeout),
                        windows=(lambda h: windows.get(h.name)) if windows else None,
                        previous=(lambda h: previous.get(h.name)) if previous else None)

    async def go() -> dict[str, HostResult]:
        try:
            result = await engine.run(hosts, lambda e: None)
        finally:
            if close:
                await collector.close()
        return {h.name: h for h in result.hosts}

    return asyncio.run(go())
