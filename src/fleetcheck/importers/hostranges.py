"""Ansible host ranges: `pc[01:20]`, `db-[a:c]`, `web[1:9:2]` expanded like Ansible does."""

from __future__ import annotations

import re
import string

from fleetcheck.core.errors import FleetcheckError
from fleetcheck.importers.model import shown

RANGE = re.compile(r"\[([^\[\]:]*):([^\[\]:]+)(?::(\d+))?\]")
MAX_HOSTS = 65536  # one pattern; more is a typo, not a fleet


def _steps(beg: str, end: str, step: int, where: str) -> list[str]:
    if step < 1:
        raise FleetcheckError(f"{where}: host range step must be at least 1")
    if beg.isdigit() or (not beg and end.isdigit()):
        beg = beg or "0"
        if not end.isdigit():
            raise FleetcheckError(f"{where}: host range [{beg}:{end}] mixes digits and letters")
        width = len(beg) if beg.startswith("0") and len(beg) > 1 else 0
        if width and width != len(end):
            raise FleetcheckError(f"{where}: host range [{beg}:{end}] needs begin and end of equal width")
        numbers = range(int(beg), int(end) + 1, step)
        if int(beg) > int(end):
            raise FleetcheckError(f"{where}: host range [{beg}:{end}] runs backwards")
        if len(numbers) > MAX_HOSTS:
            raise FleetcheckError(f"{where}: host range [{beg}:{end}] gives more than {MAX_HOSTS} hosts")
        return [str(n).zfill(width) for n in numbers]
    letters = string.ascii_letters
    if len(beg) != 1 or len(end) != 1 or beg not in letters or end not in letters:
        raise FleetcheckError(f"{where}: host range [{beg}:{end}] must be numbers or single letters")
    first, last = letters.index(beg), letters.index(end)
    if first > last:
        raise FleetcheckError(f"{where}: host range [{beg}:{end}] runs backwards")
    return list(letters[first:last + 1:step])


def expand(pattern: str, where: str) -> list[str]:
    """Every name the pattern stands for, in order; a pattern without range is itself."""
    match = RANGE.search(pattern)
    if match is None:
        return [pattern]
    head, tail = pattern[:match.start()], pattern[match.end():]
    names = [head + part + rest
             for part in _steps(match.group(1), match.group(2), int(match.group(3) or 1), where)
             for rest in expand(tail, where)]
    if len(names) > MAX_HOSTS:
        raise FleetcheckError(f"{where}: host pattern {shown(pattern)} gives more than {MAX_HOSTS} hosts")
    return names
