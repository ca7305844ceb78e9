#!/bin/sh
# t6019-ui-pinentry: decrypting a message whose key has a passphrase. The
# reader hands the terminal to gpg-agent's pinentry-curses (GPG_TTY is set
# from the terminal by satchel, as an SSH session needs), the passphrase is
# typed there, and the screen comes back with the decrypted text.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd pinentry-curses pinentry-curses
t_gnupg_home
t_plan 5

unset GPG_TTY
echo "pinentry-program $(command -v pinentry-curses)" \
    >"$GNUPGHOME/gpg-agent.conf"
gpg --batch --pinentry-mode loopback --passphrase 'open sesame' \
    --quick-gen-key 'Test User <alice@example.test>' future-default default \
    never >/dev/null 2>&1
printf 'Content-Type: text/plain\n\nUNLOCKED-TEXT behind a passphrase.\n' |
    gpg --batch --armor --trust-model always --encrypt \
    --recipient alice@example.test >"$T_TMP/enc.asc" 2>/dev/null
{
	printf 'From: Alice <alice@example.org>\nTo: alice@example.test\n'
	printf 'Subject: locked\nMessage-ID: <l@example.org>\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/encrypted; boundary="e";\n'
	printf ' protocol="application/pgp-encrypted"\n\n'
	printf -- '--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n'
	printf -- '--e\nContent-Type: application/octet-stream\n\n'
	cat "$T_TMP/enc.asc"
	printf '\n--e--\n'
} >"$T_TMP/enc.eml"
# The agent that made the key forgets its passphrase.
gpgconf --kill gpg-agent
conf=$HOME/conf
t_satchel_config "$conf"
"$SATCHEL" -c "$conf" import "$T_TMP/enc.eml" >/dev/null 2>&1

t_tmux_start ui 100 30 "$SATCHEL" -c "$conf"
t_ok "the index is drawn" t_tmux_wait ui 'INBOX \(1 message' 20
t_tmux_keys ui Enter
t_ok "pinentry asks for the passphrase in the terminal" \
    t_tmux_wait ui 'Passphrase' 20
t_tmux_keys ui 'open sesame' Enter
t_ok "the decrypted text is shown" t_tmux_wait ui 'UNLOCKED-TEXT' 20
t_like "as decrypted" "$(t_tmux_screen ui)" 'encrypted \(PGP/MIME\): decrypted'
t_unlike "the pinentry is gone from the screen" "$(t_tmux_screen ui)" \
    'Passphrase:'
t_tmux_stop ui
t_done
