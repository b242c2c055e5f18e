#!/usr/bin/env bash
# scripts/dev.sh — the zero-setup demo on a fresh Debian/Ubuntu machine or a
# Mac that has Go: installs redis-server if it is missing (apt-get as root or
# with sudo; Homebrew on macOS; or says the exact command), then builds and
# runs `imogate dev` (Redis, an in-process chain with the contracts, the
# gateway with the demo model, the batcher).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v go >/dev/null || { echo "Go is required: https://go.dev/doc/install" >&2; exit 1; }
if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null; then
  if [ "$(uname -s)" = Darwin ]; then
    command -v brew >/dev/null || { echo "redis-server is missing: install Homebrew (https://brew.sh) and run 'brew install redis', or set REDIS_URL" >&2; exit 1; }
    echo "installing redis (Homebrew)…" >&2
    brew install --quiet redis >/dev/null
  elif [ "$(id -u)" = 0 ]; then
    echo "installing redis-server (Debian package)…" >&2
    apt-get update -qq >/dev/null || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  elif command -v sudo >/dev/null; then
    echo "installing redis-server with sudo (Debian package)…" >&2
    sudo apt-get update -qq >/dev/null || true
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "redis-server is missing: run 'apt-get install -y redis-server' as root, or set REDIS_URL" >&2
    exit 1
  fi
fi
mkdir -p bin
go build -o bin/imogate ./cmd/imogate
exec bin/imogate dev "$@"
