#!/usr/bin/env bash
# Builds an earlier commit's CLI for `npm run bench:compare -- --baseline DIR`, so the speed-up is
# measured side by side in one run. Default: main when the speed issue was filed (before any of its work).
# Usage: scripts/bench-baseline.sh [COMMIT] [DIR]
set -euo pipefail
commit="${1:-b3bd557}"
dir="${2:-.bench/baseline}"
rm -rf "$dir"
mkdir -p "$dir"
git archive "$commit" | tar -x -C "$dir"
cd "$dir"
npm ci --no-audit --no-fund >/dev/null
npx projen compile >/dev/null
echo "baseline $commit built in $dir: npm run bench:compare -- --baseline $dir"
