#!/bin/sh
# t6014-ui-identities: with two accounts, a reply goes out from the account
# the original was addressed to (its own address, or one of its
# alternates); a From: edited in the editor chooses the account, one that
# is no account's is refused, and f on the confirmation screen changes
# the sender. Checked at the real SMTP server: the envelope (MAIL FROM)
# and the From header of what arrived.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd aiosmtpd python3-aiosmtpd
t_plan 16
t_smtp_start

md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
msg() {
	# msg FILE TO SUBJECT [EXTRA-HEADER]
	{
		test -n "${4:-}" && printf '%s\n' "$4"
		printf 'From: Carol <carol@example.test>\nTo: %s\nSubject: %s\nDate: Mon, 0%s Jan 2024 10:00:00 +0000\nMessage-ID: <%s@example.test>\n\nHello.\n' \
		    "$2" "$3" "$1" "$1"
	} >"$md/new/$1.eml"
}
# Newest first in the index: 4, 3, 2, 1.
msg 1 'jane@home.test' 'For home'
msg 2 'Jane <jane@work.test>' 'For work'
msg 3 'list@lists.test' 'Through the shop' 'Delivered-To: sales@shop.test'
msg 4 'jane@home.test' 'Edited from'

edit=$T_TMP/edit.sh
conf=$HOME/conf
smtp() {
	printf 'smtp_host = %s\nsmtp_port = %s\nsmtp_tls = starttls\nsmtp_user = %s\nsmtp_password_command = echo %s\nca_file = %s\ntimeout = %s\n' \
	    "$SMTP_HOST" "$SMTP_PORT" "$SMTP_USER" "$SMTP_PASS" "$CA_FILE" "$(t_timeout 10)"
}
{
	printf '[general]\nstore = %s\neditor = %s\nsend_interval = 86400\n' "$T_TMP/store" "$edit"
	printf '[account home]\naddress = Jane Home <jane@home.test>\n'
	smtp
	printf '[account work]\naddress = Jane Doe <jane@work.test>\nalternates = sales@shop.test, *@support.work.test\n'
	smtp
} | t_write_config "$conf"
"$SATCHEL" -c "$conf" import "$md" >/dev/null 2>&1 || t_diag "import failed"

# envelope N: MAIL FROM of the Nth message the server received.
envelope() { sed -n 's/^MAIL FROM:<\(.*\)>$/\1/p' "$SMTP_SPOOL/$(printf '%04d' "$1").env" 2>/dev/null; }
from_header() { sed -n 's/^From: //p' "$SMTP_SPOOL/$(printf '%04d' "$1").eml" 2>/dev/null | head -1 | tr -d '\r'; }
arrived() { test "$(t_smtp_count)" -ge "$1"; }
say() {
	printf '#!/bin/sh\n%s\necho "Reply text." >>"$1"\n' "$1" >"$edit"
	chmod +x "$edit"
}

t_tmux_start ui 100 24 "$SATCHEL" -c "$conf"
t_ok "index is drawn" t_tmux_wait ui 'Edited from'

# 1. Addressed to the work account: the reply is from work.
say ':'
t_tmux_keys ui j j r
t_ok "reply to work's mail: from work" t_tmux_wait ui 'From: +Jane Doe <jane@work\.test> +\(account work\)'
t_tmux_keys ui y
t_ok "sent" t_wait_until 20 arrived 1
t_is "envelope from work" "$(envelope 1)" 'jane@work.test'
t_is "From header from work" "$(from_header 1)" 'Jane Doe <jane@work.test>'

# 2. Delivered to an alternate of work: from that address, through work.
t_tmux_keys ui k r
t_ok "reply to an alternate: from it" t_tmux_wait ui 'From: +Jane Doe <sales@shop\.test> +\(account work\)'
t_tmux_keys ui y
t_ok "sent" t_wait_until 20 arrived 2
t_is "envelope from the alternate" "$(envelope 2)" 'sales@shop.test'

# 3. From edited in the editor to work's address: sent through work.
say "sed -i 's/^From:.*\$/From: Jane Doe <jane@work.test>/' \"\$1\""
t_tmux_keys ui k r
t_ok "an edited From chooses the account" t_tmux_wait ui 'From: +Jane Doe <jane@work\.test> +\(account work\)'
t_tmux_keys ui y
t_ok "sent" t_wait_until 20 arrived 3
t_is "envelope from the edited From" "$(envelope 3)" 'jane@work.test'

# 4. A From that is no account's is refused, never ignored.
say "sed -i 's/^From:.*\$/From: Mallory <boss@elsewhere.test>/' \"\$1\""
t_tmux_keys ui j j j r
t_ok "a From of no account is refused" t_tmux_wait ui 'boss@elsewhere\.test is not the address of any account'
t_tmux_keys ui y
sleep 1
t_is "nothing was queued" "$("$SATCHEL" -c "$conf" queue 2>&1 | grep -c 'elsewhere')" 0
# f changes the sender: an account's name is enough.
t_tmux_keys ui f C-u
t_tmux_keys ui -l home	# literally: tmux reads "home" as the Home key
t_tmux_keys ui Enter
t_ok "f: the sender is home's" t_tmux_wait ui 'From: +Jane Home <jane@home\.test> +\(account home\)'
t_tmux_keys ui y
t_ok "sent" t_wait_until 20 arrived 4
t_is "envelope from home" "$(envelope 4)" 'jane@home.test'
t_tmux_keys ui x
t_done
