#!/bin/sh
# t6011-ui-stderr: while the reader runs nothing writes to the terminal
# behind curses' back. A library (GnuTLS through libetpan: "A TLS fatal
# alert has been received") or a password command writing to standard
# error goes into the log, sanitised, and shows in the status line; the
# editor gets the real standard error back while it runs.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd python3 python3
t_plan 6
closed=$("$PYTHON" "$T_SERVERS/netutil.py" ports 1)
pw=$T_TMP/pw.sh
cat >"$pw" <<'EOS'
#!/bin/sh
printf '\033[2J\033[31mA TLS fatal alert has been received\033[0m\n' >&2
# Time to see it before the fetch's own error replaces it.
sleep 3
echo secret
EOS
edit=$T_TMP/edit.sh
cat >"$edit" <<'EOS'
#!/bin/sh
echo "EDITOR-SAYS-HELLO on stderr" >&2
sleep 1
echo "body from the editor" >>"$1"
EOS
chmod +x "$pw" "$edit"
conf=$HOME/conf
t_write_config "$conf" <<EOF
[general]
store = $T_TMP/store
editor = $edit
[account test]
address = Alice <alice@example.test>
pop3_host = 127.0.0.1
pop3_port = $closed
pop3_tls = none
pop3_user = alice
allow_plaintext = true
pop3_password_command = $pw
timeout = 5
EOF
raw=$T_TMP/raw
t_tmux_start ui 100 24 "$SATCHEL" -c "$conf"
t_tmux_ pipe-pane -t ui -o "cat >>'$raw'"
screen() { t_tmux_screen ui; }
t_ok "the reader starts" t_tmux_wait ui 'INBOX'
t_tmux_keys ui '$'
t_ok "the library's message shows in the status line" \
    t_tmux_wait ui 'A TLS fatal alert has been received'
sleep 1
t_ok "it never reached the terminal raw" \
    sh -c "! grep -q \"\$(printf '\\033')\\[31mA TLS\" '$raw'"
t_like "the index is still drawn (the screen was not cleared)" \
    "$(screen | head -n 1)" 'INBOX'

# The editor runs with the terminal's standard error.
t_tmux_keys ui m
i=0
while ! grep -q 'EDITOR-SAYS-HELLO' "$raw" 2>/dev/null && test $i -lt 50; do
	sleep 0.2
	i=$((i + 1))
done
t_ok "the editor's standard error reaches the terminal" \
    grep -q 'EDITOR-SAYS-HELLO' "$raw"
# The compose screen, after the editor: leave it, then the reader.
t_tmux_wait ui 'To:' >/dev/null || t_diag "no compose screen"
t_tmux_keys ui q
t_tmux_wait ui 'Message discarded|Discard' >/dev/null
case $(screen | tail -n 1) in
*Discard*) t_tmux_keys ui y ;;
esac
t_tmux_wait ui 'INBOX' >/dev/null
t_tmux_keys ui x
t_ok "the reader is gone" t_wait_until 10 t_tmux_dead ui
t_done
