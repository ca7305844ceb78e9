#!/bin/sh
# t6005-ui-sync: fetching and sending from the reader against real servers,
# in the background: the password is asked in the reader with echo off,
# new mail shows in the index, a reply is queued and sent, and the status
# line tells what happened.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd dovecot dovecot-pop3d
t_need_cmd aiosmtpd python3-aiosmtpd
t_plan 9
t_dovecot_start
t_smtp_start

mkdir -p "$T_TMP/mail"
for n in 1 2; do
	printf 'From: Sender %d <s%d@example.test>\nTo: alice@example.test\nSubject: Server message %d\nMessage-ID: <srv-%d@example.test>\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n\nBody %d.\n' \
	    $n $n $n $n $n >"$T_TMP/mail/$n.eml"
done
t_dovecot_seed "$T_TMP/mail/1.eml" "$T_TMP/mail/2.eml"
edit=$T_TMP/edit.sh
cat >"$edit" <<'EOS'
#!/bin/sh
echo "Thanks, from the reader." >>"$1"
EOS
chmod +x "$edit"
conf=$HOME/conf
t_satchel_config "$conf" pop3_password_command= "general.editor=$edit"
t_tmux_start ui 80 24 "$SATCHEL" -c "$conf"
screen() { t_tmux_screen ui; }

t_ok "starts on an empty store" t_tmux_wait ui 'INBOX \(0 messages\)'
t_tmux_keys ui '$'
t_ok "the password is asked in the reader" t_tmux_wait ui 'POP3 password for test:'
t_tmux_keys ui "$POP3_PASS" Enter
t_unlike "the password is not echoed" "$(screen)" "$POP3_PASS"
t_ok "fetched mail appears" t_tmux_wait ui 'INBOX \(2 messages\)' 20
t_like "the status line counts new mail" "$(screen | sed -n 23p)" 'New:2'
t_like "the status line says online" "$(screen | sed -n 23p)" '\[online\]'
t_tmux_keys ui r
t_ok "reply: confirmation" t_tmux_wait ui 'Subject: +Re: Server message'
t_tmux_keys ui y
t_wait_until 20 eval 'test "$(t_smtp_count)" -ge 1'
t_is "the reply reached the SMTP server" "$(t_smtp_count)" 1
t_ok "the queue is empty again" t_tmux_wait ui 'Queue:0' 20
t_tmux_keys ui x
t_done
