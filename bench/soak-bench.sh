#!/bin/sh
# soak-bench.sh: the store under real use, for longer than `make check`
# runs it. Runs tests/func/t1040-store-concurrent.sh (the reader in tmux,
# the cron line, compose, queue, search, import, reindex, random kill -9,
# mail arriving on a private Dovecot, a private SMTP server) for
# SATCHEL_SOAK_SECONDS (default 600) and prints its TAP output, which ends
# with the counts of what ran and the checks: integrity_check, every
# server message stored once, nothing sent twice or lost, the reader's
# queue count.
#
#   nice -n 19 sh bench/soak-bench.sh [BUILDDIR]
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
SATCHEL_SOAK_SECONDS=${SATCHEL_SOAK_SECONDS:-600}
SATCHEL_TEST_REQUIRE=1
export SATCHEL_SOAK_SECONDS SATCHEL_TEST_REQUIRE
cd "$build"
start=$(date +%s)
rc=0
top_srcdir=$top top_builddir=$build SATCHEL=$build/satchel \
    sh "$top/tests/func/t1040-store-concurrent.sh" || rc=$?
echo "# soak of ${SATCHEL_SOAK_SECONDS} s: exit $rc after $(( $(date +%s) - start )) s"
exit $rc
