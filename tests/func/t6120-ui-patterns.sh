#!/bin/sh
# t6120-ui-patterns: mutt's patterns in limit and search mean what a mutt
# user means (~f the sender, ~s the subject, ~N unread, ~d dates, all),
# not words; a pattern satchel does not know is said, not searched.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 12

md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
# alice writes about bob: the word "bob" is in her mail, but not as sender.
i=1
for who in alice bob carol dave; do
	printf 'From: %s <%s@example.org>\nTo: me@example.org\nSubject: hello from %s\nDate: Mon, 0%d Jan 2024 10:00:00 +0000\nMessage-ID: <%s@example.org>\n\nText from %s about bob and alice.\n' \
	    "$who" "$who" "$who" $i "$who" "$who" >"$md/new/$who.eml"
	i=$((i + 1))
done
printf 'From: Erin <erin@example.org>\nTo: me@example.org\nSubject: nothing to say\nDate: Fri, 01 Mar 2024 10:00:00 +0000\nMessage-ID: <erin@example.org>\n\nhello alice\n' \
    >"$md/cur/erin.eml:2,S"
conf=$HOME/conf
t_write_config "$conf" <<EOC
[general]
store = $T_TMP/store
EOC
"$SATCHEL" -c "$conf" import "$md" >/dev/null 2>&1 || t_diag "import failed"

t_tmux_start ui 90 24 "$SATCHEL" -c "$conf"
screen() { t_tmux_screen ui; }
t_ok "index is drawn" t_tmux_wait ui 'INBOX \(5 messages\)'

t_tmux_keys ui l
t_tmux_keys ui -l '~f alice'
t_tmux_keys ui Enter
t_ok "l ~f alice: the messages from alice" \
    t_tmux_wait ui 'INBOX \[from:alice\] \(1 message\)'
t_like "it is alice's" "$(screen)" 'hello from alice'
t_unlike "not bob's, though his text names alice" "$(screen)" 'hello from bob'

t_tmux_keys ui l C-u
t_tmux_keys ui -l '~N ~d 02/01/2024-03/01/2024'
t_tmux_keys ui Enter
t_ok "~N and a mutt date range" \
    t_tmux_wait ui 'INBOX \[is:unread date:2024-01-02\.\.2024-01-03\] \(2 messages\)'

t_tmux_keys ui l C-u
t_tmux_keys ui -l '!~N'
t_tmux_keys ui Enter
t_ok "!~N: the read one" t_tmux_wait ui 'INBOX \[NOT is:unread\] \(1 message\)'

t_tmux_keys ui l C-u
t_tmux_keys ui -l 'all'
t_tmux_keys ui Enter
t_ok "all: every message again" t_tmux_wait ui 'INBOX \(5 messages\)'

t_tmux_keys ui l C-u
t_tmux_keys ui -l '~z what'
t_tmux_keys ui Enter
t_ok "an unknown pattern is said" t_tmux_wait ui 'mutt pattern ~z is not known'
t_like "and nothing was limited" "$(screen)" 'INBOX \(5 messages\)'

t_tmux_keys ui /
t_tmux_keys ui -l '~s hello'
t_tmux_keys ui Enter
t_ok "/ ~s hello: a search of subjects" \
    t_tmux_wait ui 'search \[subject:hello\] \(4 messages\)'
t_unlike "erin's text says hello, her subject does not" "$(screen)" 'nothing to say'
t_tmux_keys ui q
t_ok "back to the index" t_tmux_wait ui 'INBOX \(5 messages\)'
t_tmux_keys ui x
t_done
