#!/bin/sh
# t7170-borrowed-oneoff-from: a one-off borrowed session (`--borrowed --pop3
# USER@HOST`) asks for the From address, offering one built from USER@HOST
# (pop., pop3. or mail. taken off the host), asks again after an answer
# that is no address, and sends with what the user confirmed: the From
# header, MAIL FROM and the confirmation screen show that address, never
# " <USER@POP3HOST>". The
# session asks for the password and fetches without a key; the editor (a
# "vi") gets -i NONE and a HOME and XDG directories inside the private
# directory, so its ~/.viminfo never reaches the real HOME.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd dovecot dovecot-pop3d
t_need_cmd aiosmtpd python3-aiosmtpd
t_plan 20
# The one-off account logs in to SMTP with the POP3 user name.
SMTP_USER=alice
export SMTP_USER
t_dovecot_start
t_smtp_start
pop3_pass=$POP3_PASS smtp_pass=$SMTP_PASS
unset POP3_PASS SMTP_PASS

mkdir -p "$T_TMP/mail"
printf 'From: Sender <s@example.test>\nTo: alice@example.test\nSubject: Borrowed hello\nMessage-ID: <bh@example.test>\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n\nHello body.\n' \
    >"$T_TMP/mail/1.eml"
t_dovecot_seed "$T_TMP/mail/1.eml"

# A "vi" that records its arguments and environment outside the checked
# directories, keeps a history file in its HOME as vi does, and writes.
mkdir -p "$T_TMP/bin"
cat >"$T_TMP/bin/vi" <<EOS
#!/bin/sh
{ for a in "\$@"; do echo "ARG=\$a"; done; env; } >"$T_TMP/editor-env"
echo "typed, then deleted" >"\$HOME/.viminfo"
for f; do :; done
echo "Thanks, from a one-off session." >>"\$f"
EOS
chmod +x "$T_TMP/bin/vi"
EDITOR=$T_TMP/bin/vi
export EDITOR

run=$T_TMP/run.sh
cat >"$run" <<'EOS'
#!/bin/sh
st=$1
shift
"$@"
echo $? >"$st"
exec sleep 600
EOS
chmod +x "$run"

marker=$T_TMP/marker
touch "$marker"
sleep 1

# 1. The default comes from USER@HOST without the pop. label; end of input
# at the question starts nothing.
t_tmux_start d 100 24 "$run" "$T_TMP/status.d" "$SATCHEL" --borrowed \
    --pop3 "jane@pop.example.org" --ca-file "$CA_FILE"
t_tmux_wait d 'SMTP server for replies' >/dev/null
t_tmux_keys d Enter
t_ok "the From default is USER at the mail domain" \
    t_tmux_wait d 'From address.*\(Enter: jane@example\.org\)'
t_tmux_keys d C-d
t_wait_file "$T_TMP/status.d" 15
t_is "no From address: it does not start" "$(cat "$T_TMP/status.d")" 78

# 2. A whole session with a From address the user types.
t_tmux_start s 100 24 "$run" "$T_TMP/status.s" "$SATCHEL" --borrowed \
    --pop3 "$POP3_USER@$POP3_HOST:$POP3S_PORT" --ca-file "$CA_FILE"
t_tmux_wait s 'SMTP server for replies' >/dev/null
t_tmux_keys s "$SMTP_HOST:$SMTP_PORT" Enter
t_ok "the From question offers USER@HOST" \
    t_tmux_wait s "From address.*\\(Enter: $POP3_USER@$POP3_HOST\\)"
t_tmux_keys s 'no address here' Enter
t_ok "an answer that is no address is asked again" \
    t_tmux_wait s 'is not an address like'
t_tmux_keys s 'jane@example.org' Enter
t_ok "the session asks for the password by itself" \
    t_tmux_wait s 'POP3 password for borrowed:'
t_tmux_keys s "$pop3_pass" Enter
t_ok "and fetches" t_tmux_wait s 'Borrowed hello' 20
store=$(find "$XDG_RUNTIME_DIR" -maxdepth 1 -name 'satchel-borrowed-*')
t_tmux_keys s r
t_ok "reply: the editor ran" t_tmux_wait s 'Subject: +Re: Borrowed hello'
t_like "vi got -i NONE" "$(grep '^ARG=' "$T_TMP/editor-env" | head -n 2 |
    tr '\n' ' ')" '^ARG=-i ARG=NONE $'
t_like "the editor's HOME is in the private directory" \
    "$(grep '^HOME=' "$T_TMP/editor-env")" "^HOME=$store/home\$"
t_is "so are its XDG directories" \
    "$(grep -E '^XDG_(CONFIG|DATA|STATE|CACHE)_HOME=' "$T_TMP/editor-env" |
    grep -v "=$store/home/" | head -n 3)" ""
t_is "no ~/.viminfo in the real HOME" "$(ls -A "$HOME")" ""
t_ok "the confirmation shows the address, no empty name" \
    t_tmux_wait s '^[> ] From: +jane@example\.org *$'
t_tmux_keys s y
t_ok "the SMTP password is asked" t_tmux_wait s 'SMTP password for borrowed:'
t_tmux_keys s "$smtp_pass" Enter
t_wait_until 15 eval 'test "$(t_smtp_count)" -ge 1'
eml=$(ls "$SMTP_SPOOL"/*.eml 2>/dev/null | head -n 1)
t_is "the reply was sent" "$(t_smtp_count)" 1
t_is "From is what the user confirmed" \
    "$(grep -m 1 '^From:' "$eml" 2>/dev/null | tr -d '\r')" \
    "From: jane@example.org"
t_is "MAIL FROM too" "$(head -n 1 "${eml%.eml}.env" 2>/dev/null)" \
    "MAIL FROM:<jane@example.org>"
t_tmux_keys s q
t_wait_file "$T_TMP/status.s" 15
t_is "q quits" "$(cat "$T_TMP/status.s" 2>/dev/null)" 0
t_ok "the private directory is gone" \
    t_wait_until 5 eval "! test -e '$store'"
t_is "the server kept the message" "$(t_dovecot_count)" 1
t_is "nothing new in HOME, TMPDIR or the runtime directory" \
    "$(find "$HOME" "$TMPDIR" "$XDG_RUNTIME_DIR" -newer "$marker" \
    ! -path "$TMPDIR" ! -path "$XDG_RUNTIME_DIR" ! -path "$HOME" 2>/dev/null)" ""
t_done
