"""`skip:` in an inventory: checks not to judge on purpose, each with a required reason.

`skip:` may stand on a host, on a tag and in `defaults`; all that apply to a
host add up. Each entry is `{check: ID-OR-PATTERN, reason: TEXT}`; the pattern
is shell-style (`temp*`, `fs.used:/mnt/*`) and must match a known check
family, so a typo is an error rather than a skip that never applies.
"""

from __future__ import annotations

from yaml.nodes import Node

from fleetcheck.core.catalog import family_of, pattern_known, skippable_ids
from fleetcheck.core.inventory import fields
from fleetcheck.core.inventory.model import Skip
from fleetcheck.core.inventory.yamlsrc import did_you_mean, fail, is_null, mapping, position, sequence

SKIP_KEYS = ("check", "reason")
SKIP_WHAT = "a list of {check: ID or pattern, reason: why}"


def parse_skips(label: str, node: Node, path: str) -> tuple[Skip, ...]:
    out = []
    for i, item in enumerate(sequence(label, node, path, SKIP_WHAT)):
        here = f"{path}[{i}]"
        pairs = mapping(label, item, here, SKIP_KEYS, "{check: ID or pattern, reason: why}")
        if "check" not in pairs or is_null(pairs["check"][1]):
            fail(label, item, here, "missing required key 'check' (a check id or pattern such as temp*)")
        check_node = pairs["check"][1]
        pattern = fields.text(label, check_node, f"{here}.check", "a check id or pattern")
        if not pattern_known(pattern):
            family = family_of(pattern).strip("*?[]")
            fail(label, check_node, f"{here}.check",
                 f"{pattern!r} matches no known check{did_you_mean(family, skippable_ids())}; "
                 f"known checks: {', '.join(skippable_ids())}")
        if "reason" not in pairs or is_null(pairs["reason"][1]):
            fail(label, item, here, "missing required key 'reason': say why this check is skipped "
                 "(it is shown with every scan)")
        reason = fields.text(label, pairs["reason"][1], f"{here}.reason", "a reason")
        line, _col = position(item)
        out.append(Skip(pattern, reason, f"{label}:{line}"))
    return tuple(out)
