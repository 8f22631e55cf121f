"""Printers: one model filled from SNMP (HOST-RESOURCES-MIB, Printer-MIB) and IPP.

`model` holds the parsed printer (shared by both protocols and by the checks in
`core.checks.printer`), `snmp` and `ipp` read and parse one protocol each.
"""
