#!/bin/sh
# t7150-hard-borrowed-wipe: borrowed mode where the private directory falls
# back to a shared directory (/dev/shm or TMPDIR, no usable runtime
# directory). The janitor wipes the directory satchel made, never a name
# someone made again after satchel removed it (with a link into the
# user's files); and a crash leaves no core file (RLIMIT_CORE 0 and
# PR_SET_DUMPABLE 0, for satchel and for the janitor).
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 14

# Editor: tells where satchel keeps its temporary files (its private
# directory in borrowed mode) and leaves the message unchanged.
edit=$T_TMP/edit.sh
cat >"$edit" <<EOS
#!/bin/sh
echo "\$TMPDIR" >"$T_TMP/bdir"
EOS
chmod +x "$edit"
t_write_config "$HOME/conf" <<EOC
[general]
store = $T_TMP/store
editor = $edit
borrowed = true
[account me]
address = Me <me@example.org>
EOC
mkdir -p "$T_TMP/cwd1" "$T_TMP/cwd2" "$T_TMP/victim"
echo "keep me" >"$T_TMP/victim/important"

# start NAME DIR: a borrowed reader without a runtime directory, allowed
# to dump core in DIR as far as the shell is concerned.
start() {
	t_tmux_start "$1" 80 24 sh -c "cd '$2' && ulimit -c unlimited;
	    exec env -u XDG_RUNTIME_DIR '$SATCHEL' -c '$HOME/conf'"
	t_tmux_wait "$1" 'INBOX \(0 messages\)'
}
pane_pid() {
	t_tmux_ display-message -p -t "$1" '#{pane_pid}'
}
# gone PID: not running (or a zombie nobody reaped).
gone() {
	! kill -0 "$1" 2>/dev/null && return 0
	st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
	test -z "$st" || test "$st" = Z || test "$st" = X
}
wait_gone() {
	i=0
	while ! gone "$1" && test $i -lt 100; do
		sleep 0.1
		i=$((i + 1))
	done
	gone "$1"
}
core_limit() {
	awk '/^Max core file size/ { print $5, $6 }' "/proc/$1/limits" \
	    2>/dev/null
}

# --- 1. a name made again after satchel removed its directory ---------------
t_ok "session 1 starts" start b1 "$T_TMP/cwd1"
pid=$(pane_pid b1)
t_tmux_keys b1 m
t_ok "the editor ran" t_tmux_wait b1 'not changed'
dir=$(cat "$T_TMP/bdir" 2>/dev/null)
t_like "the private directory is in the shared fallback" "$dir" \
    "^(/dev/shm|$TMPDIR)/satchel-borrowed-[A-Za-z0-9]{6}\$"
t_at_exit "rm -rf '$dir'"
janitor=$(ps -o pid= --ppid "$pid" | head -n 1 | tr -d ' ')
t_ok "the janitor runs" test -n "$janitor"
t_is "satchel dumps no core" "$(core_limit "$pid")" "0 0"
t_is "nor does the janitor" "$(core_limit "$janitor")" "0 0"
# Hold the janitor while satchel ends and removes its directory, then
# make the name again as another user of /dev/shm or /tmp could.
kill -STOP "$janitor"
t_tmux_keys b1 q
i=0
while test -e "$dir" && test $i -lt 50; do sleep 0.1; i=$((i + 1)); done
t_ok "satchel removed its directory" test ! -e "$dir"
mkdir "$dir"
echo "not satchel's" >"$dir/planted"
ln -s "$T_TMP/victim" "$dir/link"
kill -CONT "$janitor"
t_ok "the janitor ends" wait_gone "$janitor"
t_ok "it left the name made again alone" test -f "$dir/planted"
t_is "and the files its link points to" "$(cat "$T_TMP/victim/important")" \
    "keep me"
rm -rf "$dir"

# --- 2. a crash ----------------------------------------------------------------
rm -f "$T_TMP/bdir"
t_ok "session 2 starts" start b2 "$T_TMP/cwd2"
pid=$(pane_pid b2)
t_tmux_keys b2 m
t_tmux_wait b2 'not changed' >/dev/null
dir=$(cat "$T_TMP/bdir" 2>/dev/null)
t_at_exit "rm -rf '$dir'"
kill -SEGV "$pid"
t_ok "satchel crashed" wait_gone "$pid"
case $(cat /proc/sys/kernel/core_pattern 2>/dev/null) in
'|'*|/*)
	t_skip "no core file in its directory" \
	    "core_pattern does not write into the working directory" ;;
*)
	t_is "no core file in its directory" "$(ls "$T_TMP/cwd2")" "" ;;
esac
i=0
while test -e "$dir" && test $i -lt 50; do sleep 0.1; i=$((i + 1)); done
t_ok "the janitor wiped the directory after the crash" \
    test -n "$dir" -a ! -e "$dir"
t_done
