#!/bin/sh
# t6017-ui-crypt: the pager's verdict on signed and encrypted mail. gpg
# signs and encrypts the messages (made here, MIME written by hand); the
# reader draws its verdict on rows of their own, reverse and underlined,
# which no message text gets: a body that says "Good signature" stays
# plain text outside the signed frame. An encrypted message is decrypted
# through gpg-agent (no passphrase here), its protected Subject shown and
# its links listed by u under the pager's numbers; its text attachment is
# read in the reader (Enter), never written to a viewer's temporary file.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_gnupg_home
t_plan 20

t_gpg_key 'Alice <alice@example.org>'
t_gpg_key 'Test User <alice@example.test>'
sock=$(gpgconf --list-dirs agent-socket)
t_ok "the agent's socket path fits in sun_path (${#sock} bytes)" \
    test "${#sock}" -lt 108

# A part signed in its canonical form (CRLF), next to a clear part that
# claims a good signature.
printf 'Content-Type: text/plain; charset=utf-8\r\n\r\nSIGNED-TEXT the meeting is at noon.\r\n' \
    >"$T_TMP/part"
gpg --batch --armor --detach-sign --local-user alice@example.org \
    --output "$T_TMP/part.asc" "$T_TMP/part" 2>/dev/null
{
	printf 'From: Alice <alice@example.org>\nTo: Test User <alice@example.test>\n'
	printf 'Subject: partly signed\nDate: Mon, 1 Jun 2026 10:00:00 +0000\n'
	printf 'Message-ID: <signed@example.org>\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary="mx"\n\n--mx\n'
	printf 'Content-Type: multipart/signed; boundary="sb";\n'
	printf ' protocol="application/pgp-signature"; micalg=pgp-sha256\n\n'
	printf -- '--sb\n'
	tr -d '\r' <"$T_TMP/part"
	printf '\n--sb\nContent-Type: application/pgp-signature\n\n'
	cat "$T_TMP/part.asc"
	printf '\n--sb--\n\n--mx\nContent-Type: text/plain\n\n'
	printf 'Good signature from Alice <alice@example.org> FORGED-LINE\n'
	printf -- '--mx--\n'
} >"$T_TMP/signed.eml"

# Encrypted to the reader's own key, with a protected Subject and an
# attachment.
{
	printf 'Content-Type: multipart/mixed; boundary="in"; protected-headers="v1"\n'
	printf 'Subject: INNER-SUBJECT\n\n--in\nContent-Type: text/plain; charset=utf-8\n\n'
	printf 'DECRYPTED-TEXT ready: https://example.org/inner-link\n--in\n'
	printf 'Content-Type: text/plain; name="plan.txt"\n'
	printf 'Content-Disposition: attachment; filename="plan.txt"\n\n'
	printf 'ATTACHED-SECRET\n--in--\n'
} | gpg --batch --armor --trust-model always --encrypt \
    --recipient alice@example.test >"$T_TMP/enc.asc" 2>/dev/null
{
	printf 'From: Alice <alice@example.org>\nTo: Test User <alice@example.test>\n'
	printf 'Subject: ...\nDate: Mon, 1 Jun 2026 09:00:00 +0000\n'
	printf 'Message-ID: <enc@example.org>\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/encrypted; boundary="eb";\n'
	printf ' protocol="application/pgp-encrypted"\n\n'
	printf -- '--eb\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n'
	printf -- '--eb\nContent-Type: application/octet-stream\n\n'
	cat "$T_TMP/enc.asc"
	printf '\n--eb--\n'
} >"$T_TMP/enc.eml"

conf=$HOME/conf
t_satchel_config "$conf"
"$SATCHEL" -c "$conf" import "$T_TMP/signed.eml" >/dev/null 2>&1
conf2=$HOME/conf2
t_satchel_config "$conf2" general.store="$T_TMP/store2"
"$SATCHEL" -c "$conf2" import "$T_TMP/enc.eml" >/dev/null 2>&1

# The first row matching the ERE, with its attributes as escape sequences
# (captured alone: tmux writes attributes as changes from the row above).
row() {
	r_=$(t_tmux_screen ui | grep -n -E -- "$1" | head -n 1 | cut -d: -f1)
	test -n "$r_" || return 0
	t_tmux_ capture-pane -e -p -t ui -S $((r_ - 1)) -E $((r_ - 1))
}

t_tmux_start ui 100 30 "$SATCHEL" -c "$conf"
t_ok "the index is drawn" t_tmux_wait ui 'INBOX \(1 message' 20
t_tmux_keys ui Enter
t_ok "the pager shows the verdict" \
    t_tmux_wait ui 'Good signature from Alice <alice@example.org> *$' 10
t_like "it says only part of the message is signed" \
    "$(t_tmux_screen ui)" 'Only part of this message is signed'
verdict=$(row 'Good signature from Alice <alice@example.org> *$')
forged=$(row 'FORGED-LINE')
t_like "the verdict row is reverse and underlined" "$verdict" \
    "$(printf '\033')\\[([0-9;]*;)?(4;[0-9;]*7|7;[0-9;]*4)[;m]"
t_unlike "the forged line in the body is not" "$forged" \
    "$(printf '\033')\\[[0-9;]*(4|7)[;m]"
t_like "the signed text is shown" "$(t_tmux_screen ui)" 'SIGNED-TEXT'
# The forged line comes after the frame's end, never inside it.
t_like "the forged line is after the end of the signed part" \
    "$(t_tmux_screen ui | grep -n -e 'End of the signed part' -e FORGED-LINE |
      cut -d: -f1 | tr '\n' ' ')" '^[0-9]+ [0-9]+ $'
end=$(t_tmux_screen ui | grep -n 'End of the signed part' | cut -d: -f1)
fl=$(t_tmux_screen ui | grep -n 'FORGED-LINE' | cut -d: -f1)
t_ok "(end at $end, forged at $fl)" test "$end" -lt "$fl"
t_tmux_keys ui h
t_ok "h shows the fingerprint" t_tmux_wait ui 'Fingerprint: [0-9A-F]{40}' 10
t_tmux_stop ui

t_tmux_start ui 100 30 "$SATCHEL" -c "$conf2"
t_ok "the second index is drawn" t_tmux_wait ui 'INBOX \(1 message' 20
t_tmux_keys ui Enter
t_ok "the encrypted message is decrypted" t_tmux_wait ui 'DECRYPTED-TEXT' 20
t_like "with its protected subject" "$(t_tmux_screen ui)" \
    'Subject: INNER-SUBJECT'
t_like "its attachment is numbered after the message's own parts" \
    "$(t_tmux_screen ui)" 'Attachment 4: plan\.txt \(text/plain\)'
t_tmux_keys ui C-b
t_ok "u lists the link inside the decrypted part" \
    t_tmux_wait ui '^\[1\] https://example\.org/inner-link' 10
t_tmux_keys ui q v
t_ok "v lists the decrypted attachment" \
    t_tmux_wait ui '4 +\[text/plain.*plan\.txt \(attachment\) \(decrypted\)' 10
mkdir -p "$T_TMP/out"
t_tmux_keys ui j j j s C-u "$T_TMP/out/" Enter
t_ok "s saves it where the user said" t_tmux_wait ui 'Saved to .*out/plan\.txt' 10
t_is "with the decrypted content" "$(cat "$T_TMP/out/plan.txt" 2>&1)" \
    'ATTACHED-SECRET'
# Text is read in the reader, in memory: no viewer, no temporary file.
t_tmux_keys ui Enter
t_ok "Enter reads the decrypted text in the reader" \
    t_tmux_wait ui '^ATTACHED-SECRET' 10
t_is "and writes it to no temporary file" \
    "$(grep -rl ATTACHED-SECRET "$TMPDIR" "$HOME" 2>/dev/null)" ""
t_tmux_stop ui
t_done
