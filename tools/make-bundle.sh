#!/bin/sh
# tools/make-bundle.sh: satchel as one directory that runs where it is
# unpacked (a USB stick, /dev/shm, $HOME), with no install and no root, on
# any x86_64 Linux whatever its C library. `make bundle` runs it.
#
#   sh tools/make-bundle.sh BINARY VERSION GMO_DIR [OUT_DIR]
#
# BINARY is the built satchel, GMO_DIR the directory with the compiled
# catalogues (LANG.gmo). Writes OUT_DIR/satchel-VERSION-ARCH-linux.tar.gz
# (OUT_DIR: the current directory) holding satchel-VERSION-ARCH-linux/:
#
#   satchel             the launcher (POSIX sh): runs libexec/satchel with
#                       the bundle's own dynamic loader and libraries
#   SATCHEL-BUNDLE      what this is; also the mark --remove-bundle checks
#   libexec/satchel     the program (stripped)
#   lib/                every shared library it needs (ldd), the C library
#                       and its loader included; lib/gconv: the C library's
#                       character set converters (mail comes in many)
#   share/terminfo      entries for the common terminals
#   share/locale        the catalogues (German)
#   share/mime          shared-mime-info's tables (attachment types)
#   share/ca-certificates.crt   this machine's CA store, used only where
#                       the system has none
#
# Only files of the build machine are copied (a Debian 12 with the
# packages of tools/install-deps.sh); nothing is downloaded.
set -eu

if test $# -lt 3; then
	echo "usage: make-bundle.sh BINARY VERSION GMO_DIR [OUT_DIR]" >&2
	exit 64
fi
bin=$1 version=$2 gmodir=$3 out=${4:-.}
arch=$(uname -m)
name=satchel-$version-$arch-linux
say() { echo "make-bundle: $*"; }

test -x "$bin" || { say "no program $bin" >&2; exit 1; }
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/satchel-bundle.XXXXXX")
trap 'rm -rf "$work"' EXIT
top=$work/$name
mkdir -p "$top/libexec" "$top/lib/gconv" "$top/share/terminfo" \
    "$top/share/locale" "$top/share/mime" "$top/lib/gio-modules"

# --- the program and its libraries -------------------------------------------
cp "$bin" "$top/libexec/satchel"
strip --strip-unneeded "$top/libexec/satchel" 2>/dev/null || true
chmod 755 "$top/libexec/satchel"
loader=
ldd "$bin" | while read -r a b c d; do
	# "libx.so.1 => /path (addr)" or "/lib64/ld-linux-x86-64.so.2 (addr)"
	case $b in
	"=>") test -n "$c" && test -f "$c" && echo "$a $c" ;;
	*) case $a in /*) echo "$(basename "$a") $a" ;; esac ;;
	esac
done >"$work/libs"
while read -r soname path; do
	cp -L "$path" "$top/lib/$soname"
	chmod 644 "$top/lib/$soname"
	case $soname in ld-linux*) loader=$soname ;; esac
done <"$work/libs"
if test -z "$loader"; then
	say "ldd named no dynamic loader for $bin" >&2
	exit 1
fi
chmod 755 "$top/lib/$loader"
missing=$(ldd "$bin" | grep 'not found' || true)
if test -n "$missing"; then
	say "libraries not found: $missing" >&2
	exit 1
fi

# The C library's converters, as its own configuration lists them; with
# GCONV_PATH set it reads gconv-modules (and gconv-modules.d), not a cache.
libc=$(awk '$1 == "libc.so.6" { print $2 }' "$work/libs")
gconv=$(dirname "$libc")/gconv
test -d "$gconv" || gconv=/usr/lib/$arch-linux-gnu/gconv
if test -d "$gconv"; then
	(cd "$gconv" && tar cf - --exclude=gconv-modules.cache .) |
	    (cd "$top/lib/gconv" && tar xf -)
else
	say "warning: no gconv directory; only the built-in character sets" >&2
fi

# --- data ---------------------------------------------------------------------
for t in xterm xterm-256color xterm-color screen screen-256color \
    screen.xterm-256color tmux tmux-256color linux vt100 vt102 vt220 \
    rxvt rxvt-unicode rxvt-unicode-256color putty putty-256color \
    alacritty kitty foot st-256color konsole gnome gnome-256color \
    ansi dumb; do
	for d in /etc/terminfo /lib/terminfo /usr/share/terminfo; do
		f=$d/$(printf %.1s "$t")/$t
		if test -f "$f"; then
			mkdir -p "$top/share/terminfo/$(printf %.1s "$t")"
			cp -L "$f" "$top/share/terminfo/$(printf %.1s "$t")/$t"
			break
		fi
	done
done
test -f "$top/share/terminfo/x/xterm" ||
    { say "no terminfo entry for xterm on this machine" >&2; exit 1; }

for g in "$gmodir"/*.gmo; do
	test -f "$g" || continue
	l=$(basename "$g" .gmo)
	mkdir -p "$top/share/locale/$l/LC_MESSAGES"
	cp "$g" "$top/share/locale/$l/LC_MESSAGES/satchel.mo"
done
test -f "$top/share/locale/de/LC_MESSAGES/satchel.mo" ||
    { say "no German catalogue in $gmodir" >&2; exit 1; }

# GIO guesses an attachment's type from these tables (mime.cache first).
for f in mime.cache globs globs2 magic aliases subclasses types \
    treemagic XMLnamespaces generic-icons icons version; do
	test -f "/usr/share/mime/$f" && cp "/usr/share/mime/$f" "$top/share/mime/"
done
test -f "$top/share/mime/mime.cache" ||
    say "warning: no shared-mime-info: attachments go as octet-stream" >&2

if test -f /etc/ssl/certs/ca-certificates.crt; then
	cp -L /etc/ssl/certs/ca-certificates.crt "$top/share/ca-certificates.crt"
else
	say "warning: no CA store on this machine to carry along" >&2
fi

# --- the launcher -------------------------------------------------------------
cat >"$top/satchel" <<EOS
#!/bin/sh
# Runs satchel $version from this directory, wherever it was unpacked,
# with its own C library and loader: nothing of the system's is needed
# beyond the kernel. Options are satchel's (satchel --help).
# Through a symbolic link too (~/bin/satchel -> the bundle's launcher).
self=\$(readlink -f "\$0" 2>/dev/null) || self=\$0
here=\$(cd "\$(dirname "\$self")" && pwd -P) || exit 1
SATCHEL_BUNDLE=\$here
SATCHEL_LOCALEDIR=\$here/share/locale
TERMINFO_DIRS=\$here/share/terminfo:\${TERMINFO_DIRS:-/etc/terminfo:/lib/terminfo:/usr/share/terminfo}
# The CA store the bundle carries, only where the system has none.
test -f "\$here/share/ca-certificates.crt" &&
    SATCHEL_CA_FALLBACK=\$here/share/ca-certificates.crt
# The bundle's C library reads its own converters, no GIO modules of the
# system (built for another GLib), and the bundle's MIME tables first.
GCONV_PATH=\$here/lib/gconv
GIO_MODULE_DIR=\$here/lib/gio-modules
XDG_DATA_DIRS=\$here/share:\${XDG_DATA_DIRS:-/usr/local/share:/usr/share}
export SATCHEL_BUNDLE SATCHEL_LOCALEDIR TERMINFO_DIRS SATCHEL_CA_FALLBACK \\
    GCONV_PATH GIO_MODULE_DIR XDG_DATA_DIRS
exec "\$here/lib/$loader" --library-path "\$here/lib" --argv0 satchel \\
    "\$here/libexec/satchel" "\$@"
EOS
chmod 755 "$top/satchel"

cat >"$top/SATCHEL-BUNDLE" <<EOS
satchel $version for $arch Linux, as one directory.

Run it from here, with no install and no root:

    ./satchel --borrowed --pop3 USER@HOST

or with a configuration file: ./satchel -c FILE. The directory can live
anywhere (a USB stick, /dev/shm, your home directory); everything satchel
needs beyond the kernel is in it, including its C library. In borrowed
mode, --remove-bundle removes this directory too when the session ends.

Built $(date -u +%Y-%m-%d) from the libraries of $(. /etc/os-release 2>/dev/null &&
    echo "$PRETTY_NAME" || echo "the build machine").
EOS

# The bundle must run before it is shipped.
if ! "$top/satchel" --version >"$work/version" 2>&1; then
	say "the bundled satchel does not run:" >&2
	cat "$work/version" >&2
	exit 1
fi
say "$(cat "$work/version") runs from $top"

tar -C "$work" -czf "$out/$name.tar.gz.tmp" "$name"
mv "$out/$name.tar.gz.tmp" "$out/$name.tar.gz"
say "wrote $out/$name.tar.gz: $(du -k "$out/$name.tar.gz" | cut -f1) KB" \
    "($(du -sk "$top" | cut -f1) KB unpacked)"
