#!/bin/sh
# One command from a fresh clone to a running dev stack on the local Docker engine:
# local file state backend (no cloud account), the dev stack created if missing, then `pulumi up`.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v pulumi >/dev/null || { echo "Pulumi CLI not found: install it (>= 3.119) from pulumi.com, or run the offline plan: dotnet run --project infra -- plan --stack dev" >&2; exit 1; }
# PULUMI_STACK and PULUMI_CONFIG reach the compiler from pulumi-yaml 1.8, bundled with Pulumi CLI 3.119.0.
# An older CLI passes neither: the compiler would print the discovery program, which refuses to deploy.
min_pulumi=3.119.0
have_pulumi=$(pulumi version 2>/dev/null | sed -n 's/^v\{0,1\}\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' | head -n 1)
if [ -z "$have_pulumi" ] || ! awk -v have="$have_pulumi" -v want="$min_pulumi" 'BEGIN {
    split(have, h, "."); split(want, w, ".");
    for (i = 1; i <= 3; i++) { if (h[i] + 0 > w[i] + 0) exit 0; if (h[i] + 0 < w[i] + 0) exit 1 }
    exit 0 }'; then
  echo "Pulumi CLI ${have_pulumi:-(version unknown)} is too old: this project needs >= $min_pulumi (pulumi-yaml >= 1.8 passes PULUMI_STACK and PULUMI_CONFIG to the compiler); upgrade: https://www.pulumi.com/docs/install/" >&2
  exit 1
fi
command -v docker >/dev/null || { echo "Docker not found: the dev stack runs on the local Docker engine" >&2; exit 1; }
mkdir -p .pulumi-state
export PULUMI_BACKEND_URL="file://$root/.pulumi-state"
# The dev stack keeps no hand-set secrets (passwords are generated), so an empty passphrase is used unless you set one.
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-}"
# A PULUMI_STACK or PULUMI_CONFIG exported in this shell would beat the values Pulumi passes to the compiler.
unset PULUMI_STACK PULUMI_CONFIG
pulumi stack select dev 2>/dev/null || pulumi stack init dev
exec pulumi up --stack dev "$@"
