#!/bin/sh
# t6002-ui-compose: reply through $EDITOR (a script that edits the file),
# the confirmation screen, queueing; an untouched message is dropped; a
# draft is saved; attachments are listed, saved (sanitised name, no
# silent overwrite) and opened with a mailcap viewer.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 20

md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
printf 'From: Alice <alice@example.org>\nTo: me@example.org\nSubject: Lunch?\nDate: Mon, 01 Jan 2024 10:00:00 +0000\nMessage-ID: <lunch@example.org>\n\nShall we meet at noon?\n' \
    >"$md/new/1.eml"
cat >"$md/new/2.eml" <<'EOM'
From: Carol <carol@example.org>
To: me@example.org
Subject: The report
Date: Tue, 02 Jan 2024 10:00:00 +0000
Message-ID: <report@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=us-ascii

See the attached report.
--b1
Content-Type: text/plain; name="report.txt"
Content-Disposition: attachment; filename="../../report.txt"
Content-Transfer-Encoding: base64

UmVwb3J0IGNvbnRlbnQgbGluZSBvbmUK
--b1--
EOM

edit=$T_TMP/edit.sh
cat >"$edit" <<'EOS'
#!/bin/sh
# Pretend to be a person in an editor: change To, write a line.
sed -i 's/^To:.*$/To: Dave <dave@example.org>/' "$1"
echo "Noon is fine, from the editor." >>"$1"
EOS
chmod +x "$edit"
conf=$HOME/conf
t_write_config "$conf" <<EOC
[general]
store = $T_TMP/store
editor = $edit
send_interval = 86400
[account me]
address = Me Myself <me@example.org>
EOC
"$SATCHEL" -c "$conf" import "$md" >/dev/null 2>&1 || t_diag "import failed"
mkdir -p "$T_TMP/out"
cat >"$T_TMP/mailcap" <<'EOM'
text/plain; cat %s; copiousoutput
EOM
MAILCAPS=$T_TMP/mailcap
export MAILCAPS

t_tmux_start ui 80 24 "$SATCHEL" -c "$conf"
screen() { t_tmux_screen ui; }

t_ok "index is drawn" t_tmux_wait ui 'Lunch\?'
t_tmux_keys ui j r
t_ok "reply: editor ran, confirmation shown" t_tmux_wait ui 'To: +Dave <dave@example.org>'
t_like "subject gets Re:" "$(screen)" 'Subject: +Re: Lunch\?'
t_like "From is the account" "$(screen)" 'From: +Me Myself <me@example.org>'
t_like "the keys are shown" "$(screen | head -1)" 'y:send'
t_tmux_keys ui y
t_ok "y queues the message" t_tmux_wait ui 'Queue:1'
# Queueing starts a send in the background (this account cannot send).
# Its messages would overwrite the ones waited for below: wait until it
# has ended, and the timer never starts another (send_interval).
t_ok "the background send ends" t_tmux_wait ui '\] Queue:1 Send error: '
t_ok "the original is marked replied" t_tmux_wait ui '^>..r.*Lunch'
t_like "queued in the Outbox" \
    "$("$SATCHEL" -c "$conf" search 'folder:Outbox' 2>&1)" 'Re: Lunch'
out=$(find "$T_TMP/store" -path '*Outbox*' -type f -exec cat {} + 2>/dev/null)
t_like "the editor's text is in the queued message" "$out" 'Noon is fine, from the editor'

# A message left as the template is dropped (as in mutt).
cat >"$edit" <<'EOS'
#!/bin/sh
exit 0
EOS
t_tmux_keys ui m
t_ok "an unchanged new message is cancelled" t_tmux_wait ui 'not changed'
# A draft.
cat >"$edit" <<'EOS'
#!/bin/sh
sed -i 's/^To:.*$/To: erin@example.org/; s/^Subject:.*$/Subject: Draft idea/' "$1"
EOS
t_tmux_keys ui m
t_ok "new message: confirmation" t_tmux_wait ui 'Subject: +Draft idea'
t_tmux_keys ui P
t_ok "P saves a draft" t_tmux_wait ui 'Saved in Drafts'
t_like "the draft is in Drafts" \
    "$("$SATCHEL" -c "$conf" search 'folder:Drafts' 2>&1)" 'Draft idea'

t_tmux_keys ui k v
t_ok "v lists the parts" t_tmux_wait ui 'text/plain.*report\.txt \(attachment\)'
t_tmux_keys ui j s C-u "$T_TMP/out/" Enter
t_ok "s saves the attachment" t_tmux_wait ui 'Saved to .*out/report\.txt'
t_is "saved content, name without ../" "$(cat "$T_TMP/out/report.txt" 2>&1)" \
    'Report content line one'
t_tmux_keys ui s C-u "$T_TMP/out/" Enter
t_ok "an existing file is not overwritten silently" t_tmux_wait ui 'exists\. Overwrite\?'
t_tmux_keys ui n
t_ok "answering no keeps it" t_tmux_wait ui 'Not saved'
t_tmux_keys ui Enter
t_ok "Enter opens it with the mailcap viewer" t_tmux_wait ui '^Report content line one'
t_tmux_keys ui q q x
t_done
