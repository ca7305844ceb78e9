#!/bin/sh
# t2005-fetch-nouidl: delete mode against a POP3 server without UIDL (the
# scripted fake server): messages are fetched by number and deleted once
# durable; a stop between the commit and QUIT leaves them on the server,
# and the next fetch knows them by their bytes and only deletes them.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
t_init
t_need_cmd /usr/bin/python3 python3
t_plan 10

FAKE=$top_srcdir/tests/fake/pop3-fake.py
CONF=$XDG_CONFIG_HOME/satchel/config
mkdir -p "$XDG_CONFIG_HOME/satchel"

start_fake() {
	FD=$T_TMP/fake-$1
	mkdir -p "$FD"
	t_spawn "fake-$1" /usr/bin/python3 "$FAKE" "$1" "$FD"
	t_wait_file "$FD/port" || t_diag "the fake server did not start"
	PORT=$(cat "$FD/port")
	{
		printf '[general]\nstore = %s\n' "$T_TMP/store-$1"
		printf '[account fake]\npop3_host = 127.0.0.1\npop3_port = %s\n' "$PORT"
		printf 'pop3_tls = none\npop3_user = bob\npassword = pw\n'
		printf 'allow_plaintext = true\ntimeout = 3\nkeep = false\n'
	} | t_write_config "$CONF"
}
gone() { cat "$FD/gone" 2>/dev/null | wc -l; }
count() { "$SATCHEL" search --count ''; }

start_fake nouidl
"$SATCHEL" fetch >"$T_TMP/out" 2>&1
rc=$?
t_is "no UIDL, delete mode: fetch succeeds" "$rc" 0
t_is "all three stored" "$(count)" 3
t_is "and removed from the server" "$(gone)" 3
t_is "no DELE before the messages were stored" \
    "$(awk '/^RETR 3/ { r = 1 } /^DELE/ && !r { print "early" }' "$FD/log")" ""
"$SATCHEL" fetch >/dev/null 2>&1
t_is "a second fetch adds nothing" "$(count)" 3

# The first session ends without QUIT taking effect.
start_fake nouidl-quitdrop
"$SATCHEL" fetch >"$T_TMP/out" 2>&1
t_is "stored before QUIT was lost" "$(count)" 3
t_is "still on the server" "$(gone)" 0
"$SATCHEL" fetch >"$T_TMP/out" 2>&1
t_is "the next fetch succeeds" "$?" 0
t_is "no message stored twice" "$(count)" 3
t_is "and the server is emptied" "$(gone)" 3
t_done
