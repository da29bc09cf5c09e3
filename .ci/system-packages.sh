#!/usr/bin/env bash
# Installs the Debian packages the tests need, when they are missing:
#   chromium    for the browser tests (Playwright drives Debian's Chromium; no browser download)
#   postgresql  for the second CI pass against a real PostgreSQL server
# Usage: .ci/system-packages.sh chromium [postgresql]
set -euo pipefail

declare -A BINARY=([chromium]=/usr/bin/chromium [postgresql]=/usr/lib/postgresql)
missing=()
for package in "$@"; do
  [ -e "${BINARY[$package]:?unknown package $package}" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "error: ${missing[*]} missing and not root: install with 'apt-get install ${missing[*]}'" >&2
    exit 1
  fi
else SUDO=""; fi

echo "Installing ${missing[*]} with apt-get ..."
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
