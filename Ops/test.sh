#!/usr/bin/env bash
# Runs the whole test suite: installs system packages, builds, lints the deployment files against the built
# binaries, runs every test target.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Ops/setup.sh --tests
swift build --build-tests
bash Ops/lint-deploy.sh
swift test --skip-build
