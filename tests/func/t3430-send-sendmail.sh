#!/bin/sh
# t3430-send-sendmail: satchel sendmail queues what sendmail's callers hand
# it, offline, and exits 0 once it is queued: git send-email (its
# --smtp-server=/path/to/a-wrapper convention, and the real program when
# installed), cron's MAILTO (sendmail -FCronDaemon -i -B8BITMIME -oem
# USER), -t, the "." line without -i, a link named sendmail, sysexits
# codes for what it cannot take. Then satchel send delivers exactly those.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd aiosmtpd python3-aiosmtpd
t_need_cmd sqlite3 sqlite3
t_plan 30
t_smtp_start
conf=$HOME/conf
t_satchel_config "$conf"
# The server is unreachable while queueing: sendmail never uses the net.
dead=$("$PYTHON" "$top_srcdir/tests/servers/netutil.py" ports 1)
dconf=$HOME/conf-dead
t_satchel_config "$dconf" smtp_port="$dead"
S() { "$SATCHEL" -c "$conf" "$@"; }
mkdir -p "$T_TMP/bin"
wrapper=$T_TMP/bin/satchel-sendmail-wrapper
printf '#!/bin/sh\nexec "%s" -c "%s" sendmail "$@"\n' "$SATCHEL" "$dconf" >"$wrapper"
chmod +x "$wrapper"
nqueued() { S queue | grep -c '^[0-9]* *queued'; }
rcpts() { sqlite3 "$T_TMP/store/index.sqlite" "SELECT replace(recipients, char(10), ', ') FROM queue WHERE id = $1"; }

# --- git send-email's convention: sendmail -i -f FROM RCPT... -------------
cat >"$T_TMP/patch" <<'EOF'
From: Test User <alice@example.test>
To: bob@example.test
Cc: carol@example.test
Subject: [PATCH] add a line
Date: Mon, 1 Jan 2024 10:00:00 +0000
Message-ID: <patch-1@example.test>

---
 file | 1 +
 1 file changed, 1 insertion(+)

diff --git a/file b/file
--- a/file
+++ b/file
@@ -1 +1,2 @@
 hello
+.
+hello from the patch
-- 
2.39.5
EOF
"$wrapper" -i -f alice@example.test bob@example.test carol@example.test \
    hidden@example.test <"$T_TMP/patch"
t_is "git send-email style: exits 0 with the server unreachable" "$?" 0
t_is "one entry queued" "$(nqueued)" 1
t_is "the arguments are the envelope (Bcc included)" "$(rcpts 1)" \
    "bob@example.test, carol@example.test, hidden@example.test"

if command -v git >/dev/null 2>&1 && git send-email -h 2>&1 | grep -q smtp-server; then
	git init -q "$T_TMP/repo"
	(cd "$T_TMP/repo" && echo hi >f && git add f &&
	    git -c user.name=T -c user.email=alice@example.test commit -qm 'first: one file' &&
	    git format-patch -q -1 -o "$T_TMP/gp") >/dev/null 2>&1
	(cd "$T_TMP/repo" && git -c user.name=T -c user.email=alice@example.test send-email \
	    --smtp-server="$wrapper" --from='Test User <alice@example.test>' \
	    --to=dave@example.test --bcc=erin@example.test --confirm=never \
	    --suppress-cc=all --no-validate --quiet "$T_TMP"/gp/*.patch) \
	    >"$T_TMP/gse.out" 2>&1
	t_is "the real git send-email through the wrapper exits 0" "$?" 0
	t_is "it is queued for To and Bcc" "$(rcpts 2)" "dave@example.test, erin@example.test"
else
	t_skip "the real git send-email" "git-email is not installed"
	t_skip "the real git send-email" "git-email is not installed"
	printf 'To: dave@example.test\nSubject: stand-in\n\nx\n' |
	    "$wrapper" -i -f alice@example.test dave@example.test erin@example.test
fi

# --- cron: sendmail -FCronDaemon -i -B8BITMIME -oem USER ---------------------
cron_msg() {
	printf 'From: root (Cron Daemon)\nTo: %s\nSubject: Cron <root@host> ls /\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\nX-Cron-Env: <SHELL=/bin/sh>\n\nbin\netc\n.\nusr\n' "$1"
}
cron_msg frank@example.test | "$wrapper" -FCronDaemon -i -B8BITMIME -oem frank@example.test
t_is "cron's MAILTO=address: exits 0" "$?" 0
t_is "queued for that address" "$(rcpts 3)" "frank@example.test"
me=$(id -un)
cron_msg "$me" | "$wrapper" -FCronDaemon -i -B8BITMIME -oem "$me"
t_is "cron's default (the crontab owner's login): exits 0" "$?" 0
t_is "your own login stands for your address" "$(rcpts 4)" "alice@example.test"
cron_msg nosuchuser | "$wrapper" -FCronDaemon -i -B8BITMIME -oem nosuchuser >"$T_TMP/err" 2>&1
t_is "another bare name exits 67 (EX_NOUSER)" "$?" 67
t_like "and says why" "$(cat "$T_TMP/err")" 'not a mail address'

# --- -t, and a link named sendmail ------------------------------------------
ln -s "$SATCHEL" "$T_TMP/bin/sendmail"
printf 'To: Gina <gina@example.test>\nCc: hank@example.test\nBcc: ivy@example.test\nSubject: extracted\n\nline\n' |
    "$T_TMP/bin/sendmail" -C "$dconf" -oi -t
t_is "sendmail -t (run as a link named sendmail) exits 0" "$?" 0
t_is "-t takes To, Cc and Bcc" "$(rcpts 5)" "gina@example.test, hank@example.test, ivy@example.test"
printf 'To: jo@example.test\nSubject: dot\n\nbefore\n.\nafter\n' | "$wrapper" -t
t_is "without -i: exits 0" "$?" 0
printf 'Subject: no from\n\nx\n' | "$wrapper" -F 'Kay Example' kay@example.test
t_is "a message without From, Date, Message-ID: exits 0" "$?" 0

# --- what it refuses --------------------------------------------------------
printf 'Subject: x\n\nx\n' | "$wrapper" -i >/dev/null 2>&1
t_is "no recipient: 64 (EX_USAGE)" "$?" 64
printf 'Subject: x\n\nx\n' | "$wrapper" -i 'bob@' >/dev/null 2>&1
t_is "a bad address: 67 (EX_NOUSER)" "$?" 67
"$wrapper" -bs </dev/null >/dev/null 2>&1
t_is "SMTP on standard input (-bs) is refused: 64" "$?" 64
printf 'Subject: x\n\nx\n' | "$SATCHEL" -c "$T_TMP/nonexistent" sendmail -i bob@example.test >/dev/null 2>&1
t_is "no configuration: 78 (EX_CONFIG)" "$?" 78
printf 'Subject: x\n\nx\n' | "$wrapper" -i -Z -odb lee@example.test >"$T_TMP/err" 2>&1
t_is "an unknown flag is ignored: exits 0" "$?" 0
t_like "with a warning" "$(cat "$T_TMP/err")" 'ignoring the unknown option -Z'
n=$(nqueued)
t_is "everything accepted is queued" "$n" 8

# --- satchel send delivers them, as queued ----------------------------------
S send >/dev/null 2>&1
t_is "send exits 0" "$?" 0
t_is "all arrived" "$(t_smtp_count)" 8
env1=$(cat "$SMTP_SPOOL/0001.env" 2>/dev/null || cat "$(ls "$SMTP_SPOOL"/*.env | head -n 1)")
t_like "the envelope has the hidden recipient" "$env1" 'RCPT TO:<hidden@example\.test>'
eml1=$(ls "$SMTP_SPOOL"/*.eml | head -n 1)
sed '1,/^$/d' "$T_TMP/patch" >"$T_TMP/want"
tr -d '\r' <"$eml1" | sed '1,/^$/d' >"$T_TMP/got"
t_ok "the patch body arrives byte for byte (a lone '.' line included)" cmp "$T_TMP/want" "$T_TMP/got"
t_unlike "no Bcc header goes on the wire" "$(cat "$SMTP_SPOOL"/*.eml | tr -d '\r')" '^Bcc:'
dot=$(grep -l 'Subject: dot' "$SMTP_SPOOL"/*.eml)
t_unlike "without -i the '.' line ended the message" "$(cat "$dot")" 'after'
kay=$(grep -l 'Subject: no from' "$SMTP_SPOOL"/*.eml | head -n 1)
t_like "a missing From is added with -F's name" "$(tr -d '\r' <"$kay")" '^From: Kay Example <alice@example\.test>'
t_like "and a Message-ID" "$(tr -d '\r' <"$kay")" '^Message-I[Dd]: <'
t_done
