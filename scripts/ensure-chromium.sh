#!/usr/bin/env bash
# The browser tests (test/browser) drive Debian's Chromium with playwright-core, which cannot
# download a browser here. Run before `npm test` (and by .ci/run): installs Debian's package with
# apt-get when no Chromium is found, so that `npm test` passes on a fresh machine after `npm ci`.
set -euo pipefail

for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/lib/chromium/chromium; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then exit 0; fi
done

echo "chromium is missing: installing Debian's package for the browser tests (apt-get)" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo -n"; fi
apt_log="$(mktemp)"
if ! { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } >"$apt_log" 2>&1; then
  tail -n 20 "$apt_log" >&2
  echo "chromium could not be installed with apt-get, and the browser tests (test/browser) need it: install Debian's 'chromium' package as root, or set CHROMIUM_PATH to a Chromium executable." >&2
  exit 1
fi
rm -f "$apt_log"
command -v chromium >/dev/null 2>&1 || { echo "apt-get installed chromium but no 'chromium' command is on PATH" >&2; exit 1; }
