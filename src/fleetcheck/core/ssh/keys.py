"""Identity keys loaded once per scan (a passphrase is asked once), plus the ssh-agent.

paramiko's `key_filename=` re-reads and re-decrypts the key on every connect
(bcrypt three times for a passphrase key, ~370 ms); here each file is read
once and the loaded key object is shared by every connection.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import paramiko
from paramiko.pkey import UnknownKeyType

from fleetcheck.core.errors import FleetcheckError
from fleetcheck.core.ssh.options import ALLOW_AGENT, PassphrasePrompt

DEFAULT_IDENTITIES = ("~/.ssh/id_ed25519", "~/.ssh/id_ecdsa", "~/.ssh/id_rsa")


class KeyLoadError(FleetcheckError):
    """An identity file could not be used; the message says why (never the passphrase)."""


class KeyStore:
    def __init__(self, passphrase_prompt: PassphrasePrompt | None = None,
                 allow_agent: bool = ALLOW_AGENT) -> None:
        self._prompt = passphrase_prompt
        self.allow_agent = allow_agent
        self._keys: dict[str, paramiko.PKey | KeyLoadError] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self._agent: paramiko.Agent | None = None
        self._agent_keys: tuple[Any, ...] | None = None
        self.agent_lock = threading.Lock()  # one agent connection: sign requests one at a time
        self.loads = 0  # key files read from disk, for tests and diagnostics
        self.prompts = 0

    def load(self, path: str) -> paramiko.PKey:
        """The key in `path`, read once; raises KeyLoadError (cached too, so asked once)."""
        resolved = str(Path(path).expanduser())
        with self._lock:
            file_lock = self._locks.setdefault(resolved, threading.Lock())
        with file_lock:  # concurrent hosts wait for the one load (and the one prompt)
            cached = self._keys.get(resolved)
            if cached is None:
                cached = self._read(resolved)
                self._keys[resolved] = cached
        if isinstance(cached, KeyLoadError):
            raise cached
        return cached

    def _read(self, path: str) -> paramiko.PKey | KeyLoadError:
        self.loads += 1
        try:
            try:
                return paramiko.PKey.from_path(path)
            except (paramiko.PasswordRequiredException, TypeError):
                if self._prompt is None:
                    return KeyLoadError(f"key {path} is protected by a passphrase and no one can be asked "
                                        "(load it into ssh-agent and allow the agent)")
                self.prompts += 1
                passphrase = self._prompt(path)
                if passphrase is None:
                    return KeyLoadError(f"no passphrase given for key {path}")
                try:
                    return paramiko.PKey.from_path(path, passphrase.encode())  # type: ignore[arg-type]
                except (paramiko.SSHException, ValueError, TypeError):
                    return KeyLoadError(f"wrong passphrase for key {path}")
        except FileNotFoundError:
            return KeyLoadError(f"key file {path} does not exist")
        except PermissionError:
            return KeyLoadError(f"key file {path} is not readable by this user")
        except (paramiko.SSHException, ValueError, UnknownKeyType) as exc:
            return KeyLoadError(f"key file {path} could not be read: {exc}")

    def agent_keys(self) -> tuple[Any, ...]:
        """Keys offered by ssh-agent (SSH_AUTH_SOCK), asked once; () when not allowed or none."""
        if not self.allow_agent:
            return ()
        with self._lock:
            if self._agent_keys is None:
                try:
                    self._agent = paramiko.Agent()
                    self._agent_keys = tuple(self._agent.get_keys())
                except paramiko.SSHException:
                    self._agent_keys = ()
            return self._agent_keys

    def close(self) -> None:
        with self._lock:
            if self._agent is not None:
                self._agent.close()
            self._agent = None
            self._agent_keys = None


def describe_key(key: Any, source: str) -> str:
    """'ssh-ed25519 SHA256:... (source)': safe to show, never secret."""
    return f"{key.get_name()} {key.fingerprint} ({source})"
