#!/bin/sh
# t3020-compose-text-charset: a text attachment goes out labelled with its
# charset (RFC 2046 section 4.1.2: without one the receiver must assume
# US-ASCII): utf-8 when the whole file is valid UTF-8, us-ascii when it is
# pure ASCII, and no label when it is neither (satchel cannot tell).
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd python3 python3
t_plan 7
conf=$HOME/conf
t_write_config "$conf" <<EOF
[general]
store = $T_TMP/store
[account test]
address = Test User <alice@example.test>
smtp_host = 127.0.0.1
EOF
a=$T_TMP/att
mkdir -p "$a"
printf 'Gr\303\274\303\237e aus K\303\266ln\n' >"$a/Übersicht.txt"
printf 'plain ASCII\n' >"$a/ascii.txt"
printf 'Gr\374\337e (Latin-1)\n' >"$a/latin1.txt"
# 200 KB of UTF-8 whose two-byte characters straddle every read boundary,
# and the same with one stray Latin-1 byte near the end.
"$PYTHON" - "$a" <<'PYEOF'
import sys
d = sys.argv[1]
big = ("x" + "\u00fc" * 1000 + "\n") * 100
open(d + "/big.txt", "w", encoding="utf-8").write(big)
open(d + "/bad.txt", "wb").write(big.encode("utf-8") + b"\xfc\n")
PYEOF
printf 'see attached\n' | "$SATCHEL" -c "$conf" compose --to bob@example.test \
    -s charsets -a "$a/Übersicht.txt" -a "$a/ascii.txt" -a "$a/latin1.txt" \
    -a "$a/big.txt" -a "$a/bad.txt" >/dev/null
t_is "queued" "$?" 0
f=$(find "$T_TMP/store" -path '*Outbox*' -type f | head -n 1)
# ctype NAME: the Content-Type of the part with that file name.
ctype() {
	"$PYTHON" - "$f" "$1" <<'PYEOF'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
for p in m.walk():
    if p.get_filename() == sys.argv[2]:
        print(p.get("Content-Type"))
PYEOF
}
t_like "UTF-8 text is labelled utf-8" "$(ctype 'Übersicht.txt')" '^text/plain; charset="?utf-8"?'
t_like "ASCII text is labelled us-ascii" "$(ctype ascii.txt)" '^text/plain; charset="?us-ascii"?'
t_unlike "Latin-1 text gets no false label" "$(ctype latin1.txt)" 'charset'
t_like "big UTF-8 text is labelled utf-8" "$(ctype big.txt)" 'charset="?utf-8"?'
t_unlike "a stray byte at the end is noticed" "$(ctype bad.txt)" 'charset'
t_like "the text still travels as base64" "$(cat "$f")" 'Content-Transfer-Encoding: base64'
t_done
