#!/bin/sh
# valgrind-check.sh: run satchel's main paths under valgrind and report
# memory errors and leaks: import, search, reindex, fetch (plain and STLS),
# compose, send (STARTTLS), and the reader (open the index, read a message,
# page, attachments, quit) inside tmux.
#
# Usage: tools/valgrind-check.sh [BUILDDIR]
#   BUILDDIR holds a satchel built WITHOUT sanitizers (default: build-hard,
#   else build, under the source directory).
# Environment: VALGRIND_LOGS=DIR keeps the valgrind logs there (default: a
# temporary directory, printed and kept when something was found).
#
# A path passes when valgrind reports no error (invalid read or write, use
# of uninitialised memory, bad free) and no definitely or indirectly lost
# block. Still-reachable memory of GLib, GMime, GnuTLS and libetpan (type
# system, caches, one-time initialisation) is not a leak; the suppressions
# for what those libraries keep on purpose are in tests/valgrind.supp.
# Exit status: 0 clean, 1 findings, 2 could not run.
set -u

srcdir=$(cd "$(dirname "$0")/.." && pwd)
if test $# -gt 0; then
	builddir=$1
elif test -x "$srcdir/build-hard/satchel"; then
	builddir=$srcdir/build-hard
else
	builddir=$srcdir/build
fi
SATCHEL=$(cd "$builddir" 2>/dev/null && pwd)/satchel
PY=/usr/bin/python3
test -x "$PY" || PY=python3
for c in valgrind tmux "$PY"; do
	command -v "$c" >/dev/null 2>&1 || {
		echo "valgrind-check: $c is needed" >&2
		exit 2
	}
done
test -x "$SATCHEL" || { echo "valgrind-check: no $SATCHEL" >&2; exit 2; }
if grep -q __asan_init "$SATCHEL" 2>/dev/null; then
	echo "valgrind-check: $SATCHEL is built with sanitizers; use a normal build" >&2
	exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/satchel-valgrind.XXXXXX") || exit 2
logs=${VALGRIND_LOGS:-$work/logs}
mkdir -p "$logs" || exit 2
pids=
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	tmux -S "$work/tmux.sock" kill-server >/dev/null 2>&1
	if test "${keep:-0}" = 1 && test -z "${VALGRIND_LOGS:-}"; then
		rm -rf "$work/home" "$work/ca" "$work/srv-"*
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

HOME=$work/home
XDG_CONFIG_HOME=$HOME/.config
XDG_DATA_HOME=$HOME/.local/share
XDG_CACHE_HOME=$HOME/.cache
TMPDIR=$work/tmp
LC_ALL=C.UTF-8
export HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME TMPDIR LC_ALL
unset VISUAL EDITOR SATCHEL_DEBUG XDG_CONFIG_DIRS XDG_DATA_DIRS
mkdir -p "$XDG_CONFIG_HOME/satchel" "$TMPDIR"
# GLib's slice allocator and GnuTLS's hardware paths confuse valgrind.
G_SLICE=always-malloc
G_DEBUG=gc-friendly
export G_SLICE G_DEBUG

# satchel is a front that answers a search itself and runs the full program
# (build/src/satchel) for everything else: follow it there.
VG="valgrind --trace-children=yes --error-exitcode=99 --leak-check=full \
 --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
 --num-callers=30 --suppressions=$srcdir/tests/valgrind.supp"

failed=
# vg NAME CMD...: run CMD under valgrind, log to $logs/NAME.log.
vg() {
	name=$1
	shift
	$VG --log-file="$logs/$name.log" "$@" >"$logs/$name.out" 2>&1
	rc=$?
	verdict "$name" "$rc"
}

verdict() {
	errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' \
	    "$logs/$1.log" | tail -n 1)
	lost=$(grep -E '(definitely|indirectly) lost: [1-9]' "$logs/$1.log" |
	    head -n 2 | sed 's/^==[0-9]*== *//' | tr '\n' ';')
	if test "${errs:-x}" = 0 && test -z "$lost"; then
		printf 'valgrind-check: %-14s clean (exit %s)\n' "$1" "$2"
	else
		printf 'valgrind-check: %-14s %s errors %s (exit %s; log %s)\n' \
		    "$1" "${errs:-?}" "$lost" "$2" "$logs/$1.log"
		failed="$failed $1"
	fi
}

# server KIND SCENARIO: start tests/fake/hostile-KIND.py; sets PORT.
server() {
	d=$work/srv-$2
	mkdir -p "$d"
	"$PY" "$srcdir/tests/fake/hostile-$1.py" "$2" "$d" \
	    "$work/ca/server.pem" "$work/ca/server-key.pem" \
	    </dev/null >"$d/log.txt" 2>&1 &
	pids="$pids $!"
	i=0
	while ! test -s "$d/port" && test $i -lt 200; do
		sleep 0.05
		i=$((i + 1))
	done
	PORT=$(cat "$d/port")
}

sh "$srcdir/tests/servers/ca.sh" "$work/ca" >/dev/null 2>&1 || {
	echo "valgrind-check: cannot make test certificates" >&2
	exit 2
}
server pop3 short-count
pop3_plain=$PORT
server pop3 stls-ok
pop3_stls=$PORT
server smtp starttls-ok
smtp_port=$PORT
conf=$XDG_CONFIG_HOME/satchel/config
(umask 077 && cat >"$conf") <<EOC
[account plain]
address = Val Grind <val@example.test>
pop3_host = 127.0.0.1
pop3_port = $pop3_plain
pop3_tls = none
pop3_user = val
password = secret
allow_plaintext = true
timeout = 20
smtp_host = 127.0.0.1
smtp_port = $smtp_port
smtp_tls = starttls
smtp_user = val
ca_file = $work/ca/ca.pem

[account tls]
address = Val Grind <val@example.test>
pop3_host = 127.0.0.1
pop3_port = $pop3_stls
pop3_tls = starttls
pop3_user = val
password = secret
timeout = 20
ca_file = $work/ca/ca.pem
EOC

# A small Maildir plus the hostile messages.
md=$work/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
i=1
while test $i -le 5; do
	printf 'From: Ann <ann@example.org>\nTo: val@example.test\nSubject: hello %d\nDate: Mon, 0%d Jan 2024 10:00:00 +0000\nMessage-ID: <v%d@example.org>\n\nBody %d, see https://example.org/%d\n> quoted\n' \
	    $i $i $i $i $i >"$md/new/$i.eml"
	i=$((i + 1))
done
cp "$srcdir"/tests/data/hostile-*.eml "$md/new/" 2>/dev/null

echo "valgrind-check: $SATCHEL, logs in $logs"
vg import "$SATCHEL" import "$md"
vg search "$SATCHEL" search 'hello OR HOSTILE'
vg search-json "$SATCHEL" search --format=json ''
vg reindex "$SATCHEL" reindex
vg fetch "$SATCHEL" fetch plain
vg fetch-stls "$SATCHEL" fetch tls
printf 'Hello from valgrind.\n' >"$work/body"
vg compose "$SATCHEL" compose --to bob@example.test --subject valgrind \
    <"$work/body"
vg send "$SATCHEL" send

# The reader: index, open a message, page, attachments, back, quit.
sock=$work/tmux.sock
tmux -S "$sock" -f /dev/null new-session -d -s ui -x 100 -y 30 \
    "$VG --log-file=$logs/ui.log $SATCHEL; echo \$? >$work/ui.rc" ||
    { echo "valgrind-check: tmux failed" >&2; exit 2; }
screen_has() {
	i=0
	while test $i -lt 300; do
		tmux -S "$sock" capture-pane -p -t ui 2>/dev/null |
		    grep -Eq -- "$1" && return 0
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}
keys() { tmux -S "$sock" send-keys -t ui "$@"; }
ui_ok=1
screen_has 'hello|HOSTILE' || ui_ok=0
keys Enter
screen_has '^(From|Subject|Date):' || ui_ok=0
keys Space End Home h v
sleep 2
keys q j
sleep 2
keys q
sleep 2
keys q
i=0
while ! test -s "$work/ui.rc" && test $i -lt 300; do
	sleep 0.2
	i=$((i + 1))
done
test $ui_ok = 1 || echo "valgrind-check: the reader did not show what was expected"
verdict ui "$(cat "$work/ui.rc" 2>/dev/null || echo '?')"

if test -n "$failed"; then
	keep=1
	echo "valgrind-check: findings in:$failed"
	exit 1
fi
echo "valgrind-check: all paths clean"
exit 0
