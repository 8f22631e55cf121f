#!/usr/bin/env python3
"""Rewrite the check list table in docs/checks.md from the catalog (src/fleetcheck/core/catalog.py).

Run after adding or changing a check family: `python dev/gen_checks_doc.py`.
tests/core/test_catalog.py fails while the doc and the catalog disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from fleetcheck.core.catalog import with_table  # noqa: E402


def main() -> int:
    doc = ROOT / "docs" / "checks.md"
    old = doc.read_text(encoding="utf-8")
    new = with_table(old)
    if new != old:
        doc.write_text(new, encoding="utf-8")
        print(f"updated {doc.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
