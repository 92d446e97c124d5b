#!/usr/bin/env bash
# Builds Helm's CLI from the helm.sh/helm/v3 Go module (the module proxy is the only source) into
# .tools/bin, for the tests of `synth --format helm` (helm lint, helm template). Reused when present.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${HELM_VERSION:-v3.22.0}"
bin="$PWD/.tools/bin"
if [ -x "$bin/helm" ] && "$bin/helm" version --template '{{.Version}}' 2>/dev/null | grep -qx "$version"; then
  exit 0
fi
command -v go >/dev/null 2>&1 || { echo "go is needed to build helm $version" >&2; exit 1; }
mkdir -p "$bin"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "building helm $version from the Go module proxy" >&2
(cd "$work" && go mod init helm-build >/dev/null 2>&1 \
  && GOFLAGS=-mod=mod GOBIN="$bin" go install -trimpath \
    -ldflags "-s -X helm.sh/helm/v3/internal/version.version=$version" "helm.sh/helm/v3/cmd/helm@$version")
"$bin/helm" version --short >&2
