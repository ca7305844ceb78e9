#!/bin/sh
# t2000-fetch-dovecot: satchel fetch against a real Dovecot: keep mode twice
# (the second run downloads nothing), every TLS mode, certificate and host
# name rejection, pinning, plaintext refusal, APOP, TOP headers-only,
# delete_after_days and delete mode.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
t_init
t_need_cmd dovecot dovecot-pop3d
t_plan 36
t_dovecot_start

STORE=$XDG_DATA_HOME/satchel
CONF=$XDG_CONFIG_HOME/satchel/config
mkdir -p "$XDG_CONFIG_HOME/satchel" "$T_TMP/mail"

# mk_msgs PREFIX N [BODYLINES]: N messages with unique Message-IDs.
mk_msgs() {
	i=1
	while test "$i" -le "$2"; do
		f=$T_TMP/mail/$1-$i.eml
		{
			printf 'From: Sender %s <s%s@example.test>\n' "$i" "$i"
			printf 'To: alice@example.test\n'
			printf 'Subject: %s message %s\n' "$1" "$i"
			printf 'Message-ID: <%s-%s@example.test>\n' "$1" "$i"
			printf 'Date: Mon, 1 Jan 2024 10:00:00 +0000\n\n'
			printf 'Body of %s %s.\n.leading dot\n' "$1" "$i"
			j=0
			while test "$j" -lt "${3:-0}"; do
				printf 'padding line %s of a long message body\n' "$j"
				j=$((j + 1))
			done
		} >"$f"
		echo "$f"
		i=$((i + 1))
	done
}

# conf TLS PORT [extra key = value lines...]
conf() {
	tls=$1 port=$2
	shift 2
	{
		printf '[account test]\naddress = Alice <alice@example.test>\n'
		printf 'pop3_host = %s\npop3_port = %s\npop3_tls = %s\n' \
		    "${HOSTNAME_OVERRIDE:-$POP3_HOST}" "$port" "$tls"
		printf 'pop3_user = %s\npassword = %s\ntimeout = %s\n' \
		    "$POP3_USER" "$POP3_PASS" "$(t_timeout 10)"
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
	"$SATCHEL" fetch "$@" >"$T_TMP/out" 2>"$T_TMP/err"
	echo $? >"$T_TMP/rc"
}
rc() { cat "$T_TMP/rc"; }
out() { cat "$T_TMP/out" "$T_TMP/err"; }

t_dovecot_seed $(mk_msgs keep 5)

# Keep mode, implicit TLS, twice.
conf implicit "$POP3S_PORT" "ca_file = $CA_FILE"
fetch
t_is "keep: first fetch succeeds" "$(rc)" 0
t_like "keep: summary line counts 5 new" "$(out)" "5 new, 0 skipped"
t_is "keep: 5 messages stored" "$(stored)" 5
t_is "keep: server still holds 5" "$(t_dovecot_count)" 5
fetch
t_is "keep: second fetch succeeds" "$(rc)" 0
t_like "keep: second fetch downloads nothing" "$(out)" "0 new, 5 skipped"
t_is "keep: still 5 stored" "$(stored)" 5
t_like "keep: fetched mail is readable Maildir content" \
    "$(cat "$(find "$STORE" -path '*/INBOX/*' -type f -name '*' | grep -E '/(cur|new)/' | head -n 1)")" \
    "^From: Sender"
fetch --quiet
t_is "quiet: exit 0" "$(rc)" 0
t_is "quiet: prints nothing" "$(out)" ""

# STLS on the plain port.
t_dovecot_seed $(mk_msgs stls 1)
conf starttls "$POP3_PORT" "ca_file = $CA_FILE"
fetch
t_is "starttls: fetch succeeds" "$(rc)" 0
t_like "starttls: one new" "$(out)" "1 new, 5 skipped"

# No TLS: refused without allow_plaintext, works with it.
t_dovecot_seed $(mk_msgs plain 1)
conf none "$POP3_PORT"
fetch
t_is "plaintext: refused with exit 77" "$(rc)" 77
t_like "plaintext: says why" "$(out)" "unencrypted"
t_like "plaintext: says it is permanent" "$(out)" "permanent"
conf none "$POP3_PORT" "allow_plaintext = true"
fetch
t_is "plaintext allowed: fetch succeeds" "$(rc)" 0
t_is "plaintext allowed: 7 stored" "$(stored)" 7

# Certificates: unknown CA, system store, name mismatch, pinning.
conf implicit "$POP3S_PORT" "ca_file = $OTHER_CA_FILE"
fetch
t_is "unknown CA: refused (77)" "$(rc)" 77
t_like "unknown CA: names the reason" "$(out)" "[Cc]ertificate|issuer|trusted"
conf starttls "$POP3_PORT" "ca_file = $OTHER_CA_FILE"
fetch
t_is "unknown CA over STLS: refused (77)" "$(rc)" 77
HOSTNAME_OVERRIDE=127.1 conf implicit "$POP3S_PORT" "ca_file = $CA_FILE"
fetch
t_is "host name not in the certificate: refused (77)" "$(rc)" 77
t_like "host name mismatch: says so" "$(out)" "[Nn]ame|match"
if command -v openssl >/dev/null 2>&1; then
	fp=$(openssl x509 -in "$CA_DIR/server.pem" -noout -fingerprint -sha256 |
	    sed 's/.*=//')
	conf implicit "$POP3S_PORT" "ca_file = $OTHER_CA_FILE" \
	    "pop3_fingerprint = $fp"
	fetch
	t_is "pinned fingerprint: accepted despite the unknown CA" "$(rc)" 0
	conf implicit "$POP3S_PORT" "ca_file = $CA_FILE" \
	    "pop3_fingerprint = 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"
	fetch
	t_is "wrong pinned fingerprint: refused (77)" "$(rc)" 77
else
	t_skip "pinned fingerprint" "no openssl"
	t_skip "wrong pinned fingerprint" "no openssl"
fi

# APOP over implicit TLS.
t_dovecot_seed $(mk_msgs apop 1)
conf implicit "$POP3S_PORT" "ca_file = $CA_FILE" "pop3_auth = apop"
fetch
t_is "apop: fetch succeeds" "$(rc)" 0
t_like "apop: one new" "$(out)" "1 new"

# TOP: a message over max_size comes headers-only.
t_dovecot_seed $(mk_msgs big 1 400)
conf implicit "$POP3S_PORT" "ca_file = $CA_FILE" "max_size = 4000"
fetch
t_like "max_size: one headers-only message" "$(out)" "1 new.*1 headers only"
big=$(grep -rl "Subject: big message 1" "$STORE" | head -n 1)
t_ok "max_size: stored file has the headers" test -n "$big"
t_unlike "max_size: stored file has no body" "$(cat "$big" 2>/dev/null)" "padding line"

# delete_after_days: nothing is old enough yet, so nothing is deleted.
n=$(t_dovecot_count)
conf implicit "$POP3S_PORT" "ca_file = $CA_FILE" "delete_after_days = 3"
fetch
t_is "delete_after_days: fetch succeeds" "$(rc)" 0
t_is "delete_after_days: fresh mail stays on the server" "$(t_dovecot_count)" "$n"

# Delete mode: everything stored leaves the server; the headers-only
# message stays there (its body is still needed).
t_dovecot_seed $(mk_msgs del 3)
conf implicit "$POP3S_PORT" "ca_file = $CA_FILE" "keep = false" "max_size = 4000"
fetch
t_is "delete: fetch succeeds" "$(rc)" 0
t_is "delete: only the headers-only message stays on the server" \
    "$(t_dovecot_count)" 1
t_is "delete: every message stored once" "$(stored)" 12

# The headers-only copy keeps its server copy even when max_size no
# longer asks for it: its body exists only on the server.
conf implicit "$POP3S_PORT" "ca_file = $CA_FILE" "keep = false"
fetch
t_is "delete, max_size dropped: fetch succeeds" "$(rc)" 0
t_is "delete, max_size dropped: the headers-only message stays" \
    "$(t_dovecot_count)" 1
t_done
