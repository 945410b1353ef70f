#!/usr/bin/env bash
# Deploys ChemAgent with a rolling strategy.
# Usage: scripts/deploy.sh compose|k8s [--tag TAG] [--env dev|staging|prod] [--dry-run]
#   compose: replaces api1, api2, api3 one at a time, waiting for each to be healthy (zero downtime behind nginx).
#   k8s:     kustomize overlay + image tag, then waits for the rollout (maxUnavailable 0, maxSurge 1).
set -euo pipefail
target="${1:-}"; shift || true
tag="latest"
# shellcheck source=scripts/_args.sh
source "$(dirname "$0")/_args.sh"
here="$(cd "$(dirname "$0")/.." && pwd)"
image="ghcr.io/chemagent/chemagent:${tag}"
case "$target" in
  compose)
    export CHEMAGENT_IMAGE="$image"
    run docker compose -f "$here/deploy/compose.prod.yml" pull api1 api2 api3
    for svc in api1 api2 api3; do
      run docker compose -f "$here/deploy/compose.prod.yml" up -d --no-deps "$svc"
      run docker compose -f "$here/deploy/compose.prod.yml" exec -T "$svc" deno eval "const r = await fetch('http://127.0.0.1:8000/ready'); Deno.exit(r.ok ? 0 : 1)"
    done
    ;;
  k8s)
    overlay="$here/deploy/k8s/overlays/$env"
    [[ -d "$overlay" ]] || { echo "no overlay $env" >&2; exit 2; }
    if "$dry_run"; then
      echo "+ kubectl kustomize $overlay | (set image $image) | kubectl apply -f -"
      kubectl kustomize "$overlay" >/dev/null
    else
      kubectl kustomize "$overlay" | sed "s#ghcr.io/chemagent/chemagent:${env}#${image}#" | kubectl apply -f -
    fi
    run kubectl -n "chemagent-$env" rollout status deployment/chemagent --timeout=300s
    ;;
  *) echo "usage: $0 compose|k8s [--tag TAG] [--env ENV] [--dry-run]" >&2; exit 2 ;;
esac
echo "deployed $image ($target${target:+, }$env)"
