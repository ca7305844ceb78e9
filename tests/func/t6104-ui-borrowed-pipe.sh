#!/bin/sh
# t6104-ui-borrowed-pipe: in a borrowed session a command that | pipes a
# message to runs as the editor and viewers do, with HOME and the XDG
# directories in the private directory: what it keeps there goes with the
# session and never reaches the user's HOME.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd dovecot dovecot-pop3d
t_plan 6
t_dovecot_start
pop3_pass=$POP3_PASS
unset POP3_PASS

mkdir -p "$T_TMP/mail"
printf 'From: Sender <s@example.test>\nTo: alice@example.test\nSubject: To be piped\nMessage-ID: <pipe@example.test>\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n\nPiped text.\n' \
    >"$T_TMP/mail/1.eml"
t_dovecot_seed "$T_TMP/mail/1.eml"
conf=$HOME/conf
t_satchel_config "$conf" pop3_password_command= general.borrowed=true

marker=$T_TMP/marker
touch "$marker"
sleep 1
t_tmux_start v 100 24 "$SATCHEL" -c "$conf"
t_tmux_wait v 'POP3 password for test:' 20 >/dev/null
t_tmux_keys v "$pop3_pass" Enter
t_ok "fetched" t_tmux_wait v 'To be piped' 20
store=$(find "$XDG_RUNTIME_DIR" -maxdepth 1 -name 'satchel-borrowed-*')
t_tmux_keys v '|'
t_tmux_wait v 'Pipe to command:' >/dev/null
t_tmux_keys v -l "env >'$T_TMP/pipe-env'; cat >\"\$HOME/.pipe_history\"; echo PIPE-RAN"
t_tmux_keys v Enter
t_ok "the command ran" t_tmux_wait v 'PIPE-RAN'
t_tmux_keys v Space
t_is "its HOME is in the private directory" \
    "$(grep '^HOME=' "$T_TMP/pipe-env")" "HOME=$store/home"
t_is "its XDG_CONFIG_HOME too" \
    "$(grep '^XDG_CONFIG_HOME=' "$T_TMP/pipe-env")" \
    "XDG_CONFIG_HOME=$store/home/.config"
t_tmux_keys v q q q q
t_ok "the session ended with its directory" \
    t_wait_until 10 eval "! test -e '$store'"
t_is "nothing new in HOME, TMPDIR or the runtime directory" \
    "$(find "$HOME" "$TMPDIR" "$XDG_RUNTIME_DIR" -newer "$marker" \
    ! -path "$TMPDIR" ! -path "$XDG_RUNTIME_DIR" ! -path "$HOME" \
    2>/dev/null)" ""
t_done
