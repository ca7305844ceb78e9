#!/bin/sh
# t6008-ui-thread-scope: operations on a collapsed thread (d, N, F, s) act on
# the thread's messages in the current folder and limit only, never on its
# copies in Sent or in another account's folder; the purge question says
# what it deletes, per folder; deletions left from an earlier session are
# offered for purge again.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 15

msg() {
	# msg ID MINUTE SUBJECT [IN-REPLY-TO]
	printf 'From: %s <%s@example.org>\nTo: me@example.org\nSubject: %s\nMessage-ID: <%s@example.org>\n' \
	    "$1" "$1" "$3" "$1"
	test -n "${4:-}" && printf 'In-Reply-To: <%s@example.org>\n' "$4"
	printf 'Date: Mon, 1 Jan 2024 10:%02d:00 +0000\n\nText %s.\n' "$2" "$1"
}
for d in inbox sent other; do mkdir -p "$T_TMP/$d/cur" "$T_TMP/$d/new"; done
msg a 1 "Plans" >"$T_TMP/inbox/new/1"
msg bb 2 "Re: Plans" a >"$T_TMP/inbox/new/2"
msg ccc 3 "Re: Plans" bb >"$T_TMP/inbox/new/3"
msg dddd 4 "Re: Plans" ccc >"$T_TMP/sent/new/1"
# The other account got the same messages (as a list copy would be).
for n in 1 2 3; do
	{ echo "X-Copy: work"; cat "$T_TMP/inbox/new/$n"; } >"$T_TMP/other/new/$n"
done
msg zz 30 "Something else" >"$T_TMP/inbox/new/4"
conf=$HOME/conf
t_write_config "$conf" <<EOC
[general]
store = $T_TMP/store
[account home]
address = Me <me@example.org>
[account work]
address = Me <me@work.example.org>
folder = Work
EOC
sat() { "$SATCHEL" -c "$conf" "$@"; }
sat import "$T_TMP/inbox" >/dev/null 2>&1
sat import -f Sent "$T_TMP/sent" >/dev/null 2>&1
sat import -f Work "$T_TMP/other" >/dev/null 2>&1
count() { sat search --count -f "$1" "$2"; }
# Messages marked deleted, per folder, from the Maildir file names.
marked() {
	for f in INBOX Sent Work; do
		printf '%s:%s ' "$f" "$(ls "$T_TMP/store/$f/cur" |
		    grep -c ':2,[A-Z]*T')"
	done
}
dead() {
	i=0
	while ! t_tmux_dead "$1" >/dev/null && test $i -lt 100; do
		sleep 0.1
		i=$((i + 1))
	done
	t_tmux_dead "$1" >/dev/null
}
t_is "set up: 4 in INBOX, 1 in Sent, 3 in Work, all unread" \
    "$(count INBOX is:unread) $(count Sent is:unread) $(count Work is:unread)" "4 1 3"

t_tmux_start ui 100 24 "$SATCHEL" -c "$conf"
t_ok "index" t_tmux_wait ui 'INBOX \(4 messages\)'
t_tmux_keys ui z
t_ok "thread mode" t_tmux_wait ui 'INBOX \(2 threads\)'
# The Plans thread (3 here, 7 in all folders) is the older one: second.
t_tmux_keys ui j N
t_ok "N marks the thread read" t_tmux_wait ui '^>    .*Plans'
t_is "N on the thread: its 3 INBOX messages read, nothing else" \
    "$(count INBOX is:unread) $(count Sent is:unread) $(count Work is:unread)" "1 1 3"
t_tmux_keys ui d
t_ok "d marks the thread" t_tmux_wait ui '^>.D.*Plans'
t_is "d on the thread: only its INBOX messages are marked" "$(marked)" \
    "INBOX:3 Sent:0 Work:0 "
t_tmux_keys ui F
i=0
while test "$(count INBOX is:flagged)" = 0 && test $i -lt 50; do
	sleep 0.1
	i=$((i + 1))
done
t_is "F on the thread flags its newest message here, not a copy" \
    "$(count INBOX is:flagged) $(count Sent is:flagged) $(count Work is:flagged)" "1 0 0"
t_tmux_keys ui q
t_ok "the purge question says how many and where" \
    t_tmux_wait ui 'Purge 3 deleted messages \(INBOX: 3\)'
t_tmux_keys ui n
dead ui
t_is "nothing purged when told no" "$(count INBOX '')" 4

t_tmux_start ui2 100 24 "$SATCHEL" -c "$conf"
t_tmux_wait ui2 'INBOX \(4 messages\)' >/dev/null
t_tmux_keys ui2 q
t_ok "deletions from the earlier session are offered again" \
    t_tmux_wait ui2 'Purge 3 deleted messages \(INBOX: 3\)'
t_tmux_keys ui2 y
dead ui2
t_is "the thread's INBOX messages are purged; Sent and Work keep theirs" \
    "$(count INBOX '') $(count Sent '') $(count Work '')" "1 1 3"

# s (save to a folder) on a collapsed thread in Work moves Work's part only.
t_tmux_start ui3 100 24 "$SATCHEL" -c "$conf"
t_tmux_wait ui3 'INBOX \(1 message\)' >/dev/null
t_tmux_keys ui3 c
t_tmux_wait ui3 'Work' >/dev/null
t_tmux_keys ui3 G 2>/dev/null
t_tmux_keys ui3 End Enter
t_ok "the Work folder" t_tmux_wait ui3 'Work \(3 messages\)'
t_tmux_keys ui3 z
t_ok "one thread there" t_tmux_wait ui3 'Work \(1 thread\)'
t_tmux_keys ui3 s
t_tmux_wait ui3 'Move to folder:' >/dev/null
t_tmux_keys ui3 Archive Enter
t_tmux_wait ui3 'Create folder Archive' >/dev/null
t_tmux_keys ui3 y
t_tmux_wait ui3 'Moved 3 messages' >/dev/null
t_is "s on the thread moves Work's 3, not Sent's reply" \
    "$(count Archive '') $(count Sent '') $(count Work '')" "3 1 0"
t_tmux_keys ui3 x
t_done
