#!/bin/sh
# t3300-send-bounce: a delivery status notification (RFC 3464) that comes
# back for a message we sent is matched to it, by ENVID (sent with MAIL
# FROM when the server offers DSN) or by the original Message-ID, and the
# queue shows "bounced" with the reason; delays and strangers match nothing.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd python3 python3
t_plan 9
FAKE=$top_srcdir/tests/fake/smtp-fake.py
d=$T_TMP/fake
mkdir -p "$d"
t_spawn fake "$PYTHON" "$FAKE" --dir "$d" --dsn
t_wait_file "$d/port" 10
conf=$HOME/conf
t_write_config "$conf" <<EOF
[general]
store = $T_TMP/store
[account test]
address = Test User <alice@example.test>
smtp_host = 127.0.0.1
smtp_port = $(cat "$d/port")
smtp_tls = none
smtp_user = alice@example.test
smtp_password_command = echo secret
allow_plaintext = true
timeout = $(t_timeout 5)
EOF
S() { "$SATCHEL" -c "$conf" "$@"; }
printf 'one\n' | S compose --to gone@example.test --subject "to a gone user" >/dev/null
printf 'two\n' | S compose --to full@example.test --subject "to a full box" >/dev/null
printf 'three\n' | S compose --to late@example.test --subject "delayed" >/dev/null
t_ok "three messages go out" S send
envid=$(sed -n 's/^MAIL FROM:.* ENVID=\([0-9a-f]*\).*/\1/p' "$d/commands" | head -n 1)
msgid2=$(sed -n 's/^Message-I[dD]: <\(.*\)>.*/\1/p' "$d/spool/0002.eml" | tr -d '\r')
msgid3=$(sed -n 's/^Message-I[dD]: <\(.*\)>.*/\1/p' "$d/spool/0003.eml" | tr -d '\r')
t_like "an ENVID was sent" "$envid" '^[0-9a-f]{32}$'

# dsn FILE ENVID MSGID RCPT ACTION STATUS DIAG
dsn() {
	{
		printf 'From: Mail Delivery System <MAILER-DAEMON@mx.example.test>\n'
		printf 'To: alice@example.test\nSubject: Undelivered Mail\n'
		printf 'Date: Mon, 03 Jun 2024 10:00:00 +0000\n'
		printf 'Message-ID: <dsn-%s@mx.example.test>\nMIME-Version: 1.0\n' "$4"
		printf 'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
		printf -- '--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n'
		printf -- '--B\nContent-Type: message/delivery-status\n\n'
		printf 'Reporting-MTA: dns; mx.example.test\n'
		test -n "$2" && printf 'Original-Envelope-Id: %s\n' "$2"
		printf '\nFinal-Recipient: rfc822; %s\nAction: %s\nStatus: %s\n' "$4" "$5" "$6"
		printf 'Diagnostic-Code: smtp; %s\n\n' "$7"
		printf -- '--B\nContent-Type: text/rfc822-headers\n\n'
		test -n "$3" && printf 'Message-ID: <%s>\n' "$3"
		printf 'Subject: whatever\n\n--B--\n'
	} >"$1"
}
mkdir -p "$T_TMP/dsn/cur" "$T_TMP/dsn/new" "$T_TMP/dsn/tmp"
dsn "$T_TMP/dsn/new/1.dsn" "$envid" "" gone@example.test failed 5.1.1 "550 5.1.1 <gone@example.test>: user unknown"
dsn "$T_TMP/dsn/new/2.dsn" "" "$msgid2" full@example.test failed 5.2.2 "552 5.2.2 mailbox full"
dsn "$T_TMP/dsn/new/3.dsn" "" "$msgid3" late@example.test delayed 4.4.7 "still trying"
dsn "$T_TMP/dsn/new/4.dsn" "0123456789abcdef0123456789abcdef" "stranger@nowhere" x@example.test failed 5.0.0 "no"
t_ok "the DSNs are stored (as a fetch would)" S import "$T_TMP/dsn"
q=$(S queue --all)
t_like "matched by ENVID: bounced" "$q" '^1 +sent, bounced'
t_like "with the reason" "$q" 'bounced: gone@example\.test: 5\.1\.1 550 5\.1\.1 <gone@example\.test>: user unknown'
t_like "matched by Message-ID: bounced" "$q" '^2 +sent, bounced'
t_like "a delay is not a bounce" "$q" '^3 +sent +attempts'
t_is "the stranger matched nothing" "$(echo "$q" | grep -c 'bounced:')" 2
t_like "the Sent message is flagged bounced" "$(S search --format=json 'folder:Sent' 2>&1)" 'bounced'
t_done
