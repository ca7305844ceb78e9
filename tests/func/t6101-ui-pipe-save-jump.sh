#!/bin/sh
# t6101-ui-pipe-save-jump: | pipes the message's stored bytes to a shell
# command (curses steps aside, the output stays until a key), ;| all the
# tagged ones; S saves the message as it is to a file and asks before
# overwriting one, ;S writes the tagged ones as an mbox; digits jump to a
# message by its number, 1 to N from the top as shown; a key bound as
# Esc-KEY ("M-f" in [keys]) works after Esc.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 23

md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
n=1
for s in one two three four five six; do
	printf 'From: Alice <alice@example.org>\nTo: me@example.org\nSubject: Message %s\nDate: Mon, 0%d Jan 2024 10:00:00 +0000\nMessage-ID: <p%d@example.org>\n\nFrom the start, body %s\n' \
	    "$s" $n $n "$s" >"$md/new/$n.eml"
	n=$((n + 1))
done
conf=$HOME/conf
t_write_config "$conf" <<EOC
[general]
store = $T_TMP/store

[keys]
M-f = flag
EOC
"$SATCHEL" -c "$conf" import "$md" >/dev/null 2>&1 || t_diag "import failed"
count() { "$SATCHEL" -c "$conf" search -c "$1" 2>/dev/null; }
is_count() { test "$(count "$1")" = "$2"; }
# stored SUBJECTWORD: the Maildir file of that message.
stored() { grep -l "^Subject: Message $1\$" $(find "$T_TMP/store" -path '*INBOX*' -type f \( -path '*/cur/*' -o -path '*/new/*' \)); }
screen() { t_tmux_screen ui; }
cursor_line() { screen | grep '^>'; }

t_tmux_start ui 100 24 "$SATCHEL" -c "$conf"
t_ok "index is drawn" t_tmux_wait ui 'Message six'

# | on the top message (six).
t_tmux_keys ui '|'
t_ok "| asks for a command" t_tmux_wait ui 'Pipe to command:'
t_tmux_keys ui -l "cat >'$T_TMP/piped'; echo PIPED-DONE"
t_tmux_keys ui Enter
t_ok "the command's output shows" t_tmux_wait ui '^PIPED-DONE'
t_ok "then it waits for a key" t_tmux_wait ui 'Press any key to continue'
t_tmux_keys ui Space
t_ok "a key brings the index back" t_tmux_wait ui '^>.*Message six'
t_ok "the command got the stored bytes" cmp -s "$T_TMP/piped" "$(stored six)"
# A failing command: its status is said.
t_tmux_keys ui '|'
t_tmux_keys ui -l 'exit 3'
t_tmux_keys ui Enter
t_tmux_wait ui 'Press any key' >/dev/null
t_tmux_keys ui Space
t_ok "a failing command's status is said" t_tmux_wait ui 'exited with status 3'

# ;| pipes every tagged message, one after another.
t_tmux_keys ui t t
t_tmux_keys ui '\;' '|'
t_tmux_keys ui -l "cat >'$T_TMP/piped2'"
t_tmux_keys ui Enter
t_tmux_wait ui 'Press any key' >/dev/null
t_tmux_keys ui Space
t_ok ";| piped two messages" t_tmux_wait ui 'Piped 2 messages'
t_is "both on the command's input" "$(grep -c '^Message-ID:' "$T_TMP/piped2")" 2

# S saves the message under the cursor (four) as it is.
t_tmux_keys ui S
t_ok "S asks for a file" t_tmux_wait ui 'Save to file:'
t_tmux_keys ui -l "$T_TMP/saved.eml"
t_tmux_keys ui Enter
t_ok "S says where" t_tmux_wait ui "Saved 1 message to"
t_ok "the file is the stored message" cmp -s "$T_TMP/saved.eml" "$(stored four)"
# Again, on another message: asked first, and no keeps the file.
t_tmux_keys ui j S
t_tmux_keys ui -l "$T_TMP/saved.eml"
t_tmux_keys ui Enter
t_ok "an existing file: asked" t_tmux_wait ui 'saved\.eml exists\. Overwrite\?'
t_tmux_keys ui n
t_ok "no: not saved" t_tmux_wait ui 'Not saved\.'
t_ok "the file is unchanged" cmp -s "$T_TMP/saved.eml" "$(stored four)"
t_tmux_keys ui S
t_tmux_keys ui -l "$T_TMP/saved.eml"
t_tmux_keys ui Enter
t_tmux_wait ui 'Overwrite' >/dev/null
t_tmux_keys ui y
t_ok "yes: overwritten" t_wait_until 10 cmp -s "$T_TMP/saved.eml" "$(stored three)"
# ;S: the tagged ones as an mbox, a body's "From " line quoted.
t_tmux_keys ui '\;' S
t_tmux_keys ui -l "$T_TMP/tagged.mbox"
t_tmux_keys ui Enter
t_ok ";S saved two" t_tmux_wait ui 'Saved 2 messages to'
t_is "two messages in the mbox" "$(grep -c '^From alice@example.org ' "$T_TMP/tagged.mbox")" 2
t_is "a body's From line is quoted" "$(grep -c '^>From the start' "$T_TMP/tagged.mbox")" 2

# Digits: jump by number, 1 to N from the top.
t_tmux_keys ui 5
t_ok "a digit opens Jump to:" t_tmux_wait ui 'Jump to: 5'
t_tmux_keys ui Enter
t_ok "jumped to the fifth row" t_tmux_wait ui '^>.*Message two'
t_tmux_keys ui 9 Enter
t_ok "a number past the end is refused" t_tmux_wait ui 'There is no message 9 here \(1 to 6\)'

# Esc then f: the M-f binding flags.
t_tmux_keys ui Escape f
t_ok "Esc f runs M-f (flag)" t_wait_until 10 is_count 'is:flagged subject:two' 1
t_tmux_keys ui x
t_done
