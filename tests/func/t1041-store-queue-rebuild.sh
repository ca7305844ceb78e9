#!/bin/sh
# t1041-store-queue-rebuild: a queued message whose index row is made
# again (another program rewrote its file) keeps its one queue entry: no
# second, "held" entry that would send it twice.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd aiosmtpd python3-aiosmtpd
t_plan 6
t_smtp_start
conf=$HOME/conf
t_satchel_config "$conf"
store=$T_TMP/store
sat() { "$SATCHEL" -c "$conf" "$@"; }
entries() { sat queue --all | grep -c '^[0-9]'; }

echo "Body." | sat compose --to bob@example.test -s "rebuilt once" >/dev/null 2>&1
f=$(cd "$store/Outbox" && ls -d new/* cur/* 2>/dev/null)
echo "Body." | sat compose --to carol@example.test -s "second" >/dev/null 2>&1
t_is "two entries" "$(entries)" 2
# Another program rewrites the first one under a new name.
sed "1s/^/X-Edited: yes\n/" "$store/Outbox/$f" \
    >"$store/Outbox/${f%%/*}/edited-${f#*/}"
rm "$store/Outbox/$f"
t_ok "reindex takes the renamed file" sat reindex -q
t_is "still two entries" "$(entries)" 2
t_like "and it is still queued" "$(sat queue)" 'queued'
t_ok "send" sat send
t_is "each sent once" "$(t_smtp_count)" 2
t_done
