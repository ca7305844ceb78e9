#!/bin/sh
# t6141-ui-colors: [colors] with mutt's objects and colour names; the
# indicator bar across the current row (or mutt's "->" arrow with
# arrow_cursor); bad lines warn without stopping the reader; colours
# degrade on a terminal without them (vt100), and NO_COLOR turns off only
# the built-in colours, not the user's own.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 23

md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
for i in 1 2; do
	printf 'From: Alice <alice@example.org>\nTo: me@example.org\nSubject: Colour test %s\nDate: Mon, 0%s Jan 2024 10:00:00 +0000\nMessage-ID: <c%s@example.org>\n\nPlain line\n> QUOTE-ONE\n>> QUOTE-TWO\n>>> QUOTE-THREE\n' \
	    "$i" "$i" "$i" >"$md/new/$i.eml"
done
store=$T_TMP/store
mkconf() {
	t_write_config "$HOME/$1" <<EOC
[general]
store = $store
$2
[account me]
address = Me <me@example.org>
$3
EOC
}
mkconf plain '' ''
"$SATCHEL" -c "$HOME/plain" import "$md" >/dev/null 2>&1 || t_diag "import failed"

ESC=$(printf '\033')
# The screen with attributes, as tmux holds it.
attrs() { t_tmux_ capture-pane -e -p -t "$1"; }
row() { attrs "$1" | sed -n "$2p"; }

# Built-in look: the current row is reverse video, the others are not.
# (The cursor goes to the second row: an attribute carries over from one
# row to the next in tmux's capture, and the title bar is reverse too.)
t_tmux_start plain 80 24 env TERM=xterm-256color "$SATCHEL" -c "$HOME/plain"
t_ok "built-in: drawn" t_tmux_wait plain 'Colour test 2'
t_tmux_keys plain j
t_tmux_wait plain '^>.*Colour test 1' >/dev/null
t_like "built-in: the current row is a reverse bar" "$(row plain 3)" \
    "$ESC\\[7m>.*Colour test 1"
t_unlike "built-in: the row above is not" "$(row plain 2)" "$ESC\\[7m"
# Across the whole row: one reverse run from the marker to the right edge.
t_like "built-in: the bar reaches the right edge" \
    "$(t_tmux_ capture-pane -N -e -p -t plain | sed -n 3p)" \
    "^$ESC\\[7m>[^$ESC]*Colour test 1 {20,}\$"
t_tmux_keys plain q
t_tmux_stop plain

mkconf colors '' '[colors]
indicator = black cyan
quoted0 = red
quoted1 = brightgreen default
bogus = red
signature = rouge'
t_tmux_start colors 120 24 env TERM=xterm-256color "$SATCHEL" -c "$HOME/colors"
t_ok "[colors]: drawn" t_tmux_wait colors 'Colour test 2'
t_ok "an unknown object is named on the message line" \
    t_tmux_wait colors '\[colors\] bogus: unknown object'
t_like "a bad colour is named too" "$(t_tmux_screen colors)" "unknown colour or attribute 'rouge'"
t_like "indicator = black cyan: the current row" "$(row colors 2)" \
    "$ESC\\[30m$ESC\\[46m>.*Colour test 2"
t_unlike "the next row has no bar" "$(row colors 3)" "$ESC\\[46m"
t_tmux_keys colors Enter
t_ok "the pager opens" t_tmux_wait colors 'QUOTE-THREE'
t_like "quoted0 colours the first level" "$(attrs colors)" "$ESC\\[31m> QUOTE-ONE"
t_like "quoted1 (bright green) the second" "$(attrs colors)" "$ESC\\[92m>> QUOTE-TWO"
t_like "the third level starts again at quoted0" "$(attrs colors)" \
    "$ESC\\[31m>>> QUOTE-THREE"
t_tmux_keys colors q q
t_tmux_stop colors

# vt100: no colour at all, the bar is still reverse, attributes stay.
mkconf mono '' '[colors]
indicator = black cyan
quoted0 = bold red'
t_tmux_start mono 80 24 env TERM=vt100 "$SATCHEL" -c "$HOME/mono"
t_ok "vt100: drawn" t_tmux_wait mono 'Colour test 2'
t_tmux_keys mono j
t_tmux_wait mono '^>.*Colour test 1' >/dev/null
t_like "vt100: the bar is reverse video" "$(row mono 3)" "$ESC\\[7m>.*Colour test 1"
t_tmux_keys mono Enter
t_tmux_wait mono 'QUOTE-THREE' >/dev/null
t_like "vt100: quoted0 keeps its bold" "$(attrs mono)" "$ESC\\[1m> QUOTE-ONE"
t_unlike "vt100: no colour sequence" "$(attrs mono)" "$ESC\\[(3[0-8]|4[0-8]|9[0-7]|10[0-7])m|;5;"
t_tmux_keys mono q q
t_tmux_stop mono

# NO_COLOR: the built-in colours go (headers are not yellow), the
# user's quoted0 = red stays.
t_tmux_start nocolor 80 24 env TERM=xterm-256color NO_COLOR=1 "$SATCHEL" -c "$HOME/colors"
t_tmux_wait nocolor 'Colour test 2' >/dev/null
t_tmux_keys nocolor Enter
t_ok "NO_COLOR: the pager opens" t_tmux_wait nocolor 'QUOTE-THREE'
t_like "NO_COLOR: the user's colours apply" "$(attrs nocolor)" "$ESC\\[31m> QUOTE-ONE"
t_unlike "NO_COLOR: the built-in header colour does not" "$(attrs nocolor)" \
    "$ESC\\[33mFrom:"
t_tmux_keys nocolor q q
t_tmux_stop nocolor

# arrow_cursor: "->" marks the row, no bar.
mkconf arrow 'arrow_cursor = true' ''
t_tmux_start arrow 80 24 env TERM=xterm-256color "$SATCHEL" -c "$HOME/arrow"
t_ok "arrow_cursor: the row starts with ->" t_tmux_wait arrow '^->.*Colour test 2'
t_tmux_keys arrow j
t_ok "arrow_cursor: j moves it" t_tmux_wait arrow '^->.*Colour test 1'
t_unlike "arrow_cursor: no reverse bar across the row" \
    "$(row arrow 3 | sed "s/^.*->//")" "$ESC\\[7m"
t_tmux_keys arrow q
t_tmux_stop arrow
t_done
