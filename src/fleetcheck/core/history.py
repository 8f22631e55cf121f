"""Saved scans: one JSON file per scan, so the next scan (and the dashboard) can look back.

Files live in one folder, named `<start time>_<customer slug>.json`
(`20261127T041500.123456Z_mueller-steuerberatung-gmbh.json`), so sorting
by name sorts by time. The folder is `$FLEETCHECK_HOME/history` when that
variable is set, else the platform's per-user state folder
(`~/.local/state/fleetcheck/history` on Linux); `--history-dir` overrides both.
Writes are atomic (temporary file + rename): a crash never leaves half a scan.

Crash checks count events "since the previous scan of that host": that is
the last saved result in which the host was actually reached, because a scan
that could not read the host's events must not shorten the window.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fleetcheck.core.results import HostResult, ScanResult
from fleetcheck.core.states import Reachability

ENV_HOME = "FLEETCHECK_HOME"
NO_CUSTOMER = "no-customer"
MAX_LOOKBACK = 500  # files read when looking for a host's previous result

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def default_history_dir() -> Path:
    home = os.environ.get(ENV_HOME)
    if home:
        return Path(home).expanduser() / "history"
    from platformdirs import user_state_dir  # only needed when no override is given

    return Path(user_state_dir("fleetcheck")) / "history"


def customer_slug(customer: str | None) -> str:
    """A file-name-safe, readable form of the customer name."""
    if not customer:
        return NO_CUSTOMER
    text = unicodedata.normalize("NFKD", customer.translate(_TRANSLIT))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-")
    return slug or NO_CUSTOMER


def _file_name(scan: ScanResult, n: int = 1) -> str:
    stamp = scan.started.strftime("%Y%m%dT%H%M%S.%fZ")
    if n > 1:  # two scans started in the same microsecond
        stamp += f"-{n}"
    return f"{stamp}_{customer_slug(scan.customer)}.json"


def _age_key(path: Path) -> tuple[str, int]:
    stamp = path.stem.split("_", 1)[0]
    base, _, n = stamp.partition("-")
    return base, int(n) if n.isdigit() else 1


class History:
    """One history folder; caches what it has read, so a 1000-host scan reads each file once."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_history_dir()
        self._cache: dict[str, dict[str, Any] | None] = {}  # file name -> parsed scan (None: unreadable)
        self._latest: dict[str, dict[str, dict[str, Any]]] = {}  # slug -> host -> newest reached host dict
        self._scanned: dict[str, int] = {}  # slug -> how many of its files went into _latest

    def save(self, scan: ScanResult) -> Path:
        """Write `scan` atomically; never overwrites an earlier scan."""
        self.directory.mkdir(parents=True, exist_ok=True)
        # compact: only the C encoder keeps a 1000-host scan cheap to save
        data = json.dumps(scan.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=self.directory)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            n = 1
            while True:
                target = self.directory / _file_name(scan, n)
                try:
                    os.link(tmp, target)  # fails if the name exists: no overwrite race
                    break
                except FileExistsError:
                    n += 1
                except OSError:  # a file system without hard links
                    if target.exists():
                        n += 1
                        continue
                    os.replace(tmp, target)
                    return target
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return target

    def files(self, customer: str | None) -> list[Path]:
        """This customer's scan files, newest first."""
        if not self.directory.is_dir():
            return []
        slug = customer_slug(customer)
        found = [p for p in self.directory.glob(f"*_{slug}.json")
                 if not p.name.startswith(".") and p.stem.split("_", 1)[1] == slug]
        return sorted(found, key=_age_key, reverse=True)

    def _read(self, path: Path) -> dict[str, Any] | None:
        if path.name not in self._cache:
            try:
                data = json.loads(path.read_text("utf-8"))
                self._cache[path.name] = data if isinstance(data, dict) else None
            except (OSError, ValueError):
                self._cache[path.name] = None  # unreadable: skipped, the scan still runs
        return self._cache[path.name]

    def _scans(self, customer: str | None) -> Iterator[dict[str, Any]]:
        for path in self.files(customer):
            data = self._read(path)
            if data is not None and isinstance(data.get("hosts"), list):
                yield data

    def previous_host_result(self, host_name: str, customer: str | None) -> HostResult | None:
        """The newest saved result of `host_name` in which the host was reached."""
        slug = customer_slug(customer)
        latest = self._latest.setdefault(slug, {})
        if host_name in latest:
            return HostResult.from_dict(latest[host_name])
        files = self.files(customer)[:MAX_LOOKBACK]
        start = self._scanned.get(slug, 0)
        for i in range(start, len(files)):  # read further back only as far as needed
            data = self._read(files[i])
            self._scanned[slug] = i + 1
            for h in data.get("hosts", []) if data else []:
                if (isinstance(h, dict) and h.get("reachability") == Reachability.REACHABLE.value
                        and h.get("name") not in latest):
                    latest[h["name"]] = h
            if host_name in latest:
                return HostResult.from_dict(latest[host_name])
        return None

    def load_history(self, customer: str | None, host: str | None = None,
                     limit: int | None = None) -> list[ScanResult]:
        """Saved scans of `customer`, newest first.

        With `host`, only scans that include that host, each cut down to that
        host's result (the dashboard's per-host history).
        """
        out: list[ScanResult] = []
        for data in self._scans(customer):
            if limit is not None and len(out) >= limit:
                break
            if host is not None:
                hosts = [h for h in data["hosts"] if isinstance(h, dict) and h.get("name") == host]
                if not hosts:
                    continue
                data = {**data, "hosts": hosts}
            try:
                out.append(ScanResult.from_dict(data))
            except (KeyError, TypeError, ValueError):
                continue  # another schema or a damaged file: not ours to show
        return out


def previous_host_result(host_name: str, customer: str | None,
                         directory: Path | str | None = None) -> HostResult | None:
    return History(directory).previous_host_result(host_name, customer)


def load_history(customer: str | None, host: str | None = None, limit: int | None = None,
                 directory: Path | str | None = None) -> list[ScanResult]:
    return History(directory).load_history(customer, host, limit)


def save_scan(scan: ScanResult, directory: Path | str | None = None) -> Path:
    return History(directory).save(scan)
