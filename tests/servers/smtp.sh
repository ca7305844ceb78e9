#!/bin/sh
# smtp.sh: a private SMTP submission server (aiosmtpd) on 127.0.0.1 only.
#
#   smtp.sh start DIR   start tests/servers/smtp-server.py; write DIR/env
#   smtp.sh stop DIR    stop it and wait until it is gone
#
# DIR/env holds shell assignments: SMTP_HOST, SMTP_PORT (STARTTLS + AUTH),
# SMTPS_PORT (implicit TLS + AUTH), SMTP_USER, SMTP_PASS, CA_FILE,
# OTHER_CA_FILE, SMTP_SPOOL, SMTP_CONTROL. See smtp-server.py for the spool
# and control file formats. Certificates come from $CA_DIR when set,
# otherwise from DIR/ca. When SATCHEL_TEST_OWNER holds a process id, the
# server stops by itself once that process is gone. SATCHEL_TEST_LISTEN
# replaces the listening address (0.0.0.0 in a test's own network
# namespace); the ports are still checked on 127.0.0.1.
set -eu
# Waits grow with SATCHEL_TEST_TIMEOUT (see tests/lib.sh).
scale=${SATCHEL_TEST_TIMEOUT:-1}
case $scale in ''|*[!0-9]*|0) scale=1 ;; esac

here=$(cd "$(dirname "$0")" && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
test -x "$PYTHON" || PYTHON=python3

usage() {
	echo "usage: smtp.sh start|stop DIR" >&2
	exit 64
}

# alive PID: the process exists and is not a zombie waiting for a slow init
# to reap it.
alive() {
	kill -0 "$1" 2>/dev/null || return 1
	if test -r "/proc/$1/stat"; then
		case $(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null) in
		Z*|X*) return 1 ;;
		esac
	fi
	return 0
}

stop() {
	pidfile=$dir/smtp.pid
	test -f "$pidfile" || return 0
	pid=$(cat "$pidfile" 2>/dev/null || true)
	test -n "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null || { rm -f "$pidfile"; return 0; }
	i=0
	while alive "$pid" && test $i -lt $((200 * scale)); do
		sleep 0.05
		i=$((i + 1))
	done
	if alive "$pid"; then
		kill -KILL "$pid" 2>/dev/null || true
		sleep 0.2
	fi
	rm -f "$pidfile"
}

start() {
	mkdir -p "$dir/spool"
	: >"$dir/control"
	if test -n "${CA_DIR:-}"; then
		ca=$CA_DIR
	else
		ca=$dir/ca
		test -s "$ca/server.pem" || sh "$here/ca.sh" "$ca"
	fi
	user=${SMTP_USER:-alice@example.test}
	pass=${SMTP_PASS:-smtp-Secret.42}
	attempt=0
	while :; do
		attempt=$((attempt + 1))
		rm -f "$dir/ready" "$dir/smtp.pid"
		set -- $("$PYTHON" "$here/netutil.py" ports 2)
		"$PYTHON" "$here/smtp-server.py" --dir "$dir" --port "$1" \
		    --tls-port "$2" --cert "$ca/server.pem" --key "$ca/server-key.pem" \
		    --user "$user" --password "$pass" \
		    --host "${SATCHEL_TEST_LISTEN:-127.0.0.1}" \
		    --owner-pid "${SATCHEL_TEST_OWNER:-0}" \
		    </dev/null >>"$dir/smtp.log" 2>&1 &
		pid=$!
		i=0
		while test ! -f "$dir/ready" && kill -0 "$pid" 2>/dev/null &&
		    test $i -lt $((300 * scale)); do
			sleep 0.05
			i=$((i + 1))
		done
		test -f "$dir/ready" && break
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		if test $attempt -ge 3; then
			echo "smtp.sh: the SMTP server did not start; its log:" >&2
			cat "$dir/smtp.log" >&2 || true
			exit 1
		fi
	done
	cat >"$dir/env" <<EOF
SMTP_HOST=127.0.0.1
SMTP_PORT=$1
SMTPS_PORT=$2
SMTP_USER=$user
SMTP_PASS=$pass
CA_FILE=$ca/ca.pem
OTHER_CA_FILE=$ca/other-ca.pem
SMTP_SPOOL=$dir/spool
SMTP_CONTROL=$dir/control
EOF
}

test $# -eq 2 || usage
dir=$2
case $dir in /*) ;; *) dir=$(pwd)/$dir ;; esac
case $1 in
start) start ;;
stop) stop ;;
*) usage ;;
esac
