#!/bin/sh
# t6022-ui-typeahead: keys typed while the editor has the terminal (and
# does not read them) were meant for the editor: the reader drops them when
# it takes the terminal back, so a stray "y" cannot send the message from
# the compose screen.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 3
edit=$T_TMP/edit.sh
cat >"$edit" <<EOS
#!/bin/sh
# An editor that takes its time and never reads the terminal.
sed -i 's/^To:.*/To: bob@example.test/; s/^Subject:.*/Subject: typeahead/' "\$1"
echo body >>"\$1"
touch '$T_TMP/started'
sleep 2
EOS
chmod +x "$edit"
conf=$HOME/conf
t_write_config "$conf" <<EOC
[general]
store = $T_TMP/store
editor = $edit
send_interval = 86400
[account test]
address = Alice <alice@example.test>
EOC
t_tmux_start ui 100 24 "$SATCHEL" -c "$conf"
t_tmux_wait ui 'INBOX' >/dev/null
t_tmux_keys ui m
t_wait_until 10 test -e "$T_TMP/started" || t_diag "the editor did not start"
# Typed while the editor runs: y (send) and Enter.
t_tmux_keys ui y Enter
t_ok "the compose screen is shown after the editor" \
    t_tmux_wait ui 'Subject: +typeahead' 10
sleep 1
t_unlike "the stray y did not queue it" "$(t_tmux_screen ui)" 'Queue:1|Queued'
t_tmux_keys ui y
t_ok "a y typed now queues it" t_tmux_wait ui 'Queue:1'
t_tmux_keys ui x
t_done
