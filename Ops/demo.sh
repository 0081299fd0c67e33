#!/usr/bin/env bash
# The whole distributed system on this machine in one command: a redis-server, a simulated LLM, N gplr-worker
# processes and a GPLR run over a synthetic dataset with planted personas (see `gplr demo --help`).
#
#   Ops/demo.sh [--users 20000] [--personas 20] [--workers 2] [--budget 10%] [--dir DIR] [--redis URL] [--keep]
#
# Ctrl-C stops everything the demo started.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Ops/setup.sh
swift build -c release
exec .build/release/gplr demo "$@"
