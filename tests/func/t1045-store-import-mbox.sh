#!/bin/sh
# t1045-store-import-mbox.sh: what real mbox and Maildir files look like:
# mbox variants (mboxo, mboxrd, mboxcl2), separators, archives without
# From_ lines, flags, CR line ends, empty files.
. "$top_srcdir/tests/lib.sh"
t_init
t_plan 29

store=$XDG_DATA_HOME/satchel
# The stored file of the message whose subject is $1 in folder $2.
stored() {
	grep -rl "^Subject: $1\$" "$store/$2" 2>/dev/null | head -n 1
}
count() {
	"$SATCHEL" search --count "$1"
}

# Byte-exact: the blank line before the next From_ is the mbox's.
printf 'Subject: exact one\nFrom: a@x\nMessage-ID: <e1@x>\n\nline\n' >"$T_TMP/e1.eml"
printf 'Subject: exact two\nFrom: a@x\nMessage-ID: <e2@x>\n\nlast\n\n' >"$T_TMP/e2.eml"
{
	echo 'From a@x Mon Jan  1 00:00:00 2024'; cat "$T_TMP/e1.eml"; echo
	echo 'From a@x Mon Jan  1 00:00:00 2024'; cat "$T_TMP/e2.eml"; echo
} >"$T_TMP/exact.mbox"
out=$("$SATCHEL" import --folder Exact "$T_TMP/exact.mbox" 2>&1)
t_like "mbox imports" "$out" 'imported 2,'
t_ok "first message byte-exact" cmp "$T_TMP/e1.eml" "$(stored 'exact one' Exact)"
t_ok "last message byte-exact" cmp "$T_TMP/e2.eml" "$(stored 'exact two' Exact)"
# The same message from a Maildir is a duplicate.
mkdir -p "$T_TMP/md/new" "$T_TMP/md/cur" "$T_TMP/md/tmp"
cp "$T_TMP/e1.eml" "$T_TMP/md/new/1.host"
out=$("$SATCHEL" import --folder Exact "$T_TMP/md" 2>&1)
t_like "Maildir copy is a duplicate of the mbox one" "$out" 'imported 0, duplicates 1'

# mboxrd: >From lines lose one '>'.
printf 'From a@x Mon Jan  1 00:00:00 2024\nSubject: quoted rd\nFrom: a@x\n\n>From here\n>>From there\n> From not\n\n' >"$T_TMP/rd.mbox"
"$SATCHEL" import --folder Rd "$T_TMP/rd.mbox" >/dev/null 2>&1
t_is "mboxrd unquoted" "$(sed -n '/^$/,$p' "$(stored 'quoted rd' Rd)")" \
    "$(printf '\nFrom here\n>From there\n> From not')"

# mboxcl2: a consistent Content-Length wins over From lines in the body.
body='From the body, not a separator

From x Mon Jan  1 00:00:00 2024
still body
'
n=$(printf '%s' "$body" | wc -c)
{
	echo 'From a@x Mon Jan  1 00:00:00 2024'
	printf 'Subject: counted\nFrom: a@x\nContent-Length: %d\n\n%s\n' "$n" "$body"
	echo 'From a@x Mon Jan  1 00:00:00 2024'
	printf 'Subject: after counted\nFrom: a@x\nContent-Length: 9999\n\nshort\n\n'
} >"$T_TMP/cl.mbox"
out=$("$SATCHEL" import --folder Cl "$T_TMP/cl.mbox" 2>&1)
t_like "Content-Length message imports whole" "$out" 'imported 2,'
t_like "counted body kept" "$(cat "$(stored counted Cl)")" 'still body'
t_like "an inconsistent Content-Length is ignored" \
    "$(cat "$(stored 'after counted' Cl)")" 'short'

# Status: and X-Status: flags.
printf 'From a@x Mon Jan  1 00:00:00 2024\nSubject: st read\nFrom: a@x\nStatus: RO\n\nx\n\nFrom a@x Mon Jan  1 00:00:00 2024\nSubject: st flagged\nFrom: a@x\nStatus: O\nX-Status: AF\n\ny\n\nFrom a@x Mon Jan  1 00:00:00 2024\nSubject: st deleted\nFrom: a@x\nStatus: RO\nX-Status: D\n\nz\n\nFrom a@x Mon Jan  1 00:00:00 2024\nSubject: st new\nFrom: a@x\n\nw\n\n' >"$T_TMP/st.mbox"
"$SATCHEL" import --folder St "$T_TMP/st.mbox" >/dev/null 2>&1
t_is "Status: R is read" "$(count 'folder:St is:read')" 2
t_is "X-Status: A is replied" "$(count 'folder:St is:replied subject:flagged')" 1
t_is "X-Status: F is flagged" "$(count 'folder:St is:flagged')" 1
t_is "X-Status: D is trashed" "$(count 'folder:St is:trashed subject:deleted')" 1
t_is "no Status: stays new" "$(count 'folder:St is:unread')" 2

# Maildir: info on a file in new/ is honoured.
mkdir -p "$T_TMP/mt/new" "$T_TMP/mt/cur" "$T_TMP/mt/tmp"
printf 'Subject: mutt deleted\nFrom: a@x\n\nx\n' >"$T_TMP/mt/new/1.host:2,T"
printf 'Subject: mutt plain\nFrom: a@x\n\nx\n' >"$T_TMP/mt/new/2.host"
"$SATCHEL" import --folder Mt "$T_TMP/mt" >/dev/null 2>&1
t_is "new/NAME:2,T is trashed" "$(count 'folder:Mt is:trashed')" 1
t_is "new/NAME without info is unread" "$(count 'folder:Mt is:unread NOT is:trashed')" 1

# Blank lines before the first From_ line.
{
	printf '\n\n'
	for i in 1 2 3; do
		printf 'From a@x Mon Jan  1 00:00:00 2024\nSubject: lead %d\nFrom: a@x\n\nb\n\n' "$i"
	done
} >"$T_TMP/lead.mbox"
out=$("$SATCHEL" import --folder Lead "$T_TMP/lead.mbox" 2>&1)
t_like "leading blank lines: every message" "$out" 'imported 3,'

# "From -" separators with no blank line before them (strict From_ lines);
# a body line that starts with "From " is not one.
printf 'From - Mon Jan  1 00:00:00 2024\nSubject: dash 1\nFrom: a@x\n\nFrom me to you\nFrom - Tue Jan  2 00:00:00 2024\nSubject: dash 2\nFrom: a@x\n\nb\nFrom - Wed Jan  3 10:11:12 2024\nSubject: dash 3\nFrom: a@x\n\nc\n' >"$T_TMP/dash.mbox"
out=$("$SATCHEL" import --folder Dash "$T_TMP/dash.mbox" 2>&1)
t_like "From - separators without blank lines" "$out" 'imported 3,'
t_like "body From line kept" "$(cat "$(stored 'dash 1' Dash)")" 'From me to you'

# Archives without From_ lines, split at the repeated first field.
{
	for i in 1 2 3 4; do
		printf 'Return-Path: <a@x>\nFrom: a@x\nSubject: rp %d\nMessage-ID: <rp%d@x>\n\nbody %d\n\n' "$i" "$i" "$i"
	done
} >"$T_TMP/rp.txt"
out=$("$SATCHEL" import --folder Rp "$T_TMP/rp.txt" 2>&1)
t_like "Return-Path separated archive" "$out" 'imported 4,'
{
	for i in 1 2; do
		printf 'Date: Mon, 1 Jan 2024 00:00:0%d +0000\nFrom: a@x\nSubject: dt %d\nMessage-ID: <dt%d@x>\n\nbody %d\n\n' "$i" "$i" "$i" "$i"
	done
} >"$T_TMP/dt.txt"
out=$("$SATCHEL" import --folder Dt "$T_TMP/dt.txt" 2>&1)
t_like "Date separated archive" "$out" 'imported 2,'
# A single message with a forwarded header block stays one message.
printf 'Date: Mon, 1 Jan 2024 00:00:00 +0000\nFrom: a@x\nSubject: fwd\nMessage-ID: <f@x>\n\nsee below\n\nDate: Sun, 31 Dec 2023 00:00:00 +0000\nFrom: b@x\nSubject: old\n\ntext\n' >"$T_TMP/fwd.eml"
out=$("$SATCHEL" import --folder Fwd "$T_TMP/fwd.eml" 2>&1)
t_like "a forward inside one message is not split" "$out" 'imported 1,'

# CR-only line ends in an mbox.
printf 'From a@x Mon Jan  1 00:00:00 2024\rSubject: cr one\rFrom: a@x\r\rbody\r\rFrom a@x Mon Jan  1 00:00:00 2024\rSubject: cr two\rFrom: a@x\r\rbody\r' >"$T_TMP/cr.mbox"
out=$("$SATCHEL" import --folder Cr "$T_TMP/cr.mbox" 2>&1)
t_is "CR-only mbox exits 0" "$?" 0
t_like "CR-only mbox imports both" "$out" 'imported 2,'

# A file that holds no message: an empty mailbox is no error, text that
# yields no message is.
printf '\n' >"$T_TMP/empty1"
out=$("$SATCHEL" import --folder Empty "$T_TMP/empty1" 2>&1)
t_is "one-byte file: exit 0" "$?" 0
t_like "one-byte file: says so" "$out" 'holds no message'
t_is "one-byte file: no message" "$(count folder:Empty)" 0
printf 'From a@x Mon Jan  1 00:00:00 2024\n' >"$T_TMP/fromonly"
out=$("$SATCHEL" import --folder Empty "$T_TMP/fromonly" 2>&1)
t_is "a From_ line alone: exit 65" "$?" 65
t_like "a From_ line alone: says so" "$out" 'no message could be read'
# Importing the same file again is no error.
out=$("$SATCHEL" import --folder Exact "$T_TMP/exact.mbox" 2>&1)
t_is "an unchanged file again: exit 0" "$?" 0
t_done
