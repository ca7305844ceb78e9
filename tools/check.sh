#!/bin/sh
# check.sh: from a fresh clone, install the dependencies, build satchel and
# run the whole test suite.
#
#   sh tools/check.sh [EXTRA CONFIGURE ARGUMENTS...]
#
# Environment: BUILD_DIR (default: build), JOBS (default: number of CPUs),
# SATCHEL_SKIP_DEPS=1 to skip tools/install-deps.sh. autoreconf and configure
# run only when needed (tools/build-tree.sh), so a second run starts at make.
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
make -j"$jobs" check
