#!/bin/sh
# t6012-ui-editor: an editor that is not installed gets an error that says
# how to choose one (editor = in the config, or $EDITOR); the reader stays.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 4

md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
printf 'From: Alice <alice@example.org>\nTo: me@example.org\nSubject: Lunch?\nDate: Mon, 01 Jan 2024 10:00:00 +0000\nMessage-ID: <lunch@example.org>\n\nShall we meet at noon?\n' \
    >"$md/new/1.eml"
conf=$HOME/conf
t_write_config "$conf" <<EOC
[general]
store = $T_TMP/store
editor = satchel-no-such-editor --flag
send_interval = 86400
[account me]
address = Me Myself <me@example.org>
EOC
"$SATCHEL" -c "$conf" import "$md" >/dev/null 2>&1 || t_diag "import failed"

t_tmux_start ui 100 24 "$SATCHEL" -c "$conf"
t_ok "index is drawn" t_tmux_wait ui 'Lunch\?'
t_tmux_keys ui r
t_ok "the error names the editor and how to choose one" \
    t_tmux_wait ui "Editor 'satchel-no-such-editor' not found: set editor = in the config file, or \\\$EDITOR"
t_unlike "no raw spawn error" "$(t_tmux_screen ui)" 'Failed to execute'
t_tmux_keys ui j
t_ok "the reader goes on" t_tmux_wait ui '^>.*Lunch'
t_tmux_keys ui q q x
t_done
