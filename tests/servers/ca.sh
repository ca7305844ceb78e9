#!/bin/sh
# ca.sh DIR: make a throwaway certificate authority for one test run.
#
# Writes into DIR (created if needed):
#   ca.pem, ca-key.pem           the CA that signs the servers' certificate
#   server.pem, server-key.pem   localhost certificate, SAN DNS:localhost and
#                                IP:127.0.0.1, signed by ca.pem
#   other-ca.pem                 an unrelated CA: verifying against it must fail
# Keys are ECDSA P-256, so the whole run takes a few milliseconds. Uses
# certtool (gnutls-bin) when present, otherwise openssl.
set -eu

dir=${1:?usage: ca.sh DIR}
mkdir -p "$dir"
cd "$dir"
umask 077

with_certtool() {
	cat >ca.tmpl <<'EOF'
cn = "Satchel Test CA"
organization = "Satchel tests"
serial = 1
expiration_days = 30
ca
cert_signing_key
crl_signing_key
EOF
	cat >other.tmpl <<'EOF'
cn = "Unrelated Test CA"
organization = "Somebody else"
serial = 2
expiration_days = 30
ca
cert_signing_key
EOF
	cat >server.tmpl <<'EOF'
cn = "localhost"
organization = "Satchel tests"
serial = 3
expiration_days = 30
dns_name = "localhost"
ip_address = "127.0.0.1"
tls_www_server
signing_key
encryption_key
EOF
	for k in ca-key other-key server-key; do
		certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 \
		    --outfile "$k.pem" >/dev/null 2>&1
	done
	certtool --generate-self-signed --load-privkey ca-key.pem \
	    --template ca.tmpl --outfile ca.pem >/dev/null 2>&1
	certtool --generate-self-signed --load-privkey other-key.pem \
	    --template other.tmpl --outfile other-ca.pem >/dev/null 2>&1
	certtool --generate-certificate --load-privkey server-key.pem \
	    --load-ca-certificate ca.pem --load-ca-privkey ca-key.pem \
	    --template server.tmpl --outfile server.pem >/dev/null 2>&1
}

with_openssl() {
	for k in ca-key other-key server-key; do
		openssl ecparam -name prime256v1 -genkey -noout -out "$k.pem"
	done
	openssl req -x509 -new -key ca-key.pem -days 30 -subj "/CN=Satchel Test CA" \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign -out ca.pem 2>/dev/null
	openssl req -x509 -new -key other-key.pem -days 30 \
	    -subj "/CN=Unrelated Test CA" \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign -out other-ca.pem 2>/dev/null
	openssl req -new -key server-key.pem -subj "/CN=localhost" \
	    -out server.csr 2>/dev/null
	printf '%s\n' 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
	    'basicConstraints=CA:FALSE' 'extendedKeyUsage=serverAuth' \
	    'keyUsage=digitalSignature,keyEncipherment' >server.ext
	openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem \
	    -CAcreateserial -days 30 -extfile server.ext -out server.pem 2>/dev/null
}

if command -v certtool >/dev/null 2>&1; then
	with_certtool
elif command -v openssl >/dev/null 2>&1; then
	with_openssl
else
	echo "ca.sh: neither certtool (gnutls-bin) nor openssl is installed" >&2
	exit 1
fi
# Certificates are public; servers running as other users must read them.
chmod 644 ca.pem other-ca.pem server.pem
test -s server.pem && test -s other-ca.pem
