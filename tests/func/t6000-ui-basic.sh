#!/bin/sh
# t6000-ui-basic: the reader driven through tmux as a person would: the
# index, moving, opening messages (one non-ASCII), headers, links, hostile
# text, threads, help, resizing and quitting.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 21

md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
i=1
while test $i -le 5; do
	printf 'From: Alice Example <alice@example.org>\nTo: bob@example.org\nSubject: Test message %d\nDate: Mon, 0%d Jan 2024 10:00:00 +0000\nMessage-ID: <m%d@example.org>\n\nHello body %d\n> quoted line %d\n' \
	    $i $i $i $i $i >"$md/new/$i.eml"
	i=$((i + 1))
done
printf 'From: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <j@example.de>\nTo: bob@example.org\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen_=E6=97=A5=E6=9C=AC?=\nDate: Tue, 09 Jan 2024 10:00:00 +0100\nMessage-ID: <u1@example.de>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nSch\303\266ne Gr\303\274\303\237e, \346\227\245\346\234\254\350\252\236 text.\nVisit https://example.org/page?a=1 today\n' \
    >"$md/new/6.eml"
# A hostile one: terminal escapes and a bidi override in the subject and body.
printf 'From: Mallory <m@example.net>\nTo: bob@example.org\nSubject: evil \033]0;pwned\007 title \033[2J clear \342\200\256gnp.exe\nDate: Wed, 10 Jan 2024 10:00:00 +0000\nMessage-ID: <h1@example.net>\n\nbody \033]2;owned\007 and \033[31mred\n' \
    >"$md/new/7.eml"

conf=$HOME/conf
t_write_config "$conf" <<EOC
[general]
store = $T_TMP/store
EOC
"$SATCHEL" -c "$conf" import "$md" >/dev/null 2>&1 ||
    t_diag "import failed"

raw=$T_TMP/raw
# The exit status goes to a file: tmux may mark a pane dead before it
# knows the status.
t_tmux_start ui 80 24 sh -c \
    "sleep 0.5; \"\$0\" -c \"\$1\"; echo \$? >'$T_TMP/rc'" "$SATCHEL" "$conf"
t_tmux_ pipe-pane -t ui -o "cat >>'$raw'"
screen() { t_tmux_screen ui; }
cursor_line() { screen | grep '^>'; }

t_ok "index is drawn" t_tmux_wait ui 'Test message 5'
t_like "title names the folder and count" "$(screen | head -1)" \
    'INBOX \(7 messages\)'
t_like "newest first, cursor on it" "$(cursor_line)" 'evil'
t_like "status line at the bottom" "$(screen | sed -n 23p)" 'Queue:0'

t_tmux_keys ui j j
t_ok "j moves the cursor" t_tmux_wait ui '^>.*Test message 5'
t_tmux_keys ui Enter
t_ok "Enter opens the message" t_tmux_wait ui 'Hello body 5'
t_like "decoded headers" "$(screen)" 'From: Alice Example <alice@example.org>'
t_tmux_keys ui q
t_ok "q goes back to the index" t_tmux_wait ui '^>.*Test message 5'
t_unlike "opened message is no longer unread" "$(cursor_line)" '^>N'

t_tmux_keys ui k Enter
t_ok "a non-ASCII message reads right" \
    t_tmux_wait ui 'Schöne Grüße, 日本語 text'
t_like "decoded non-ASCII sender" "$(screen)" 'From: Jürgen Müller'
t_tmux_keys ui h
t_ok "h shows all headers" t_tmux_wait ui '^Message-ID: <u1@example.de>'
t_tmux_keys ui C-b
t_ok "C-b lists the links, numbered" \
    t_tmux_wait ui '^\[1\] https://example.org/page\?a=1'
t_tmux_keys ui q q k
t_ok "hostile subject drawn" t_tmux_wait ui '^>.*evil'
t_tmux_keys ui Enter
t_ok "hostile body drawn" t_tmux_wait ui 'body .*owned'
sleep 0.3
t_fails "no escape sequence from the mail reached the terminal" \
    grep -aq -e "$(printf '\033]0;pwned')" -e "$(printf '\033]2;owned')" \
    -e "$(printf '\342\200\256')" "$raw"

t_tmux_keys ui q z
t_ok "z toggles threads" t_tmux_wait ui 'INBOX \(7 threads\)'
t_tmux_keys ui '?'
t_ok "? shows help from the key table" \
    t_tmux_wait ui 'next-entry +Next entry'
t_tmux_keys ui q
t_tmux_ resize-window -t ui -x 40 -y 10
t_ok "the index survives a resize to 40x10" \
    t_tmux_wait ui '^satchel: INBOX'
t_like "status line moved to row 9" "$(screen | sed -n 9p)" 'Queue:0'
t_tmux_ resize-window -t ui -x 100 -y 30
t_tmux_keys ui q
t_wait_file "$T_TMP/rc" 5
st=$(cat "$T_TMP/rc" 2>/dev/null)
t_is "q quits with status 0" "$st" 0 || t_tmux_screen ui | sed 's/^/# /'
t_done
