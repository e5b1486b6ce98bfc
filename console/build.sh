#!/usr/bin/env bash
# Builds the console's assets into $1 (Maven: target/classes/io/canopy/console/ui). Installs the
# npm packages from the lock file only when they are missing or older than the lock file.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node build.mjs "$1"
