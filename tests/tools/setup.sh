#!/usr/bin/env bash
# Everything the tests need on a fresh machine (root or sudo; idempotent, quick when all is there):
#   the real servers and tools (nginx, promtool, redis, postgresql, shellcheck, ssh, clang/zlib),
#   a running Docker engine with the local look-alike images of the runtime tier (no registry),
#   and the throwaway Debian host image of the host tier.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tests/tools/install-servers.sh
bash scripts/runtime-images.sh
bash tests/Host/host-image.sh
