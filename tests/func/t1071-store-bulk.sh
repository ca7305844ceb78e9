#!/bin/sh
# t1071-store-bulk.sh: a reindex that indexes many messages (10,000 or
# more, half the index or more) writes the FTS tables as a bulk build and
# merges each into one segment at the end, then sets them back for
# everyday additions, which do not merge the whole index again. Counts
# read from the FTS vocabulary agree with the matches themselves.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd sqlite3 sqlite3
t_plan 9

store=$XDG_DATA_HOME/satchel
db=$store/index.sqlite
# gen DIR FIRST LAST: small messages, every third with the word pear.
gen() {
	mkdir -p "$1/cur" "$1/new" "$1/tmp"
	awk -v d="$1" -v a="$2" -v b="$3" 'BEGIN {
		for (i = a; i <= b; i++) {
			f = d "/cur/" i ".gen:2,S"
			w = i % 3 == 0 ? "pear" : "plum"
			printf "From: u%d@example.org\nSubject: crate %d %s\n", \
			    i % 7, i, w > f
			printf "Message-ID: <b%d@x>\n\nripe %s word%d\n", i, w, \
			    i > f
			close(f)
		}
	}'
}
# segments: how many segments each FTS table has.
segments() {
	sqlite3 "$db" "SELECT (SELECT count(DISTINCT segid) FROM msg_fts_idx)
	    || ' ' || (SELECT count(DISTINCT segid) FROM msg_terms_idx) || ' '
	    || (SELECT count(DISTINCT segid) FROM msg_head_idx)"
}
automerge() {
	sqlite3 "$db" "SELECT group_concat(v, ' ') FROM (SELECT v FROM
	    msg_fts_config WHERE k = 'automerge' UNION ALL SELECT v FROM
	    msg_terms_config WHERE k = 'automerge' UNION ALL SELECT v FROM
	    msg_head_config WHERE k = 'automerge')"
}

gen "$store/INBOX" 1 10500
t_ok "reindex from nothing" "$SATCHEL" reindex -q
t_is "each FTS table is one segment" "$(segments)" "1 1 1"
t_is "and merges 4 at a time again" "$(automerge)" "4 4 4"
t_is "a word's count (vocabulary)" "$("$SATCHEL" search --count pear)" \
    "$(sqlite3 "$db" "SELECT count(*) FROM msg_terms WHERE msg_terms MATCH 'pear'")"
t_is "a negation's count" "$("$SATCHEL" search --count 'NOT pear')" 7000
t_is "a header word's count" "$("$SATCHEL" search --count subject:pear)" 3500

gen "$store/INBOX" 10501 10530
"$SATCHEL" reindex -q
t_is "a few more are a new segment, not a merge of all" "$(segments)" \
    "2 2 2"
t_is "counted" "$("$SATCHEL" search --count subject:pear)" 3510
t_is "a page of them, newest first" \
    "$("$SATCHEL" search --limit 3 subject:pear | wc -l | tr -d ' ')" 3
t_done
