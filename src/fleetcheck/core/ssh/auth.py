"""User authentication on an already verified Transport: keys, agent, then password by reference.

The failure reason lists what was tried (key type, fingerprint, where it
came from) and what the server allows; never a secret.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import paramiko

from fleetcheck.core.contracts import Unreachable
from fleetcheck.core.i18n import msg
from fleetcheck.core.inventory.model import SecretRef
from fleetcheck.core.ssh.config import Target
from fleetcheck.core.ssh.keys import DEFAULT_IDENTITIES, KeyLoadError, KeyStore, describe_key
from fleetcheck.core.states import Reachability


class SecretError(Exception):
    """A password reference could not be resolved (message names the reference, not the secret)."""


def resolve_secret(ref: SecretRef, user: str) -> str:
    if ref.env:
        value = os.environ.get(ref.env)
        if value is None:
            raise SecretError(f"environment variable {ref.env} is not set")
        return value
    if ref.keyring:
        try:
            import keyring  # type: ignore[import-not-found,unused-ignore]  # optional dependency
        except ImportError:
            raise SecretError(f"password reference {ref.describe()} needs the 'keyring' package "
                              "(pip install keyring)") from None
        value = keyring.get_password(ref.keyring, user)
        if value is None:
            raise SecretError(f"no keyring entry for service '{ref.keyring}' and user '{user}'")
        return str(value)
    raise SecretError("empty password reference")


def _key_candidates(target: Target, keys: KeyStore, notes: list[str]) -> Iterator[tuple[Any, str]]:
    files = list(target.identity_files)
    explicit = bool(files)
    if not files:
        files = [f for f in DEFAULT_IDENTITIES if Path(f).expanduser().exists()]
    for path in files:
        try:
            yield keys.load(path), path
        except KeyLoadError as exc:
            notes.append(str(exc) if explicit or Path(path).expanduser().exists() else "")
    for key in keys.agent_keys():
        yield key, "ssh-agent"


def authenticate(transport: paramiko.Transport, target: Target, keys: KeyStore,
                 password: SecretRef | None, remaining: Callable[[], float], auth_timeout: float) -> str:
    """Authenticate or raise Unreachable(AUTH_FAILED / TIMEOUT). Returns the method that worked."""
    tried: list[str] = []
    notes: list[str] = []
    allowed: list[str] | None = None
    started = time.monotonic()

    def budget() -> float:
        left = remaining()
        if left <= 0:
            raise Unreachable(Reachability.TIMEOUT,
                              msg("ssh.auth.timeout", seconds=round(time.monotonic() - started, 1)),
                              msg("ssh.timeout.fix"), f"auth as {target.user}: " + ", ".join(tried))
        return min(auth_timeout, left)

    def attempt(what: str, fn: Callable[[], object]) -> bool:
        nonlocal allowed
        transport.auth_timeout = budget()
        try:
            fn()
            return transport.is_authenticated()
        except paramiko.BadAuthenticationType as exc:
            allowed = list(exc.allowed_types)
        except paramiko.AuthenticationException as exc:
            if "timeout" in str(exc).lower():
                budget()  # raises TIMEOUT when the host deadline is what ran out
                raise Unreachable(Reachability.TIMEOUT, msg("ssh.auth.timeout", seconds=auth_timeout),
                                  msg("ssh.timeout.fix"), what) from None
        except (paramiko.SSHException, EOFError, OSError) as exc:
            raise Unreachable(Reachability.UNREACHABLE, msg("ssh.auth.lost", error=str(exc)),
                              None, what) from None
        tried.append(what)
        return False

    for key, source in _key_candidates(target, keys, notes):
        if allowed is not None and "publickey" not in allowed:
            break
        what = "publickey " + describe_key(key, source)

        def offer(k: Any = key) -> object:
            return transport.auth_publickey(target.user, k)

        if source == "ssh-agent":
            with keys.agent_lock:
                ok = attempt(what, offer)
        else:
            ok = attempt(what, offer)
        if ok:
            return what
    password_tried = False
    if password is not None and (allowed is None or "password" in allowed
                                 or "keyboard-interactive" in allowed):
        try:
            secret = resolve_secret(password, target.user)
        except SecretError as exc:
            notes.append(f"password ({password.describe()}): {exc}")
        else:
            what = f"password ({password.describe()})"
            password_tried = True
            if allowed is not None and "password" not in allowed:
                # keyboard-interactive only (PAM): the password answers its one prompt, once
                login: Callable[[], object] = lambda: transport.auth_interactive(  # noqa: E731
                    target.user, _answer_once(secret))
            else:  # paramiko falls back to keyboard-interactive itself when password is refused
                login = lambda: transport.auth_password(target.user, secret, fallback=True)  # noqa: E731
            if attempt(what, login):
                return what
    notes = [n for n in notes if n]
    parts = []  # what was tried and why not, as message codes sharing these parameters
    if tried:
        parts.append("ssh.auth.parts.tried")
    if notes:
        parts.append("ssh.auth.parts.notes")
    if not tried and not notes:
        parts.append("ssh.auth.parts.nothing")
    if allowed is not None:
        parts.append("ssh.auth.parts.allowed")
    reason = msg("ssh.auth.refused", user=target.user, auth_parts=parts, tried="; ".join(tried),
                 notes="; ".join(notes), allowed=allowed or [])
    fix = msg("ssh.auth.fix")
    if password_tried and password is not None:  # tried once only: a retry could lock the account
        fix = msg("ssh.auth.password.fix", password_ref=password.describe(), user=target.user)
    raise Unreachable(Reachability.AUTH_FAILED, reason, fix, reason.en)


def _answer_once(secret: str) -> Callable[[str, str, list[tuple[str, bool]]], list[str]]:
    """A keyboard-interactive handler that gives the password to one prompt in one round only:
    a second round (a re-prompt after a wrong password) is refused, never answered again."""
    rounds = 0

    def handler(title: str, instructions: str, prompts: list[tuple[str, bool]]) -> list[str]:
        nonlocal rounds
        if not prompts:
            return []  # an informational round
        rounds += 1
        if rounds > 1 or len(prompts) > 1:
            raise paramiko.AuthenticationException("keyboard-interactive asked more than one password")
        return [secret]
    return handler
