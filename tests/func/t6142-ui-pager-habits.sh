#!/bin/sh
# t6142-ui-pager-habits: mutt's pager habits. T hides and shows quoted
# text; h shows every header and each part's own (Content-Type,
# Content-Transfer-Encoding); H shows the message as stored, sanitised;
# Enter on a text attachment reads it in the reader without mailcap;
# Space at the end of a message goes to the next unread one.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 20

md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
att=$(printf 'ATTACHED-TEXT-MARKER in the file\n' | base64)
{
	printf 'From: Alice <alice@example.org>\nTo: me@example.org\nSubject: Habits\nDate: Wed, 03 Jan 2024 10:00:00 +0000\nMessage-ID: <a@example.org>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b1"\n\n'
	printf -- '--b1\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nFIRST-BODY-LINE\nRAW-ESC \033[31mred\033[0m here\n> QUOTED-LINE one\n> QUOTED-LINE two\n>> QUOTED-LINE three\nAfter the quote\n'
	i=1
	while test $i -le 40; do printf 'filler line %s\n' $i; i=$((i + 1)); done
	printf 'LAST-BODY-LINE\n'
	printf -- '--b1\nContent-Type: text/plain; name="notes.txt"\nContent-Disposition: attachment; filename="notes.txt"\nContent-Transfer-Encoding: base64\n\n%s\n--b1--\n' "$att"
} >"$md/new/1.eml"
printf 'From: Bob <bob@example.org>\nTo: me@example.org\nSubject: Already read\nDate: Tue, 02 Jan 2024 10:00:00 +0000\nMessage-ID: <b@example.org>\n\nREAD-ONE-MARKER\n' \
    >"$md/cur/2.eml:2,S"
printf 'From: Carol <carol@example.org>\nTo: me@example.org\nSubject: Still unread\nDate: Mon, 01 Jan 2024 10:00:00 +0000\nMessage-ID: <c@example.org>\n\nNEXT-UNREAD-MARKER\n' \
    >"$md/new/3.eml"
conf=$HOME/conf
t_satchel_config "$conf"
"$SATCHEL" -c "$conf" import "$md" >/dev/null 2>&1 || t_diag "import failed"
# No mailcap anywhere: a text attachment must not need one.
: >"$T_TMP/empty-mailcap"

raw=$T_TMP/raw
: >"$raw"
t_tmux_start ui 80 24 env MAILCAPS="$T_TMP/empty-mailcap" "$SATCHEL" -c "$conf"
t_tmux_ pipe-pane -t ui -o "cat >>'$raw'"
t_ok "the index is drawn" t_tmux_wait ui 'Habits' 20
t_tmux_keys ui Enter
t_ok "the pager opens" t_tmux_wait ui 'QUOTED-LINE three'

t_tmux_keys ui T
t_ok "T hides the quoted lines" t_tmux_wait ui '3 quoted lines hidden'
t_unlike "none of them is shown" "$(t_tmux_screen ui)" 'QUOTED-LINE'
t_like "the text around them stays" "$(t_tmux_screen ui)" 'After the quote'
t_tmux_keys ui T
t_ok "T again shows them" t_tmux_wait ui 'QUOTED-LINE two'

t_tmux_keys ui h
t_ok "h shows every header" t_tmux_wait ui '^Message-ID: <a@example\.org>'
t_tmux_keys ui End
t_ok "and each part's header" t_tmux_wait ui 'Part 2: its header'
t_like "its Content-Transfer-Encoding" "$(t_tmux_screen ui)" \
    '^Content-Transfer-Encoding: base64'
t_like "its Content-Type" "$(t_tmux_screen ui)" '^Content-Type: text/plain; name="notes\.txt"'
t_tmux_keys ui h Home

t_tmux_keys ui H
t_ok "H shows the message as stored" t_tmux_wait ui 'raw message'
t_like "the raw header" "$(t_tmux_screen ui)" '^Content-Type: multipart/mixed; boundary="b1"'
t_tmux_keys ui End
t_ok "and the raw body, encoded" t_tmux_wait ui "^$(printf '%s' "$att" | head -c 20)"
t_tmux_keys ui q

t_tmux_keys ui v
t_ok "v lists the parts" t_tmux_wait ui 'notes\.txt'
t_tmux_keys ui j Enter
t_ok "Enter reads the text attachment without mailcap" \
    t_tmux_wait ui 'ATTACHED-TEXT-MARKER in the file'
t_unlike "no mailcap error" "$(t_tmux_screen ui)" '[Mm]ailcap'
t_tmux_keys ui q q

# Space to the end, then once more: the next unread message (the read
# one between is skipped).
t_tmux_keys ui Home
t_tmux_keys ui Space Space
t_ok "Space pages to the end" t_tmux_wait ui 'LAST-BODY-LINE'
t_tmux_keys ui Space
t_ok "Space at the end opens the next unread message" \
    t_tmux_wait ui 'NEXT-UNREAD-MARKER'
t_unlike "the read one was skipped" "$(t_tmux_screen ui)" 'READ-ONE-MARKER'
t_tmux_keys ui q x
sleep 0.3
t_unlike "no escape from the mail reached the terminal" "$(cat "$raw")" \
    "$(printf '\033')\\[31mred"
t_tmux_stop ui
t_done
