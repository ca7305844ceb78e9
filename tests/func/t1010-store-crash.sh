#!/bin/sh
# t1010-store-crash.sh: kill -9 at many points of import and reindex; the
# store must open, pass PRAGMA integrity_check, and after the same command
# runs again hold every message exactly once (index and Maildir).
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd sqlite3 sqlite3
t_plan 10

N=3000
KILLS=15
store=$XDG_DATA_HOME/satchel
mkdir -p "$T_TMP/md/cur" "$T_TMP/md/new" "$T_TMP/md/tmp"
awk -v d="$T_TMP/md" -v n=$N 'BEGIN {
	for (i = 1; i <= n; i++) {
		f = d "/new/" i ".gen"
		printf "From: u%d@example.org\nSubject: crash %d\n", i % 9, i > f
		printf "Message-ID: <c%d@example.org>\n", i > f
		printf "References: <c%d@example.org>\n\n", int(i / 3) > f
		printf "body %d, filler text to give the parser some work\n", i > f
		close(f)
	}
}'

# How long a whole run takes here (sanitizers are slower): the kill points
# are spread evenly over it.
now_ms() {
	date +%s%N | awk '{ printf "%d", $1 / 1000000 }'
}
t0=$(now_ms)
XDG_DATA_HOME=$T_TMP/probe "$SATCHEL" import "$T_TMP/md" >/dev/null 2>&1
span=$(($(now_ms) - t0))
rm -rf "$T_TMP/probe"
step=$((span / KILLS))
test $step -gt 0 || step=1

kill_after() {
	ms=$1
	shift
	"$@" >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

files_in_store() {
	find "$store/INBOX/new" "$store/INBOX/cur" -type f | wc -l
}

bad=0
i=1
while test $i -le $KILLS; do
	kill_after $((i * step)) "$SATCHEL" import "$T_TMP/md"
	if ! "$SATCHEL" search --count '' >/dev/null 2>&1; then
		bad=$((bad + 1))
	fi
	r=$(sqlite3 "$store/index.sqlite" 'PRAGMA integrity_check' 2>&1)
	test "$r" = ok || bad=$((bad + 1))
	i=$((i + 1))
done
t_is "after each kill during import the store opens and is consistent" \
    "$bad" 0
"$SATCHEL" import "$T_TMP/md" >"$T_TMP/out" 2>&1
t_is "the import finishes" "$?" 0
t_is "every message indexed once" "$("$SATCHEL" search --count '')" $N
t_is "every message on disk once" "$(files_in_store)" $N
t_is "no duplicate Message-ID" "$(sqlite3 "$store/index.sqlite" \
    'SELECT count(*) - count(DISTINCT message_id) FROM messages')" 0

# Reindex from nothing, killed at the same points.
rm -f "$store/index.sqlite" "$store/index.sqlite-wal" \
    "$store/index.sqlite-shm"
bad=0
i=1
while test $i -le $KILLS; do
	kill_after $((i * step)) "$SATCHEL" reindex
	r=$(sqlite3 "$store/index.sqlite" 'PRAGMA integrity_check' 2>&1)
	test "$r" = ok || bad=$((bad + 1))
	i=$((i + 1))
done
t_is "after each kill during reindex the index is consistent" "$bad" 0
"$SATCHEL" reindex >/dev/null 2>&1
t_is "the reindex finishes" "$?" 0
t_is "every message indexed once after reindex" \
    "$("$SATCHEL" search --count '')" $N
t_is "no duplicate rows after reindex" "$(sqlite3 "$store/index.sqlite" \
    'SELECT count(*) - count(DISTINCT message_id) FROM messages')" 0
t_is "threads rebuilt" "$(sqlite3 "$store/index.sqlite" \
    'SELECT count(DISTINCT thread_id) FROM messages')" 1
t_done
