# tests/lib.sh: TAP helpers and real-server harness for the functional tests.
#
# POSIX sh (runs under dash and bash). A test script looks like:
#
#	. "$top_srcdir/tests/lib.sh"
#	t_init
#	t_need_cmd dovecot dovecot-pop3d	# before t_plan: skips cleanly
#	t_plan 3
#	t_dovecot_start
#	t_ok "fetch works" "$SATCHEL" -c "$HOME/conf" fetch
#	t_is "one message" "$(t_dovecot_count)" 0
#	t_like "version" "$("$SATCHEL" --version)" '^satchel [0-9]'
#	t_done
#
# make check exports SATCHEL, top_srcdir, top_builddir, SATCHEL_CORPUS and
# LC_ALL. Run one test by hand from the build directory with
#	top_srcdir=.. sh ../tests/func/t0000-basic.sh
# Set SATCHEL_TEST_KEEP=1 to keep the test's private directory, and
# SATCHEL_TEST_REQUIRE=1 (CI does) to turn a missing server into a failure
# instead of a skip.
#
# Results:   t_ok DESC CMD...      pass if CMD exits 0
#            t_fails DESC CMD...   pass if CMD exits non-zero
#            t_is DESC ACTUAL EXPECTED
#            t_like DESC ACTUAL ERE, t_unlike DESC ACTUAL ERE
#            t_skip DESC REASON
# Plan:      t_plan N, t_skip_all REASON, t_done (plans at the end if no plan)
# Needs:     t_need_cmd CMD PACKAGE, t_need_corpus
# Waits:     t_timeout SECONDS (scaled), t_wait_file FILE [SECONDS],
#            t_wait_until SECONDS CMD...
# Processes: t_spawn NAME CMD... (a background server, stopped at the end),
#            t_stop PID, t_alive PID
# Cleanup:   t_at_exit CMD (never trap anything yourself: t0003 checks)
# Files:     t_write_config FILE <<EOF (mode 0600),
#            t_satchel_config FILE [KEY=VALUE...] (an account for the servers)
# POP3:      t_dovecot_start, t_dovecot_seed FILE..., t_dovecot_count,
#            t_dovecot_stop
# SMTP:      t_smtp_start, t_smtp_count, t_smtp_stop
# Terminal:  t_tmux_start NAME COLS ROWS CMD..., t_tmux_keys NAME KEY...,
#            t_tmux_screen NAME, t_tmux_wait NAME ERE [SECONDS],
#            t_tmux_dead NAME, t_tmux_stop NAME
# Server functions export variables, so call them directly, never in $(...).
#
# Timeouts: every wait in the tests (server starts, screens, the timeout
# keys of test configs, the unit tests' servers) is a number of seconds
# multiplied by SATCHEL_TEST_TIMEOUT (a whole number, default 1). Raise it
# on a slow or loaded machine: SATCHEL_TEST_TIMEOUT=3 make check.

T_N=0
T_FAILED=0
T_PLAN=
T_TMP=
T_DOVECOT_DIR=
T_SMTP_DIR=
T_TMUX_SOCK=
T_AT_EXIT=
T_RC=
T_PIDS=
T_NAME=$(basename "$0" .sh)
SATCHEL_TEST_TIMEOUT=${SATCHEL_TEST_TIMEOUT:-1}
case $SATCHEL_TEST_TIMEOUT in
''|*[!0-9]*|0) SATCHEL_TEST_TIMEOUT=1 ;;
esac
export SATCHEL_TEST_TIMEOUT

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
: "${SATCHEL:=$top_builddir/satchel}"
: "${SATCHEL_CORPUS:=$top_srcdir/../shared/corpus}"
export top_srcdir top_builddir SATCHEL SATCHEL_CORPUS
T_SERVERS=$top_srcdir/tests/servers
# Debian's interpreter sees the python3-* packages (aiosmtpd); another
# python3 earlier on PATH may not.
if test -x /usr/bin/python3; then
	T_PYTHON=/usr/bin/python3
else
	T_PYTHON=python3
fi
PYTHON=$T_PYTHON
export PYTHON
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin:/sbin ;; esac
export PATH

# --- TAP -------------------------------------------------------------------

t_plan() {
	T_PLAN=$1
	echo "1..$1"
}

t_diag() {
	# Print each line of the arguments (or of stdin) as a TAP comment.
	if test $# -gt 0; then
		printf '%s\n' "$*"
	else
		cat
	fi | sed 's/^/# /'
}

t_pass_() {
	T_N=$((T_N + 1))
	echo "ok $T_N - $1"
}

t_fail_() {
	T_N=$((T_N + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_N - $1"
}

t_skip() {
	T_N=$((T_N + 1))
	echo "ok $T_N - $1 # SKIP $2"
}

t_skip_all() {
	if test -z "$T_PLAN"; then
		echo "1..0 # SKIP $1"
	else
		# A plan is out already: skip what is left of it.
		while test "$T_N" -lt "$T_PLAN"; do
			t_skip "skipped" "$1"
		done
	fi
	T_SKIPPED_ALL=1
	T_RC=0
	exit 0
}

t_out_file_() {
	if test -n "$T_TMP"; then
		echo "$T_TMP/.t_out"
	else
		echo "${TMPDIR:-/tmp}/satchel-t_out.$$"
	fi
}

t_ok() {
	t_desc_=$1
	shift
	t_out_=$(t_out_file_)
	if "$@" >"$t_out_" 2>&1; then
		t_pass_ "$t_desc_"
	else
		t_rc_=$?
		t_fail_ "$t_desc_"
		t_diag "command failed with status $t_rc_: $*"
		tail -n 40 "$t_out_" | t_diag
	fi
	rm -f "$t_out_"
	return 0
}

t_fails() {
	t_desc_=$1
	shift
	t_out_=$(t_out_file_)
	if "$@" >"$t_out_" 2>&1; then
		t_fail_ "$t_desc_"
		t_diag "command succeeded but should have failed: $*"
		tail -n 40 "$t_out_" | t_diag
	else
		t_pass_ "$t_desc_"
	fi
	rm -f "$t_out_"
	return 0
}

t_is() {
	if test "x$2" = "x$3"; then
		t_pass_ "$1"
	else
		t_fail_ "$1"
		t_diag "expected: $3"
		t_diag "     got: $2"
	fi
	return 0
}

t_like() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then
		t_pass_ "$1"
	else
		t_fail_ "$1"
		t_diag "expected a match for: $3"
		printf '%s\n' "$2" | head -n 40 | sed 's/^/#      got: /'
	fi
	return 0
}

t_unlike() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then
		t_fail_ "$1"
		t_diag "expected no match for: $3"
		printf '%s\n' "$2" | head -n 40 | sed 's/^/#      got: /'
	else
		t_pass_ "$1"
	fi
	return 0
}

t_done() {
	if test -z "$T_PLAN"; then
		echo "1..$T_N"
	elif test "$T_N" != "$T_PLAN"; then
		t_diag "planned $T_PLAN tests but ran $T_N"
		T_FAILED=$((T_FAILED + 1))
	fi
	if test "$T_FAILED" -gt 0; then
		t_diag "$T_FAILED of $T_N failed"
		T_RC=1
		exit 1
	fi
	T_RC=0
	exit 0
}

# --- environment ---------------------------------------------------------

# t_at_exit CMD: run the shell command CMD when the test ends, before the
# servers stop (never set your own EXIT trap: it would replace this one).
t_at_exit() {
	T_AT_EXIT="${T_AT_EXIT:-}$1
"
}

t_cleanup_() {
	t_rc_=$?
	# t_done's verdict wins over the status of whatever ran in the trap.
	test -n "${T_RC:-}" && t_rc_=$T_RC
	trap - EXIT INT TERM HUP PIPE
	if test -n "${T_AT_EXIT:-}"; then
		eval "$T_AT_EXIT" >/dev/null 2>&1 || true
	fi
	for t_p_ in $T_PIDS; do
		t_stop "$t_p_" || true
	done
	if test -n "$T_TMUX_SOCK" && test -S "$T_TMUX_SOCK"; then
		tmux -S "$T_TMUX_SOCK" kill-server >/dev/null 2>&1 || true
	fi
	if test -n "$T_SMTP_DIR"; then
		sh "$T_SERVERS/smtp.sh" stop "$T_SMTP_DIR" >/dev/null 2>&1 || true
	fi
	if test -n "$T_DOVECOT_DIR"; then
		sh "$T_SERVERS/dovecot.sh" stop "$T_DOVECOT_DIR" >/dev/null 2>&1 || true
	fi
	if test -n "$T_TMP" && test -d "$T_TMP"; then
		if test "${SATCHEL_TEST_KEEP:-0}" = 1; then
			echo "# kept $T_TMP" >&2
		else
			chmod -R u+rwx "$T_TMP" 2>/dev/null || true
			rm -rf "$T_TMP"
		fi
	fi
	exit "$t_rc_"
}

t_init() {
	T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/satchel-$T_NAME.XXXXXX") || {
		echo "Bail out! cannot create a temporary directory"
		exit 1
	}
	trap t_cleanup_ EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 141' PIPE
	# Servers started from here stop by themselves if this shell is
	# killed without a chance to clean up (SIGKILL, a timeout).
	SATCHEL_TEST_OWNER=$$
	export SATCHEL_TEST_OWNER
	HOME=$T_TMP/home
	XDG_CONFIG_HOME=$HOME/.config
	XDG_DATA_HOME=$HOME/.local/share
	XDG_CACHE_HOME=$HOME/.cache
	XDG_STATE_HOME=$HOME/.local/state
	XDG_RUNTIME_DIR=$T_TMP/run
	TMPDIR=$T_TMP/tmp
	mkdir -p "$HOME" "$XDG_RUNTIME_DIR" "$TMPDIR"
	chmod 700 "$XDG_RUNTIME_DIR"
	export HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME XDG_STATE_HOME \
	    XDG_RUNTIME_DIR TMPDIR
	unset XDG_CONFIG_DIRS XDG_DATA_DIRS VISUAL EDITOR SATCHEL_DEBUG \
	    MAIL MAILDIR NO_COLOR 2>/dev/null || true
	TERM=${TERM:-dumb}
	export TERM
}

t_need_cmd() {
	case $1 in
	aiosmtpd)
		"$T_PYTHON" -c 'import aiosmtpd' >/dev/null 2>&1 && return 0 ;;
	dovecot)
		command -v dovecot >/dev/null 2>&1 &&
		    { test -x /usr/lib/dovecot/pop3 ||
		      test -x /usr/libexec/dovecot/pop3; } && return 0 ;;
	*)
		command -v "$1" >/dev/null 2>&1 && return 0 ;;
	esac
	if test "${SATCHEL_TEST_REQUIRE:-0}" = 1; then
		test -n "$T_PLAN" || echo "1..$((T_N + 1))"
		t_fail_ "$1 is required here: install $2"
		exit 1
	fi
	t_skip_all "$1 not found: install the Debian package $2"
}

# t_need_root WHAT: the test needs root for WHAT ("network namespaces"):
# skip without it, or fail when SATCHEL_TEST_REQUIRE=1.
t_need_root() {
	test "$(id -u)" = 0 && return 0
	if test "${SATCHEL_TEST_REQUIRE:-0}" = 1; then
		test -n "$T_PLAN" || echo "1..$((T_N + 1))"
		t_fail_ "$1 need root here"
		exit 1
	fi
	t_skip_all "$1 need root"
}

t_need_corpus() {
	test -n "${SATCHEL_CORPUS:-}" && test -d "$SATCHEL_CORPUS" ||
	    t_skip_all "no mail corpus (set SATCHEL_CORPUS)"
}

t_write_config() {
	(umask 077 && cat >"$1")
	chmod 600 "$1"
}

# t_satchel_config FILE [KEY=VALUE...]: write a 0600 config for the servers
# started so far: [general] store = $T_TMP/store and one [account test]
# that fetches from dovecot over implicit TLS (when t_dovecot_start ran)
# and sends through the SMTP server with STARTTLS (when t_smtp_start ran),
# trusting $CA_FILE. Each KEY=VALUE replaces or adds a key of the account;
# KEY= alone removes it. General keys go in as general.KEY=VALUE.
t_satchel_config() {
	t_cf_=$1
	shift
	{
		echo "[general]"
		echo "store=$T_TMP/store"
		echo "[account test]"
		echo "address=Test User <alice@example.test>"
		if test -n "${POP3_PORT:-}"; then
			echo "pop3_host=$POP3_HOST"
			echo "pop3_port=$POP3S_PORT"
			echo "pop3_tls=implicit"
			echo "pop3_user=$POP3_USER"
			echo "pop3_password_command=echo $POP3_PASS"
		fi
		if test -n "${SMTP_PORT:-}"; then
			echo "smtp_host=$SMTP_HOST"
			echo "smtp_port=$SMTP_PORT"
			echo "smtp_tls=starttls"
			echo "smtp_user=$SMTP_USER"
			echo "smtp_password_command=echo $SMTP_PASS"
		fi
		test -n "${CA_FILE:-}" && echo "ca_file=$CA_FILE"
		echo "timeout=$(t_timeout 10)"
	} >"$T_TMP/.t_conf"
	for t_kv_ in "$@"; do
		t_k_=${t_kv_%%=*}
		t_grp_=account
		case $t_k_ in general.*) t_grp_=general; t_k_=${t_k_#general.} ;; esac
		awk -v g="$t_grp_" -v k="$t_k_" -v v="${t_kv_#*=}" -v set="$t_kv_" '
			/^\[/ { if (in_g && !done && v != "") { print k "=" v; done = 1 }
				in_g = (g == "general" ? $0 == "[general]" : $0 ~ /^\[account /) }
			in_g && index($0, k "=") == 1 { if (!done && v != "") print k "=" v; done = 1; next }
			{ print }
			END { if (in_g && !done && v != "") print k "=" v }
		' "$T_TMP/.t_conf" >"$T_TMP/.t_conf.new"
		mv "$T_TMP/.t_conf.new" "$T_TMP/.t_conf"
	done
	sed 's/=/ = /' "$T_TMP/.t_conf" | t_write_config "$t_cf_"
	rm -f "$T_TMP/.t_conf"
}

# --- waits and background processes -----------------------------------------

# t_timeout SECONDS: SECONDS scaled by SATCHEL_TEST_TIMEOUT.
t_timeout() {
	echo $(( $1 * SATCHEL_TEST_TIMEOUT ))
}

# t_wait_until SECONDS CMD...: run CMD every 0.05 s until it succeeds;
# returns 1 after SECONDS (scaled).
t_wait_until() {
	t_wu_max_=$(( $(t_timeout "$1") * 20 ))
	shift
	t_wu_i_=0
	while ! "$@" >/dev/null 2>&1; do
		t_wu_i_=$((t_wu_i_ + 1))
		test $t_wu_i_ -lt $t_wu_max_ || return 1
		sleep 0.05
	done
	return 0
}

# t_wait_file FILE [SECONDS]: wait until FILE exists and is not empty
# (default 10 s, scaled); returns 1 on a timeout.
t_wait_file() {
	t_wait_until "${2:-10}" test -s "$1"
}

# t_spawn NAME CMD...: run CMD in the background with no input and its
# output in $T_TMP/NAME.log. Sets T_PID. The process is stopped when the
# test ends, whatever its state: tests never need a trap of their own.
t_spawn() {
	t_sp_log_=$T_TMP/$1.log
	shift
	"$@" </dev/null >>"$t_sp_log_" 2>&1 &
	T_PID=$!
	T_PIDS="$T_PIDS $T_PID"
}

# t_alive PID: the process exists and is not a zombie.
t_alive() {
	kill -0 "$1" 2>/dev/null || return 1
	case $(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null) in
	Z*|X*) return 1 ;;
	esac
	return 0
}

# t_stop PID: stop a process started with t_spawn (TERM, then KILL) and
# wait until it is gone. Stopping one that already ended is fine.
t_stop() {
	kill -TERM "$1" 2>/dev/null || return 0
	t_wait_until 5 eval "! t_alive $1" ||
	    kill -KILL "$1" 2>/dev/null || true
	return 0
}

# --- servers ---------------------------------------------------------------

t_ca_() {
	CA_DIR=$T_TMP/ca
	export CA_DIR
	test -s "$CA_DIR/server.pem" && return 0
	sh "$T_SERVERS/ca.sh" "$CA_DIR" || {
		echo "Bail out! cannot make test certificates"
		exit 1
	}
}

t_dovecot_start() {
	t_need_cmd dovecot dovecot-pop3d
	t_need_cmd "$T_PYTHON" python3
	t_ca_
	T_DOVECOT_DIR=$T_TMP/dovecot
	sh "$T_SERVERS/dovecot.sh" start "$T_DOVECOT_DIR" >&2 || {
		echo "Bail out! dovecot did not start"
		exit 1
	}
	. "$T_DOVECOT_DIR/env"
	export POP3_HOST POP3_PORT POP3S_PORT POP3_USER POP3_PASS CA_FILE \
	    OTHER_CA_FILE SERVER_MAILDIR
}

t_dovecot_seed() {
	sh "$T_SERVERS/dovecot.sh" seed "$T_DOVECOT_DIR" "$@"
}

t_dovecot_count() {
	sh "$T_SERVERS/dovecot.sh" count "$T_DOVECOT_DIR"
}

t_dovecot_stop() {
	test -n "$T_DOVECOT_DIR" || return 0
	sh "$T_SERVERS/dovecot.sh" stop "$T_DOVECOT_DIR"
}

t_smtp_start() {
	t_need_cmd aiosmtpd python3-aiosmtpd
	t_ca_
	T_SMTP_DIR=$T_TMP/smtp
	sh "$T_SERVERS/smtp.sh" start "$T_SMTP_DIR" >&2 || {
		echo "Bail out! the SMTP server did not start"
		exit 1
	}
	. "$T_SMTP_DIR/env"
	export SMTP_HOST SMTP_PORT SMTPS_PORT SMTP_USER SMTP_PASS CA_FILE \
	    OTHER_CA_FILE SMTP_SPOOL SMTP_CONTROL
}

t_smtp_count() {
	find "$SMTP_SPOOL" -name '[0-9]*.eml' | wc -l | tr -d ' '
}

t_smtp_stop() {
	test -n "$T_SMTP_DIR" || return 0
	sh "$T_SERVERS/smtp.sh" stop "$T_SMTP_DIR"
}

# --- terminal (tmux) -------------------------------------------------------

# --- OpenPGP -----------------------------------------------------------------

# t_gnupg_home: a throwaway GNUPGHOME, exported, whose gpg-agent (started by
# gpg itself) is killed at exit. Under $T_TMP when the agent's socket path
# fits in sun_path (108 bytes), else in a short directory of its own.
t_gnupg_home() {
	t_need_cmd gpg gnupg
	GNUPGHOME=$T_TMP/g
	if test ${#GNUPGHOME} -gt 70; then
		GNUPGHOME=$(mktemp -d /tmp/sg.XXXXXX) || return 1
		t_at_exit "rm -rf '$GNUPGHOME'"
	fi
	mkdir -p "$GNUPGHOME"
	chmod 700 "$GNUPGHOME"
	export GNUPGHOME
	t_at_exit "GNUPGHOME='$GNUPGHOME' gpgconf --kill all"
}

# t_gpg_key UID: a key without passphrase (Ed25519 + Curve25519).
t_gpg_key() {
	gpg --batch --passphrase '' --quick-gen-key "$1" future-default \
	    default never >/dev/null 2>&1
}

t_tmux_() {
	tmux -S "$T_TMUX_SOCK" "$@"
}

# t_tmux_start NAME COLS ROWS CMD...: run CMD in a detached terminal of the
# given size. The pane stays after CMD exits (see t_tmux_dead).
t_tmux_start() {
	t_need_cmd tmux tmux
	T_TMUX_SOCK=$T_TMP/tmux.sock
	t_name_=$1 t_cols_=$2 t_rows_=$3
	shift 3
	if ! test -S "$T_TMUX_SOCK"; then
		# The idle session keeps the server up while sessions come and
		# go, and kills it if this test dies without cleaning up.
		t_tmux_ -f /dev/null new-session -d -s satchel-idle -x 80 -y 24 \
		    "while kill -0 $$ 2>/dev/null &&
		        ! grep -q '^[^)]*) [ZX]' /proc/$$/stat 2>/dev/null; do
		        sleep 1; done; tmux -S '$T_TMUX_SOCK' kill-server" ||
		    return 1
		t_tmux_ set-option -g remain-on-exit on
		t_tmux_ set-option -g default-terminal screen-256color
		t_tmux_ set-option -g status off
		t_tmux_ set-option -g history-limit 0
	fi
	t_tmux_ new-session -d -s "$t_name_" -x "$t_cols_" -y "$t_rows_" \
	    -e "HOME=$HOME" -e "TMPDIR=$TMPDIR" -- "$@"
}

t_tmux_keys() {
	t_name_=$1
	shift
	t_tmux_ send-keys -t "$t_name_" "$@"
}

t_tmux_screen() {
	t_tmux_ capture-pane -p -t "$1"
}

# t_tmux_wait NAME ERE [SECONDS]: poll the screen until it matches (default
# 10 s, scaled). On a timeout prints the screen and returns 1.
t_tmux_wait() {
	t_i_=0
	t_max_=$(( $(t_timeout "${3:-10}") * 10 ))
	while test $t_i_ -lt $t_max_; do
		t_tmux_screen "$1" 2>/dev/null | grep -Eq -- "$2" && return 0
		sleep 0.1
		t_i_=$((t_i_ + 1))
	done
	echo "screen of $1 never matched: $2"
	t_tmux_screen "$1" 2>&1
	return 1
}

# t_tmux_dead NAME: true when the program in NAME has exited; prints its
# exit status.
t_tmux_dead() {
	t_st_=$(t_tmux_ display-message -p -t "$1" '#{pane_dead} #{pane_dead_status}') ||
	    return 1
	case $t_st_ in
	"1 "*) echo "${t_st_#1 }"; return 0 ;;
	esac
	return 1
}

t_tmux_stop() {
	t_tmux_ kill-session -t "$1" 2>/dev/null || true
}
