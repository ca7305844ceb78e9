#!/bin/sh
# t2003: fetched mail goes to the account's own folder, created on first use.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd dovecot dovecot-pop3d
t_plan 5
t_dovecot_start
i=0
while test $i -lt 3; do
	printf 'From: a@example.test\r\nTo: b@example.test\r\nSubject: folder test %s\r\nMessage-ID: <f%s@example.test>\r\n\r\nbody %s\r\n' $i $i $i >"$T_TMP/m$i.eml"
	i=$((i + 1))
done
t_dovecot_seed "$T_TMP/m0.eml" "$T_TMP/m1.eml" "$T_TMP/m2.eml"
t_satchel_config "$T_TMP/config" folder=Work
t_ok "fetch into a folder that does not exist yet" \
	"$SATCHEL" -c "$T_TMP/config" fetch --quiet
t_ok "the folder is a Maildir" test -d "$T_TMP/store/Work/cur"
t_is "the messages are in it" \
	"$("$SATCHEL" -c "$T_TMP/config" search --count folder:Work)" 3
t_is "and not in INBOX" \
	"$("$SATCHEL" -c "$T_TMP/config" search --count folder:INBOX)" 0
t_is "account:test finds them" \
	"$("$SATCHEL" -c "$T_TMP/config" search --count account:test)" 3
t_done
