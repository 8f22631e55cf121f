"""What the SNMP transports hand upwards: plain Python values and two error types."""

from __future__ import annotations

from typing import Any, Final

from pyasn1.type.univ import ObjectIdentifier, OctetString
from pysnmp.proto.rfc1905 import EndOfMibView, NoSuchInstance, NoSuchObject


class _Missing:
    """No value at this OID (noSuchObject, noSuchInstance, endOfMibView)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing()
SnmpValue = int | bytes | str | _Missing


class SnmpError(Exception):
    """The agent answered with an error, or the request could not be made."""


class SnmpTimeout(SnmpError):
    """No answer within timeout × (retries + 1)."""


def plain(v: Any) -> SnmpValue:
    """A decoded pyasn1 value as plain Python: OCTET STRING stays raw bytes (printers send NUL
    padding and non-UTF-8), OBJECT IDENTIFIER a dotted string, every number an int."""
    if isinstance(v, (NoSuchObject, NoSuchInstance, EndOfMibView)):
        return MISSING
    if isinstance(v, OctetString):  # IpAddress and Opaque are OCTET STRINGs too
        return bytes(v)
    if isinstance(v, ObjectIdentifier):
        return ".".join(str(x) for x in v)
    try:
        return int(v)
    except (TypeError, ValueError):
        return bytes(str(v), "utf-8", "replace")
