#!/bin/sh
# t6140-ui-pager-malformed: a message whose first line is blank or not a
# field, or whose multipart has no usable boundary, still shows its text
# in the pager (a multipart without parts used to give an empty page).
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 9

conf=$HOME/conf
t_satchel_config "$conf"
md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
# A blank first line: no header at all, the rest is body.
printf '\nBLANKFIRST-MARKER after a blank first line\nsecond line\n' \
    >"$md/new/1.eml"
# A first line without a colon, then fields.
printf 'Hello there no colon\nFrom: a@example.org\nSubject: colonless\n\nNOCOLON-MARKER body\n' \
    >"$md/new/2.eml"
# A multipart without a boundary parameter.
printf 'From: b@example.org\nSubject: noboundary\nMIME-Version: 1.0\nContent-Type: multipart/mixed\n\nNOBOUNDARY-MARKER body\n' \
    >"$md/new/3.eml"
# A boundary that never occurs in the body.
printf 'From: c@example.org\nSubject: wrongboundary\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="zzz"\n\nWRONGBOUNDARY-MARKER body\n' \
    >"$md/new/4.eml"
# A first line that is a continuation (starts with a space).
printf ' folded first\nFrom: d@example.org\nSubject: folded\n\nFOLDED-MARKER body\n' \
    >"$md/new/5.eml"
"$SATCHEL" -c "$conf" import "$md" >/dev/null 2>&1 || t_diag "import failed"
t_like "all five are stored" "$("$SATCHEL" -c "$conf" search --count '')" '^5$'

t_tmux_start ui 100 30 "$SATCHEL" -c "$conf"
t_ok "the index is drawn" t_tmux_wait ui 'INBOX \(5 messages' 20
# Open the first and step through all five with j, keeping each page.
seen=$T_TMP/seen
: >"$seen"
t_tmux_keys ui Enter
t_tmux_wait ui 'satchel: INBOX \(all\)' 10 >/dev/null
prev=
for i in 1 2 3 4 5; do
	# Wait until the page differs from the one before (the next message).
	n=0
	while test $n -lt "$(( $(t_timeout 10) * 10 ))"; do
		cur=$(t_tmux_screen ui)
		test "$cur" != "$prev" && break
		sleep 0.1
		n=$((n + 1))
	done
	sleep 0.2
	cur=$(t_tmux_screen ui)
	printf '%s\n' "$cur" >>"$seen"
	prev=$cur
	t_tmux_keys ui j
done
for m in BLANKFIRST NOCOLON NOBOUNDARY WRONGBOUNDARY FOLDED; do
	t_like "the pager showed the text of $m" "$(cat "$seen")" "$m-MARKER"
done
t_like "a part-less multipart says why it is shown as text" \
    "$(cat "$seen")" 'multipart/mixed without parts'
t_unlike "no 'Cannot read' error" "$(cat "$seen")" 'Cannot read'
t_tmux_keys ui q x
t_tmux_stop ui
t_done
