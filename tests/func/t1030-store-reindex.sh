#!/bin/sh
# t1030-store-reindex.sh: a deleted, truncated or corrupt index is rebuilt
# by reindex with nothing lost; changes by other Maildir readers are seen.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd sqlite3 sqlite3
t_plan 10

store=$XDG_DATA_HOME/satchel
mkdir -p "$T_TMP/md/cur" "$T_TMP/md/new" "$T_TMP/md/tmp"
i=1
while test $i -le 30; do
	printf 'From: a@example.org\nSubject: idx %d\nMessage-ID: <i%d@x>\n\nbody %d\n' \
	    $i $i $i >"$T_TMP/md/cur/$i.src:2,S"
	i=$((i + 1))
done
"$SATCHEL" import "$T_TMP/md" >/dev/null 2>&1
t_is "imported, read" "$("$SATCHEL" search --count is:read)" 30

# Garbage over the index.
head -c 8192 /dev/urandom >"$store/index.sqlite"
rm -f "$store/index.sqlite-wal" "$store/index.sqlite-shm"
"$SATCHEL" search --count '' >/dev/null 2>"$T_TMP/err"
t_like "a corrupt index is reported" "$(cat "$T_TMP/err")" 'reindex|damaged|not a database'
"$SATCHEL" reindex >"$T_TMP/out" 2>&1
t_is "reindex rebuilds a corrupt index" "$?" 0
t_is "nothing lost" "$("$SATCHEL" search --count '')" 30
t_is "flags come back from the file names" \
    "$("$SATCHEL" search --count is:read)" 30
t_is "the damaged file is kept aside" \
    "$(ls "$store" | grep -c 'index.sqlite.damaged')" 1

# Truncated index.
: >"$store/index.sqlite"
"$SATCHEL" reindex >/dev/null 2>&1
t_is "reindex after truncation" "$("$SATCHEL" search --count '')" 30

# Another Maildir reader marks a message flagged and removes another.
f=$(ls "$store/INBOX/cur" | head -n 1)
mv "$store/INBOX/cur/$f" "$store/INBOX/cur/${f%%:*}:2,FS"
rm "$store/INBOX/cur/$(ls "$store/INBOX/cur" | sed -n 2p)"
t_is "a flag set by another reader is seen" \
    "$("$SATCHEL" search --count is:flagged)" 1
t_is "a file removed by another reader is dropped" \
    "$("$SATCHEL" search --count '')" 29
t_is "reindex --full checks and keeps everything" \
    "$("$SATCHEL" reindex --full >/dev/null 2>&1; "$SATCHEL" search --count '')" 29
t_done
