"""Dashboard settings file: key remapping and the default theme (pure, no Textual).

The file is optional. Location: `$FLEETCHECK_TUI_CONFIG`, else
`platformdirs.user_config_dir("fleetcheck")/tui.toml`
(on Linux `~/.config/fleetcheck/tui.toml`). Example:

    theme = "ansi-dark"          # any name from the command palette's theme list

    [keys]                       # binding id = "key[,key...]" (Textual key names)
    rescan-host = "ctrl+r"
    down = "down,j,n"

Binding ids are listed in `?` help and in docs/tui.md.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from fleetcheck.core.errors import FleetcheckError

ENV_VAR = "FLEETCHECK_TUI_CONFIG"


def config_path() -> Path:
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("fleetcheck")) / "tui.toml"


@dataclass(frozen=True)
class TuiConfig:
    path: Path | None = None  # None: no file found (defaults apply)
    theme: str | None = None
    keys: dict[str, str] = field(default_factory=dict)


def load_config(path: Path | None = None, known_ids: frozenset[str] | None = None) -> TuiConfig:
    """Read the settings file; a missing file means defaults, a broken one is a user error."""
    path = path or config_path()
    if not path.is_file():
        return TuiConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise FleetcheckError(f"{path}: cannot read dashboard settings: {exc}") from None
    unknown = sorted(set(data) - {"theme", "keys"})
    if unknown:
        raise FleetcheckError(f"{path}: unknown setting '{unknown[0]}' (known: theme, keys)")
    theme = data.get("theme")
    if theme is not None and not isinstance(theme, str):
        raise FleetcheckError(f"{path}: theme: must be a string, got {theme!r}")
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        raise FleetcheckError(f"{path}: keys: must be a table of binding id = \"key,key\"")
    for binding_id, spec in keys.items():
        if not isinstance(spec, str) or not spec.strip():
            raise FleetcheckError(f"{path}: keys.{binding_id}: must be a non-empty string like \"ctrl+r\"")
        if known_ids is not None and binding_id not in known_ids:
            raise FleetcheckError(f"{path}: keys.{binding_id}: no such binding id "
                                  f"(known: {', '.join(sorted(known_ids))})")
    return TuiConfig(path, theme, {k: v.replace(" ", "") for k, v in keys.items()})
