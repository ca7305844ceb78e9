#!/bin/sh
# bundle-bench.sh [BUILDDIR]: the bundle (make bundle): its size, packed
# and unpacked, and the time from start to a drawn reader, run through the
# bundle's launcher (its own loader and libraries) and, for comparison,
# the program of BUILDDIR as built (the system's libraries), on the same
# store of BUNDLE_BENCH_N messages.
#
# Environment:
#   BUNDLE_BENCH_N=1000     messages in the store (bench/store-gen.py)
#   BUNDLE_BENCH_RUNS=10    start-up runs of each
# Prints a Markdown report on stdout.
set -eu
srcdir=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$srcdir/build}" && pwd)
N=${BUNDLE_BENCH_N:-1000}
RUNS=${BUNDLE_BENCH_RUNS:-10}
dir=$(mktemp -d "${TMPDIR:-/tmp}/satchel-bundle-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
export LC_ALL=C.UTF-8 TERM=xterm-256color
unset NO_COLOR

make -C "$build" bundle >"$dir/bundle.log" 2>&1 ||
    { cat "$dir/bundle.log" >&2; exit 1; }
tarball=$(ls "$build"/satchel-*-linux.tar.gz | head -n 1)
tar -C "$dir" -xzf "$tarball"
launcher=$(ls "$dir"/satchel-*-linux/satchel)
packed=$(du -k "$tarball" | cut -f1)
unpacked=$(du -sk "$(dirname "$launcher")" | cut -f1)
libs=$(du -sk "$(dirname "$launcher")/lib" | cut -f1)
gconv=$(du -sk "$(dirname "$launcher")/lib/gconv" | cut -f1)

python3 "$srcdir/bench/store-gen.py" "$dir/md" "$N" >/dev/null
printf '[general]\nstore = %s/store\n' "$dir" >"$dir/conf"
chmod 600 "$dir/conf"
"$build/satchel" -c "$dir/conf" import "$dir/md" >/dev/null 2>&1

# start CMD...: the median of RUNS start-ups, and the smallest and largest.
start() {
	python3 "$srcdir/bench/ui-pty.py" --runs "$RUNS" -- "$@" |
	    python3 -c '
import json, statistics, sys
t = [x for x in json.load(sys.stdin)["start_ms"] if x is not None]
print("%.0f ms (%.0f-%.0f, %d runs)" % (statistics.median(t), min(t),
    max(t), len(t)) if t else "no drawn reader")'
}
# Alternate, so that a change in the machine's load hits both alike.
b1=$(start "$launcher" -c "$dir/conf")
s1=$(start "$build/satchel" -c "$dir/conf")
b2=$(start "$launcher" -c "$dir/conf")
s2=$(start "$build/satchel" -c "$dir/conf")

cat <<EOF
## The bundle ($(basename "$tarball"))

| what | measured |
| --- | --- |
| packed (tar.gz) | $((packed / 1024)).$(( (packed % 1024) * 10 / 1024 )) MB ($packed KB) |
| unpacked | $((unpacked / 1024)) MB; libraries $((libs / 1024)) MB, of which the C library's converters $((gconv / 1024)) MB |
| start to a drawn reader, $N messages, bundle | $b1; again $b2 |
| the same, the program as built (system libraries) | $s1; again $s2 |
EOF
