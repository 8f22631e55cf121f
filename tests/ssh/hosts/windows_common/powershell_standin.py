#!/usr/bin/env python3
"""Stand-in for powershell.exe on an emulated Windows PC (an sshd test host).

Usage (from a host's bin/powershell.exe wrapper): powershell_standin.py RECORDING ARGV...

1. Checks argv is exactly `-NoProfile -NonInteractive -EncodedCommand <base64>`, as the
   Windows probe sends it; anything else exits 64 with the reason on stderr.
2. Decodes -EncodedCommand strictly (base64, then UTF-16LE) and reads standard input.
3. Writes both to $FLEET_STATE/encoded_command.ps1 and $FLEET_STATE/stdin.ps1, so the test
   can assert they are exactly the probe's bootstrap and script.
4. Acts like the bootstrap when no script arrives on stdin (its error line, exit 3); otherwise
   replays the recording $FLEETCHECK_TESTS/data/windows/RECORDING/{stdout,stderr,exit_status}
   with every timestamp shifted by (now - the recording's meta.now), so the recorded events
   keep their age relative to the scan, whenever the test runs.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

EXPECTED_FLAGS = ["-NoProfile", "-NonInteractive", "-EncodedCommand"]
MS_DATE = re.compile(r"\\/Date\((-?\d+)\)\\/")
ISO = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)")
DAY = re.compile(r'("installed":")(\d{4}-\d\d-\d\d)(")')


def fail(code: int, message: str) -> None:
    sys.stderr.write(f"powershell.exe stand-in: {message}\n")
    sys.exit(code)


def recorded_now(text: str) -> datetime:
    for line in text.splitlines():
        obj = json.loads(line.lstrip("\ufeff"))
        if obj.get("section") == "meta":
            now = obj["data"]["now"]
            m = re.fullmatch(r"/Date\((-?\d+)\)/", now)
            if m:
                return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(m.group(1)))
            return datetime.fromisoformat(now.replace("Z", "+00:00"))
    fail(70, "recording has no meta section")
    raise AssertionError


def shift(text: str, delta: timedelta) -> str:
    ms = int(delta.total_seconds()) * 1000

    def iso(m: re.Match[str]) -> str:
        base = datetime.fromisoformat(m.group(1)) + timedelta(seconds=int(delta.total_seconds()))
        return base.strftime("%Y-%m-%dT%H:%M:%S") + (m.group(2) or "") + m.group(3)

    def day(m: re.Match[str]) -> str:
        d = datetime.strptime(m.group(2), "%Y-%m-%d") + timedelta(seconds=int(delta.total_seconds()))
        return f"{m.group(1)}{d:%Y-%m-%d}{m.group(3)}"

    text = MS_DATE.sub(lambda m: f"\\/Date({int(m.group(1)) + ms})\\/", text)
    return DAY.sub(day, ISO.sub(iso, text))


def main() -> None:
    recording, argv = sys.argv[1], sys.argv[2:]
    if len(argv) != 4 or argv[:3] != EXPECTED_FLAGS:
        fail(64, f"unexpected arguments {argv!r}")
    try:
        command = base64.b64decode(argv[3], validate=True).decode("utf-16-le", "strict")
    except (binascii.Error, UnicodeDecodeError) as exc:
        fail(65, f"-EncodedCommand is not base64 of UTF-16LE text: {exc}")
    script = sys.stdin.buffer.read()
    state = Path(os.environ["FLEET_STATE"])
    (state / "encoded_command.ps1").write_text(command, encoding="utf-8")
    (state / "stdin.ps1").write_bytes(script)
    if not script.strip():
        sys.stdout.write('{"section":"bootstrap","error":{"fqid":"NoScriptOnStdin",'
                         '"message":"the probe script did not arrive on standard input"}}\r\n')
        sys.exit(3)
    base = Path(os.environ["FLEETCHECK_TESTS"]) / "data" / "windows" / recording
    raw = (base / "stdout").read_bytes()
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    text = raw[len(bom):].decode("utf-8")
    out = shift(text, datetime.now(UTC) - recorded_now(text))
    sys.stdout.buffer.write(bom + out.encode("utf-8"))
    sys.stdout.flush()
    sys.stderr.buffer.write((base / "stderr").read_bytes())
    sys.exit(int((base / "exit_status").read_text().strip()))


if __name__ == "__main__":
    main()
