#!/bin/sh
# netreturn-bench.sh: how soon queued mail goes and new mail comes once the
# network returns, and what `satchel sync` costs while it waits.
#
#   sudo sh bench/netreturn-bench.sh [BUILDDIR] > doc/bench/netreturn.md
#
# Needs root (two private network namespaces joined by a veth pair, as
# tests/func/t3420-send-netns.sh; nothing changes in the host's own
# namespace), iproute2, tmux, dovecot and aiosmtpd (tests/servers).
#
# Cases:
#   return   the link goes down, 3 messages are queued and tried 3 times, a
#            message waits on the POP3 server; the link comes up: time until
#            the 3 messages reached the SMTP server, and until the new mail
#            is in the store. With only `satchel sync` running, then with
#            only the reader open (tmux). Retry timers are an hour away.
#            RUNS runs each (5).
#   idle     `satchel sync` left alone for IDLE_SECONDS (600) on an empty
#            queue: CPU time (user + system), wakeups (context switches of
#            all its threads) and memory (VmRSS, VmHWM) at the end; with
#            fetch_interval 0 and with fetch_interval 300 (an empty mailbox
#            fetched twice). Run it under nice: it only waits.
#            IDLE_SECONDS=0 skips it.
set -u

build=${1:-build}
build=$(cd "$build" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "$here/.." && pwd)
top_builddir=$build
SATCHEL=$build/satchel
RUNS=${RUNS:-5}
IDLE_SECONDS=${IDLE_SECONDS:-600}
export top_srcdir top_builddir SATCHEL
. "$top_srcdir/tests/lib.sh"
test "$(id -u)" = 0 || { echo "netreturn-bench: needs root" >&2; exit 1; }
t_init

ns=s13b-$$
NETNS="sh $T_SERVERS/netns.sh"
$NETNS create "$ns" || exit 1
t_at_exit "$NETNS delete $ns"
IN_S() { ip netns exec "$ns-s" "$@"; }
t_ca_
SATCHEL_TEST_LISTEN=0.0.0.0
export SATCHEL_TEST_LISTEN
T_SMTP_DIR=$T_TMP/smtp
IN_S sh "$T_SERVERS/smtp.sh" start "$T_SMTP_DIR" >&2 || exit 1
. "$T_SMTP_DIR/env"
T_DOVECOT_DIR=$T_TMP/dovecot
IN_S sh "$T_SERVERS/dovecot.sh" start "$T_DOVECOT_DIR" >&2 || exit 1
. "$T_DOVECOT_DIR/env"
fp=$("$PYTHON" -c 'import hashlib, ssl, sys; print(hashlib.sha256(ssl.PEM_cert_to_DER_cert(open(sys.argv[1]).read())).hexdigest())' "$CA_DIR/server.pem")

# conf FILE STORE FETCH_INTERVAL
conf() {
	t_write_config "$1" <<EOF
[general]
store = $2
send_interval = 3600
fetch_interval = $3
[account bench]
address = Bench <alice@example.test>
pop3_host = 10.213.0.1
pop3_port = $POP3S_PORT
pop3_user = $POP3_USER
pop3_password_command = echo $POP3_PASS
pop3_fingerprint = $fp
smtp_host = 10.213.0.1
smtp_port = $SMTP_PORT
smtp_user = $SMTP_USER
smtp_password_command = echo $SMTP_PASS
smtp_fingerprint = $fp
timeout = 5
EOF
}
now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
inbox() { find "$1/INBOX/new" "$1/INBOX/cur" -type f 2>/dev/null | wc -l; }

# one_run MODE N: prints "send_ms fetch_ms"
one_run() {
	store=$T_TMP/store-$1-$2
	cf=$T_TMP/conf-$1-$2
	conf "$cf" "$store" 3600
	$NETNS link "$ns" down
	for i in 1 2 3; do
		printf 'body\n' | ip netns exec "$ns-c" "$SATCHEL" -c "$cf" compose --to "b$i@example.test" --subject "r$2 m$i" >/dev/null
	done
	for i in 1 2 3; do ip netns exec "$ns-c" "$SATCHEL" -c "$cf" send >/dev/null 2>&1; done
	printf 'From: s@example.test\nTo: alice@example.test\nSubject: w %s %s\nMessage-ID: <w%s.%s@example.test>\n\nHi.\n' "$1" "$2" "$1" "$2" >"$T_TMP/seed"
	t_dovecot_seed "$T_TMP/seed"
	before=$(t_smtp_count)
	have=$(inbox "$store")
	if test "$1" = sync; then
		ip netns exec "$ns-c" "$SATCHEL" -c "$cf" sync >/dev/null 2>&1 &
		pid=$!
	else
		t_tmux_start "r$2" 200 24 ip netns exec "$ns-c" "$SATCHEL" -c "$cf"
	fi
	sleep 3
	t0=$(now)
	$NETNS link "$ns" up
	ts= tf=
	while test -z "$ts" || test -z "$tf"; do
		t=$(now)
		test -z "$ts" && test "$(t_smtp_count)" -ge $((before + 3)) && ts=$t
		test -z "$tf" && test "$(inbox "$store")" -gt "$have" && tf=$t
		test $(( (t - t0) / 1000000000 )) -ge 30 && break
		sleep 0.01
	done
	echo "$(ms "$t0" "${ts:-$t}") $(ms "$t0" "${tf:-$t}")"
	if test "$1" = sync; then
		kill -TERM "$pid"
		wait "$pid"
	else
		t_tmux_keys "r$2" q
		sleep 0.5
		t_tmux_stop "r$2"
	fi
}

# stats: "median max" of the numbers on stdin
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "%d | %d", v[int((NR + 1) / 2)], v[NR] }'; }

echo "# When the network returns"
echo
echo "satchel $("$SATCHEL" --version | cut -d' ' -f2), $(date -u +%Y-%m-%d), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)."
echo "Private network namespaces joined by a veth pair; aiosmtpd (STARTTLS +"
echo "AUTH) and dovecot POP3S on the other side. $RUNS runs each; times in ms"
echo "from \`ip link set up\` to the event (polled every 10 ms)."
echo
echo "| running | 3 queued messages at the SMTP server: median | max | new mail in the store: median | max |"
echo "| --- | --- | --- | --- | --- |"
for mode in sync reader; do
	: >"$T_TMP/r-$mode"
	for n in $(seq "$RUNS"); do
		one_run "$mode" "$n" >>"$T_TMP/r-$mode"
	done
	echo "| $mode | $(cut -d' ' -f1 "$T_TMP/r-$mode" | stats) | $(cut -d' ' -f2 "$T_TMP/r-$mode" | stats) |"
done
echo

# --- idle --------------------------------------------------------------------
test "$IDLE_SECONDS" -gt 0 || exit 0
tck=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
switches() { cat /proc/"$1"/task/*/status | awk '/^(voluntary|nonvoluntary)_ctxt_switches/ { n += $2 } END { print n }'; }
vm() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
for fi in 0 300; do
	conf "$T_TMP/conf-idle-$fi" "$T_TMP/store-idle-$fi" "$fi"
	ip netns exec "$ns-c" "$SATCHEL" -c "$T_TMP/conf-idle-$fi" sync >/dev/null 2>&1 &
	eval "pid_$fi=\$!"
done
sleep 5
for fi in 0 300; do
	eval "p=\$pid_$fi"
	eval "c0_$fi=$(cpu "$p") s0_$fi=$(switches "$p")"
done
sleep "$IDLE_SECONDS"
echo "## satchel sync while it waits ($IDLE_SECONDS s, empty queue)"
echo
echo "| fetch_interval | CPU time (user + system) | share of one CPU | wakeups (context switches) | VmRSS | VmHWM |"
echo "| --- | --- | --- | --- | --- | --- |"
for fi in 0 300; do
	eval "p=\$pid_$fi c0=\$c0_$fi s0=\$s0_$fi"
	c=$(( $(cpu "$p") - c0 ))
	s=$(( $(switches "$p") - s0 ))
	printf '| %s | %d.%02d s | %s %% | %d | %d KiB | %d KiB |\n' "$fi" $((c / tck)) $((c % tck * 100 / tck)) \
	    "$(awk -v c="$c" -v t="$tck" -v s="$IDLE_SECONDS" 'BEGIN { printf "%.4f", 100 * c / t / s }')" \
	    "$s" "$(vm "$p" VmRSS)" "$(vm "$p" VmHWM)"
	kill -TERM "$p"
	wait "$p"
done
