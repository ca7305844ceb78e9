#!/bin/sh
# t6021-ui-server-answered: a server that answers "try later" (451) is a
# server reached: the status line says [online] with the send error, not
# [offline]; only a server that cannot be reached at all makes it say
# [offline].
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd python3 python3
t_plan 4

FAKE=$top_srcdir/tests/fake/smtp-fake.py
d=$T_TMP/fake
mkdir -p "$d"
t_spawn fake "$PYTHON" "$FAKE" --dir "$d" --no-auth \
    --data-reply '451 4.3.0 Try again later'
fake_pid=$T_PID
t_wait_file "$d/port" || { echo "Bail out! the fake SMTP server did not start"; exit 1; }
conf() {
	printf '[general]\nstore = %s\nsend_interval = 86400\n' "$T_TMP/store"
	printf '[account test]\naddress = Test User <alice@example.test>\n'
	printf 'smtp_host = 127.0.0.1\nsmtp_port = %s\nsmtp_tls = none\n' "$1"
	printf 'allow_plaintext = true\ntimeout = 5\n'
}
c=$HOME/conf
conf "$(cat "$d/port")" | t_write_config "$c"
printf 'body\n' | "$SATCHEL" -c "$c" compose --to bob@example.test --subject later >/dev/null

t_tmux_start ui 100 24 "$SATCHEL" -c "$c"
t_tmux_wait ui 'Queue:1' >/dev/null
t_tmux_keys ui '$'
t_ok "the server said later: a send error" t_tmux_wait ui 'Queue:1.*Send error' 20
t_like "and the server was reached: [online]" "$(t_tmux_screen ui | tail -2)" '\[online\].*Queue:1'
t_tmux_keys ui x
t_wait_until 10 t_tmux_dead ui || t_diag "the reader did not quit"
t_tmux_stop ui

# A port nobody listens on: nothing was reached.
t_stop "$fake_pid"
conf "$(cat "$d/port")" | t_write_config "$c"
t_tmux_start ui2 100 24 "$SATCHEL" -c "$c"
t_tmux_wait ui2 'Queue:1' >/dev/null
t_tmux_keys ui2 '$'
t_ok "no server: a send error" t_tmux_wait ui2 'Queue:1.*Send error' 20
t_like "and [offline]" "$(t_tmux_screen ui2 | tail -2)" '\[offline\].*Queue:1'
t_tmux_keys ui2 x
t_done
