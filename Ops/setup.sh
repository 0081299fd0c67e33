#!/usr/bin/env bash
# Installs the system packages gplr builds and runs against; with --tests also what the test suite needs.
# Idempotent; safe to run on every CI job.
# Needs root (or sudo) on Debian 12 / Ubuntu, and a Swift 6 toolchain on PATH.
set -euo pipefail

packages=(pkg-config libhiredis-dev libcurl4-openssl-dev libzstd-dev redis-server)
# --tests: chromium, in which the dashboard's browser test renders the page headless
# (GPLR_SKIP_BROWSER_TESTS=1 skips that test). Without --tests (Ops/demo.sh) chromium is neither installed nor
# required.
tests=false
if [ "${1:-}" = "--tests" ]; then
    tests=true
    packages+=(chromium)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    echo "setup: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The test harness starts its own redis-server on a free loopback port; make sure the distro's
# service (if the package started one) does not matter: we never talk to port 6379.
command -v swift >/dev/null || { echo "setup: the Swift toolchain (swift) is not on PATH" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "setup: redis-server missing after install" >&2; exit 1; }
if $tests; then
    command -v chromium >/dev/null || { echo "setup: chromium missing after install" >&2; exit 1; }
fi
echo "setup: ok ($(swift --version 2>/dev/null | head -1); $(redis-server --version | cut -d' ' -f3))"
