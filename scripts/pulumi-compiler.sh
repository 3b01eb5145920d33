#!/bin/sh
# The Pulumi YAML compiler command (Pulumi.yaml runtime.options.compiler).
# Builds the C# compiler once when it is missing or older than any source file, then runs it:
#   native  (default when clang and the zlib headers are installed): Native AOT binary .build/native/infra
#   r2r     (fallback without that toolchain, or if the native build fails): ReadyToRun .build/compiler/infra.dll
# INFRA_COMPILER=native|r2r forces one. Build output goes to stderr: stdout carries only the program.
# Concurrent runs are safe: a build holds an exclusive lock on .build/compiler.lock, every run holds it shared
# while it checks and runs the compiler, and a build is assembled in a temp folder and renamed into place.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/.build"
native="$build/native/infra"
r2r="$build/compiler/infra.dll"
mode=${INFRA_COMPILER:-auto}
case "$mode" in
  auto|native|r2r) ;;
  *) echo "error: INFRA_COMPILER=$mode: use native, r2r or leave it unset" >&2; exit 2 ;;
esac

stale() { # build output (bin/, obj/: generated .cs files) does not count
  [ ! -f "$1" ] && return 0
  [ -n "$(find "$root/components" "$root/stacks" "$root/infra" "$root/Directory.Build.props" \
      \( -name bin -o -name obj \) -prune -o \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' \) -newer "$1" -print 2>/dev/null | head -n 1)" ]
}
aot_toolchain() {
  command -v clang >/dev/null 2>&1 && [ -f /usr/include/zlib.h ]
}
lock() { # lock -s|-x: shared to run, exclusive to build (no flock: unlocked, as before)
  if command -v flock >/dev/null 2>&1; then flock "$1" 9; fi
}

# Publishes into a temp folder, then renames into place (same file system). No build servers or reused MSBuild
# nodes: they would outlive the build holding the lock (descriptor 9, closed for the build) and the host's pipes.
publish() {
  dotnet publish "$root/infra/Infra.Cli.csproj" -c Release --use-current-runtime --disable-build-servers \
    -nodeReuse:false -p:UseSharedCompilation=false -nologo "$@" >&2 9>&-
}
build_native() {
  echo "building the native compiler (first run, or sources changed)..." >&2
  tmp=$(mktemp -d "$build/native.tmp.XXXXXX")
  if publish -p:PublishAot=true -o "$tmp"; then
    mkdir -p "$build/native"
    touch "$tmp/infra"
    mv -f "$tmp/infra" "$native"
    rm -rf "$tmp"
  else
    rm -rf "$tmp"
    return 1
  fi
}
build_r2r() {
  echo "building the compiler, ReadyToRun (first run, or sources changed)..." >&2
  tmp=$(mktemp -d "$build/compiler.tmp.XXXXXX")
  if publish --self-contained false -p:PublishReadyToRun=true -o "$tmp"; then
    touch "$tmp/infra.dll"
    rm -rf "$build/compiler.old"
    [ -d "$build/compiler" ] && mv "$build/compiler" "$build/compiler.old"
    mv "$tmp" "$build/compiler"
    rm -rf "$build/compiler.old"
  else
    rm -rf "$tmp"
    return 1
  fi
}

if [ "$mode" = auto ]; then
  if aot_toolchain; then mode=native; else
    echo "note: clang or zlib headers (zlib1g-dev) missing: using the ReadyToRun compiler" >&2
    mode=r2r
  fi
fi

mkdir -p "$build"
exec 9>>"$build/compiler.lock"
lock -s
if [ "$mode" = native ] && stale "$native"; then
  lock -x
  if stale "$native" && ! build_native; then
    [ -n "${INFRA_COMPILER:-}" ] && { echo "error: the native build failed" >&2; exit 1; }
    echo "note: the native build failed: using the ReadyToRun compiler" >&2
    mode=r2r
  fi
  lock -s
fi
if [ "$mode" = r2r ] && stale "$r2r"; then
  lock -x
  stale "$r2r" && build_r2r
  lock -s
fi
# The compiler inherits descriptor 9, so the shared lock lasts until it exits: no build replaces it mid-run.
if [ "$mode" = native ]; then
  exec "$native" synth --root "$root" "$@"
fi
exec dotnet "$r2r" synth --root "$root" "$@"
