#!/bin/sh
# check-functions.sh: no function in src/ is longer than the limit unless
# it says why.
#
#   sh tools/check-functions.sh [SOURCE_DIR [LIMIT]]
#
# A function is what the sources' style makes it: the line holding its
# name and "(" starts in column 0, its body opens with "{" in column 0 and
# closes with "}" in column 0. Its length is the number of lines from the
# "{" to the "}" (LIMIT, default 120). A function that must stay longer
# carries a comment line holding "long:" and the reason, at most three
# lines above its name (above the return type, as the style puts it):
#
#	/* long: one switch over every key of the index, a case a line */
#	static int
#	ui_index_key(struct ui *ui, int key)
#	{
#
# Prints one line per function over the limit without a reason
# ("FILE:LINE: NAME is N lines (limit LIMIT)") and exits 1 if there is
# any; exits 0 and prints nothing otherwise. A reason on a function that
# is not over the limit is reported too: the comment would lie.
set -eu

top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
limit=${2:-120}
test -d "$top/src" || { echo "check-functions: no $top/src" >&2; exit 2; }
cd "$top"

files=$(find src -name '*.c' | LC_ALL=C sort)
test -n "$files" || { echo "check-functions: no C files in $top/src" >&2
	exit 2; }

# shellcheck disable=SC2086
out=$(awk -v limit="$limit" '
FNR == 1 { name = ""; start = 0; why = -10 }
/long:/ { why = FNR }
/^[A-Za-z_][A-Za-z0-9_]*[ \t]*\(/ && !/;[ \t]*$/ {
	name = $0
	sub(/[ \t]*\(.*/, "", name)
	nameline = FNR
	reason = (FNR - why <= 3)
}
/^\{/ && name != "" { start = FNR; fn = name; at = nameline; ok = reason }
/^\}/ && start {
	len = FNR - start
	if (len > limit && !ok)
		printf "%s:%d: %s is %d lines (limit %d)\n",
		    FILENAME, at, fn, len, limit
	else if (len <= limit && ok)
		printf "%s:%d: %s has a long: reason but is %d lines\n",
		    FILENAME, at, fn, len
	start = 0
	name = ""
}
' $files)

if test -n "$out"; then
	printf '%s\n' "$out"
	exit 1
fi
exit 0
