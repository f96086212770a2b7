#!/usr/bin/env bash
# Installs what the deployment checks (mvn verify, module deploy) need besides a JDK and Maven:
# promtool (Debian's prometheus package) and the schema packages of deploy/checks (npm, versions
# locked). kubectl, which renders the kustomize overlays, must already be on PATH.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v promtool >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q --no-install-recommends prometheus >/dev/null \
    || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q --no-install-recommends prometheus >/dev/null; }
fi
command -v kubectl >/dev/null || { echo "kubectl is needed on PATH (kubectl kustomize renders the overlays)" >&2; exit 1; }
(cd checks && npm ci --no-audit --no-fund --loglevel=error)
echo "promtool $(promtool --version 2>&1 | head -1 | awk '{print $3}'), kubectl $(kubectl version --client 2>/dev/null | head -1 | awk '{print $3}'), deploy/checks packages installed"
