"""Saved scans: one JSON file per scan, so the next scan (and the dashboard) can look back.

Files live in one folder, named `<start time>_<customer slug>.json`
(`20261127T041500.123456Z_mueller-steuerberatung-gmbh.json`), so sorting
by name sorts by time. The folder is `$FLEETCHECK_HOME/history` when that
variable is set, else the platform's per-user state folder
(`~/.local/state/fleetcheck/history` on Linux); `--history-dir` overrides both.
A small index per customer (`latest-<slug>.json`) says where each host
was last reached. Writes are atomic (temporary file + rename): a crash never
leaves half a scan.

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
from pathlib import Path
from typing import Any

from fleetcheck.core.results import HostResult, ScanResult
from fleetcheck.core.states import Reachability

ENV_HOME = "FLEETCHECK_HOME"
NO_CUSTOMER = "no-customer"
MAX_LOOKBACK = 500  # scan files read when an index is rebuilt or history is listed
INDEX_SCHEMA = "fleetcheck.history-index/1"

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
    """One history folder.

    Beside the scan files, a small index per customer (`latest-<slug>.json`)
    names, for every host, the newest scan in which it was reached. It is
    updated on every save, so finding a host's previous result reads the
    index and one scan file, however long the history; a missing or damaged
    index is rebuilt from the newest MAX_LOOKBACK scans. Two scans saving at
    the same moment may lose one index update: the host then looks back to
    an older scan (a longer event window), never to a newer one.
    """

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_history_dir()
        self._hosts_of: dict[str, dict[str, dict[str, Any]]] = {}  # scan file -> host name -> host dict
        self._index: dict[str, dict[str, dict[str, str]]] = {}  # slug -> host -> {"file", "finished"}

    def _write_atomic(self, target: Path, data: bytes, overwrite: bool) -> Path:
        """Write via a temporary file; without `overwrite`, pick a free name by `_file_name`'s counter."""
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=self.directory)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            if overwrite:
                os.replace(tmp, target)
                return target
            try:
                os.link(tmp, target)  # fails if the name exists: no overwrite race
            except FileExistsError:
                raise  # (a subclass of OSError: not the no-hard-links case below)
            except OSError:  # a file system without hard links
                if target.exists():
                    raise FileExistsError(target) from None
                os.replace(tmp, target)
            return target
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def save(self, scan: ScanResult) -> Path:
        """Write `scan` atomically; never overwrites an earlier scan. Then update the index."""
        self.directory.mkdir(parents=True, exist_ok=True)
        # compact: only the C encoder keeps a 1000-host scan cheap to save
        data = json.dumps(scan.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        n = 1
        while True:
            try:
                target = self._write_atomic(self.directory / _file_name(scan, n), data, overwrite=False)
                break
            except FileExistsError:
                n += 1
        self._index.pop(customer_slug(scan.customer), None)  # re-read: another scan may have saved meanwhile
        index = self._load_index(scan.customer)
        for h in scan.hosts:
            if h.reachability is Reachability.REACHABLE and h.finished is not None:
                finished = h.finished.isoformat()
                known = index.get(h.name)
                if known is None or known.get("finished", "") <= finished:
                    index[h.name] = {"file": target.name, "finished": finished}
        self._save_index(scan.customer, index)
        return target

    def files(self, customer: str | None) -> list[Path]:
        """This customer's scan files, newest first."""
        if not self.directory.is_dir():
            return []
        slug = customer_slug(customer)
        found = [p for p in self.directory.glob(f"*_{slug}.json")
                 if p.name[:1].isdigit() and p.stem.split("_", 1)[1] == slug]
        return sorted(found, key=_age_key, reverse=True)

    @staticmethod
    def _read(path: Path) -> dict[str, Any] | None:
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return None  # unreadable: skipped, the scan still runs
        return data if isinstance(data, dict) and isinstance(data.get("hosts"), list) else None

    def _index_path(self, customer: str | None) -> Path:
        return self.directory / f"latest-{customer_slug(customer)}.json"

    def _load_index(self, customer: str | None) -> dict[str, dict[str, str]]:
        slug = customer_slug(customer)
        if slug in self._index:
            return self._index[slug]
        try:
            data = json.loads(self._index_path(customer).read_text("utf-8"))
            index = data["hosts"] if data.get("schema") == INDEX_SCHEMA else None
        except (OSError, ValueError, KeyError, AttributeError):
            index = None
        if not isinstance(index, dict):
            index = self._rebuild_index(customer)
        self._index[slug] = index
        return index

    def _rebuild_index(self, customer: str | None) -> dict[str, dict[str, str]]:
        index: dict[str, dict[str, str]] = {}
        for path in reversed(self.files(customer)[:MAX_LOOKBACK]):  # oldest first: newer ones win
            data = self._read(path)
            for h in data["hosts"] if data else []:
                if isinstance(h, dict) and h.get("reachability") == Reachability.REACHABLE.value:
                    index[str(h.get("name"))] = {"file": path.name, "finished": str(h.get("finished") or "")}
        return index

    def _save_index(self, customer: str | None, index: dict[str, dict[str, str]]) -> None:
        data = json.dumps({"schema": INDEX_SCHEMA, "hosts": index}, ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8")
        self._write_atomic(self._index_path(customer), data, overwrite=True)

    def previous_host_result(self, host_name: str, customer: str | None) -> HostResult | None:
        """The newest saved result of `host_name` in which the host was reached."""
        for attempt in range(2):
            entry = self._load_index(customer).get(host_name)
            if entry is None:
                return None
            name = entry.get("file", "")
            if name not in self._hosts_of:
                data = self._read(self.directory / name) if "/" not in name else None
                self._hosts_of[name] = {str(h.get("name")): h for h in (data["hosts"] if data else [])
                                        if isinstance(h, dict)}
            found = self._hosts_of[name].get(host_name)
            if found is not None:
                return HostResult.from_dict(found)
            if attempt == 0:  # the index points at a file that is gone: rebuild it once
                self._index[customer_slug(customer)] = self._rebuild_index(customer)
        return None

    def load_history(self, customer: str | None, host: str | None = None,
                     limit: int | None = None) -> list[ScanResult]:
        """Saved scans of `customer`, newest first (at most the newest MAX_LOOKBACK files).

        With `host`, only scans that include that host, each cut down to that
        host's result (the dashboard's per-host history).
        """
        out: list[ScanResult] = []
        for path in self.files(customer)[:MAX_LOOKBACK]:
            if limit is not None and len(out) >= limit:
                break
            data = self._read(path)
            if data is None:
                continue
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
