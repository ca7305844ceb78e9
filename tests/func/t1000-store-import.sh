#!/bin/sh
# t1000-store-import.sh: import (Maildir, mbox, corpus), search, reindex
# from the command line.
. "$top_srcdir/tests/lib.sh"
t_init
t_plan 24

gen_maildir() {
	mkdir -p "$1/cur" "$1/new" "$1/tmp"
	awk -v d="$1" -v n="$2" 'BEGIN {
		for (i = 1; i <= n; i++) {
			f = d "/new/" i ".gen"
			printf "From: User %d <u%d@example.org>\nTo: me@example.org\n", i % 7, i % 7 > f
			printf "Subject: message %d about topic%d\n", i, i % 10 > f
			printf "Date: Mon, 01 Jan 2024 %02d:%02d:00 +0000\n", (i / 60) % 24, i % 60 > f
			printf "Message-ID: <m%d@example.org>\n\nBody %d with word%d.\n", i, i, i % 100 > f
			close(f)
		}
	}'
}

store=$XDG_DATA_HOME/satchel
gen_maildir "$T_TMP/md" 200
out=$("$SATCHEL" import "$T_TMP/md" 2>&1)
t_is "import exits 0" "$?" 0
t_like "summary counts" "$out" 'imported 200, duplicates 0, unreadable 0'
t_is "store directory is private" "$(stat -c %a "$store")" 700
t_is "index file is private" "$(stat -c %a "$store/index.sqlite")" 600
t_is "message files are private" \
    "$(find "$store/INBOX" -type f ! -perm 600 | wc -l)" 0
t_is "count all" "$("$SATCHEL" search --count '')" 200
t_is "count a word" "$("$SATCHEL" search --count word7)" 2
t_is "count from:" "$("$SATCHEL" search --count from:u3@example.org)" 29
t_is "count subject phrase" \
    "$("$SATCHEL" search --count 'subject:"about topic3"')" 20
out=$("$SATCHEL" import "$T_TMP/md" 2>&1)
t_like "importing again adds nothing" "$out" 'imported 0'
touch "$T_TMP/md/new"
out=$("$SATCHEL" import "$T_TMP/md" 2>&1)
t_like "a changed source is read: all duplicates" "$out" \
    'imported 0, duplicates 200'
t_is "still 200" "$("$SATCHEL" search --count '')" 200

json=$("$SATCHEL" search --format=json --limit 1 'subject:"message 5 about"')
t_like "json has the fields" "$json" \
    '^\{"id":[0-9]+,.*"folder":"INBOX".*"date":".*"from":"User 5".*"to":"me@example.org".*"subject":"message 5 about topic5".*"message_id":"m5@example.org".*"flags":\[\]'
if command -v python3 >/dev/null 2>&1; then
	t_ok "json parses" python3 -c 'import json,sys
for l in sys.stdin: json.loads(l)' <<EOF2
$("$SATCHEL" search --format=json 'word1 OR word2')
EOF2
else
	t_skip "json parses" "no python3"
fi
err=$("$SATCHEL" search 'from:(' 2>&1)
t_is "syntax error exit status" "$?" 65
t_unlike "syntax error is not an SQL error" "$err" 'SQL|sqlite|fts5'

# Hostile text in a subject is sanitised on output.
printf 'Subject: evil \033]0;pwned\007 title\nFrom: x@y\n\nbody\n' \
    >"$T_TMP/evil.eml"
"$SATCHEL" import "$T_TMP/evil.eml" >/dev/null 2>&1
out=$("$SATCHEL" search subject:evil; "$SATCHEL" search --format=json subject:evil)
t_unlike "no escape byte reaches the terminal" "$out" "$(printf '\033')"

# mbox into another folder.
printf 'From a@x Mon Jan  1 00:00:00 2024\nSubject: mb one\n\nx\n\nFrom b@x Mon Jan  1 00:00:00 2024\nSubject: mb two\n\ny\n' >"$T_TMP/in.mbox"
out=$("$SATCHEL" import --folder Archive "$T_TMP/in.mbox" 2>&1)
t_like "mbox import" "$out" 'imported 2'
t_is "mbox in its folder" "$("$SATCHEL" search --count folder:Archive)" 2

# Reindex restores everything from the Maildir.
rm -f "$store/index.sqlite" "$store/index.sqlite-wal" "$store/index.sqlite-shm"
"$SATCHEL" reindex >/dev/null 2>&1
t_is "reindex after the index was deleted" \
    "$("$SATCHEL" search --count '')" 203
t_is "folders come back" "$("$SATCHEL" search --count folder:Archive)" 2

# Every message of the corpus imports.
if test -n "${SATCHEL_CORPUS:-}" && test -d "$SATCHEL_CORPUS"; then
	find "$SATCHEL_CORPUS" -type f \( -name '*.eml' -o -name '*.mbox' \) \
	    >"$T_TMP/corpus.list"
	# shellcheck disable=SC2046
	(cd "$T_TMP" && xargs "$SATCHEL" import --folder Corpus \
	    <"$T_TMP/corpus.list" >"$T_TMP/corpus.out" 2>"$T_TMP/corpus.err")
	t_is "corpus import exits 0" "$?" 0
	t_is "every corpus message is stored" \
	    "$("$SATCHEL" search --count folder:Corpus)" \
	    "$(sed 's/.*imported \([0-9]*\),.*/\1/' "$T_TMP/corpus.out" |
	    awk '{ s += $1 } END { print s }')"
	t_unlike "no corpus file fails" "$(cat "$T_TMP/corpus.err")" \
	    'AddressSanitizer|runtime error|satchel import:'
else
	t_skip "corpus import exits 0" "no corpus"
	t_skip "every corpus message is stored" "no corpus"
	t_skip "no corpus file fails" "no corpus"
fi
t_done
