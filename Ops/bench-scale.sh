#!/usr/bin/env bash
# The scale benchmark of docs/benchmarks.md ("Ten million users"): generate, ingest and a distributed run with the
# labels-file labeler, each phase timed with its peak memory, then the checks that matter at scale (lease lost, jobs
# completed vs enqueued, bytes into Redis, AOF rewrites).
#
#   Ops/bench-scale.sh [USERS] [WORKERS] [BIN_DIR]      e.g. Ops/bench-scale.sh 10000000 1
#
# USERS defaults to 1,000,000 (items USERS/10, label batches of USERS/1000), WORKERS to 2, BIN_DIR to
# .build/release (build it first: `swift build -c release`). Needs /usr/bin/time, redis-server and redis-cli.
# The coordinator holds the graph (~6.5 GB at 10M users); a worker running labels-file label jobs holds only the
# snapshot's user ids and the labels (~1.8 GB at 10M; it held the graph, ~6.9 GB, before the 16th session).
# GPLR_RUN_ARGS adds options to the run (e.g. GPLR_RUN_ARGS="--solver exact" to keep the solver fixed across builds).
set -euo pipefail
cd "$(dirname "$0")/.."

users=${1:-1000000}
workers=${2:-2}
bin=${3:-.build/release}
batch=$((users / 1000 > 100 ? users / 1000 : 100))

work=$(mktemp -d -t gplr-scale.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="redis://127.0.0.1:$port"
worker_pids=()
cleanup() {
    for pid in "${worker_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
}
trap cleanup EXIT
timed() { # timed NAME COMMAND…: runs it under /usr/bin/time; seconds and peak KB in $work/NAME.time
    local name=$1
    shift
    /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@"
}

timed generate "$bin/gplr" generate --users "$users" --items $((users / 10)) --out "$work/data" >/dev/null 2>&1
timed ingest "$bin/gplr" ingest --format generic "$work/data" --out "$work/graph.gplrsnap" >/dev/null 2>&1

redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --appendonly yes --auto-aof-rewrite-min-size 1gb \
    --save "" --daemonize yes --logfile "$work/redis.log"
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
for i in $(seq "$workers"); do
    /usr/bin/time -f "%e %M" -o "$work/worker-$i.time" \
        "$bin/gplr-worker" --redis "$url" --cache-dir "$work/cache-$i" --id "scale-$i" >"$work/worker-$i.log" 2>&1 &
    sleep 0.2
    worker_pids+=("$(pgrep -n -f -- "--id scale-$i")")
done
timed run "$bin/gplr" run --redis "$url" --snapshot "$work/graph.gplrsnap" --personas "$work/data/personas.json" \
    --labels "$work/data/truth.jsonl" --noise-drop 0.2 --noise-add 0.1 --label-batch-size "$batch" \
    --out "$work/out" ${GPLR_RUN_ARGS:-} >"$work/run.out" 2>"$work/run.log"

bytes=$(redis-cli -p "$port" info stats | tr -d '\r' | sed -n 's/^total_net_input_bytes://p')
peak=$(redis-cli -p "$port" info memory | tr -d '\r' | sed -n 's/^used_memory_peak_human://p')
rewrites=$(redis-cli -p "$port" info persistence | tr -d '\r' | sed -n 's/^aof_rewrites://p')
cleanup
worker_pids=()

row() { awk -v name="$1" '{ printf "| %s | %s s | %.2f GB |\n", name, $1, $2 / 1048576 }' "$work/$1.time"; }
echo "| phase ($users users, $workers workers) | wall | peak RSS |"
echo "|---|---|---|"
row generate
row ingest
row run
for i in $(seq "$workers"); do row "worker-$i"; done
echo "| redis-server | | $peak (used_memory_peak) |"
enqueued=$(grep -o 'enqueued [0-9]* label jobs' "$work/run.log" | awk '{s += $2} END {print s + 0}')
completed=$(cat "$work"/worker-*.log | grep -c 'job completed' || true)
lost=$(cat "$work"/worker-*.log | grep -c 'lease lost' || true)
echo
echo "report: $(grep 'time: total' "$work/run.out" | sed 's/^ *//')"
echo "label jobs enqueued $enqueued, jobs completed $completed, leases lost $lost; $bytes bytes into Redis, $rewrites AOF rewrites"
echo "files in $work"
