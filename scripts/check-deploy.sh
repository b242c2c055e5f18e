#!/usr/bin/env bash
# scripts/check-deploy.sh — checks the deployment artifacts: the Dockerfile
# (dockerfile-utils lint, pinned in package.json), and with the Go checker in
# deploy/check (its own module): the Helm chart (lint, render, strict
# Kubernetes schemas, values schema, required secrets), deploy/compose.yaml
# (compose-spec), the Dockerfile's facts, the systemd units (systemd-analyze
# when installed) and every imogate command line in them. One line per check;
# exits non-zero on any failure.
#
#   scripts/check-deploy.sh [path/to/imogate]     (default: the checker builds one)
#
# The first run compiles Helm and the Kubernetes libraries: about 5 minutes on
# two cores with a cold Go build cache; seconds after that.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
failed=0

echo "== Dockerfile lint (dockerfile-utils)"
command -v node >/dev/null || { echo "node is required (Debian: apt-get install -y nodejs npm)" >&2; exit 1; }
if [ ! -d node_modules/dockerfile-utils ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node scripts/lint-dockerfile.mjs Dockerfile || failed=1

echo "== deploy/check (Go): go vet, then the checks"
args=(-root "$ROOT")
if [ $# -gt 0 ]; then args+=(-imogate "$(realpath "$1")"); fi
(cd deploy/check && go vet ./... && go run . "${args[@]}") || failed=1

if [ "$failed" != 0 ]; then
  echo "deploy check FAILED" >&2
  exit 1
fi
echo "deploy check passed"
