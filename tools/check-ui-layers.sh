#!/bin/sh
# check-ui-layers.sh: the includes inside src/ui follow doc/UI-LAYERS.
#
#   sh tools/check-ui-layers.sh [SOURCE_DIR]
#
# Reads SOURCE_DIR/doc/UI-LAYERS (the reader's layers, lowest first, each
# with its files: widgets, core, views, the front door) and every
# #include "ui/..." in SOURCE_DIR/src/ui. Prints one line per include of a
# header from a higher layer (a widget including the core or a view, the
# core including a view), per file the list does not name and per named
# file that is not there, and exits 1 if there is any; exits 0 and prints
# nothing otherwise.
set -eu

top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
layers=$top/doc/UI-LAYERS
test -r "$layers" || { echo "check-ui-layers: cannot read $layers" >&2
	exit 2; }
test -d "$top/src/ui" || { echo "check-ui-layers: no $top/src/ui" >&2
	exit 2; }
cd "$top/src/ui"

# FILE INCLUDED pairs, one a line ("FILE -" for a file with none).
edges=$(for f in $(ls | LC_ALL=C sort); do
	case $f in *.c|*.h) ;; *) continue ;; esac
	echo "$f -"
	sed -n 's/^[ 	]*#[ 	]*include[ 	]*"ui\/\([^"]*\)".*/\1/p' "$f" |
	    sed "s|^|$f |"
done)

bad=$(printf '%s\n' "$edges" | awk -v layers="$layers" '
BEGIN {
	rank = 0
	while ((getline line < layers) > 0) {
		sub(/#.*/, "", line)
		n = split(line, w, /[ \t]+/)
		k = 0
		for (i = 1; i <= n; i++)
			if (w[i] != "")
				v[++k] = w[i]
		if (k == 0)
			continue
		rank++
		name[rank] = v[1]
		for (i = 2; i <= k; i++) {
			layer[v[i]] = rank
			listed[v[i]] = 1
		}
	}
}
NF == 2 {
	file = $1
	to = $2
	seen[file] = 1
	if (!(file in layer)) {
		if (!(file in told))
			print "src/ui/" file ": not in doc/UI-LAYERS"
		told[file] = 1
		next
	}
	if (to == "-")
		next
	if (!(to in layer)) {
		print "src/ui/" file ": includes ui/" to \
		    ", which doc/UI-LAYERS does not name"
		next
	}
	if (layer[to] > layer[file])
		print "src/ui/" file ": includes ui/" to " (up: " \
		    name[layer[file]] " includes " name[layer[to]] ")"
}
END {
	for (f in listed)
		if (!(f in seen))
			print "doc/UI-LAYERS: " f " is not in src/ui"
}' | LC_ALL=C sort)

if test -n "$bad"; then
	printf '%s\n' "$bad"
	exit 1
fi
exit 0
