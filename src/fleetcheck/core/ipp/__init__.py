"""IPP transport: Get-Printer-Attributes over ipp:// and ipps:// (TLS)."""

from fleetcheck.core.ipp.client import IppAttributes, IppError, IppTarget, get_printer_attributes

__all__ = ["IppAttributes", "IppError", "IppTarget", "get_printer_attributes"]
