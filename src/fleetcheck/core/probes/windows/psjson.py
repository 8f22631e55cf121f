"""Reading the Windows probe's output: JSON lines from Windows PowerShell 5.1 or PowerShell 7.

What differs between the two, or goes wrong on the way (all handled here, so
the check families see plain Python values):
- 5.1 writes a UTF-8 BOM once `[Console]::OutputEncoding` is set; lines end in CRLF;
- dates: 5.1 writes `"\\/Date(1700000000000)\\/"` (ms since the epoch, UTC), 7 writes
  ISO 8601 with the local offset; a `Get-Date` object in 5.1 becomes
  `{"value": ..., "DisplayHint": 2, "DateTime": "..."}`;
- a one-element list can arrive as the bare object and an empty one as null; a
  PSObject-wrapped array in 5.1 becomes `{"value": [...], "Count": n}`;
- past `-Depth`, ConvertTo-Json writes the type name ("System.Collections.Hashtable");
- enums arrive as integers;
- progress and errors arrive on stderr as CLIXML (`#< CLIXML` + XML).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fleetcheck.core.checks.windows.errors import SectionError

_MS_DATE = re.compile(r"^/Date\((-?\d+)(?:[+-]\d{4})?\)/$")
_TYPE_NAME = re.compile(r"^((System|Microsoft)(\.[A-Za-z0-9_`]+)+(\[\])?|@\{.*\})$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


__all__ = [
    "ProbeOutput",
    "PsShapeError",
    "Section",
    "SectionError",
    "as_bool",
    "as_dict",
    "as_int",
    "as_list",
    "decode_stderr",
    "decode_stdout",
    "is_type_name",
    "ps_time",
    "split_sections",
]


class PsShapeError(ValueError):
    """A value does not have the shape the probe script emits (truncated, changed, garbled)."""


@dataclass(frozen=True, slots=True)
class Section:
    name: str
    data: Any  # the section's payload (None when it failed)
    error: SectionError | None
    raw: str  # the JSON line as received


@dataclass
class ProbeOutput:
    sections: dict[str, Section]
    garbage: list[str]  # lines that were not a section object
    text: str  # stdout as decoded

    @property
    def complete(self) -> bool:
        """The script reached its last line (output not cut off)."""
        return "end" in self.sections


def decode_stdout(data: bytes) -> str:
    """Bytes to text: UTF-16 when it has its BOM, otherwise UTF-8 without a BOM."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    return data.decode("utf-8", "replace").lstrip("\ufeff")


def split_sections(text: str) -> ProbeOutput:
    """One JSON object per line -> sections by name; anything else is kept as garbage."""
    sections: dict[str, Section] = {}
    garbage: list[str] = []
    for line in text.splitlines():
        line = line.strip().lstrip("\ufeff")
        if not line:
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            garbage.append(line)
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("section"), str):
            garbage.append(line)
            continue
        err = SectionError.from_json(obj["error"]) if obj.get("error") is not None else None
        sections.setdefault(obj["section"], Section(obj["section"], obj.get("data"), err, line))
    return ProbeOutput(sections, garbage, text)


def is_type_name(value: Any) -> bool:
    """A string ConvertTo-Json wrote instead of an object it no longer descended into."""
    return isinstance(value, str) and bool(_TYPE_NAME.match(value.strip()))


def as_dict(value: Any, what: str) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if is_type_name(value):
        raise PsShapeError(f"{what} was cut by ConvertTo-Json's depth limit ({value!r})")
    raise PsShapeError(f"{what}: expected an object, got {type(value).__name__}")


def as_list(value: Any, what: str) -> list[Any]:
    """A list however PowerShell sent it: null, a bare object, a list or {"value": [...], "Count": n}."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and isinstance(value.get("value"), list) and "Count" in value:
        return list(value["value"])
    if is_type_name(value):
        raise PsShapeError(f"{what} was cut by ConvertTo-Json's depth limit ({value!r})")
    return [value]


def ps_time(value: Any) -> datetime | None:
    """A PowerShell date as an aware UTC datetime; None for null/empty; PsShapeError otherwise.

    A naive ISO string (DateTime of unspecified kind) is taken as UTC: the
    script formats such values itself with a 'Z'.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dict):  # 5.1 Get-Date object: {"value": ..., "DisplayHint": n, "DateTime": "..."}
        if "value" in value:
            return ps_time(value["value"])
        raise PsShapeError(f"not a date: {value!r}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise PsShapeError(f"not a date: {value!r}")
    if not isinstance(value, str):
        raise PsShapeError(f"not a date: {value!r}")
    text = value.strip()
    m = _MS_DATE.match(text.replace("\\/", "/"))
    if m:
        return _EPOCH + timedelta(milliseconds=int(m.group(1)))  # the offset part is display-only
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise PsShapeError(f"not a date: {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def as_int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


_CLIXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def decode_stderr(data: bytes) -> str:
    """stderr as text; CLIXML (5.1's serialised streams) reduced to its error and progress lines."""
    text = decode_stdout(data)
    if not text.lstrip().startswith("#< CLIXML"):
        return text.strip()
    out: list[str] = []
    for block in re.findall(r"<Objs\b.*?</Objs>", text, flags=re.S):
        try:
            root = ET.fromstring(block)
        except ET.ParseError:
            out.append(block[:500])
            continue
        for el in root.iter():
            tag = el.tag.rsplit("}", 1)[-1]
            if tag == "S" and el.get("S") in ("Error", "Warning") and el.text:
                text = _CLIXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), el.text)
                out.append(f"{el.get('S')}: {text}")
            elif tag == "AV" and el.text:  # a progress record's activity
                out.append(f"progress: {el.text}")
    return "\n".join(line.rstrip() for line in "".join(
        s if s.endswith("\n") else s + "\n" for s in out).splitlines() if line.strip())
