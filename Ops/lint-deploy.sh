#!/usr/bin/env bash
# Checks the deployment files in Ops/ (systemd, Docker, Compose, Kubernetes + KEDA) offline, on a Debian 12
# machine with no Docker engine and no cluster:
#   - every .yml/.yaml parses; structure and cross-references; stream keys, consumer group and worker defaults
#     against Sources/; build and runtime packages against Package.swift and the binaries (Ops/lint-deploy.py)
#   - every flag given to gplr / gplr-worker exists in the built binaries' --help (when $GPLR_BIN_DIR, default
#     .build/debug, holds them: run after `swift build`)
#   - the three Redis configurations start a real redis-server with AOF on (rewritten past 1 GB) and noeviction
#   - `systemd-analyze verify` on the units, `kubectl kustomize` on Ops/k8s, `docker compose config`: each only
#     when the tool is installed (a message says what was skipped)
# Usage: bash Ops/lint-deploy.sh            Exit status 1 when anything is wrong.
set -euo pipefail
cd "$(dirname "$0")/.."

bin_dir=${GPLR_BIN_DIR:-.build/debug}
if [ -d "$bin_dir" ]; then bin_dir=$(cd "$bin_dir" && pwd); fi
tmp=$(mktemp -d -t gplr-lint-deploy.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
failed=0
say() { echo "lint-deploy: $*"; }
fail() {
    echo "lint-deploy: PROBLEM $*" >&2
    failed=1
}

# python3 with PyYAML. On Debian 12 that is the python3-yaml package (pip refuses the system Python there).
python=""
for candidate in python3 /usr/bin/python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import yaml' 2>/dev/null; then
        python=$candidate
        break
    fi
done
if [ -z "$python" ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    say "installing python3-yaml"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3 python3-yaml \
        >/dev/null
    python=/usr/bin/python3
fi

# Kustomize rendering (kubectl has kustomize built in).
rendered=()
if command -v kubectl >/dev/null; then
    if kubectl kustomize Ops/k8s >"$tmp/k8s.yaml" 2>"$tmp/kustomize.err"; then
        rendered=("$tmp/k8s.yaml")
        say "kubectl kustomize Ops/k8s: ok"
    else
        fail "kubectl kustomize Ops/k8s: $(cat "$tmp/kustomize.err")"
    fi
elif command -v kustomize >/dev/null; then
    if kustomize build Ops/k8s >"$tmp/k8s.yaml" 2>"$tmp/kustomize.err"; then
        rendered=("$tmp/k8s.yaml")
        say "kustomize build Ops/k8s: ok"
    else
        fail "kustomize build Ops/k8s: $(cat "$tmp/kustomize.err")"
    fi
else
    say "skip: kubectl/kustomize not installed, Ops/k8s not rendered"
fi

"$python" Ops/lint-deploy.py "$PWD" "$bin_dir" "${rendered[@]}" || failed=1

# systemd units: systemd-analyze verify needs the ExecStart binaries to exist, so it checks copies pointing at
# the built binaries (or stubs).
if command -v systemd-analyze >/dev/null; then
    mkdir -p "$tmp/units" "$tmp/bin"
    for binary in gplr gplr-worker; do
        if [ -x "$bin_dir/$binary" ]; then
            ln -s "$bin_dir/$binary" "$tmp/bin/$binary"
        else
            printf '#!/bin/sh\n' >"$tmp/bin/$binary"
            chmod +x "$tmp/bin/$binary"
        fi
    done
    units=()
    for unit in Ops/systemd/*.service; do
        sed "s#/usr/local/bin/#$tmp/bin/#g" "$unit" >"$tmp/units/$(basename "$unit")"
        name=$(basename "$unit")
        units+=("./${name/@.service/@9101.service}")   # a template is verified through an instance
    done
    if output=$(cd "$tmp/units" && systemd-analyze verify --man=no "${units[@]}" 2>&1) && [ -z "$output" ]; then
        say "systemd-analyze verify: ok (${units[*]})"
    else
        fail "systemd-analyze verify: ${output:-failed}"
    fi
else
    say "skip: systemd-analyze not installed (package systemd), units not verified"
fi

# Redis configurations: each must start a real redis-server and end up with AOF and noeviction.
check_redis() {
    local name=$1
    shift
    local dir="$tmp/redis-$name"
    mkdir -p "$dir"
    redis-server "$@" --port 0 --unixsocket "$dir/redis.sock" --dir "$dir" --daemonize no \
        --logfile "$dir/redis.log" >"$dir/stderr" 2>&1 &
    local pid=$!
    pids+=("$pid")
    local up=""
    for _ in $(seq 100); do
        if redis-cli -s "$dir/redis.sock" ping >/dev/null 2>&1; then
            up=yes
            break
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$up" ]; then
        fail "redis ($name) did not start: $(cat "$dir/stderr" "$dir/redis.log" 2>/dev/null || true)"
        return
    fi
    local setting want got
    for setting in "appendonly yes" "appendfsync everysec" "maxmemory-policy noeviction" \
        "auto-aof-rewrite-min-size 1073741824"; do
        want=${setting#* }
        got=$(redis-cli -s "$dir/redis.sock" config get "${setting%% *}" | tail -1)
        if [ "$got" != "$want" ]; then fail "redis ($name): ${setting%% *} is '$got', expected '$want'"; fi
    done
    redis-cli -s "$dir/redis.sock" shutdown nosave >/dev/null 2>&1 || true
    wait "$pid" 2>/dev/null || true
    say "redis ($name): starts with appendonly yes, appendfsync everysec, noeviction, AOF rewrites past 1 GB"
}
if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
    check_redis systemd Ops/systemd/redis-gplr.conf
    if "$python" - "$tmp/k8s-redis.conf" "$tmp/compose-redis.args" 2>/dev/null <<'PY'
import sys, yaml
conf = next(d for d in yaml.safe_load_all(open("Ops/k8s/redis.yaml")) if d and d.get("kind") == "ConfigMap")
# `dir /data` exists only in the container; check_redis gives its own --dir.
open(sys.argv[1], "w").write("".join(l for l in conf["data"]["redis.conf"].splitlines(True)
                                     if not l.startswith("dir ")))
command = yaml.safe_load(open("Ops/docker-compose.yml"))["services"]["redis"]["command"]
open(sys.argv[2], "w").write("\n".join(command[1:]) + "\n")
PY
    then
        check_redis k8s "$tmp/k8s-redis.conf"
        mapfile -t compose_args <"$tmp/compose-redis.args"
        check_redis compose "${compose_args[@]}"
    else
        fail "cannot read the Redis configuration of Ops/k8s/redis.yaml or Ops/docker-compose.yml"
    fi
else
    say "skip: redis-server not installed, Redis configurations not started"
fi

if docker compose version >/dev/null 2>&1; then
    if docker compose -f Ops/docker-compose.yml config -q; then
        say "docker compose config: ok"
    else
        fail "docker compose -f Ops/docker-compose.yml config -q failed"
    fi
else
    say "skip: no docker compose plugin, Ops/docker-compose.yml not checked by compose itself"
fi

if [ "$failed" -ne 0 ]; then
    say "FAILED"
    exit 1
fi
say "ok"
