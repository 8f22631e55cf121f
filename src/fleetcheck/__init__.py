"""fleetcheck: honest health scans of a customer's machines and printers."""

__version__ = "0.1.0"
