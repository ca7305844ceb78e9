#!/bin/sh
# t7180-borrowed-editor-home: in a borrowed session the editor keeps nothing
# outside the private directory. nano gets --ignorercfiles and a HOME and
# XDG directories in the private directory; a real vim (when one with
# viminfo is installed) where text is typed and deleted leaves no
# ~/.viminfo in the user's HOME; the editor's home goes with the session.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 9

mkdir -p "$T_TMP/bin"
cat >"$T_TMP/bin/nano" <<EOS
#!/bin/sh
{ for a in "\$@"; do echo "ARG=\$a"; done; env; } >"$T_TMP/editor-env"
mkdir -p "\$XDG_DATA_HOME/nano"
echo "typed, then deleted" >"\$XDG_DATA_HOME/nano/search_history"
EOS
chmod +x "$T_TMP/bin/nano"

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
pane_pid() {
	ps -o pid= --ppid "$(t_tmux_ display-message -p -t "$1" '#{pane_pid}')" |
	    head -n 1 | tr -d ' '
}

marker=$T_TMP/marker
touch "$marker"
sleep 1

# 1. nano (a stand-in that records what it got).
t_satchel_config "$HOME/conf" "general.editor=$T_TMP/bin/nano" \
    general.borrowed=true
t_tmux_start n 80 24 "$run" "$T_TMP/status.n" "$SATCHEL" -c "$HOME/conf"
t_tmux_wait n 'INBOX \(0 messages\)' >/dev/null
store=$(find "$XDG_RUNTIME_DIR" -maxdepth 1 -name 'satchel-borrowed-*')
t_tmux_keys n m
t_wait_file "$T_TMP/editor-env"
t_is "nano gets --ignorercfiles" \
    "$(grep -m 1 '^ARG=' "$T_TMP/editor-env")" "ARG=--ignorercfiles"
t_is "its HOME is in the private directory" \
    "$(grep '^HOME=' "$T_TMP/editor-env")" "HOME=$store/home"
t_is "its XDG_DATA_HOME too" \
    "$(grep '^XDG_DATA_HOME=' "$T_TMP/editor-env")" \
    "XDG_DATA_HOME=$store/home/.local/share"
t_ok "what it kept is in there" \
    test -s "$store/home/.local/share/nano/search_history"
kill -TERM "$(pane_pid n)"
t_wait_file "$T_TMP/status.n" 15
t_ok "and goes with the session" t_wait_until 5 eval "! test -e '$store'"

# 2. A real vim: text typed and deleted must not stay in ~/.viminfo.
vim_ok=
if command -v vim >/dev/null 2>&1 &&
    vim --version 2>/dev/null | grep -q '+viminfo'; then
	vim_ok=1
fi
if test -n "$vim_ok"; then
	t_satchel_config "$HOME/conf" general.editor=vim general.borrowed=true
	t_tmux_start v 80 24 "$run" "$T_TMP/status.v" "$SATCHEL" -c "$HOME/conf"
	t_tmux_wait v 'INBOX \(0 messages\)' >/dev/null
	store=$(find "$XDG_RUNTIME_DIR" -maxdepth 1 -name 'satchel-borrowed-*')
	t_tmux_keys v m
	t_ok "vim runs with -i NONE" t_wait_until 10 \
	    pgrep -f -- "^vim -i NONE $store/"
	t_tmux_wait v '^Subject:' >/dev/null
	t_tmux_keys v i 'my secret words' Escape
	t_tmux_keys v d d
	t_tmux_keys v : w q Enter
	t_wait_until 10 eval "! pgrep -f -- '^vim -i NONE $store/'"
	t_is "no ~/.viminfo" "$(ls -A "$HOME" | grep -v '^conf$')" ""
	kill -TERM "$(pane_pid v)"
	t_wait_file "$T_TMP/status.v" 15
	t_ok "the session ended" t_wait_until 5 eval "! test -e '$store'"
else
	t_skip "vim runs with -i NONE" "no vim with +viminfo"
	t_skip "no ~/.viminfo" "no vim with +viminfo"
	t_skip "the session ended" "no vim with +viminfo"
fi
t_is "nothing new in HOME, TMPDIR or the runtime directory" \
    "$(find "$HOME" "$TMPDIR" "$XDG_RUNTIME_DIR" -newer "$marker" \
    ! -path "$TMPDIR" ! -path "$XDG_RUNTIME_DIR" ! -path "$HOME" \
    ! -path "$HOME/conf" 2>/dev/null)" ""
t_done
