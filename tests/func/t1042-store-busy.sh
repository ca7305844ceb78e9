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

# Another process takes the write lock and keeps it for 14 s.
(echo 'BEGIN IMMEDIATE;'; sleep 14; echo 'COMMIT;') |
    sqlite3 "$T_TMP/store/index.sqlite" &
holder=$!
t_at_exit "kill $holder"
sleep 1
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
wait $holder
t_is "nothing half queued" "$(sat queue | grep -c '^[0-9]')" 1
echo "Body." | sat compose --to b@example.org -s "after" >/dev/null
t_is "afterwards compose works" "$?" 0
t_is "and import" "$(sat import -q "$T_TMP/md" >/dev/null 2>&1; echo $?)" 0
t_done
