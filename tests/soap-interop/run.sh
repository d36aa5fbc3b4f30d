#!/bin/sh
# run.sh BUILD_DIR: installs the pinned npm soap client into BUILD_DIR (npm ci, from the
# cache when it can) and runs interop.js against $TONGBAN_SANDBOX. Skips (77) only when
# npm is missing or the package cannot be installed (no registry, empty cache).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=$1/soap-interop
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "1..0 # SKIP node or npm not installed"
  exit 77
fi
mkdir -p "$dir"
if ! cmp -s "$here/package-lock.json" "$dir/package-lock.json" || [ ! -d "$dir/node_modules/soap" ]; then
  cp "$here/package.json" "$here/package-lock.json" "$dir/"
  if ! (cd "$dir" && npm ci --prefer-offline --no-audit --no-fund >npm-ci.log 2>&1); then
    rm -f "$dir/package-lock.json"
    echo "1..0 # SKIP npm ci failed (no registry?), see $dir/npm-ci.log"
    exit 77
  fi
fi
NODE_PATH="$dir/node_modules" exec node --no-deprecation "$here/interop.js"
