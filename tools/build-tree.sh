#!/bin/sh
# build-tree.sh: bring a build directory up to date with as little work as
# possible; shared by tools/check.sh and tools/demo.sh.
#
#   sh tools/build-tree.sh BUILD_DIR JOBS [CONFIGURE ARGUMENTS...]
#
# autoreconf runs only when there is no configure script (a fresh clone)
# or no template for the build header (satchel-config.h.in), configure
# only when BUILD_DIR has no Makefile or the arguments changed.
# Everything else is make's job: the generated Makefile re-runs automake,
# autoconf and config.status itself when configure.ac, a Makefile.am or
# local.mk changed. SATCHEL_SKIP_BOOTSTRAP=1 never runs autoreconf.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=$1
jobs=$2
shift 2

cd "$top"
# A tree configured before the build header got its name
# (satchel-config.h) has no template for it: automake cannot make one.
if ! test -x configure || ! test -f satchel-config.h.in; then
	if test "${SATCHEL_SKIP_BOOTSTRAP:-0}" = 1; then
		echo "build-tree: no configure script (run autoreconf -fi)" >&2
		exit 1
	fi
	echo "build-tree: autoreconf -fi"
	autoreconf -fi
fi
mkdir -p "$build"
cd "$build"
stamp=.satchel-configure-args
args=$(printf '%s\n' "$@")
if ! test -f Makefile || ! test -f "$stamp" ||
    test "x$(cat "$stamp")" != "x$args"; then
	echo "build-tree: configure $*"
	rm -f "$stamp"
	"$top/configure" -q "$@"
	printf '%s\n' "$args" >"$stamp"
fi
make -j"$jobs"
