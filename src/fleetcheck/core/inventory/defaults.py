"""Where the default inventory lives: the checkout's copy, else the one installed with fleetcheck."""

from __future__ import annotations

from pathlib import Path

CHECKOUT_DEFAULT = Path("inventories") / "local.yaml"
PACKAGED_DEFAULT = Path(__file__).resolve().parents[2] / "data" / "local.yaml"


def default_inventory_paths() -> list[Path]:
    """`./inventories/local.yaml` when run in a checkout that has it, else the packaged copy."""
    if CHECKOUT_DEFAULT.is_file():
        return [CHECKOUT_DEFAULT]
    return [PACKAGED_DEFAULT]
