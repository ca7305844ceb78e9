#!/bin/sh
# t1040-store-concurrent: the store under real use. The reader runs in a
# terminal (fetching every second, sending after each fetch) while, at the
# same time, loops run the cron line (fetch -q; send --due), compose,
# queue, search, import and reindex against the same store, mail keeps
# arriving on the POP3 server, and a killer sends SIGKILL to any of them
# (the reader included) at random. Afterwards: the index passes
# integrity_check, every server message is stored exactly once, every
# composed message reached the SMTP server at most once and, if compose
# said it was queued, exactly once or is still in the queue; no message
# has two queue entries; the reader's queue count is `satchel queue`'s;
# no command failed other than with the temporary exit code 75.
#
# SATCHEL_SOAK_SECONDS sets the duration (default 60); bench/soak.sh runs
# the same script for longer.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd sqlite3 sqlite3
t_need_cmd dovecot dovecot-pop3d
t_need_cmd aiosmtpd python3-aiosmtpd
t_plan 12
t_dovecot_start
t_smtp_start

secs=${SATCHEL_SOAK_SECONDS:-60}
store=$T_TMP/store
conf=$HOME/conf
log=$T_TMP/log
pids=$T_TMP/pids
mkdir -p "$log" "$pids" "$T_TMP/mail" "$T_TMP/composed"
t_satchel_config "$conf" general.fetch_interval=1 general.send_interval=10
stop=$T_TMP/stop

rand() {
	# rand N: a number in 0..N-1
	echo $(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % $1 ))
}

# run NAME ARGS...: run satchel with the test config in the background so
# the killer can find it; append "RC ARGS" to $log/NAME.rc.
run() {
	r_name=$1
	shift
	"$SATCHEL" -c "$conf" "$@" >>"$log/$r_name.out" 2>&1 </dev/null &
	r_pid=$!
	echo "$r_pid" >"$pids/$r_name"
	wait "$r_pid"
	r_rc=$?
	rm -f "$pids/$r_name"
	echo "$r_rc $*" >>"$log/$r_name.rc"
	return $r_rc
}

seed_loop() {
	n=0
	while ! test -f "$stop"; do
		n=$((n + 1))
		printf 'From: Remote %d <r%d@example.test>\nTo: alice@example.test\nSubject: arriving %d\nMessage-ID: <srv-%d@example.test>\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n\nBody %d.\n' \
		    $n $n $n $n $n >"$T_TMP/mail/$n.eml"
		t_dovecot_seed "$T_TMP/mail/$n.eml" >/dev/null 2>&1
		echo $n >"$T_TMP/seeded"
		sleep 0.3
	done
}

cron_loop() {
	while ! test -f "$stop"; do
		run cron-fetch fetch -q
		run cron-send send --due
		sleep 0.$(rand 10)
	done
}

compose_loop() {
	i=0
	while ! test -f "$stop"; do
		i=$((i + 1))
		echo "Soak body $i." >"$T_TMP/body"
		"$SATCHEL" -c "$conf" compose --to bob@example.test \
		    -s "soak compose $i" <"$T_TMP/body" >>"$log/compose.out" 2>&1 &
		c_pid=$!
		echo "$c_pid" >"$pids/compose"
		wait "$c_pid"
		c_rc=$?
		rm -f "$pids/compose"
		echo "$c_rc compose $i" >>"$log/compose.rc"
		echo "$c_rc" >"$T_TMP/composed/$i"
		sleep 0.$(rand 5)
	done
}

cli_loop() {
	while ! test -f "$stop"; do
		run queue queue
		run search search soak
		sleep 0.$(rand 5)
	done
}

import_loop() {
	j=0
	while ! test -f "$stop"; do
		j=$((j + 1))
		mb=$T_TMP/import-$j.mbox
		for k in 1 2 3; do
			printf 'From imp@example.test Mon Jan  1 10:00:00 2024\nFrom: imp@example.test\nTo: alice@example.test\nSubject: imported %d-%d\nMessage-ID: <imp-%d-%d@example.test>\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n\nImported %d.\n\n' \
			    $j $k $j $k $k
		done >"$mb"
		run import import -q -f Imported "$mb"
		sleep 0.$(rand 10)
	done
}

reindex_loop() {
	while ! test -f "$stop"; do
		sleep 1.$(rand 10)
		run reindex reindex -q
	done
}

reader_pid() {
	t_tmux_ display-message -p -t ui '#{pane_pid}' 2>/dev/null
}

reader_restart() {
	t_tmux_ respawn-pane -t ui >/dev/null 2>&1 || true
}

kill_loop() {
	while ! test -f "$stop"; do
		echo . >>"$log/killer"
		sleep 0.$(rand 10)
		sleep 0.$(rand 10)
		if test "$(rand 8)" = 0; then
			p=$(reader_pid)
			test -n "$p" && kill -9 "$p" 2>/dev/null &&
			    echo reader >>"$log/kills"
			sleep 0.2
			reader_restart
			continue
		fi
		set -- "$pids"/*
		test -e "$1" || continue
		shift $(rand $#)
		p=$(cat "$1" 2>/dev/null) || continue
		test -n "$p" && kill -9 "$p" 2>/dev/null &&
		    echo "${1##*/}" >>"$log/kills"
	done
}

screen_loop() {
	# What the reader shows, sampled: a damaged index shows here first.
	while ! test -f "$stop"; do
		t_tmux_screen ui 2>/dev/null | sed -n '23,24p' >>"$log/screen"
		sleep 0.5
	done
}

t_tmux_start ui 100 24 "$SATCHEL" -c "$conf"
t_ok "the reader starts" t_tmux_wait ui 'INBOX' 20

jobs_=
for f in seed_loop cron_loop compose_loop cli_loop import_loop reindex_loop \
    kill_loop screen_loop; do
	$f 2>>"$log/shell" &
	jobs_="$jobs_ $!"
done
t_at_exit "touch '$stop'; kill$jobs_"
sleep "$secs"
touch "$stop"
for j in $jobs_; do
	wait "$j"
done
test -n "$(reader_pid)" && t_tmux_dead ui >/dev/null && reader_restart
t_diag "$(wc -l <"$log/killer") kill rounds;" \
    "$(sort "$log/kills" 2>/dev/null | uniq -c | tr '\n' ' ') killed;" \
    "$(cat "$T_TMP/seeded") arrived;" \
    "$(ls "$T_TMP/composed" | wc -l) composed;" \
    "$(cat "$log"/*.rc | wc -l) commands"

# Settle: take in what is left on the server (a locked store or a killed
# earlier run may make one attempt say "try again later").
i=0
until "$SATCHEL" -c "$conf" fetch -q >"$T_TMP/final" 2>&1 || test $i -ge 20; do
	sleep 0.5
	i=$((i + 1))
done
t_is "a last fetch succeeds" "$(cat "$T_TMP/final")" ""

# The reader's "Queue:" is what `satchel queue` lists as still to be sent
# (queued, and sending while a sender runs); held and failed entries are
# counted apart ("Held/failed:"), so they are not counted here.
qcount() {
	"$SATCHEL" -c "$conf" queue 2>/dev/null |
	    awk '$1 ~ /^[0-9]+$/ && ($2 == "queued" || $2 == "sending") {
	        n++ } END { print n + 0 }'
}
rcount() {
	t_tmux_screen ui | sed -n 's/.*Queue:\([0-9]*\).*/\1/p' | head -n 1
}
# The reader may still be sending (slow under load): give it 30 s.
i=0
while test "$(rcount)" != "$(qcount)" && test $i -lt 150; do
	sleep 0.2
	i=$((i + 1))
done
t_is "the reader's queue count is satchel queue's" "$(rcount)" "$(qcount)"
if test "$(rcount)" != "$(qcount)"; then
	t_tmux_screen ui | tail -n 2 | t_diag
	"$SATCHEL" -c "$conf" queue --all 2>&1 | tail -n 6 | t_diag
fi
t_tmux_stop ui

bad=$(grep -hiE 'malformed|damaged|disk I/O|not a database|constraint' \
    "$log"/*.out "$log/screen" 2>/dev/null | sort | uniq -c | head -n 20)
t_is "no command or screen reported a damaged index" "$bad" ""
bad=$(cat "$log"/*.rc | awk '$1 != 0 && $1 != 75 && $1 != 137 &&
    !($1 == 1 && $2 == "search")' | sort | uniq -c | head -n 20)
t_is "every command succeeded, was killed or said 'try later' (75)" "$bad" ""

t_is "integrity_check" "$(sqlite3 -cmd '.timeout 10000' "$store/index.sqlite" 'PRAGMA integrity_check' 2>&1)" ok

# Every message that arrived on the server is in INBOX exactly once, as a
# file and as an index row.
# The reader is still running (and may be writing): wait for its locks.
sql() {
	sqlite3 -cmd '.timeout 10000' -separator ' ' "$store/index.sqlite" \
	    "$1" 2>&1
}
seeded=$(cat "$T_TMP/seeded")
t_is "every server message is indexed exactly once" \
    "$(sql "SELECT count(DISTINCT m.message_id), count(*) FROM messages m
        JOIN folders f ON f.id = m.folder_id WHERE f.name = 'INBOX'
        AND m.message_id LIKE 'srv-%'")" "$seeded $seeded"
t_is "every server message is on disk exactly once" \
    "$(cat "$store"/INBOX/new/* "$store"/INBOX/cur/* 2>/dev/null |
        grep -c '^Message-ID: <srv-')" "$seeded"
t_is "no imported message is stored twice" \
    "$(sql "SELECT message_id FROM messages GROUP BY folder_id, message_id
        HAVING count(*) > 1")" ""

# Every composed message: at most one queue entry, at most one copy at the
# SMTP server, and if compose said yes, sent or still queued.
"$SATCHEL" -c "$conf" queue --all >"$T_TMP/queue" 2>&1
cat "$SMTP_SPOOL"/*.eml 2>/dev/null | tr -d '\r' |
    sed -n 's/^Subject: soak compose //p' | sort -n >"$T_TMP/smtp-subjects"
# Lines: ID STATE ... soak compose N (the subject ends the line).
awk '$1 ~ /^[0-9]+$/ && $(NF - 1) == "compose" { print $NF, $2 }' \
    "$T_TMP/queue" | sort -n >"$T_TMP/queue-subjects"
twice=$(uniq -d "$T_TMP/smtp-subjects" | tr '\n' ' ')
t_is "no composed message reached the server twice" "$twice" ""
twice=$(cut -d ' ' -f 1 "$T_TMP/queue-subjects" | uniq -d | tr '\n' ' ')
t_is "no composed message has two queue entries" "$twice" ""
lost=
for f in "$T_TMP"/composed/*; do
	i=${f##*/}
	test "$(cat "$f")" = 0 || continue
	grep -qx "$i" "$T_TMP/smtp-subjects" && continue
	grep -Eq "^$i (queued|held|sending|failed)" "$T_TMP/queue-subjects" &&
	    continue
	lost="$lost $i"
done
t_is "every queued message was sent or is still queued" "$lost" ""
if test "$T_FAILED" -gt 0; then
	tail -n 5 "$log"/*.out 2>/dev/null | t_diag
fi
t_done
