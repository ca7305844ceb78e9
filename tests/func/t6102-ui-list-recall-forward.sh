#!/bin/sh
# t6102-ui-list-recall-forward: L replies to the list of List-Post (and
# says so when a message has none); ;f forwards every tagged message as
# attachments (message/rfc822) in one new message; R opens any message as
# a new one (someone else's From becomes ours); m offers a postponed
# draft ("Recall postponed message?") and sending it empties Drafts.
# Checked at the real SMTP server: envelope and what arrived.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd aiosmtpd python3-aiosmtpd
t_plan 24
t_smtp_start

md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
# Newest first in the index: 3, 2, 1.
printf 'From: Carol <carol@example.test>\nTo: dev@lists.test\nSubject: List topic\nDate: Mon, 01 Jan 2024 10:00:00 +0000\nMessage-ID: <l1@example.test>\nList-Id: <dev.lists.test>\nList-Post: <mailto:dev@lists.test>\n\nOn the list.\n' >"$md/new/1.eml"
printf 'From: Dave <dave@example.test>\nTo: jane@home.test\nSubject: Plain one\nDate: Tue, 02 Jan 2024 10:00:00 +0000\nMessage-ID: <p2@example.test>\n\nNot from a list.\n' >"$md/new/2.eml"
printf 'From: Erin <erin@example.test>\nTo: jane@home.test\nSubject: Plain two\nDate: Wed, 03 Jan 2024 10:00:00 +0000\nMessage-ID: <p3@example.test>\n\nAlso not.\n' >"$md/new/3.eml"

edit=$T_TMP/edit.sh
conf=$HOME/conf
{
	printf '[general]\nstore = %s\neditor = %s\nsend_interval = 86400\n' "$T_TMP/store" "$edit"
	printf '[account home]\naddress = Jane Home <jane@home.test>\n'
	printf 'smtp_host = %s\nsmtp_port = %s\nsmtp_tls = starttls\nsmtp_user = %s\nsmtp_password_command = echo %s\nca_file = %s\ntimeout = %s\n' \
	    "$SMTP_HOST" "$SMTP_PORT" "$SMTP_USER" "$SMTP_PASS" "$CA_FILE" "$(t_timeout 10)"
} | t_write_config "$conf"
"$SATCHEL" -c "$conf" import "$md" >/dev/null 2>&1 || t_diag "import failed"

spool() { printf '%s/%04d.%s' "$SMTP_SPOOL" "$1" "$2"; }
rcpts() { sed -n 's/^RCPT TO:<\(.*\)>$/\1/p' "$(spool "$1" env)" 2>/dev/null | tr '\n' ' '; }
header() { sed -n "s/^$2: //p" "$(spool "$1" eml)" 2>/dev/null | head -1 | tr -d '\r'; }
arrived() { test "$(t_smtp_count)" -ge "$1"; }
count() { "$SATCHEL" -c "$conf" search -c "$1" 2>/dev/null; }
is_count() { test "$(count "$1")" = "$2"; }
# say SHELL-LINE: what the editor does to the file ($1) before it ends.
say() {
	printf '#!/bin/sh\n%s\n' "$1" >"$edit"
	chmod +x "$edit"
}

t_tmux_start ui 100 24 "$SATCHEL" -c "$conf"
t_ok "index is drawn" t_tmux_wait ui 'Plain two'

# L on a message without List-Post: said, nothing opened.
say 'echo "Reply." >>"$1"'
t_tmux_keys ui L
t_ok "L without List-Post is refused" t_tmux_wait ui 'no List-Post address'

# L on the list's message: to the list only.
t_tmux_keys ui j j L
t_ok "L: to the list" t_tmux_wait ui 'To: +dev@lists\.test *$'
t_tmux_keys ui y
t_ok "sent" t_wait_until 20 arrived 1
t_is "envelope: the list only" "$(rcpts 1)" 'dev@lists.test '
t_is "a reply's subject" "$(header 1 Subject)" 'Re: List topic'
t_is "In-Reply-To the list message" "$(header 1 In-Reply-To)" '<l1@example.test>'

# ;f: Plain one and Plain two, tagged, forwarded together.
say "sed -i 's/^To:.*\$/To: fwd@example.test/' \"\$1\""
t_tmux_keys ui k k t t
t_tmux_keys ui '\;' f
t_ok ";f: a forward of the first" t_tmux_wait ui 'Subject: +Fwd: Plain one'
t_is "both attached" "$(t_tmux_screen ui | grep -c '^  Attach: .*/INBOX/')" 2
t_tmux_keys ui y
t_ok "sent" t_wait_until 20 arrived 2
t_is "to the forward's address" "$(rcpts 2)" 'fwd@example.test '
t_is "two message/rfc822 parts" "$(grep -c -i '^Content-Type: message/rfc822' "$(spool 2 eml)")" 2
t_ok "both originals inside" sh -c "grep -q '^Subject: Plain one' '$(spool 2 eml)' && grep -q '^Subject: Plain two' '$(spool 2 eml)'"
t_ok "both marked forwarded" t_wait_until 10 is_count 'is:forwarded' 2

# R: Plain one (someone else's) as a new message, sent as ours.
say "sed -i 's/^To:.*\$/To: again@example.test/' \"\$1\"; echo 'Sent again.' >>\"\$1\""
t_tmux_keys ui Home j R
t_ok "R: From is ours" t_tmux_wait ui 'From: +Jane Home <jane@home\.test>'
t_tmux_keys ui y
t_ok "sent" t_wait_until 20 arrived 3
t_is "R kept the subject" "$(header 3 Subject)" 'Plain one'
t_ok "R kept the text" grep -q 'Not from a list' "$(spool 3 eml)"

# m, P: a draft; m again offers it; sent, Drafts is empty.
say "sed -i 's/^To:.*\$/To: later@example.test/; s/^Subject:.*\$/Subject: Draft here/' \"\$1\"; echo 'First part.' >>\"\$1\""
t_tmux_keys ui m
t_tmux_wait ui 'To: +later@example\.test' >/dev/null
t_tmux_keys ui P
t_ok "postponed" t_wait_until 10 is_count 'folder:Drafts' 1
say 'echo "Second part." >>"$1"'
t_tmux_keys ui m
t_ok "m offers the draft" t_tmux_wait ui 'Recall postponed message\? \(1 draft\)'
t_tmux_keys ui y
t_ok "the draft comes back" t_tmux_wait ui 'Subject: +Draft here'
t_tmux_keys ui y
t_ok "sent" t_wait_until 20 arrived 4
t_ok "both parts went" sh -c "grep -q 'First part' '$(spool 4 eml)' && grep -q 'Second part' '$(spool 4 eml)'"
t_ok "Drafts is empty" t_wait_until 10 is_count 'folder:Drafts' 0
t_tmux_keys ui x
t_done
