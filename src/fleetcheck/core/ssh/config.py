"""Where and how to connect: the inventory host merged with ~/.ssh/config (or --ssh-config FILE).

paramiko parses ssh_config but applies none of it; this maps the options
fleetcheck honours onto a `Target`. Inventory values win over the config
(like ssh's command line), the config wins over built-in defaults.
"""

from __future__ import annotations

import dataclasses
import getpass
from dataclasses import dataclass, field
from pathlib import Path

import paramiko

from fleetcheck.core.errors import FleetcheckError
from fleetcheck.core.inventory.model import Host

DEFAULT_CONFIG = "~/.ssh/config"
DEFAULT_KNOWN_HOSTS = "~/.ssh/known_hosts"
MAX_JUMPS = 5


@dataclass(frozen=True)
class Target:
    """One SSH hop, fully resolved."""

    label: str  # what the user wrote (inventory address or jump spec)
    hostname: str
    port: int
    user: str
    identity_files: tuple[str, ...] = ()
    known_hosts: tuple[str, ...] = (DEFAULT_KNOWN_HOSTS,)
    jump: Target | None = None  # the hop before this one
    proxy_command: str | None = None
    from_config: tuple[str, ...] = field(default=(), compare=False)  # options taken from ssh_config


class SshConfig:
    """A parsed ssh_config; `resolve(host)` gives the Target for an inventory host."""

    def __init__(self, config: paramiko.SSHConfig | None, path: str | None) -> None:
        self._config = config
        self.path = path

    @classmethod
    def load(cls, path: str | None = None) -> SshConfig:
        """`path` given: it must exist; None: ~/.ssh/config if present, else nothing."""
        if path is None:
            default = Path(DEFAULT_CONFIG).expanduser()
            if not default.exists():
                return cls(None, None)
            path = str(default)
        p = Path(path).expanduser()
        try:
            return cls(paramiko.SSHConfig.from_path(str(p)), str(p))
        except FileNotFoundError:
            raise FleetcheckError(f"ssh config {p} does not exist") from None
        except (OSError, paramiko.SSHException, ValueError) as exc:
            raise FleetcheckError(f"ssh config {p} could not be read: {exc}") from None

    def _lookup(self, alias: str) -> dict[str, object]:
        if self._config is None:
            return {}
        try:
            return dict(self._config.lookup(alias))
        except paramiko.SSHException as exc:
            raise FleetcheckError(f"ssh config {self.path}: {exc}") from None

    def resolve(self, host: Host) -> Target:
        identities = (host.identity_file,) if host.identity_file else ()
        known = (host.known_hosts,) if host.known_hosts else ()
        # an alias host is looked up by its alias, so its ProxyCommand etc. apply
        return self._target(host.ssh_alias or host.address, host.port if host.port != 22 else None,
                            host.user, identities,
                            known, host.jump_host, depth=0)

    def resolve_spec(self, spec: str, known_hosts: tuple[str, ...] = ()) -> Target:
        """A `[user@]host[:port]` or alias, as in ProxyJump."""
        return self._spec_target(spec, known_hosts, 0)

    def _spec_target(self, spec: str, known: tuple[str, ...], depth: int,
                     identities: tuple[str, ...] = ()) -> Target:
        user, _, hostport = spec.rpartition("@")
        host, port = hostport, None
        if hostport.startswith("["):  # [v6addr]:port
            host, _, rest = hostport[1:].partition("]")
            port = int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else None
        elif hostport.count(":") == 1:
            h, _, p = hostport.partition(":")
            if p.isdigit():
                host, port = h, int(p)
        target = self._target(host, port, user or None, (), known, None, depth, identities)
        return dataclasses.replace(target, label=spec)  # named as the user wrote it

    def _target(self, alias: str, port: int | None, user: str | None, identities: tuple[str, ...],
                known: tuple[str, ...], jump: str | None, depth: int,
                fallback_ids: tuple[str, ...] = ()) -> Target:
        if depth > MAX_JUMPS:
            raise FleetcheckError(f"more than {MAX_JUMPS} jump hosts for {alias} (a ProxyJump loop?)")
        cfg = self._lookup(alias)
        used: list[str] = []

        def take(option: str) -> object:
            value = cfg.get(option)
            if value is not None:
                used.append(option)
            return value

        hostname = str(cfg.get("hostname") or alias)
        if hostname != alias:
            used.append("hostname")
        cfg_port = take("port") if port is None else None
        final_port = port or int(str(cfg_port or 22))
        final_user = user or (str(take("user")) if cfg.get("user") else None) or getpass.getuser()
        cfg_ids = take("identityfile") if not identities else None
        ids = identities or tuple(str(i) for i in (cfg_ids or ())) or fallback_ids  # type: ignore[attr-defined]
        cfg_known = take("userknownhostsfile") if not known else None
        kh = known or (tuple(str(cfg_known).split()) if cfg_known else (DEFAULT_KNOWN_HOSTS,))
        jump_spec = jump or (str(take("proxyjump")) if cfg.get("proxyjump") else None)
        proxy_command = None
        if jump_spec and jump_spec.lower() == "none":
            jump_spec = None
        if not jump_spec and cfg.get("proxycommand") and str(cfg["proxycommand"]).lower() != "none":
            proxy_command = str(take("proxycommand"))
        jump_target = None
        if jump_spec:
            hops = [h.strip() for h in jump_spec.split(",") if h.strip()]
            # "a,b": connect to a, from a to b, from b to the target
            for hop in hops:
                # a jump host without its own IdentityFile uses the target's (one customer, one key)
                t = self._spec_target(hop, kh, depth + 1, ids)
                if jump_target is not None:
                    t = _with_jump(t, jump_target)
                jump_target = t
        return Target(alias, hostname, final_port, final_user, ids, kh, jump_target, proxy_command,
                      tuple(used))


def _with_jump(target: Target, jump: Target) -> Target:
    if target.jump is None:
        return Target(target.label, target.hostname, target.port, target.user, target.identity_files,
                      target.known_hosts, jump, target.proxy_command, target.from_config)
    return Target(target.label, target.hostname, target.port, target.user, target.identity_files,
                  target.known_hosts, _with_jump(target.jump, jump), target.proxy_command,
                  target.from_config)
