#!/bin/sh
# t0005-demo-unsent: the demo never throws away unsent mail silently. Mail
# still queued when the reader quits is sent before the servers stop; what
# the server will not take is listed and kept, and the demo says so.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd dovecot dovecot-pop3d
t_need_cmd aiosmtpd python3-aiosmtpd
t_plan 6

# Stands in for the reader (`satchel -c CONF`): a person queues two
# messages and quits; the server refuses one recipient for now.
wrap=$T_TMP/satchel-reader
cat >"$wrap" <<EOF
#!/bin/sh
if test \$# -eq 2 && test "\$1" = -c; then
	d=\$(dirname "\$2")
	printf 'rcpt ada@* 451 4.3.0 Mailbox busy, try later\n' >"\$d/smtp/control"
	echo "first" | "$SATCHEL" -c "\$2" compose --to ada@example.org \\
	    --subject "Unsent demo mail" >/dev/null
	echo "second" | "$SATCHEL" -c "\$2" compose --to bob@example.org \\
	    --subject "Sendable demo mail" >/dev/null
	exit 0
fi
exec "$SATCHEL" "\$@"
EOF
chmod +x "$wrap"

t_tmux_start demo 160 50 env -u CI SATCHEL="$wrap" TMPDIR="$TMPDIR" \
    sh "$top_srcdir/tests/servers/demo.sh"
t_ok "the demo ends" t_tmux_wait demo 'demo: (done|kept)' 120
screen=$(t_tmux_screen demo)
t_like "queued mail is sent when the reader quits" "$screen" \
    'demo: 2 message\(s\) still queued: sending them now'
t_like "the server took the one it could" "$screen" \
    'demo: messages the SMTP server accepted: 1'
t_like "the demo says what was not sent" "$screen" \
    'demo: 1 message\(s\) were NOT sent'
t_like "and names it" "$screen" 'Unsent demo mail'
kept=$(grep -rl 'Unsent demo mail' "$TMPDIR"/satchel-demo.*/store 2>/dev/null |
    grep -c Outbox)
t_is "the unsent message is kept on disk" "$kept" 1
t_done
