#!/bin/sh
# t7185-borrowed-viewer-home: in a borrowed session a mailcap viewer, like
# the editor, runs with HOME and the XDG directories in the private
# directory, so what it keeps (a history file) goes with the session and
# never reaches the user's HOME.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd dovecot dovecot-pop3d
t_plan 6
t_dovecot_start
pop3_pass=$POP3_PASS
unset POP3_PASS

mkdir -p "$T_TMP/mail" "$T_TMP/bin"
printf 'From: Sender <s@example.test>\nTo: alice@example.test\nSubject: With a part\nMessage-ID: <part@example.test>\nDate: Mon, 1 Jan 2024 10:00:00 +0000\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nSee the part.\n--b\nContent-Type: application/x-satchel-test; name="data.tst"\nContent-Disposition: attachment; filename="data.tst"\n\npart content\n--b--\n' \
    >"$T_TMP/mail/1.eml"
t_dovecot_seed "$T_TMP/mail/1.eml"
cat >"$T_TMP/bin/viewer" <<EOS
#!/bin/sh
env >"$T_TMP/viewer-env"
echo "looked at" >"\$HOME/.viewer_history"
echo "VIEWED BY THE TEST VIEWER"
EOS
chmod +x "$T_TMP/bin/viewer"
printf 'application/x-satchel-test; %s %%s; copiousoutput\n' \
    "$T_TMP/bin/viewer" >"$T_TMP/mailcap"
MAILCAPS=$T_TMP/mailcap
export MAILCAPS
conf=$HOME/conf
t_satchel_config "$conf" pop3_password_command= general.borrowed=true

marker=$T_TMP/marker
touch "$marker"
sleep 1
t_tmux_start v 100 24 "$SATCHEL" -c "$conf"
t_tmux_wait v 'POP3 password for test:' 20 >/dev/null
t_tmux_keys v "$pop3_pass" Enter
t_ok "fetched" t_tmux_wait v 'With a part' 20
store=$(find "$XDG_RUNTIME_DIR" -maxdepth 1 -name 'satchel-borrowed-*')
t_tmux_keys v Enter
t_tmux_wait v 'See the part' >/dev/null
t_tmux_keys v v
t_tmux_wait v 'data\.tst' >/dev/null
t_tmux_keys v j Enter
t_ok "the viewer ran" t_tmux_wait v 'VIEWED BY THE TEST VIEWER'
t_is "its HOME is in the private directory" \
    "$(grep '^HOME=' "$T_TMP/viewer-env")" "HOME=$store/home"
t_is "its XDG_CONFIG_HOME too" \
    "$(grep '^XDG_CONFIG_HOME=' "$T_TMP/viewer-env")" \
    "XDG_CONFIG_HOME=$store/home/.config"
t_tmux_keys v q q q q
t_ok "the session ended with its directory" \
    t_wait_until 10 eval "! test -e '$store'"
t_is "nothing new in HOME, TMPDIR or the runtime directory" \
    "$(find "$HOME" "$TMPDIR" "$XDG_RUNTIME_DIR" -newer "$marker" \
    ! -path "$TMPDIR" ! -path "$XDG_RUNTIME_DIR" ! -path "$HOME" \
    2>/dev/null)" ""
t_done
