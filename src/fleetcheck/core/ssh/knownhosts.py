"""known_hosts parsed once into an index (paramiko's loader is quadratic and rejects marker lines).

Plain names are looked up in a dict keyed by `host` or `[host]:port`; hashed
`|1|salt|hmac` entries cost one HMAC per entry for each looked-up name, so the
answer is cached per name. `@revoked` keys are refused wherever they appear;
`@cert-authority` lines are skipped (host certificates are not supported),
as are lines that cannot be read: one odd line never breaks the whole file.
"""

from __future__ import annotations

import base64
import binascii
import enum
import fnmatch
import hashlib
import hmac
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from fleetcheck.core.errors import FleetcheckError


class KnownHostsError(FleetcheckError):
    """A known_hosts file exists but cannot be read (`path` and the OS's word `why`, for the finding)."""

    def __init__(self, message: str, path: str = "", why: str = "") -> None:
        super().__init__(message)
        self.path = path
        self.why = why or message


def fingerprint(blob: bytes) -> str:
    """OpenSSH-style SHA256 fingerprint of a public key blob."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def host_token(host: str, port: int) -> str:
    """The name known_hosts uses for host:port."""
    host = host.lower()
    return host if port == 22 else f"[{host}]:{port}"


@dataclass(frozen=True, slots=True)
class KnownKey:
    key_type: str
    blob: bytes
    where: str  # file:line

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.blob)


class Verdict(enum.Enum):
    MATCH = "match"
    UNKNOWN = "unknown"  # no key of the offered type recorded (`known` may hold other types)
    CHANGED = "changed"  # keys of the offered type recorded, none matches
    REVOKED = "revoked"  # the offered key is marked @revoked


@dataclass(frozen=True)
class HostKeyCheck:
    verdict: Verdict
    offered: str  # fingerprint of the key the server offered
    offered_type: str
    known: tuple[KnownKey, ...] = ()  # what known_hosts holds for the host (or the revoking line)


@dataclass
class KnownHosts:
    path: str
    plain: dict[str, list[KnownKey]] = field(default_factory=dict)
    hashed: list[tuple[bytes, bytes, KnownKey]] = field(default_factory=list)  # salt, digest, key
    patterns: list[tuple[list[str], KnownKey]] = field(default_factory=list)  # wildcard/negated
    revoked: dict[bytes, KnownKey] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # "file:line: why", for diagnostics
    _cache: dict[str, tuple[KnownKey, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> KnownHosts:
        p = Path(path).expanduser()
        try:
            text = p.read_text(encoding="utf-8", errors="replace")
        except (FileNotFoundError, NotADirectoryError):
            text = ""  # no file yet: nothing is trusted
        except OSError as exc:
            raise KnownHostsError(f"known_hosts file {p} cannot be read: {exc.strerror or exc}",
                                  str(p), str(exc.strerror or exc)) from None
        return cls.parse(text, str(p))

    @classmethod
    def parse(cls, text: str, path: str = "known_hosts") -> KnownHosts:
        index = cls(path)
        for number, raw in enumerate(text.splitlines(), 1):
            index._add_line(raw.strip(), f"{path}:{number}")
        return index

    def _add_line(self, line: str, where: str) -> None:
        if not line or line.startswith("#"):
            return
        parts = line.split()
        marker = None
        if parts[0].startswith("@"):
            marker, parts = parts[0], parts[1:]
            if marker not in ("@revoked", "@cert-authority"):
                self.skipped.append(f"{where}: unknown marker {marker}")
                return
        if len(parts) < 3:
            self.skipped.append(f"{where}: too few fields")
            return
        hosts, key_type, b64 = parts[0], parts[1], parts[2]
        try:
            blob = base64.b64decode(b64, validate=True)
        except (binascii.Error, ValueError):
            self.skipped.append(f"{where}: key is not base64")
            return
        key = KnownKey(key_type, blob, where)
        if marker == "@revoked":
            self.revoked[blob] = key
            return
        if marker == "@cert-authority":
            self.skipped.append(f"{where}: @cert-authority (host certificates are not supported)")
            return
        if hosts.startswith("|1|"):
            try:
                _, _, salt, digest = hosts.split("|", 3)
                self.hashed.append((base64.b64decode(salt), base64.b64decode(digest), key))
            except (binascii.Error, ValueError):
                self.skipped.append(f"{where}: malformed hashed host")
            return
        names = [n.lower() for n in hosts.split(",") if n]
        if any(c in n for n in names for c in "*?!"):
            self.patterns.append((names, key))
            names = [n for n in names if not any(c in n for c in "*?!")]
        for name in names:
            self.plain.setdefault(name, []).append(key)

    def lookup(self, host: str, port: int = 22) -> tuple[KnownKey, ...]:
        token = host_token(host, port)
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        found = list(self.plain.get(token, ()))
        encoded = token.encode()
        for salt, digest, key in self.hashed:
            if hmac.compare_digest(hmac.new(salt, encoded, hashlib.sha1).digest(), digest):
                found.append(key)
        for names, key in self.patterns:
            if _pattern_match(names, token) and key not in found:
                found.append(key)
        result = tuple(found)
        self._cache[token] = result
        return result

    def check(self, host: str, port: int, key_type: str, blob: bytes) -> HostKeyCheck:
        offered = fingerprint(blob)
        if blob in self.revoked:
            return HostKeyCheck(Verdict.REVOKED, offered, key_type, (self.revoked[blob],))
        known = self.lookup(host, port)
        if not known:
            return HostKeyCheck(Verdict.UNKNOWN, offered, key_type)
        if any(k.blob == blob for k in known):
            return HostKeyCheck(Verdict.MATCH, offered, key_type, known)
        # as OpenSSH: only a different key of the same type is a change; a host with an
        # ed25519 and an ECDSA key, of which only one is recorded, is not an interception
        if any(k.key_type == key_type for k in known):
            return HostKeyCheck(Verdict.CHANGED, offered, key_type, known)
        return HostKeyCheck(Verdict.UNKNOWN, offered, key_type, known)


def _pattern_match(names: list[str], token: str) -> bool:
    hit = False
    for name in names:
        if name.startswith("!"):
            if fnmatch.fnmatchcase(token, name[1:]):
                return False
        elif fnmatch.fnmatchcase(token, name):
            hit = True
    return hit


class KnownHostsCache:
    """One parsed index per file, shared by every connection; reloaded when the file changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._files: dict[str, tuple[float, int, KnownHosts]] = {}
        self.loads = 0  # files parsed, for tests

    def get(self, path: str | os.PathLike[str]) -> KnownHosts:
        p = str(Path(path).expanduser())
        try:
            st = os.stat(p)
            stamp = (st.st_mtime, st.st_size)
        except OSError:
            stamp = (0.0, -1)  # missing or unreachable: load() says which
        with self._lock:
            entry = self._files.get(p)
            if entry is not None and (entry[0], entry[1]) == stamp:
                return entry[2]
            index = KnownHosts.load(p)
            self.loads += 1
            self._files[p] = (stamp[0], stamp[1], index)
            return index


def is_hashed(text: str) -> bool:
    """Whether a known_hosts file is kept hashed (HashKnownHosts): most host fields are |1|..."""
    hashed = plain = 0
    for line in text.splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        host = parts[1] if parts[0].startswith("@") and len(parts) > 1 else parts[0]
        if host.startswith("|1|"):
            hashed += 1
        else:
            plain += 1
    return hashed > plain


def hashed_host(token: str, salt: bytes | None = None) -> str:
    """`|1|salt|hmac` for a host token, as `ssh-keygen -H` writes it."""
    salt = salt if salt is not None else os.urandom(20)
    digest = hmac.new(salt, token.encode(), hashlib.sha1).digest()
    return f"|1|{base64.b64encode(salt).decode()}|{base64.b64encode(digest).decode()}"


def append_entry(path: str | os.PathLike[str], host: str, port: int, key_type: str, blob: bytes) -> str:
    """Append `host key` to a known_hosts file (created 0600 with its directory) in the file's
    style: hashed when the file is hashed. Returns the line."""
    p = Path(path).expanduser()
    p.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    existing = p.read_bytes() if p.exists() else b""
    token = host_token(host, port)
    if is_hashed(existing.decode("utf-8", "replace")):
        token = hashed_host(token)
    line = f"{token} {key_type} {base64.b64encode(blob).decode()}\n"
    prefix = "\n" if existing and not existing.endswith(b"\n") else ""
    fd = os.open(p, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(prefix + line)
    return line.rstrip("\n")
