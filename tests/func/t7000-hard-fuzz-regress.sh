#!/bin/sh
# t7000: replay every input kept under tests/fuzz/regress/NAME/ through the
# harness tests/fuzz/fuzz-NAME (built with or without libFuzzer), one input
# per run so a failure names its file. These are inputs that once crashed a
# parser or broke a promise, plus a few hand-written edge cases; each must
# now run to the end with exit status 0 (sanitisers, when built in, abort
# on any memory error). The hostile messages of tests/data go through the
# message and render harnesses too, the latter at several widths.
. "$top_srcdir/tests/lib.sh"
t_init

regress=$top_srcdir/tests/fuzz/regress
n=0
for dir in "$regress"/*/; do
	name=$(basename "$dir")
	test -x "$top_builddir/tests/fuzz/fuzz-$name" || continue
	for f in "$dir"*; do
		test -f "$f" && n=$((n + 1))
	done
done
data=$top_srcdir/tests/data
mime=$top_builddir/tests/fuzz/fuzz-mime
render=$top_builddir/tests/fuzz/fuzz-render
ndata=$(ls "$data"/hostile-*.eml 2>/dev/null | wc -l)
test -x "$mime" && n=$((n + ndata))
test -x "$render" && n=$((n + ndata))
test "$n" -gt 0 || t_skip_all "no harness built for tests/fuzz/regress"
t_plan "$n"

for dir in "$regress"/*/; do
	name=$(basename "$dir")
	harness=$top_builddir/tests/fuzz/fuzz-$name
	test -x "$harness" || continue
	for f in "$dir"*; do
		test -f "$f" || continue
		# A libFuzzer build given a file runs it once and exits; the
		# replay build does the same. 60 s bounds a hang.
		t_ok "fuzz-$name replays $(basename "$f")" \
		    timeout "$(t_timeout 60)" "$harness" "$f"
	done
done

# The render harness reads an option byte first: width 9..111, flags.
opt=0
for f in "$data"/hostile-*.eml; do
	name=$(basename "$f")
	test -x "$mime" && t_ok "fuzz-mime runs $name" timeout "$(t_timeout 60)" "$mime" "$f"
	if test -x "$render"; then
		opt=$(( (opt + 9) % 64 ))
		{ printf "\\$(printf %03o $opt)"; cat "$f"; } >"$T_TMP/$name"
		t_ok "fuzz-render runs $name (options $opt)" \
		    timeout "$(t_timeout 60)" "$render" "$T_TMP/$name"
	fi
done
t_done
