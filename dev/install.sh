#!/usr/bin/env bash
# Install fleetcheck into ./.venv (idempotent). Needs root or sudo only when
# Python's venv module is missing (Debian/Ubuntu: python3-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

apt_install() {  # install only what is missing, update the index only then
    local missing=()
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    apt_install python3-venv python3-pip
fi
# WeasyPrint (PDF reports) lays out text with Pango; a font so the PDF has glyphs at all
apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
.venv/bin/python -m pip install -q --disable-pip-version-check "${FLEETCHECK_PIP_TARGET:-.}" 2>&1 \
    | grep -v '^WARNING: Location' || true
echo "fleetcheck installed: $(.venv/bin/fleetcheck --version)" >&2
