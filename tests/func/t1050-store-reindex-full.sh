#!/bin/sh
# t1050-store-reindex-full.sh: reindex --full does the work of a rebuild
# from nothing once (its index is the same as one built from nothing, with
# no text taken out and put back), keeps what only the index knows
# (bounced flags, outbox queue rows pointing at their messages) and
# survives a kill half way.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd sqlite3 sqlite3
t_plan 8

store=$XDG_DATA_HOME/satchel
db=$store/index.sqlite
mkdir -p "$T_TMP/md/cur" "$T_TMP/md/new" "$T_TMP/md/tmp"
i=1
while test $i -le 400; do
	printf 'From: u%d@example.org\nSubject: full %d\nMessage-ID: <f%d@x>\n\nword%d common text here\n' \
	    $((i % 7)) $i $i $i >"$T_TMP/md/cur/$i.src:2,S"
	i=$((i + 1))
done
"$SATCHEL" import "$T_TMP/md" >/dev/null 2>&1
rm -f "$db" "$db-wal" "$db-shm"
"$SATCHEL" reindex -q
fresh=$(sqlite3 "$db" 'SELECT count(*), sum(length(block)) FROM msg_fts_data')

# An outbox queue row pointing at one message.
sqlite3 "$db" "CREATE TABLE IF NOT EXISTS queue(id INTEGER PRIMARY KEY,
    msg_id INTEGER NOT NULL, account TEXT NOT NULL, sender TEXT NOT NULL,
    recipients TEXT NOT NULL, message_id TEXT, envid TEXT, subject TEXT,
    state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL, next_try INTEGER NOT NULL DEFAULT 0,
    last_try INTEGER NOT NULL DEFAULT 0, sent_at INTEGER NOT NULL DEFAULT 0,
    last_error TEXT, refused TEXT, bounce TEXT);
    INSERT INTO queue(msg_id, account, sender, recipients, state, created)
    SELECT id, 'a', 's', 'r', 'queued', 0 FROM messages
    WHERE message_id = 'f123@x';"

"$SATCHEL" reindex --full -q
t_is "reindex --full succeeds" "$?" 0
t_is "its text index is the one a rebuild from nothing makes" \
    "$(sqlite3 "$db" 'SELECT count(*), sum(length(block)) FROM msg_fts_data')" \
    "$fresh"
t_is "every message is found" "$("$SATCHEL" search --count common)" 400
t_is "the folder's count is made again" \
    "$("$SATCHEL" search --count folder:INBOX)" 400
t_is "so is the count of all (under a negation)" \
    "$("$SATCHEL" search --count 'NOT common')" 0
t_is "the queue row points at its message" "$(sqlite3 "$db" \
    'SELECT m.message_id FROM queue q JOIN messages m ON m.id = q.msg_id')" \
    "f123@x"

# Killed half way: the next open completes the index.
"$SATCHEL" reindex --full -q &
pid=$!
sleep 0.2
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
t_is "after a kill, a search still finds every message" \
    "$("$SATCHEL" search --count common)" 400
t_is "and the index is sound" "$(sqlite3 "$db" 'PRAGMA integrity_check')" ok
t_done
