#!/usr/bin/env bash
# Runs the whole test suite: installs system packages, builds, runs every test target.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Ops/setup.sh
swift build --build-tests
swift test --skip-build
