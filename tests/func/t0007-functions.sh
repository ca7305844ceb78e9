#!/bin/sh
# t0007-functions: no function in src/ is over 120 lines unless a
# "long:" comment above it says why (tools/check-functions.sh). Fake
# sources show that each case is caught, so the check on the real tree
# cannot pass by finding no function at all.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
t_init
t_plan 7

check=$top_srcdir/tools/check-functions.sh

t_ok "no function in src/ is over 120 lines without a reason" \
    sh "$check" "$top_srcdir"

# fake_fn FILE NAME LINES [COMMENT]: a function of the sources' style with
# LINES lines from its "{" to its "}", the comment line above it if given.
fake_fn() {
	mkdir -p "$(dirname "$1")"
	{
		test -n "${4:-}" && printf '%s\n' "$4"
		printf 'static int\n%s(struct x *x,\n    int y)\n{\n' "$2"
		i=1
		while test $i -lt "$3"; do
			printf '\ty += %d;\n' $i
			i=$((i + 1))
		done
		printf '}\n\n'
	} >>"$1"
}

run_check() {
	{ sh "$check" "$T_TMP/fake" 2>&1; echo "rc=$?"; } | tr '\n' ' '
}

rm -rf "$T_TMP/fake"
fake_fn "$T_TMP/fake/src/a/a.c" short_one 120
fake_fn "$T_TMP/fake/src/a/a.c" other_one 40
t_ok "functions of 120 lines pass" sh "$check" "$T_TMP/fake"

fake_fn "$T_TMP/fake/src/b/b.c" long_one 121
out=$(run_check)
t_like "a function of 121 lines fails, named with its file and line" \
    "$out" 'src/b/b.c:2: long_one is 121 lines \(limit 120\) rc=1'

rm -rf "$T_TMP/fake"
fake_fn "$T_TMP/fake/src/b/b.c" long_one 300 \
    '/* long: one table of cases, a line each */'
t_ok "a long function with a reason passes" sh "$check" "$T_TMP/fake"

rm -rf "$T_TMP/fake"
fake_fn "$T_TMP/fake/src/b/b.c" short_one 30 '/* long: it was, once */'
out=$(run_check)
t_like "a reason on a short function is reported" "$out" \
    'short_one has a long: reason but is 30 lines rc=1'

rm -rf "$T_TMP/fake"
fake_fn "$T_TMP/fake/src/b/b.c" first 10 '/* long: the reason */'
fake_fn "$T_TMP/fake/src/b/b.c" second 200
out=$(run_check)
t_like "a reason belongs to the function under it only" "$out" \
    'first has a long: reason.*second is 200 lines.*rc=1'

rm -rf "$T_TMP/fake"
fake_fn "$T_TMP/fake/src/b/b.c" small 10
t_like "a lower limit is honoured" \
    "$(sh "$check" "$T_TMP/fake" 5 2>&1)" 'small is 10 lines \(limit 5\)'
t_done
