#!/bin/sh
# install-deps.sh: install every package needed to build, test and demo
# satchel on Debian 12 (bookworm) and to use the reader (an editor, the MIME
# type database, CA certificates, man). Every package is named here: apt
# runs with --no-install-recommends, so nothing is left to a Recommends.
# Idempotent: when everything is present it changes nothing and does not
# touch the network. On a fresh minimal Debian 12 (debootstrap --variant=
# minbase) it installs 238 packages: 248 MB to download, 1.1 GB on disk.
# (gnupg, gpgsm, gpg-agent and pinentry-curses for OpenPGP and S/MIME were
# already pulled in through GMime's libgpgme11, "gnupg | gpg"; they are
# named so that apt never settles for gpg alone.)
#
# Run as root (or as a user with sudo). Installing dovecot must not start a
# system mail server: while apt runs, a policy-rc.d forbids service starts.
set -eu

PACKAGES="build-essential autoconf automake autopoint gettext pkg-config
 libglib2.0-dev libetpan-dev libgmime-3.0-dev libsqlite3-dev sqlite3
 libncurses-dev libcmocka-dev libgnutls28-dev gnutls-bin
 dovecot-core dovecot-pop3d python3 python3-aiosmtpd
 tmux bsdutils valgrind clang libclang-rt-14-dev locales xz-utils procps groff-base
 postfix iproute2 git git-email libmailtools-perl
 shared-mime-info ca-certificates openssl vim-tiny vim man-db less
 gnupg gpg gpg-agent gpgsm gpgconf pinentry-curses"
LOCALE=de_DE.UTF-8

if test "$(id -u)" = 0; then
	SUDO=
else
	SUDO=sudo
fi

missing=
for p in $PACKAGES; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $st in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

if test -n "$missing"; then
	echo "install-deps: installing:$missing"
	policy=/usr/sbin/policy-rc.d
	made_policy=
	if ! test -e "$policy"; then
		# Exit status 101 tells invoke-rc.d/deb-systemd-invoke "action
		# forbidden": packages install but no daemon is started.
		printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
		$SUDO chmod 755 "$policy"
		made_policy=1
		trap '$SUDO rm -f "$policy"' EXIT
		trap 'exit 130' INT
		trap 'exit 143' TERM
	fi
	export DEBIAN_FRONTEND=noninteractive
	# Postfix only for the tests' private instances (tests/servers/
	# postfix.sh): no system configuration, no system mail server.
	case $missing in
	*postfix*)
		echo "postfix postfix/main_mailer_type select No configuration" |
		    $SUDO debconf-set-selections ;;
	esac
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
	# shellcheck disable=SC2086
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -q -y \
	    --no-install-recommends $missing
	if test -n "$made_policy"; then
		$SUDO rm -f "$policy"
		trap - EXIT
	fi
	# Package scripts on a systemd machine may still have enabled the
	# service for the next boot; the tests run their own private server.
	if command -v systemctl >/dev/null 2>&1 &&
	    systemctl is-system-running >/dev/null 2>&1; then
		case $missing in
		*dovecot-core*)
			$SUDO systemctl disable --now dovecot.service \
			    dovecot.socket >/dev/null 2>&1 || true ;;
		esac
		case $missing in
		*postfix*)
			$SUDO systemctl disable --now postfix.service \
			    >/dev/null 2>&1 || true ;;
		esac
	fi
else
	echo "install-deps: all packages are installed"
fi

# The translation test needs a German locale.
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\{0,1\}8$'; then
	echo "install-deps: generating the $LOCALE locale"
	if test -f /etc/locale.gen &&
	    grep -q "^# *$LOCALE UTF-8" /etc/locale.gen; then
		$SUDO sed -i "s/^# *\($LOCALE UTF-8\)/\1/" /etc/locale.gen
	elif ! grep -q "^$LOCALE UTF-8" /etc/locale.gen 2>/dev/null; then
		echo "$LOCALE UTF-8" | $SUDO tee -a /etc/locale.gen >/dev/null
	fi
	$SUDO locale-gen >/dev/null
fi
