"""SSH settings a front end chooses, importable without paramiko (a local-only scan never loads it).

One place for every SSH default: `SshCollector` and `trust` read them from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# Asked with the key file's path; returns the passphrase or None to give up on the key.
PassphrasePrompt = Callable[[str], str | None]

OUTPUT_CAP = 4 * 1024 * 1024  # bytes of stdout + stderr kept per probe
ALLOW_AGENT = True  # keys in ssh-agent are tried after the identity files, as OpenSSH does


@dataclass(frozen=True)
class ConnectOptions:
    connect_timeout: float = 10.0
    banner_timeout: float = 10.0
    auth_timeout: float = 15.0
    handshakes_per_address: int = 8  # OpenSSH's default MaxStartups starts dropping at 10
    banner_retries: int = 2  # retries of a connection reset before/while reading the banner


@dataclass(frozen=True)
class SshOptions:
    connect: ConnectOptions = field(default_factory=ConnectOptions)
    ssh_config: str | None = None  # --ssh-config FILE; None: ~/.ssh/config when it exists
    use_ssh_config: bool = True
    allow_agent: bool = ALLOW_AGENT
    keep_connections: int = 0  # transports kept open for rescans (0: close after each host)
    max_connection_age: float = 1800.0  # seconds; older kept connections are replaced (paramiko#1685)
    output_cap: int = OUTPUT_CAP
    passphrase_prompt: PassphrasePrompt | None = None  # None: no one to ask (cron), keys need the agent
    stage_margin: float = 0.5  # seconds before the host deadline at which we stop and report
