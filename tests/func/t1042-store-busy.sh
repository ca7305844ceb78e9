#!/bin/sh
# t1042-store-busy: while another process holds the index's write lock for
# longer than satchel waits, writers fail with the temporary exit status 75
# and a clear message; readers (search, queue list) go on; nothing is left
# half done.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd sqlite3 sqlite3
t_plan 8
conf=$HOME/conf
t_write_config "$conf" <<EOC
[general]
store = $T_TMP/store
[account a]
address = A <a@example.org>
smtp_host = 127.0.0.1
EOC
sat() { "$SATCHEL" -c "$conf" "$@"; }
echo "Body." | sat compose --to b@example.org -s "before" >/dev/null
mkdir -p "$T_TMP/md/new" "$T_TMP/md/cur"
printf 'From: c@example.org\nSubject: imported\nMessage-ID: <imp@x>\n\nText.\n' \
    >"$T_TMP/md/new/1"

# Another process takes the write lock and keeps it until the writers
# below have given up (satchel waits 10 s), however slow the machine is:
# it says when it holds the lock, and lets go when told (at most 300 s).
(echo 'BEGIN IMMEDIATE;'; echo '.print locked'; n=0
 while ! test -f "$T_TMP/release" && test $n -lt 1500; do
	sleep 0.2; n=$((n + 1))
 done
 echo 'COMMIT;') |
    sqlite3 "$T_TMP/store/index.sqlite" >"$T_TMP/holder.out" &
holder=$!
t_at_exit "touch '$T_TMP/release'; kill $holder 2>/dev/null"
n=0
until grep -q locked "$T_TMP/holder.out" 2>/dev/null || test $n -ge 600; do
	sleep 0.1; n=$((n + 1))
done
echo "Body." | sat compose --to b@example.org -s "during" >"$T_TMP/c.out" 2>&1 &
c=$!
sat import "$T_TMP/md" >"$T_TMP/i.out" 2>&1 &
i=$!
t_ok "search goes on" sat search before
t_ok "queue goes on" sat queue
wait $c
t_is "compose: exit 75" "$?" 75
t_like "compose says the store is busy" "$(cat "$T_TMP/c.out")" 'busy'
wait $i
t_is "import: exit 75" "$?" 75
touch "$T_TMP/release"
wait $holder
t_is "nothing half queued" "$(sat queue | grep -c '^[0-9]')" 1
echo "Body." | sat compose --to b@example.org -s "after" >/dev/null
t_is "afterwards compose works" "$?" 0
t_is "and import" "$(sat import -q "$T_TMP/md" >/dev/null 2>&1; echo $?)" 0
t_done
