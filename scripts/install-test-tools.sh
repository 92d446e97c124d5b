#!/usr/bin/env bash
# Installs the tools the test suite runs besides Node: promtool (and the Prometheus server)
# from Debian's `prometheus` package, Helm built from its Go module (scripts/install-helm.sh), and
# the real components of scripts/install-real-tools.sh (Prometheus 3, Alertmanager, Jaeger,
# kube-apiserver with etcd, checkov).
# Each is skipped when already present.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v promtool >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "promtool is missing and apt-get is not available: install Prometheus's promtool (2.42 or later) and put it on the PATH" >&2
    exit 1
  fi
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "installing Debian's prometheus package for promtool" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  promtool --version | head -1 >&2
fi
bash scripts/install-helm.sh
# The real components of test/real/ and the promtool/Prometheus 3 runs (Go builds, PyPI).
bash scripts/install-real-tools.sh
