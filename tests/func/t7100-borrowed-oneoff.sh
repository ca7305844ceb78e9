#!/bin/sh
# t7100-borrowed-oneoff: `satchel --borrowed --pop3 USER@HOST:PORT` with no
# configuration file at all: it asks for an SMTP server (answered empty)
# and the From address (the default taken), and the reader at once asks
# for the password; --ca-file trusts the test CA; the
# mail is fetched in keep mode and nothing is left behind.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd dovecot dovecot-pop3d
t_plan 11
t_dovecot_start

mkdir -p "$T_TMP/mail"
printf 'From: Sender <s@example.test>\nTo: alice@example.test\nSubject: One-off message\nMessage-ID: <oneoff@example.test>\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n\nOne-off body.\n' \
    >"$T_TMP/mail/1.eml"
t_dovecot_seed "$T_TMP/mail/1.eml"
marker=$T_TMP/marker
touch "$marker"
sleep 1

t_fails "--pop3 needs --borrowed" "$SATCHEL" --pop3 "$POP3_USER@$POP3_HOST" fetch
t_fails "--ca-file needs --pop3" "$SATCHEL" --borrowed --ca-file "$CA_FILE" fetch

# A small shell records the exit status (tmux may be slow to report it).
cat >"$T_TMP/run.sh" <<'EOS'
#!/bin/sh
"$@"
echo $? >"${0%/*}/status"
exec sleep 600
EOS
chmod +x "$T_TMP/run.sh"
pop3_pass=$POP3_PASS
unset POP3_PASS
t_tmux_start oneoff 80 24 "$T_TMP/run.sh" "$SATCHEL" --borrowed \
    --pop3 "$POP3_USER@$POP3_HOST:$POP3S_PORT" --ca-file "$CA_FILE"
t_ok "it asks for an SMTP server" t_tmux_wait oneoff 'SMTP server for replies'
t_tmux_keys oneoff Enter
t_ok "it asks for the From address, USER@HOST offered" \
    t_tmux_wait oneoff "From address.*Enter: $POP3_USER@$POP3_HOST\\)"
t_tmux_keys oneoff Enter
t_ok "the reader asks for the password at once" \
    t_tmux_wait oneoff 'POP3 password for borrowed:'
store=$(find "$XDG_RUNTIME_DIR" -maxdepth 1 -name 'satchel-borrowed-*')
t_like "the store is in the runtime directory" "$store" \
    "^$XDG_RUNTIME_DIR/satchel-borrowed-"
t_tmux_keys oneoff "$pop3_pass" Enter
t_ok "the mail is fetched over verified TLS" \
    t_tmux_wait oneoff 'One-off message' 20
t_tmux_keys oneoff q
t_wait_file "$T_TMP/status" 15
t_is "q quits" "$(cat "$T_TMP/status" 2>/dev/null)" 0
t_is "the store is gone" "$(ls -d "$store" 2>/dev/null)" ""
t_is "the server kept the message" "$(t_dovecot_count)" 1
t_is "nothing new in HOME, TMPDIR or the runtime directory" \
    "$(find "$HOME" "$TMPDIR" "$XDG_RUNTIME_DIR" -newer "$marker" \
    ! -path "$TMPDIR" ! -path "$XDG_RUNTIME_DIR" ! -path "$HOME" 2>/dev/null)" ""
t_done
