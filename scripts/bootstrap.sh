#!/usr/bin/env bash
# Makes a fresh machine with only Node.js ready to run or test Hindsight: pnpm, the workspace's
# dependencies, the CLI's bundle, the web console's build (apps/console/dist, which the api
# serves at /), with --redis a redis-server binary and with --browser a Chromium for the
# console's browser tests. Idempotent and quick when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

WANT_REDIS=0
WANT_BROWSER=0
for arg in "$@"; do
  case "$arg" in
    --redis) WANT_REDIS=1 ;;
    --browser) WANT_BROWSER=1 ;;
    *)
      echo "bootstrap: unknown option $arg (known: --redis, --browser)" >&2
      exit 2
      ;;
  esac
done

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  echo "bootstrap: installing pnpm@$PNPM_VERSION" >&2
  npm install --global --silent "pnpm@$PNPM_VERSION" >/dev/null 2>&1 || {
    echo "bootstrap: could not install pnpm; run: npm install --global pnpm@$PNPM_VERSION (with sudo if needed)" >&2
    exit 1
  }
fi

if [ ! -f node_modules/.modules.yaml ] || [ pnpm-lock.yaml -nt node_modules/.modules.yaml ] \
  || [ -n "$(find . -name package.json -newer node_modules/.modules.yaml -not -path '*/node_modules/*' -print -quit)" ]; then
  echo "bootstrap: installing dependencies" >&2
  pnpm install --frozen-lockfile --reporter=append-only >&2
fi

# The `hindsight` executable (bin/hindsight) runs a JavaScript bundle: build it when it is missing
# or older than the sources it is made of.
if [ ! -f apps/cli/dist/main.js ] \
  || [ -n "$(find apps/cli/src apps/cli/scripts packages/*/src pnpm-lock.yaml -newer apps/cli/dist/main.js -print -quit)" ]; then
  echo "bootstrap: building the CLI" >&2
  pnpm --filter @hindsight/cli build >&2
fi

# The console is rebuilt when it is missing or any of its sources is newer than the build (a
# second or two); the build output is never committed.
CONSOLE_BUILD=apps/console/dist/index.html
if [ ! -f "$CONSOLE_BUILD" ] \
  || [ -n "$(find apps/console packages/metrics/src packages/engine/src -newer "$CONSOLE_BUILD" -type f \
    -not -path '*/node_modules/*' -not -path '*/dist/*' -print -quit)" ]; then
  echo "bootstrap: building the web console" >&2
  pnpm --filter @hindsight/console run build >&2
fi

if [ "$WANT_REDIS" = 1 ] && ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing redis-server" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >&2
  else
    echo "bootstrap: redis-server not found; install it: sudo apt-get install redis-server (Debian/Ubuntu) or brew install redis (macOS)" >&2
    exit 1
  fi
fi

# The console's browser tests (apps/api/test/e2e/console.test.ts) drive Debian's chromium; they
# are skipped, saying so, where it is missing.
if [ "$WANT_BROWSER" = 1 ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing chromium" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2
  else
    echo "bootstrap: chromium not found, so the console's browser tests will be skipped; install it: sudo apt-get install chromium (Debian/Ubuntu)" >&2
  fi
fi
