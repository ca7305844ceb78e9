#!/bin/sh
# t7100: hostile mail through import, index and `satchel search`.
#
# tests/data/hostile-*.eml carry OSC, CSI, DCS, C1 controls and bidi
# overrides in every header (raw and RFC 2047 encoded) and in every kind of
# body (8bit, quoted-printable, base64, HTML with entities, attachment
# names),
# NUL bytes, bogus and dangerous charsets (UTF-7 and ISO-2022-JP that
# decode to ESC), and attachment names such as ../../.bashrc and names with
# shell characters. The hostile/ part of the shared corpus is imported too
# when present. Import must succeed, the text must be shown (made visible,
# not hidden), and what reaches stdout must hold no escape, C1 control or
# bidi character. Nothing may be written outside the store and memory
# stays bounded.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd "$T_PYTHON" python3
t_plan 28

data=$top_srcdir/tests/data
fake=$top_srcdir/tests/fake
scan() { "$T_PYTHON" "$fake/hostile-scan.py" "$@"; }
maxrss() { "$T_PYTHON" "$fake/hostile-maxrss.py" "$@"; }
# Sanitizer builds need more memory for the same work.
if grep -q __asan_init "$SATCHEL" 2>/dev/null; then
	rss_limit=1500000
else
	rss_limit=200000
fi
cd "$T_TMP" || exit 1

for f in escapes body-qp body-b64 body-html nul charset names; do
	t_ok "import hostile-$f.eml" \
	    maxrss "$T_TMP/rss-$f" "$SATCHEL" import "$data/hostile-$f.eml"
done

rc=0
worst=0
if test -d "$SATCHEL_CORPUS/hostile"; then
	: >"$T_TMP/corpus.err"
	for f in "$SATCHEL_CORPUS"/hostile/*; do
		test -f "$f" || continue
		maxrss "$T_TMP/rss-c" timeout "$(t_timeout 120)" "$SATCHEL" import "$f" \
		    >/dev/null 2>>"$T_TMP/corpus.err"
		r=$?
		# 0 imported, 65 refused as bad data; anything else is a crash,
		# a timeout or an internal error.
		if test $r -ne 0 && test $r -ne 65; then
			echo "# $(basename "$f"): exit status $r"
			rc=1
		fi
		k=$(cat "$T_TMP/rss-c" 2>/dev/null || echo 0)
		test "$k" -gt "$worst" && worst=$k
	done
	t_is "corpus hostile/ imports without a crash" "$rc" 0
	t_unlike "no sanitizer report" "$(cat "$T_TMP/corpus.err")" \
	    'AddressSanitizer|runtime error|LeakSanitizer'
	t_ok "corpus hostile/: max RSS ${worst} KiB <= $rss_limit" \
	    test "$worst" -le "$rss_limit"
else
	t_skip "corpus hostile/ imports without a crash" "no corpus"
	t_skip "no sanitizer report" "no corpus"
	t_skip "corpus hostile/: max RSS" "no corpus"
fi

worst=0
for f in escapes body-qp body-b64 body-html nul charset names; do
	k=$(cat "$T_TMP/rss-$f" 2>/dev/null || echo 999999999)
	test "$k" -gt "$worst" && worst=$k
done
t_ok "hostile-*.eml: max RSS ${worst} KiB <= $rss_limit" \
    test "$worst" -le "$rss_limit"

"$SATCHEL" search '' >"$T_TMP/all.txt" 2>"$T_TMP/all.err"
t_ok "search output (text) holds no escape, C1 or bidi" \
    scan "$T_TMP/all.txt" "$T_TMP/all.err"
"$SATCHEL" search --format=json '' >"$T_TMP/all.json" 2>&1
t_ok "search output (json) holds no escape, C1 or bidi" \
    scan "$T_TMP/all.json"
out=$(cat "$T_TMP/all.txt")
t_like "escapes in headers are shown, not hidden" "$out" \
    'HOSTILE-ESC subject .*\]0;PWNED-TITLE'
t_like "NUL in a subject does not hide the message" "$out" 'HOSTILE-NUL'
t_like "bogus charsets still give a subject" "$out" 'HOSTILE-CHARSET'
t_like "attachment-name message is listed" "$out" 'HOSTILE-NAMES'
t_unlike "bidi override removed (no reversed text trick)" "$out" \
    "$(printf '\342\200\256')"

for q in QPMARKER:HOSTILE-QP BASEMARKER:HOSTILE-B64 HTMLMARKER:HOSTILE-HTML \
    HOSTILE-BODY:HOSTILE-ESC; do
	"$SATCHEL" search "${q%%:*}" >"$T_TMP/q.txt" 2>&1
	t_like "body text ${q%%:*} is decoded, indexed and found" \
	    "$(cat "$T_TMP/q.txt")" "${q#*:}"
done

"$SATCHEL" search --format=json HOSTILE-ESC >"$T_TMP/one.json" 2>&1
t_ok "one-message json output is clean" scan "$T_TMP/one.json"

t_ok "reindex of the hostile store succeeds" "$SATCHEL" reindex
"$SATCHEL" search '' >"$T_TMP/after.txt" 2>&1
t_ok "search after reindex is still clean" scan "$T_TMP/after.txt"

# Messages that quote their input (a query, a file name) are sanitised too.
"$SATCHEL" search "$(printf 'is:\033]0;PWNED-TITLE\007')" \
    >"$T_TMP/qerr.txt" 2>&1
t_ok "query error message holds no escape" scan "$T_TMP/qerr.txt"
printf 'From: a@example.test\nSubject: x\n\nx\n' \
    >"$T_TMP/$(printf 'bad\033[2Jname')"
"$SATCHEL" import "$T_TMP/$(printf 'bad\033[2Jname')" \
    >"$T_TMP/ierr.txt" 2>&1
t_ok "import messages hold no escape (file name)" scan "$T_TMP/ierr.txt"

# Nothing escaped the store: no dot files appeared in HOME and no
# command substitution in a file name ran.
leaked=$(find "$T_TMP" \( -name 'PWNED*' -o -name evil -o -name '.bashrc' \
    -o -name '.profile' -o -name 'evil.bat' \) -print 2>/dev/null)
t_is "no file was written outside the store" "$leaked" ""
t_done
