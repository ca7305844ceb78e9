#!/bin/sh
# t2006-fetch-full-disk: a delete-mode fetch into a nearly full store keeps
# what arrived whole (batches shrink as space runs out), its summary counts
# only what was kept, it deletes on the server only what was kept, and the
# next fetch after space is freed brings the rest without duplicates.
# Needs a small tmpfs (root) and Dovecot.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
t_init
t_need_cmd dovecot dovecot-pop3d

small=$T_TMP/small
mkdir -p "$small"
if ! mount -t tmpfs -o size=4096k,mode=0700 tmpfs "$small" 2>/dev/null; then
	t_skip_all "cannot mount a small tmpfs (not root?)"
fi
t_at_exit "umount '$small'"
t_plan 9
t_dovecot_start

CONF=$XDG_CONFIG_HOME/satchel/config
mkdir -p "$XDG_CONFIG_HOME/satchel" "$T_TMP/mail"
{
	printf '[general]\nstore = %s/store\n' "$small"
	printf '[account test]\naddress = Alice <alice@example.test>\n'
	printf 'pop3_host = %s\npop3_port = %s\npop3_tls = implicit\n' \
	    "$POP3_HOST" "$POP3S_PORT"
	printf 'pop3_user = %s\npassword = %s\ntimeout = %s\n' \
	    "$POP3_USER" "$POP3_PASS" "$(t_timeout 10)"
	printf 'ca_file = %s\nkeep = false\n' "$CA_FILE"
} | t_write_config "$CONF"

pad=$(awk 'BEGIN { for (i = 0; i < 100; i++) printf "padding line %d of a long message body padding padding padding\n", i }')
i=1
while test "$i" -le 120; do
	printf 'From: s@example.test\nTo: alice@example.test\nSubject: full %s\nMessage-ID: <full-%s@example.test>\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n\n%s\n' \
	    "$i" "$i" "$pad" >"$T_TMP/mail/$i.eml"
	echo "$T_TMP/mail/$i.eml"
	i=$((i + 1))
done >"$T_TMP/list"
t_dovecot_seed $(cat "$T_TMP/list")

stored() {
	find "$small/store" \( -path '*/cur/*' -o -path '*/new/*' \) -type f \
	    -exec grep -h '^Message-ID: <full-' {} + 2>/dev/null | sort -u |
	    wc -l | tr -d ' '
}
files() {
	find "$small/store" \( -path '*/cur/*' -o -path '*/new/*' \) -type f \
	    -exec grep -l '^Message-ID: <full-' {} + 2>/dev/null | wc -l |
	    tr -d ' '
}
news() {
	n=$(sed -n 's/.*: \([0-9]*\) new,.*/\1/p' "$1")
	echo "${n:-0}"
}

# A first fetch creates the store; then leave about 600 KiB free.
"$SATCHEL" search --count x >/dev/null 2>&1
avail=$(df -k "$small" | awk 'NR == 2 { print $4 }')
dd if=/dev/zero of="$small/fill" bs=1k count=$((avail - 600)) 2>/dev/null
"$SATCHEL" fetch >"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
t_ok "the full disk fails the fetch ($rc)" test "$rc" -ne 0
t_like "it says the disk is full" "$(cat "$T_TMP/err")" '[Nn]o space|full'
kept=$(stored)
t_ok "some messages were kept ($kept)" test "$kept" -gt 10
t_is "the summary counts what was kept" "$(news "$T_TMP/out")" "$kept"
t_is "each kept message once" "$(files)" "$kept"
t_ok "only kept messages left the server" \
    test "$(t_dovecot_count)" -ge $((120 - kept))

rm -f "$small/fill"
"$SATCHEL" fetch >"$T_TMP/out2" 2>"$T_TMP/err2"
t_is "after space is freed the fetch completes" "$?" 0
t_is "every message stored once" "$(stored) $(files)" "120 120"
t_is "the server is empty" "$(t_dovecot_count)" 0
t_done
