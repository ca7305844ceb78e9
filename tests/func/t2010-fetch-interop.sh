#!/bin/sh
# t2010-fetch-interop: what other POP3 servers really send, reproduced with
# a real Dovecot configured like them. With pop3_reuse_xuidl a message's
# UIDL is its own X-UIDL header, as in GNU mailutils and qpopper: any
# sender can put a UIDL with spaces, over 70 characters or non-ASCII in
# the listing, or the same UIDL as another message (popa3d does that for
# identical messages). Only that message may be affected: it is fetched,
# keyed safely, said once, and known on the next fetch. Also APOP with
# STLS: the time stamp of the one greeting is used after TLS.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
t_init
t_need_cmd dovecot dovecot-pop3d
t_plan 21
DOVECOT_EXTRA='pop3_reuse_xuidl = yes
pop3_uidl_duplicates = allow'
export DOVECOT_EXTRA
t_dovecot_start

STORE=$XDG_DATA_HOME/satchel
CONF=$XDG_CONFIG_HOME/satchel/config
mkdir -p "$XDG_CONFIG_HOME/satchel" "$T_TMP/mail"

# msg NAME X-UIDL: a message with that X-UIDL header (raw bytes).
msg() {
	f=$T_TMP/mail/$1.eml
	{
		printf 'From: Sender <s@example.test>\nTo: alice@example.test\n'
		printf 'Subject: %s\nMessage-ID: <%s@example.test>\n' "$1" "$1"
		printf 'X-UIDL: %s\n' "$2"
		printf 'Date: Mon, 1 Jan 2024 10:00:00 +0000\n\nBody of %s.\n' "$1"
	} >"$f"
	echo "$f"
}

# conf TLS PORT [extra lines...]
conf() {
	tls=$1 port=$2
	shift 2
	{
		printf '[account test]\naddress = Alice <alice@example.test>\n'
		printf 'pop3_host = %s\npop3_port = %s\npop3_tls = %s\n' \
		    "$POP3_HOST" "$port" "$tls"
		printf 'pop3_user = %s\npassword = %s\ntimeout = 10\n' \
		    "$POP3_USER" "$POP3_PASS"
		printf 'ca_file = %s\n' "$CA_FILE"
		for l in "$@"; do
			printf '%s\n' "$l"
		done
	} | t_write_config "$CONF"
}

stored() {
	find "$STORE" \( -path '*/cur/*' -o -path '*/new/*' \) -type f |
	    wc -l | tr -d ' '
}

fetch() {
	"$SATCHEL" fetch >"$T_TMP/out" 2>&1
	echo $? >"$T_TMP/rc"
}
out() { cat "$T_TMP/out"; }
rc() { cat "$T_TMP/rc"; }

long=$(printf 'L%.0s' $(seq 1 90))
t_dovecot_seed "$(msg plain plain-uidl-1)" "$(msg spaced 'has a space')" \
    "$(msg long "$long")" "$(msg utf8 "$(printf 'caf\303\251-uidl')")" \
    "$(msg twin-a same-uidl)" "$(msg twin-b same-uidl)"
conf implicit "$POP3S_PORT"

# What the server lists, so that the test shows the quirk is real.
listing=$("$PYTHON" - "$POP3_HOST" "$POP3_PORT" "$POP3_USER" "$POP3_PASS" <<'PYEOF'
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
f = s.makefile('rb')
def cmd(c):
    s.sendall(c.encode() + b'\r\n')
    return f.readline()
f.readline()
cmd('USER ' + sys.argv[3]); cmd('PASS ' + sys.argv[4])
cmd('UIDL')
while True:
    l = f.readline()
    if l in (b'.\r\n', b''):
        break
    sys.stdout.write(l.decode('utf-8', 'replace'))
cmd('QUIT')
PYEOF
)
t_like "the server lists a UIDL with a space" "$listing" '^[0-9]+ has a space'
t_like "the server lists a UIDL of 90 characters" "$listing" "^[0-9]+ $long"
t_is "the server lists one UIDL twice" \
    "$(echo "$listing" | grep -c ' same-uidl')" 2

fetch
t_is "keep mode: the fetch succeeds" "$(rc)" 0
t_like "every message is fetched" "$(out)" '6 new'
t_is "six messages stored" "$(stored)" 6
t_like "the unusable UIDLs are said" "$(out)" '3 messages have a UIDL that is not usable'
t_like "the duplicate is said" "$(out)" '1 message has the same UIDL as another'
t_is "said once, not per message" \
    "$(grep -c 'not usable' "$T_TMP/out")" 1
t_ok "the stored files keep the body of the spaced one" \
    grep -rlq 'Body of spaced' "$STORE"
t_ok "both twins are stored" sh -c "grep -rlq 'Body of twin-a' '$STORE' &&
    grep -rlq 'Body of twin-b' '$STORE'"

fetch
t_is "second fetch succeeds" "$(rc)" 0
t_like "second fetch: nothing new" "$(out)" '0 new'
t_unlike "second fetch: no warning again" "$(out)" 'not usable|same UIDL'
t_is "still six messages" "$(stored)" 6

# A reindex keeps the keys: the next fetch still knows every message.
t_ok "reindex" "$SATCHEL" reindex
fetch
t_like "after reindex: nothing new" "$(out)" '0 new'

# Delete mode removes all of them, the odd ones included.
conf implicit "$POP3S_PORT" "keep = false"
fetch
t_is "delete mode: fetch succeeds" "$(rc)" 0
t_is "delete mode: the server is empty" "$(t_dovecot_count)" 0

# APOP after STLS: the stamp comes from the one greeting before TLS.
t_dovecot_seed "$(msg apop apop-uidl)"
conf starttls "$POP3_PORT" "pop3_auth = apop"
fetch
t_is "apop with starttls: fetch succeeds" "$(rc)" 0
t_like "apop with starttls: one new" "$(out)" '1 new'
t_done
