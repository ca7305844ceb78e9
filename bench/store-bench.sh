#!/bin/sh
# store-bench.sh [N] [SATCHEL]: generate N realistic messages (default
# 20000) and measure, on the same data in one run, satchel against notmuch
# and mu (maildir-utils): first index, re-run with nothing changed, peak
# RSS, and the first page of typical searches. Results go to stdout as
# Markdown (doc/bench/store.md keeps a copy). Needs python3, GNU time;
# notmuch and mu are skipped when missing.
set -u
N=${1:-20000}
SATCHEL=${2:-$(pwd)/satchel}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/store-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME=$work/home XDG_DATA_HOME=$work/home/data \
    XDG_CONFIG_HOME=$work/home/config XDG_CACHE_HOME=$work/home/cache
mkdir -p "$HOME"

python3 "$here/store-gen.py" "$work/mail" "$N" || exit 1
size=$(du -sm "$work/mail" | cut -f1)
echo "## $N messages, $size MB ($(nproc) cores, $(date -u +%Y-%m-%d))"
echo
echo "| step | tool | time | peak RSS |"
echo "| --- | --- | ---: | ---: |"

# run LABEL TOOL CMD...: one timed run, page cache warm for everyone.
run() {
	label=$1 tool=$2
	shift 2
	/usr/bin/time -f '%e %M' -o "$work/t" "$@" >/dev/null 2>&1
	read -r secs kb <"$work/t"
	echo "| $label | $tool | ${secs} s | $((kb / 1024)) MiB |"
}

find "$work/mail" -type f -exec cat {} + >/dev/null
# satchel: import copies the Maildir into the store (write + sync + index);
# reindex indexes a store's Maildir in place, as notmuch and mu do.
run "import (copy + index)" satchel "$SATCHEL" import -q "$work/mail"
run "import again, nothing changed" satchel "$SATCHEL" import -q "$work/mail"
rm -f "$XDG_DATA_HOME"/satchel/index.sqlite*
run "index in place (reindex, no index)" satchel "$SATCHEL" reindex -q
run "reindex again, nothing changed" satchel "$SATCHEL" reindex -q

if command -v notmuch >/dev/null 2>&1; then
	printf '[database]\npath=%s\n[new]\ntags=\n[search]\n' "$work/mail" \
	    >"$work/notmuch-config"
	export NOTMUCH_CONFIG=$work/notmuch-config
	run "index in place (new)" notmuch notmuch new --quiet
	run "new again, nothing changed" notmuch notmuch new --quiet
fi
if command -v mu >/dev/null 2>&1; then
	mu init --muhome="$work/mu" --maildir="$work/mail" >/dev/null 2>&1
	run "index in place (index)" mu mu index --muhome="$work/mu" --quiet
	run "index again, nothing changed" mu mu index --muhome="$work/mu" --quiet
fi

# Words for searches: a rare and a common one from the data itself.
common=$(head -c 200000 "$work/mail/cur/$(ls "$work/mail/cur" | head -n 1)" |
    sed -n '/^$/,$p' | tr ' ' '\n' | grep -E '^[a-z]{4,}$' | head -n 1)
rare=$(ls "$work"/mail/cur | tail -n 1)
rare=$(sed -n '/^$/,$p' "$work/mail/cur/$rare" | tr ' ' '\n' |
    grep -E '^[a-z]{8,}$' | sort | uniq -c | sort -n | awk 'NR==1 {print $2}')
echo
echo "Searches, first page of 50 (median of 5 runs, ms; whole process):"
echo
echo "| search | satchel | notmuch | mu |"
echo "| --- | ---: | ---: | ---: |"
ms() {
	best=""
	for _ in 1 2 3 4 5; do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1
		e=$(date +%s%N)
		best="$best $(((e - s) / 1000000))"
	done
	echo "$best" | tr ' ' '\n' | sed '/^$/d' | sort -n | sed -n 3p
}
search_row() {
	label=$1 sq=$2 nq=$3 mq=$4
	a=$(ms "$SATCHEL" search --limit 50 "$sq")
	b=-; c=-
	command -v notmuch >/dev/null 2>&1 &&
	    b=$(ms notmuch search --limit=50 --output=messages "$nq")
	command -v mu >/dev/null 2>&1 &&
	    c=$(ms mu find --muhome="$work/mu" --maxnum=50 "$mq")
	echo "| $label | $a | $b | $c |"
}
search_row "rare word ($rare)" "$rare" "$rare" "$rare"
search_row "common word ($common)" "$common" "$common" "$common"
search_row "from:" "from:user7@example7.org" "from:user7@example7.org" \
    "from:user7@example7.org"
search_row "subject:" "subject:$common" "subject:$common" "subject:$common"
search_row "phrase" "\"$common $common\"" "\"$common $common\"" \
    "\"$common $common\""
search_row "date range" "date:2020-02..2020-03" "date:2020-02..2020-03" \
    "date:20200201..20200331"
search_row "all" "" "*" ""
a=$(ms "$SATCHEL" search --count "$common")
echo
echo "satchel search --count $common: $a ms"
