#!/bin/sh
# t3310-send-bounce-rcpts: bounces of mail with several recipients, as
# other servers write them (tests/data/dsn: Exim 4.96 with one block per
# recipient and a Diagnostic-Code in only one of them; OpenSMTPD with no
# Diagnostic-Code at all). Each recipient's reason is its own, and goes to
# the queue entry that was sent to that recipient: after a 4xx on one
# recipient the retry entry shares the Message-ID with the first one. A
# retry entry shows only its own recipients' errors.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd python3 python3
t_plan 17
t_smtp_start
conf=$HOME/conf
t_satchel_config "$conf"
S() { "$SATCHEL" -c "$conf" "$@"; }
DATA=$top_srcdir/tests/data/dsn

# The submission server refuses bad@ for good and later@ for now.
cat >"$SMTP_CONTROL" <<EOF
rcpt bad@example.test 550 5.1.1 <bad@example.test>: no such user here
once rcpt later@example.test 450 4.2.1 <later@example.test>: try again later
EOF
printf 'hello all\n' | S compose --to nobody@nowhere.invalid \
    --to gone@example.test --to later@example.test --to bad@example.test \
    -s "to four" >/dev/null
S send >"$T_TMP/out" 2>&1
q=$(S queue --all)
t_like "the first entry is sent (partly)" "$q" '^1 +sent'
t_like "the 4xx recipient waits in a retry entry" "$q" '^2 +queued'
retry=$(echo "$q" | sed -n '/^2 /,/^[0-9]/p')
t_like "the retry entry says why it waits" "$retry" 'later@example\.test: 450'
t_unlike "the retry entry does not show another recipient's 5xx" "$retry" 'bad@example\.test|550'
t_ok "the retry goes out" S send
t_is "two copies reached the server" "$(t_smtp_count)" 2

msgid=$(sed -n 's/^Message-I[dD]: <\(.*\)>.*/\1/p' "$SMTP_SPOOL/0001.eml" | tr -d '\r' | head -n 1)
t_like "a Message-ID was sent" "$msgid" '@'

# Exim's bounce for nobody@ and gone@ (first entry), then OpenSMTPD's for
# later@ (only the retry entry went to later@ and got through).
mkdir -p "$T_TMP/dsn/cur" "$T_TMP/dsn/new" "$T_TMP/dsn/tmp"
sed "s/MSGID/$msgid/g; s/SUBJECT/to four/" "$DATA/exim-two-rcpts.eml" \
    >"$T_TMP/dsn/new/1.eml"
sed "s/MSGID/$msgid/g; s/SUBJECT/to four/; s/carol@example\.test/later@example.test/g" \
    "$DATA/opensmtpd-no-diagnostic.eml" >"$T_TMP/dsn/new/2.eml"
t_ok "the bounces are stored (as a fetch would)" S import "$T_TMP/dsn"
q=$(S queue --all)
first=$(echo "$q" | sed -n '/^1 /,/^2 /p')
second=$(echo "$q" | sed -n '/^2 /,$p')
t_like "Exim: the first recipient's reason is its own" "$first" \
    'nobody@nowhere\.invalid: 5\.0\.0 Unrouteable address'
t_like "Exim: the second recipient's reason is its own" "$first" \
    'gone@example\.test: 5\.0\.0 550 5\.1\.1 <gone@example\.test>: Recipient address rejected: User unknown'
t_unlike "Exim: no reason is borrowed from another block" "$first" \
    'nobody@nowhere\.invalid: 5\.0\.0 550'
t_like "the first entry is bounced" "$first" '^1 +sent, bounced'
t_like "OpenSMTPD: the bounce goes to the retry entry" "$second" '^2 +sent, bounced'
t_like "OpenSMTPD: the reason comes from the human-readable part" "$second" \
    'later@example\.test: 5\.0\.0 550 5\.2\.1 <later@example\.test>: Mailbox disabled'
t_unlike "the retry entry shows no other recipient's bounce" "$second" 'gone@|nobody@'
t_unlike "the first entry shows no bounce for later@" "$first" 'later@example\.test: 5'

# Both Sent copies (first entry, retry) are marked bounced.
t_is "both Sent messages are flagged bounced" \
    "$(S search --format=json 'folder:Sent' 2>&1 | grep -c '"bounced"')" 2
t_done
