#!/usr/bin/env bash
# Generates the site with the built sipdx (always, so every test run leaves a fresh site in the
# build tree), then runs the headless-Chromium test on it.
# Usage: run-site-test.sh path/to/sipdx SITE_DIR
# Exit 77 (ctest SKIP_RETURN_CODE) when node or chromium is not installed.
set -euo pipefail
sipdx="$1"
site="$2"
here="$(cd "$(dirname "$0")" && pwd)"

rm -rf "$site"
"$sipdx" site "$site"

if ! command -v node >/dev/null 2>&1; then
    echo "browser test skipped: node is not installed"
    exit 77
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    echo "browser test skipped: chromium is not installed (scripts/install-deps installs it)"
    exit 77
fi
exec node "$here/site_test.mjs" "$site"
