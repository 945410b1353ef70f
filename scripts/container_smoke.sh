#!/usr/bin/env bash
# Builds the ChemAgent image for real with podman and runs it the way production does (read-only root,
# non-root user, state on a volume, all capabilities dropped), then checks health, readiness, a query,
# the image HEALTHCHECK and a graceful SIGTERM stop. Prints timings.
# Usage: scripts/container_smoke.sh [--base IMAGE] [--port N] [--no-cache] [--dry-run]
#   --base   base image (default: denoland/deno:2.9.6; when no registry answers, a local stand-in is built
#            with deploy/base/build-local-base.sh and used instead)
# Environment: PODMAN_OPTS (global podman flags, e.g. "--runtime runc" where crun cannot drive the host's
# cgroups), RUN_OPTS (extra run/build flags, e.g. ulimits the sandbox allows).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
base="denoland/deno:2.9.6"; port=18000; no_cache=""; dry_run=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --base) base="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --no-cache) no_cache="--no-cache"; shift ;;
    --dry-run) dry_run=true; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
run() { if "$dry_run"; then echo "+ $*" >&2; else "$@"; fi; }
read -ra popts <<<"${PODMAN_OPTS:-}"
read -ra ropts <<<"${RUN_OPTS:-}"
pod() { podman "${popts[@]}" "$@"; }
pm() { run pod "$@"; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
image="localhost/chemagent:smoke"; name="chemagent-smoke-$$"; volume="chemagent-smoke-$$"
cleanup() { pm rm -f "$name" >/dev/null 2>&1 || true; pm volume rm -f "$volume" >/dev/null 2>&1 || true; }
trap cleanup EXIT

if ! "$dry_run" && ! pod image exists "$base" && ! timeout 60 podman pull -q "$base" >/dev/null 2>&1; then
  base="localhost/deno-base:2.9.6"
  if ! podman image exists "$base"; then
    echo "registry unreachable: building the local Deno base image $base" >&2
    t=$(date +%s%N); bash "$here/deploy/base/build-local-base.sh"; echo "base image: $(ms "$t") ms" >&2
  fi
fi

secret=()
[[ -n "${SSL_CERT_FILE:-}" && -f "${SSL_CERT_FILE:-}" ]] && secret=(--secret "id=extra_ca,src=$SSL_CERT_FILE")
t=$(date +%s%N)
pm build ${no_cache:+"$no_cache"} --format docker --network=host "${ropts[@]}" "${secret[@]}" \
  --build-arg "DENO_IMAGE=$base" --build-arg "VERSION=smoke" \
  --build-arg "REVISION=$(git -C "$here" rev-parse HEAD 2>/dev/null || echo unknown)" \
  -f "$here/deploy/Dockerfile" -t "$image" "$here" >/dev/null
build_ms=$(ms "$t")

t=$(date +%s%N)
pm run -d --name "$name" --network=host --read-only --cap-drop=ALL --security-opt=no-new-privileges \
  -v "$volume:/data" -e "CHEMAGENT_PORT=$port" "${ropts[@]}" "$image" >/dev/null
if "$dry_run"; then echo "+ wait for /health, query, healthcheck, SIGTERM" >&2; exit 0; fi
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break; sleep 0.1; done
ready_ms=$(ms "$t")
"$here/scripts/health_check.sh" --url "http://127.0.0.1:$port"
uid="$(pod exec "$name" id -u)"
[[ "$uid" != 0 ]] || { echo "container runs as root" >&2; exit 1; }
if pod exec "$name" sh -c 'touch /app/x' 2>/dev/null; then echo "root filesystem is writable" >&2; exit 1; fi
pod healthcheck run "$name" >/dev/null 2>&1 || { echo "image HEALTHCHECK failed" >&2; exit 1; }
state="$(pod exec "$name" ls /data | tr '\n' ' ')"

t=$(date +%s%N)
pod stop -t 30 "$name" >/dev/null
stop_ms=$(ms "$t")
code="$(pod inspect "$name" --format '{{.State.ExitCode}}')"
grep -q '"msg":"draining"' <(pod logs "$name" 2>&1) || { echo "no drain on SIGTERM" >&2; exit 1; }
[[ "$code" == 0 ]] || { echo "exit code $code after SIGTERM" >&2; exit 1; }
size="$(pod image inspect "$image" --format '{{.Size}}')"
echo "container smoke ok: build ${build_ms} ms, start→ready ${ready_ms} ms, SIGTERM→exit ${stop_ms} ms (code 0)," \
  "uid ${uid}, image $(( size / 1048576 )) MiB, state in /data: ${state}"
