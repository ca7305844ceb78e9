#!/bin/sh
# t7100-borrowed-session: borrowed-machine mode end to end (DESIGN invariant
# 8). Under a fresh HOME, TMPDIR and 0700 XDG_RUNTIME_DIR, borrowed sessions
# of the reader fetch, read, reply and send against real servers and end by
# q, kill -HUP, kill -TERM, kill -INT and kill -9. The store lives in a
# private 0700 directory in the runtime directory; passwords are typed, never
# in a process's arguments or environment; mail still queued is sent on the
# way out (or the user is asked); and afterwards nothing satchel created or
# changed is left in HOME, TMPDIR, the runtime directory or /tmp.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd dovecot dovecot-pop3d
t_need_cmd aiosmtpd python3-aiosmtpd
t_plan 43
t_dovecot_start
t_smtp_start
# The sessions' environment must not hold the passwords the test knows.
pop3_pass=$POP3_PASS smtp_pass=$SMTP_PASS
unset POP3_PASS SMTP_PASS

mkdir -p "$T_TMP/mail"
for n in 1 2; do
	printf 'From: Sender %d <s%d@example.test>\nTo: alice@example.test\nSubject: Server message %d\nMessage-ID: <srv-%d@example.test>\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n\nBody %d.\n' \
	    $n $n $n $n $n >"$T_TMP/mail/$n.eml"
done
t_dovecot_seed "$T_TMP/mail/1.eml" "$T_TMP/mail/2.eml"

# The editor records where it ran and what it saw, outside the directories
# checked below; with $T_TMP/block it stays open until it is killed.
edit=$T_TMP/edit.sh
cat >"$edit" <<EOS
#!/bin/sh
{ echo "FILE=\$1"; env; } >"$T_TMP/editor-env.\$\$"
test -e "$T_TMP/block" && exec sleep 30
echo "Thanks, from a borrowed machine." >>"\$1"
EOS
chmod +x "$edit"
conf=$HOME/conf
t_satchel_config "$conf" pop3_password_command= smtp_password_command= \
    "general.editor=$edit" general.borrowed=true

# Everything before this line is the test's own; satchel must add nothing.
marker=$T_TMP/marker
touch "$marker"
sleep 1

# Sessions run under a small shell that records satchel's exit status
# (tmux may be slow to report it when the machine is busy).
run=$T_TMP/run.sh
cat >"$run" <<'EOS'
#!/bin/sh
st=$1
shift
"$@"
echo $? >"$st"
exec sleep 600
EOS
chmod +x "$run"
# pid of satchel in a tmux session, and of all its descendants.
pane_pid() {
	ps -o pid= --ppid "$(t_tmux_ display-message -p -t "$1" '#{pane_pid}')" |
	    head -n 1 | tr -d ' '
}
tree_pids() {
	ps -e -o pid=,ppid= | awk -v root="$1" '
		{ parent[$1] = $2; pids[NR] = $1 }
		END {
			keep[root] = 1; print root
			do {
				more = 0
				for (i = 1; i <= NR; i++) {
					p = pids[i]
					if (!(p in keep) && (parent[p] in keep)) {
						keep[p] = 1; print p; more = 1
					}
				}
			} while (more)
		}'
}
# The passwords in the arguments or environment of pid and its children.
leaked() {
	for p in $(tree_pids "$1"); do
		for f in cmdline environ; do
			tr '\0' '\n' 2>/dev/null <"/proc/$p/$f"
		done
	done | grep -F -e "$pop3_pass" -e "$smtp_pass" | head -n 3
}
borrowed_dirs() {
	for d in "$XDG_RUNTIME_DIR" /dev/shm "$TMPDIR" /tmp; do
		find "$d" -maxdepth 1 -name 'satchel-borrowed-*' -newer "$marker" \
		    2>/dev/null
	done
}
# wait_gone DIR: until DIR no longer exists (at most 5 s, scaled).
wait_gone() {
	t_wait_until 5 eval "! test -e '$1'"
}
wait_dead() {
	t_wait_file "$T_TMP/status.$1" 15
	cat "$T_TMP/status.$1" 2>/dev/null
}
wait_smtp() {
	t_wait_until 10 eval "test \"\$(t_smtp_count)\" -ge $1"
	t_smtp_count
}
# start NAME: a borrowed session, mail fetched with the typed password
# (the session asks for it by itself).
start() {
	t_tmux_start "$1" 80 24 "$run" "$T_TMP/status.$1" "$SATCHEL" -c "$conf"
	t_tmux_wait "$1" 'POP3 password for test:' &&
	t_tmux_keys "$1" "$pop3_pass" Enter &&
	t_tmux_wait "$1" 'INBOX \(2 messages\)' 20
}

# --- 1. quit with q: fetch, read, reply, send ------------------------------
t_ok "session 1: fetched with a typed password" start s1
pid=$(pane_pid s1)
store=$(borrowed_dirs)
t_like "the store is a private directory in the runtime directory" \
    "$store" "^$XDG_RUNTIME_DIR/satchel-borrowed-[A-Za-z0-9]{6}\$"
t_is "it is mode 0700" "$(stat -c %a "$store" 2>/dev/null)" 700
t_like "the mail is in it" "$(find "$store" -type f 2>/dev/null | head -n 50)" \
    'INBOX/(cur|new)/'
t_is "nothing in HOME while it runs" "$(find "$HOME" -newer "$marker")" ""
t_tmux_keys s1 Enter
t_ok "a message is read" t_tmux_wait s1 'Body [12]\.'
t_tmux_keys s1 r
t_ok "reply: the editor ran" t_tmux_wait s1 'Subject: +Re: Server message'
envf=$(ls "$T_TMP"/editor-env.* 2>/dev/null | head -n 1)
t_like "the editor's file is in the private directory" \
    "$(grep '^FILE=' "$envf" 2>/dev/null)" "^FILE=$store/"
t_like "the editor's TMPDIR is the private directory" \
    "$(grep '^TMPDIR=' "$envf" 2>/dev/null)" "^TMPDIR=$store\$"
t_tmux_keys s1 y
t_ok "the SMTP password is asked" t_tmux_wait s1 'SMTP password for test:'
t_tmux_keys s1 "$smtp_pass" Enter
t_is "the reply reached the SMTP server" "$(wait_smtp 1)" 1
t_is "no password in any argument or environment" "$(leaked "$pid")" ""
t_is "none in the editor's environment" \
    "$(grep -F -e "$pop3_pass" -e "$smtp_pass" "$T_TMP"/editor-env.*)" ""
# A second reply the server defers: q sends what is queued first, then
# says what would be lost and lets the user go back.
echo 'mail * 451 4.3.0 Try again later' >"$SMTP_CONTROL"
t_tmux_keys s1 j r
t_ok "second reply composed" t_tmux_wait s1 'Subject: +Re: Server message'
t_tmux_keys s1 y
t_ok "deferred: it stays queued" t_tmux_wait s1 '451 4.3.0 Try again later' 20
t_tmux_keys s1 q q
t_ok "quitting with mail queued asks first" \
    t_tmux_wait s1 '1 message is not sent .*Quit anyway' 30
t_tmux_keys s1 n
t_ok "n goes back to the reader" t_tmux_wait s1 'Not quitting'
: >"$SMTP_CONTROL"
t_tmux_keys s1 q
t_is "q sent the queued message on the way out" "$(wait_smtp 2)" 2
t_is "then it quit normally" "$(wait_dead s1)" 0
t_ok "the private directory is gone" wait_gone "$store"
t_is "the terminal left the alternate screen" \
    "$(t_tmux_ display-message -p -t s1 '#{alternate_on}')" 0

# --- 2. SIGHUP with a deferred message in the queue ------------------------
t_ok "session 2: fetched" start s2
pid=$(pane_pid s2)
store=$(borrowed_dirs)
t_tmux_keys s2 r
t_ok "reply composed" t_tmux_wait s2 'Subject: +Re: Server message'
echo 'once mail * 451 4.3.0 Try again later' >"$SMTP_CONTROL"
t_tmux_keys s2 y
t_ok "the SMTP password is asked" t_tmux_wait s2 'SMTP password for test:'
t_tmux_keys s2 "$smtp_pass" Enter
t_ok "deferred: it stays queued" t_tmux_wait s2 '451 4.3.0 Try again later' 20
kill -HUP "$pid"
t_is "SIGHUP: one attempt sends the queued message" "$(wait_smtp 3)" 3
t_is "SIGHUP: exit status" "$(wait_dead s2)" 129
t_ok "SIGHUP: the private directory is gone" wait_gone "$store"

# --- 3. SIGTERM while the editor is open -----------------------------------
t_ok "session 3: fetched" start s3
pid=$(pane_pid s3)
store=$(borrowed_dirs)
touch "$T_TMP/block"
t_tmux_keys s3 r
# The editor's pid: the "sleep 30" among satchel's descendants (other
# tests on the machine may run one of their own).
editor_pid() {
	for p in $(tree_pids "$pid"); do
		case $(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") in
		"sleep 30"|"sleep 30 ") echo "$p"; return 0 ;;
		esac
	done
	return 1
}
t_wait_until 5 editor_pid
epid=$(editor_pid)
t_like "the editor is open" "$epid" '^[0-9]+$'
kill -TERM "$pid"
t_is "SIGTERM: exit status" "$(wait_dead s3)" 143
t_ok "SIGTERM: the private directory is gone" wait_gone "$store"
# satchel ends the editor as it goes; the editor may take a moment to die.
t_ok "SIGTERM: the editor ended with the session" \
    t_wait_until 5 eval "test -n '$epid' && ! t_alive '$epid'"
t_is "SIGTERM: the terminal is restored" \
    "$(t_tmux_ display-message -p -t s3 '#{alternate_on}')" 0
rm -f "$T_TMP/block"

# --- 4. SIGINT --------------------------------------------------------------
t_ok "session 4: fetched" start s4
pid=$(pane_pid s4)
store=$(borrowed_dirs)
kill -INT "$pid"
t_is "SIGINT: exit status" "$(wait_dead s4)" 130
t_ok "SIGINT: the private directory is gone" wait_gone "$store"

# --- 5. kill -9: the janitor wipes -------------------------------------------
t_ok "session 5: fetched" start s5
pid=$(pane_pid s5)
store=$(borrowed_dirs)
kill -KILL "$pid"
wait_dead s5 >/dev/null
t_ok "kill -9: the janitor removes the private directory" wait_gone "$store"

# --- what is left -------------------------------------------------------------
t_is "the server kept every message (keep mode)" "$(t_dovecot_count)" 2
t_is "no borrowed directory is left" "$(borrowed_dirs)" ""
t_is "nothing new or changed in HOME, TMPDIR or the runtime directory" \
    "$(find "$HOME" "$TMPDIR" "$XDG_RUNTIME_DIR" -newer "$marker" \
    ! -path "$TMPDIR" ! -path "$XDG_RUNTIME_DIR" ! -path "$HOME" 2>/dev/null)" ""
# /tmp is shared with whatever else runs on the machine: look only for
# the names satchel, SQLite or an editor would use there.
left=$(find /tmp -xdev -maxdepth 3 -newer "$marker" 2>/dev/null |
    grep -v "^$T_TMP" |
    grep -E '^/tmp/(satchel-(borrowed|compose)-[A-Za-z0-9]{6}(/|$)|etilqs)|/message\.txt|\.swp$' |
    head -n 5)
t_is "nothing of satchel's in /tmp" "$left" ""
t_done
