#!/usr/bin/env bash
# Install everything the tests need (system packages too, idempotent) and run
# the whole suite: lint, type check, tests. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Real peers the tests start on loopback: OpenSSH sshd, CUPS ippeveprinter;
# tmux and rsvg-convert to look at the TUI; the system python3 runs the test fleet's
# powershell.exe stand-in inside sshd sessions (the venv is not on their PATH);
# Pango and a font for WeasyPrint (PDF reports), poppler-utils (pdftotext, pdftoppm) to read them back;
# prometheus for promtool (checks the --format prometheus output); postgresql for a real server
# (initdb/pg_ctl in /usr/lib/postgresql/*/bin, tests/pgserver.py) and libpq5, which psycopg loads.
PKGS=(busybox prometheus openssh-server openssh-client cups-ipp-utils cups cups-client dbus-daemon tmux librsvg2-bin iproute2 procps
      postgresql libpq5 python3 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

FLEETCHECK_PIP_TARGET=".[test]" ./dev/install.sh
# editable, so tests and coverage see the working tree
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]" 2>&1 | grep -v '^WARNING: Location' || true

.venv/bin/ruff check src tests bench
.venv/bin/mypy
.venv/bin/python -m pytest -q "$@"
