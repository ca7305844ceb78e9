#!/bin/sh
# t6006-ui-partial: the reader's remaining mail operations against a real
# POP3 server. A message over max_size comes headers-only; D downloads the
# rest in the background and shows it. Forward asks inline or attachment
# and attaches the original whole (message/rfc822). Deleted messages are
# purged, after a question, on leaving the folder.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd dovecot dovecot-pop3d
t_plan 14
t_dovecot_start

mkdir -p "$T_TMP/mail"
printf 'From: Small <small@example.test>\nTo: alice@example.test\nSubject: Small one\nMessage-ID: <small@example.test>\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n\nA small body.\n' \
    >"$T_TMP/mail/1.eml"
{
	printf 'From: Big <big@example.test>\nTo: alice@example.test\nSubject: Big one\nMessage-ID: <big@example.test>\nDate: Tue, 2 Jan 2024 10:00:00 +0000\n\nThe first line of the big body.\n'
	i=0
	while test $i -lt 200; do
		echo "padding line $i of the big message"
		i=$((i + 1))
	done
} >"$T_TMP/mail/2.eml"
t_dovecot_seed "$T_TMP/mail/1.eml" "$T_TMP/mail/2.eml"
edit=$T_TMP/edit.sh
cat >"$edit" <<'EOS'
#!/bin/sh
sed -i 's/^To:.*$/To: Dave <dave@example.org>/' "$1"
echo "See the attached message." >>"$1"
EOS
chmod +x "$edit"
conf=$HOME/conf
t_satchel_config "$conf" max_size=4000 "general.editor=$edit"
t_tmux_start ui 80 24 "$SATCHEL" -c "$conf"
screen() { t_tmux_screen ui; }

t_ok "starts" t_tmux_wait ui 'INBOX \(0 messages\)'
t_tmux_keys ui '$'
t_ok "fetched" t_tmux_wait ui 'INBOX \(2 messages\)' 20
t_tmux_keys ui Enter
t_ok "a headers-only message says how to get the rest" \
    t_tmux_wait ui 'Headers only .*press D'
t_unlike "its body is not there" "$(screen)" 'first line of the big body'
t_tmux_keys ui D
t_ok "D downloads it and shows it" t_tmux_wait ui 'first line of the big body' 20
t_like "the whole message is stored" \
    "$("$SATCHEL" -c "$conf" search 'padding' 2>&1)" 'Big one'
t_tmux_keys ui f
t_ok "forward asks inline or attachment" \
    t_tmux_wait ui 'Forward inline or as an attachment'
t_tmux_keys ui a
t_ok "as an attachment: the original is attached" \
    t_tmux_wait ui 'Attach: .*forwarded-message\.eml|Attach: .*/'
t_tmux_keys ui y
t_ok "queued" t_tmux_wait ui 'Queue:1'
out=$(find "$T_TMP/store" -path '*Outbox*' -type f -exec cat {} + 2>/dev/null)
t_like "the original goes as message/rfc822" "$out" 'Content-Type: message/rfc822'
t_tmux_keys ui q d
# The row's D mark, not the status message: the send of the forward just
# queued may put its own message on the status line at any moment.
t_ok "d marks deleted until leaving the folder" \
    t_tmux_wait ui '^ *D.*Big one'
t_tmux_keys ui c
t_ok "folder list" t_tmux_wait ui 'Outbox'
# The last folder in the list; any folder but INBOX will do.
t_tmux_keys ui End Enter
t_ok "leaving the folder asks to purge" t_tmux_wait ui 'Purge 1 deleted message'
t_tmux_keys ui y
sleep 0.5
t_like "leaving the folder purged the deleted message" \
    "$("$SATCHEL" -c "$conf" search 'folder:INBOX' 2>&1 | wc -l | tr -d ' ')" '^1$'
t_tmux_keys ui x
t_done
