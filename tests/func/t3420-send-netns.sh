#!/bin/sh
# t3420-send-netns: when the network returns, the mail goes within seconds.
# In two private network namespaces (created here; the servers on one side
# of a veth pair, satchel on the other): the link goes down, three messages
# are queued, several attempts fail, a message waits on the POP3 server;
# the link comes up and within 5 s the messages reach the real SMTP server
# and the new mail is fetched: once with only `satchel sync` running, once
# with only the reader open. The retry timers are an hour away, so only the
# network change can explain it. Needs root (skips otherwise, unless
# SATCHEL_TEST_REQUIRE=1).
. "$top_srcdir/tests/lib.sh"
t_init
t_need_root "network namespaces"
t_need_cmd ip iproute2
t_need_cmd tmux tmux
t_need_cmd aiosmtpd python3-aiosmtpd
t_need_cmd dovecot dovecot-pop3d
t_plan 16

ns=s13-$$
NETNS="sh $T_SERVERS/netns.sh"
$NETNS create "$ns" || { echo "Bail out! cannot create network namespaces"; exit 1; }
t_at_exit "$NETNS delete $ns"
IN_S() { ip netns exec "$ns-s" "$@"; }
IN_C() { ip netns exec "$ns-c" "$@"; }

# The servers listen on every address of their own namespace.
t_ca_
SATCHEL_TEST_LISTEN=0.0.0.0
export SATCHEL_TEST_LISTEN
T_SMTP_DIR=$T_TMP/smtp
IN_S sh "$T_SERVERS/smtp.sh" start "$T_SMTP_DIR" >&2 ||
    { echo "Bail out! the SMTP server did not start"; exit 1; }
. "$T_SMTP_DIR/env"
T_DOVECOT_DIR=$T_TMP/dovecot
IN_S sh "$T_SERVERS/dovecot.sh" start "$T_DOVECOT_DIR" >&2 ||
    { echo "Bail out! dovecot did not start"; exit 1; }
. "$T_DOVECOT_DIR/env"
export SMTP_SPOOL
fp=$("$PYTHON" -c 'import hashlib, ssl, sys; print(hashlib.sha256(ssl.PEM_cert_to_DER_cert(open(sys.argv[1]).read())).hexdigest())' "$CA_DIR/server.pem")

conf=$HOME/conf
t_write_config "$conf" <<EOF
[general]
store = $T_TMP/store
send_interval = 3600
fetch_interval = 3600
[account test]
address = Test User <alice@example.test>
pop3_host = 10.213.0.1
pop3_port = $POP3S_PORT
pop3_tls = implicit
pop3_user = $POP3_USER
pop3_password_command = echo $POP3_PASS
pop3_fingerprint = $fp
smtp_host = 10.213.0.1
smtp_port = $SMTP_PORT
smtp_tls = starttls
smtp_user = $SMTP_USER
smtp_password_command = echo $SMTP_PASS
smtp_fingerprint = $fp
timeout = 5
[general]
store = $T_TMP/store
send_interval = 3600
fetch_interval = 3600
[account test]
address = Test User <alice@example.test>
pop3_host = 10.213.0.1
pop3_port = $POP3S_PORT
pop3_tls = implicit
pop3_user = $POP3_USER
pop3_password_command = echo $POP3_PASS
pop3_fingerprint = $fp
smtp_host = 10.213.0.1
smtp_port = $SMTP_PORT
smtp_tls = starttls
smtp_user = $SMTP_USER
smtp_password_command = echo $SMTP_PASS
smtp_fingerprint = $fp
timeout = 5
EOF
S() { IN_C "$SATCHEL" -c "$conf" "$@"; }
inbox() { find "$T_TMP/store/INBOX/new" "$T_TMP/store/INBOX/cur" -type f 2>/dev/null | wc -l | tr -d ' '; }
now() { date +%s%N; }
# until_ok SECONDS CMD...: run CMD every 0.05 s until it succeeds.
until_ok() {
	u_end_=$(( $(now) + $1 * 1000000000 ))
	shift
	while ! "$@"; do
		test "$(now)" -lt "$u_end_" || return 1
		sleep 0.05
	done
}
# elapsed T0: seconds since T0 (from now), two decimals.
elapsed() {
	e_ms_=$(( ($(now) - $1) / 1000000 ))
	printf '%d.%02d' $((e_ms_ / 1000)) $((e_ms_ % 1000 / 10))
}
delivered() { test "$(t_smtp_count)" -ge "$1" && test "$(inbox)" -ge "$2"; }
seed() {
	printf 'From: s@example.test\nTo: alice@example.test\nSubject: waiting %s\nMessage-ID: <w%s@example.test>\n\nHi.\n' "$1" "$1" >"$T_TMP/seed$1"
	t_dovecot_seed "$T_TMP/seed$1"
}
# offline_queue N: link down, N messages queued, attempts that fail.
offline_queue() {
	$NETNS link "$ns" down
	for i in $(seq "$1"); do
		printf 'body %s\n' "$i" | S compose --to "bob$i@example.test" --subject "offline $i" >/dev/null
	done
	S send >/dev/null 2>&1
	S send >/dev/null 2>&1
	S send >/dev/null 2>&1
}

# --- only satchel sync -------------------------------------------------------
offline_queue 3
t_like "offline: the entries wait for the network" "$(S queue)" 'waiting for the network, next try'
t_like "after several failed attempts" "$(S queue)" 'attempts 3 '
seed 1
# Not through a shell function: $! must be satchel itself.
ip netns exec "$ns-c" "$SATCHEL" -c "$conf" sync -v >"$T_TMP/sync.log" 2>&1 &
sync_pid=$!
t_at_exit "kill $sync_pid"
sleep 1.5
t_is "nothing reached the server while the link is down" "$(t_smtp_count)" 0
t_is "nothing was fetched while the link is down" "$(inbox)" 0
t0=$(now)
$NETNS link "$ns" up
until_ok 5 delivered 3 1
rc=$?
dt=$(elapsed "$t0")
t_is "sync: link up -> 3 messages sent and the new mail fetched in $dt s (<= 5)" "$rc" 0
t_is "sync: each message arrived once" "$(t_smtp_count)" 3
t_is "sync: the queue is empty" "$(S queue | grep -c queued)" 0
kill -TERM $sync_pid
wait $sync_pid
t_is "sync exits 0 on SIGTERM" "$?" 0
t_diag <"$T_TMP/sync.log"

# --- only the reader ---------------------------------------------------------
offline_queue 3
seed 2
t_tmux_start ui 200 24 ip netns exec "$ns-c" "$SATCHEL" -c "$conf"
t_ok "the reader starts" t_tmux_wait ui 'INBOX'
sleep 3
t_ok "the status line says what the outbox waits for" t_tmux_wait ui 'Queue:3 \(waiting for the network'
t_is "reader: nothing sent while the link is down" "$(t_smtp_count)" 3
t_is "reader: nothing fetched while the link is down" "$(inbox)" 1
t0=$(now)
$NETNS link "$ns" up
until_ok 5 delivered 6 2
rc=$?
dt=$(elapsed "$t0")
t_is "reader: link up -> 3 messages sent and the new mail fetched in $dt s (<= 5)" "$rc" 0
t_is "reader: each message arrived once" "$(t_smtp_count)" 6
t_ok "reader: the status line shows an empty queue" t_tmux_wait ui 'Queue:0' 5
t_is "the messages went to the right recipients" "$(cat "$SMTP_SPOOL"/*.env | grep -c 'RCPT TO:<bob[123]@example.test>')" 6
t_tmux_keys ui q
t_done
