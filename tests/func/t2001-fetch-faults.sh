#!/bin/sh
# t2001-fetch-faults: satchel fetch against a scripted fake server: a cut in
# the middle of RETR (what arrived whole stays, the next run continues),
# garbage and overlong replies, message number 0 and huge ones, no UIDL,
# [IN-USE] and [SYS/PERM], LOGIN-DELAY and EXPIRE, STLS not offered, a
# silent server, and two fetches at once.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
t_init
t_need_cmd /usr/bin/python3 python3
t_plan 32

FAKE=$top_srcdir/tests/fake/pop3-fake.py
STORE=$XDG_DATA_HOME/satchel
CONF=$XDG_CONFIG_HOME/satchel/config
mkdir -p "$XDG_CONFIG_HOME/satchel"

# start_fake SCENARIO: sets PORT and FD (the fake's directory).
start_fake() {
	FD=$T_TMP/fake-$1
	rm -rf "$FD"
	mkdir -p "$FD"
	t_spawn "fake-$1" /usr/bin/python3 "$FAKE" "$1" "$FD"
	t_wait_file "$FD/port"
	PORT=$(cat "$FD/port")
}

conf() {
	tls=$1
	shift
	{
		printf '[account fake]\npop3_host = 127.0.0.1\npop3_port = %s\n' "$PORT"
		printf 'pop3_tls = %s\npop3_user = bob\npassword = pw\n' "$tls"
		printf 'allow_plaintext = true\ntimeout = %s\n' "$(t_timeout 3)"
		for l in "$@"; do
			printf '%s\n' "$l"
		done
	} | t_write_config "$CONF"
}

stored() {
	find "$STORE" \( -path '*/cur/*' -o -path '*/new/*' \) -type f 2>/dev/null |
	    wc -l | tr -d ' '
}

fetch() {
	"$SATCHEL" fetch "$@" >"$T_TMP/out" 2>"$T_TMP/err"
	echo $? >"$T_TMP/rc"
}
rc() { cat "$T_TMP/rc"; }
out() { cat "$T_TMP/out" "$T_TMP/err"; }

# A cut in the middle of the second RETR.
start_fake drop
conf none
fetch
t_is "cut mid-RETR: temporary failure (75)" "$(rc)" 75
t_like "cut mid-RETR: clear message" "$(out)" "closed the connection|cut"
t_is "cut mid-RETR: the whole first message is stored" "$(stored)" 1
fetch
t_is "after the cut: next fetch succeeds" "$(rc)" 0
t_like "after the cut: continues where it stopped" "$(out)" "2 new, 1 skipped"
t_is "after the cut: every message stored once" "$(stored)" 3
body=$(grep -rl "Subject: one" "$STORE" | head -n 1)
t_like "dot-unstuffed content" "$(cat "$body")" "^\.dotted$"

# Hostile listings: no crash, no hang, a clear protocol error.
for sc in listzero uidlhuge overlong garbage; do
	start_fake $sc
	conf none
	fetch
	t_is "$sc: temporary protocol error (75), no crash" "$(rc)" 75
	t_like "$sc: says the server reply was invalid" "$(out)" \
	    "invalid|too long|range"
done

# A server without UIDL in keep mode.
start_fake nouidl
conf none
fetch
t_is "no UIDL in keep mode: permanent error (69)" "$(rc)" 69
t_like "no UIDL: explains" "$(out)" "UIDL"

# Response codes at login.
start_fake inuse
conf none
fetch
t_is "[IN-USE]: temporary (75)" "$(rc)" 75
t_like "[IN-USE]: says temporary" "$(out)" "temporary"
start_fake sysperm
conf none
fetch
t_is "[SYS/PERM]: permanent (69)" "$(rc)" 69
t_like "[SYS/PERM]: says permanent" "$(out)" "permanent"

# LOGIN-DELAY and EXPIRE: the second fetch does not even connect.
rm -rf "$STORE"
start_fake delay
conf none
fetch
t_is "LOGIN-DELAY: first fetch succeeds" "$(rc)" 0
t_like "EXPIRE is reported in keep mode" "$(out)" "EXPIRE"
fetch
t_is "LOGIN-DELAY: a fetch too soon is not an error" "$(rc)" 0
t_like "LOGIN-DELAY: says when the next may run" "$(out)" "next login at"
t_is "LOGIN-DELAY: no second connection" "$(cat "$FD/connections")" 1
rm -rf "$STORE"	# forget the login time

# STLS required but not offered: nothing secret is sent.
start_fake nostls
conf starttls
fetch
t_is "STLS not offered: permanent (69)" "$(rc)" 69
t_unlike "STLS not offered: no password sent" "$(cat "$FD/log")" "PASS"

# A silent server: the timeout ends the run.
start_fake silent
conf none
start=$(date +%s)
fetch
t_is "silent server: temporary failure (75)" "$(rc)" 75
t_ok "silent server: gave up within the timeout" \
    test $(( $(date +%s) - start )) -lt "$(t_timeout 10)"

# Two fetches at once on one store. The first is stood in for by a
# process that holds the fetch lock (a second satchel against a silent
# server raced on a busy machine: its own connection could fail first).
conf none
t_spawn holder /usr/bin/python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "a")
fcntl.flock(f, fcntl.LOCK_EX)
time.sleep(600)' "$STORE/.lock-fetch"
holder=$T_PID
t_wait_until 10 eval '! flock -n "$STORE/.lock-fetch" true' ||
    t_diag "the lock was never taken"
fetch
t_is "second concurrent fetch: temporary (75)" "$(rc)" 75
t_like "second concurrent fetch: says another fetch runs" "$(out)" \
    "[Aa]nother fetch"
t_stop "$holder"
t_done
