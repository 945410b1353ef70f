#!/usr/bin/env bash
# Rolls ChemAgent back to the previous release.
# Usage: scripts/rollback.sh compose --tag PREVIOUS_TAG [--dry-run] | scripts/rollback.sh k8s [--env ENV] [--dry-run]
set -euo pipefail
target="${1:-}"; shift || true
tag=""
# shellcheck source=scripts/_args.sh
source "$(dirname "$0")/_args.sh"
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
