#!/bin/sh
# t2012-fetch-host-once: connection and certificate errors of fetch and
# send name the server once ("127.0.0.1 port N: Connection refused"), not
# once per layer the error passed through.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
t_init
t_need_cmd dovecot dovecot-pop3d
t_plan 8
t_dovecot_start

closed=$("$PYTHON" "$T_SERVERS/netutil.py" ports 1)
CONF=$HOME/conf
conf() {
	t_write_config "$CONF" <<EOF
[general]
store = $T_TMP/store
[account test]
address = Alice <alice@example.test>
pop3_host = 127.0.0.1
pop3_port = $1
pop3_tls = $2
pop3_user = $POP3_USER
password = $POP3_PASS
smtp_host = 127.0.0.1
smtp_port = $1
smtp_tls = $2
allow_plaintext = true
ca_file = $OTHER_CA_FILE
timeout = 5
EOF
}
# once TEXT: how many times the text names 127.0.0.1 on its worst line.
once() {
	printf '%s\n' "$1" | awk '{ n = gsub(/127\.0\.0\.1/, "&"); if (n > m) m = n } END { print m + 0 }'
}

conf "$closed" none
out=$("$SATCHEL" -c "$CONF" fetch 2>&1)
t_like "fetch: refused connection is said" "$out" "127\.0\.0\.1 port $closed: Connection refused"
t_is "fetch: the host is named once" "$(once "$out")" 1
printf 'hi\n' | "$SATCHEL" -c "$CONF" compose --to b@example.test -s x >/dev/null
out=$("$SATCHEL" -c "$CONF" send 2>&1)
t_like "send: refused connection is said" "$out" "127\.0\.0\.1 port $closed: Connection refused"
t_is "send: the host is named once" "$(once "$out")" 1

# A certificate from another CA.
conf "$POP3S_PORT" implicit
out=$("$SATCHEL" -c "$CONF" fetch 2>&1)
t_like "fetch: the certificate is refused" "$out" "certificate"
t_is "fetch: the host is named once" "$(once "$out")" 1
conf "$POP3_PORT" starttls
out=$("$SATCHEL" -c "$CONF" fetch 2>&1)
t_like "fetch (STLS): the certificate is refused" "$out" "certificate"
t_is "fetch (STLS): the host is named once" "$(once "$out")" 1
t_done
