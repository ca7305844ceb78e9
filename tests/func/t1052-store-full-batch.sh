#!/bin/sh
# t1052-store-full-batch.sh: when the disk fills up during an import, what
# arrived whole is kept (smaller batches when space runs low), the summary
# counts only what was kept, and a second run after space is freed
# finishes the job without duplicates. Needs a small tmpfs (root).
. "$top_srcdir/tests/lib.sh"
t_init

small=$T_TMP/small
mkdir -p "$small"
if ! mount -t tmpfs -o size=4096k,mode=0700 tmpfs "$small" 2>/dev/null; then
	t_skip_all "cannot mount a small tmpfs (not root?)"
fi
t_at_exit "umount '$small'"
t_plan 8

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
files() {
	find "$small/store" \( -path '*/cur/*' -o -path '*/new/*' \) -type f \
	    -name '*' -exec grep -l "^Subject: $1 " {} + 2>/dev/null | wc -l |
	    tr -d ' '
}

gen_maildir "$T_TMP/first" 5 first 100
S import "$T_TMP/first" >/dev/null 2>&1
t_is "a first import fits" "$(S search --count first)" 5

# Leave about 600 KiB free, then import 150 messages of 8 KiB (1.2 MB).
avail=$(df -k "$small" | awk 'NR == 2 { print $4 }')
dd if=/dev/zero of="$small/fill" bs=1k count=$((avail - 600)) 2>/dev/null
gen_maildir "$T_TMP/big" 150 big 8000
S import "$T_TMP/big" >"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
t_is "the full disk ends the import with EX_IOERR" "$rc" 74
n=$(sed -n 's/.*imported \([0-9]*\),.*/\1/p' "$T_TMP/out")
kept=$(S search --count big)
t_ok "some messages were kept ($kept)" test "$kept" -gt 10
t_is "the summary counts what was kept" "$n" "$kept"
t_is "every kept message has its file" "$(files big)" "$kept"

# Space comes back: the same command finishes the job.
rm -f "$small/fill"
S import "$T_TMP/big" >"$T_TMP/out2" 2>"$T_TMP/err2"
t_is "the second run completes" "$?" 0
t_is "the second run imports the rest" \
    "$(sed -n 's/.*imported \([0-9]*\),.*/\1/p' "$T_TMP/out2")" \
    $((150 - kept))
t_is "no duplicates: each message once" \
    "$(S search --count big) $(files big)" "150 150"
t_done
