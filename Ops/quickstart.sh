#!/usr/bin/env bash
# The main job on an embedded default: generate a synthetic dataset with planted personas and run GPLR on it
# in one process, printing the persona summary and its accuracy against the planted truth.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Ops/setup.sh
swift build -c release --product gplr
exec .build/release/gplr quickstart "$@"
