#!/bin/sh
# Installs Debian's Chromium for the studio's browser tests (playwright-core drives it; no browser
# is downloaded from anywhere else). Does nothing when it is already there, so it is safe to rerun.
set -eu

chromium="${AGENTSTATE_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
  echo "chromium: $("$chromium" --version 2>/dev/null || echo "$chromium")"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: $chromium is missing and apt-get is not available; install Chromium and set AGENTSTATE_CHROMIUM to its path" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends chromium
echo "chromium: $("$chromium" --version 2>/dev/null || echo "$chromium")"
