#!/bin/sh
# t3100-send-retry: 4xx retries with backoff and goes out later; 5xx at DATA
# fails with the server's words and is never filed in Sent; one of three
# recipients refused; a 4xx recipient is retried alone; server unreachable,
# then reachable; send --due respects the backoff; hold, release, delete.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd aiosmtpd python3-aiosmtpd
t_plan 38
t_smtp_start
conf=$HOME/conf
t_satchel_config "$conf"
S() { "$SATCHEL" -c "$conf" "$@"; }
nmail() { ls "$SMTP_SPOOL" | grep -c '\.eml$'; }
nfiles() { find "$T_TMP/store/$1/new" "$T_TMP/store/$1/cur" -type f 2>/dev/null | wc -l; }
compose() { printf 'body\n' | S compose --subject "$@"; }

# --- 451 then success ------------------------------------------------------
echo "once mail * 451 4.3.0 Try again later" >"$SMTP_CONTROL"
compose "temp" --to bob@example.test >/dev/null
S send >"$T_TMP/out" 2>&1
t_is "a 451 exits 75" "$?" 75
q=$(S queue)
t_like "still queued after one attempt" "$q" '^1 +queued +attempts 1 +next [0-9]{4}-'
t_like "the server's words are kept" "$q" 'last error: 451 4\.3\.0 Try again later'
t_is "nothing arrived" "$(nmail)" 0
t_ok "send --due before the backoff passed does nothing" S send --due
t_is "still nothing arrived" "$(nmail)" 0
t_ok "send (the user asks) retries at once" S send
t_is "it arrived" "$(nmail)" 1
t_like "it is sent" "$(S queue --all)" '^1 +sent +attempts 2'

# --- 421 at DATA then success ---------------------------------------------
echo "once data * 421 4.3.2 Service shutting down" >"$SMTP_CONTROL"
compose "shutdown" --to bob@example.test >/dev/null
S send >/dev/null 2>&1
t_is "a 421 exits 75" "$?" 75
t_ok "the retry goes out" S send
t_is "two arrived" "$(nmail)" 2

# --- 554 at DATA ------------------------------------------------------------
echo "data * 554 5.6.0 Message content rejected" >"$SMTP_CONTROL"
compose "rejected" --to bob@example.test >/dev/null
S send >"$T_TMP/out" 2>&1
t_is "a 554 exits 69" "$?" 69
t_like "the user is told the exact words" "$(cat "$T_TMP/out")" '554 5\.6\.0 Message content rejected'
q=$(S queue)
t_like "the entry failed" "$q" '^3 +failed '
t_like "queue shows the server's words" "$q" 'last error: 554 5\.6\.0 Message content rejected'
t_is "a failed send is not filed in Sent" "$(nfiles Sent)" 2
: >"$SMTP_CONTROL"
t_ok "a failed entry is not retried by send" S send
t_is "still two arrived" "$(nmail)" 2
t_ok "queue retry 3 requeues it" S queue retry 3
t_ok "and it goes out" S send
t_is "three arrived" "$(nmail)" 3

# --- one of three recipients refused (550) -----------------------------------
echo "rcpt bad@* 550 5.1.1 No such user here" >"$SMTP_CONTROL"
compose "partial" --to good1@example.test --to bad@example.test --cc good2@example.test >/dev/null
S send >"$T_TMP/out" 2>&1
t_is "a partial delivery counts as sent (0)" "$?" 0
t_like "the refused recipient is reported" "$(cat "$T_TMP/out")" 'bad@example\.test: 550 5\.1\.1 No such user here'
last=$(ls "$SMTP_SPOOL"/*.env | tail -n 1)
t_is "it went to the two accepted" "$(grep -c '^RCPT' "$last")" 2
t_like "queue shows who was refused" "$(S queue --all)" 'refused: bad@example\.test: 550 5\.1\.1'

# --- a 4xx recipient among accepted ones is retried alone ---------------------
echo "once rcpt slow@* 450 4.2.1 Mailbox busy" >"$SMTP_CONTROL"
compose "busy" --to fast@example.test --to slow@example.test >/dev/null
S send >/dev/null 2>&1
n=$(nmail)
t_like "the retry entry for the busy recipient is queued" "$(S queue)" 'queued .*slow@example\.test'
t_ok "the retry goes out" S send
t_is "the busy recipient got it in a second transaction" "$(grep -c 'slow@' "$(ls "$SMTP_SPOOL"/*.env | tail -n 1)")" 1
t_is "one more message arrived" "$(nmail)" $((n + 1))

# --- server unreachable, then reachable ---------------------------------------
: >"$SMTP_CONTROL"
dead=$("$PYTHON" "$top_srcdir/tests/servers/netutil.py" ports 1)
conf2=$HOME/conf-dead
t_satchel_config "$conf2" smtp_port="$dead"
printf 'offline\n' | "$SATCHEL" -c "$conf2" compose --to bob@example.test --subject offline >/dev/null
"$SATCHEL" -c "$conf2" send >"$T_TMP/out" 2>&1
t_is "nothing listening exits 75" "$?" 75
t_like "queued with the network error" "$("$SATCHEL" -c "$conf2" queue)" 'queued +attempts 1 .*offline'
n=$(nmail)
t_ok "with the server back, send delivers it" S send
t_is "it arrived" "$(nmail)" $((n + 1))

# --- hold, release, delete -----------------------------------------------
qid=$(compose "held" --to bob@example.test)
t_ok "hold" S queue hold "$qid"
S send >/dev/null 2>&1
t_like "a held entry is not sent" "$(S queue)" "^$qid +held"
t_ok "release and delete" sh -c "'$SATCHEL' -c '$conf' queue release $qid && '$SATCHEL' -c '$conf' queue delete $qid"
t_is "deleted: gone from the queue" "$(S queue | grep -c "^$qid ")" 0
t_done
