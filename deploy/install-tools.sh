#!/usr/bin/env bash
# Installs what the deployment checks (mvn verify, module deploy) need besides a JDK and Maven:
# Debian's prometheus package (promtool for the rules and scrapes, the prometheus server AlertingIT
# runs), Debian's prometheus-alertmanager package (the alertmanager AlertingIT routes to its webhook),
# and the schema packages of deploy/checks (npm, versions locked). kubectl, which renders the kustomize
# overlays, must already be on PATH. Idempotent: installs only what is missing. Nothing is started
# (the tests start their own servers on free loopback ports).
set -euo pipefail
cd "$(dirname "$0")"

missing=()
{ command -v promtool >/dev/null && command -v prometheus >/dev/null; } || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null || missing+=(prometheus-alertmanager)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
    || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
fi
command -v kubectl >/dev/null || { echo "kubectl is needed on PATH (kubectl kustomize renders the overlays)" >&2; exit 1; }
(cd checks && npm ci --no-audit --no-fund --loglevel=error)
echo "prometheus and promtool $(promtool --version 2>&1 | head -1 | awk '{print $3}'), alertmanager $(prometheus-alertmanager --version 2>&1 | head -1 | awk '{print $3}'), kubectl $(kubectl version --client 2>/dev/null | head -1 | awk '{print $3}'), deploy/checks packages installed"
