#!/usr/bin/env bash
# The access diff of a pull request as a PR comment body, and an exit code that fails the check
# until a person approves the new access. Called by access-diff.yml; runs the same on a laptop:
#
#   access-diff.sh <base manifests> <head manifests> <comment file> [approved: true|false]
#
# Exit 0: access did not widen, or it widened and was approved. 1: it widened, not approved yet.
# 2 or 3: the analyzer could not read the manifests, or failed; the comment says so.
set -uo pipefail
base=$1 head=$2 comment=$3 approved=${4:-false}
# The CLI from the project's own node_modules; CDK8S_ZERO_TRUST overrides it (e.g. "node out/cli/main.js").
read -r -a cli <<< "${CDK8S_ZERO_TRUST:-npx --no-install cdk8s-zero-trust}"
marker='<!-- cdk8s-zero-trust:access-diff -->'

args=(diff --base "$base" --head "$head" --fail-on-new-access -o markdown)
[ "$approved" = true ] && args+=(--approve)
diff=$("${cli[@]}" "${args[@]}" 2>&1)
code=$?

{
  echo "$marker"
  if [ "$code" -gt 1 ]; then
    printf '## Access diff\n\nThe analyzer could not compare the manifests (exit %s):\n\n```\n%s\n```\n' "$code" "$diff"
  else
    echo "$diff"
    if [ "$code" -eq 1 ]; then
      echo '> **Access widens.** A reviewer who agrees adds the `access-approved` label; this check fails until then.'
    elif [ "$approved" = true ]; then
      echo '> Approved with the `access-approved` label.'
    fi
  fi
} > "$comment"
exit "$code"
