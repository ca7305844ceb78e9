#!/bin/sh
# t3200-send-fake: what a real server will not do on demand, with the
# scripted server tests/fake/smtp-fake.py: AUTH refused, a 421 greeting, a
# stall after the end of DATA (maybe sent, never resent silently), kill -9
# in the middle of sending, PIPELINING + DSN (ENVID, NOTIFY), one
# connection with RSET between messages, plaintext AUTH refused.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd python3 python3
t_plan 36
FAKE=$top_srcdir/tests/fake/smtp-fake.py
nfake=0

# fake_start NAME ARGS...: start a fake server in $T_TMP/NAME; sets $port.
fake_start() {
	d=$T_TMP/$1
	shift
	mkdir -p "$d"
	t_spawn "fake-$(basename "$d")" "$PYTHON" "$FAKE" --dir "$d" "$@"
	echo "$T_PID" >"$d/pid"
	t_wait_file "$d/port"
	port=$(cat "$d/port")
}

# conf_for NAME PORT [KEY=VALUE...]: a plaintext config for a fake server.
conf_for() {
	c=$HOME/conf-$1
	p=$2
	shift 2
	{
		echo "[general]"
		echo "store = $T_TMP/store-$(basename "$c")"
		echo "[account test]"
		echo "address = Test User <alice@example.test>"
		echo "smtp_host = 127.0.0.1"
		echo "smtp_port = $p"
		echo "smtp_tls = none"
		echo "smtp_user = alice@example.test"
		echo "smtp_password_command = echo secret"
		echo "allow_plaintext = true"
		echo "timeout = $(t_timeout 2)"
		for kv in "$@"; do echo "$kv"; done
	} | t_write_config "$c"
	echo "$c"
}
queue_one() { printf 'body\n' | "$SATCHEL" -c "$1" compose --to bob@example.test --subject "$2" >/dev/null; }

# --- AUTH refused ---------------------------------------------------------
fake_start authfail --auth-fail
c=$(conf_for authfail "$port")
queue_one "$c" "auth"
"$SATCHEL" -c "$c" send >"$T_TMP/out" 2>&1
t_is "refused AUTH exits 77 (EX_NOPERM)" "$?" 77
t_like "the user sees the server's words" "$(cat "$T_TMP/out")" '535 5\.7\.8 Authentication credentials invalid'
t_like "the message stays queued (not failed)" "$("$SATCHEL" -c "$c" queue)" '^1 +queued .*'
t_unlike "the password never reaches the command log" "$(cat "$T_TMP/authfail/commands")" 'secret|c2VjcmV0'
t_is "no MAIL was sent after a refused AUTH" "$(grep -c '^MAIL' "$T_TMP/authfail/commands")" 0

# --- 421 greeting -----------------------------------------------------------
fake_start busy --greeting "421 4.3.2 Too busy, come back later"
c=$(conf_for busy "$port")
queue_one "$c" "busy"
"$SATCHEL" -c "$c" send >"$T_TMP/out" 2>&1
t_is "a 421 greeting exits 75" "$?" 75
t_like "the reason is the greeting" "$("$SATCHEL" -c "$c" queue)" 'last error: 421 4\.3\.2 Too busy'

# --- plaintext AUTH refused without allow_plaintext -----------------------------
fake_start plain
c=$(conf_for plain "$port")
sed -i 's/^allow_plaintext = true$/allow_plaintext = false/' "$c"
queue_one "$c" "plain"
"$SATCHEL" -c "$c" send >"$T_TMP/out" 2>&1
t_is "AUTH over plaintext is refused (77)" "$?" 77
t_like "and explained" "$(cat "$T_TMP/out")" 'not encrypted|unencrypted'
t_is "no AUTH line was sent" "$(grep -c '^AUTH' "$T_TMP/plain/commands")" 0

# --- stall after DATA: maybe sent, never resent silently ------------------------
fake_start stall --stall-after-data
c=$(conf_for stall "$port")
queue_one "$c" "stalled"
"$SATCHEL" -c "$c" send >"$T_TMP/out" 2>&1
t_is "a stall after DATA is not a success" "$?" 69
q=$("$SATCHEL" -c "$c" queue)
t_like "the entry is shown as maybe sent" "$q" '^1 +sending: maybe sent'
t_like "with the way to decide" "$q" 'satchel queue resend 1'
"$SATCHEL" -c "$c" send >/dev/null 2>&1
t_is "send does not resend it on its own" "$(grep -c '^DATA' "$T_TMP/stall/commands")" 1
t_ok "the user marks it sent" "$SATCHEL" -c "$c" queue mark-sent 1
t_like "it is now sent" "$("$SATCHEL" -c "$c" queue --all)" '^1 +sent '
t_is "and filed in Sent" "$(find "$T_TMP/store-conf-stall/Sent" -type f | wc -l)" 1

# --- kill -9 while sending ------------------------------------------------------
fake_start kill --stall-after-data
c=$(conf_for kill "$port" "timeout = 30")
queue_one "$c" "killed"
"$SATCHEL" -c "$c" send >/dev/null 2>&1 &
pid=$!
t_wait_until 10 grep -q STALL "$T_TMP/kill/commands"
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
t_like "after kill -9 the entry is maybe sent" "$("$SATCHEL" -c "$c" queue)" '^1 +sending: maybe sent'
"$SATCHEL" -c "$c" send >"$T_TMP/out" 2>&1
t_like "send reminds the user" "$(cat "$T_TMP/out")" 'may have been sent'
t_is "and does not resend" "$(grep -c '^DATA' "$T_TMP/kill/commands")" 1
t_ok "the user asks to resend" "$SATCHEL" -c "$c" queue resend 1
t_like "it is queued again" "$("$SATCHEL" -c "$c" queue)" '^1 +queued'

# --- PIPELINING + DSN, one connection, RSET between messages -----------------------
fake_start pipe --pipelining --dsn
c=$(conf_for pipe "$port")
for n in 1 2 3 4 5; do queue_one "$c" "pipe $n"; done
t_ok "five messages go out" "$SATCHEL" -c "$c" send
log=$(cat "$T_TMP/pipe/commands")
t_is "over one connection" "$(grep -c '^EHLO' "$T_TMP/pipe/commands")" 1
t_is "with RSET between messages" "$(grep -c '^RSET' "$T_TMP/pipe/commands")" 4
t_like "MAIL carries ENVID and RET=HDRS" "$log" '^MAIL FROM:<alice@example\.test> SIZE=[0-9]+ RET=HDRS ENVID=[0-9a-f]{32}$'
t_like "RCPT asks for failure and delay notices" "$log" '^RCPT TO:<bob@example\.test> NOTIFY=FAILURE,DELAY$'
t_is "five arrived" "$(ls "$T_TMP/pipe/spool" | grep -c '\.eml$')" 5
t_is "a message ends exactly once (no extra empty line)" "$(tail -c 6 "$T_TMP/pipe/spool/0001.eml" | od -An -c | tr -d ' ')" 'body\r\n'

# --- OAuth2 (XOAUTH2 with a token from oauth2_token_command) ------------------------
fake_start oauth
c=$(conf_for oauth "$port" "oauth2_token_command = echo good-token")
sed -i '/^smtp_password_command/d' "$c"
queue_one "$c" "oauth"
t_ok "XOAUTH2 with a good token sends" "$SATCHEL" -c "$c" send
t_like "the token went as XOAUTH2" "$(cat "$T_TMP/oauth/commands")" '^OAUTH XOAUTH2 user=alice$'
t_is "it arrived" "$(ls "$T_TMP/oauth/spool" | grep -c '\.eml$')" 1
c=$(conf_for oauthbad "$port" "oauth2_token_command = echo expired-token" "smtp_auth = OAUTHBEARER")
sed -i '/^smtp_password_command/d' "$c"
queue_one "$c" "oauth bad"
"$SATCHEL" -c "$c" send >"$T_TMP/out" 2>&1
t_is "a refused token exits 77" "$?" 77
t_like "with the server's words" "$(cat "$T_TMP/out")" '535 5\.7\.8 Username and Password not accepted'

# --- 554 at DATA from a pipelining server ----------------------------------------
fake_start rej --pipelining --data-reply "554 5.7.1 Spam detected"
c=$(conf_for rej "$port")
queue_one "$c" "spam"
"$SATCHEL" -c "$c" send >"$T_TMP/out" 2>&1
t_is "554 after the message exits 69" "$?" 69
t_like "failed with the words" "$("$SATCHEL" -c "$c" queue)" 'last error: 554 5\.7\.1 Spam detected'
t_done
