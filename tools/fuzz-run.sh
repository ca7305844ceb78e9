#!/bin/sh
# fuzz-run.sh: build every libFuzzer harness in tests/fuzz/ and run each for
# FUZZ_SECONDS (default 60) on a temporary corpus. Exits 1 if any harness
# found a crash, a leak, a timeout or an out-of-memory; the inputs that did
# it are kept in the artifact directory printed at the end.
#
# Usage: tools/fuzz-run.sh [NAME...]        (NAME: sanitize, config, ...)
#
# Environment:
#   FUZZ_SECONDS     seconds per harness (default 60; CI uses about 20)
#   FUZZ_BUILDDIR    a build directory configured with
#                    CC=clang ../configure --enable-fuzzing
#                    (default: the current directory if it is one, else
#                    SRCDIR/build-fuzz, configured on first use)
#   FUZZ_ARTIFACTS   where crashing inputs and logs go
#                    (default: BUILDDIR/fuzz-artifacts)
#   FUZZ_CORPUS_DIR  keep the grown corpora there between runs (default:
#                    a temporary directory, removed at the end)
#   FUZZ_JOBS        make -j (default 4)
#   SATCHEL_CORPUS   real mail used as seeds for the mail harnesses
#                    (default SRCDIR/../shared/corpus); copied at run time
set -u

srcdir=$(cd "$(dirname "$0")/.." && pwd)
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-4}
: "${SATCHEL_CORPUS:=$srcdir/../shared/corpus}"

case $seconds in
''|*[!0-9]*|0) echo "fuzz-run: FUZZ_SECONDS must be a number above 0" >&2
	exit 2 ;;
esac

is_fuzz_build() {
	test -f "$1/Makefile" &&
	    grep -q '^FUZZ_CFLAGS = .*-fsanitize=fuzzer' "$1/Makefile"
}

if test -n "${FUZZ_BUILDDIR:-}"; then
	builddir=$FUZZ_BUILDDIR
elif is_fuzz_build .; then
	builddir=.
else
	builddir=$srcdir/build-fuzz
fi
mkdir -p "$builddir" || exit 2
builddir=$(cd "$builddir" && pwd)
if ! is_fuzz_build "$builddir"; then
	if test -f "$builddir/Makefile"; then
		echo "fuzz-run: $builddir is not configured with --enable-fuzzing" >&2
		exit 2
	fi
	echo "fuzz-run: configuring $builddir (CC=clang --enable-fuzzing)"
	(cd "$builddir" && CC=clang "$srcdir/configure" --enable-fuzzing -q \
	    >configure.out 2>&1) || {
		tail -n 20 "$builddir/configure.out"
		echo "fuzz-run: configure failed (see $builddir/config.log)" >&2
		exit 2
	}
fi
artifacts=${FUZZ_ARTIFACTS:-$builddir/fuzz-artifacts}
mkdir -p "$artifacts" || exit 2

if test $# -gt 0; then
	names=$*
else
	names=
	for f in "$srcdir"/tests/fuzz/fuzz-*.c; do
		n=$(basename "$f" .c)
		n=${n#fuzz-}
		test "$n" = main && continue
		names="$names $n"
	done
fi

targets=
for n in $names; do
	targets="$targets tests/fuzz/fuzz-$n"
done
echo "fuzz-run: building$targets"
make -C "$builddir" -j"$jobs" $targets >"$artifacts/build.log" 2>&1 || {
	tail -n 40 "$artifacts/build.log"
	echo "fuzz-run: build failed (log: $artifacts/build.log)" >&2
	exit 2
}

if test -n "${FUZZ_CORPUS_DIR:-}"; then
	corpora=$FUZZ_CORPUS_DIR
	mkdir -p "$corpora" || exit 2
	tmp=
else
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/satchel-fuzz.XXXXXX") || exit 2
	corpora=$tmp
	trap 'rm -rf "$tmp"' EXIT
	trap 'exit 130' INT TERM HUP
fi

# seed_mail DIR MAXBYTES [PREFIX]: copy the real mail (one message per
# file) that is at most MAXBYTES long into DIR. With PREFIX (render), each
# seed gets an option byte first, cycling through widths and flags.
seed_mail() {
	test -d "$SATCHEL_CORPUS" || return 0
	find "$SATCHEL_CORPUS" -type f \( -name '*.eml' -o -name '*.mbox' \) \
	    -size -"$2"c | {
		i=0
		while IFS= read -r f; do
			i=$((i + 1))
			if test -n "${3:-}"; then
				# Options 0x00-0x3f (render a message), and
				# 0x80 (save parts) for one seed in 16.
				o=$((i % 64))
				test $((i % 16)) = 0 && o=$((o + 128))
				{ printf "\\$(printf %03o "$o")"; cat "$f"; } \
				    >"$1/corpus-$i" 2>/dev/null
			else
				cp "$f" "$1/corpus-$i" 2>/dev/null
			fi
		done
	}
}

failed=
for n in $names; do
	harness=$builddir/tests/fuzz/fuzz-$n
	corpus=$corpora/$n
	mkdir -p "$corpus"
	for d in "$srcdir/tests/fuzz/seeds/$n" "$srcdir/tests/fuzz/regress/$n"; do
		test -d "$d" || continue
		for f in "$d"/*; do
			test -f "$f" && cp "$f" "$corpus/"
		done
	done
	case $n in
	mime)
		max_len=${FUZZ_MAX_LEN:-262144}
		seed_mail "$corpus" "$max_len" ;;
	compose)
		# Each input builds five templates and messages: keep it small.
		max_len=${FUZZ_MAX_LEN:-65536}
		seed_mail "$corpus" "$max_len" ;;
	render)
		max_len=${FUZZ_MAX_LEN:-262144}
		seed_mail "$corpus" $((max_len - 1)) prefix ;;
	*)
		max_len=${FUZZ_MAX_LEN:-16384} ;;
	esac
	set -- -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-20}" \
	    -rss_limit_mb="${FUZZ_RSS_MB:-2048}" -max_len="$max_len" \
	    -print_final_stats=1 -artifact_prefix="$artifacts/$n-"
	dict=$srcdir/tests/fuzz/$n.dict
	case $n in render|compose) dict=$srcdir/tests/fuzz/mime.dict ;; esac
	test -f "$dict" && set -- "$@" -dict="$dict"
	log=$artifacts/$n.log
	echo "fuzz-run: fuzz-$n for ${seconds}s ($(ls "$corpus" | wc -l) seeds)"
	# The outer timeout only catches a harness libFuzzer cannot stop.
	timeout $((seconds + 120)) "$harness" "$@" "$corpus" >"$log" 2>&1
	rc=$?
	grep -E '^stat::number_of_executed_units|^#[0-9]+ +DONE' "$log" |
	    sed "s/^/fuzz-run:   /"
	if test $rc -ne 0; then
		echo "fuzz-run: fuzz-$n FAILED (status $rc); last lines of $log:"
		grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$log" |
		    head -n 20 | sed 's/^/    /'
		tail -n 30 "$log" | sed 's/^/    /'
		failed="$failed $n"
	fi
done

if test -n "$failed"; then
	echo "fuzz-run: failures in:$failed"
	echo "fuzz-run: inputs in $artifacts; minimise one with"
	echo "  HARNESS -minimize_crash=1 -runs=10000 FILE"
	echo "and keep it under tests/fuzz/regress/NAME/"
	exit 1
fi
echo "fuzz-run: all harnesses ran ${seconds}s without a finding"
exit 0
