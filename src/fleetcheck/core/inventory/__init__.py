"""Customer inventories: the model, and loading/validation of YAML files."""

from fleetcheck.core.inventory.model import (
    HOST_KINDS,
    Host,
    Inventory,
    IppSettings,
    SecretRef,
    Site,
    SnmpSettings,
)

__all__ = ["HOST_KINDS", "Host", "Inventory", "IppSettings", "SecretRef", "Site", "SnmpSettings"]
