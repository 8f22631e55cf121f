"""Customer inventories: the model, and loading/validation of YAML files."""

from fleetcheck.core.inventory.defaults import default_inventory_paths
from fleetcheck.core.inventory.loader import load_inventory
from fleetcheck.core.inventory.model import (
    HOST_KINDS,
    Host,
    Inventory,
    IppSettings,
    SecretRef,
    Site,
    SnmpSettings,
)

__all__ = [
    "HOST_KINDS",
    "Host",
    "Inventory",
    "IppSettings",
    "SecretRef",
    "Site",
    "SnmpSettings",
    "default_inventory_paths",
    "load_inventory",
]
