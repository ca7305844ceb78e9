#!/bin/sh
# t3000-send-basic: compose queues at once; send over STARTTLS and implicit
# TLS with AUTH; Bcc only on the envelope; non-ASCII names, subject and an
# attachment arrive byte-correct; certificate checks; offline then online.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd aiosmtpd python3-aiosmtpd
t_plan 29
t_smtp_start
conf=$HOME/conf
t_satchel_config "$conf"
S() { "$SATCHEL" -c "$conf" "$@"; }
nfiles() { find "$T_TMP/store/$1/new" "$T_TMP/store/$1/cur" -type f 2>/dev/null | wc -l; }

# --- queueing never touches the network --------------------------------
qid=$(printf 'Hello from the train.\n' | S compose --to bob@example.test \
    --cc carol@example.test --bcc hidden@example.test --subject "First")
t_is "compose prints the queue id" "$qid" 1
t_is "nothing sent by compose" "$(ls "$SMTP_SPOOL" | wc -l)" 0
t_like "queue lists it as queued" "$(S queue)" '^1 +queued +attempts 0 +next now'
t_is "the Outbox holds the file" "$(nfiles Outbox)" 1

# --- STARTTLS + AUTH ----------------------------------------------------
t_ok "send over STARTTLS with AUTH" S send
t_is "one message arrived" "$(ls "$SMTP_SPOOL"/*.eml | wc -l)" 1
env=$(cat "$SMTP_SPOOL"/0001.env)
t_like "envelope has the Bcc recipient" "$env" '^RCPT TO:<hidden@example.test>$'
t_like "envelope sender is the account" "$env" '^MAIL FROM:<alice@example.test>$'
t_unlike "no Bcc header arrived" "$(cat "$SMTP_SPOOL"/0001.eml)" '^(Bcc|BCC|bcc):|hidden@'
t_like "queue --all shows it sent" "$(S queue --all)" '^1 +sent '
t_is "queue without --all is empty" "$(S queue)" ""
t_is "the Sent folder holds it" "$(nfiles Sent)" 1
t_is "the Outbox is empty" "$(nfiles Outbox)" 0
t_ok "a second send has nothing to do" S send
t_is "still one message" "$(ls "$SMTP_SPOOL"/*.eml | wc -l)" 1

# --- implicit TLS ---------------------------------------------------------
conf2=$HOME/conf-smtps
t_satchel_config "$conf2" smtp_port="$SMTPS_PORT" smtp_tls=implicit
printf 'via 465\n' | "$SATCHEL" -c "$conf2" compose --to bob@example.test --subject "Implicit" >/dev/null
t_ok "send over implicit TLS with AUTH" "$SATCHEL" -c "$conf2" send
t_is "two messages arrived" "$(ls "$SMTP_SPOOL"/*.eml | wc -l)" 2

# --- certificate checks ---------------------------------------------------
conf3=$HOME/conf-badca
t_satchel_config "$conf3" ca_file="$OTHER_CA_FILE"
printf 'untrusted\n' | "$SATCHEL" -c "$conf3" compose --to bob@example.test --subject "Bad CA" >/dev/null
"$SATCHEL" -c "$conf3" send >"$T_TMP/out" 2>&1
t_is "an untrusted certificate: the message waits (75)" "$?" 75
t_like "the reason names the certificate" "$(cat "$T_TMP/out")" 'certificate|trusted'
t_is "nothing was sent to the untrusted server" "$(ls "$SMTP_SPOOL"/*.eml | wc -l)" 2
t_like "the message is still queued" "$("$SATCHEL" -c "$conf3" queue)" '^3 +queued +attempts 1 '

# --- non-ASCII names, subject and an attachment ----------------------------
printf '\000\001\002binary\377\376 data\n' >"$T_TMP/Ünïcödé résumé.bin"
printf 'Grüße aus Köln,\nbis bald.\n' | "$SATCHEL" -c "$conf2" compose \
    --to 'Zoë Çelik <zoe@example.test>' --subject 'Grüße — ☃ snow' \
    --attach "$T_TMP/Ünïcödé résumé.bin" >/dev/null
t_ok "send the non-ASCII message" "$SATCHEL" -c "$conf2" send
last=$(ls "$SMTP_SPOOL"/*.eml | tail -n 1)
check=$("$PYTHON" - "$last" "$T_TMP/Ünïcödé résumé.bin" <<'EOF'
import email, email.policy, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
att = [p for p in msg.iter_attachments()]
body = msg.get_body(("plain",)).get_content()
print("subject=%s" % msg["subject"])
print("to=%s" % msg["to"].addresses[0].display_name)
print("from=%s" % msg["from"].addresses[0].display_name)
print("name=%s" % att[0].get_filename())
print("bytes=%s" % (att[0].get_content() == open(sys.argv[2], "rb").read()))
print("body=%s" % (body == "Grüße aus Köln,\nbis bald.\n"))
print("ascii=%s" % all(b < 128 for b in open(sys.argv[1], "rb").read()))
print("crlf=%s" % (b"\n" not in open(sys.argv[1], "rb").read().replace(b"\r\n", b"")))
EOF
)
t_like "subject decodes back" "$check" '^subject=Grüße — ☃ snow$'
t_like "display names decode back" "$check" '^to=Zoë Çelik$'
t_like "attachment name (RFC 2231) decodes back" "$check" '^name=Ünïcödé résumé.bin$'
t_like "attachment bytes are identical" "$check" '^bytes=True$'
t_like "body text is identical" "$check" '^body=True$'
t_like "the message on the wire has CRLF line ends only" "$check" '^crlf=True$'
t_like "the message on the wire is 7-bit" "$check" '^ascii=True$'
t_done
