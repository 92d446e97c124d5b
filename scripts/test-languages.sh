#!/usr/bin/env bash
# Builds every jsii package (npx projen package-all: dist/js, dist/python, dist/java, dist/go) and
# runs the language tests in test/languages: the README's "compose the pieces" example in Python
# (venv + pip), Go (modules) and Java (Maven) must write the YAML the TypeScript example writes.
# Every step has a time limit; scratch files live in one temporary folder removed on exit.
# Extra arguments go to jest (e.g. -t Python). Prints jest's summary and a timing line.
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20

scratch=$(mktemp -d "${TMPDIR:-/tmp}/rmq-languages-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
# The tests' venv, Go module and Maven project (and the tools' own temporary files) go here.
export TMPDIR="$scratch"

step() { # step LIMIT_SECONDS NAME COMMAND...
  local limit=$1 name=$2 start=$SECONDS rc=0
  shift 2
  echo "== $name (limit ${limit}s)"
  timeout --kill-after=30 "$limit" "$@" || rc=$?
  if [ $rc -ne 0 ]; then
    [ $rc -eq 124 ] && echo "$name: over its ${limit}s limit" >&2
    echo "$name failed (exit $rc)" >&2
    exit $rc
  fi
  timings+=("$name $((SECONDS - start))s")
}
timings=()
total=$SECONDS
for tool in python3 go mvn java; do
  command -v "$tool" >/dev/null || { echo "test-languages: $tool is not on the PATH" >&2; exit 2; }
done

step 600 compile npx projen compile
step 600 package:js npx projen package:js
step 600 package:python npx projen package:python
step 900 package:go npx projen package:go
step 1200 package:java npx projen package:java
RMQ_LANGUAGE_TESTS=1 step 1800 'language tests' npx jest --ci --coverage=false test/languages "$@"
echo "timings: ${timings[*]}; total $((SECONDS - total))s"
