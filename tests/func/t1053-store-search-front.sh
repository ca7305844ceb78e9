#!/bin/sh
# t1053-store-search-front.sh: satchel is a small front. A search of a
# current index is answered by it alone (none of the TLS, POP3/SMTP, MIME or
# curses libraries loaded, nothing written); every other command, and a
# search whose index must first be brought up to date, runs the full
# program with the same arguments.
. "$top_srcdir/tests/lib.sh"
t_init
t_plan 14

store=$XDG_DATA_HOME/satchel
full=$(dirname "$SATCHEL")/src/satchel

if command -v ldd >/dev/null 2>&1; then
	t_is "the front loads no TLS, POP3/SMTP, MIME or curses library" \
	    "$(ldd "$SATCHEL" | grep -c -E 'gnutls|etpan|gmime|gio-2|curses')" 0
else
	t_skip "no ldd" 1
fi

# A copy of the front whose full program is a wrapper that leaves a mark.
bin=$T_TMP/bin
mkdir -p "$bin/src"
cp "$SATCHEL" "$bin/satchel"
cat >"$bin/src/satchel" <<EOF
#!/bin/sh
echo "\$*" >>"$T_TMP/full-ran"
exec "$full" "\$@"
EOF
chmod +x "$bin/src/satchel"
S=$bin/satchel

mkdir -p "$T_TMP/md/cur" "$T_TMP/md/new" "$T_TMP/md/tmp"
for i in 1 2 3; do
	printf 'From: a%d@example.org\nSubject: front %d\nMessage-ID: <f%d@x>\nDate: Mon, 1 Jan 2024 10:0%d:00 +0000\n\nshared word%d\n' \
	    $i $i $i $i $i >"$T_TMP/md/cur/$i.src:2,S"
done
"$S" import "$T_TMP/md" >/dev/null 2>&1
t_is "import runs the full program" "$(cat "$T_TMP/full-ran" 2>/dev/null)" \
    "import $T_TMP/md"
rm -f "$T_TMP/full-ran"

"$S" --version >/dev/null
t_ok "--version is answered by the front" test ! -e "$T_TMP/full-ran"

touch "$T_TMP/stamp"
sleep 1
t_is "a search of a current index" "$("$S" search --count shared)" 3
t_is "a first page" "$("$S" search --limit 1 shared | sed 's/^\([0-9]*\) .*front \([0-9]\)$/\1 \2/')" "3 3"
printf '[general]\nstore=%s\n' "$store" | t_write_config "$T_TMP/cf"
t_is "with -c before the command" \
    "$("$S" -c "$T_TMP/cf" search --count 'shared AND NOT word2')" 2
t_ok "is answered by the front" test ! -e "$T_TMP/full-ran"
# SQLite itself may make an empty -wal and its -shm (readers of a WAL
# index mark what they read there); nothing else may change.
t_is "and writes nothing in the store" \
    "$(find "$store" -mindepth 1 -newer "$T_TMP/stamp" ! -name index.sqlite-shm \
    ! -name index.sqlite-wal; find "$store" -name index.sqlite-wal -size +0)" ""
t_is "a bad search is reported by the front" \
    "$("$S" search 'shared AND' 2>&1 >/dev/null; echo "rc=$?")" \
    "satchel search: AND needs a search term on both sides
rc=65"

# Another Maildir reader delivers a message: the index is not current.
printf 'From: b@example.org\nSubject: late\nMessage-ID: <late@x>\n\nshared late\n' \
    >"$store/INBOX/new/99.other"
t_is "a search that needs the index updated first finds the new message" \
    "$("$S" search --count shared)" 4
t_is "it ran the full program with the same arguments" \
    "$(cat "$T_TMP/full-ran" 2>/dev/null)" "search --count shared"
rm -f "$T_TMP/full-ran"
t_is "the next search is the front's again" "$("$S" search --count late)" 1
t_ok "without the full program" test ! -e "$T_TMP/full-ran"

# Borrowed mode and the reader are the full program's.
"$S" --borrowed search x >/dev/null 2>&1
t_is "borrowed mode runs the full program" \
    "$(cat "$T_TMP/full-ran" 2>/dev/null)" "--borrowed search x"
t_done
