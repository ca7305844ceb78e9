#!/bin/sh
# t6004-ui-keys: [keys] in the configuration rebinds keys; the help screen
# shows the user's bindings; a bad binding is a warning, not a failure.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 6

md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
for n in 1 2 3; do
	printf 'From: Alice <alice@example.org>\nTo: me@example.org\nSubject: Number %d\nDate: Mon, 0%d Jan 2024 10:00:00 +0000\nMessage-ID: <k%d@example.org>\n\nBody %d.\n' \
	    $n $n $n $n >"$md/new/$n.eml"
done
conf=$HOME/conf
t_write_config "$conf" <<EOC
[general]
store = $T_TMP/store
[keys]
J = next-entry
K = prev-entry
j = noop
pager:w = quit
Z = no-such-operation
EOC
"$SATCHEL" -c "$conf" import "$md" >/dev/null 2>&1 || t_diag "import failed"
t_tmux_start ui 80 24 "$SATCHEL" -c "$conf"
screen() { t_tmux_screen ui; }

t_ok "starts despite a bad binding" t_tmux_wait ui 'Number 3'
t_like "the bad binding is reported" "$(screen)" "unknown operation 'no-such-operation'"
t_tmux_keys ui J
t_ok "J is bound to next-entry" t_tmux_wait ui '^>.*Number 2'
t_tmux_keys ui j
t_ok "j was unbound" t_tmux_wait ui 'Key j is not bound'
t_tmux_keys ui Enter w
t_ok "a pager-only binding works" t_tmux_wait ui 'INBOX \(3 messages\)'
t_tmux_keys ui '?'
t_ok "help shows the user's keys" t_tmux_wait ui '^J, Down +next-entry'
t_tmux_keys ui q x
t_done
