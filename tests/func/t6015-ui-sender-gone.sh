#!/bin/sh
# t6015-ui-sender-gone: the reader's queue count follows a sender in
# another process that dies mid-send. While `satchel send` waits for the
# server's reply after the final dot, its entry counts as queued; once it
# is killed the entry is "maybe sent" (for the user to decide), no longer
# queued, and the reader says so without any change to the index to tell
# it; also while a question waits for the user.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd python3 python3
t_plan 7
FAKE=$top_srcdir/tests/fake/smtp-fake.py

d=$T_TMP/fake
mkdir -p "$d"
t_spawn fake "$PYTHON" "$FAKE" --dir "$d" --stall-after-data
t_wait_file "$d/port" || { echo "Bail out! the fake SMTP server did not start"; exit 1; }
c=$HOME/conf
{
	printf '[general]\nstore = %s\nsend_interval = 86400\n' "$T_TMP/store"
	printf '[account test]\naddress = Test User <alice@example.test>\n'
	printf 'smtp_host = 127.0.0.1\nsmtp_port = %s\nsmtp_tls = none\n' "$(cat "$d/port")"
	printf 'smtp_user = alice@example.test\nsmtp_password_command = echo secret\n'
	printf 'allow_plaintext = true\ntimeout = 600\n'
} | t_write_config "$c"
printf 'body\n' | "$SATCHEL" -c "$c" compose --to bob@example.test --subject stalled >/dev/null

t_spawn send "$SATCHEL" -c "$c" send
send_pid=$T_PID
t_ok "the sender waits for the reply to the final dot" \
    t_wait_until 20 grep -q STALL "$d/commands"

t_tmux_start ui 80 24 "$SATCHEL" -c "$c"
t_ok "while it runs, the entry counts as queued" t_tmux_wait ui 'Queue:1'
# The reader tries the queue itself 2 s after it starts (and finds the
# sender busy); only after that is nothing left to make it count again.
sleep 3
kill -9 "$send_pid"
t_ok "once it is gone, it no longer does" t_tmux_wait ui 'Queue:0' 5
t_like "satchel queue: maybe sent" "$("$SATCHEL" -c "$c" queue 2>&1)" 'maybe sent'

# Again, while a question waits for an answer.
printf 'body\n' | "$SATCHEL" -c "$c" compose --to bob@example.test --subject again >/dev/null
t_spawn send2 "$SATCHEL" -c "$c" send
send_pid=$T_PID
two_stalls() { test "$(grep -c STALL "$d/commands")" -ge 2; }
t_ok "a second sender waits after the final dot" t_wait_until 20 two_stalls
t_ok "both entries count as queued" t_tmux_wait ui 'Queue:2'
t_tmux_keys ui /
t_tmux_wait ui 'Search' >/dev/null
kill -9 "$send_pid"
t_ok "under an open question, the count follows too" t_tmux_wait ui 'Queue:0' 5
t_tmux_keys ui Escape
t_tmux_keys ui x
t_done
