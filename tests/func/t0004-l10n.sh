#!/bin/sh
# t0004-l10n: the translation stays complete and shows. po/POTFILES.in
# lists every source file with translatable strings, sorted; po/de.po
# compiles with format checks and has no fuzzy or untranslated entries; and
# the uninstalled satchel, pointed at a freshly compiled catalogue with
# SATCHEL_LOCALEDIR, speaks German under LC_ALL=de_DE.UTF-8 (--help, an
# unknown command, a bad configuration) and English under C.UTF-8.
#
# Set SATCHEL_L10N_STRICT=1 to fail, instead of skip, when the sources hold
# messages that po/de.po does not translate yet (needs xgettext).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
t_init
potfiles=$top_srcdir/po/POTFILES.in
po=$top_srcdir/po/de.po
test -r "$potfiles" || t_skip_all "missing $potfiles"
test -r "$po" || t_skip_all "missing $po"

# run CMD...: sets rc, out (stdout) and err (stderr), each output joined
# into one line so that a pattern can follow "^$rc:".
run() {
	rc=0
	"$@" >"$T_TMP/stdout" 2>"$T_TMP/stderr" || rc=$?
	out=$(tr '\n' ' ' <"$T_TMP/stdout")
	err=$(tr '\n' ' ' <"$T_TMP/stderr")
}

t_plan 13

# --- po/POTFILES.in ---------------------------------------------------------

# The files listed, and the files that mark strings with _(), N_() or
# ngettext() (util.h and gettext.h define those macros).
grep -v -e '^#' -e '^[[:space:]]*$' "$potfiles" >"$T_TMP/listed"
(cd "$top_srcdir" && find src -name '*.[ch]' | LC_ALL=C sort |
    xargs grep -lE '(^|[^A-Za-z0-9_])(_|N_|ngettext)\(' |
    grep -v -e '^src/util/gettext\.h$' -e '^src/util/util\.h$') \
    >"$T_TMP/marked"
unlisted=
while read -r f; do
	grep -qxF "$f" "$T_TMP/listed" || unlisted="$unlisted $f"
done <"$T_TMP/marked"
t_is "every source file with translatable strings is in po/POTFILES.in" \
    "$unlisted" ""
gone=
while read -r f; do
	test -f "$top_srcdir/$f" || gone="$gone $f"
done <"$T_TMP/listed"
t_is "every file in po/POTFILES.in exists" "$gone" ""
t_ok "po/POTFILES.in is sorted" env LC_ALL=C sort -c "$T_TMP/listed"

# --- po/de.po ---------------------------------------------------------------

t_need_cmd msgfmt gettext
localedir=$T_TMP/locale
mkdir -p "$localedir/de/LC_MESSAGES"
t_ok "po/de.po compiles with format checks" \
    msgfmt -c -o "$localedir/de/LC_MESSAGES/satchel.mo" "$po"
stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$po" 2>&1)
t_like "po/de.po has no fuzzy or untranslated messages" "$stats" \
    '^[0-9]+ translated messages?\.$'

# Messages in the sources that po/de.po does not have yet (the catalogue
# lags behind until someone runs make update-po and translates).
if command -v xgettext >/dev/null 2>&1 && command -v msgcmp >/dev/null 2>&1
then
	(cd "$top_srcdir" && xgettext --keyword=_ --keyword=N_ \
	    --from-code=UTF-8 --language=C -o "$T_TMP/satchel.pot" \
	    --files-from="$T_TMP/listed") >"$T_TMP/xgettext.out" 2>&1
	if msgcmp "$po" "$T_TMP/satchel.pot" >"$T_TMP/msgcmp.out" 2>&1; then
		t_pass_ "po/de.po translates every message in the sources"
	elif test "${SATCHEL_L10N_STRICT:-0}" = 1; then
		t_fail_ "po/de.po translates every message in the sources"
		t_diag <"$T_TMP/msgcmp.out"
	else
		n=$(grep -c 'this message is used but not defined' \
		    "$T_TMP/msgcmp.out")
		t_diag <"$T_TMP/msgcmp.out"
		t_skip "po/de.po translates every message in the sources" \
		    "$n new messages: run make update-po and translate them"
	fi
else
	t_skip "po/de.po translates every message in the sources" \
	    "xgettext or msgcmp not found"
fi

# --- satchel in German --------------------------------------------------------

test -x "$SATCHEL" || t_skip_all "satchel is not built ($SATCHEL)"
if ! command -v locale >/dev/null 2>&1 ||
    ! locale -a 2>/dev/null | grep -Eiq '^de_DE\.utf-?8$'; then
	t_skip_all "no de_DE.UTF-8 locale (locale-gen de_DE.UTF-8)"
fi

de() {
	env LC_ALL=de_DE.UTF-8 LANGUAGE= SATCHEL_LOCALEDIR="$localedir" "$@"
}

run de "$SATCHEL" --help
t_like "--help is in German" "$rc:$out" \
    '^0:.*Die Konfiguration aus DATEI lesen'

run de "$SATCHEL" frobnicate
t_like "an unknown command is refused in German" "$rc:$err" \
    '^64:.*unbekannter Befehl .frobnicate.'
t_like "the command list is in German" "$err" \
    'fetch +neue Nachrichten von POP3-Konten abrufen'

printf '[bogus]\nstore = %s\n' "$T_TMP/store" | t_write_config "$T_TMP/group.conf"
run de "$SATCHEL" -c "$T_TMP/group.conf" queue
t_like "an unknown configuration group is reported in German" "$rc:$err" \
    '^78:.*group\.conf: \[bogus\]: unbekannte Gruppe'

printf '[general]\nstorx = %s\n' "$T_TMP/store" | t_write_config "$T_TMP/key.conf"
run de "$SATCHEL" -c "$T_TMP/key.conf" queue
t_like "an unknown configuration key is reported in German" "$rc:$err" \
    '^78:.*\[general\] storx: unbekannter Schlüssel'

# Without the catalogue (or under C.UTF-8) the messages stay English.
mkdir -p "$T_TMP/nolocale"
run env LC_ALL=de_DE.UTF-8 LANGUAGE= SATCHEL_LOCALEDIR="$T_TMP/nolocale" \
    "$SATCHEL" frobnicate
t_like "without a catalogue the messages are English" "$err" \
    "unknown command 'frobnicate'"
run env LC_ALL=C.UTF-8 LANGUAGE= SATCHEL_LOCALEDIR="$localedir" \
    "$SATCHEL" frobnicate
t_like "under C.UTF-8 the messages are English" "$err" \
    "unknown command 'frobnicate'"
t_done
