#!/bin/sh
# The Pulumi YAML compiler command (Pulumi.yaml runtime.options.compiler).
# Builds the C# compiler once, ReadyToRun, when it is missing or older than any source file,
# then runs it. Build output goes to stderr: stdout carries only the program.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/.build/compiler"
dll="$out/infra.dll"
stale() {
  [ ! -f "$dll" ] && return 0
  [ -n "$(find "$root/components" "$root/stacks" "$root/infra" "$root/Directory.Build.props" \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' \) -newer "$dll" -print 2>/dev/null | head -n 1)" ]
}
if stale; then
  echo "building the compiler (first run, or sources changed)..." >&2
  dotnet publish "$root/infra/Infra.Cli.csproj" -c Release --use-current-runtime --self-contained false \
    -p:PublishReadyToRun=true -o "$out" -nologo >&2
  touch "$dll"
fi
exec dotnet "$dll" synth --root "$root" "$@"
