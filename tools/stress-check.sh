#!/bin/sh
# stress-check.sh: the suite must not depend on a quiet machine. Runs
# `make -j4 check` three times in a row in a built tree while two
# CPU-bound processes run alongside, and reports each run's counts.
#
#   sh tools/stress-check.sh [BUILD_DIR]      (default: build)
#
# Environment: RUNS (default 3), HOGS (default 2), JOBS (default 4),
# SATCHEL_TEST_TIMEOUT (passed on to the tests, see tests/lib.sh).
# Exits 0 only if every run had 0 failures and 0 errors. The CPU-bound
# processes are this script's children and end with it.
set -u

build=${1:-build}
runs=${RUNS:-3}
hogs=${HOGS:-2}
jobs=${JOBS:-4}

test -f "$build/Makefile" || {
	echo "stress-check: $build is not a configured build directory" >&2
	exit 1
}

hog_pids=
stop_hogs() {
	for p in $hog_pids; do
		kill "$p" 2>/dev/null || true
	done
	hog_pids=
}
trap 'stop_hogs' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

i=0
while test $i -lt "$hogs"; do
	# A busy loop in the shell: one core's worth of work each.
	sh -c 'while :; do :; done' &
	hog_pids="$hog_pids $!"
	i=$((i + 1))
done
echo "stress-check: $hogs CPU-bound processes running:$hog_pids"

bad=0
n=1
while test $n -le "$runs"; do
	t0=$(date +%s)
	make -C "$build" -j"$jobs" check >"$build/stress-check-$n.out" 2>&1
	rc=$?
	t1=$(date +%s)
	counts=$(grep -E '^# (TOTAL|PASS|SKIP|FAIL|ERROR):' \
	    "$build/stress-check-$n.out" | tr -s ' ' | tr '\n' ' ')
	echo "stress-check: run $n: exit $rc after $((t1 - t0)) s: $counts"
	if test $rc -ne 0; then
		bad=1
		grep -E '^(FAIL|ERROR):' "$build/stress-check-$n.out"
		for log in $(grep -lE '^(not ok|ERROR)' \
		    "$build"/tests/func/*.log "$build"/tests/unit/*.log \
		    2>/dev/null); do
			cp "$log" "$log.stress-$n" 2>/dev/null || true
		done
	fi
	n=$((n + 1))
done
stop_hogs
test $bad -eq 0 && echo "stress-check: $runs runs, 0 failures, 0 errors"
exit $bad
