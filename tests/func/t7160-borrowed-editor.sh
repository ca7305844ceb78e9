#!/bin/sh
# t7160-borrowed-editor: in borrowed mode the editor runs in its own process
# group; ending the session (SIGTERM) ends the editor's children too, and
# after kill -9 of satchel the janitor ends the editor's group.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 6

# The editor starts a child of its own, records both pids and waits.
edit=$T_TMP/edit.sh
cat >"$edit" <<EOS
#!/bin/sh
sleep 297 &
echo \$! >"$T_TMP/child.pid"
echo \$\$ >"$T_TMP/editor.pid"
wait
EOS
chmod +x "$edit"
conf=$HOME/conf
t_satchel_config "$conf" "general.editor=$edit" general.borrowed=true

run=$T_TMP/run.sh
cat >"$run" <<'EOS'
#!/bin/sh
"$@"
exec sleep 600
EOS
chmod +x "$run"
pane_pid() {
	ps -o pid= --ppid "$(t_tmux_ display-message -p -t "$1" '#{pane_pid}')" |
	    head -n 1 | tr -d ' '
}
# alive FILE: the process whose pid is in FILE still runs (not a zombie).
alive() {
	p=$(cat "$1" 2>/dev/null)
	test -n "$p" && kill -0 "$p" 2>/dev/null &&
	    ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null
}
# gone FILE: wait (5 s at most) until that process has ended.
gone() {
	i=0
	while alive "$1" && test $i -lt 50; do
		sleep 0.1
		i=$((i + 1))
	done
	! alive "$1"
}
# session NAME: a borrowed session with the editor open; sets pid.
session() {
	rm -f "$T_TMP/child.pid" "$T_TMP/editor.pid"
	t_tmux_start "$1" 80 24 "$run" "$SATCHEL" -c "$conf"
	t_tmux_wait "$1" 'INBOX \(0 messages\)' 20 || return 1
	pid=$(pane_pid "$1")
	t_tmux_keys "$1" m
	i=0
	while ! test -s "$T_TMP/child.pid" && test $i -lt 50; do
		sleep 0.1
		i=$((i + 1))
	done
	test -s "$T_TMP/child.pid"
}
cleanup_pids() {
	for f in child editor; do
		p=$(cat "$T_TMP/$f.pid" 2>/dev/null)
		test -n "$p" && kill -KILL "$p" 2>/dev/null
	done
}
t_at_exit cleanup_pids

t_ok "SIGTERM: the editor is open" session s1
kill -TERM "$pid"
t_ok "SIGTERM: the editor ended" gone "$T_TMP/editor.pid"
t_ok "SIGTERM: and so did its child" gone "$T_TMP/child.pid"
cleanup_pids

t_ok "kill -9: the editor is open" session s2
kill -KILL "$pid"
t_ok "kill -9: the janitor ends the editor" gone "$T_TMP/editor.pid"
t_ok "kill -9: and its child" gone "$T_TMP/child.pid"
cleanup_pids
t_done
