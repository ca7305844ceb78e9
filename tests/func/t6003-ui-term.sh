#!/bin/sh
# t6003-ui-term: the reader on the usual terminal types, the fallback for
# an unknown TERM (a warning, not a failure), NO_COLOR, and no reader
# without a terminal.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd infocmp ncurses-bin
t_plan 13

md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
printf 'From: Alice <alice@example.org>\nTo: me@example.org\nSubject: Hello terminal\nDate: Mon, 01 Jan 2024 10:00:00 +0000\nMessage-ID: <t1@example.org>\n\nBody.\n' \
    >"$md/new/1.eml"
conf=$HOME/conf
t_write_config "$conf" <<EOC
[general]
store = $T_TMP/store
EOC
"$SATCHEL" -c "$conf" import "$md" >/dev/null 2>&1 || t_diag "import failed"

# run NAME ENV...: start the reader with extra environment; its raw output
# goes to $T_TMP/NAME.raw and its exit status to $T_TMP/NAME.rc (tmux may
# mark a pane dead before it knows the status).
run() {
	n=$1
	shift
	t_tmux_start "$n" 80 24 env "$@" sh -c \
	    "sleep 0.4; \"\$0\" -c \"\$1\"; echo \$? >'$T_TMP/$n.rc'" \
	    "$SATCHEL" "$conf"
	t_tmux_ pipe-pane -t "$n" -o "cat >>'$T_TMP/$n.raw'"
}
quit() {
	t_tmux_keys "$1" x
	t_wait_file "$T_TMP/$1.rc" 5
	cat "$T_TMP/$1.rc" 2>/dev/null
}

for term in xterm screen tmux vt100 linux; do
	if ! infocmp "$term" >/dev/null 2>&1; then
		t_skip "TERM=$term" "no terminfo entry"
		continue
	fi
	run "t-$term" TERM=$term
	if t_tmux_wait "t-$term" 'Hello terminal' >/dev/null; then
		t_is "TERM=$term: index drawn, quits cleanly" "$(quit "t-$term")" 0
	else
		t_fails "TERM=$term: index drawn" true
	fi
done

run unknown TERM=satchel-no-such-terminal
t_ok "unknown TERM: still starts" t_tmux_wait unknown 'Hello terminal'
t_like "unknown TERM: a warning says which one is used" \
    "$(t_tmux_screen unknown)" "Unknown terminal type 'satchel-no-such-terminal'; using"
t_is "unknown TERM: quits cleanly" "$(quit unknown)" 0

run color TERM=xterm-256color
t_ok "colour terminal: drawn" t_tmux_wait color 'Hello terminal'
t_tmux_keys color F
sleep 0.5
quit color >/dev/null
t_ok "colour terminal: flagged message in colour" \
    grep -aq "$(printf '\033\\[3[0-7]m\\|\033\\[38;5;')" "$T_TMP/color.raw"

run nocolor TERM=xterm-256color NO_COLOR=1
t_ok "NO_COLOR: drawn" t_tmux_wait nocolor 'Hello terminal'
t_tmux_keys nocolor F
sleep 0.5
quit nocolor >/dev/null
t_fails "NO_COLOR: no colour sequences" \
    grep -aq "$(printf '\033\\[3[0-7]m\\|\033\\[38;5;')" "$T_TMP/nocolor.raw"

"$SATCHEL" -c "$conf" </dev/null >"$T_TMP/notty.out" 2>&1
t_is "without a terminal: usage status" "$?" 64
t_done
