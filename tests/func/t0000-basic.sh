#!/bin/sh
# t0000-basic: the program starts, answers --version and --help, refuses a
# bad command line with 64 and a bad configuration with 78, naming the
# file, group and key, without creating a store.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
t_init
test -x "$SATCHEL" || t_skip_all "satchel is not built ($SATCHEL)"
t_plan 27

# run CMD...: sets rc, out (stdout) and err (stderr).
run() {
	rc=0
	"$@" >"$T_TMP/stdout" 2>"$T_TMP/stderr" || rc=$?
	out=$(cat "$T_TMP/stdout")
	err=$(cat "$T_TMP/stderr")
}

# While a subcommand is still a stub (exit 70, "not built yet"), the checks
# that need it are skipped instead of failed.
stub() {
	test "$rc" = 70 && case $err in *"not built yet"*) true ;; *) false ;; esac
}
# check_is DESC ACTUAL EXPECTED, check_like DESC ACTUAL ERE: as t_is and
# t_like, skipped while the command run last is a stub.
check_is() {
	if stub; then t_skip "$1" "the command is a stub"; else t_is "$@"; fi
}
check_like() {
	if stub; then t_skip "$1" "the command is a stub"; else t_like "$@"; fi
}

run "$SATCHEL" --version
t_is "--version exits 0" "$rc" 0
t_like "--version prints name and version" "$out" '^satchel [0-9]+\.[0-9]+\.[0-9]+'

run "$SATCHEL" --help
t_is "--help exits 0" "$rc" 0
t_like "--help lists the commands" "$out" 'fetch.*send.*search'

for cmd in fetch send compose search import reindex queue; do
	run "$SATCHEL" "$cmd" --help
	check_is "$cmd --help exits 0" "$rc" 0
done

run "$SATCHEL" frobnicate
t_is "an unknown command exits 64" "$rc" 64
t_like "it names the command" "$err" "unknown command 'frobnicate'"

run "$SATCHEL" --no-such-option
t_is "an unknown option exits 64" "$rc" 64

store=$XDG_DATA_HOME/satchel
conf=$T_TMP/bad-key.conf
t_write_config "$conf" <<'EOF'
[general]
colour = yes
EOF
run "$SATCHEL" -c "$conf" search anything
check_is "an unknown key exits 78" "$rc" 78
check_like "the message names file, group and key" "$err" "$conf: \\[general\\] colour"

conf=$T_TMP/bad-value.conf
t_write_config "$conf" <<'EOF'
[general]
send_interval = often

[account work]
address = Jo <jo@example.test>
EOF
run "$SATCHEL" -c "$conf" search anything
check_is "a bad value exits 78" "$rc" 78
check_like "the message names file, group, key and value" "$err" \
    "$conf: \\[general\\] send_interval: .*often"

conf=$T_TMP/bad-account.conf
t_write_config "$conf" <<'EOF'
[account work]
pop3_host = 127.0.0.1
pop3_tls = sometimes
EOF
run "$SATCHEL" -c "$conf" fetch
check_is "a bad TLS mode exits 78" "$rc" 78
check_like "the message names the account group" "$err" \
    "$conf: \\[account work\\] pop3_tls"

conf=$T_TMP/bad-group.conf
t_write_config "$conf" <<'EOF'
[genreal]
store = /tmp/x
EOF
run "$SATCHEL" -c "$conf" search anything
check_is "an unknown group exits 78" "$rc" 78
check_like "the message names the group" "$err" "$conf: \\[genreal\\]"

conf=$T_TMP/syntax.conf
t_write_config "$conf" <<'EOF'
this is not a key file
EOF
run "$SATCHEL" -c "$conf" search anything
check_is "a syntax error exits 78" "$rc" 78

run "$SATCHEL" -c "$T_TMP/does-not-exist.conf" search anything
check_is "a missing explicit config file exits 78" "$rc" 78

conf=$T_TMP/public.conf
t_write_config "$conf" <<'EOF'
[account work]
pop3_host = 127.0.0.1
pop3_user = jo
password = hunter2
EOF
chmod 644 "$conf"
run "$SATCHEL" -c "$conf" fetch
check_is "a password in a file others can read exits 78" "$rc" 78
t_unlike "the password is not printed" "$err" hunter2

t_fails "no store was created by any of the above" test -e "$store"
t_done
