#!/bin/sh
# t6122-ui-bounce: b bounces (redirects) the message under the cursor to
# new recipients through the outbox: the message unchanged, with
# Resent-From, Resent-To, Resent-Date and Resent-Message-ID on top
# (RFC 5322 3.6.6); the envelope is the new recipients, from the address
# of the account the message came to. Checked at the real SMTP server.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd aiosmtpd python3-aiosmtpd
t_plan 17
t_smtp_start

md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
orig=$md/new/1.eml
printf 'From: Carol <carol@example.test>\nTo: Jane <jane@work.test>\nSubject: Quarterly numbers\nDate: Mon, 01 Jan 2024 10:00:00 +0000\nMessage-ID: <q1@example.test>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nThe numbers are in. Caf=E9 at ten?\n=2E\n' >"$orig"
conf=$HOME/conf
smtp() {
	printf 'smtp_host = %s\nsmtp_port = %s\nsmtp_tls = starttls\nsmtp_user = %s\nsmtp_password_command = echo %s\nca_file = %s\ntimeout = %s\n' \
	    "$SMTP_HOST" "$SMTP_PORT" "$SMTP_USER" "$SMTP_PASS" "$CA_FILE" "$(t_timeout 10)"
}
{
	printf '[general]\nstore = %s\nsend_interval = 86400\n' "$T_TMP/store"
	printf '[account home]\naddress = Jane Home <jane@home.test>\n'
	smtp
	printf '[account work]\naddress = Jane Doe <jane@work.test>\n'
	smtp
} | t_write_config "$conf"
"$SATCHEL" -c "$conf" import "$md" >/dev/null 2>&1 || t_diag "import failed"
env_of() { cat "$SMTP_SPOOL/$(printf '%04d' "$1").env" 2>/dev/null; }
eml_of() { tr -d '\r' <"$SMTP_SPOOL/$(printf '%04d' "$1").eml" 2>/dev/null; }
arrived() { test "$(t_smtp_count)" -ge "$1"; }

t_tmux_start ui 100 24 "$SATCHEL" -c "$conf"
screen() { t_tmux_screen ui; }
t_ok "index is drawn" t_tmux_wait ui 'Quarterly numbers'

# Cancelled at the prompt, and at the question: nothing is queued.
t_tmux_keys ui b
t_ok "b asks where to" t_tmux_wait ui 'Bounce message to:'
t_tmux_keys ui Escape
t_tmux_keys ui b
t_tmux_keys ui -l 'dave@example.test'
t_tmux_keys ui Enter
t_ok "it asks before it goes" \
    t_tmux_wait ui 'Bounce message to dave@example\.test \(from jane@work\.test\)\?'
t_tmux_keys ui n
t_ok "n: not bounced" t_tmux_wait ui 'Not bounced\.'
t_is "nothing was queued" "$("$SATCHEL" -c "$conf" queue | grep -c .)" 0

t_tmux_keys ui b
t_tmux_keys ui -l 'Dave <dave@example.test>, erin@example.test'
t_tmux_keys ui Enter
t_ok "two recipients" \
    t_tmux_wait ui 'Bounce message to dave@example\.test, erin@example\.test \(from jane@work\.test\)\?'
t_tmux_keys ui y
t_ok "it arrives at the server" t_wait_until 20 arrived 1
t_is "envelope: from the account the message came to, to the new ones" \
    "$(env_of 1)" 'MAIL FROM:<jane@work.test>
RCPT TO:<dave@example.test>
RCPT TO:<erin@example.test>'
eml_of 1 >"$T_TMP/got"
t_like "Resent-From first" "$(sed -n 1p "$T_TMP/got")" '^Resent-From: Jane Doe <jane@work\.test>$'
t_like "Resent-To: the new recipients" "$(sed -n 2p "$T_TMP/got")" \
    '^Resent-To: Dave <dave@example\.test>, erin@example\.test$'
t_like "Resent-Date" "$(sed -n 3p "$T_TMP/got")" '^Resent-Date: [A-Z][a-z][a-z], [0-9]+ [A-Z][a-z][a-z] 20[0-9][0-9] '
t_like "Resent-Message-ID" "$(sed -n 4p "$T_TMP/got")" '^Resent-Message-ID: <[^ ]+@work\.test>$'
sed 1,4d "$T_TMP/got" >"$T_TMP/rest"
t_ok "then the message byte for byte (its From, To, encoding, a lone dot)" \
    cmp "$T_TMP/rest" "$orig"
t_like "the status line: the queue is empty again" "$(screen | tail -2)" 'Queue:0'

# Another account's mail (or none's): from that account / the first.
t_tmux_keys ui b
t_tmux_keys ui -l 'not an address'
t_tmux_keys ui Enter
t_ok "a bad address is refused" t_tmux_wait ui 'Not bounced: '
t_tmux_keys ui b
t_tmux_keys ui -l 'frank@example.test'
t_tmux_keys ui Enter y
t_ok "a second bounce" t_wait_until 20 arrived 2
t_unlike "a new Resent-Message-ID each time" \
    "$(eml_of 2 | sed -n 4p)" "$(sed -n 4p "$T_TMP/got" | sed 's/[].[*^$]/\\&/g')"
t_tmux_keys ui x
t_done
