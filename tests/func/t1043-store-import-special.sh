#!/bin/sh
# t1043-store-import-special: importing a Maildir takes regular files only.
# A symbolic link to another of the user's files is not read as a message,
# a FIFO does not block the import, and the summary says what was skipped.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd mkfifo coreutils
t_plan 8

md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
printf 'From: a@example.org\nTo: me@example.org\nSubject: plain message\nMessage-ID: <plain@example.org>\n\nHello.\n' \
    >"$md/new/1.eml"
# Another file of the user's, readable only by them, that looks like mail.
printf 'From: bank@example.org\nTo: me@example.org\nSubject: secret statement\nMessage-ID: <secret@example.org>\n\nPIN 1234.\n' \
    >"$T_TMP/secret.eml"
chmod 600 "$T_TMP/secret.eml"
ln -s "$T_TMP/secret.eml" "$md/new/2.eml"
ln -s "$T_TMP/secret.eml" "$md/cur/3.eml:2,S"
mkfifo "$md/new/4.eml"

out=$(timeout 30 "$SATCHEL" import "$md" 2>&1)
rc=$?
t_is "the import ends (no wait on the FIFO)" "$rc" 0
t_like "one message imported" "$out" 'imported 1, duplicates 0, unreadable 0'
t_like "the summary says what was skipped" "$out" \
    'skipped 3 entries that are not regular files'
t_like "the link is named" "$out" 'new/2\.eml: skipped: a symbolic link'
t_like "the FIFO is named" "$out" 'new/4\.eml: skipped: a FIFO'
found=$("$SATCHEL" search 'secret' 2>&1)
t_unlike "the linked file was not imported" "$found" 'secret statement'
t_like "the plain message was" "$("$SATCHEL" search 'plain' 2>&1)" \
    'plain message'
t_is "the linked file is untouched" "$(grep -c PIN "$T_TMP/secret.eml")" 1
t_done
