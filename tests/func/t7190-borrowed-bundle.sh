#!/bin/sh
# t7190-borrowed-bundle: run from an unpacked bundle (SATCHEL_BUNDLE, as its
# launcher sets it), a borrowed session removes the bundle's directory as
# well when the user asks: with --remove-bundle (also after kill -9, through
# the janitor) or by answering y to the question at quit; n keeps it. A
# directory without the bundle's mark file is never removed, and
# --remove-bundle without a bundle is refused.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 14

conf=$HOME/conf
t_satchel_config "$conf" general.borrowed=true
run=$T_TMP/run.sh
cat >"$run" <<'EOS'
#!/bin/sh
st=$1 bundle=$2
shift 2
SATCHEL_BUNDLE=$bundle "$@"
echo $? >"$st"
exec sleep 600
EOS
chmod +x "$run"
pane_pid() {
	ps -o pid= --ppid "$(t_tmux_ display-message -p -t "$1" '#{pane_pid}')" |
	    head -n 1 | tr -d ' '
}
# bundle NAME: a fresh unpacked "bundle" on a stick; prints its directory.
bundle() {
	b=$T_TMP/stick/$1/satchel-0-x86_64-linux
	mkdir -p "$b/lib" && echo "the bundle" >"$b/SATCHEL-BUNDLE" &&
	    echo lib >"$b/lib/libx.so" && echo "$b"
}
# session NAME BUNDLE ARGS...: a borrowed reader run from BUNDLE.
session() {
	t_n_=$1 t_b_=$2
	shift 2
	t_tmux_start "$t_n_" 100 24 "$run" "$T_TMP/status.$t_n_" "$t_b_" \
	    "$SATCHEL" -c "$conf" "$@"
	t_tmux_wait "$t_n_" 'INBOX \(0 messages\)'
}
status() {
	t_wait_file "$T_TMP/status.$1" 15
	cat "$T_TMP/status.$1" 2>/dev/null
}

# Refused: no bundle, or a directory that is not one.
unset SATCHEL_BUNDLE
t_fails "--remove-bundle without a bundle is refused" \
    "$SATCHEL" -c "$conf" --borrowed --remove-bundle search x
plain=$T_TMP/stick/plain
mkdir -p "$plain" && echo keep >"$plain/file"
out=$(SATCHEL_BUNDLE=$plain "$SATCHEL" -c "$conf" --remove-bundle search x 2>&1)
t_like "a directory without the mark is refused" "$out" \
    'is not an unpacked satchel bundle'
t_is "and left alone" "$(cat "$plain/file")" keep

# The question at quit: n keeps the bundle, y removes it.
b=$(bundle n)
t_ok "session n" session n "$b"
t_tmux_keys n q
t_ok "quitting asks about the bundle" \
    t_tmux_wait n 'Remove satchel itself \(the unpacked satchel-0-x86_64-linux\)'
t_tmux_keys n n
t_is "n: satchel quits" "$(status n)" 0
t_ok "n: the bundle stays" test -f "$b/SATCHEL-BUNDLE"
b=$(bundle y)
session y "$b" >/dev/null
t_tmux_keys y q
t_tmux_wait y 'Remove satchel itself' >/dev/null
t_tmux_keys y y
t_is "y: satchel quits" "$(status y)" 0
t_ok "y: the bundle is gone" t_wait_until 5 eval "! test -e '$b'"

# --remove-bundle: no question; kill -9 is covered by the janitor.
b=$(bundle opt)
session opt "$b" --remove-bundle >/dev/null
t_tmux_keys opt q
t_is "--remove-bundle: q quits at once" "$(status opt)" 0
t_ok "--remove-bundle: the bundle is gone" \
    t_wait_until 5 eval "! test -e '$b'"
b=$(bundle kill)
t_ok "session kill" session kill "$b" --remove-bundle
kill -KILL "$(pane_pid kill)"
status kill >/dev/null
t_ok "kill -9: the janitor removes the bundle" \
    t_wait_until 5 eval "! test -e '$b'"
t_is "the stick keeps what is not a bundle" \
    "$(ls "$T_TMP/stick" | tr '\n' ' ')" "kill n opt plain y "
t_done
