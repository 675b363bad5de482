#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed at /usr/bin/chromium for the dashboard's end-to-end
# tests (Playwright drives it through playwright-core; no browser download from a CDN).
# Installs it from the distribution's packages when it is missing (needs root or sudo).
# A Chinese font (WenQuanYi Micro Hei) comes with it, so the screenshots show Chinese text.
set -euo pipefail
CHROMIUM="${AISLE_CHROMIUM:-/usr/bin/chromium}"
has_cjk_font() {
  command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ]
}
if [ -x "$CHROMIUM" ] && has_cjk_font; then
  exit 0
fi
echo "Installing Debian's chromium and a Chinese font for the dashboard tests …" >&2
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
elif [ -x "$CHROMIUM" ]; then
  echo "No Chinese font and no root to install fonts-wqy-microhei: Chinese text may show as boxes" >&2
  exit 0
else
  echo "Cannot install chromium: not root and no sudo. Run: apt-get update && apt-get install -y chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y chromium
# The font is for legible screenshots only: the tests do not depend on it.
$SUDO apt-get install -y fonts-wqy-microhei || echo "fonts-wqy-microhei not installed: Chinese text may show as boxes" >&2
if [ ! -x "$CHROMIUM" ]; then
  echo "chromium was installed but $CHROMIUM is still missing" >&2
  exit 1
fi
