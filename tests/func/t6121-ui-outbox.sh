#!/bin/sh
# t6121-ui-outbox: the queue in the reader. O (and the Outbox in the
# folder list) shows each entry's state, attempts, next try and last error;
# h holds, u releases, r retries now, d deletes, e edits (held meanwhile,
# queued anew when sent). A held or failed entry
# never counts as queued in the status line. Checked at the real SMTP
# server: what it received, and for whom.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd aiosmtpd python3-aiosmtpd
t_plan 30
t_smtp_start
conf=$HOME/conf
edit=$T_TMP/edit.sh
printf '#!/bin/sh\nsed -i "s/typo@/fixed@/" "$1"\n' >"$edit"
chmod +x "$edit"
t_satchel_config "$conf" general.send_interval=86400 general.editor="$edit"
sat() { "$SATCHEL" -c "$conf" "$@"; }
rcpt() { sed -n 's/^RCPT TO:<\(.*\)>$/\1/p' "$SMTP_SPOOL/$(printf '%04d' "$1").env" 2>/dev/null; }
arrived() { test "$(t_smtp_count)" -ge "$1"; }

cat >"$SMTP_CONTROL" <<EOF2
rcpt bad@* 550 5.1.1 No such user here
once rcpt later@* 451 4.3.0 Try again later
EOF2
echo "One." | sat compose --to bad@example.test -s "to the bad one" >/dev/null
echo "Two." | sat compose --to later@example.test -s "to the later one" >/dev/null

t_tmux_start ui 100 24 "$SATCHEL" -c "$conf"
screen() { t_tmux_screen ui; }
t_ok "the reader starts" t_tmux_wait ui 'INBOX'
t_tmux_keys ui '$'
t_ok "after the send: one deferred is queued, the failed one is not" \
    t_tmux_wait ui 'Queue:1 .*Held/failed:1' 20
t_is "nothing arrived" "$(t_smtp_count)" 0

t_tmux_keys ui O
t_ok "O shows the outbox" t_tmux_wait ui 'satchel: outbox \(2 entries\)'
t_like "the failed entry, its attempts" "$(screen)" '^> +[0-9]+ failed +1 +- +bad@example\.test +to the bad one'
t_like "the deferred one, with its next try" "$(screen)" ' +[0-9]+ queued +1 +[0-9-]+ [0-9:]+ +later@example\.test'
t_like "the current entry's last error, in full" "$(screen)" 'Last error: .*550 5\.1\.1 No such user here'

t_tmux_keys ui j
t_ok "the other's last error" t_tmux_wait ui 'Last error: .*451 4\.3\.0 Try again later'
t_like "and what it waits for" "$(screen)" 'Waits: .*451'
t_tmux_keys ui h
t_ok "h holds it" t_tmux_wait ui '^> +[0-9]+ held '
t_ok "a held entry is not counted as queued" t_tmux_wait ui 'Queue:0 Held/failed:2'
t_tmux_keys ui u
t_ok "u releases it and it goes at once" t_wait_until 20 arrived 1
t_is "to its recipient" "$(rcpt 1)" 'later@example.test'
t_ok "the outbox shows what is left" t_tmux_wait ui 'satchel: outbox \(1 entry\)' 10

: >"$SMTP_CONTROL"
t_tmux_keys ui k r
t_ok "r sends the failed one again, now" t_wait_until 20 arrived 2
t_is "to its recipient" "$(rcpt 2)" 'bad@example.test'
t_ok "the outbox is empty" t_tmux_wait ui 'Nothing is waiting to be sent' 10
t_ok "and so is the queue" t_tmux_wait ui 'Queue:0 -' 10

echo "rcpt doomed@* 451 4.3.0 Not now" >"$SMTP_CONTROL"
echo "Three." | sat compose --to doomed@example.test -s "never to go" >/dev/null
t_ok "a message queued meanwhile shows" t_tmux_wait ui 'queued .*doomed@example\.test' 10
t_tmux_keys ui d
t_ok "d asks first" t_tmux_wait ui 'Delete this message unsent\?'
t_tmux_keys ui y
t_ok "d deletes it" t_tmux_wait ui 'satchel: outbox \(0 entries\)'
t_is "the queue agrees" "$(sat queue | grep -c doomed)" 0

echo "rcpt typo@* 451 4.3.0 Not now" >"$SMTP_CONTROL"
echo "Four." | sat compose --to typo@example.test -s "with a typo" >/dev/null
t_ok "a message with a typo, queued meanwhile" t_tmux_wait ui 'queued .*typo@example\.test' 10
t_tmux_keys ui e
t_ok "e: edited, on the screen before sending" t_tmux_wait ui 'To: +fixed@example\.test'
t_is "meanwhile it is held" "$(sat queue | grep -c 'held')" 1
t_tmux_keys ui y
t_ok "y: queued anew and sent" t_wait_until 20 arrived 3
t_is "to the corrected address" "$(rcpt 3)" 'fixed@example.test'
t_ok "the old entry is gone" t_tmux_wait ui 'satchel: outbox \(0 entries\)' 10

t_tmux_keys ui q c
t_ok "the folder list" t_tmux_wait ui 'satchel: folders'
n=0
while ! screen | grep -q '^>.*Outbox' && test $n -lt 8; do
	t_tmux_keys ui j
	sleep 0.2
	n=$((n + 1))
done
t_tmux_keys ui Enter
t_ok "Enter on the Outbox shows the queue" t_tmux_wait ui 'satchel: outbox'
t_tmux_keys ui x
t_done
