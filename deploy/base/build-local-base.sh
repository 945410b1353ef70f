#!/usr/bin/env bash
# Builds a stand-in for the official denoland/deno:<version> image where no
# container registry is reachable: a Debian bookworm minbase root (debootstrap)
# plus the same pinned Deno binary, the same `deno` user (uid 1993), DENO_DIR
# and entrypoint convention. Use it with
#   podman build --build-arg DENO_IMAGE=localhost/deno-base:2.9.6 -f deploy/Dockerfile .
set -euo pipefail

DENO_VERSION="${DENO_VERSION:-2.9.6}"
TAG="${TAG:-localhost/deno-base:${DENO_VERSION}}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
ENGINE="${ENGINE:-podman}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"

debootstrap --variant=minbase bookworm "$root" "$MIRROR" >"$work/debootstrap.log" 2>&1 || {
  tail -20 "$work/debootstrap.log" >&2
  exit 1
}

deno_bin="$(npx -y "deno@${DENO_VERSION}" eval 'console.log(Deno.execPath())')"
install -m 0755 "$deno_bin" "$root/usr/bin/deno"

# Same entrypoint behaviour as the official image: a Deno subcommand as the
# first argument is run through `deno`, anything else is executed as is.
cat >"$root/usr/local/bin/docker-entrypoint.sh" <<'SH'
#!/bin/sh
set -e
case "$1" in
  bench|bundle|cache|check|compile|completions|coverage|doc|eval|fmt|info|init|install|lint|lsp|publish|repl|run|serve|task|test|types|upgrade|vendor)
    set -- deno "$@" ;;
esac
exec "$@"
SH
chmod 0755 "$root/usr/local/bin/docker-entrypoint.sh"

chroot "$root" /bin/sh -c 'groupadd --gid 1993 deno && useradd --uid 1993 --gid deno --shell /bin/sh --create-home deno && mkdir -p /deno-dir && chown deno:deno /deno-dir'
chroot "$root" /bin/sh -c 'apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*'

tar -C "$root" -cf "$work/rootfs.tar" .
"$ENGINE" import \
  --change 'ENV DENO_DIR=/deno-dir/' \
  --change 'ENV DENO_INSTALL_ROOT=/usr/local' \
  --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
  --change 'CMD ["eval", "console.log(\"Welcome to Deno!\")"]' \
  "$work/rootfs.tar" "$TAG" >/dev/null
echo "built $TAG ($(du -sh "$work/rootfs.tar" | cut -f1) root)"
