#!/usr/bin/env bash
# Checks ChemAgent health: liveness, readiness and one real query.
# Usage: scripts/health_check.sh [--url http://host:port] [--dry-run]
set -euo pipefail
url="http://127.0.0.1:8000"
dry_run=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --url) url="$2"; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    -h|--help) sed -n '2,3p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
run() { if "$dry_run"; then echo "+ $*" >&2; else "$@"; fi; }
run curl -fsS --max-time 3 "$url/health" >/dev/null
run curl -fsS --max-time 3 "$url/ready" >/dev/null
if "$dry_run"; then
  echo "+ curl -fsS $url/api/query (smoke question)"
else
  body=$(curl -fsS --max-time 10 -H 'content-type: application/json' -d '{"query":"What is the molecular weight of aspirin?","options":{"cache":false}}' "$url/api/query")
  grep -q '"status":"success"' <<<"$body" || { echo "smoke query failed: $body" >&2; exit 1; }
fi
echo "healthy: $url"
