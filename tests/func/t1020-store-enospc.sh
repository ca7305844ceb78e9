#!/bin/sh
# t1020-store-enospc.sh: a full disk ends import with a clear error and
# loses nothing already stored. Needs a small tmpfs (root); skips otherwise.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd sqlite3 sqlite3

small=$T_TMP/small
mkdir -p "$small"
# 2 MiB: the big import (2.4 MB) fills it. At 1.5 MiB the index's fixed
# size (two full-text tables since schema 6) left no room for the log of
# the deletions once every message file was removed.
if ! mount -t tmpfs -o size=2048k,mode=0700 tmpfs "$small" 2>/dev/null; then
	t_skip_all "cannot mount a small tmpfs (not root?)"
fi
t_at_exit "umount '$small'"
t_plan 9

gen_maildir() {
	mkdir -p "$1/cur" "$1/new" "$1/tmp"
	awk -v d="$1" -v n="$2" -v p="$3" -v sz="$4" 'BEGIN {
		pad = sprintf("%*s", sz, "")
		gsub(/ /, "x", pad)
		for (i = 1; i <= n; i++) {
			f = d "/new/" i ".gen"
			printf "From: u@example.org\nSubject: %s %d\n", p, i > f
			printf "Message-ID: <%s%d@example.org>\n\n", p, i > f
			printf "%s %d\n%s\n", p, i, pad > f
			close(f)
		}
	}'
}

t_write_config "$HOME/conf" <<EOF2
[general]
store = $small/store
EOF2
S() {
	"$SATCHEL" -c "$HOME/conf" "$@"
}

gen_maildir "$T_TMP/first" 50 first 100
gen_maildir "$T_TMP/big" 600 big 4000
S import "$T_TMP/first" >/dev/null 2>&1
t_is "a first import fits" "$(S search --count first)" 50

S import "$T_TMP/big" >"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
t_is "the full disk ends the import with EX_IOERR" "$rc" 74
t_like "the error says the disk is full" "$(cat "$T_TMP/err")" \
    '[Nn]o space left'
t_is "the earlier messages are all still there" \
    "$(S search --count first)" 50
t_is "the index is consistent" \
    "$(sqlite3 "$small/store/index.sqlite" 'PRAGMA integrity_check')" ok
n_idx=$(S search --count big)
n_files=$(grep -l '^Subject: big' -r "$small/store/INBOX/new" \
    "$small/store/INBOX/cur" 2>/dev/null | wc -l)
t_is "every file that stayed is indexed" "$n_idx" "$n_files"
t_is "no stray files in tmp/" \
    "$(find "$small/store/INBOX/tmp" -type f | wc -l)" 0

# Space comes back: the same command finishes the job.
rm -rf "$small/store/INBOX/new/"* "$small/store/INBOX/cur/"*
S reindex >/dev/null 2>&1
gen_maildir "$T_TMP/second" 20 second 100
S import "$T_TMP/second" >/dev/null 2>&1
t_is "after space is freed imports work again" \
    "$(S search --count second)" 20
t_is "the index is consistent at the end" \
    "$(sqlite3 "$small/store/index.sqlite" 'PRAGMA integrity_check')" ok
t_done
