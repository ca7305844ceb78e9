#!/bin/sh
# t7210: satchel send against a hostile SMTP server
# (tests/fake/hostile-smtp.py): a greeting line and multi-line replies that
# never end (after EHLO, RCPT and the end of DATA), a malformed reply code,
# escape sequences in a reply, a TAB in the EHLO AUTH list (libetpan's
# parser loops on it), and data injected after the STARTTLS reply (the
# CVE-2020-15953 class). satchel must stop with a clear error, send no
# credentials over a tampered link, print nothing unsafe, and never record
# as sent a message the server did not accept with a final 2xx.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd "$T_PYTHON" python3

fake=$top_srcdir/tests/fake
scan() { "$T_PYTHON" "$fake/hostile-scan.py" "$@"; }
HOSTILE_MAX_BYTES=16777216
export HOSTILE_MAX_BYTES
if grep -q __asan_init "$SATCHEL" 2>/dev/null; then
	rss_limit=1500000
else
	rss_limit=40000
fi
sh "$top_srcdir/tests/servers/ca.sh" "$T_TMP/ca" >/dev/null 2>&1 ||
    { echo "Bail out! cannot make test certificates"; exit 1; }

# hostile SCENARIO TLS: fresh HOME, the server, one queued message, one
# send. Sets D, RC, OUT, SENT, RSS, QUEUE (satchel queue output) and
# ACCEPTED (messages whose DATA the server read).
hostile() {
	D=$T_TMP/$1
	mkdir -p "$D/home/.config/satchel"
	HOME=$D/home XDG_CONFIG_HOME=$D/home/.config \
	XDG_DATA_HOME=$D/home/.local/share
	export HOME XDG_CONFIG_HOME XDG_DATA_HOME
	t_spawn "$1-server" "$T_PYTHON" "$fake/hostile-smtp.py" "$1" "$D" \
	    "$T_TMP/ca/server.pem" "$T_TMP/ca/server-key.pem"
	t_wait_file "$D/port"
	t_write_config "$XDG_CONFIG_HOME/satchel/config" <<EOC
[account hostile]
address = Alice <alice@example.test>
smtp_host = 127.0.0.1
smtp_port = $(cat "$D/port")
smtp_tls = $2
smtp_user = alice
password = secret-pw
allow_plaintext = true
timeout = $(t_timeout 5)
ca_file = $T_TMP/ca/ca.pem
EOC
	printf 'hello\n' | "$SATCHEL" compose --to bob@example.test \
	    --subject "hostile $1" >/dev/null 2>&1
	"$T_PYTHON" "$fake/hostile-maxrss.py" "$D/rss" timeout "$(t_timeout "${TMO:-120}")" \
	    "$SATCHEL" send >"$D/out" 2>&1
	RC=$?
	touch "$D/stop"
	OUT=$(cat "$D/out")
	SENT=$(cat "$D/sent" 2>/dev/null | head -n 1)
	SENT=${SENT:-0}
	RSS=$(cat "$D/rss" 2>/dev/null || echo 999999999)
	"$SATCHEL" queue >"$D/queue" 2>&1
	QUEUE=$(cat "$D/queue")
	ACCEPTED=$(cat "$D/messages" 2>/dev/null | wc -l | tr -d ' ')
}

for sc in endless-greeting endless-ehlo endless-rcpt endless-data; do
	hostile $sc none
	t_ok "$sc: send fails (status $RC)" test "$RC" -ne 0 -a "$RC" -lt 128
	t_ok "$sc: satchel stops by itself ($SENT bytes sent)" \
	    test "$SENT" -lt "$HOSTILE_MAX_BYTES"
	t_ok "$sc: peak RSS $RSS KiB <= $rss_limit" test "$RSS" -le "$rss_limit"
	t_like "$sc: the error says the reply is too long or was cut" "$OUT" \
	    'too long|lost|timed out'

	t_like "$sc: the message is still in the queue" "$QUEUE" \
	    '^1 +(queued|failed|sending)'
	t_unlike "$sc: it is not recorded as sent" "$QUEUE" '^1 +sent'
done
t_like "endless-data: the user is told it may have been sent" "$QUEUE" \
    'maybe sent|may have'

hostile bad-code none
t_ok "bad-code: send fails (status $RC)" test "$RC" -ne 0 -a "$RC" -lt 128
t_unlike "bad-code: not recorded as sent" "$QUEUE" '^1 +sent'
t_is "bad-code: the server received no message" "$ACCEPTED" 0

hostile esc-reply none
t_ok "esc-reply: send fails (status $RC)" test "$RC" -ne 0 -a "$RC" -lt 128
t_ok "esc-reply: send output holds no escape, C1 or bidi" scan "$D/out"
t_ok "esc-reply: queue output holds no escape, C1 or bidi" scan "$D/queue"
t_like "esc-reply: the server's words are shown, made visible" "$OUT" \
    '554.*PWNED-TITLE'

# libetpan's EHLO parser loops for ever on a TAB after "AUTH "; satchel
# reads EHLO itself and turns TABs into spaces first.
TMO=20
hostile auth-tab none
TMO=
t_ok "auth-tab: send ends by itself (status $RC)" test "$RC" -ne 124
t_is "auth-tab: the message was sent" "$ACCEPTED" 1
t_unlike "auth-tab: not recorded as sent" "$QUEUE" '^1 +sent'

hostile starttls-ok starttls
t_is "starttls-ok (control): send over STARTTLS works" "$RC" 0
t_is "starttls-ok (control): the server got the message" "$ACCEPTED" 1
for sc in starttls-inject starttls-inject-late starttls-early; do
	hostile $sc starttls
	t_ok "$sc: send fails (status $RC)" test "$RC" -ne 0 -a "$RC" -lt 128
	t_is "$sc: exit 75, the message waits for a retry" "$RC" 75
	t_like "$sc: the error names the cause" "$OUT" 'TLS'
	t_is "$sc: no credentials or mail commands were sent" \
	    "$(grep -c -E '^(AUTH|MAIL|RCPT|DATA)' "$D/log")" 0
	t_like "$sc: the message is still queued" "$QUEUE" '^1 +queued'
done
t_done
