#!/bin/sh
# t0003-registered: every functional test script in tests/func is listed in
# TESTS (a script that is not listed never runs) and every unit test source
# in tests/unit has its program in TESTS.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
t_init
test -f "$top_builddir/Makefile" || t_skip_all "no Makefile in $top_builddir"
t_need_cmd make make

tests=$(printf 'satchel-print-tests:\n\t@echo $(TESTS)\n' |
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
    make -s -C "$top_builddir" -f Makefile -f - satchel-print-tests 2>&1 |
    tr '\n' ' ')	# a Makefile remade first prints lines of its own
t_plan 4
t_like "make prints the TESTS list" "$tests" 't0000-basic\.sh'

unlisted=
for f in "$top_srcdir"/tests/func/t[0-9]*.sh; do
	test -e "$f" || continue
	name=tests/func/$(basename "$f")
	case " $tests " in
	*" $name "*) ;;
	*) unlisted="$unlisted $name" ;;
	esac
done
t_is "every tests/func script is in TESTS" "$unlisted" ""

unlisted=
for f in "$top_srcdir"/tests/unit/test-*.c; do
	test -e "$f" || continue
	name=tests/unit/$(basename "$f" .c)
	case " $tests " in
	*" $name "*) ;;
	*) unlisted="$unlisted $name" ;;
	esac
done
if grep -q '^HAVE_CMOCKA_TRUE = #' "$top_builddir/Makefile"; then
	t_skip "every tests/unit program is in TESTS" "cmocka is not installed"
else
	t_is "every tests/unit program is in TESTS" "$unlisted" ""
fi

own=$(grep -lE '^[[:space:]]*trap[[:space:]]' "$top_srcdir"/tests/func/t[0-9]*.sh 2>/dev/null |
    sed "s|^$top_srcdir/||")
t_is "no test sets its own trap (use t_spawn, t_at_exit)" "$own" ""
t_done
