#!/usr/bin/env bash
# 10,000 concurrent WebSocket connections on one instance (loopback only, bounded in time).
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true  # as high as this machine allows
WS_CONNECTIONS=${WS_CONNECTIONS:-10000} WS_QPS=${WS_QPS:-1000} BENCH_SECONDS=${BENCH_SECONDS:-10} \
  npx -y deno@2.9.6 run -A bench/ws.ts
