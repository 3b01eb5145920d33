#!/usr/bin/env bash
# Runtime test tier prerequisites, idempotent (CI runs it on the same machine every time; it also works on a fresh one):
#   1. docker.io + debootstrap installed (apt) if missing,
#   2. dockerd running (started in the background if `docker info` fails),
#   3. the local look-alike images built WITHOUT a registry: a Debian bookworm minbase rootfs from the
#      Debian mirror apt uses here, imported as local/debian:bookworm, then tests/Runtime/images/<name>/Dockerfile
#      built FROM it as local/<name>. An image is rebuilt only when its build context (and its base) changed:
#      each carries the hash of its context in the label platform.runtime.context.
# Nothing here talks to a container registry. Rootfs and logs live outside the checkout (RUNTIME_WORK_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

WORK=${RUNTIME_WORK_DIR:-/var/tmp/platform-runtime}
IMAGES_DIR=tests/Runtime/images
# Build order matters: each image is FROM the one before it in this list, or from local/debian.
IMAGES=(busybox postgres redis nginx prometheus alertmanager node-exporter)
SUITE=bookworm
mkdir -p "$WORK"

if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
log() { echo "runtime-images: $*" >&2; }

# --- 1. packages ------------------------------------------------------------------------------------
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  $SUDO apt-get update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# --- 2. daemon --------------------------------------------------------------------------------------
if ! docker info >/dev/null 2>&1; then
  # A daemon that is still starting or shutting down gets time to finish first.
  for _ in $(seq 60); do
    pgrep -x dockerd >/dev/null 2>&1 || break
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
fi
if ! docker info >/dev/null 2>&1; then
  if pgrep -x dockerd >/dev/null 2>&1; then log "dockerd is running but does not answer; see its log"; exit 1; fi
  $SUDO rm -f /var/run/docker.pid   # stale after an unclean stop; dockerd refuses to start over it
  log "starting dockerd (log: $WORK/dockerd.log)"
  $SUDO sh -c "nohup dockerd >'$WORK/dockerd.log' 2>&1 &"
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { log "dockerd did not come up; see $WORK/dockerd.log"; tail -20 "$WORK/dockerd.log" >&2; exit 1; }
fi

# --- 3. images --------------------------------------------------------------------------------------
# The Debian mirror apt uses on this machine (deb822 or one-line sources), e.g. http://deb.debian.org/debian.
mirror() {
  local m
  m=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -E '/debian/?$' | head -1 || true)
  if [ -z "$m" ]; then
    m=$(grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
        | awk '{for (i=2;i<=NF;i++) if ($i ~ /^https?:/) {print $i; exit}}' | grep -E '/debian/?$' | head -1 || true)
  fi
  echo "${m:-http://deb.debian.org/debian}"
}
MIRROR=$(mirror)
MIRROR_HOST=$(echo "$MIRROR" | sed -E 's#^[a-z]+://([^/:]+).*#\1#')
# Containers do not see this host's /etc/hosts: pass the mirror's address explicitly to builds.
ADD_HOST=()
if ip=$(getent hosts "$MIRROR_HOST" | awk '{print $1; exit}') && [ -n "$ip" ]; then ADD_HOST=(--add-host "$MIRROR_HOST:$ip"); fi

label_of() { docker image inspect -f "{{ index .Config.Labels \"platform.runtime.context\" }}" "$1" 2>/dev/null || true; }

base_key="debootstrap-minbase-$SUITE-$MIRROR"
if [ "$(label_of local/debian:$SUITE)" != "$base_key" ]; then
  rootfs="$WORK/rootfs-$SUITE"
  if [ ! -f "$rootfs/.complete" ]; then
    log "debootstrap $SUITE from $MIRROR into $rootfs"
    $SUDO rm -rf "$rootfs"
    $SUDO debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
      || { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
    # apt inside the images uses the same mirror; no recommends, no docs.
    echo "deb $MIRROR $SUITE main" | $SUDO tee "$rootfs/etc/apt/sources.list" >/dev/null
    printf 'APT::Install-Recommends "false";\n' | $SUDO tee "$rootfs/etc/apt/apt.conf.d/90norecommends" >/dev/null
    $SUDO rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    $SUDO touch "$rootfs/.complete"
  fi
  log "importing local/debian:$SUITE"
  $SUDO tar -C "$rootfs" --exclude=./.complete -c . \
    | docker import -c "LABEL platform.runtime.context=$base_key" -c 'CMD ["/bin/bash"]' - "local/debian:$SUITE" >/dev/null
fi

for name in "${IMAGES[@]}"; do
  ctx="$IMAGES_DIR/$name"
  from=$(awk '/^FROM /{print $2; exit}' "$ctx/Dockerfile")
  key=$( { (cd "$ctx" && find . -type f | LC_ALL=C sort | xargs sha256sum); echo "from=$from:$(label_of "$from")"; } | sha256sum | cut -c1-16)
  if [ "$(label_of "local/$name")" = "$key" ]; then
    log "local/$name is up to date"
    continue
  fi
  log "building local/$name"
  docker build --force-rm "${ADD_HOST[@]}" --label "platform.runtime.context=$key" -t "local/$name" "$ctx" >"$WORK/build-$name.log" 2>&1 \
    || { log "build of local/$name failed:"; tail -30 "$WORK/build-$name.log" >&2; exit 1; }
done
docker image ls --filter reference='local/*' --format '{{.Repository}}:{{.Tag}} {{.Size}}' >&2
log "done"
