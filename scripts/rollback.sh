#!/usr/bin/env bash
# Rolls ChemAgent back to the previous release.
# Usage: scripts/rollback.sh compose --tag PREVIOUS_TAG [--dry-run] | scripts/rollback.sh k8s [--env ENV] [--dry-run]
set -euo pipefail
target="${1:-}"; shift || true
tag=""; env="prod"; dry_run=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tag) tag="$2"; shift 2 ;;
    --env) env="$2"; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
run() { if "$dry_run"; then echo "+ $*" >&2; else "$@"; fi; }
here="$(cd "$(dirname "$0")" && pwd)"
case "$target" in
  compose)
    [[ -n "$tag" ]] || { echo "compose rollback needs --tag PREVIOUS_TAG" >&2; exit 2; }
    if "$dry_run"; then run "$here/deploy.sh" compose --tag "$tag" --dry-run; else "$here/deploy.sh" compose --tag "$tag"; fi
    ;;
  k8s)
    run kubectl -n "chemagent-$env" rollout undo deployment/chemagent
    run kubectl -n "chemagent-$env" rollout status deployment/chemagent --timeout=300s
    ;;
  *) echo "usage: $0 compose|k8s [--tag TAG] [--env ENV] [--dry-run]" >&2; exit 2 ;;
esac
