#!/bin/sh
# check-store-floor.sh: the store's ground floor never calls up.
#
#   sh tools/check-store-floor.sh [SOURCE_DIR]
#
# The floors of src/store/, lowest first (src/store/store-private.h says
# the same):
#
#	0 store-db.c		errors, statements, the database file, migrations
#	1 store-folder.c	folders, Maildir directories, names, tmp/ sweep
#	2 store-tx.c		transactions, the batched flush at commit
#	3 store.c		the store as a whole: open, close, locks
#
# The rule: a floor file names (calls, or takes the address of) only
# functions defined in its own file or in a floor file of a lower or equal
# floor, or functions defined outside src/store/ (libc, SQLite, GLib,
# util/, mime/). A function of src/store/ that is not on a floor (delivery,
# item, reindex, query, ...) stands above floor 3. The one exception is
# written here, not in the sources: store-tx.c's commit and rollback run
# the batch's deferred work, so it may call these and nothing else above:
#
#	store_delivery_drain store_delivery_discard store_item_thread_refresh
#
# A function is defined where its name and "(" start a line in column 0
# (the sources' style). Comments, strings and character constants are not
# read. Prints one line per name that goes up, at its first use in the
# file ("FILE:LINE: calls NAME of FILE2 (floor N), above floor M", or
# "(not a floor)") and exits 1 if there is any; exits 0 and prints nothing
# otherwise.
set -eu

top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
test -d "$top/src/store" || { echo "check-store-floor: no $top/src/store" >&2
	exit 2; }
cd "$top"

floors="store-db.c:0 store-folder.c:1 store-tx.c:2 store.c:3"
allowed="store-tx.c:store_delivery_drain store-tx.c:store_delivery_discard
store-tx.c:store_item_thread_refresh"

files=$(find src/store -name '*.c' | LC_ALL=C sort)
for f in $floors; do
	test -r "src/store/${f%%:*}" || {
		echo "check-store-floor: no src/store/${f%%:*}" >&2; exit 2; }
done

# shellcheck disable=SC2086
out=$(awk -v floors="$floors" -v allowed="$allowed" '
BEGIN {
	n = split(floors, fl, " ")
	for (i = 1; i <= n; i++) {
		split(fl[i], kv, ":")
		floor["src/store/" kv[1]] = kv[2] + 0
	}
	n = split(allowed, al, /[ \n]+/)
	for (i = 1; i <= n; i++)
		if (al[i] != "")
			ok["src/store/" al[i]] = 1
}
# Pass one: where each function of src/store/ is defined.
FNR == 1 { pass = (FILENAME in seen) ? 2 : 1; seen[FILENAME] = 1
	incomment = 0 }
pass == 1 {
	if ($0 ~ /^[A-Za-z_][A-Za-z0-9_]*[ \t]*\(/ && $0 !~ /;[ \t]*$/) {
		name = $0
		sub(/[ \t]*\(.*/, "", name)
		defs[name] = defs[name] " " FILENAME
	}
	next
}
# Pass two: the names a floor file uses.
!(FILENAME in floor) { next }
{
	line = $0
	# Comments (also across lines), then strings and characters.
	out = ""
	while (line != "") {
		if (incomment) {
			if ((e = index(line, "*/")) == 0) { line = ""; break }
			line = substr(line, e + 2)
			incomment = 0
			continue
		}
		if ((b = index(line, "/*")) == 0) { out = out line; break }
		out = out substr(line, 1, b - 1) " "
		line = substr(line, b + 2)
		incomment = 1
	}
	line = out
	gsub(/\\\\/, "", line)
	gsub(/\\"/, "", line)
	gsub(/"[^"]*"/, "\"\"", line)
	gsub(/\047[^\047]*\047/, "0", line)
	if (line ~ /^[ \t]*#/)
		next
	while (match(line, /[A-Za-z_][A-Za-z0-9_]*/)) {
		name = substr(line, RSTART, RLENGTH)
		line = substr(line, RSTART + RLENGTH)
		if (!(name in defs) || (FILENAME ":" name) in done)
			continue
		done[FILENAME ":" name] = 1
		if ((FILENAME ":" name) in ok)
			continue
		m = split(defs[name], where, " ")
		good = 0
		up = ""
		for (i = 1; i <= m; i++) {
			if (where[i] == FILENAME ||
			    (where[i] in floor && floor[where[i]] <= \
			    floor[FILENAME]))
				good = 1
			else
				up = where[i]
		}
		if (good)
			continue
		sub(/^src\/store\//, "", up)
		printf "%s:%d: calls %s of %s (%s), above floor %d\n",
		    FILENAME, FNR, name, up, ("src/store/" up in floor) ? \
		    "floor " floor["src/store/" up] : "not a floor",
		    floor[FILENAME]
	}
}
' $files $files)

if test -n "$out"; then
	printf '%s\n' "$out"
	exit 1
fi
exit 0
