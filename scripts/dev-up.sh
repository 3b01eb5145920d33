#!/bin/sh
# One command from a fresh clone to a running dev stack on the local Docker engine:
# local file state backend (no cloud account), the dev stack created if missing, then `pulumi up`.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v pulumi >/dev/null || { echo "Pulumi CLI not found: install it (>= 3.119) from pulumi.com, or run the offline plan: dotnet run --project infra -- plan --stack dev" >&2; exit 1; }
command -v docker >/dev/null || { echo "Docker not found: the dev stack runs on the local Docker engine" >&2; exit 1; }
mkdir -p .pulumi-state
export PULUMI_BACKEND_URL="file://$root/.pulumi-state"
# The dev stack keeps no hand-set secrets (passwords are generated), so an empty passphrase is used unless you set one.
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-}"
pulumi stack select dev 2>/dev/null || pulumi stack init dev
exec pulumi up --stack dev "$@"
