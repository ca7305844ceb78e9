#!/bin/sh
# t1051-store-full-read.sh: on a full disk the store stays readable: search
# and the reader work (the index is opened read-only when the WAL cannot be
# made). Needs a small tmpfs (root); skips otherwise.
. "$top_srcdir/tests/lib.sh"
t_init

small=$T_TMP/small
mkdir -p "$small"
if ! mount -t tmpfs -o size=1024k,mode=0700 tmpfs "$small" 2>/dev/null; then
	t_skip_all "cannot mount a small tmpfs (not root?)"
fi
t_at_exit "umount '$small'"
t_plan 6

t_write_config "$HOME/conf" <<EOF2
[general]
store = $small/store
EOF2
S() {
	"$SATCHEL" -c "$HOME/conf" "$@"
}
mkdir -p "$T_TMP/md/cur" "$T_TMP/md/new" "$T_TMP/md/tmp"
for i in 1 2 3 4 5; do
	printf 'From: u@example.org\nSubject: full %d\nMessage-ID: <full%d@x>\n\nFULLBODY %d\n' \
	    $i $i $i >"$T_TMP/md/new/$i.x"
done
S import "$T_TMP/md" >/dev/null 2>&1
t_is "imported" "$(S search --count '')" 5
# Fill the disk (the index was closed cleanly: no -wal or -shm left).
dd if=/dev/zero of="$small/fill" bs=4k 2>/dev/null
t_ok "the disk is full" test "$(df -k "$small" | awk 'NR == 2 { print $4 }')" -lt 8
out=$(S search --count '' 2>"$T_TMP/err")
t_is "search works on a full disk" "$out" 5
t_like "search finds words" "$(S search FULLBODY 2>/dev/null)" 'full 3'

if command -v tmux >/dev/null 2>&1; then
	t_tmux_start ui 100 30 "$SATCHEL" -c "$HOME/conf"
	t_ok "the reader opens" t_tmux_wait ui 'INBOX \(5 messages' 20
	t_tmux_keys ui Enter
	t_ok "and shows a message" t_tmux_wait ui 'FULLBODY' 10
	t_tmux_stop ui
else
	t_skip "the reader opens" "no tmux"
	t_skip "and shows a message" "no tmux"
fi
t_done
