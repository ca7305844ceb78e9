#!/bin/sh
# t1044-store-tmp.sh: Maildir tmp/ is cleaned. Files older than 36 hours,
# and files whose writer (the pid in the name, on this host) is gone, are
# removed by the next reindex or store open (fetch, import); files of a
# live writer and recent files of unknown origin stay.
. "$top_srcdir/tests/lib.sh"
t_init
t_plan 7

store=$XDG_DATA_HOME/satchel
mkdir -p "$T_TMP/md/cur" "$T_TMP/md/new" "$T_TMP/md/tmp"
printf 'From: a@example.org\nSubject: one\nMessage-ID: <t1@x>\n\nbody\n' \
    >"$T_TMP/md/cur/1.src:2,S"
"$SATCHEL" import "$T_TMP/md" >/dev/null 2>&1

# The host part of satchel's unique names.
host=$(hostname 2>/dev/null || uname -n)
host=$(printf '%s' "$host" | cut -c1-32 | tr -c 'A-Za-z0-9.\n-' '_')
dead=$(sh -c 'echo $$')
now=$(date +%s)
tmp=$store/INBOX/tmp

seed_tmp() {
	: >"$tmp/$now.M1P${dead}Q1.$host"
	: >"$tmp/$now.M2P$$Q1.$host"
	: >"$tmp/$now.M3P${dead}Q1.otherhost"
	: >"$tmp/old-file"
	touch -d '@'$((now - 40 * 3600)) "$tmp/old-file"
	: >"$tmp/recent-file"
}

seed_tmp
"$SATCHEL" reindex -q
t_is "reindex removes a dead writer's file" \
    "$(ls "$tmp" | grep -c "P${dead}Q1.$host\$")" 0
t_is "reindex removes a file older than 36 hours" \
    "$(ls "$tmp" | grep -c '^old-file$')" 0
t_is "a live writer's file stays" "$(ls "$tmp" | grep -c "P$$")" 1
t_is "another host's recent file stays" \
    "$(ls "$tmp" | grep -c 'otherhost$')" 1
t_is "a recent file of unknown origin stays" \
    "$(ls "$tmp" | grep -c '^recent-file$')" 1

rm -f "$tmp"/*
seed_tmp
# fetch and import open the store the same way.
"$SATCHEL" import "$T_TMP/md" >/dev/null 2>&1
t_is "opening the store to write removes them too" \
    "$(ls "$tmp" | grep -c -e "P${dead}Q1.$host\$" -e '^old-file$')" 0
t_is "and keeps the others" "$(ls "$tmp" | wc -l | tr -d ' ')" 3
t_done
