#!/bin/sh
# t6001-ui-search: searching with the store's query syntax (results as an
# index), limiting the view, sorting, flags, delete with purge, moving to a
# folder and switching folders.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 18

md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
for who in alice bob carol dave; do
	printf 'From: %s <%s@example.org>\nTo: me@example.org\nSubject: About %s plans\nDate: Mon, 0%d Jan 2024 10:00:00 +0000\nMessage-ID: <%s@example.org>\n\nText from %s.\n' \
	    "$who" "$who" "$who" ${#who} "$who" "$who" >"$md/new/$who.eml"
done
conf=$HOME/conf
t_write_config "$conf" <<EOC
[general]
store = $T_TMP/store
EOC
"$SATCHEL" -c "$conf" import "$md" >/dev/null 2>&1 || t_diag "import failed"

t_tmux_start ui 80 24 "$SATCHEL" -c "$conf"
screen() { t_tmux_screen ui; }

t_ok "index is drawn" t_tmux_wait ui 'About dave plans'
t_tmux_keys ui /
t_ok "/ asks for a query" t_tmux_wait ui '^Search:'
t_tmux_keys ui 'from:carol' Enter
t_ok "results shown as an index" t_tmux_wait ui 'search \[from:carol\] \(1 message\)'
t_unlike "only the match is listed" "$(screen)" 'About alice'
t_tmux_keys ui q
t_ok "q leaves the results" t_tmux_wait ui 'INBOX \(4 messages\)'
t_tmux_keys ui l 'bob OR alice' Enter
t_ok "l limits the index" t_tmux_wait ui 'INBOX \[bob OR alice\] \(2 messages\)'
t_tmux_keys ui l C-u Enter
t_ok "an empty limit shows everything" t_tmux_wait ui 'INBOX \(4 messages\)'
t_tmux_keys ui l 'from:(' Enter
t_ok "a bad query is reported, not fatal" t_tmux_wait ui 'INBOX \(4 messages\)'
t_tmux_keys ui o s
t_ok "o s sorts by subject" t_tmux_wait ui 'sorted by subject'
t_like "alice is first by subject" "$(screen | sed -n 2p)" '^>.*About alice'
t_tmux_keys ui F
t_ok "F flags the message" t_tmux_wait ui '^>N!.*About alice'
t_tmux_keys ui N
t_ok "N toggles read/unread" t_tmux_wait ui '^> !.*About alice'
t_tmux_keys ui j d
t_ok "d marks the message deleted" t_tmux_wait ui '^ .D.*About bob'
t_tmux_keys ui s 'Archive' Enter
t_ok "moving to a new folder asks first" t_tmux_wait ui 'Create folder Archive'
t_tmux_keys ui y
t_ok "the message moved out" t_tmux_wait ui 'INBOX \(3 messages\)'
t_tmux_keys ui y
t_ok "y lists the folders with counts" t_tmux_wait ui 'Archive +[0-9]+ unread, 1 total'
t_tmux_keys ui q q
t_ok "quitting asks to purge the deleted one" t_tmux_wait ui 'Purge 1 deleted message'
t_tmux_keys ui y
t_wait_until 5 t_tmux_dead ui
t_unlike "the deleted message is gone from the store" \
    "$("$SATCHEL" -c "$conf" search 'from:bob' 2>&1)" 'About bob'
t_done
