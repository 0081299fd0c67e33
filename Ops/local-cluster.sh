#!/usr/bin/env bash
# A whole distributed GPLR run on one machine: a redis-server (AOF on) in a temp dir, N gplr-worker daemons,
# a synthetic dataset with planted personas, and `gplr run --redis` as the coordinator.
#
#   Ops/local-cluster.sh [WORKERS] [USERS]        e.g. Ops/local-cluster.sh 2 100000
#
# Everything it starts is stopped on exit (Ctrl-C included). Watch it from another terminal with
# `gplr status --watch --redis redis://127.0.0.1:$PORT` (the port is printed).
set -euo pipefail
cd "$(dirname "$0")/.."

workers=${1:-2}
users=${2:-50000}

bash Ops/setup.sh
swift build -c release >/dev/null
bin=.build/release

work=$(mktemp -d -t gplr-cluster.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="redis://127.0.0.1:$port"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    echo "local-cluster: stopped; files kept in $work"
}
trap cleanup EXIT

redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --appendonly yes --auto-aof-rewrite-min-size 1gb --save "" --daemonize no \
    >"$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
echo "local-cluster: redis at $url (dir $work)"

for i in $(seq "$workers"); do
    "$bin/gplr-worker" --redis "$url" --cache-dir "$work/cache-$i" --id "local-$i" >"$work/worker-$i.log" 2>&1 &
    pids+=($!)
done
echo "local-cluster: $workers workers started (logs in $work/worker-*.log)"

"$bin/gplr" generate --out "$work/data" --users "$users" --items $((users / 2 + 1000))
"$bin/gplr" ingest --format generic "$work/data" --out "$work/graph.gplrsnap"
"$bin/gplr" run --redis "$url" --snapshot "$work/graph.gplrsnap" --personas "$work/data/personas.json" \
    --labels "$work/data/truth.jsonl" --noise-drop 0.2 --noise-add 0.1 --out "$work/results"
"$bin/gplr" eval --predicted "$work/results/phi.jsonl" --truth "$work/data/truth.jsonl" \
    --personas "$work/data/personas.json" --exclude "$work/results/prototypes.jsonl"
