"""`fleetcheck schedule --systemd|--cron INVENTORY [--at 02:15]`: a ready nightly scan.

Prints a systemd service + timer pair (or one crontab line) that runs
`fleetcheck scan --quiet` on the inventory with this installation's absolute
paths, so it works from a timer's empty environment. Nothing is installed:
the technician reads it and puts it in place (the comments say where).
The inventory is loaded first: a schedule for a broken inventory is refused.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
from pathlib import Path

from fleetcheck.core.errors import FleetcheckError

_AT = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def at(text: str) -> tuple[int, int]:
    m = _AT.match(text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"expected a time of day HH:MM (24 h), got {text!r}")
    return int(m.group(1)), int(m.group(2))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    how = parser.add_mutually_exclusive_group(required=True)
    how.add_argument("--systemd", action="store_true", help="print a service and timer unit")
    how.add_argument("--cron", action="store_true", help="print a crontab line")
    parser.add_argument("inventory", metavar="INVENTORY", help="inventory file or folder to scan")
    parser.add_argument("--at", type=at, default=(2, 15), metavar="HH:MM",
                        help="time of day, local time of the machine (default: 02:15)")
    parser.add_argument("--db", metavar="PATH|URL",
                        help="history database for the scheduled scans (a file, or postgresql://... without "
                             "a password: see docs/postgresql.md)")


def fleetcheck_command() -> list[str]:
    """This installation, absolute: the console script beside this Python, else `python -m fleetcheck`."""
    script = Path(sys.executable).parent / "fleetcheck"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [str(Path(sys.executable).absolute()), "-m", "fleetcheck"]


def unit_name(inventory: Path) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", inventory.stem.lower()).strip("-") or "inventory"
    return f"fleetcheck-scan-{stem[:40]}"


def scan_command(inventory: Path, db: str | None) -> list[str]:
    from fleetcheck.store.postgres.conninfo import check_url, is_postgres

    cmd = [*fleetcheck_command(), "scan", "--quiet", str(inventory)]
    if db and is_postgres(db):  # a URL stays as it is; one with a password is refused
        return [*cmd, "--db", check_url(db)]
    return cmd + (["--db", str(Path(db).expanduser().absolute())] if db else [])


def systemd_units(inventory: Path, hour: int, minute: int, db: str | None) -> dict[str, str]:
    name = unit_name(inventory)
    # systemd splits ExecStart= like a shell would, but "%" starts a specifier: double it
    exec_start = " ".join(_systemd_quote(a) for a in scan_command(inventory, db))
    home = os.environ.get("FLEETCHECK_HOME")
    env = f"Environment={_systemd_quote('FLEETCHECK_HOME=' + home)}\n" if home else ""
    service = (
        "[Unit]\n"
        f"Description=fleetcheck scan of {_one_line(inventory)}\n"
        "Wants=network-online.target\n"
        "After=network-online.target\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"{env}"
        f"ExecStart={exec_start}\n"
        "# exit 1-3 = WARN/CRIT/UNKNOWN (Nagios): the unit shows as failed, so\n"
        "# `systemctl --failed` and an OnFailure= handler see a scan that found problems\n"
        "Nice=10\n"
        "TimeoutStartSec=6h\n"
    )
    timer = (
        "[Unit]\n"
        f"Description=nightly fleetcheck scan of {_one_line(inventory)}\n"
        "\n"
        "[Timer]\n"
        f"OnCalendar=*-*-* {hour:02d}:{minute:02d}:00\n"
        "Persistent=true\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return {f"{name}.service": service, f"{name}.timer": timer}


def cron_line(inventory: Path, hour: int, minute: int, db: str | None) -> str:
    # cron runs the line with sh; "%" means newline to cron and must be escaped
    cmd = " ".join(shlex.quote(a) for a in scan_command(inventory, db)).replace("%", "\\%")
    home = os.environ.get("FLEETCHECK_HOME")
    prefix = f"FLEETCHECK_HOME={shlex.quote(home)} ".replace("%", "\\%") if home else ""
    return f"{minute} {hour} * * * {prefix}{cmd}"


def _systemd_quote(arg: str) -> str:
    arg = arg.replace("%", "%%")
    if re.fullmatch(r"[A-Za-z0-9_@%+=:,./-]+", arg):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _one_line(path: Path) -> str:
    return str(path).replace("\n", " ").replace("%", "%%")


def run(args: argparse.Namespace) -> int:
    from fleetcheck.core.inventory import load_inventory

    inventory = Path(args.inventory).expanduser().absolute()
    load_inventory([inventory])  # a broken inventory is refused here, with file:line
    if "\n" in str(inventory):
        raise FleetcheckError(f"{args.inventory!r}: a path with a line break cannot go into a unit")
    hour, minute = args.at
    if args.cron:
        print("# crontab line (crontab -e); the exit code is Nagios: non-zero when a host has problems")
        print(cron_line(inventory, hour, minute, args.db))
        return 0
    units = systemd_units(inventory, hour, minute, args.db)
    name = unit_name(inventory)
    print(f"# Put both files into /etc/systemd/system/ (or ~/.config/systemd/user/ and use --user), then:\n"
          f"#   systemctl daemon-reload && systemctl enable --now {name}.timer")
    for file_name, text in units.items():
        print(f"\n# ---- {file_name} ----")
        print(text, end="")
    return 0
