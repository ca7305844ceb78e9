#!/bin/sh
# demo.sh: from a fresh clone, install the dependencies, build satchel and
# run `make demo`: a private POP3 and SMTP server on 127.0.0.1 with sample
# mail, a throwaway configuration and store, `satchel fetch`, then the
# reader. Everything is removed when the reader exits.
#
#   sh tools/demo.sh [EXTRA CONFIGURE ARGUMENTS...]
#
# Environment: as for tools/check.sh (BUILD_DIR, JOBS, SATCHEL_SKIP_DEPS,
# SATCHEL_SKIP_BOOTSTRAP).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-build}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}

cd "$top"
if test "${SATCHEL_SKIP_DEPS:-0}" != 1; then
	sh tools/install-deps.sh
fi
sh tools/build-tree.sh "$build" "$jobs" "$@"
cd "$build"
make demo
