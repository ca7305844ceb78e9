#!/bin/sh
# t2004-fetch-pin-forms: a pinned certificate fingerprint (pop3_fingerprint)
# is accepted in the forms people paste: OpenSSL's "SHA256 Fingerprint=AB:..",
# "SHA256:" with hex or base64, plain lower-case hex. A pin that is none of
# these is refused with a message that says what to write.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd openssl openssl
t_need_cmd dovecot dovecot-pop3d
t_plan 8
t_dovecot_start

der=$T_TMP/server.der
openssl x509 -in "$CA_DIR/server.pem" -outform DER -out "$der"
ossl=$(openssl x509 -in "$der" -inform DER -noout -fingerprint -sha256)
hex=$(openssl dgst -sha256 -r "$der" | cut -d' ' -f1)
b64=$(openssl dgst -sha256 -binary "$der" | base64 | tr -d '\n=')

# fetch_with PIN: a fetch trusting only the pin (the CA is another one).
fetch_with() {
	t_satchel_config "$HOME/conf" "ca_file=$OTHER_CA_FILE" \
	    "pop3_fingerprint=$1"
	"$SATCHEL" -c "$HOME/conf" fetch >"$T_TMP/out" 2>&1
	echo $?
}
t_is "OpenSSL's output as it is" "$(fetch_with "$ossl")" 0
t_is "SHA256: and base64 (no padding)" "$(fetch_with "SHA256:$b64")" 0
t_is "SHA256: and base64 (padded)" "$(fetch_with "SHA256:$b64=")" 0
t_is "sha256: and lower-case hex" "$(fetch_with "sha256:$hex")" 0
t_is "lower-case hex alone" "$(fetch_with "$hex")" 0
t_is "a pin of the wrong length: refused (77)" \
    "$(fetch_with "SHA256:abc")" 77
t_like "it says what to write" "$(cat "$T_TMP/out")" \
    'not a SHA-256 certificate fingerprint'
t_is "another certificate's pin: refused (77)" \
    "$(fetch_with "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")" 77
t_done
