#!/bin/sh
# t6016-ui-honest-status: the status line says [online] only once a server
# answered in this session. A retry of the queue that finds nothing due
# tries nothing: it neither claims the network works nor clears the last
# send error while the message is still queued.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd python3 python3
t_need_cmd dovecot dovecot-pop3d
t_plan 6
t_dovecot_start

# An SMTP server that takes every message up to its end and then says
# "try later": each try is deferred for minutes.
FAKE=$top_srcdir/tests/fake/smtp-fake.py
d=$T_TMP/fake
mkdir -p "$d"
t_spawn fake "$PYTHON" "$FAKE" --dir "$d" --no-auth \
    --data-reply '451 4.3.0 Try again later'
t_wait_file "$d/port" || { echo "Bail out! the fake SMTP server did not start"; exit 1; }
c=$HOME/conf
{
	printf '[general]\nstore = %s\nsend_interval = 86400\n' "$T_TMP/store"
	printf '[account test]\naddress = Test User <alice@example.test>\n'
	printf 'smtp_host = 127.0.0.1\nsmtp_port = %s\nsmtp_tls = none\n' "$(cat "$d/port")"
	printf 'allow_plaintext = true\ntimeout = 5\n'
	printf 'pop3_host = %s\npop3_port = %s\npop3_tls = implicit\n' "$POP3_HOST" "$POP3S_PORT"
	printf 'pop3_user = %s\npop3_password_command = echo %s\nca_file = %s\n' "$POP3_USER" "$POP3_PASS" "$CA_FILE"
} | t_write_config "$c"
printf 'body\n' | "$SATCHEL" -c "$c" compose --to bob@example.test --subject waiting >/dev/null
"$SATCHEL" -c "$c" send >/dev/null 2>&1
t_like "the first try failed: the entry waits" "$("$SATCHEL" -c "$c" queue 2>&1)" 'queued.*attempts 1'

t_tmux_start ui 100 24 "$SATCHEL" -c "$c"
t_ok "the reader starts with the message queued" t_tmux_wait ui 'Queue:1'
# The reader retries what is due 2 s after it starts: nothing is.
sleep 3
t_unlike "no server answered: not [online]" "$(t_tmux_screen ui | tail -2)" '\[online\]'
# The user asks: every queued message is tried (the server answers, and
# says later) and mail is fetched; after the fetch the reader retries what
# is due, which is nothing: the error must stay.
t_tmux_keys ui '$'
t_ok "the send the user asked for failed, and says so" \
    t_tmux_wait ui 'Queue:1.*Send error' 20
# The fetch and the sends it starts have ended.
ended() { ! t_tmux_screen ui | tail -2 | grep -Eq 'Fetching|Sending'; }
t_ok "the fetch ended" t_wait_until 20 ended
sleep 3
t_like "the error stays while the message is queued" "$(t_tmux_screen ui | tail -2)" 'Queue:1.*Send error'
t_tmux_keys ui x
t_done
