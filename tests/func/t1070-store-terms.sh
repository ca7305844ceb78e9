#!/bin/sh
# t1070-store-terms.sh: the index of words without positions (msg_terms),
# which searches without a phrase read. An index made before it existed
# (schema 5) gets it, filled, at its first writing open; searches give the
# same answers from either table; messages removed or changed leave no
# stale entry in it (its rows are taken out with the text that went in).
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd sqlite3 sqlite3
t_plan 14

store=$XDG_DATA_HOME/satchel
db=$store/index.sqlite
mkdir -p "$T_TMP/md/cur" "$T_TMP/md/new" "$T_TMP/md/tmp"
i=1
while test $i -le 60; do
	w=plum
	test $((i % 3)) = 0 && w=pear
	printf 'From: u%d@example.org\nSubject: crate %d %s\nMessage-ID: <c%d@x>\n\nripe %s with word%d here\n' \
	    $((i % 7)) $i $w $i $w $i >"$T_TMP/md/cur/$i.src:2,S"
	i=$((i + 1))
done
"$SATCHEL" import "$T_TMP/md" >/dev/null 2>&1

# terms WORD: messages msg_terms has for WORD, and msg_fts.
terms() {
	sqlite3 "$db" "SELECT (SELECT count(*) FROM msg_terms WHERE msg_terms
	    MATCH '$1') || ' ' || (SELECT count(*) FROM msg_fts WHERE msg_fts
	    MATCH '$1')"
}

# The index as schema 5 made it: no msg_terms, no index of is:encrypted,
# no msg_head.
sqlite3 "$db" 'DROP TABLE msg_terms_vocab; DROP TABLE msg_head_vocab;
    DROP TABLE folder_counts;
    DROP TABLE msg_terms; DROP TABLE msg_head; DROP INDEX messages_signed;
    DROP INDEX messages_encrypted; PRAGMA user_version=5'
t_is "a search of an older index answers" \
    "$("$SATCHEL" search --count 'ripe AND NOT pear')" 40
t_is "the index was brought to the current schema" \
    "$(sqlite3 "$db" 'PRAGMA user_version')" 11
t_is "its words table was filled from the text" "$(terms pear)" "20 20"
t_is "its headers table too" "$(sqlite3 "$db" "SELECT count(*) FROM
    msg_head WHERE msg_head MATCH 'subject : pear'")" 20
t_is "subject: from the words table" \
    "$("$SATCHEL" search --count subject:pear)" 20
t_is "a column filter under NOT" \
    "$("$SATCHEL" search --count 'crate -subject:pear')" 40
t_is "a phrase still reads the positions" \
    "$("$SATCHEL" search --count '"ripe pear"')" 20
t_is "a phrase and a negated word" \
    "$("$SATCHEL" search --count '"ripe plum" -word7')" 39
t_is "an address (a phrase of its parts)" \
    "$("$SATCHEL" search --count from:u3@example.org)" 9
t_is "the first page of a negation" \
    "$("$SATCHEL" search --limit 100 'NOT pear' | wc -l | tr -d ' ')" 40

# Two messages removed behind the index's back.
for m in c3 c6; do
	rm -f "$(grep -l "^Message-ID: <$m@x>" "$store"/INBOX/cur/* |
	    head -n 1)"
done
"$SATCHEL" reindex -q
t_is "no stale entry after a removal" "$(terms pear)" "18 18"
t_is "and the words table is sound" "$(sqlite3 "$db" \
    "INSERT INTO msg_terms(msg_terms) VALUES('integrity-check');
    SELECT 'ok'")" ok
t_is "and the headers table" "$(sqlite3 "$db" \
    "INSERT INTO msg_head(msg_head) VALUES('integrity-check');
    SELECT count(*) FROM msg_head WHERE msg_head MATCH 'subject : pear'")" 18
"$SATCHEL" reindex --full -q
t_is "reindex --full makes it again" "$(terms plum)" "40 40"
t_done
