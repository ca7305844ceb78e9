#!/bin/sh
# compare-bench.sh: two builds of satchel against each other, alternately
# on the same data in one run, to show whether a change moved any number
# beyond the machine's noise (a refactoring must not).
#
#   sh bench/compare-bench.sh BEFORE_BUILDDIR AFTER_BUILDDIR [ROUNDS] > cmp.md
#   sh bench/compare-bench.sh --summary DIR      the table of a kept run
#
# Each round runs, for the build before and then the build after:
# store-bench.sh big (index from nothing, a re-run, start-up, the first
# page and the count of 14 kinds of search), fetch-bench.sh (keep mode
# from a private Dovecot, loopback and a 50 ms relay, one large message)
# and send-bench.sh (queueing one message, flushing a queue). The report
# is one row a measure: the median over the rounds before and after, and
# their ratio. Wall times on a busy machine swing widely; the CPU columns
# of the searches and the alternation are what make a comparison fair.
#
# Environment (small defaults: a comparison, not the targets):
#   CMP_MESSAGES=20000   messages in the generated Maildir (store)
#   CMP_FETCH=3000       messages fetched over loopback (300 over the relay)
#   CMP_SEND=500         messages flushed (queueing into a store of 10x)
#   CMP_DIR=DIR          keep the reports and the generated Maildir in DIR
# Needs what the three scripts need (dovecot, mpop, smtp-sink, msmtp,
# hyperfine, python3, GNU time).
set -u
here=$(cd "$(dirname "$0")" && pwd)

summary() {
	python3 - "$1" <<'EOF'
import glob, re, statistics, sys

top = sys.argv[1]

def num(x):
    m = re.search(r'-?[\d.]+', x)
    return float(m.group()) if m else None

def cells(line):
    return [c.strip() for c in line.strip().strip('|').split('|')]

def store(f):
    d, sec = {}, None
    for l in open(f):
        if l.startswith('First page'):
            sec = 'page'
        elif l.startswith('Count'):
            sec = 'count'
        elif l.startswith('Start-up'):
            sec = 'start'
        if not l.startswith('|') or '---' in l:
            continue
        c = cells(l)
        if c[0] in ('index from nothing', 'again, nothing changed'):
            d[c[0] + ', s'] = num(c[2])
            d[c[0] + ', peak RSS MiB'] = num(c[3])
        elif sec == 'start' and re.match(r'[\d.]+ \(', c[0]):
            d['start-up, wall ms'] = num(c[0])
        elif sec in ('page', 'count') and len(c) == 5 and c[0] != 'search':
            what = 'first page' if sec == 'page' else 'count'
            d['%s %s, CPU ms' % (what, c[0])] = num(c[4])
            d['%s %s, wall ms' % (what, c[0])] = num(c[3])
    return d

def fetch(f):
    d, case = {}, None
    for l in open(f):
        if not l.startswith('|') or '---' in l:
            continue
        c = cells(l)
        if c[0]:
            case = c[0]
        if len(c) > 3 and c[1] == 'satchel':
            d['fetch ' + case + ', s'] = num(c[2])
            d['fetch ' + case + ', peak RSS MB'] = num(c[3])
    return d

def send(f):
    d = {}
    for l in open(f):
        if l.startswith('| satchel compose'):
            d['queue one message, mean ms'] = num(cells(l)[1])
        elif l.startswith('| satchel send'):
            d['flush the queue, s'] = num(cells(l)[2])
    return d

rows, order = {}, []
for kind, fn in (('store', store), ('fetch', fetch), ('send', send)):
    for side in ('before', 'after'):
        for f in sorted(glob.glob('%s/%s-%s-*.md' % (top, kind, side))):
            for k, v in fn(f).items():
                if v is None:
                    continue
                if k not in rows:
                    rows[k] = {}
                    order.append(k)
                rows[k].setdefault(side, []).append(v)
print('| measure | before | after | after / before | runs |')
print('| --- | ---: | ---: | ---: | ---: |')
for k in order:
    b, a = rows[k].get('before', []), rows[k].get('after', [])
    if not b or not a:
        continue
    mb, ma = statistics.median(b), statistics.median(a)
    ratio = '%.2f' % (ma / mb) if mb else '-'
    print('| %s | %g | %g | %s | %d / %d |' % (k, mb, ma, ratio, len(b),
        len(a)))
EOF
}

if test "${1:-}" = --summary; then
	summary "$2"
	exit
fi
if test $# -lt 2; then
	echo "usage: compare-bench.sh BEFORE_BUILDDIR AFTER_BUILDDIR [ROUNDS]" >&2
	exit 2
fi
before=$(cd "$1" && pwd) || exit 2
after=$(cd "$2" && pwd) || exit 2
rounds=${3:-2}
for b in "$before" "$after"; do
	test -x "$b/satchel" || { echo "compare-bench: no $b/satchel" >&2; exit 2; }
done
N=${CMP_MESSAGES:-20000}
NF=${CMP_FETCH:-3000}
NS=${CMP_SEND:-500}
if test -n "${CMP_DIR:-}"; then
	dir=$CMP_DIR
	mkdir -p "$dir" || exit 1
else
	dir=$(mktemp -d "${TMPDIR:-/tmp}/compare-bench.XXXXXX")
	trap 'rm -rf "$dir"' EXIT
fi

# run KIND SIDE ROUND: one benchmark for one build, its report kept.
run() {
	eval b=\$$2
	out=$dir/$1-$2-$3.md
	case $1 in
	store)
		STORE_BENCH_MAIL=$dir/mail STORE_BENCH_RUNS=5 STORE_BENCH_COLD=0 \
		    sh "$here/store-bench.sh" big "$N" "$b/satchel" >"$out" ;;
	fetch)
		SATCHEL=$b/satchel N_LOCAL=$NF N_WAN=$((NF / 10)) BIG_MB=20 \
		    SKIP_FETCHMAIL=1 sh "$here/fetch-bench.sh" "$b" >"$out" ;;
	send)
		N_STORE=$((NS * 10)) N_SEND=$NS \
		    sh "$here/send-bench.sh" "$b" >"$out" ;;
	esac 2>"$dir/$1-$2-$3.err" ||
	    echo "compare-bench: $1 with $b failed (see $dir/$1-$2-$3.err)" >&2
}

r=1
while test "$r" -le "$rounds"; do
	for kind in store fetch send; do
		run "$kind" before "$r"
		run "$kind" after "$r"
	done
	r=$((r + 1))
done
echo "## Before ($before) and after ($after), $rounds rounds"
echo
echo "$(uname -sr), $(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M UTC');"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
echo "Medians over the rounds; each round ran every benchmark with the"
echo "build before, then with the build after."
echo
summary "$dir"
