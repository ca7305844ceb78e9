#!/bin/sh
# t0006-layers: the includes between src/ folders follow the module order
# written in doc/LAYERS (tools/check-layers.sh): nothing includes a header
# from a higher layer or from a folder beside it, and no include cycle
# joins folders. Fake source trees show that each kind of wrong include
# is caught, so the check on the real tree cannot pass by finding nothing.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
t_init
t_need_cmd tsort coreutils
t_plan 9

check=$top_srcdir/tools/check-layers.sh

t_ok "the sources follow doc/LAYERS" sh "$check" "$top_srcdir"

# A tree with doc/LAYERS and one file per listed folder, all well behaved.
fake() {
	rm -rf "$T_TMP/fake"
	mkdir -p "$T_TMP/fake/doc"
	cp "$top_srcdir/doc/LAYERS" "$T_TMP/fake/doc/LAYERS"
	for d in util store pop3 smtp session cli ui; do
		mkdir -p "$T_TMP/fake/src/$d"
		printf '#include "satchel-config.h"\n#include "util/util.h"\n' \
		    >"$T_TMP/fake/src/$d/$d.c"
	done
	printf '#include "cli/cli.h"\n#include "ui/ui.h"\n' \
	    >"$T_TMP/fake/src/main.c"
}

# What the check says about the fake tree, and its status, on one line.
run_check() {
	{ sh "$check" "$T_TMP/fake" 2>&1; echo "rc=$?"; } | tr '\n' ' '
}

fake
t_ok "a tree that follows the order passes" sh "$check" "$T_TMP/fake"

fake
printf '#include "ui/ui.h"\n' >>"$T_TMP/fake/src/store/store.c"
out=$(run_check)
t_like "an include of a higher layer fails" "$out" \
    'src/store/store.c: includes ui/ \(up: .*rc=1'

fake
printf '#include "cli/cli.h"\n' >>"$T_TMP/fake/src/ui/ui.c"
out=$(run_check)
t_like "ui including cli (beside it) fails" "$out" \
    'src/ui/ui.c: includes cli/ \(sideways.*rc=1'

fake
printf '#include "smtp/smtp.h"\n' >>"$T_TMP/fake/src/pop3/pop3.c"
out=$(run_check)
t_like "pop3 including smtp fails" "$out" \
    'src/pop3/pop3.c: includes smtp/ \(sideways.*rc=1'

fake
printf '#include "gui/gui.h"\n' >>"$T_TMP/fake/src/cli/cli.c"
out=$(run_check)
t_like "a folder doc/LAYERS does not name fails" "$out" \
    'src/cli/cli.c: includes gui/, a folder doc/LAYERS does not name.*rc=1'

# An exception with a reason lets one include through...
fake
printf '#include "session/session.h"\n' >>"$T_TMP/fake/src/store/store.c"
printf 'except src/store/store.c session/session.h a reason\n' \
    >>"$T_TMP/fake/doc/LAYERS"
t_ok "an exception in doc/LAYERS lets its include through" \
    sh "$check" "$T_TMP/fake"

# ... but not a cycle between folders, even when every edge is excepted.
printf '#include "store/store.h"\n' >>"$T_TMP/fake/src/session/session.c"
out=$(run_check)
t_like "a cycle between folders fails, exceptions or not" "$out" \
    'include cycle between the folders: .*session.*store.*rc=1'

t_like "the README's Layout section points at doc/LAYERS" \
    "$(sed -n '/^Layout/,/^Benchmarks/p' "$top_srcdir/README")" 'doc/LAYERS'
t_done
