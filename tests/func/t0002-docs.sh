#!/bin/sh
# t0002-docs: the manual pages stay true to the code. Every key of the
# option table is in satchel.conf(5); every subcommand and every long option
# declared in the sources is in satchel(1), every reader operation in one
# of the two; both pages format cleanly.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
t_init
man1=$top_srcdir/doc/satchel.1
man5=$top_srcdir/doc/satchel.conf.5
table=$top_srcdir/src/config/config-table.c
cli=$top_srcdir/src/cli/cli-table.c
for f in "$man1" "$man5" "$table" "$cli"; do
	test -r "$f" || t_skip_all "missing $f"
done

# The page's text with font escapes removed and \- turned into -.
page_text() {
	sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\(em/--/g' "$1"
}
page_text "$man1" >"$T_TMP/man1.txt"
page_text "$man5" >"$T_TMP/man5.txt"

# Names in the config table: lines like  { "account", "pop3_host", ...
sed -n 's/^[[:space:]]*{ "\(general\|account\|keys\)", "\([a-z0-9_]*\)".*/\2/p' \
    "$table" | sort -u >"$T_TMP/keys"
# Subcommands: rows of cli_commands[] like  { "fetch", cli_fetch, ...
sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", cli_[a-z_]*,.*/\1/p' "$cli" |
    sort -u >"$T_TMP/commands"
# Long options: GOptionEntry rows like  { "config", 'c', 0, G_OPTION_ARG_...
cat "$top_srcdir"/src/main.c "$top_srcdir"/src/cli/cli-*.c 2>/dev/null |
    sed -n 's/^[[:space:]]*{ "\([a-z0-9-]*\)",.*G_OPTION_ARG_.*/\1/p' |
    sort -u >"$T_TMP/options"

# Reader operations: rows of the operation table like  { "quit", UI_OP_QUIT,
ops=$top_srcdir/src/ui/ui-ops.c
if test -r "$ops"; then
	sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", UI_OP_.*/\1/p' "$ops" |
	    sort -u >"$T_TMP/ops"
else
	: >"$T_TMP/ops"
fi
cat "$T_TMP/man1.txt" "$T_TMP/man5.txt" >"$T_TMP/both.txt"

missing() {
	# missing LIST PAGE: print the entries of LIST not found as words.
	while read -r w; do
		grep -Eq -- "(^|[^a-z0-9_-])$w([^a-z0-9_-]|\$)" "$2" || echo "$w"
	done <"$1"
}

t_plan 8
t_ok "the config table has keys" test -s "$T_TMP/keys"
t_is "every config key is in satchel.conf.5" \
    "$(missing "$T_TMP/keys" "$T_TMP/man5.txt" | tr '\n' ' ')" ""
t_ok "the command table has commands" test -s "$T_TMP/commands"
t_is "every subcommand is in satchel.1" \
    "$(missing "$T_TMP/commands" "$T_TMP/man1.txt" | tr '\n' ' ')" ""
sed 's/^/--/' "$T_TMP/options" >"$T_TMP/long-options"
t_is "every long option is in satchel.1" \
    "$(missing "$T_TMP/long-options" "$T_TMP/man1.txt" | tr '\n' ' ')" ""
t_is "every reader operation is in the manual pages" \
    "$(missing "$T_TMP/ops" "$T_TMP/both.txt" | tr '\n' ' ')" ""

if command -v groff >/dev/null 2>&1; then
	for m in "$man1" "$man5"; do
		w=$(groff -man -ww -z -Tutf8 "$m" 2>&1)
		t_is "$(basename "$m") formats without warnings" "$w" ""
	done
else
	t_skip "satchel.1 formats without warnings" "groff is not installed"
	t_skip "satchel.conf.5 formats without warnings" "groff is not installed"
fi
t_done
