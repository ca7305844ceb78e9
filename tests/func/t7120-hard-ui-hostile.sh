#!/bin/sh
# t7120: hostile mail in the reader. Every message of tests/data/hostile-*
# plus the generated big ones (a 1 MiB header line, 500-level nesting,
# 20 000 parts, a 50 MiB attachment) is opened in the pager inside tmux,
# paged through, shown with all headers and its attachment list, and the
# index is shown as threads too. The raw bytes satchel writes to the
# terminal (tmux pipe-pane) must hold no escape sequence that came from the
# mail (no OSC, DCS, APC, PM, SOS, no C1 control, no bidi override: curses
# itself never sends those), the text must be visible on the screen,
# nothing may crash or write outside the store, memory stays bounded and
# the reader quits with status 0.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd "$T_PYTHON" python3
t_plan 12

fake=$top_srcdir/tests/fake
if grep -q __asan_init "$SATCHEL" 2>/dev/null; then
	rss_limit=2500000
else
	rss_limit=400000
fi

conf=$HOME/conf
t_write_config "$conf" <<EOC
[general]
store = $T_TMP/store
EOC
for f in "$top_srcdir"/tests/data/hostile-*.eml; do
	"$SATCHEL" -c "$conf" import "$f" >/dev/null 2>&1 ||
	    t_diag "import of $f failed"
done
for k in longheader deep manyparts bigattach; do
	"$T_PYTHON" "$fake/hostile-mailgen.py" $k "$T_TMP/$k.eml" &&
	    "$SATCHEL" -c "$conf" import "$T_TMP/$k.eml" >/dev/null 2>&1 ||
	    t_diag "import of $k failed"
done
n=$("$SATCHEL" -c "$conf" search --count '' 2>/dev/null)
t_is "all hostile messages are in the store" "$n" 11

raw=$T_TMP/raw
: >"$raw"
cd "$T_TMP" || exit 1
t_tmux_start ui 100 30 sh -c \
    "sleep 0.5; \"\$0\" \"\$1\" \"\$2\" \"\$3\" -c \"\$4\"; echo \$? >'$T_TMP/rc'" \
    "$T_PYTHON" "$fake/hostile-maxrss.py" "$T_TMP/rss" "$SATCHEL" "$conf"
t_tmux_ pipe-pane -t ui -o "cat >>'$raw'"

t_ok "the index is drawn" t_tmux_wait ui 'HOSTILE-' 20
t_tmux_keys ui Enter
t_ok "the pager opens" t_tmux_wait ui '^(From|Subject|To):' 20
# The first header lines of the pager name the message on screen.
ident() {
	t_tmux_screen ui | sed -n '2,6p'
}
# title_after OLD: wait (up to 20 s) for the pager to show, at its top, a
# message other than OLD; sets title.
title_after() {
	w=0
	while test $w -lt 200; do
		title=$(ident)
		case $title in
		*From:*|*To:*|*Subject:*|*Date:*)
			test "x$title" != "x$1" && return 0 ;;
		esac
		sleep 0.1
		w=$((w + 1))
	done
	return 1
}
# back_to TITLE: wait (up to 20 s) until the pager is back at the top of
# the same message in the default header mode.
back_to() {
	w=0
	while test $w -lt 200; do
		test "x$(ident)" = "x$1" && return 0
		sleep 0.1
		w=$((w + 1))
	done
	return 1
}
# settle: wait (up to 10 s) until the screen stops changing.
settle() {
	prev=
	w=0
	while test $w -lt 50; do
		sleep 0.2
		cur=$(t_tmux_screen ui)
		test "x$cur" = "x$prev" && return 0
		prev=$cur
		w=$((w + 1))
	done
	return 1
}
shown=0
title=
i=0
while test $i -lt 11 && title_after "$title"; do
	case $title in *PWNED-TITLE*) shown=1 ;; esac
	# Page (half pages: Space at the end would open the next unread
	# message, as in mutt), jump to the end and back, all headers,
	# attachment list.
	t_tmux_keys ui C-d C-d End Home h
	settle
	t_tmux_screen ui >"$T_TMP/screen"
	cat "$T_TMP/screen" >>"$T_TMP/screens"
	grep -q 'PWNED-TITLE' "$T_TMP/screen" && shown=1
	t_tmux_keys ui h v
	sleep 0.2
	t_tmux_keys ui q
	back_to "$title" || break
	t_tmux_keys ui j
	i=$((i + 1))
done
t_is "hostile text is shown, made visible" "$shown" 1
seen=0
for k in ESC QP B64 HTML NUL CHARSET NAMES LONGHEADER DEEP MANYPARTS \
    BIGATTACH; do
	grep -q "HOSTILE-$k" "$T_TMP/screens" && seen=$((seen + 1))
done
t_is "all 11 messages were opened in the pager" "$seen" 11
# Back in the index: the thread view draws the same subjects again.
t_tmux_keys ui q
settle
t_tmux_keys ui z
settle
t_tmux_keys ui z
settle
t_tmux_keys ui q
t_wait_file "$T_TMP/rc" 10
t_is "q q quits with status 0 (no crash)" "$(cat "$T_TMP/rc" 2>/dev/null)" 0
sleep 0.2
t_ok "the terminal got output" test -s "$raw"
t_ok "no OSC, DCS, C1 or bidi from the mail reached the terminal" \
    "$T_PYTHON" "$fake/hostile-scan.py" --tty "$raw"
t_fails "no mail escape sequence verbatim in the terminal stream" \
    grep -aq -e "$(printf '\033]0;PWNED')" -e "$(printf '\033]52;')" \
    -e "$(printf '\033P1')" -e "$(printf '\302\233')" "$raw"
t_fails "no raw C1 byte in the terminal stream" \
    env LC_ALL=C grep -aq "$(printf '\233')31m" "$raw"
rss=$(cat "$T_TMP/rss" 2>/dev/null || echo 999999999)
t_ok "peak RSS of the reader $rss KiB <= $rss_limit" test "$rss" -le "$rss_limit"
leaked=$(find "$T_TMP" "$HOME" \( -name 'PWNED*' -o -name '.bashrc' \
    -o -name '.profile' -o -name 'evil*' \) -print 2>/dev/null)
t_is "no file was written outside the store" "$leaked" ""
t_done
