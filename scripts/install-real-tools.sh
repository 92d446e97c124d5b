#!/usr/bin/env bash
# Installs the real components the tests under test/real/ run, from the registries this project may
# use and nowhere else:
#   prometheus, promtool  3.x   built from the github.com/prometheus/prometheus Go module
#   alertmanager, amtool        built from the github.com/prometheus/alertmanager Go module
#   jaeger                2.x   built from the github.com/jaegertracing/jaeger Go module
#   kube-apiserver, kubectl     built from the k8s.io/kubernetes Go module (staging modules replaced
#                               by their published v0.x versions), with Debian's etcd-server
#   checkov                     from PyPI, in a virtualenv
#   sloth                       built from the github.com/slok/sloth Go module (the SLO recording
#                               rules of src/slo/ are compared with what it generates)
#   mqtt-probe                  this repository's stand-in for inovex/mqtt_blackbox_exporter
#                               (test/real/mqtt-probe, whose module the proxy does not serve), built
#                               with its dependencies from the Go module proxy
# Binaries go to .tools/bin (gitignored) with a version stamp beside each, and are reused when the
# stamp matches. `scripts/install-real-tools.sh prometheus jaeger` installs only those.
# Each build's wall time is printed, so the cold and warm costs of CI can be read off its log.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
bin="$root/.tools/bin"
src="$root/.tools/src"
mkdir -p "$bin" "$src"

# The versions the tests run. The Jaeger module's v1.x tags pair with its v2 releases (v1.76.0 is
# 2.13.0); the image the library deploys is pinned to the same release in src/tracing/facts.ts.
PROMETHEUS_MODULE_VERSION=v0.316.0 # Prometheus 3.16.0
ALERTMANAGER_VERSION=v0.35.0
JAEGER_MODULE_VERSION=v1.76.0 # Jaeger 2.13.0
KUBERNETES_VERSION=v1.34.4
CHECKOV_VERSION=3.3.30
SLOTH_VERSION=v0.16.0

export GOFLAGS=-mod=mod
export CGO_ENABLED=0

stamp_ok() { [ -f "$bin/.$1.version" ] && [ "$(cat "$bin/.$1.version")" = "$2" ] && [ -x "$bin/$1" ]; }
stamp() { echo "$2" >"$bin/.$1.version"; }
timed() {
  local name="$1"
  shift
  local start=$SECONDS
  "$@"
  echo "installed $name in $((SECONDS - start)) s" >&2
}

# Enters a module folder of its own for each build (.tools/src/NAME) and requires MODULE@VERSION
# there, so `go build` resolves exactly the pinned version: enter_module NAME [MODULE VERSION].
enter_module() {
  local dir="$src/$1"
  mkdir -p "$dir"
  cd "$dir"
  if [ ! -f go.mod ]; then go mod init "tools/$1" >/dev/null 2>&1; fi
  if [ $# -eq 3 ]; then go get "$2@$3" >/dev/null 2>&1; fi
}

build_prometheus() {
  enter_module prometheus github.com/prometheus/prometheus "$PROMETHEUS_MODULE_VERSION"
  # The module's v0.MNN.P tags are Prometheus M.NN.P.
  local n="${PROMETHEUS_MODULE_VERSION#v0.}"
  local version="${n:0:1}.${n:1:2}.${n#*.}"
  local ldflags="-s -w -X github.com/prometheus/common/version.Version=$version"
  # remove_all_sd leaves out the cloud service discoveries: the tests scrape static targets only.
  for cmd in prometheus promtool; do
    go build -trimpath -tags remove_all_sd,netgo -ldflags "$ldflags" -o "$bin/$cmd" "github.com/prometheus/prometheus/cmd/$cmd"
  done
  cd "$root"
}

build_alertmanager() {
  enter_module alertmanager github.com/prometheus/alertmanager "$ALERTMANAGER_VERSION"
  local dir="$PWD"
  # The module as published lacks the web UI's build output that ui/web.go embeds (`app/dist`,
  # made by npm in Alertmanager's release process). The tests use the API only, so build from a
  # copy of the module with an empty page in its place.
  local mod
  mod=$(go list -m -f '{{.Dir}}' github.com/prometheus/alertmanager)
  if [ "$mod" != "$dir/module" ]; then
    rm -rf "$dir/module"
    cp -r "$mod" "$dir/module"
    chmod -R u+w "$dir/module"
    for ui in elm mantine; do
      mkdir -p "$dir/module/ui/app/dist/$ui"
      echo '<!doctype html><title>Alertmanager</title>' >"$dir/module/ui/app/dist/$ui/index.html"
    done
    go mod edit -replace "github.com/prometheus/alertmanager=./module"
  fi
  local ldflags="-s -w -X github.com/prometheus/common/version.Version=${ALERTMANAGER_VERSION#v}"
  for cmd in alertmanager amtool; do
    go build -trimpath -ldflags "$ldflags" -o "$bin/$cmd" "github.com/prometheus/alertmanager/cmd/$cmd"
  done
  cd "$root"
}

build_jaeger() {
  enter_module jaeger github.com/jaegertracing/jaeger "$JAEGER_MODULE_VERSION"
  # The v2 release this module tag is, from the module's own CHANGELOG ("v1.76.0 / v2.13.0 (date)"),
  # stamped the way Jaeger's Makefile does (scripts/makefiles/BuildInfo.mk: internal/version.latestVersion).
  local mod v2
  mod=$(go list -m -f '{{.Dir}}' github.com/jaegertracing/jaeger)
  v2=$(sed -n "s#^$JAEGER_MODULE_VERSION / \(v2\.[0-9.]*\) .*#\1#p" "$mod/CHANGELOG.md" | head -1)
  [ -n "$v2" ] || { echo "no v2 release paired with $JAEGER_MODULE_VERSION in $mod/CHANGELOG.md" >&2; return 1; }
  go build -trimpath -ldflags "-s -w -X github.com/jaegertracing/jaeger/internal/version.latestVersion=$v2" \
    -o "$bin/jaeger" github.com/jaegertracing/jaeger/cmd/jaeger
  cd "$root"
}

build_kube_apiserver() {
  enter_module kube-apiserver
  # k8s.io/kubernetes points its k8s.io/* staging modules at ./staging; a module that requires it
  # must replace each of them with the published v0.x release of the same Kubernetes version.
  local staging="v0.${KUBERNETES_VERSION#v1.}"
  local gomod
  gomod=$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  local replaces
  replaces=$(sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$gomod")
  for m in $replaces; do go mod edit -replace "$m=$m@$staging"; done
  enter_module kube-apiserver k8s.io/kubernetes "$KUBERNETES_VERSION"
  # The version stamp Kubernetes' own build sets (hack/lib/version.sh); the API server derives its
  # emulation version from it, and kubectl compares it with the server's.
  local minor="${KUBERNETES_VERSION#v1.}"
  minor="${minor%%.*}"
  local pkg=k8s.io/component-base/version
  local ldflags="-s -w -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  ldflags="$ldflags -X $pkg.buildDate=1970-01-01T00:00:00Z"
  # kubectl of the same release: Debian's is older than the supported skew of one minor version.
  for cmd in kube-apiserver kubectl; do
    go build -trimpath -ldflags "$ldflags" -o "$bin/$cmd" "k8s.io/kubernetes/cmd/$cmd"
  done
  cd "$root"
}

build_sloth() {
  enter_module sloth github.com/slok/sloth "$SLOTH_VERSION"
  go build -trimpath -ldflags "-s -w" -o "$bin/sloth" github.com/slok/sloth/cmd/sloth
  cd "$root"
}

debian_packages() {
  local missing=()
  command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_checkov() {
  local venv="$root/.tools/checkov"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "checkov==$CHECKOV_VERSION"
  ln -sf "$venv/bin/checkov" "$bin/checkov"
}

build_mqtt_probe() {
  cd "$root/test/real/mqtt-probe"
  go build -trimpath -ldflags "-s -w" -o "$bin/mqtt-probe" .
}

want() { [ ${#selected[@]} -eq 0 ] || [[ " ${selected[*]} " == *" $1 "* ]]; }
selected=("$@")

if want prometheus && ! stamp_ok promtool "$PROMETHEUS_MODULE_VERSION"; then
  timed prometheus build_prometheus
  stamp promtool "$PROMETHEUS_MODULE_VERSION"
fi
if want alertmanager && ! stamp_ok amtool "$ALERTMANAGER_VERSION"; then
  timed alertmanager build_alertmanager
  stamp amtool "$ALERTMANAGER_VERSION"
fi
if want jaeger && ! stamp_ok jaeger "$JAEGER_MODULE_VERSION"; then
  timed jaeger build_jaeger
  stamp jaeger "$JAEGER_MODULE_VERSION"
fi
if want kube-apiserver; then
  timed "etcd, openssl (Debian)" debian_packages
  if ! stamp_ok kube-apiserver "$KUBERNETES_VERSION"; then
    timed kube-apiserver build_kube_apiserver
    stamp kube-apiserver "$KUBERNETES_VERSION"
  fi
fi
if want sloth && ! stamp_ok sloth "$SLOTH_VERSION"; then
  timed sloth build_sloth
  stamp sloth "$SLOTH_VERSION"
fi
if want checkov && ! stamp_ok checkov "$CHECKOV_VERSION"; then
  timed checkov install_checkov
  stamp checkov "$CHECKOV_VERSION"
fi
# Rebuilt whenever its source changes.
MQTT_PROBE_STAMP=$(cat "$root/test/real/mqtt-probe/main.go" "$root/test/real/mqtt-probe/go.mod" "$root/test/real/mqtt-probe/go.sum" | sha256sum | cut -c1-16)
if want mqtt-probe && ! stamp_ok mqtt-probe "$MQTT_PROBE_STAMP"; then
  timed mqtt-probe build_mqtt_probe
  stamp mqtt-probe "$MQTT_PROBE_STAMP"
fi
