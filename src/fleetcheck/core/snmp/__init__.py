"""SNMP transport (asyncio, pysnmp 7): GET and subtree walks for v1, v2c and v3.

UI-free and check-free: returns plain Python values; the printer parser and
checks live above it.
"""

from fleetcheck.core.snmp.client import SnmpSession, SnmpTarget, SnmpV3
from fleetcheck.core.snmp.values import MISSING, SnmpError, SnmpTimeout, SnmpValue

__all__ = ["MISSING", "SnmpError", "SnmpSession", "SnmpTarget", "SnmpTimeout", "SnmpV3", "SnmpValue"]
