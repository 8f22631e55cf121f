"""`fleetcheck checks`: the check catalog — every family, what it is called, where it applies,
and the default thresholds an inventory can override."""

from __future__ import annotations

import argparse
import json

from fleetcheck.core.catalog import families
from fleetcheck.core.kinds import HOST_KINDS
from fleetcheck.core.ranges import Range


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--kind", choices=HOST_KINDS, help="only the families that apply to this host kind")
    p.add_argument("--lang", choices=("en", "de"), default="en", help="language of the titles (default en)")
    p.add_argument("--json", action="store_true", help="print the catalog as JSON")


def _range(r: Range | None) -> str | None:
    return None if r is None else str(r)


def run(args: argparse.Namespace) -> int:
    chosen = [f for f in families().values() if args.kind is None or args.kind in f.kinds]
    if args.json:
        print(json.dumps([{
            "id": f.id, "title": {"en": f.title_en, "de": f.title_de}, "category": str(f.category),
            "kinds": sorted(f.kinds), "skippable": f.skippable,
            "thresholds": {n: {"warn": _range(lv.warn), "crit": _range(lv.crit)}
                           for n, lv in f.thresholds.items()},
        } for f in chosen], indent=2, ensure_ascii=False))
        return 0
    width = max(len(f.id) for f in chosen)
    for f in chosen:
        th = "; ".join(f"{n} {_range(lv.warn) or '—'} / {_range(lv.crit) or '—'}"
                       for n, lv in f.thresholds.items())
        line = f"{f.id:<{width}}  {f.category!s:<8}  {f.title(args.lang)}"
        if th:
            line += f"  [{th}]"
        if not f.skippable:
            line += "  (host-level)"
        print(line)
    return 0
