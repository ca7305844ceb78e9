#!/bin/sh
# t0001-servers: the test servers themselves work (dovecot POP3, aiosmtpd
# SMTP), checked with Python's own clients, so a satchel failure elsewhere
# is never a harness failure.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
t_init
t_need_cmd dovecot dovecot-pop3d
t_need_cmd aiosmtpd python3-aiosmtpd
t_plan 17

cat >"$T_TMP/client.py" <<'EOF'
import os, poplib, smtplib, ssl, sys
E = os.environ
what = sys.argv[1]
ca = sys.argv[2] if len(sys.argv) > 2 else E["CA_FILE"]
ctx = ssl.create_default_context(cafile=ca)
if what == "pop3-stls":
    p = poplib.POP3(E["POP3_HOST"], int(E["POP3_PORT"]), timeout=10)
    assert "STLS" in p.capa()
    p.stls(ctx)
    p.user(E["POP3_USER"]); p.pass_(E["POP3_PASS"])
    print(p.stat()[0]); p.quit()
elif what == "pop3s":
    p = poplib.POP3_SSL(E["POP3_HOST"], int(E["POP3S_PORT"]), context=ctx,
                        timeout=10)
    p.user(E["POP3_USER"]); p.pass_(E["POP3_PASS"])
    print(p.stat()[0]); p.quit()
elif what == "pop3s-apop":
    p = poplib.POP3_SSL(E["POP3_HOST"], int(E["POP3S_PORT"]), context=ctx,
                        timeout=10)
    p.apop(E["POP3_USER"], E["POP3_PASS"])
    print(p.stat()[0]); p.quit()
elif what == "pop3-badpass":
    p = poplib.POP3_SSL(E["POP3_HOST"], int(E["POP3S_PORT"]), context=ctx,
                        timeout=10)
    p.user(E["POP3_USER"])
    try:
        p.pass_("wrong")
    except poplib.error_proto:
        sys.exit(1)
elif what == "pop3-retr-dele":
    p = poplib.POP3_SSL(E["POP3_HOST"], int(E["POP3S_PORT"]), context=ctx,
                        timeout=10)
    p.user(E["POP3_USER"]); p.pass_(E["POP3_PASS"])
    lines = p.retr(1)[1]
    print(b"\n".join(lines).decode())
    p.dele(1); p.quit()
elif what in ("smtp", "smtps"):
    rcpts = sys.argv[3:] or ["bob@example.test"]
    if what == "smtp":
        s = smtplib.SMTP(E["SMTP_HOST"], int(E["SMTP_PORT"]), timeout=10)
        s.starttls(context=ctx)
    else:
        s = smtplib.SMTP_SSL(E["SMTP_HOST"], int(E["SMTP_PORT" if False else "SMTPS_PORT"]),
                             context=ctx, timeout=10)
    s.login(E["SMTP_USER"], E["SMTP_PASS"])
    try:
        refused = s.sendmail("alice@example.test", rcpts,
                             b"Subject: test\r\n\r\nhello\r\n.dot line\r\n")
    except smtplib.SMTPRecipientsRefused as e:
        refused = e.recipients
    except smtplib.SMTPResponseException as e:
        refused = {"*": (e.smtp_code, e.smtp_error)}
    for r, (code, text) in sorted(refused.items()):
        print(r, code, text.decode())
    s.quit()
elif what == "smtp-auth-plain-text":
    s = smtplib.SMTP(E["SMTP_HOST"], int(E["SMTP_PORT"]), timeout=10)
    s.ehlo()
    code, text = s.docmd("AUTH", "PLAIN AGFsaWNlAHg=")
    print(code)
    s.quit()
elif what == "smtp-badpass":
    s = smtplib.SMTP_SSL(E["SMTP_HOST"], int(E["SMTPS_PORT"]), context=ctx,
                         timeout=10)
    try:
        s.login(E["SMTP_USER"], "wrong")
    except smtplib.SMTPAuthenticationError as e:
        print(e.smtp_code)
    s.quit()
EOF
client() {
	"$T_PYTHON" "$T_TMP/client.py" "$@"
}

# POP3
t_dovecot_start
printf 'From: a@example.test\nSubject: one\n\nfirst\n' >"$T_TMP/m1"
printf 'From: b@example.test\nSubject: two\n\nsecond\n' >"$T_TMP/m2"
t_dovecot_seed "$T_TMP/m1" "$T_TMP/m2"
t_is "seeded two messages" "$(t_dovecot_count)" 2
t_is "POP3 USER/PASS after STLS" "$(client pop3-stls 2>&1)" 2
t_is "POP3S (implicit TLS)" "$(client pop3s 2>&1)" 2
t_is "APOP over POP3S" "$(client pop3s-apop 2>&1)" 2
t_fails "a wrong password is refused" client pop3-badpass
t_fails "POP3S rejects a client trusting another CA" client pop3s "$OTHER_CA_FILE"
t_like "RETR returns the first message" "$(client pop3-retr-dele 2>&1)" '^Subject: one$'
t_is "DELE + QUIT removes it on the server" "$(t_dovecot_count)" 1

# SMTP
t_smtp_start
t_is "SMTP STARTTLS + AUTH accepts a message" "$(client smtp 2>&1)" ""
t_is "spool holds it" "$(cat "$SMTP_SPOOL/0001.env" 2>&1)" \
    "MAIL FROM:<alice@example.test>
RCPT TO:<bob@example.test>"
t_like "message is dot-unstuffed" "$(cat "$SMTP_SPOOL/0001.eml")" '^\.dot line'
t_is "SMTPS (implicit TLS) accepts a message" "$(client smtps 2>&1)" ""
t_is "AUTH before STARTTLS is refused" "$(client smtp-auth-plain-text 2>&1)" 538
t_is "a wrong SMTP password gets 535" "$(client smtp-badpass 2>&1)" 535
t_fails "SMTP rejects a client trusting another CA" client smtp "$OTHER_CA_FILE"
echo 'once rcpt bad@* 550 5.1.1 No such user' >"$SMTP_CONTROL"
t_is "SMTP_CONTROL rejects one recipient" \
    "$(client smtp "$CA_FILE" good@example.test bad@example.test 2>&1)" \
    "bad@example.test 550 5.1.1 No such user"
t_is "a 'once' line fires one time only" \
    "$(client smtp "$CA_FILE" bad@example.test; t_smtp_count)" 4
t_done
