#!/bin/sh
# t1060-store-crypt-search: is:signed and is:encrypted find what gpg signed
# and encrypted; the text of an encrypted message stays out of the index
# (and off the disk) unless index_decrypted is on, and a word search says
# how many encrypted messages it could only match by their headers.
. "$top_srcdir/tests/lib.sh"
t_init
t_gnupg_home
t_plan 10

t_gpg_key 'Alice <alice@example.org>'
t_gpg_key 'Test User <alice@example.test>'

printf 'Content-Type: text/plain\r\n\r\nSignedword here.\r\n' >"$T_TMP/part"
gpg --batch --armor --detach-sign --local-user alice@example.org \
    --output "$T_TMP/part.asc" "$T_TMP/part" 2>/dev/null
{
	printf 'From: alice@example.org\nSubject: signed one\nMessage-ID: <s@x>\n'
	printf 'MIME-Version: 1.0\nContent-Type: multipart/signed; boundary="b";\n'
	printf ' protocol="application/pgp-signature"; micalg=pgp-sha256\n\n--b\n'
	tr -d '\r' <"$T_TMP/part"
	printf '\n--b\nContent-Type: application/pgp-signature\n\n'
	cat "$T_TMP/part.asc"
	printf '\n--b--\n'
} >"$T_TMP/signed.eml"
printf 'Content-Type: text/plain\n\nSecretword zebra.\n' |
    gpg --batch --armor --trust-model always --encrypt \
    --recipient alice@example.test >"$T_TMP/enc.asc" 2>/dev/null
{
	printf 'From: alice@example.org\nSubject: sealed one\nMessage-ID: <e@x>\n'
	printf 'MIME-Version: 1.0\nContent-Type: multipart/encrypted; boundary="e";\n'
	printf ' protocol="application/pgp-encrypted"\n\n'
	printf -- '--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n'
	printf -- '--e\nContent-Type: application/octet-stream\n\n'
	cat "$T_TMP/enc.asc"
	printf '\n--e--\n'
} >"$T_TMP/enc.eml"
printf 'From: bob@example.org\nSubject: plain one\nMessage-ID: <p@x>\n\nPlainword.\n' \
    >"$T_TMP/plain.eml"

conf=$HOME/conf
t_satchel_config "$conf"
for m in signed enc plain; do
	"$SATCHEL" -c "$conf" import "$T_TMP/$m.eml" >/dev/null 2>&1
done
count() {
	"$SATCHEL" -c "$conf" search --count "$@" 2>/dev/null
}
t_is "is:signed finds the signed message" "$(count is:signed)" 1
t_is "is:encrypted finds the encrypted one" "$(count is:encrypted)" 1
t_is "NOT is:signed NOT is:encrypted finds the plain one" \
    "$(count NOT is:signed NOT is:encrypted)" 1
t_is "the signed text is searchable" "$(count Signedword)" 1
t_is "the encrypted text is not indexed by default" "$(count Secretword)" 0
"$SATCHEL" -c "$conf" search Secretword >/dev/null 2>"$T_TMP/err"
t_like "search says an encrypted message was not searched" \
    "$(cat "$T_TMP/err")" 'text of 1 encrypted message was not searched'
t_fails "the plain text is nowhere in the store" \
    grep -r -q -a Secretword "$T_TMP/store"

conf2=$HOME/conf2
t_satchel_config "$conf2" general.store="$T_TMP/store2" \
    general.index_decrypted=true
"$SATCHEL" -c "$conf2" import "$T_TMP/enc.eml" >/dev/null 2>&1
t_is "with index_decrypted its text is found" \
    "$("$SATCHEL" -c "$conf2" search --count Secretword 2>/dev/null)" 1
"$SATCHEL" -c "$conf2" search Secretword >/dev/null 2>"$T_TMP/err2"
t_unlike "and search has nothing to excuse" "$(cat "$T_TMP/err2")" \
    'not searched'

if test -n "${SATCHEL_CORPUS:-}" && test -d "$SATCHEL_CORPUS/crypto"; then
	conf3=$HOME/conf3
	t_satchel_config "$conf3" general.store="$T_TMP/store3"
	"$SATCHEL" -c "$conf3" import "$SATCHEL_CORPUS"/crypto/*.eml >/dev/null 2>&1
	n=$("$SATCHEL" -c "$conf3" search --count is:signed 2>/dev/null)
	t_ok "the corpus's signed messages are found ($n)" test "${n:-0}" -gt 10
else
	t_skip "no corpus"
fi
t_done
