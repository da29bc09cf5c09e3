#!/usr/bin/env bash
# Installs the Debian packages the tests need, when they are missing:
#   chromium    for the browser tests (Playwright drives Debian's Chromium; no browser download),
#               with a Chinese font so that screenshots show the text
#   postgresql  for the second CI pass against a real PostgreSQL server
#   fonts-wqy-zenhei  the CJK font embedded in PDF downloads (documents/opendata/pdf.py)
# Usage: .ci/system-packages.sh chromium [postgresql]
set -euo pipefail

# A file each package installs, to tell whether it is there.
declare -A MARKER=(
  [chromium]=/usr/bin/chromium
  [fonts-noto-cjk]=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
  [fonts-wqy-zenhei]=/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
  [postgresql]=/usr/lib/postgresql
)
declare -A COMPANIONS=([chromium]=fonts-noto-cjk)
missing=()
for requested in "$@"; do
  for package in $requested ${COMPANIONS[$requested]:-}; do
    [ -e "${MARKER[$package]:?unknown package $package}" ] || missing+=("$package")
  done
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
