#!/bin/sh
# t6018-ui-compose-crypt: p on the compose screen chooses sign/encrypt; the
# queued bytes are the final signed and encrypted message, which gpg
# outside satchel decrypts and verifies. With encryption asked for and a
# recipient without a key, nothing is queued in clear unless the user says
# so.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_gnupg_home
t_plan 20

t_gpg_key 'Me Myself <me@example.org>'
t_gpg_key 'Dave <dave@example.org>'

edit=$T_TMP/edit.sh
cat >"$edit" <<'EOS'
#!/bin/sh
sed -i "s/^To:.*\$/To: $(cat "$(dirname "$0")/to")/; s/^Subject:.*\$/Subject: Plans/" "$1"
echo "BODY-MARKER the plan." >>"$1"
EOS
chmod +x "$edit"
echo 'Dave <dave@example.org>' >"$T_TMP/to"
conf=$HOME/conf
t_write_config "$conf" <<EOC
[general]
store = $T_TMP/store
editor = $edit
send_interval = 86400
[account me]
address = Me Myself <me@example.org>
EOC

outbox() {
	find "$T_TMP/store" -path '*Outbox*' -path '*/cur/*' -type f | sort
}
# The PGP armor of the newest queued message, decrypted by gpg.
decrypt_last() {
	f=$(outbox | tail -n 1)
	sed -n '/-----BEGIN PGP MESSAGE-----/,/-----END PGP MESSAGE-----/p' "$f" |
	    tr -d '\r' | gpg --batch --status-fd 2 --decrypt 2>"$T_TMP/status"
}

t_tmux_start ui 100 24 "$SATCHEL" -c "$conf"
t_ok "index is drawn" t_tmux_wait ui 'satchel: INBOX'
t_tmux_keys ui m
t_ok "the compose screen shows no security" t_tmux_wait ui 'Security: +none'
t_like "p is offered" "$(t_tmux_screen ui | head -1)" 'p:security'
t_tmux_keys ui p b
t_ok "p b: sign and encrypt" t_tmux_wait ui 'Security: +sign and encrypt \(OpenPGP\)'
t_tmux_keys ui y
t_ok "y queues it" t_tmux_wait ui 'Queue:1'
t_unlike "the queued bytes hold no clear text" "$(cat $(outbox))" 'BODY-MARKER'
t_like "the queued message is PGP/MIME encrypted" "$(cat $(outbox))" \
    'multipart/encrypted'
t_like "gpg decrypts it outside satchel" "$(decrypt_last)" 'BODY-MARKER the plan'
t_like "and finds a good signature" "$(cat "$T_TMP/status")" 'GOODSIG'

# No key for a recipient: told, and nothing goes out in clear.
echo 'Dave <dave@example.org>, Carol <carol@example.net>' >"$T_TMP/to"
t_tmux_keys ui m
t_ok "second message: compose screen" t_tmux_wait ui 'Carol'
t_tmux_keys ui p e y
t_ok "the user is told about the missing key" \
    t_tmux_wait ui 'No usable key for carol@example\.net'
t_tmux_keys ui n
t_ok "saying no keeps the message unsent" t_tmux_wait ui 'Not sent: no key for carol'
t_is "nothing more was queued" "$(outbox | wc -l | tr -d ' ')" 1
t_like "the compose screen is still there" "$(t_tmux_screen ui)" 'Security: +encrypt'
t_tmux_keys ui q y
t_tmux_stop ui

# A reply to encrypted mail is signed and encrypted unless changed.
printf 'Content-Type: text/plain\n\nSecret question.\n' |
    gpg --batch --armor --trust-model always --encrypt \
    --recipient me@example.org >"$T_TMP/enc.asc" 2>/dev/null
{
	printf 'From: Dave <dave@example.org>\nTo: me@example.org\nSubject: Q\n'
	printf 'Message-ID: <q@example.org>\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/encrypted; boundary="e";\n'
	printf ' protocol="application/pgp-encrypted"\n\n'
	printf -- '--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n'
	printf -- '--e\nContent-Type: application/octet-stream\n\n'
	cat "$T_TMP/enc.asc"
	printf '\n--e--\n'
} >"$T_TMP/enc.eml"
"$SATCHEL" -c "$conf" import "$T_TMP/enc.eml" >/dev/null 2>&1
echo 'Dave <dave@example.org>' >"$T_TMP/to"
t_tmux_start ui2 100 24 "$SATCHEL" -c "$conf"
t_ok "the encrypted message is listed" t_tmux_wait ui2 'INBOX \(1 message'
t_tmux_keys ui2 r
t_ok "a reply to it is to be signed and encrypted" \
    t_tmux_wait ui2 'Security: +sign and encrypt'
t_tmux_stop ui2

# The account's defaults: crypt_sign, and crypt_encrypt_if_possible,
# which encrypts because Dave has a key.
conf2=$HOME/conf2
t_write_config "$conf2" <<EOC
[general]
store = $T_TMP/store2
editor = $edit
send_interval = 86400
[account me]
address = Me Myself <me@example.org>
crypt_sign = true
crypt_encrypt_if_possible = true
EOC
outbox2() {
	find "$T_TMP/store2" -path '*Outbox*' -path '*/cur/*' -type f
}
t_tmux_start ui3 100 24 "$SATCHEL" -c "$conf2"
t_ok "third reader" t_tmux_wait ui3 'satchel: INBOX'
t_tmux_keys ui3 m
t_ok "the defaults show" t_tmux_wait ui3 \
    'Security: +sign, encrypt if every recipient has a key \(OpenPGP\)'
t_tmux_keys ui3 y
t_ok "y queues it" t_tmux_wait ui3 'Queue:1'
t_like "every recipient had a key: it went encrypted" \
    "$(cat $(outbox2))" 'multipart/encrypted'
t_tmux_stop ui3
t_done
