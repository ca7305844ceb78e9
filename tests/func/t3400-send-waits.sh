#!/bin/sh
# t3400-send-waits: two kinds of temporary failure, two retry policies. A
# network failure (nothing listening) waits for the network, retried within
# minutes; a server's 451 backs off exponentially; satchel queue says which
# each entry waits for. A version 1 queue (no failure kind) is migrated.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd aiosmtpd python3-aiosmtpd
t_need_cmd sqlite3 sqlite3
t_plan 15
t_smtp_start
conf=$HOME/conf
t_satchel_config "$conf"
dead=$("$PYTHON" "$top_srcdir/tests/servers/netutil.py" ports 1)
dconf=$HOME/conf-dead
t_satchel_config "$dconf" smtp_port="$dead"
S() { "$SATCHEL" -c "$conf" "$@"; }
D() { "$SATCHEL" -c "$dconf" "$@"; }
db=$T_TMP/store/index.sqlite
nexttry() { sqlite3 "$db" "SELECT next_try - strftime('%s','now') FROM queue WHERE id = $1"; }

# --- a network failure ------------------------------------------------------
printf 'x\n' | D compose --to bob@example.test --subject offline >/dev/null
for i in 1 2 3 4 5 6; do
	D send >/dev/null 2>&1
	sqlite3 "$db" "UPDATE queue SET next_try = 0"
done
D send >/dev/null 2>&1
t_is "a refused connection exits 75" "$?" 75
q=$(D queue)
t_like "queue says it waits for the network" "$q" 'waiting for the network, next try [0-9]{2}:[0-9]{2}'
t_like "after 7 attempts" "$q" '^1 +queued +attempts 7 '
t_is "the failure kind is recorded" "$(sqlite3 "$db" 'SELECT fail_kind FROM queue WHERE id = 1')" network
n=$(nexttry 1)
t_ok "the network retry is capped at 5 minutes ($n s)" test "$n" -le 300 -a "$n" -ge 200

# --- a server's 451 ---------------------------------------------------------
echo "mail * 451 4.3.0 Try again later" >"$SMTP_CONTROL"
printf 'x\n' | S compose --to carol@example.test --subject busy >/dev/null
for i in 1 2 3 4 5 6; do
	S send --due >/dev/null 2>&1
	sqlite3 "$db" "UPDATE queue SET next_try = 0 WHERE id = 2"
done
S send --due >/dev/null 2>&1
t_is "a 451 exits 75" "$?" 75
q=$(S queue)
t_like "queue says what the server said and when" "$q" 'server said 451, next try [0-9]{2}:[0-9]{2}'
t_is "the failure kind is recorded" "$(sqlite3 "$db" 'SELECT fail_kind FROM queue WHERE id = 2')" server
n=$(nexttry 2)
t_ok "the server backoff keeps growing past 5 minutes ($n s)" test "$n" -gt 1800
t_unlike "the network entry is not listed as a server's" "$(printf '%s\n' "$q" | grep -A3 '^1 ')" 'server said'

# --- send --due skips both (not due), the network change would not skip 1 --
: >"$SMTP_CONTROL"
S send --due >/dev/null 2>&1
t_is "send --due sends nothing before the retry time" "$(t_smtp_count)" 0
S send >/dev/null 2>&1
t_is "send (the user asks) sends both at once" "$(t_smtp_count)" 2
t_unlike "a sent entry waits for nothing" "$(S queue --all)" 'server said'

# --- migration from a version 1 queue ---------------------------------------
printf 'x\n' | S compose --to dave@example.test --subject old >/dev/null
# (the queue versioned itself in queue_meta before it joined the store's
# schema 8)
sqlite3 "$db" "DROP TABLE msg_head; DROP TABLE msg_terms_vocab; DROP TABLE msg_head_vocab; DROP TABLE folder_counts; ALTER TABLE queue DROP COLUMN fail_kind; CREATE TABLE queue_meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID; INSERT INTO queue_meta VALUES('version', 1); PRAGMA user_version = 7"
t_like "a version 1 queue is listed after migration" "$(S queue)" 'queued .*dave@example\.test'
t_is "and migrated to the current schema" "$(sqlite3 "$db" "PRAGMA user_version; SELECT count(*) FROM pragma_table_info('queue') WHERE name = 'fail_kind'" | tr '\n' ' ')" "11 1 "
t_done
