#!/bin/sh
# t3211-send-auth: SMTP AUTH needs no Cyrus SASL plugin. Cyrus SASL looks
# for its plugins in $SASL_PATH: here an empty directory, as on a machine
# without libsasl2-modules. PLAIN and LOGIN against the real server
# (aiosmtpd over STARTTLS), CRAM-MD5 and PLAIN with a checked password and
# OAUTHBEARER against the scripted one, and a mechanism that still needs a
# plugin names the Debian package.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd python3 python3
t_need_cmd aiosmtpd python3-aiosmtpd
t_plan 21

SASL_PATH=$T_TMP/no-sasl-plugins
mkdir -p "$SASL_PATH"
export SASL_PATH
queue_one() {
	printf 'body\n' | "$SATCHEL" -c "$1" compose --to bob@example.test \
	    --subject "$2" >/dev/null
}

# --- the real server: PLAIN and LOGIN, right and wrong password ---------------
t_smtp_start
for mech in PLAIN LOGIN auto; do
	c=$HOME/conf-$mech
	t_satchel_config "$c" "smtp_auth=$mech" "general.store=$T_TMP/store-$mech"
	queue_one "$c" "auth $mech"
	t_ok "AUTH $mech: sent with no SASL plugin" "$SATCHEL" -c "$c" send
done
t_is "the three arrived" "$(t_smtp_count)" 3
c=$HOME/conf-wrong
t_satchel_config "$c" smtp_auth=LOGIN "smtp_password_command=echo wrong-pw" \
    "general.store=$T_TMP/store-wrong"
queue_one "$c" "wrong password"
"$SATCHEL" -c "$c" send >"$T_TMP/out" 2>&1
t_fails "a wrong password is refused" test "$?" = 0
t_like "with the server's words" "$(cat "$T_TMP/out")" '535 5\.7\.8'
t_unlike "not a missing plugin" "$(cat "$T_TMP/out")" 'SASL|plugin'
t_is "nothing more arrived" "$(t_smtp_count)" 3

# --- the scripted server -------------------------------------------------------
# fake NAME ARGS...: a scripted server in $T_TMP/NAME; sets port.
fake() {
	d=$T_TMP/$1
	shift
	mkdir -p "$d"
	t_spawn "fake-$(basename "$d")" "$PYTHON" "$top_srcdir/tests/fake/smtp-fake.py" \
	    --dir "$d" "$@"
	t_wait_file "$d/port"
	port=$(cat "$d/port")
}
# conf NAME PORT PASSWORD [KEY=VALUE...]: plaintext config for the fake.
conf() {
	c=$HOME/conf-$1
	p=$2
	pw=$3
	shift 3
	{
		echo "[general]"
		echo "store = $T_TMP/store-$(basename "$c")"
		echo "[account test]"
		echo "address = Test User <alice@example.test>"
		echo "smtp_host = 127.0.0.1"
		echo "smtp_port = $p"
		echo "smtp_tls = none"
		echo "smtp_user = alice@example.test"
		echo "smtp_password_command = echo $pw"
		echo "allow_plaintext = true"
		echo "timeout = $(t_timeout 5)"
		for kv in "$@"; do echo "$kv"; done
	} | t_write_config "$c"
}

fake cram --check-password s3cret --mechs "SCRAM-SHA-256 CRAM-MD5"
conf cram "$port" s3cret
queue_one "$c" "cram"
t_ok "auto picks CRAM-MD5 over a plugin's SCRAM" "$SATCHEL" -c "$c" send
t_like "AUTH CRAM-MD5 went out" "$(cat "$T_TMP/cram/commands")" '^AUTH CRAM-MD5 \*\*\*$'
t_like "the server checked the digest" "$(cat "$T_TMP/cram/commands")" \
    '^AUTHED CRAM-MD5 alice@example\.test$'
t_is "it arrived" "$(ls "$T_TMP/cram/spool" | grep -c '\.eml$')" 1
conf cramwrong "$port" wrong-pw
queue_one "$c" "cram wrong"
"$SATCHEL" -c "$c" send >"$T_TMP/out" 2>&1
t_fails "CRAM-MD5 with a wrong password is refused" test "$?" = 0
t_like "with the server's words" "$(cat "$T_TMP/out")" '535 5\.7\.8'

conf scram "$port" s3cret "smtp_auth = SCRAM-SHA-256"
queue_one "$c" "scram"
"$SATCHEL" -c "$c" send >"$T_TMP/out" 2>&1
t_fails "a mechanism without its plugin fails" test "$?" = 0
t_like "the error names the Debian package" "$(cat "$T_TMP/out")" \
    'SCRAM-SHA-256.*libsasl2-modules'
t_is "no AUTH SCRAM was sent" \
    "$(grep -c '^AUTH SCRAM' "$T_TMP/cram/commands")" 0

fake plain --check-password s3cret --mechs "PLAIN OAUTHBEARER"
conf plain "$port" s3cret
queue_one "$c" "plain"
t_ok "PLAIN with an initial response" "$SATCHEL" -c "$c" send
t_like "the server checked the password" "$(cat "$T_TMP/plain/commands")" \
    '^AUTHED PLAIN alice@example\.test$'
conf bearer "$port" unused "smtp_auth = OAUTHBEARER" \
    "oauth2_token_command = echo good-token"
queue_one "$c" "bearer"
t_ok "OAUTHBEARER with a good token" "$SATCHEL" -c "$c" send
t_like "the token went as OAUTHBEARER" "$(cat "$T_TMP/plain/commands")" \
    '^OAUTH OAUTHBEARER user=alice$'
t_done
