"""A misbehaving SNMP agent on loopback, for what snmpsim cannot do: answers with the wrong
request id, from another port, late, garbled, or walks that go backwards.

It decodes each request with pysnmp's message layer, asks `behave(request)` what to send,
and sends it. A thread, stopped by `stop()`; its sockets are closed there.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pyasn1.codec.ber import decoder, encoder
from pysnmp.proto import api


@dataclass
class Request:
    version: int
    kind: str  # "get", "next", "bulk"
    request_id: int
    oids: list[str]
    community: str
    addr: tuple[str, int]
    max_repetitions: int = 0  # GETBULK only


@dataclass
class Send:
    """One datagram to send back: raw bytes, or an answer built from (oid, value) pairs."""

    rows: list[tuple[str, Any]] | None = None
    raw: bytes | None = None
    request_id: int | None = None  # None: the request's own
    from_other_port: bool = False
    error_status: int = 0
    error_index: int = 0


Behaviour = Callable[[Request], list[Send]]


@dataclass
class HostileAgent:
    behave: Behaviour
    seen: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.other.bind(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> HostileAgent:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()
        self.other.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data, addr = self.sock.recvfrom(65535)
            except OSError:
                continue
            req = self._decode(data, addr)
            self.seen.append(req)
            for send in self.behave(req):
                out = send.raw if send.raw is not None else self._encode(req, send)
                (self.other if send.from_other_port else self.sock).sendto(out, addr)

    @staticmethod
    def _decode(data: bytes, addr: tuple[str, int]) -> Request:
        version = int(api.decodeMessageVersion(data))
        mod = api.PROTOCOL_MODULES[version]
        msg, _ = decoder.decode(data, asn1Spec=mod.Message())
        pdu = mod.apiMessage.get_pdu(msg)
        kind = {"GetRequestPDU": "get", "GetNextRequestPDU": "next", "GetBulkRequestPDU": "bulk"}[
            type(pdu).__name__]
        oids = [str(o) for o, _v in mod.apiPDU.get_varbinds(pdu)]
        reps = int(mod.apiBulkPDU.get_max_repetitions(pdu)) if kind == "bulk" else 0
        return Request(version, kind, int(mod.apiPDU.get_request_id(pdu)), oids,
                       str(mod.apiMessage.get_community(msg)), addr, reps)

    @staticmethod
    def _encode(req: Request, send: Send) -> bytes:
        mod = api.PROTOCOL_MODULES[req.version]
        pdu = mod.GetResponsePDU()
        mod.apiPDU.set_defaults(pdu)
        mod.apiPDU.set_request_id(pdu, req.request_id if send.request_id is None else send.request_id)
        mod.apiPDU.set_error_status(pdu, send.error_status)
        mod.apiPDU.set_error_index(pdu, send.error_index)
        rows = []
        for oid, value in send.rows or []:
            if isinstance(value, int):
                value = mod.Integer(value)
            elif isinstance(value, bytes):
                value = mod.OctetString(value)
            rows.append((oid, value))
        mod.apiPDU.set_varbinds(pdu, rows)
        msg = mod.Message()
        mod.apiMessage.set_defaults(msg)
        mod.apiMessage.set_community(msg, req.community)
        mod.apiMessage.set_pdu(msg, pdu)
        return bytes(encoder.encode(msg))
