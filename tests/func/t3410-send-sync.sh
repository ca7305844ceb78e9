#!/bin/sh
# t3410-send-sync: satchel sync stays running quietly: it sends within
# seconds when the queue gains an entry (compose, sendmail), fetches every
# fetch_interval, refuses a second instance on the same store, and exits 0
# at once on SIGTERM.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd aiosmtpd python3-aiosmtpd
t_need_cmd dovecot dovecot-pop3d
t_plan 12
t_smtp_start
t_dovecot_start
conf=$HOME/conf
t_satchel_config "$conf" general.fetch_interval=2
S() { "$SATCHEL" -c "$conf" "$@"; }
# wait_for SECONDS CMD...: poll CMD every 0.1 s.
wait_for() {
	w_max_=$(($1 * 10))
	shift
	w_i_=0
	while ! "$@" && test $w_i_ -lt $w_max_; do
		sleep 0.1
		w_i_=$((w_i_ + 1))
	done
	"$@"
}
arrived() { test "$(t_smtp_count)" -ge "$1"; }
stored() { test "$(find "$T_TMP/store/INBOX/new" "$T_TMP/store/INBOX/cur" -type f 2>/dev/null | wc -l)" -ge "$1"; }

"$SATCHEL" -c "$conf" sync -v >"$T_TMP/sync.log" 2>&1 &
sync_pid=$!
t_at_exit "kill $sync_pid"
sleep 0.5
t_ok "sync is running" kill -0 $sync_pid
S sync >"$T_TMP/second" 2>&1
t_is "a second sync on the same store exits 75" "$?" 75
t_like "and says why" "$(cat "$T_TMP/second")" 'already running'

printf 'hello\n' | S compose --to bob@example.test --subject one >/dev/null
t_ok "a composed message is sent within 5 s" wait_for 5 arrived 1
printf 'Subject: two\nTo: carol@example.test\n\nbody\n' |
    S sendmail -i -f alice@example.test carol@example.test
t_ok "a sendmail message is sent within 5 s" wait_for 5 arrived 2

printf 'From: a@example.test\nTo: alice@example.test\nSubject: Fetched by sync\nMessage-ID: <f1@example.test>\n\nHi.\n' >"$T_TMP/m1"
t_dovecot_seed "$T_TMP/m1"
t_ok "new mail is fetched on the fetch_interval" wait_for 6 stored 1
t_like "sync logs through the logger (verbose)" "$(cat "$T_TMP/sync.log")" 'satchel: sync: sent "one"'

kill -TERM $sync_pid
i=0
while kill -0 $sync_pid 2>/dev/null && test $i -lt 30; do sleep 0.1; i=$((i + 1)); done
t_fails "SIGTERM stops it within 3 s" kill -0 $sync_pid
wait $sync_pid
t_is "with status 0" "$?" 0
"$SATCHEL" -c "$conf" sync --fetch-interval 0 >/dev/null 2>&1 &
p2=$!
sleep 1
t_ok "the lock is free again after the exit" kill -0 $p2
# Idle (nothing queued, no fetch timer): asleep, no busy loop.
t1=$(awk '{print $14 + $15}' /proc/$p2/stat)
sleep 3
t2=$(awk '{print $14 + $15}' /proc/$p2/stat)
t_ok "idle CPU over 3 s is under 0.03 s ($((t2 - t1)) ticks)" test $((t2 - t1)) -le 3
kill -TERM $p2
wait $p2
t_is "the second instance also exits 0" "$?" 0
cat "$T_TMP/sync.log" | t_diag
t_done
