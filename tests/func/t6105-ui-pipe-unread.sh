#!/bin/sh
# t6105-ui-pipe-unread: a piped command that does not read the whole
# message (exit, head) is not an error of the reader: what the command
# says (its exit status) is what the reader says, never "Broken pipe".
# The message is larger than a pipe's buffer, so the command is always
# gone before the reader has written it all.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 4

md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
{
	printf 'From: Alice <alice@example.org>\nTo: me@example.org\nSubject: Big one\n'
	printf 'Date: Mon, 01 Jan 2024 10:00:00 +0000\nMessage-ID: <big@example.org>\n\n'
	i=0
	while test $i -lt 4000; do
		echo "line $i of a long message that no command reads to its end"
		i=$((i + 1))
	done
} >"$md/new/1.eml"
conf=$HOME/conf
t_write_config "$conf" <<EOC
[general]
store = $T_TMP/store
EOC
"$SATCHEL" -c "$conf" import "$md" >/dev/null 2>&1 || t_diag "import failed"

t_tmux_start ui 100 24 "$SATCHEL" -c "$conf"
t_tmux_wait ui 'Big one' >/dev/null
t_tmux_keys ui '|'
t_tmux_wait ui 'Pipe to command:' >/dev/null
t_tmux_keys ui -l 'exit 3'
t_tmux_keys ui Enter
t_tmux_wait ui 'exited with status 3\)' >/dev/null
t_tmux_keys ui Space
t_ok "a command that reads nothing: its status is said" \
    t_tmux_wait ui 'The command exited with status 3'
t_unlike "not a broken pipe" "$(t_tmux_screen ui)" 'Broken pipe|Cannot run'
t_tmux_keys ui '|'
t_tmux_wait ui 'Pipe to command:' >/dev/null
t_tmux_keys ui -l "head -c 20 >'$T_TMP/head'"
t_tmux_keys ui Enter
t_tmux_wait ui 'Press any key' >/dev/null
t_tmux_keys ui Space
t_ok "head reads a little and succeeds" t_tmux_wait ui 'Piped 1 message'
t_is "it got the start of the message" "$(cat "$T_TMP/head")" \
    'From: Alice <alice@e'
t_tmux_keys ui x
t_done
