#!/bin/sh
# t6103-ui-threads: thread mode as mutt users have it: Esc-v opens and
# closes the current thread and several stay open at once, Esc-V closes
# them all or opens them all, C-r marks a whole thread read, and the sort
# order (o) applies to the threads while each keeps its tree order; t in
# the o prompt and z turn threads on and off.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 21

md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
# msg N SUBJECT DAY [IN-REPLY-TO [BODY-LINES]]
msg() {
	{
		printf 'From: Sender%s <s%s@example.org>\nTo: me@example.org\nSubject: %s\nDate: Mon, 0%s Jan 2024 10:00:00 +0000\nMessage-ID: <th%s@example.org>\n' \
		    "$1" "$1" "$2" "$3" "$1"
		test -n "${4:-}" && printf 'In-Reply-To: <th%s@example.org>\nReferences: <th%s@example.org>\n' "$4" "$4"
		printf '\nBody %s\n' "$1"
		i=0
		while test $i -lt "${5:-0}"; do echo "A long line to make this message the largest of all."; i=$((i + 1)); done
	} >"$md/new/$1.eml"
}
msg 1 'Topic A' 1
msg 2 'Re: Topic A' 2 1
msg 3 'Re: Topic A' 3 2
msg 4 'Topic B' 4
msg 5 'Re: Topic B' 5 4
msg 6 'Topic C' 6 '' 200
conf=$HOME/conf
t_write_config "$conf" <<EOC
[general]
store = $T_TMP/store
EOC
"$SATCHEL" -c "$conf" import "$md" >/dev/null 2>&1 || t_diag "import failed"
count() { "$SATCHEL" -c "$conf" search -c "$1" 2>/dev/null; }
is_count() { test "$(count "$1")" = "$2"; }
screen() { t_tmux_screen ui; }
# Rows drawn with a tree branch: messages below the root of an open thread.
branches() { screen | grep -cE -- '(─>|->)Re: '; }
has_branches() { test "$(branches)" = "$1"; }
first_row() { screen | sed -n 2p; }

t_tmux_start ui 100 24 "$SATCHEL" -c "$conf"
t_ok "index is drawn" t_tmux_wait ui 'Topic C'
t_tmux_keys ui z
t_ok "z: threads" t_tmux_wait ui 'INBOX \(3 threads\)'

# Esc-v opens B; then A too: both stay open.
t_tmux_keys ui j Escape v
t_ok "Esc-v opens the thread" t_wait_until 10 has_branches 1
t_tmux_keys ui j j Escape v
t_ok "a second thread opens, the first stays" t_wait_until 10 has_branches 3
t_like "B is still open above" "$(screen | sed -n 3,4p | tr '\n' ' ')" 'Topic B .*Re: Topic B'
# Esc-v on A's root closes A only.
t_tmux_keys ui Escape v
t_ok "Esc-v closes that thread only" t_wait_until 10 has_branches 1
# Esc-V: all closed; again: all open.
t_tmux_keys ui Escape V
t_ok "Esc-V closes every thread" t_wait_until 10 has_branches 0
t_tmux_keys ui Escape V
t_ok "Esc-V again opens them all" t_wait_until 10 has_branches 3
t_is "six rows: every message" "$(screen | grep -c 'Topic')" 6
t_tmux_keys ui Escape V

# C-r on A: the whole thread read; B untouched.
t_tmux_keys ui End C-r
t_ok "C-r says what it did" t_tmux_wait ui 'Marked 3 messages of the thread read'
t_ok "thread A is read" t_wait_until 10 is_count 'is:unread subject:"Topic A"' 0
t_is "thread B is not" "$(count 'is:unread subject:"Topic B"')" 2

# Sorting threads.
t_tmux_keys ui o
t_ok "o in thread mode sorts threads" t_tmux_wait ui 'Sort threads:'
t_tmux_keys ui s
t_ok "by subject: A first" t_tmux_wait ui '^>.*\(3\) Topic A'
t_like "the title says so" "$(screen | head -1)" 'sorted by subject'
t_tmux_keys ui Escape v
t_ok "A's messages in tree order" t_tmux_wait ui '^>.*Topic A'
t_like "its replies below the root" "$(screen | sed -n 3,4p | tr '\n' ' ')" 'Re: Topic A.*Re: Topic A'
t_tmux_keys ui o z
t_ok "by size: the big one first" t_tmux_wait ui '^>.*Topic C'
t_tmux_keys ui o D
t_ok "oldest first: A first" t_tmux_wait ui '^>.*\(3\) Topic A'
t_tmux_keys ui o t
t_ok "t in the o prompt: threads off" t_tmux_wait ui 'INBOX \(6 messages\)'
t_tmux_keys ui o d
t_ok "newest first again" t_tmux_wait ui '^>.*Topic C'
t_tmux_keys ui x
t_done
