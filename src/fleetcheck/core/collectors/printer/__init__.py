"""The printer collector (kind `printer`): SNMP and IPP read at once, merged into one host."""

from fleetcheck.core.collectors.printer.collector import PrinterCollector

__all__ = ["PrinterCollector"]
