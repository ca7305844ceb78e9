#!/bin/sh
# t6010-ui-bounce: the reader's pager of a Sent message that bounced says
# why, one line per recipient (the index shows only a B).
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd python3 python3
t_plan 6
FAKE=$top_srcdir/tests/fake/smtp-fake.py
d=$T_TMP/fake
mkdir -p "$d"
"$PYTHON" "$FAKE" --dir "$d" </dev/null >"$d/log" 2>&1 &
t_at_exit "kill $! 2>/dev/null"
i=0
while test ! -s "$d/port" && test $i -lt 200; do sleep 0.05; i=$((i + 1)); done
conf=$HOME/conf
t_write_config "$conf" <<EOF
[general]
store = $T_TMP/store
[account test]
address = Test User <alice@example.test>
smtp_host = 127.0.0.1
smtp_port = $(cat "$d/port")
smtp_tls = none
smtp_user = alice@example.test
smtp_password_command = echo secret
allow_plaintext = true
timeout = 5
EOF
S() { "$SATCHEL" -c "$conf" "$@"; }
printf 'hello both\n' | S compose --to nobody@nowhere.invalid \
    --to gone@example.test -s "to two" >/dev/null
t_ok "the message goes out" S send
msgid=$(sed -n 's/^Message-I[dD]: <\(.*\)>.*/\1/p' "$d/spool/0001.eml" | tr -d '\r' | head -n 1)
mkdir -p "$T_TMP/dsn/cur" "$T_TMP/dsn/new" "$T_TMP/dsn/tmp"
sed "s/MSGID/$msgid/g; s/SUBJECT/to two/" \
    "$top_srcdir/tests/data/dsn/exim-two-rcpts.eml" >"$T_TMP/dsn/new/1.eml"
S import "$T_TMP/dsn" >/dev/null 2>&1
S queue --all >/dev/null 2>&1	# matches the bounce

t_tmux_start ui 100 30 "$SATCHEL" -c "$conf"
screen() { t_tmux_screen ui; }
t_ok "index is drawn" t_tmux_wait ui 'Mail delivery failed'
t_tmux_keys ui c
t_ok "folder list" t_tmux_wait ui 'Sent'
n=0
while ! screen | grep -q '^>.*Sent' && test $n -lt 8; do
	t_tmux_keys ui j
	sleep 0.2
	n=$((n + 1))
done
t_tmux_keys ui Enter
t_ok "the Sent folder lists the message" t_tmux_wait ui 'to two'
t_tmux_keys ui Enter
t_ok "the pager says the message bounced, per recipient" \
    t_tmux_wait ui 'nobody@nowhere\.invalid: 5\.0\.0 Unrouteable address'
t_like "the other recipient's own reason" "$(screen)" \
    'gone@example\.test: 5\.0\.0 550 5\.1\.1'
t_tmux_keys ui q q
t_done
