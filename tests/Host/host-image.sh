#!/usr/bin/env bash
# Builds local/host-debian (tests/Host/image) FROM local/debian:bookworm, which scripts/runtime-images.sh (branch
# runtime) makes with debootstrap + docker import; when that base is missing it is made here the same way.
# Rebuilt only when the build context changed (label platform.runtime.context). No container registry is used.
set -euo pipefail
cd "$(dirname "$0")"
WORK=${RUNTIME_WORK_DIR:-/var/tmp/platform-runtime}
mkdir -p "$WORK"
log() { echo "host-image: $*" >&2; }
label_of() { docker image inspect -f '{{ index .Config.Labels "platform.runtime.context" }}' "$1" 2>/dev/null || true; }

docker info >/dev/null 2>&1 || { log "docker is not running (apt-get install -y docker.io; dockerd &)"; exit 1; }

mirror=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -E '/debian/?$' | head -1 || true)
mirror=${mirror:-http://deb.debian.org/debian}
mirror_host=$(echo "$mirror" | sed -E 's#^[a-z]+://([^/:]+).*#\1#')
add_host=()
if ip=$(getent hosts "$mirror_host" | awk '{print $1; exit}') && [ -n "$ip" ]; then add_host=(--add-host "$mirror_host:$ip"); fi

if ! docker image inspect local/debian:bookworm >/dev/null 2>&1; then
  rootfs="$WORK/rootfs-bookworm"
  log "debootstrap bookworm from $mirror"
  rm -rf "$rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$WORK/debootstrap-host.log" 2>&1 || { tail -20 "$WORK/debootstrap-host.log" >&2; exit 1; }
  echo "deb $mirror bookworm main" >"$rootfs/etc/apt/sources.list"
  printf 'APT::Install-Recommends "false";\n' >"$rootfs/etc/apt/apt.conf.d/90norecommends"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import -c "LABEL platform.runtime.context=debootstrap-minbase-bookworm-$mirror" -c 'CMD ["/bin/bash"]' - local/debian:bookworm >/dev/null
fi

key=$( { find image -type f | LC_ALL=C sort | xargs sha256sum; docker image inspect -f '{{.Id}}' local/debian:bookworm; } | sha256sum | cut -c1-16)
if [ "$(label_of local/host-debian)" = "$key" ]; then log "local/host-debian is up to date"; exit 0; fi
log "building local/host-debian"
docker build "${add_host[@]}" --label "platform.runtime.context=$key" -t local/host-debian image >"$WORK/build-host-debian.log" 2>&1 \
  || { tail -30 "$WORK/build-host-debian.log" >&2; exit 1; }
log "done"
