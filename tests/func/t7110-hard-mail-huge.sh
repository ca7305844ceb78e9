#!/bin/sh
# t7110: resource-exhaustion mail, generated at test time (never kept in the
# repository): a 1 MiB header line plus a 50 000-address To:, multipart
# nesting 500 levels deep, 20 000 sibling parts, and a 50 MiB base64
# attachment made of escape sequences. Each must import without a crash in
# bounded time and memory (peak RSS measured), be found by search, be
# stored byte for byte, and print nothing unsafe.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd "$T_PYTHON" python3
t_plan 16

fake=$top_srcdir/tests/fake
scan() { "$T_PYTHON" "$fake/hostile-scan.py" "$@"; }
maxrss() { "$T_PYTHON" "$fake/hostile-maxrss.py" "$@"; }
if grep -q __asan_init "$SATCHEL" 2>/dev/null; then
	small=1500000 big=2500000	# KiB; ASan shadow memory and quarantine
else
	small=200000 big=400000
fi
cd "$T_TMP" || exit 1

gen_ok=0
for k in longheader deep manyparts bigattach; do
	"$T_PYTHON" "$fake/hostile-mailgen.py" "$k" "$T_TMP/$k.eml" ||
	    gen_ok=1
done
test $gen_ok = 0 || { echo "Bail out! cannot generate the messages"; exit 1; }

for k in longheader deep manyparts bigattach; do
	t_ok "import $k" maxrss "$T_TMP/rss-$k" timeout "$(t_timeout 300)" \
	    "$SATCHEL" import "$T_TMP/$k.eml"
	rss=$(cat "$T_TMP/rss-$k" 2>/dev/null || echo 999999999)
	limit=$small
	test $k = bigattach && limit=$big
	t_ok "import $k: peak RSS $rss KiB <= $limit" test "$rss" -le "$limit"
done

for q in HOSTILE-LONGHEADER HOSTILE-DEEP HOSTILE-MANYPARTS \
    HOSTILE-BIGATTACH; do
	"$SATCHEL" search "$q" >"$T_TMP/q.txt" 2>&1
	t_like "search finds $q" "$(cut -c1-300 "$T_TMP/q.txt")" "$q"
done

"$SATCHEL" search '' >"$T_TMP/all.txt" 2>"$T_TMP/all.err"
t_ok "search output holds no escape, C1 or bidi" \
    scan "$T_TMP/all.txt" "$T_TMP/all.err"
"$SATCHEL" search --format=json HOSTILE-BIGATTACH >"$T_TMP/big.json" 2>&1
t_ok "json output for the big message is clean" scan "$T_TMP/big.json"
path=$("$T_PYTHON" -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["path"])' \
    "$T_TMP/big.json" 2>/dev/null)
t_ok "the 50 MiB message is stored byte for byte" \
    cmp "$T_TMP/bigattach.eml" "$path"
lines=$(wc -l <"$T_TMP/all.txt" | tr -d ' ')
t_is "one line per message, a 1 MiB subject does not break lines" \
    "$lines" 4
t_done
