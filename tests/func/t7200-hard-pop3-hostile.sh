#!/bin/sh
# t7200: satchel fetch against a hostile POP3 server
# (tests/fake/hostile-pop3.py): a greeting, a CAPA list, a UIDL listing and
# a message body that never end, LIST and RETR byte counts that lie, data
# injected after the STLS reply (the CVE-2020-15953 class, in one packet
# and in a late one) and escape sequences in an -ERR text. satchel must
# stop by itself with a clear error, in bounded time and memory, send no
# credentials over a tampered link, print nothing unsafe and store nothing
# false: no partial message, exactly the bytes between +OK and the final
# dot otherwise.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd "$T_PYTHON" python3

fake=$top_srcdir/tests/fake
scan() { "$T_PYTHON" "$fake/hostile-scan.py" "$@"; }
# Endless replies stop at this many bytes; a client that has not given up
# by then never would.
HOSTILE_MAX_BYTES=67108864
export HOSTILE_MAX_BYTES
if grep -q __asan_init "$SATCHEL" 2>/dev/null; then
	rss_limit=1500000
else
	rss_limit=60000
fi
sh "$top_srcdir/tests/servers/ca.sh" "$T_TMP/ca" >/dev/null 2>&1 ||
    { echo "Bail out! cannot make test certificates"; exit 1; }

# hostile SCENARIO TLS: a fresh HOME and store, the server, one fetch.
# Sets D (the server's directory), RC, OUT (stdout and stderr), SENT
# (bytes of the endless reply, 0 if none), RSS (KiB) and COUNT (messages
# stored).
hostile() {
	D=$T_TMP/$1
	mkdir -p "$D/home/.config/satchel"
	HOME=$D/home XDG_CONFIG_HOME=$D/home/.config \
	XDG_DATA_HOME=$D/home/.local/share
	export HOME XDG_CONFIG_HOME XDG_DATA_HOME
	t_spawn "$1-server" "$T_PYTHON" "$fake/hostile-pop3.py" "$1" "$D" \
	    "$T_TMP/ca/server.pem" "$T_TMP/ca/server-key.pem"
	t_wait_file "$D/port"
	t_write_config "$XDG_CONFIG_HOME/satchel/config" <<EOC
[account hostile]
pop3_host = 127.0.0.1
pop3_port = $(cat "$D/port")
pop3_tls = $2
pop3_user = bob
password = secret-pw
allow_plaintext = true
timeout = $(t_timeout 5)
ca_file = $T_TMP/ca/ca.pem
EOC
	"$T_PYTHON" "$fake/hostile-maxrss.py" "$D/rss" timeout "$(t_timeout 120)" \
	    "$SATCHEL" fetch >"$D/out" 2>&1
	RC=$?
	touch "$D/stop"
	OUT=$(cat "$D/out")
	SENT=$(cat "$D/sent" 2>/dev/null | head -n 1)
	SENT=${SENT:-0}
	RSS=$(cat "$D/rss" 2>/dev/null || echo 999999999)
	COUNT=$("$SATCHEL" search --count '' 2>/dev/null)
	COUNT=${COUNT:-0}
}

# stored SUBJECT: the file of the stored message with that subject.
stored() {
	"$SATCHEL" search --format=json "subject:\"$1\"" 2>/dev/null |
	    "$T_PYTHON" -c 'import json,sys; print(json.loads(sys.stdin.readline())["path"])' 2>/dev/null
}

no_tmp_left() {
	test -d "$XDG_DATA_HOME/satchel/INBOX" || return 1
	test -z "$(find "$XDG_DATA_HOME/satchel" -type f \
	    -path "$XDG_DATA_HOME/satchel/*/tmp/*" 2>/dev/null)"
}

# --- endless replies ------------------------------------------------------
for sc in endless-greeting endless-capa endless-uidl endless-retr; do
	hostile $sc none
	t_ok "$sc: fetch fails (status $RC)" test "$RC" -ne 0 -a "$RC" -lt 128
	t_ok "$sc: satchel stops by itself ($SENT bytes sent)" \
	    test "$SENT" -lt "$HOSTILE_MAX_BYTES"
	t_like "$sc: the error says what went wrong" "$OUT" \
	    'too long|twice|invalid|out of range|more than|larger than'

	t_is "$sc: nothing is stored" "$COUNT" 0
	t_ok "$sc: no partial file is left in tmp/" no_tmp_left
	t_ok "$sc: peak RSS $RSS KiB <= $rss_limit" test "$RSS" -le "$rss_limit"
done

# --- byte counts that lie -------------------------------------------------
nl='
'
for sc in long-count short-count octets-lie; do
	hostile $sc none
	t_is "$sc: fetch succeeds" "$RC" 0
	t_is "$sc: both messages stored" "$COUNT" 2
	p=$(stored "hostile one")
	if test $sc = long-count; then
		t_is "$sc: the whole message is stored, not the LIST size" \
		    "$(grep -c '^long body line$' "$p" 2>/dev/null)" 312
	else
		t_is "$sc: the message is stored byte for byte" \
		    "$(cat "$p" 2>/dev/null)" \
		    "From: a@example.test${nl}Subject: hostile one${nl}Message-ID: <h1@hostile>${nl}${nl}body one"
	fi
done

# --- STLS response injection ---------------------------------------------
hostile stls-ok starttls
t_is "stls-ok (control): fetch over STLS works" "$RC" 0
t_is "stls-ok (control): two messages stored" "$COUNT" 2
for sc in stls-inject stls-inject-late stls-early; do
	hostile $sc starttls
	t_ok "$sc: fetch fails (status $RC)" test "$RC" -ne 0 -a "$RC" -lt 128
	t_like "$sc: the error names the cause" "$OUT" 'after STLS|TLS'
	t_is "$sc: no credentials were sent" \
	    "$(grep -c -E '^(USER|PASS|AUTH|APOP)' "$D/log")" 0
	t_is "$sc: nothing is stored" "$COUNT" 0
done

# --- escape sequences in the server's words -------------------------------
hostile esc-error none
t_ok "esc-error: fetch fails (status $RC)" test "$RC" -ne 0 -a "$RC" -lt 128
t_ok "esc-error: the output holds no escape, C1 or bidi" scan "$D/out"
t_like "esc-error: the server's words are shown, made visible" "$OUT" \
    'PWNED-TITLE'
t_is "esc-error: nothing is stored" "$COUNT" 0
t_done
