#!/bin/sh
# t6007-ui-others: a running reader shows, within 2 seconds and without a
# restart, what other programs did to the store: mail fetched by cron, a
# message queued by `satchel compose`, the queue changed by `satchel queue`,
# a flag set by another Maildir reader (a rename in cur/). A damaged index
# is reported and rebuilt on request.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd dovecot dovecot-pop3d
t_need_cmd aiosmtpd python3-aiosmtpd
t_plan 10
t_dovecot_start
t_smtp_start
conf=$HOME/conf
# The reader's own timers are slow here: what it shows comes from others.
# It polls every 0.5 s and promises 2 s; the waits below allow twice that,
# for a machine that runs other builds at the same time.
t_satchel_config "$conf" general.send_interval=3600
store=$T_TMP/store
sat() { "$SATCHEL" -c "$conf" "$@"; }
mkdir -p "$T_TMP/mail"
for n in 1 2; do
	printf 'From: Sender %d <s%d@example.test>\nTo: alice@example.test\nSubject: Server message %d\nMessage-ID: <srv-%d@example.test>\nDate: Mon, 1 Jan 2024 10:0%d:00 +0000\n\nBody %d.\n' \
	    $n $n $n $n $n $n >"$T_TMP/mail/$n.eml"
done
t_dovecot_seed "$T_TMP/mail/1.eml"
sat fetch -q
t_tmux_start ui 100 24 "$SATCHEL" -c "$conf"
t_ok "the reader shows one message" t_tmux_wait ui 'INBOX \(1 message\)'

t_dovecot_seed "$T_TMP/mail/2.eml"
sat fetch -q
t_ok "mail fetched by cron shows" t_tmux_wait ui 'INBOX \(2 messages\)' 4

echo "Hello." | sat compose --to bob@example.test -s "from the shell" >/dev/null
t_ok "a message queued by compose is counted" t_tmux_wait ui 'Queue:1' 4

id=$(sat queue | awk '$1 ~ /^[0-9]+$/ { print $1; exit }')
sat queue delete "$id" >/dev/null
t_ok "a message deleted by satchel queue is not" t_tmux_wait ui 'Queue:0' 4

# Another Maildir reader flags the newest message: a rename in cur/.
f=$(cd "$store/INBOX" && grep -l 'srv-2@' new/* cur/* 2>/dev/null | head -n 1)
case $f in
*:2,*) new=${f%%:2,*}:2,F${f#*:2,} ;;
*) new=${f%%:*}:2,F ;;
esac
mv "$store/INBOX/$f" "$store/INBOX/cur/${new#*/}"
t_ok "a flag set by another Maildir reader shows" \
    t_tmux_wait ui '^.N!.*Server message 2' 4
t_tmux_stop ui

# holds_index: some process still has the index open. Before damaging it,
# every reader but the one under test must be gone: the last connection
# to close checkpoints the WAL into the file, over the damage.
holds_index() {
	for l in /proc/[0-9]*/fd/*; do
		case $(readlink "$l" 2>/dev/null) in
		"$store"/index.sqlite*) return 0 ;;
		esac
	done
	return 1
}
t_wait_until 20 eval '! holds_index' || t_diag "a process still holds the index"

# A damaged index under a running reader: it offers to rebuild. The folder
# table's page is overwritten, then another connection commits, so the
# reader reads that page again.
sqlite3 "$store/index.sqlite" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
page=$(sqlite3 "$store/index.sqlite" \
    "SELECT rootpage FROM sqlite_master WHERE name = 'folders'")
psize=$(sqlite3 "$store/index.sqlite" 'PRAGMA page_size')
t_tmux_start ui2 100 24 "$SATCHEL" -c "$conf"
t_tmux_wait ui2 'INBOX \(2 messages\)' >/dev/null
sqlite3 -cmd '.timeout 5000' "$store/index.sqlite" \
    'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
head -c "$psize" /dev/urandom |
    dd of="$store/index.sqlite" conv=notrunc bs="$psize" seek=$((page - 1)) \
    2>/dev/null
v=$(sqlite3 "$store/index.sqlite" 'PRAGMA user_version')
sqlite3 "$store/index.sqlite" "PRAGMA user_version = $v" >/dev/null 2>&1
t_ok "the damage is reported with an offer to rebuild" \
    t_tmux_wait ui2 'index is damaged.*rebuild' 5
t_tmux_keys ui2 y
t_ok "after the rebuild the reader shows the mail again" \
    t_tmux_wait ui2 'INBOX \(2 messages\)' 20
t_tmux_keys ui2 x
t_tmux_stop ui2

# Damaged before the reader starts: it offers the same, before curses.
# First the reader above must be gone (see holds_index).
t_wait_until 20 eval '! holds_index' || t_diag "a process still holds the index"
head -c 8192 /dev/urandom >"$store/index.sqlite"
rm -f "$store/index.sqlite-wal" "$store/index.sqlite-shm"
t_tmux_start ui3 100 24 "$SATCHEL" -c "$conf"
t_ok "at start: the damage is reported with reindex --full" \
    t_tmux_wait ui3 'satchel reindex'
t_ok "at start: an offer to rebuild" t_tmux_wait ui3 'rebuild the index'
t_tmux_keys ui3 Enter
t_ok "at start: rebuilt, the reader shows the mail" \
    t_tmux_wait ui3 'INBOX \(2 messages\)' 20
t_tmux_keys ui3 x
t_done
