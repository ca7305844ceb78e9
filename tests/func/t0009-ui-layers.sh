#!/bin/sh
# t0009-ui-layers: the reader is one way (tools/check-ui-layers.sh, the
# order in doc/UI-LAYERS): widgets include no core or view header, the
# core includes no view header. Fake trees show that each kind of wrong
# include is caught, so the check on the real tree cannot pass by
# finding nothing.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
t_init
t_plan 8

check=$top_srcdir/tools/check-ui-layers.sh

t_ok "src/ui follows doc/UI-LAYERS" sh "$check" "$top_srcdir"

# A tree with doc/UI-LAYERS and every file it names, each including only
# the header of its own layer.
fake() {
	rm -rf "$T_TMP/fake"
	mkdir -p "$T_TMP/fake/doc" "$T_TMP/fake/src/ui"
	cp "$top_srcdir/doc/UI-LAYERS" "$T_TMP/fake/doc/UI-LAYERS"
	sed 's/#.*//' "$top_srcdir/doc/UI-LAYERS" | while read -r l files; do
		test -n "$l" || continue
		for f in $files; do
			case $l in
			widget) h=ui-widget.h ;;
			core) h=ui-core.h ;;
			*) h=ui-view.h ;;
			esac
			test "$f" = "$h" && h=ui-widget.h
			printf '#include "util/util.h"\n#include "ui/%s"\n' \
			    "$h" >"$T_TMP/fake/src/ui/$f"
		done
	done
}

# What the check says about the fake tree, and its status, on one line.
run_check() {
	{ sh "$check" "$T_TMP/fake" 2>&1; echo "rc=$?"; } | tr '\n' ' '
}

fake
t_ok "a tree that follows the order passes" sh "$check" "$T_TMP/fake"

fake
printf '#include "ui/ui-core.h"\n' >>"$T_TMP/fake/src/ui/ui-list.c"
out=$(run_check)
t_like "a widget including the core fails" "$out" \
    'src/ui/ui-list.c: includes ui/ui-core.h \(up: widget includes core\).*rc=1'

fake
printf '#include "ui/ui-view.h"\n' >>"$T_TMP/fake/src/ui/ui-term.c"
out=$(run_check)
t_like "a widget including a view header fails" "$out" \
    'src/ui/ui-term.c: includes ui/ui-view.h \(up: widget includes view\).*rc=1'

fake
printf '#include "ui/ui-view.h"\n' >>"$T_TMP/fake/src/ui/ui-jobs.c"
out=$(run_check)
t_like "the core including a view header fails" "$out" \
    'src/ui/ui-jobs.c: includes ui/ui-view.h \(up: core includes view\).*rc=1'

fake
printf '#include "ui/ui.h"\n' >>"$T_TMP/fake/src/ui/ui-index.c"
out=$(run_check)
t_like "a view including the front door fails" "$out" \
    'src/ui/ui-index.c: includes ui/ui.h \(up: view includes front\).*rc=1'

fake
printf '#include "ui/ui-widget.h"\n' >"$T_TMP/fake/src/ui/ui-new.c"
out=$(run_check)
t_like "a file doc/UI-LAYERS does not place fails" "$out" \
    'src/ui/ui-new.c: not in doc/UI-LAYERS.*rc=1'

t_like "the README's Layout section points at doc/UI-LAYERS" \
    "$(sed -n '/^Layout/,/^Benchmarks/p' "$top_srcdir/README")" \
    'doc/UI-LAYERS'
t_done
