#!/bin/sh
# check-layers.sh: the includes between src/ folders follow doc/LAYERS.
#
#   sh tools/check-layers.sh [SOURCE_DIR]
#
# Reads SOURCE_DIR/doc/LAYERS (the module order, written there only) and
# every #include "FOLDER/..." in SOURCE_DIR/src. Prints one line per
# include that goes up a layer or sideways, into a folder LAYERS does not
# name, or that closes a cycle between folders, and exits 1 if there is
# any; exits 0 and prints nothing otherwise. "satchel-config.h" without a
# folder is the build's own header (configure's) and is not a module.
set -eu

top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
layers=$top/doc/LAYERS
test -r "$layers" || { echo "check-layers: cannot read $layers" >&2; exit 2; }
cd "$top"

# FILE FOLDER-INCLUDED pairs, one a line.
edges=$(find src -name '*.[ch]' | LC_ALL=C sort | while read -r f; do
	sed -n 's/^[ 	]*#[ 	]*include[ 	]*"\([^"/]*\)\/[^"]*".*/\1/p' \
	    "$f" | sed "s|^|$f |"
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
		if (v[1] == "except") {
			if (k < 4) {
				print "doc/LAYERS: an exception needs FILE " \
				    "HEADER REASON: " line
				continue
			}
			except[v[2] " " v[3]] = 1
			continue
		}
		rank++
		for (i = 1; i <= k; i++)
			layer[v[i]] = rank
	}
}
NF == 2 {
	file = $1
	to = $2
	split(file, p, "/")
	from = p[2]
	top = (p[3] == "")		# src/main.c: above every layer
	if (!(to in layer)) {
		print file ": includes " to "/, a folder doc/LAYERS does not name"
		next
	}
	if (top || from == to)
		next
	if (!(from in layer)) {
		print file ": its folder " from "/ is not in doc/LAYERS"
		next
	}
	if (layer[to] > layer[from])
		why = "up"
	else if (layer[to] == layer[from])
		why = "sideways"
	else
		next
	hit = 0
	for (e in except) {
		split(e, x, " ")
		if (x[1] == file && index(x[2], to "/") == 1)
			hit = 1
	}
	if (!hit)
		print file ": includes " to "/ (" why ": " from " is on layer " \
		    layer[from] ", " to " on layer " layer[to] ")"
}')

# Folder-to-folder edges for tsort, which reports any cycle.
loops=$(printf '%s\n' "$edges" | awk 'NF == 2 {
	split($1, p, "/")
	if (p[3] != "" && p[2] != $2)
		print p[2], $2
}' | LC_ALL=C sort -u | tsort 2>&1 >/dev/null |
    sed -n '/input contains a loop/d; s/^tsort: //p' | LC_ALL=C sort -u |
    tr '\n' ' ') || true
test -z "$loops" || loops="include cycle between the folders: $loops"

if test -n "$bad$loops"; then
	test -z "$bad" || printf '%s\n' "$bad"
	test -z "$loops" || printf '%s\n' "$loops"
	exit 1
fi
exit 0
