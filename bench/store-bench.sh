#!/bin/sh
# store-bench.sh [N] [SATCHEL]: generate N realistic messages (default
# 20000) and measure, on the same data in one run, satchel against notmuch
# and mu (maildir-utils): indexing from nothing, re-runs with nothing
# changed, `reindex --full`, peak RSS, start-up, and the first page of 50
# results and the count for every class of search. The tools run
# alternately (satchel, notmuch, mu, satchel, ...) so that the machine's
# load hits them alike; every row prints the ratio satchel / other.
# Results go to stdout as Markdown (doc/bench/store.md keeps a copy).
#
# store-bench.sh big N [SATCHEL]: satchel alone on N generated small
# messages (about 1.5 KB each, to keep a million on a laptop's disk):
# index from nothing, then the first page and the count of every search
# (STORE_BENCH_MAIL may name any Maildir to use instead).
#
# Environment:
#   STORE_BENCH_RUNS=10   runs per search and tool (the median is shown)
#   STORE_BENCH_COLD=1    also run each search with the page cache dropped
#                         (root only: echo 3 > /proc/sys/vm/drop_caches)
#   STORE_BENCH_COLD_RUNS=3
#   STORE_BENCH_MAIL=DIR  use (and keep) DIR as the generated Maildir,
#                         generating it only if missing
#   STORE_BENCH_JOBS=2    processes generating the Maildir
#   STORE_BENCH_WORK=DIR  keep the stores and indexes of all three tools in
#                         DIR; a later run with the same DIR skips indexing
#                         and measures only start-up and searches (e.g. a
#                         new satchel binary against the same indexes)
#   STORE_BENCH_REINDEX=1 with such a DIR: first bring satchel's index up
#                         to date with this binary (a schema migration),
#                         then time its `reindex --full` again, against
#                         the `notmuch new` time the first run recorded
# Needs python3 and GNU time; notmuch and mu are skipped when missing.
# Run it under `nice -n 19` on a shared machine: the report prints the
# load average next to each table.
set -u
big=0
if test "${1:-}" = big; then
	big=1
	shift
fi
N=${1:-20000}
SATCHEL=${2:-$(pwd)/satchel}
RUNS=${STORE_BENCH_RUNS:-10}
COLD=${STORE_BENCH_COLD:-1}
COLD_RUNS=${STORE_BENCH_COLD_RUNS:-3}
JOBS=${STORE_BENCH_JOBS:-2}
here=$(cd "$(dirname "$0")" && pwd)
if test -n "${STORE_BENCH_WORK:-}"; then
	work=$STORE_BENCH_WORK
	mkdir -p "$work" || exit 1
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/store-bench.XXXXXX")
	trap 'rm -rf "$work"' EXIT
fi
export HOME=$work/home XDG_DATA_HOME=$work/home/data \
    XDG_CONFIG_HOME=$work/home/config XDG_CACHE_HOME=$work/home/cache
mkdir -p "$HOME"
store=$XDG_DATA_HOME/satchel

has_nm=0
has_mu=0
if test $big = 0; then
	command -v notmuch >/dev/null 2>&1 && has_nm=1
	command -v mu >/dev/null 2>&1 && has_mu=1
fi
can_drop=0
if test "$COLD" = 1 && test "$(id -u)" = 0 &&
    test -w /proc/sys/vm/drop_caches; then
	can_drop=1
fi

mail=${STORE_BENCH_MAIL:-$work/mail}
if ! test -d "$mail/cur"; then
	python3 "$here/store-gen.py" "$mail" "$N" 42 "$JOBS" $big || exit 1
fi
N=$(find "$mail/cur" "$mail/new" -type f | wc -l)
size=$(du -sm "$mail" | cut -f1)
load() {
	cut -d' ' -f1-3 /proc/loadavg
}
echo "## $N messages, $size MB ($(nproc) cores, $(date -u '+%Y-%m-%d %H:%M') UTC)"
echo
test $big = 1 && test -z "${STORE_BENCH_MAIL:-}" &&
    echo "Small generated messages (about 1.5 KB each); satchel alone." &&
    echo
test $big = 1 && test -n "${STORE_BENCH_MAIL:-}" &&
    echo "The messages of the Maildir in STORE_BENCH_MAIL; satchel alone." && echo
echo "Versions: $("$SATCHEL" --version)$(test $has_nm = 1 &&
    echo ", $(notmuch --version)")$(test $has_mu = 1 &&
    echo ", mu $(mu --version | sed -n 's/.*version \([0-9.]*\).*/\1/p;q')")."
echo
indexed=0
test -f "$work/indexed" && indexed=1

# run LABEL TOOL CMD...: one timed run.
run() {
	label=$1 tool=$2
	shift 2
	/usr/bin/time -f '%e %M' -o "$work/t" "$@" >/dev/null 2>&1
	read -r secs kb <"$work/t"
	echo "| $label | $tool | ${secs} s | $((kb / 1024)) MiB |"
	eval "t_$(echo "$label" | tr -c 'a-z0-9\n' '_')_$tool=$secs"
	echo "t_$(echo "$label" | tr -c 'a-z0-9\n' '_')_$tool=$secs" \
	    >>"$work/index-times"
}
# The size of each tool's index, in MB.
sizes() {
	echo
	echo "Index size: satchel $(du -cm "$store"/index.sqlite* | tail -n 1 |
	    cut -f1) MB$(test $has_nm = 1 && echo ", notmuch $(du -sm \
	    "$mail/.notmuch" | cut -f1) MB")$(test $has_mu = 1 &&
	    echo ", mu $(du -sm "$work/mu" | cut -f1) MB") (mail $size MB)."
}

if test $has_nm = 1; then
	printf '[database]\npath=%s\n[new]\ntags=\n[search]\n' "$mail" \
	    >"$work/notmuch-config"
	export NOTMUCH_CONFIG=$work/notmuch-config
fi
if test $indexed = 1; then
	echo "Indexes as built by an earlier run in $work (indexing not measured"
	echo "again)."
	echo
	if test "${STORE_BENCH_REINDEX:-0}" = 1; then
		# shellcheck disable=SC1091
		. "$work/index-times"
		s=$(date +%s%N)
		"$SATCHEL" reindex -q >/dev/null 2>&1
		e=$(date +%s%N)
		echo "This binary's first open of that index (schema" \
		    "migration, load $(load)): $(((e - s) / 1000000)) ms."
		echo
		echo "| step | tool | time | peak RSS |"
		echo "| --- | --- | ---: | ---: |"
		run "reindex --full (index present)" satchel \
		    "$SATCHEL" reindex --full -q
		echo
		echo "Load average at the end: $(load); \`notmuch new\` from" \
		    "nothing took ${t_index_from_nothing_notmuch:-?} s in the" \
		    "first run."
		awk -v f="${t_reindex___full__index_present__satchel:-0}" \
		    -v n="${t_index_from_nothing_notmuch:-0}" 'BEGIN {
			if (f > 0 && n > 0)
				printf "\nnotmuch new / satchel reindex --full: %.1fx.\n", n / f
		}'
	fi
else
	echo "Indexing (load average at the start: $(load)):"
	echo
	echo "| step | tool | time | peak RSS |"
	echo "| --- | --- | ---: | ---: |"
	# The store's INBOX is the generated Maildir (hard links: nothing copied),
	# indexed in place, as notmuch and mu index it.
	mkdir -p "$store"
	cp -al "$mail" "$store/INBOX"
	find "$mail" -type f -exec cat {} + >/dev/null
	run "index from nothing" satchel "$SATCHEL" reindex -q
	run "again, nothing changed" satchel "$SATCHEL" reindex -q
	# (Not on the big store: only its searches are measured.)
	test $big = 1 ||
	    run "reindex --full (index present)" satchel "$SATCHEL" reindex --full -q
	if test $has_nm = 1; then
		run "index from nothing" notmuch notmuch new --quiet
		run "again, nothing changed" notmuch notmuch new --quiet
	fi
	if test $has_mu = 1; then
		mu init --muhome="$work/mu" --maildir="$mail" >/dev/null 2>&1
		run "index from nothing" mu mu index --muhome="$work/mu" --quiet
		run "again, nothing changed" mu mu index --muhome="$work/mu" --quiet
	fi
	echo
	echo "Load average at the end: $(load)."
	if test $has_nm = 1; then
		awk -v f="${t_reindex___full__index_present__satchel:-0}" \
		    -v z="${t_index_from_nothing_satchel:-0}" \
		    -v n="${t_index_from_nothing_notmuch:-0}" 'BEGIN {
			if (f > 0 && z > 0)
				printf "\nnotmuch new / satchel: %.1fx (reindex --full), %.1fx (from nothing).\n", n / f, n / z
		}'
	fi

	touch "$work/indexed"
fi
sizes

# Search terms from the data itself: a common word, a rare one, a second
# common word, a phrase of two adjacent words, a prefix.
first=$(ls "$mail/cur" | head -n 1)
words=$(sed -n '/^$/,$p' "$mail/cur/$first" | tr ' ' '\n' |
    grep -E '^[a-z]{4,}$')
common=$(echo "$words" | head -n 1)
common2=$(echo "$words" | grep -v "^$common\$" | head -n 1)
# The generator's word frequencies fall with the alphabet (Zipf over the
# sorted vocabulary): the last word of a message in that order is rare.
rare=$(ls "$mail"/cur | tail -n 1)
rare=$(sed -n '/^$/,$p' "$mail/cur/$rare" | tr ' ' '\n' |
    grep -E '^[a-z]{6,}$' | sort -u | tail -n 1)
phrase=$(sed -n '/^$/,$p' "$mail/cur/$first" | grep -E '^[a-z]+ [a-z]+ ' |
    head -n 1 | cut -d' ' -f1-2)
prefix=$(echo "$common" | cut -c1-3)

# ms CMD...: wall time of one run, in ms (whole process), and its CPU time
# (user + system, from perf stat's task-clock) as WALL:CPU; under load the
# CPU time is what the process itself cost, the wall time what it waited.
has_perf=0
perf stat -x, -e task-clock -o "$work/p" true >/dev/null 2>&1 && has_perf=1
ms() {
	s=$(date +%s%N)
	if test $has_perf = 1; then
		perf stat -x, -e task-clock -o "$work/p" -- "$@" >/dev/null 2>&1
	else
		"$@" >/dev/null 2>&1
	fi
	e=$(date +%s%N)
	c=-
	test $has_perf = 1 &&
	    c=$(awk -F, '/task-clock/ { printf "%.1f", $1 }' "$work/p")
	echo "$(((e - s) / 1000000)):$c"
}
drop() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
}
# median FIELD: median of the WALL:CPU samples on stdin (FIELD 1: wall,
# 2: CPU).
median() {
	tr ' ' '\n' | sed '/^$/d' | cut -d: -f"$1" | grep -v '^-$' | sort -n |
	    awk '{ v[NR] = $1 }
	    END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2];
	    else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "-" || b == "-" || b + 0 == 0) print "-";
		else printf "%.2f", a / b }'
}

# row MODE LABEL SATCHEL-QUERY NOTMUCH-QUERY MU-QUERY: one table row; the
# tools take turns, RUNS rounds (MODE cold: COLD_RUNS, caches dropped
# before every run). MODE count: counts instead of first pages.
row() {
	mode=$1 label=$2 sq=$3 nq=$4 mq=$5
	a="" b="" c=""
	rounds=$RUNS
	case $mode in cold*) rounds=$COLD_RUNS ;; esac
	i=0
	while test $i -lt $rounds; do
		case $mode in cold*) drop ;; esac
		if test "$mode" = count || test "$mode" = coldcount; then
			a="$a $(ms "$SATCHEL" search --count "$sq")"
		else
			a="$a $(ms "$SATCHEL" search --limit 50 "$sq")"
		fi
		if test $has_nm = 1; then
			case $mode in cold*) drop ;; esac
			if test "$mode" = count || test "$mode" = coldcount
			then
				b="$b $(ms notmuch count "$nq")"
			else
				b="$b $(ms notmuch search --limit=50 \
				    --output=messages "$nq")"
			fi
		fi
		if test $has_mu = 1 && test "$mode" != count &&
		    test "$mode" != coldcount; then
			test "$mode" = cold && drop
			c="$c $(ms mu find --muhome="$work/mu" --maxnum=50 \
			    --sortfield=date --reverse "$mq")"
		fi
		i=$((i + 1))
	done
	aw=$(echo "$a" | median 1) ac=$(echo "$a" | median 2)
	bw=$(echo "$b" | median 1) bc=$(echo "$b" | median 2)
	cw=$(echo "$c" | median 1) cc=$(echo "$c" | median 2)
	hits=$("$SATCHEL" search --count "$sq" 2>/dev/null)
	if test $big = 1; then
		echo "| $label | \`$sq\` | $hits | $aw | $ac |"
	else
		echo "| $label | \`$sq\` | $hits | $aw ($ac) | $bw ($bc) |" \
		    "$cw ($cc) | $(ratio "$aw" "$bw") | $(ratio "$ac" "$bc") |" \
		    "$(ratio "$aw" "$cw") | $(ratio "$ac" "$cc") |"
	fi
}
queries() {
	mode=$1
	row "$mode" "word" "$common" "$common" "$common"
	row "$mode" "rare word" "$rare" "$rare" "$rare"
	row "$mode" "from:" from:user7@example7.org from:user7@example7.org \
	    from:user7@example7.org
	row "$mode" "to:" to:user9@example9.org to:user9@example9.org \
	    to:user9@example9.org
	row "$mode" "subject:" "subject:$common" "subject:$common" \
	    "subject:$common"
	row "$mode" "phrase" "\"$phrase\"" "\"$phrase\"" "\"$phrase\""
	row "$mode" "date range" date:2020-02..2020-03 date:2020-02..2020-03 \
	    date:20200201..20200331
	row "$mode" "is:unread" is:unread tag:unread flag:unread
	row "$mode" "has:attachment" has:attachment tag:attachment \
	    flag:attach
	row "$mode" "folder:" folder:INBOX 'folder:""' maildir:/
	row "$mode" "NOT" "NOT $common" "NOT $common" "NOT $common"
	row "$mode" "OR" "$rare OR $common2" "$rare OR $common2" \
	    "$rare OR $common2"
	row "$mode" "AND NOT" "$common AND NOT $common2" \
	    "$common AND NOT $common2" "$common AND NOT $common2"
	row "$mode" "prefix*" "$prefix*" "$prefix*" "$prefix*"
}
header() {
	if test $big = 1; then
		echo "| search | satchel query | matches | wall | CPU |"
		echo "| --- | --- | ---: | ---: | ---: |"
	else
		echo "| search | satchel query | matches | satchel | notmuch" \
		    "| mu | s/n wall | s/n CPU | s/m wall | s/m CPU |"
		echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |" \
		    "---: | ---: |"
	fi
}

echo
echo "Start-up: \`--version\`, median of $RUNS runs, ms wall (CPU) (load $(load)):"
echo
a="" b="" c=""
i=0
while test $i -lt "$RUNS"; do
	a="$a $(ms "$SATCHEL" --version)"
	test $has_nm = 1 && b="$b $(ms notmuch --version)"
	test $has_mu = 1 && c="$c $(ms mu --version)"
	i=$((i + 1))
done
echo "| satchel | notmuch | mu |"
echo "| ---: | ---: | ---: |"
echo "| $(echo "$a" | median 1) ($(echo "$a" | median 2)) |" \
    "$(echo "$b" | median 1) ($(echo "$b" | median 2)) |" \
    "$(echo "$c" | median 1) ($(echo "$c" | median 2)) |"

echo
echo "First page of 50, newest first, page cache warm: median of $RUNS runs,"
echo "ms, whole process, wall (CPU); ratios satchel / other, wall and CPU"
echo "(load at the start: $(load)):"
echo
header
queries warm
echo
echo "Load average at the end: $(load)."
echo
echo "Count (\`satchel search --count\`, \`notmuch count\`; mu has no count):"
echo "median of $RUNS runs, ms (load at the start: $(load)):"
echo
header
queries count
echo
echo "Load average at the end: $(load)."
if test $can_drop = 1; then
	echo
	echo "First page of 50, page cache dropped before every run"
	echo "(echo 3 > /proc/sys/vm/drop_caches): median of $COLD_RUNS runs, ms"
	echo "(load at the start: $(load)):"
	echo
	header
	queries cold
	echo
	echo "Load average at the end: $(load)."
	echo
	echo "Count, page cache dropped before every run: median of"
	echo "$COLD_RUNS runs, ms (load at the start: $(load)):"
	echo
	header
	queries coldcount
	echo
	echo "Load average at the end: $(load)."
else
	echo
	echo "Cold cache: skipped (needs root and STORE_BENCH_COLD=1)."
fi
