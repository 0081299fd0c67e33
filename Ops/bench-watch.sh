#!/usr/bin/env bash
# What watching a big distributed run costs: a synthetic shop of USERS users (default 1,000,000), a redis-server
# (AOF on), two gplr-workers with --metrics-port, `gplr serve`, and `gplr run --redis` (labels file, batches of
# 1,000 users). While the run goes, the dashboard API and both /metrics endpoints are requested every 2 s; at the
# end the latencies (curl's time_total) are summed up as median / p90 / max, and the coordinator's wall time
# and peak RSS (/usr/bin/time -v) are printed. Figures: docs/benchmarks.md.
#
#   Ops/bench-watch.sh [USERS]         (GPLR_BIN_DIR=dir: use the binaries there instead of a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-1000000}

bash Ops/setup.sh
if [ -n "${GPLR_BIN_DIR:-}" ]; then
    bin=$(cd "$GPLR_BIN_DIR" && pwd)
else
    swift build -c release >/dev/null
    bin=$PWD/.build/release
fi
work=$(mktemp -d -t gplr-bench-watch.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

"$bin/gplr" generate --users "$users" --items $((users / 10)) --out "$work/data" >/dev/null 2>&1
"$bin/gplr" ingest --format generic "$work/data" --out "$work/graph.gplrsnap" >/dev/null 2>&1

port=$(free_port)
url="redis://127.0.0.1:$port"
mkdir -p "$work/redis"
redis-server --port "$port" --bind 127.0.0.1 --dir "$work/redis" --appendonly yes --auto-aof-rewrite-min-size 1gb --save "" --daemonize no \
    >"$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done

serve_port=$(free_port) metrics1=$(free_port) metrics2=$(free_port)
for i in 1 2; do
    metrics_var="metrics$i"
    "$bin/gplr-worker" --redis "$url" --cache-dir "$work/cache-$i" --id "w$i" --metrics-host 127.0.0.1 \
        --metrics-port "${!metrics_var}" >"$work/worker-$i.log" 2>&1 &
    pids+=($!)
done
"$bin/gplr" serve --redis "$url" --port "$serve_port" >"$work/serve.log" 2>&1 &
pids+=($!)
sleep 1

/usr/bin/time -v "$bin/gplr" run --redis "$url" --run-id big --snapshot "$work/graph.gplrsnap" \
    --personas "$work/data/personas.json" --labels "$work/data/truth.jsonl" --noise-drop 0.2 --noise-add 0.1 \
    --label-batch-size 1000 --out "$work/out" >"$work/run.out" 2>"$work/run.err" &
run=$!
while kill -0 "$run" 2>/dev/null; do
    for path in "$serve_port/api/runs" "$serve_port/api/runs/big" "$serve_port/metrics" "$metrics1/metrics"; do
        printf '%s\t%s\n' "${path#*/}@${path%%/*}" \
            "$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$path")" >>"$work/poll.tsv"
    done
    sleep 2
done
wait "$run"

python3 - "$work/poll.tsv" "$serve_port" <<'PY'
import collections, statistics, sys
samples = collections.defaultdict(list)
for line in open(sys.argv[1]):
    path, seconds = line.rstrip("\n").split("\t")
    samples[path].append(float(seconds) * 1000)
for path, values in samples.items():
    values.sort()
    where, port = path.split("@")
    name = where + (" (serve)" if port == sys.argv[2] else " (worker)")
    print(f"{name:22s} n={len(values):3d}  median {statistics.median(values):7.1f} ms  "
          f"p90 {values[int(len(values) * 0.9)]:7.1f} ms  max {values[-1]:7.1f} ms")
PY
grep -E "Elapsed|Maximum resident" "$work/run.err"
echo "bench-watch: files in $work"
