#!/usr/bin/env bash
# scripts/test.sh — the one command that runs every imogate test on a fresh
# machine. It installs and starts what the tests need (Redis from Debian's
# redis-server package, the pinned npm packages), then runs gofmt/vet, the Go
# tests (race detector on the concurrent packages) and the Node
# cross-language tests.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$ROOT/bin:$PATH"
log() { printf '\n== %s\n' "$*"; }

need_root_install() {
  if [ "$(uname -s)" = Darwin ]; then
    # Homebrew's names: redis (redis-server), node (nodejs and npm).
    local pkgs; pkgs=$(printf '%s\n' "$@" | sed 's/^redis-server$/redis/; s/^nodejs$/node/; /^npm$/d')
    command -v brew >/dev/null || { echo "missing $*: install Homebrew (https://brew.sh), then 'brew install $pkgs'" >&2; exit 1; }
    log "installing $pkgs (Homebrew)"
    brew install --quiet $pkgs >/dev/null
  elif [ "$(id -u)" = 0 ]; then
    log "installing $*"
    (apt-get update -qq || true) >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "missing $*: run 'sudo apt-get install -y $*'" >&2
    exit 1
  fi
}

# --- Redis -------------------------------------------------------------------
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
# (macOS has no timeout(1) unless coreutils are installed.)
with_timeout() { if command -v timeout >/dev/null; then timeout "$@"; else shift; "$@"; fi; }
redis_ok() { with_timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2 && printf 'PING\r\n' >&3 && head -c5 <&3 | grep -q PONG" 2>/dev/null; }
hostport="${REDIS_URL#redis://}"; hostport="${hostport%%/*}"; rhost="${hostport%%:*}"; rport="${hostport##*:}"
if ! redis_ok "$rhost" "$rport"; then
  command -v redis-server >/dev/null || need_root_install redis-server
  mkdir -p "$ROOT/.tmp/redis"
  log "starting redis-server on 127.0.0.1:$rport"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$rport" --save "" --appendonly no \
    --dir "$ROOT/.tmp/redis" --logfile "$ROOT/.tmp/redis/redis.log" --pidfile "$ROOT/.tmp/redis/redis.pid"
  for _ in $(seq 50); do redis_ok 127.0.0.1 "$rport" && break; sleep 0.1; done
  redis_ok 127.0.0.1 "$rport" || { echo "redis-server did not start; see .tmp/redis/redis.log" >&2; exit 1; }
  export REDIS_URL="redis://127.0.0.1:$rport/0"
fi
command -v redis-server >/dev/null || need_root_install redis-server   # tests also start their own servers
log "redis at $REDIS_URL"

# --- Node packages (pinned by package-lock.json) -----------------------------
command -v node >/dev/null || need_root_install nodejs npm
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# --- Static checks -----------------------------------------------------------
log "gofmt + go vet"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*'))
if [ -n "$unformatted" ]; then echo "gofmt needed on:"; echo "$unformatted"; exit 1; fi
go vet ./...

# --- Every platform builds ----------------------------------------------------
# The binaries (and the tests' code) must compile on macOS and Windows too.
log "cross-compile cmd/... and vet for linux/arm64, darwin/arm64, darwin/amd64, windows/amd64"
for target in linux/arm64 darwin/arm64 darwin/amd64 windows/amd64; do
  GOOS=${target%/*} GOARCH=${target#*/} go build -o /dev/null ./cmd/...
  GOOS=${target%/*} GOARCH=${target#*/} go vet ./...
done

# --- Go tests ----------------------------------------------------------------
# Where the CPU has AVX-512, its 8-way Keccak (settlement/merkle/internal/
# keccakx8) must run and be tested, not skipped.
if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then export IMOGATE_REQUIRE_AVX512=1; fi
log "build imogate"
go build -o bin/imogate ./cmd/imogate
# --- Deployment artifacts ------------------------------------------------------
# The Dockerfile lint (dockerfile-utils), then deploy/check (its own Go module):
# the Helm chart (lint, render, strict Kubernetes schemas, values schema,
# required secrets), deploy/compose.yaml (compose-go), the Dockerfile's facts,
# the systemd units (systemd-analyze verify and security) and every imogate
# command line in them. No Docker engine runs here: the image is not built.
# A cold Go cache compiles Helm and the Kubernetes libraries first: 4-5 minutes.
command -v systemd-analyze >/dev/null || need_root_install systemd
log "deployment artifacts: scripts/check-deploy.sh"
scripts/check-deploy.sh bin/imogate

# geth --dev for the end-to-end test, built from the go-ethereum module pinned in go.mod.
if [ ! -x bin/geth ] || [ go.sum -nt bin/geth ]; then
  log "build geth (from the go-ethereum module in go.mod; about 2 minutes cold)"
  go build -o bin/geth github.com/ethereum/go-ethereum/cmd/geth
fi
export GETH_BIN="$ROOT/bin/geth"
log "go test ./..."
go test -count=1 -timeout 20m ./...
log "go test -race (concurrent packages)"
go test -count=1 -race -timeout 20m ./metering/... ./gateway/... ./inference/... ./settlement/batcher/... ./settlement/archive/... \
  ./settlement/merkle/...
go test -count=1 -race -run 'LogWriter|RunGroup' ./cmd/imogate/   # the buffered log writer; the rest of cmd/imogate runs processes

# --- The Redis-backed tests again, on a Redis Cluster ------------------------
# Every package that talks to Redis runs a second time with REDIS_MODE=cluster:
# internal/testredis then gives each test binary a three-master Redis Cluster
# (started on loopback) instead of the single server, and `imogate serve`
# processes get `redis: {mode: cluster, addrs: [...]}`.
log "go test (Redis-backed packages) on a Redis Cluster"
REDIS_MODE=cluster go test -count=1 -timeout 20m ./redisstore/... ./gateway/... ./settlement/batcher/... ./cmd/imogate/...

# --- A short chaos run -----------------------------------------------------------
# Three gateways, two settlers and a geth --dev chain on a 3+3 Redis Cluster
# (replicas:1): SIGKILLs of a gateway, the active settler and a loaded Redis
# primary (its AOF cut back one second: a host crash), then every wei is
# reconciled (RELIABILITY.md has the long runs). About a minute. A failed
# run keeps its directory; its logs' tails are printed here.
log "chaos: 6 kill cycles on a Redis Cluster with durability replicas:1"
go build -o bin/imogate-chaos ./cmd/imogate-chaos && mkdir -p .tmp
if ! bin/imogate-chaos -topology cluster -durability replicas:1 -cycles 6 -geth bin/geth -imogate bin/imogate | tee .tmp/chaos.log; then
  dir=$(sed -n 's/.*run directory: \(\S*\).*/\1/p' .tmp/chaos.log | head -1)
  [ -n "$dir" ] && for f in "$dir"/*.log; do echo "--- $f"; tail -40 "$f"; done
  exit 1
fi

# --- Node cross-language tests -----------------------------------------------
# The dashboard test drives Debian's chromium headless (playwright-core).
export CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
[ -x "$CHROMIUM_BIN" ] || need_root_install chromium
log "node --test jstest/"
IMOGATE_BIN="$ROOT/bin/imogate" node --test --test-reporter=spec jstest/
log "all tests passed"
