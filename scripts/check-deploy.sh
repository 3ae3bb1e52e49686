#!/usr/bin/env bash
# Checks the deployment files without a Docker engine: the Prometheus config and alert rules
# (promtool check + the unit tests of alerts.test.yml), docker-compose.yml (`docker compose config`)
# and the Dockerfiles (packages/telemetry's vitest checks; hadolint too when it is installed).
# Installs promtool and docker-compose with apt-get when they are missing and this runs as root.
# Exits non-zero on the first failure. `--no-vitest` skips the vitest part (for callers that run
# the whole vitest suite anyway).
set -euo pipefail
cd "$(dirname "$0")/.."

RUN_VITEST=1
for arg in "$@"; do
  case "$arg" in
    --no-vitest) RUN_VITEST=0 ;;
    *)
      echo "check-deploy: unknown option $arg (known: --no-vitest)" >&2
      exit 2
      ;;
  esac
done

APT_UPDATED=0
# install <command> <debian package>: apt-get install the package unless the command exists.
install() {
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "check-deploy: $1 not found; install it: sudo apt-get install $2 (Debian/Ubuntu)" >&2
    exit 1
  fi
  echo "check-deploy: installing $2" >&2
  if [ "$APT_UPDATED" = 0 ]; then
    apt-get update -qq >&2
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >&2
}

step() { echo "check-deploy: $*" >&2; }

if ! command -v promtool >/dev/null 2>&1; then
  install promtool prometheus
  # Debian's package also installs (and under systemd starts) a Prometheus server; only promtool
  # is wanted here.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
    systemctl disable --now prometheus >&2 || true
  fi
fi

step 'promtool check config'
promtool check config config/prometheus/prometheus.yml >&2
step 'promtool check rules'
promtool check rules config/prometheus/alerts.yml >&2
step 'promtool test rules'
promtool test rules config/prometheus/alerts.test.yml >&2

step 'compose config'
if docker compose version >/dev/null 2>&1; then
  docker compose -f docker-compose.yml config --quiet
else
  install docker-compose docker-compose
  docker-compose -f docker-compose.yml config --quiet
fi

if command -v hadolint >/dev/null 2>&1; then
  step 'hadolint'
  hadolint Dockerfile.api Dockerfile.worker
fi

if [ "$RUN_VITEST" = 1 ]; then
  step 'Dockerfile, compose, dashboard and alert checks (vitest)'
  npx vitest run --reporter=dot \
    packages/telemetry/src/dockerfiles.test.ts \
    packages/telemetry/src/compose.test.ts \
    packages/telemetry/src/prometheus-config.test.ts \
    packages/telemetry/src/alert-rules.test.ts \
    packages/telemetry/src/dashboard.test.ts >&2
fi

step 'all deployment checks passed'
