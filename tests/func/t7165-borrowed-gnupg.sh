#!/bin/sh
# t7165-borrowed-gnupg: in borrowed mode gpg gets a temporary GNUPGHOME in
# the session's private directory: asking to encrypt looks for keys there
# (none: the user is told), nothing is written to the machine's ~/.gnupg,
# and the keyring and its gpg-agent end with the session.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd gpg gnupg
t_plan 10

unset GNUPGHOME
edit=$T_TMP/edit.sh
# Children get satchel's environment: the editor records the keyring.
cat >"$edit" <<EOS
#!/bin/sh
echo "\$GNUPGHOME" >"$T_TMP/gnupghome"
# and starts its agent, as gpg does when it needs a secret key.
gpg-connect-agent /bye >/dev/null 2>&1
sed -i 's/^To:.*\$/To: dave@example.org/; s/^Subject:.*\$/Subject: Hi/' "\$1"
echo "Text." >>"\$1"
EOS
chmod +x "$edit"
conf=$HOME/conf
t_satchel_config "$conf" "general.editor=$edit" general.borrowed=true

run=$T_TMP/run.sh
cat >"$run" <<'EOS'
#!/bin/sh
status=$1
shift
"$@"
echo $? >"$status"
exec sleep 600
EOS
chmod +x "$run"

t_tmux_start ui 100 24 "$run" "$T_TMP/status" "$SATCHEL" -c "$conf"
t_ok "the borrowed session starts" t_tmux_wait ui 'INBOX \(0 messages\)' 20
t_tmux_keys ui m
t_ok "compose screen" t_tmux_wait ui 'Security:'
gh=$(cat "$T_TMP/gnupghome" 2>/dev/null)
t_like "GNUPGHOME is in the private directory" "$gh" \
    "^$XDG_RUNTIME_DIR/satchel-borrowed-[A-Za-z0-9]{6}/gnupg\$"
t_tmux_keys ui p b y
t_ok "no key in the empty temporary keyring: the user is told" \
    t_tmux_wait ui 'No usable key for dave@example\.org'
t_tmux_keys ui n
t_ok "not sent" t_tmux_wait ui 'Not sent: no key'
t_ok "gpg used the temporary keyring" test -d "${gh:-/nonexistent}"
t_fails "nothing was written to the machine's ~/.gnupg" test -e "$HOME/.gnupg"
agents() {
	ps -eo args | grep -F -e "--homedir ${gh:-/nonexistent}" | grep -v grep |
	    wc -l | tr -d ' '
}
t_is "an agent runs for it during the session" "$(agents)" 1
t_tmux_keys ui q y q
t_wait_file "$T_TMP/status" 15
t_ok "the temporary keyring is gone after the session" \
    t_wait_until 5 eval "! test -e '${gh:-/nonexistent}/pubring.kbx'"
t_is "no gpg-agent for it is left" "$(agents)" 0
t_done
