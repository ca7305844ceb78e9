#!/bin/sh
# t6123-ui-complete: Tab completes addresses in the bounce prompt and in
# the compose screen's To/Cc/Bcc (t, c, b) from the aliases file, from
# the address book the index makes (everyone mail was exchanged with, most
# often and most recently first) and from a query_command (mutt's
# protocol); folder names in the move prompt; file paths in the attach
# prompt. Up and Down walk each prompt's own history.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 22

md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
# Anna wrote three times long ago; Andrea once, today; we wrote to Andy
# (in Sent) today.
for i in 1 2 3; do
	printf 'From: Anna Old <anna@old.test>\nTo: me@example.test\nSubject: ancient %s\nDate: Mon, 0%s Jan 2018 10:00:00 +0000\nMessage-ID: <a%s@old.test>\n\nx\n' "$i" "$i" "$i" >"$md/new/$i.eml"
done
now=$(date -R)
printf 'From: Andrea Recent <andrea@new.test>\nTo: me@example.test\nSubject: recent\nDate: %s\nMessage-ID: <a4@new.test>\n\nx\n' "$now" >"$md/new/4.eml"
mkdir -p "$T_TMP/sent/cur" "$T_TMP/sent/new" "$T_TMP/sent/tmp"
printf 'From: Me <me@example.test>\nTo: "Andy Sent" <andy@sent.test>\nSubject: to andy\nDate: %s\nMessage-ID: <s1@example.test>\n\nx\n' "$now" >"$T_TMP/sent/cur/s1:2,S"

cat >"$T_TMP/aliases" <<'EOF2'
# mutt aliases
alias team Team Lead <lead@team.test>, dev@team.test
alias boss "Big Boss" <boss@corp.test>
EOF2
cat >"$T_TMP/query.sh" <<'EOF2'
#!/bin/sh
echo "Searching the directory for $1 ..."
case $1 in
zo*) printf 'zoe@dir.test\tZoe Directory\tfrom LDAP\n' ;;
esac
EOF2
chmod +x "$T_TMP/query.sh"
mkdir -p "$T_TMP/files/reports"
: >"$T_TMP/files/reports/summary-2024.txt"
: >"$T_TMP/files/unique-name.pdf"
edit=$T_TMP/edit.sh
printf '#!/bin/sh\necho "Body." >>"$1"\n' >"$edit"
chmod +x "$edit"
conf=$HOME/conf
t_write_config "$conf" <<EOC
[general]
store = $T_TMP/store
editor = $edit
send_interval = 86400
alias_file = $T_TMP/aliases
query_command = $T_TMP/query.sh '%s'
[account me]
address = Me <me@example.test>
EOC
"$SATCHEL" -c "$conf" import "$md" >/dev/null 2>&1 || t_diag "import failed"
"$SATCHEL" -c "$conf" import --folder Sent "$T_TMP/sent" >/dev/null 2>&1 ||
    t_diag "import of Sent failed"

t_tmux_start ui 110 24 "$SATCHEL" -c "$conf"
screen() { t_tmux_screen ui; }
t_ok "index is drawn" t_tmux_wait ui 'INBOX \(4 messages\)'

# Addresses from the index, best first; Tab again: the next one.
t_tmux_keys ui b
t_tmux_keys ui -l 'an'
t_tmux_keys ui Tab
t_ok "Tab: the most likely first (written to, lately)" \
    t_tmux_wait ui 'Bounce message to: Andy Sent <andy@sent\.test>'
t_tmux_keys ui Tab
t_ok "Tab again: next, who wrote lately" \
    t_tmux_wait ui 'Bounce message to: Andrea Recent <andrea@new\.test>'
t_tmux_keys ui Tab
t_ok "then who wrote often, but long ago" \
    t_tmux_wait ui 'Bounce message to: Anna Old <anna@old\.test>'
t_tmux_keys ui -l ', bo'
t_tmux_keys ui Tab
t_ok "the next address after a comma: an alias" \
    t_tmux_wait ui 'Bounce message to: Anna Old <anna@old\.test>, "Big Boss" <boss@corp\.test>'
t_tmux_keys ui C-u
t_tmux_keys ui -l 'zo'
t_tmux_keys ui Tab
t_ok "query_command: an external address book" \
    t_tmux_wait ui 'Bounce message to: Zoe Directory <zoe@dir\.test>'
t_tmux_keys ui C-u
t_tmux_keys ui -l 'team'
t_tmux_keys ui Enter
t_ok "an alias typed whole is expanded" \
    t_tmux_wait ui 'Bounce message to lead@team\.test, dev@team\.test \(from me@example\.test\)\?'
t_tmux_keys ui n

# History: Up brings back the last address line, Down goes forward.
t_tmux_keys ui b Up
t_ok "Up: the last line of this prompt" \
    t_tmux_wait ui 'Bounce message to: Team Lead <lead@team\.test>, dev@team\.test'
t_tmux_keys ui Down
t_ok "Down: back to what was typed" t_tmux_wait ui 'Bounce message to: *$'
t_tmux_keys ui Escape

# Searches have their own history.
t_tmux_keys ui l
t_tmux_keys ui -l 'ancient'
t_tmux_keys ui Enter
t_ok "a limit" t_tmux_wait ui 'INBOX \[ancient\] \(3 messages\)'
t_tmux_keys ui l C-u Up
t_ok "Up in the limit prompt: the last limit, not an address" \
    t_tmux_wait ui 'Limit to: ancient'
t_tmux_keys ui C-u Enter
t_ok "no limit" t_tmux_wait ui 'INBOX \(4 messages\)'

# Folders in the move prompt.
t_tmux_keys ui s
t_tmux_keys ui -l 'Se'
t_tmux_keys ui Tab
t_ok "Tab completes a folder name" t_tmux_wait ui 'Move to folder: Sent'
t_tmux_keys ui Escape

# The compose screen: t, c, b with completion.
t_tmux_keys ui m
t_ok "the compose screen" t_tmux_wait ui 'y:send'
t_tmux_keys ui t
t_tmux_keys ui -l 'andr'
t_tmux_keys ui Tab Enter
t_ok "t: To completed" t_tmux_wait ui 'To: +Andrea Recent <andrea@new\.test>'
t_tmux_keys ui c
t_tmux_keys ui -l 'team'
t_tmux_keys ui Enter
t_ok "c: Cc, an alias expanded" t_tmux_wait ui 'Cc: +Team Lead <lead@team\.test>, dev@team\.test'
t_tmux_keys ui b
t_tmux_keys ui -l 'zo'
t_tmux_keys ui Tab Enter
t_ok "b: Bcc from the query command" t_tmux_wait ui 'Bcc: +Zoe Directory <zoe@dir\.test>'

# Files in the attach prompt: as far as they agree, then each in turn.
t_tmux_keys ui a
t_tmux_keys ui -l "$T_TMP/files/u"
t_tmux_keys ui Tab
t_ok "Tab completes a file name" t_tmux_wait ui "Attach file: .*/files/unique-name\\.pdf"
t_tmux_keys ui C-u
t_tmux_keys ui -l "$T_TMP/files/rep"
t_tmux_keys ui Tab
t_ok "a directory gets its slash" t_tmux_wait ui "Attach file: .*/files/reports/\$"
t_tmux_keys ui Tab
t_ok "and Tab goes on inside it" t_tmux_wait ui "Attach file: .*/files/reports/summary-2024\\.txt"
t_tmux_keys ui Enter
t_ok "attached" t_tmux_wait ui 'Attach: +.*/reports/summary-2024\.txt'
t_tmux_keys ui q y
t_ok "discarded" t_tmux_wait ui 'Message discarded'
t_tmux_keys ui x
t_done
