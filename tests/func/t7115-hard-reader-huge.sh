#!/bin/sh
# t7115: the reader's memory does not follow hostile sizes. A message with
# 200,000 header fields and one with a 200 MB text body (generated at test
# time) are each opened in the pager: peak RSS (VmHWM) stays below 50 MiB,
# and the pager says what it left out.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd "$T_PYTHON" python3
t_need_cmd tmux tmux
t_plan 8

if grep -q __asan_init "$SATCHEL" 2>/dev/null; then
	limit=1500000	# KiB; ASan shadow memory and quarantine
else
	limit=51200	# 50 MiB
fi
cd "$T_TMP" || exit 1

"$T_PYTHON" - <<'PY' || { echo "Bail out! cannot generate the messages"; exit 1; }
with open('hdr.eml', 'wb') as f:
    f.write(b'From: a@example.org\nTo: b@example.org\nSubject: many fields\n'
            b'Message-ID: <hdr@example.org>\n'
            b'Date: Mon, 1 Jan 2024 10:00:00 +0000\n')
    for i in range(200000):
        f.write(b'X-Field-%d: value %d\n' % (i, i))
    f.write(b'\nHEADERBOMB body\n')
with open('body.eml', 'wb') as f:
    f.write(b'From: a@example.org\nTo: b@example.org\nSubject: huge body\n'
            b'Message-ID: <body@example.org>\n'
            b'Date: Mon, 1 Jan 2024 10:00:00 +0000\n'
            b'Content-Type: text/plain; charset=utf-8\n\n')
    line = b'The quick brown fox jumps over the lazy dog, line %08d.\n'
    n = 200 * 1000 * 1000 // len(line % 0)
    for i in range(0, n, 10000):
        f.write(b''.join(line % j for j in range(i, min(n, i + 10000))))
PY

# peak NAME: VmHWM (KiB) of the satchel running in tmux session NAME.
peak() {
	pid=$(t_tmux_ display-message -p -t "$1" '#{pane_pid}')
	if test "$(cat "/proc/$pid/comm" 2>/dev/null)" != satchel; then
		pid=$(cat /proc/"$pid"/task/*/children 2>/dev/null |
		    awk '{ print $1; exit }')
	fi
	awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null ||
	    echo 999999999
}

for k in hdr body; do
	mkdir -p "$T_TMP/$k"
	printf '[general]\nstore = %s/%s/store\n' "$T_TMP" "$k" >"$T_TMP/$k.conf"
	"$SATCHEL" -c "$T_TMP/$k.conf" import "$T_TMP/$k.eml" >/dev/null 2>&1
done

t_tmux_start hdr 100 30 "$SATCHEL" -c "$T_TMP/hdr.conf"
t_tmux_wait hdr 'INBOX \(1 message' 30 >/dev/null
t_tmux_keys hdr Enter
t_ok "the message with 200,000 fields opens" t_tmux_wait hdr 'HEADERBOMB' 60
t_like "the pager says fields are left out" "$(t_tmux_screen hdr)" \
    'too many fields: 199005 are left out'
rss=$(peak hdr)
t_ok "200,000 fields: peak RSS $rss KiB < $limit" test "$rss" -lt "$limit"
t_tmux_keys hdr q q
t_tmux_stop hdr

t_tmux_start body 160 30 "$SATCHEL" -c "$T_TMP/body.conf"
t_tmux_wait body 'INBOX \(1 message' 30 >/dev/null
t_tmux_keys body Enter
t_ok "the 200 MB message opens" t_tmux_wait body 'line 00000001\.' 60
t_like "the pager says it is truncated" "$(t_tmux_screen body)" \
    'Message truncated for display'
rss=$(peak body)
t_ok "200 MB body: peak RSS $rss KiB < $limit" test "$rss" -lt "$limit"
t_tmux_keys body End
t_ok "the end of the text says how much is shown" \
    t_tmux_wait body 'first 8\.[0-9][^a-z]*MB of 200\.0[^a-z]*MB' 30
t_tmux_keys body q q
t_tmux_stop body
t_ok "the stored message is untouched" \
    cmp "$T_TMP/body.eml" "$(find "$T_TMP/body/store/INBOX" -type f -path '*/new/*' -o -type f -path '*/cur/*' | head -n 1)"
t_done
