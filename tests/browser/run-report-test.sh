#!/usr/bin/env bash
# Writes reports of the bundled sample and of the shared corpus with the built sipdx, then checks
# them in headless Chromium (report_test.mjs).
# Usage: run-report-test.sh path/to/sipdx OUT_DIR SAMPLE_PCAP CORPUS_DIR
# Exit 77 (ctest SKIP_RETURN_CODE) when node or chromium is not installed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v node >/dev/null 2>&1; then
    echo "report browser test skipped: node is not installed"
    exit 77
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    echo "report browser test skipped: chromium is not installed (scripts/install-deps installs it)"
    exit 77
fi
rm -rf "$2"
mkdir -p "$2"
exec node "$here/report_test.mjs" "$1" "$2" "$3" "$4"
