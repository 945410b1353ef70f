# shellcheck shell=bash disable=SC2034  # tag and env are read by the script that sources this
# Shared option parsing for deploy.sh and rollback.sh (sourced, not run).
# Sets: tag (keeps the caller's default), env (prod unless --env), dry_run; defines run() that echoes under --dry-run.
env="prod"; dry_run=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tag) tag="$2"; shift 2 ;;
    --env) env="$2"; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
run() { if "$dry_run"; then echo "+ $*" >&2; else "$@"; fi; }
