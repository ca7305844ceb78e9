#!/bin/sh
# t3320-send-postfix: real bounces from a real Postfix (private instance:
# tests/servers/postfix.sh). satchel submits one message to four
# recipients; Postfix refuses one of them with 450 at RCPT (satchel queues
# a retry entry for it), relays the rest to a downstream server that
# refuses two with 550 and 552, and writes one DSN for both. The retry
# goes out later and bounces too. Each recipient's reason is its own, on
# the queue entry that was sent to it.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd postfix postfix
t_need_cmd python3 python3
test "$(id -u)" = 0 || t_skip_all "a private Postfix needs root"
t_plan 12

# The downstream server: keeps what it accepts (the bounces among them).
d=$T_TMP/down
mkdir -p "$d"
"$PYTHON" "$top_srcdir/tests/fake/smtp-fake.py" --dir "$d" --no-auth \
    --refuse 'gone@example.test=550 5.1.1 <gone@example.test>: Recipient address rejected: User unknown' \
    --refuse 'full@example.test=552 5.2.2 <full@example.test>: Mailbox full' \
    --refuse 'later@example.test=550 5.1.1 <later@example.test>: No such user' \
    </dev/null >"$d/log" 2>&1 &
t_at_exit "kill $! 2>/dev/null"
i=0
while test ! -s "$d/port" && test $i -lt 200; do sleep 0.05; i=$((i + 1)); done

P=$T_TMP/postfix
sh "$T_SERVERS/postfix.sh" start "$P" "$(cat "$d/port")" >&2 ||
    { echo "Bail out! postfix did not start"; exit 1; }
t_at_exit "sh '$T_SERVERS/postfix.sh' stop '$P'"
. "$P/env"
echo 'later@example.test 450 4.2.1 <later@example.test>: try again later' \
    >"$P/etc/rcpt_access"
sh "$T_SERVERS/postfix.sh" reload "$P"
sleep 1

conf=$HOME/conf
t_write_config "$conf" <<EOF
[general]
store = $T_TMP/store
[account test]
address = Test User <alice@example.test>
smtp_host = $SMTP_HOST
smtp_port = $SMTP_PORT
smtp_tls = none
timeout = 10
EOF
S() { "$SATCHEL" -c "$conf" "$@"; }

printf 'hello all\n' | S compose --to gone@example.test --to full@example.test \
    --to ok@example.test --to later@example.test -s "to four" >/dev/null
S send >"$T_TMP/out" 2>&1
q=$(S queue --all)
t_like "Postfix took three recipients" "$q" '^1 +sent'
t_like "later@ waits in a retry entry (Postfix said 450)" "$q" '^2 +queued'
t_like "the retry entry names its own recipient" \
    "$(echo "$q" | sed -n '/^2 /,$p')" 'later@example\.test: 450 4\.2\.1'

# waitn N: until the downstream holds N bounces (From: ...MAILER-DAEMON@).
waitn() {
	i=0
	while test "$(grep -l 'MAILER-DAEMON@' "$d"/spool/*.eml 2>/dev/null | wc -l)" -lt "$1" &&
	    test $i -lt 150; do
		sleep 0.2
		i=$((i + 1))
	done
	grep -l 'MAILER-DAEMON@' "$d"/spool/*.eml 2>/dev/null | wc -l | tr -d ' '
}
t_is "Postfix wrote one bounce for gone@ and full@" "$(waitn 1)" 1

: >"$P/etc/rcpt_access"
sh "$T_SERVERS/postfix.sh" reload "$P"
sleep 1
t_ok "the retry goes out" S send
t_is "Postfix wrote a bounce for later@" "$(waitn 2)" 2

# Fetch would store them; import does the same here.
mkdir -p "$T_TMP/dsn/cur" "$T_TMP/dsn/new" "$T_TMP/dsn/tmp"
for f in $(grep -l 'MAILER-DAEMON@' "$d"/spool/*.eml); do
	cp "$f" "$T_TMP/dsn/new/$(basename "$f")"
done
t_ok "the bounces are stored" S import "$T_TMP/dsn"
q=$(S queue --all)
first=$(echo "$q" | sed -n '/^1 /,/^2 /p')
second=$(echo "$q" | sed -n '/^2 /,$p')
t_like "gone@ has its own reason, unfolded" "$first" \
    'gone@example\.test: 5\.1\.1 550 5\.1\.1 <gone@example\.test>: Recipient address rejected: User unknown'
t_like "full@ has its own reason" "$first" \
    'full@example\.test: 5\.2\.2 .*Mailbox full'
t_like "later@'s bounce went to the retry entry" "$second" \
    '^2 +sent, bounced'
t_like "with its own reason" "$second" 'later@example\.test: 5\.1\.1 .*No such user'
t_unlike "the first entry has no bounce for later@" "$first" \
    'later@example\.test: 5'
if test "${SATCHEL_TEST_KEEP:-0}" = 1; then
	t_diag "$q"
fi
t_done
