#!/usr/bin/env bash
# Uses the library as a new user would: packs the tarball, installs it into a fresh project that
# has only cdk8s, cdk8s-plus-28 and constructs (plus jest, ts-jest and typescript for the test),
# and runs the README's "Use it in your cdk8s app" blocks there, exactly as written.
# Compiles first (SKIP_COMPILE=1 when out/ is fresh, as right after `npm test`); network: the npm registry only.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

# 1. The tarball users get.
[ -n "${SKIP_COMPILE:-}" ] || npx projen compile >/dev/null
rm -rf dist-pkg
npx projen package:js >/dev/null
tarball=$(ls "$repo"/dist-pkg/js/*.tgz)
echo "tarball: $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KB packed)"
unwanted=$(tar tzf "$tarball" | grep -E '^package/(\.ci|test|examples|scripts|bench|crds|docs|lib)/|^package/cdk8s\.yaml$|^package/\.projenrc' || true)
[ -z "$unwanted" ] || { echo "the tarball holds files users do not need:" >&2; echo "$unwanted" >&2; exit 1; }

# 2. A fresh consumer project, the cdk8s app template's tsconfig.json.
work=$(mktemp -d /tmp/cdk8s-zero-trust-consumer.XXXXXX)
trap '[ -n "${KEEP_CONSUMER:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT
app="$work/app"
mkdir -p "$app"
# The tsconfig.json of cdk8s-cli's typescript-app template, with its default (node) module resolution.
cp "$repo/node_modules/cdk8s-cli/templates/typescript-app/tsconfig.json" "$app/tsconfig.json"
cat > "$app/package.json" <<'EOF'
{ "name": "consumer-app", "version": "1.0.0", "private": true, "license": "UNLICENSED",
  "jest": { "testMatch": ["**/*.test.ts"], "transform": { "^.+\\.tsx?$": "ts-jest" } } }
EOF
cd "$app"
npm install --no-audit --no-fund --loglevel=error cdk8s@2.70.106 cdk8s-plus-28@2.5.6 constructs@10.8.1
# The test tools at the versions the cdk8s typescript-app template pins.
npm install --no-audit --no-fund --loglevel=error --save-dev jest@^29 ts-jest@^29 @types/jest@^29 @types/node@^20 typescript@5.9.x
npm install --no-audit --no-fund --loglevel=error "$tarball"
[ ! -e node_modules/aws-cdk-lib ] || { echo "aws-cdk-lib was installed for a cdk8s-only user" >&2; exit 1; }
echo "installed: $(du -sm node_modules/cdk8s-zero-trust | cut -f1) MB cdk8s-zero-trust;" \
  "$(du -sm node_modules/cdk8s node_modules/cdk8s-plus-28 node_modules/constructs node_modules/cdk8s-zero-trust | awk '{s+=$1} END {print s}') MB with the cdk8s trio;" \
  "no aws-cdk-lib"

# 3. The README's blocks, extracted by their `<!-- consumer-check: FILE -->` markers.
node - "$repo/README.md" <<'EOF'
const fs = require('fs');
const readme = fs.readFileSync(process.argv[2], 'utf8');
const blocks = [...readme.matchAll(/<!-- consumer-check: (\S+) -->\n```\w*\n([\s\S]*?)```/g)];
if (blocks.length !== 3) throw new Error(`expected 3 consumer-check blocks in README.md, found ${blocks.length}`);
for (const [, file, body] of blocks) fs.writeFileSync(file, body);
EOF

node -e "const z = require('cdk8s-zero-trust'); if (typeof z.ZeroTrustNamespace !== 'function') process.exit(1);
  if (Object.keys(require.cache).some(f => f.includes('aws-cdk-lib'))) process.exit(1); console.log('require(\"cdk8s-zero-trust\") without aws-cdk-lib: ok')"
node -e "try { require('cdk8s-zero-trust/aws'); process.exit(1) } catch (e) { console.log('cdk8s-zero-trust/aws without aws-cdk-lib: ' + e.message.split('\n')[0]) }"
npx jest --ci 2>&1 | tail -30
set -x
bash -euo pipefail cli.sh > cli.out
set +x
grep -qx "$(node -p 'require("cdk8s-zero-trust/package.json").version')" cli.out || { cat cli.out; echo "--version did not print the package version" >&2; exit 1; }
grep -q 'production/checkout-api .*production/payment-service .*POST /v1/charges' cli.out || { cat cli.out; echo "reach did not show the declared path" >&2; exit 1; }
grep -q 'Allowed paths between workloads (1)' cli.out || { cat cli.out; echo "reach did not find exactly one path" >&2; exit 1; }
echo "consumer check: ok"
