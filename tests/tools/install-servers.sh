#!/usr/bin/env bash
# Installs the real servers the config-generator tests run against:
#   nginx (nginx -t), prometheus (promtool), prometheus-alertmanager (amtool check-config), redis-server + redis-tools,
#   postgresql 15 (initdb/pg_ctl/pg_dump/psql), openssl (throwaway test certs).
# Idempotent: apt-get update only runs when something is missing.
# System services are NOT left running: a temporary policy-rc.d forbids
# starting them during install; the tests start their own loopback instances.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi

# binary -> package
declare -A NEED=(
  [/usr/sbin/nginx]=nginx
  [/usr/bin/promtool]=prometheus
  [/usr/bin/amtool]=prometheus-alertmanager
  [/usr/bin/redis-server]=redis-server
  [/usr/bin/redis-cli]=redis-tools
  [/usr/lib/postgresql/15/bin/initdb]=postgresql-15
  [/usr/lib/postgresql/15/bin/psql]=postgresql-client-15
  [/usr/bin/openssl]=openssl
  [/usr/bin/unshare]=util-linux
  [/usr/sbin/runuser]=util-linux
  # Tools the other tiers run: shellcheck (host scripts), the ssh client (throwaway host),
  # clang + zlib headers (the Native AOT compiler the wrapper builds by default).
  [/usr/bin/shellcheck]=shellcheck
  [/usr/bin/ssh]=openssh-client
  [/usr/bin/clang]=clang
  [/usr/include/zlib.h]=zlib1g-dev
  # The registry-login runtime test: a registry with htpasswd (bcrypt) auth.
  [/usr/bin/docker-registry]=docker-registry
  [/usr/bin/htpasswd]=apache2-utils
)

missing=()
for bin in "${!NEED[@]}"; do
  if [ ! -e "$bin" ]; then
    missing+=("${NEED[$bin]}")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-servers: all tools present"
  exit 0
fi

# de-duplicate, stable order
mapfile -t pkgs < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "install-servers: installing ${pkgs[*]}"

policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  created_policy=1
fi
cleanup() {
  if [ "$created_policy" -eq 1 ]; then $SUDO rm -f "$policy"; fi
}
trap cleanup EXIT

$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${pkgs[@]}"

# Belt and braces: where no policy-rc.d applied (e.g. systemd present), stop
# anything the packages started. Ignore failures: there may be no init system.
for svc in nginx prometheus prometheus-alertmanager prometheus-node-exporter redis-server postgresql; do
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $SUDO systemctl stop "$svc" >/dev/null 2>&1 || true
    $SUDO systemctl disable "$svc" >/dev/null 2>&1 || true
  elif command -v service >/dev/null 2>&1; then
    $SUDO service "$svc" stop >/dev/null 2>&1 || true
  fi
done

echo "install-servers: done"
