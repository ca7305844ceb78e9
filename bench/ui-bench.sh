#!/bin/sh
# ui-bench.sh [BUILDDIR]: the reader against mutt and neomutt on the same
# Maildir: time from start to a drawn index, peak RSS, and the bytes each
# writes to the terminal for line down, page down, open a message and back,
# at 80x24 and 200x50. Then the same start-up on a store grown to
# UI_BENCH_BIG rows with synthetic copies of the index rows.
#
# Environment:
#   UI_BENCH_N=100000       messages in the Maildir (bench/store-gen.py)
#   UI_BENCH_RUNS=5         start-up runs per program and size
#   UI_BENCH_BIG=1000000    rows for the large-store start-up (0: skip)
#   UI_BENCH_DIR=DIR        keep and reuse data in DIR (md/, store/)
# Prints a Markdown report on stdout.
set -eu
srcdir=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$srcdir/build}
satchel=$build/satchel
N=${UI_BENCH_N:-100000}
RUNS=${UI_BENCH_RUNS:-5}
BIG=${UI_BENCH_BIG:-1000000}
if test -n "${UI_BENCH_DIR:-}"; then
	dir=$UI_BENCH_DIR
	mkdir -p "$dir"
else
	dir=$(mktemp -d "${TMPDIR:-/tmp}/satchel-ui-bench.XXXXXX")
	trap 'rm -rf "$dir"' EXIT
fi
pty="python3 $srcdir/bench/ui-pty.py"
export LC_ALL=C.UTF-8 TERM=xterm-256color
unset NO_COLOR

if ! test -d "$dir/md/cur"; then
	echo "generating $N messages..." >&2
	python3 "$srcdir/bench/store-gen.py" "$dir/md" "$N" >/dev/null
fi
printf '[general]\nstore = %s/store\n' "$dir" >"$dir/conf"
chmod 600 "$dir/conf"
if ! test -d "$dir/store"; then
	echo "importing..." >&2
	"$satchel" -c "$dir/conf" import "$dir/md" >&2
fi
mkdir -p "$dir/hc"
cat >"$dir/muttrc" <<EOF
set mbox_type=Maildir
set sort=reverse-date
set header_cache=$dir/hc
set mark_old=no
set quit=yes
set move=no
set confirmappend=no
EOF

# Header caches: time a cold start that fills them (one run).
cold() {
	rm -rf "$dir/hc" && mkdir -p "$dir/hc"
	$pty --runs 1 -- "$@" | python3 -c \
	    'import json,sys; print(json.load(sys.stdin)["start_ms"][0])'
}
# A program that is not installed is left out of the tables.
have() { command -v "$1" >/dev/null 2>&1; }
mutt_fill=-
have mutt && mutt_fill=$(cold mutt -n -F "$dir/muttrc" -f "$dir/md")
rm -rf "$dir/hc" && mkdir -p "$dir/hc"
neomutt_fill=-
have neomutt &&
    neomutt_fill=$(cold neomutt -n -F "$dir/muttrc" -f "$dir/md")
mkdir -p "$dir/hc"

res=$dir/results
: >"$res"
for size in 80x24 200x50; do
	c=${size%x*} r=${size#*x}
	echo "measuring at $size..." >&2
	printf 'satchel %s ' "$size" >>"$res"
	$pty --cols "$c" --rows "$r" --runs "$RUNS" --quit x -- \
	    "$satchel" -c "$dir/conf" >>"$res"
	for prog in mutt neomutt; do
		have $prog || continue
		printf '%s %s ' $prog "$size" >>"$res"
		$pty --cols "$c" --rows "$r" --runs "$RUNS" -- \
		    $prog -n -F "$dir/muttrc" -f "$dir/md" >>"$res"
	done
done

big=
if test "$BIG" -gt 0; then
	echo "growing a copy of the store to $BIG rows..." >&2
	rm -rf "$dir/store-big"
	cp -a "$dir/store" "$dir/store-big"
	db=$(ls "$dir"/store-big/*.sqlite | head -1)
	have=$(sqlite3 "$db" 'SELECT count(*) FROM messages')
	copies=$(( (BIG + have - 1) / have - 1 ))
	cols="folder_id, subdir, base, name, account, uidl, message_id,
	    in_reply_to, refs, date, delivered, from_name, from_addr, to_addr,
	    cc_addr, subject, subject_base, size, flags, has_attachment,
	    snippet, hash, thread_id, list_id"
	k=1
	{
		echo "BEGIN;"
		while test $k -le $copies; do
			echo "INSERT INTO messages ($cols) SELECT folder_id, subdir,
			    base || '-synthetic-$k', name, account, NULL,
			    message_id || '-$k', in_reply_to, refs,
			    date - $k * 86400 * 400, delivered, from_name,
			    from_addr, to_addr, cc_addr, subject, subject_base,
			    size, flags, has_attachment, snippet, hash + $k,
			    thread_id + $k * 10000000, list_id
			    FROM messages WHERE id <= $have;"
			k=$((k + 1))
		done
		echo "COMMIT;"
	} | sqlite3 "$db"
	printf '[general]\nstore = %s/store-big\n' "$dir" >"$dir/conf-big"
	chmod 600 "$dir/conf-big"
	big=$($pty --runs "$RUNS" --quit x -- "$satchel" -c "$dir/conf-big")
	bigrows=$(sqlite3 "$db" 'SELECT count(*) FROM messages')
fi

python3 - "$res" "$N" "$mutt_fill" "$neomutt_fill" "${big:-}" \
    "${bigrows:-0}" <<'EOF'
import json, statistics, sys
res, n, mfill, nfill, big, bigrows = sys.argv[1:7]
rows = {}
for line in open(res):
    prog, size, js = line.split(" ", 2)
    rows[(prog, size)] = json.loads(js)
def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else float("nan")
print("## Reader: %s-message Maildir\n" % format(int(n), ","))
print("Start to drawn index (median of warm runs), peak RSS, and bytes "
      "written to the terminal per keystroke.\n")
for size in ("80x24", "200x50"):
    print("### %s\n" % size)
    print("| program | start ms | peak RSS MiB | down | page down | open | back |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for prog in ("satchel", "mutt", "neomutt"):
        r = rows.get((prog, size))
        if r is None:
            continue
        b = r["bytes"]
        print("| %s | %.0f | %.1f | %d | %d | %d | %d |" % (
            prog, med(r["start_ms"]), r["rss_kib"] / 1024.0, b["down"],
            b["page_down"], b["open"], b["back"]))
    s, m = rows.get(("satchel", size)), rows.get(("mutt", size))
    if s and m:
        print("\nsatchel/mutt: start %.1fx faster; bytes down %.0f%%, page "
              "down %.0f%%, open %.0f%%, back %.0f%% of mutt's.\n" % (
                  med(m["start_ms"]) / med(s["start_ms"]),
                  *[100.0 * s["bytes"][k] / max(1, m["bytes"][k])
                    for k in ("down", "page_down", "open", "back")]))
print("Cold start filling the header cache: mutt %s ms, neomutt %s ms.\n"
      % (mfill, nfill))
if big:
    r = json.loads(big)
    print("Start on %s index rows (synthetic copies): %.0f ms median, "
          "peak RSS %.1f MiB.\n" % (format(int(bigrows), ","),
                                    med(r["start_ms"]), r["rss_kib"] / 1024.0))
EOF
