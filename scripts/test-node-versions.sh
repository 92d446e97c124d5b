#!/usr/bin/env bash
# Runs the jest suite on other Node.js versions than the machine's: each is installed from the npm
# registry's `node` package into .tools/node<major> (gitignored) and put first on the PATH, so jest
# and every `node` the tests start are that version. Usage: scripts/test-node-versions.sh [major...]
# (default: 22 24). Extra jest arguments go after `--`. Needs `npm ci` and the test tools
# (scripts/install-test-tools.sh) first, as `npx projen test` does.
set -euo pipefail
cd "$(dirname "$0")/.."

majors=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do majors+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ ${#majors[@]} -eq 0 ] && majors=(22 24)

# jsii warns on every run about a Node.js it no longer supports; quiet it for 20 only.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
status=0
summary=()
for major in "${majors[@]}"; do
  dir=".tools/node$major"
  bin="$PWD/$dir/node_modules/node/bin"
  if [ ! -x "$bin/node" ] || [ "$("$bin/node" -p 'process.versions.node.split(".")[0]')" != "$major" ]; then
    echo "== installing node@$major from the npm registry into $dir"
    rm -rf "$dir"
    npm install --prefix "$dir" --no-audit --no-fund --no-package-lock --loglevel=error "node@$major"
  fi
  version=$("$bin/node" --version)
  echo "== jest --ci on Node.js $version"
  start=$SECONDS
  if PATH="$bin:$PATH" node node_modules/.bin/jest --ci "$@"; then
    summary+=("Node.js $version: passed ($((SECONDS - start)) s)")
  else
    summary+=("Node.js $version: FAILED ($((SECONDS - start)) s)")
    status=1
  fi
done
printf '%s\n' "${summary[@]}"
exit $status
