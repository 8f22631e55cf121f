"""A small IPP/1.1 client: one Get-Printer-Attributes request, answered as a dict.

Why not pyipp: it pulls in aiohttp (a second HTTP stack and a noticeable import
cost on every scan), asks for a fixed attribute list without `printer-alert`,
`printer-supply` or `printer-input-tray` (its raw `execute()` is then the only
way), folds values it does not model, and does not close its session on exit.
fleetcheck needs exactly one operation with a chosen attribute list, the raw
values of every attribute for evidence, and its own deadline; the encoding
(RFC 8010) for that is short. Collections (begCollection) are skipped whole:
none of the attributes we read are collections.

`ipps://` is IPP over TLS on the same port. Printers ship self-signed
certificates, so the certificate is not verified (the evidence says so); the
connection is still encrypted.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import itertools
import ssl
import struct
from dataclasses import dataclass
from typing import Any

IppValue = int | bool | str | bytes | tuple[int, int]
IppAttributes = dict[str, list[IppValue]]

# operation and status codes (RFC 8011)
GET_PRINTER_ATTRIBUTES = 0x000B
STATUS_NAMES = {0x0400: "client-error-bad-request", 0x0401: "client-error-forbidden",
                0x0402: "client-error-not-authenticated", 0x0403: "client-error-not-authorized",
                0x0406: "client-error-not-found", 0x0500: "server-error-internal-error",
                0x0503: "server-error-version-not-supported", 0x0507: "server-error-busy"}

# value tags
_INTEGER, _BOOLEAN, _ENUM = 0x21, 0x22, 0x23
_RANGE, _RESOLUTION, _DATETIME = 0x33, 0x32, 0x31
_BEG_COLLECTION, _END_COLLECTION, _MEMBER = 0x34, 0x37, 0x4A
_TEXT_LANG, _NAME_LANG = 0x35, 0x36
_STRING_TAGS = {0x41, 0x42, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49}  # text name keyword uri ... mime
_OUT_OF_BAND = {0x10: "unsupported", 0x12: "unknown", 0x13: "no-value"}

_ids = itertools.count(1)


class IppError(Exception):
    """The printer did not answer IPP, or answered something that is not IPP."""

    def __init__(self, message: str, refused: bool = False, silent: bool = False) -> None:
        super().__init__(message)
        self.refused = refused  # connection refused / reset: IPP is not served there
        self.silent = silent  # nothing answered at all (timeout, no route): maybe switched off


@dataclass(frozen=True, slots=True)
class IppTarget:
    host: str
    port: int = 631
    path: str = "/ipp/print"
    tls: bool = False
    timeout: float = 5.0

    @property
    def uri(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'ipps' if self.tls else 'ipp'}://{host}:{self.port}{self.path}"


def _attr(tag: int, name: str, value: bytes) -> bytes:
    n = name.encode()
    return struct.pack(">BH", tag, len(n)) + n + struct.pack(">H", len(value)) + value


def encode_request(target: IppTarget, attributes: tuple[str, ...], request_id: int) -> bytes:
    out = bytearray(struct.pack(">BBHI", 1, 1, GET_PRINTER_ATTRIBUTES, request_id))
    out.append(0x01)  # operation-attributes-tag
    out += _attr(0x47, "attributes-charset", b"utf-8")
    out += _attr(0x48, "attributes-natural-language", b"en")
    out += _attr(0x45, "printer-uri", target.uri.encode())
    for i, name in enumerate(attributes):
        out += _attr(0x44, "requested-attributes" if i == 0 else "", name.encode())
    out.append(0x03)  # end-of-attributes-tag
    return bytes(out)


def _decode_value(tag: int, raw: bytes) -> IppValue | None:
    if tag in (_INTEGER, _ENUM) and len(raw) == 4:
        return int(struct.unpack(">i", raw)[0])
    if tag == _BOOLEAN and len(raw) == 1:
        return raw != b"\x00"
    if tag == _RANGE and len(raw) == 8:
        lo, hi = struct.unpack(">ii", raw)
        return (int(lo), int(hi))
    if tag in _STRING_TAGS:
        return raw.decode("utf-8", "replace")
    if tag in (_TEXT_LANG, _NAME_LANG) and len(raw) >= 4:
        (n,) = struct.unpack(">H", raw[:2])
        rest = raw[2 + n:]
        (m,) = struct.unpack(">H", rest[:2])
        return rest[2:2 + m].decode("utf-8", "replace")
    if tag in _OUT_OF_BAND:
        return None
    return raw  # octetString, dateTime, resolution, vendor tags: raw bytes


def decode_response(data: bytes) -> tuple[int, IppAttributes]:
    """(status code, printer attributes); raises IppError on a malformed message."""
    if len(data) < 9:
        raise IppError(f"answer is not IPP ({len(data)} bytes)")
    status = struct.unpack(">H", data[2:4])[0]
    pos = 8
    attrs: IppAttributes = {}
    group = 0
    name = ""
    depth = 0
    try:
        while pos < len(data):
            tag = data[pos]
            pos += 1
            if tag == 0x03:
                break
            if tag < 0x10:  # delimiter: a new attribute group
                group = tag
                continue
            (nlen,) = struct.unpack(">H", data[pos:pos + 2])
            pos += 2
            key = data[pos:pos + nlen].decode("utf-8", "replace")
            pos += nlen
            (vlen,) = struct.unpack(">H", data[pos:pos + 2])
            pos += 2
            raw = data[pos:pos + vlen]
            if len(raw) != vlen:
                raise IppError("answer is cut short")
            pos += vlen
            if tag == _BEG_COLLECTION:
                depth += 1
            elif tag == _END_COLLECTION:
                depth -= 1
                continue
            if depth > 0 or tag == _MEMBER:
                if key and depth == 1 and tag == _BEG_COLLECTION:
                    name = key
                    attrs.setdefault(name, [])
                continue
            if group != 0x04:  # printer-attributes-tag only
                continue
            if key:
                name = key
                attrs.setdefault(name, [])
            value = _decode_value(tag, raw)
            if value is not None and name:
                attrs[name].append(value)
    except struct.error as exc:
        raise IppError("answer is cut short") from exc
    return status, attrs


async def _read_http(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    status_line = await reader.readline()
    parts = status_line.decode("latin-1").split(None, 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise IppError(f"answer is not HTTP: {status_line[:60]!r}")
    code = int(parts[1])
    headers: dict[str, str] = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        k, _, v = line.decode("latin-1").partition(":")
        headers[k.strip().lower()] = v.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while True:
            size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                await reader.readline()
                break
            body += await reader.readexactly(size)
            await reader.readline()
        return code, bytes(body)
    if "content-length" in headers:
        return code, await reader.readexactly(int(headers["content-length"]))
    return code, await reader.read()


async def _exchange(target: IppTarget, body: bytes) -> tuple[int, bytes]:
    ctx: ssl.SSLContext | None = None
    if target.tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # printers' certificates are self-signed: encrypted, not verified
    try:
        reader, writer = await asyncio.open_connection(target.host, target.port, ssl=ctx)
    except ConnectionRefusedError as exc:
        raise IppError(f"connection to {target.host}:{target.port} refused", refused=True) from exc
    except ssl.SSLError as exc:
        raise IppError(f"TLS handshake with {target.host}:{target.port} failed: {exc.reason}") from exc
    except OSError as exc:
        silent = exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ETIMEDOUT)
        raise IppError(f"cannot connect to {target.host}:{target.port}: {exc.strerror or exc}",
                       silent=silent) from exc
    try:
        host = f"[{target.host}]" if ":" in target.host else target.host
        head = (f"POST {target.path} HTTP/1.1\r\nHost: {host}:{target.port}\r\n"
                f"Content-Type: application/ipp\r\nContent-Length: {len(body)}\r\n"
                "Connection: close\r\n\r\n")
        writer.write(head.encode() + body)
        await writer.drain()
        return await _read_http(reader)
    except (ConnectionError, asyncio.IncompleteReadError) as exc:
        raise IppError(f"connection to {target.host}:{target.port} dropped: {exc}") from exc
    except ssl.SSLError as exc:
        raise IppError(f"TLS error with {target.host}:{target.port}: {exc.reason}") from exc
    finally:
        writer.close()
        with contextlib.suppress(OSError, ssl.SSLError):
            await writer.wait_closed()


async def get_printer_attributes(target: IppTarget, attributes: tuple[str, ...]) -> tuple[IppAttributes, int]:
    """The printer's attributes and the size of the raw answer; raises IppError."""
    body = encode_request(target, attributes, next(_ids))
    try:
        code, data = await asyncio.wait_for(_exchange(target, body), target.timeout)
    except TimeoutError as exc:
        raise IppError(f"no IPP answer from {target.uri} within {target.timeout:g} s", silent=True) from exc
    if code == 426:
        raise IppError(f"{target.uri}: the printer requires TLS (HTTP 426): use ipp tls: true")
    if code != 200:
        raise IppError(f"{target.uri}: HTTP {code}" + (" (wrong ipp path?)" if code == 404 else ""))
    status, attrs = decode_response(data)
    if status >= 0x0400:
        raise IppError(f"{target.uri}: IPP status {STATUS_NAMES.get(status, hex(status))}")
    return attrs, len(data)


def first(attrs: IppAttributes, name: str) -> Any:
    values = attrs.get(name) or []
    return values[0] if values else None
