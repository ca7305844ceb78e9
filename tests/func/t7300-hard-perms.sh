#!/bin/sh
# t7300: file permissions. Whatever the umask, the store and every
# directory satchel creates are 0700 and every file it writes is 0600
# (index, messages from import, fetch and compose, lock and state files).
# A configuration file that holds a password must not be readable by
# others. As root: a store directory owned by someone else (directly or
# through a symbolic link) is refused, not used.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd "$T_PYTHON" python3

fake=$top_srcdir/tests/fake
STORE=$XDG_DATA_HOME/satchel
CONF=$XDG_CONFIG_HOME/satchel/config

# A POP3 server to fetch two messages from.
mkdir -p "$T_TMP/pop3" "$XDG_CONFIG_HOME/satchel"
t_spawn pop3 "$T_PYTHON" "$fake/hostile-pop3.py" short-count "$T_TMP/pop3"
t_wait_file "$T_TMP/pop3/port"
t_write_config "$CONF" <<EOC
[account perms]
address = Perm Test <perms@example.test>
pop3_host = 127.0.0.1
pop3_port = $(cat "$T_TMP/pop3/port")
pop3_tls = none
pop3_user = bob
password = secret-pw
allow_plaintext = true
timeout = $(t_timeout 5)
smtp_host = 127.0.0.1
smtp_port = 9
smtp_tls = none
EOC

# Everything below runs with the loosest umask: modes must not depend on it.
umask 000
t_ok "import with umask 000" \
    "$SATCHEL" import "$top_srcdir/tests/data/hostile-nul.eml"
t_ok "fetch with umask 000" "$SATCHEL" fetch
t_ok "compose with umask 000" sh -c 'printf "body\n" |
    "$SATCHEL" compose --to bob@example.test --subject perms'
umask 022

t_is "the store directory is 0700" "$(stat -c %a "$STORE")" 700
t_is "messages were stored (import + fetch + outbox)" \
    "$(find "$STORE" -type f \( -path '*/new/*' -o -path '*/cur/*' \) |
    wc -l | tr -d ' ')" 4
bad=$(find "$STORE" -type d ! -perm 0700 -print)
t_is "every directory in the store is 0700" "$bad" ""
bad=$(find "$STORE" -type f ! -perm 0600 -print)
t_is "every file in the store is 0600" "$bad" ""
bad=$(find "$HOME/.local" -type d ! -perm 0700 -print)
t_is "directories created on the way to the store are 0700" "$bad" ""

chmod 644 "$CONF"
"$SATCHEL" search '' >"$T_TMP/out" 2>&1
t_is "a config with a password readable by others is refused" "$?" 78
t_like "the refusal says how to fix it" "$(cat "$T_TMP/out")" 'chmod 600'
chmod 600 "$CONF"

if test "$(id -u)" != 0 || ! id nobody >/dev/null 2>&1; then
	t_skip "store owned by nobody is refused" "needs root"
	t_skip "the refusal names the directory" "needs root"
	t_skip "nothing was written into the foreign store" "needs root"
	t_skip "a symlink to a foreign directory is refused" "needs root"
	t_skip "the store is usable again once it is ours" "needs root"
	t_done
fi
chown -R nobody "$STORE"
"$SATCHEL" search '' >"$T_TMP/out" 2>&1
t_is "store owned by nobody is refused (status 77)" "$?" 77
t_like "the refusal names the directory" "$(cat "$T_TMP/out")" \
    "$STORE.*(owned|owner)"
"$SATCHEL" import "$top_srcdir/tests/data/hostile-charset.eml" >/dev/null 2>&1
t_is "nothing was written into the foreign store" \
    "$(find "$STORE" -user "$(id -u)" | wc -l | tr -d ' ')" 0
chown -R "$(id -u)" "$STORE"

mkdir -p "$T_TMP/foreign"
chown nobody "$T_TMP/foreign"
chmod 700 "$T_TMP/foreign"
t_write_config "$HOME/conf-link" <<EOC
[general]
store = $T_TMP/link
EOC
ln -s "$T_TMP/foreign" "$T_TMP/link"
"$SATCHEL" -c "$HOME/conf-link" search '' >"$T_TMP/out" 2>&1
t_is "a symlink to a foreign directory is refused (status 77)" "$?" 77
t_ok "the store is usable again once it is ours" "$SATCHEL" search ''
t_done
