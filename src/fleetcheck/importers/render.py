"""Writing an import as a fleetcheck inventory: YAML with comments, checked by the real loader.

PyYAML cannot write comments, so the document is written line by line; every value
goes through `json.dumps`, whose output is a valid YAML double-quoted scalar, so no
imported text can end a line, open a comment or become YAML syntax.
"""

from __future__ import annotations

import json
import tempfile
import textwrap
from pathlib import Path

from fleetcheck import __version__
from fleetcheck.core.errors import FleetcheckError
from fleetcheck.core.text import clean
from fleetcheck.importers.model import Result

ORDER = ("address", "port", "user", "identity_file", "jump_host")


def _q(value: str | int) -> str:
    return str(value) if isinstance(value, int) else json.dumps(value)


def _comment(text: str, indent: str = "") -> str:
    return f"{indent}# {clean(text, 1000)}"


def render(result: Result) -> str:
    lines = [
        _comment(f"fleetcheck inventory imported from {result.source}"),
        _comment(f"by `{result.how}` (fleetcheck {__version__}). Review it before scanning:"),
    ]
    lines += [_comment(part) for note in result.notes for part in textwrap.wrap(clean(note, 1000), 100)]
    if result.left_out:
        lines.append("#")
        lines.append(_comment("Not carried over:"))
        lines += [_comment(f"  {item}") for item in result.left_out]
    lines += ["", "# customer: name the customer here", ""]
    if result.sites:
        lines.append("sites:")
        lines += [f"  - {_q(site)}" for site in result.sites]
        lines.append("")
    lines.append("hosts:")
    for host in result.hosts:
        lines.append(_comment(f"from {host.origin}", "  "))
        lines.append(f"  - name: {_q(host.name)}")
        lines.append(f"    kind: {host.kind}")
        for key in ORDER:
            if key in host.settings:
                item = host.settings[key]
                lines.append(f"    {key}: {_q(item.value)}  {_comment(item.origin)}")
        if host.site:
            lines.append(f"    site: {_q(host.site)}")
        if host.tags:
            lines.append(f"    tags: [{', '.join(_q(tag) for tag in host.tags)}]")
        lines += [_comment(text, "    ") for text in host.comments]
    return "\n".join(lines) + "\n"


def checked(result: Result, name: str = "imported.yaml") -> str:
    """The rendered inventory, after the real loader accepted it (an importer bug must not reach a file)."""
    from fleetcheck.core.inventory import load_inventory

    if not result.hosts:
        first = f" ({len(result.left_out)} left out, first: {clean(result.left_out[0])})" \
            if result.left_out else ""
        raise FleetcheckError(f"{result.source}: no host could be imported{first}")
    text = render(result)
    with tempfile.TemporaryDirectory(prefix="fleetcheck-import-") as folder:
        path = Path(folder) / Path(name).name
        path.write_text(text, encoding="utf-8")
        empty = Path(folder) / "ssh_config"  # hosts without address: checked as DNS names
        empty.write_text("", encoding="utf-8")
        try:
            load_inventory([str(path)], ssh_config=empty)
        except FleetcheckError as exc:
            raise FleetcheckError(f"the imported inventory does not pass `fleetcheck inventory check` "
                                  f"(a fleetcheck bug, please report it): {exc}") from None
    return text
