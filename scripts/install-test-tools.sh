#!/usr/bin/env bash
# Installs the tools the test suite runs besides Node: promtool (and the Prometheus server)
# from Debian's `prometheus` package, Ruby (Onigmo) from Debian's `ruby`, curl from Debian's
# `curl`, mosquitto from Debian's `mosquitto`, Helm built from its Go module (scripts/install-helm.sh),
# and the real components of scripts/install-real-tools.sh (Prometheus 3, Alertmanager, Jaeger,
# kube-apiserver with etcd, checkov, Sloth, the probe's stand-in).
# Each is skipped when already present.
set -euo pipefail
cd "$(dirname "$0")/.."
# Installs Debian packages with apt-get (as root, or through sudo).
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$* missing and apt-get is not available: install them with your package manager" >&2
    exit 1
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "installing Debian's $* package(s)" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
# promtool (2.42 or later) and the Prometheus server.
if ! command -v promtool >/dev/null 2>&1; then
  apt_install prometheus
  promtool --version | head -1 >&2
fi
# Ruby carries Onigmo, the regular-expression engine Fluent Bit compiles its parsers with
# (test/logging/onigmo.test.ts runs the parsers' expressions on it).
if ! command -v ruby >/dev/null 2>&1; then
  apt_install ruby
  ruby --version >&2
fi
# curl: test/logging/ism-installer.test.ts runs the OpenSearch index-template installer script
# with the real /bin/sh and curl.
if ! command -v curl >/dev/null 2>&1; then
  apt_install curl ca-certificates
fi
# mosquitto: test/real/probe.test.ts runs the MQTT probe against a real broker on loopback.
if ! command -v mosquitto >/dev/null 2>&1 && [ ! -x /usr/sbin/mosquitto ]; then
  apt_install mosquitto
fi
bash scripts/install-helm.sh
# The real components of test/real/ and the promtool/Prometheus 3 runs (Go builds, PyPI).
bash scripts/install-real-tools.sh
