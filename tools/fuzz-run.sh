#!/bin/sh
# fuzz-run.sh: build every libFuzzer harness in tests/fuzz/ and run each for
# FUZZ_SECONDS (default 60) on a temporary corpus. Exits 1 if any harness
# found a crash, a leak, a timeout or an out-of-memory; the inputs that did
# it are kept in the artifact directory printed at the end.
#
# Usage: tools/fuzz-run.sh [-m MINUTES] [-j PARALLEL] [-n] [NAME...]
#   (NAME: sanitize, config, ...; default every tests/fuzz/fuzz-*.c)
#   -m MINUTES   long mode: MINUTES per harness (overrides FUZZ_SECONDS)
#   -j PARALLEL  run that many harnesses at once (default 1)
#   -n           run the harnesses under nice -n 19
#
# At the end it prints one line per harness: seconds run, executions,
# coverage (libFuzzer's cov: edges and ft: features of its last status
# line) and the result; the same lines are in ARTIFACTS/results/.
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
#   FUZZ_PARALLEL    harnesses run at once (default 1; -j overrides)
#   SATCHEL_CORPUS   real mail used as seeds for the mail harnesses
#                    (default SRCDIR/../shared/corpus); copied at run time
#   FUZZ_MAX_SEEDS   at most that many corpus messages per harness (default:
#                    all; for the harnesses that make a store per input,
#                    as many as the run has seconds)
set -u

srcdir=$(cd "$(dirname "$0")/.." && pwd)
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-4}
parallel=${FUZZ_PARALLEL:-1}
nice=
while test $# -gt 0; do
	case $1 in
	-m|--minutes)
		test $# -ge 2 || { echo "fuzz-run: $1 needs a number" >&2
			exit 2; }
		case $2 in
		''|*[!0-9]*|0) echo "fuzz-run: $1 needs a number above 0" >&2
			exit 2 ;;
		esac
		seconds=$(($2 * 60))
		shift 2 ;;
	-j|--parallel)
		test $# -ge 2 || { echo "fuzz-run: $1 needs a number" >&2
			exit 2; }
		parallel=$2
		shift 2 ;;
	-n|--nice)
		nice="nice -n 19"
		shift ;;
	--)	shift
		break ;;
	-*)	echo "fuzz-run: unknown option $1" >&2
		exit 2 ;;
	*)	break ;;
	esac
done
case $parallel in
''|*[!0-9]*|0) echo "fuzz-run: parallel runs must be a number above 0" >&2
	exit 2 ;;
esac
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

# seed_mail DIR MAXBYTES [PREFIX [SUBDIR...]]: copy the real mail (one
# message per file) that is at most MAXBYTES long into DIR. With PREFIX
# (render), each seed gets an option byte first, cycling through widths and
# flags. With SUBDIRs, only the corpus's folders of those names (the slow
# store harnesses would spend their time reading the whole corpus).
seed_mail() {
	test -d "$SATCHEL_CORPUS" || return 0
	sm_dir=$1 sm_max=$2 sm_prefix=${3:-}
	shift 2
	test $# -gt 0 && shift
	sm_roots=
	for sm_sub in "$@"; do
		test -d "$SATCHEL_CORPUS/$sm_sub" &&
		    sm_roots="$sm_roots $SATCHEL_CORPUS/$sm_sub"
	done
	test $# -gt 0 && test -z "$sm_roots" && return 0
	test $# -eq 0 && sm_roots=$SATCHEL_CORPUS
	set -- "$sm_dir" "$sm_max" "$sm_prefix"
	# shellcheck disable=SC2086
	find $sm_roots -type f \( -name '*.eml' -o -name '*.mbox' \) \
	    -size -"$2"c | sort |
	    awk -v m="$max_seeds" '{ a[NR] = $0 }
		END {	# evenly spread over the corpus folders
			s = NR > m ? NR / m : 1
			for (i = 1; i <= NR && c < m; i += s) { print a[int(i)]; c++ }
		}' | {
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

# run_one NAME: fuzz one harness; its summary line goes to
# $results/NAME.sum ("NAME SECONDS EXECS COV FT RESULT").
run_one() {
	n=$1
	harness=$builddir/tests/fuzz/fuzz-$n
	corpus=$corpora/$n
	mkdir -p "$corpus"
	for d in "$srcdir/tests/fuzz/seeds/$n" "$srcdir/tests/fuzz/regress/$n"; do
		test -d "$d" || continue
		for f in "$d"/*; do
			test -f "$f" && cp "$f" "$corpus/"
		done
	done
	# libFuzzer reads every seed before it looks at the clock: the slow
	# harnesses (a store per input) get about one seed per second of run.
	case $n in
	import|thread|mailcap|dsn|fetch|sidefiles)
		max_seeds=${FUZZ_MAX_SEEDS:-$seconds} ;;
	*)	max_seeds=${FUZZ_MAX_SEEDS:-100000} ;;
	esac
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
	import)
		max_len=${FUZZ_MAX_LEN:-262144}
		seed_mail "$corpus" "$max_len" "" mbox malformed ;;
	thread)
		max_len=${FUZZ_MAX_LEN:-65536}
		seed_mail "$corpus" "$max_len" "" threading lists ;;
	mailcap)
		max_len=${FUZZ_MAX_LEN:-65536}
		seed_mail "$corpus" "$max_len" "" mime hostile ;;
	dsn)
		max_len=${FUZZ_MAX_LEN:-65536}
		seed_mail "$corpus" "$max_len" "" bounces ;;
	fetch)
		# The POP3 session's scripts suit the fetch too.
		max_len=${FUZZ_MAX_LEN:-16384}
		for f in "$srcdir"/tests/fuzz/seeds/pop3/*; do
			test -f "$f" && cp "$f" "$corpus/pop3-${f##*/}"
		done ;;
	*)
		max_len=${FUZZ_MAX_LEN:-16384} ;;
	esac
	set -- -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-20}" \
	    -rss_limit_mb="${FUZZ_RSS_MB:-2048}" -max_len="$max_len" \
	    -print_final_stats=1 -artifact_prefix="$artifacts/$n-"
	dict=$srcdir/tests/fuzz/$n.dict
	case $n in
	render|compose) dict=$srcdir/tests/fuzz/mime.dict ;;
	fetch) dict=$srcdir/tests/fuzz/pop3.dict ;;
	esac
	test -f "$dict" && set -- "$@" -dict="$dict"
	log=$artifacts/$n.log
	echo "fuzz-run: fuzz-$n for ${seconds}s ($(ls "$corpus" | wc -l) seeds)"
	# The outer timeout only catches a harness libFuzzer cannot stop.
	started=$(date +%s)
	timeout $((seconds + 300)) $nice "$harness" "$@" "$corpus" >"$log" 2>&1
	rc=$?
	ran=$(( $(date +%s) - started ))
	# libFuzzer's final status line (DONE, or the last one before a
	# crash) carries the coverage; -print_final_stats the executions.
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -n 1)
	line=$(grep -E '^#[0-9]+[[:space:]].*cov: [0-9]+ ft: [0-9]+' "$log" |
	    tail -n 1)
	cov=$(printf '%s\n' "$line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(printf '%s\n' "$line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	test -n "$execs" ||
	    execs=$(printf '%s\n' "$line" | sed -n 's/^#\([0-9]*\).*/\1/p')
	if test $rc -eq 124 && grep -q '^Done [0-9]* runs' "$log" &&
	    ! grep -q 'ERROR: \|runtime error\|^SUMMARY' "$log"; then
		# The run finished; only the exit (the final leak scan of a
		# big heap on a starved machine) outlasted the outer timeout.
		rc=0
		echo "fuzz-run: fuzz-$n finished but was slow to exit"
	fi
	if test $rc -eq 0; then
		result=ok
	else
		result="FAILED($rc)"
		echo "fuzz-run: fuzz-$n FAILED (status $rc); last lines of $log:"
		grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$log" |
		    head -n 20 | sed 's/^/    /'
		tail -n 30 "$log" | sed 's/^/    /'
	fi
	echo "$n ${ran:-?} ${execs:-?} ${cov:-?} ${ft:-?} $result" \
	    >"$results/$n.sum"
	echo "fuzz-run: fuzz-$n: ${ran}s, ${execs:-?} execs, cov ${cov:-?}," \
	    "ft ${ft:-?}, $result"
}

results=$artifacts/results
rm -rf "$results"
mkdir -p "$results" || exit 2
# Lanes: harness i runs in lane i % parallel, each lane one at a time.
lane=0
pids=
while test "$lane" -lt "$parallel"; do
	i=0
	mine=
	for n in $names; do
		test $((i % parallel)) = "$lane" && mine="$mine $n"
		i=$((i + 1))
	done
	if test "$parallel" -eq 1; then
		for n in $mine; do run_one "$n"; done
	else
		( for n in $mine; do run_one "$n"; done ) &
		pids="$pids $!"
	fi
	lane=$((lane + 1))
done
for p in $pids; do
	wait "$p"
done

failed=
echo "fuzz-run: summary (harness, seconds, execs, cov, ft, result)"
for n in $names; do
	if test -f "$results/$n.sum"; then
		read -r _ ran execs cov ft result <"$results/$n.sum"
	else
		ran=? execs=? cov=? ft=? result=missing
	fi
	printf 'fuzz-run:   %-10s %6s %10s %6s %7s  %s\n' "$n" "$ran" "$execs" \
	    "$cov" "$ft" "$result"
	test "$result" = ok || failed="$failed $n"
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
