#!/bin/sh
# send-bench.sh: satchel's outbox against msmtp, side by side in one run,
# on the same private smtp-sink (postfix) on 127.0.0.1.
#
#   sh bench/send-bench.sh [BUILDDIR] > doc/bench/send.md
#
# Cases:
#   queue   one 'satchel compose' (process start included) into a store that
#           already holds N_STORE messages (hyperfine, 30 runs)
#   flush   'satchel send' of N_SEND queued messages (one connection, RSET
#           between messages) against msmtp sending the same N_SEND
#           messages one process and one connection each, as a mail(1)
#           script or cron job would
# Sizes: N_STORE (10000), N_SEND (1000), MSG_KB (4).
set -eu

build=${1:-build}
build=$(cd "$build" && pwd)
SATCHEL=$build/satchel
N_STORE=${N_STORE:-10000}
N_SEND=${N_SEND:-1000}
MSG_KB=${MSG_KB:-4}
here=$(cd "$(dirname "$0")" && pwd)
PYTHON=/usr/bin/python3
test -x "$PYTHON" || PYTHON=python3
PATH=$PATH:/usr/sbin:/sbin

for t in smtp-sink msmtp hyperfine; do
	command -v $t >/dev/null 2>&1 || {
		echo "send-bench: $t not found (Debian: postfix, msmtp, hyperfine)" >&2
		exit 1
	}
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/satchel-send-bench.XXXXXX")
sink_pid=
cleanup() {
	test -n "$sink_pid" && kill "$sink_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config \
    XDG_DATA_HOME=$tmp/home/.local/share
mkdir -p "$HOME"

port=$("$PYTHON" "$here/../tests/servers/netutil.py" ports 1)
smtp-sink -u nobody 127.0.0.1:"$port" 100 >/dev/null 2>&1 &
sink_pid=$!
sleep 0.5

cat >"$tmp/conf" <<EOF
[general]
store = $tmp/store
[account bench]
address = Bench <bench@example.test>
smtp_host = 127.0.0.1
smtp_port = $port
smtp_tls = none
timeout = 30
EOF
chmod 600 "$tmp/conf"
cat >"$tmp/msmtprc" <<EOF
account bench
host 127.0.0.1
port $port
tls off
auth off
from bench@example.test
account default : bench
EOF
chmod 600 "$tmp/msmtprc"

# A body of MSG_KB kilobytes of text.
"$PYTHON" - "$tmp/body" "$MSG_KB" <<'EOF'
import sys
line = "The quick brown fox jumps over the lazy dog, again and again.\n"
with open(sys.argv[1], "w") as f:
    f.write(line * (int(sys.argv[2]) * 1024 // len(line) + 1))
EOF

# --- the store: N_STORE messages to start with ------------------------------
mkdir -p "$tmp/seed/cur" "$tmp/seed/new" "$tmp/seed/tmp"
"$PYTHON" - "$tmp/seed/new" "$N_STORE" <<'EOF'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    with open(os.path.join(d, "%d.seed" % i), "w") as f:
        f.write("From: sender%d@example.test\nTo: bench@example.test\n"
                "Subject: seed message %d\nMessage-ID: <seed%d@example.test>\n"
                "Date: Mon, 03 Jun 2024 10:00:00 +0000\n\nseed body %d\n"
                % (i % 97, i, i, i))
EOF
"$SATCHEL" -c "$tmp/conf" import "$tmp/seed" >/dev/null

echo "# Sending benchmark"
echo
echo "$(date -u +%Y-%m-%d), $(uname -srm), $(nproc) CPUs; satchel $("$SATCHEL" --version | cut -d' ' -f2),"
echo "$(msmtp --version | head -n 1), smtp-sink from postfix $(dpkg-query -W -f '${Version}' postfix 2>/dev/null || echo '?')."
echo "Messages of $MSG_KB KB, loopback, no TLS (the protocol cost, not the cipher's)."
echo

# --- queue latency -------------------------------------------------------------
hyperfine -N --warmup 3 --runs 30 --export-json "$tmp/queue.json" \
    "sh -c '\"$SATCHEL\" -c \"$tmp/conf\" compose --to rcpt@example.test --subject queued <\"$tmp/body\"'" \
    >/dev/null 2>&1
q=$("$PYTHON" -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f %.1f" % (r["mean"]*1000, r["max"]*1000))' "$tmp/queue.json")
"$SATCHEL" -c "$tmp/conf" send >/dev/null 2>&1 || true

echo "## Queueing one message (store of $N_STORE messages)"
echo
echo "| command | mean | worst of 30 |"
echo "| --- | --- | --- |"
echo "| satchel compose (whole process, durable: file + row fsynced) | ${q% *} ms | ${q#* } ms |"
echo

# --- flush ----------------------------------------------------------------------
i=0
while test $i -lt "$N_SEND"; do
	"$SATCHEL" -c "$tmp/conf" compose --to "rcpt$i@example.test" \
	    --subject "bench $i" <"$tmp/body" >/dev/null
	i=$((i + 1))
done
# The same messages as files for msmtp.
mkdir -p "$tmp/msgs"
for f in "$tmp"/store/Outbox/new/* "$tmp"/store/Outbox/cur/*; do
	test -f "$f" && cp "$f" "$tmp/msgs/"
done
n_files=$(ls "$tmp/msgs" | wc -l)

t0=$(date +%s.%N)
"$SATCHEL" -c "$tmp/conf" send >"$tmp/send.out" 2>&1 || true
t1=$(date +%s.%N)
sent=$(sed -n 's/^sent \([0-9]*\),.*/\1/p' "$tmp/send.out")

t2=$(date +%s.%N)
for f in "$tmp"/msgs/*; do
	msmtp -C "$tmp/msmtprc" -t <"$f" >/dev/null 2>&1 || true
done
t3=$(date +%s.%N)

"$PYTHON" - "$t0" "$t1" "$t2" "$t3" "$N_SEND" "$sent" "$n_files" <<'EOF'
import sys
t0, t1, t2, t3 = map(float, sys.argv[1:5])
n, sent, files = int(sys.argv[5]), sys.argv[6] or "0", int(sys.argv[7])
s, m = t1 - t0, t3 - t2
print("## Flushing %d queued messages" % n)
print()
print("| sender | messages | total | per message |")
print("| --- | --- | --- | --- |")
print("| satchel send (one connection, RSET between) | %s | %.2f s | %.2f ms |" % (sent, s, s * 1000 / max(int(sent), 1)))
print("| msmtp, one process per message | %d | %.2f s | %.2f ms |" % (files, m, m * 1000 / max(files, 1)))
print()
print("satchel is %.1fx faster." % (m / s if s > 0 else 0))
EOF
