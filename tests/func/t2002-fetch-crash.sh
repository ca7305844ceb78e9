#!/bin/sh
# t2002-fetch-crash: kill -9 of a delete-mode fetch at ten different moments,
# each followed by more mail and another fetch. In the end every message the
# server ever held is in the store exactly once, and the server holds
# nothing that is not in the store (DESIGN invariants 1 and 2).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
t_init
t_need_cmd dovecot dovecot-pop3d
t_plan 5
t_dovecot_start

STORE=$XDG_DATA_HOME/satchel
mkdir -p "$XDG_CONFIG_HOME/satchel" "$T_TMP/mail"
t_write_config "$XDG_CONFIG_HOME/satchel/config" <<EOF
[account crash]
pop3_host = $POP3_HOST
pop3_port = $POP3S_PORT
pop3_user = $POP3_USER
password = $POP3_PASS
ca_file = $CA_FILE
keep = false
timeout = $(t_timeout 10)
EOF

SEEDED=0
seed() {
	files=
	k=0
	while test $k -lt "$1"; do
		SEEDED=$((SEEDED + 1))
		f=$T_TMP/mail/m$SEEDED.eml
		{
			printf 'From: s@example.test\nTo: alice@example.test\n'
			printf 'Subject: crash %s\nMessage-ID: <crash-%s@example.test>\n\n' \
			    "$SEEDED" "$SEEDED"
			j=0
			while test $j -lt $((SEEDED % 7 * 40)); do
				printf 'line %s of message %s\n' "$j" "$SEEDED"
				j=$((j + 1))
			done
		} >"$f"
		files="$files $f"
		k=$((k + 1))
	done
	t_dovecot_seed $files
}

seed 300
i=1
killed=0
while test $i -le 10; do
	"$SATCHEL" fetch --quiet >/dev/null 2>&1 &
	pid=$!
	# Moments from right after the start to the end of the run.
	sleep "$(awk "BEGIN { print ($i * 7 % 10 + 1) * 0.012 }")"
	if kill -9 "$pid" 2>/dev/null; then
		killed=$((killed + 1))
	fi
	wait "$pid" 2>/dev/null
	seed 30
	i=$((i + 1))
done
t_ok "some fetches were killed in the middle" test "$killed" -gt 0
t_diag "killed $killed of 10 runs"
"$SATCHEL" fetch --quiet >"$T_TMP/out" 2>&1
cat "$T_TMP/out" | head -20 | t_diag
t_is "a fetch after the kills succeeds" "$?" 0
find "$STORE" \( -path '*/cur/*' -o -path '*/new/*' \) -type f \
    -exec grep -h '^Message-ID:' {} + | sort >"$T_TMP/ids"
t_is "every message is stored" "$(sort -u "$T_TMP/ids" | wc -l | tr -d ' ')" "$SEEDED"
t_is "no message is stored twice" "$(uniq -d "$T_TMP/ids" | wc -l | tr -d ' ')" 0
t_is "the server holds nothing (all of it is stored)" "$(t_dovecot_count)" 0
t_done
