#!/bin/sh
# demo.sh: try satchel against real servers without touching your own mail
# or configuration. Run by `make demo` from the build directory.
#
# Starts a private dovecot (POP3) and SMTP server on 127.0.0.1 holding a
# dozen sample messages (threads, non-ASCII text, an attachment, HTML),
# writes a throwaway configuration and store in a temporary directory, runs
# `satchel fetch`, then opens the reader. When the reader exits the servers
# stop and the directory is removed. With no terminal (CI) it fetches, runs
# a few searches and queues and sends one message instead of opening the
# reader.
#
# Environment: SATCHEL (default ./satchel), SATCHEL_DEMO_KEEP=1 to keep the
# temporary directory.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
SATCHEL=${SATCHEL:-$(pwd)/satchel}
PATH=$PATH:/usr/sbin:/sbin
export PATH
test -x "$SATCHEL" || { echo "demo: $SATCHEL is not built (run make)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/satchel-demo.XXXXXX")
cleanup() {
	rc=$?
	trap - EXIT INT TERM HUP
	sh "$here/smtp.sh" stop "$tmp/smtp" >/dev/null 2>&1 || true
	sh "$here/dovecot.sh" stop "$tmp/dovecot" >/dev/null 2>&1 || true
	if test "${SATCHEL_DEMO_KEEP:-0}" = 1; then
		echo "demo: kept $tmp"
	else
		rm -rf "$tmp"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# Nothing of the demo may land in the user's own configuration or store.
XDG_CONFIG_HOME=$tmp/config
XDG_DATA_HOME=$tmp/data
XDG_CACHE_HOME=$tmp/cache
XDG_STATE_HOME=$tmp/state
export XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME XDG_STATE_HOME

echo "demo: starting a POP3 and an SMTP server on 127.0.0.1"
# The servers stop by themselves if this script is killed outright.
SATCHEL_TEST_OWNER=$$
export SATCHEL_TEST_OWNER
CA_DIR=$tmp/ca
export CA_DIR
sh "$here/ca.sh" "$CA_DIR"
sh "$here/dovecot.sh" start "$tmp/dovecot"
sh "$here/smtp.sh" start "$tmp/smtp"
. "$tmp/dovecot/env"
. "$tmp/smtp/env"

# --- sample mail -----------------------------------------------------------
mail=$tmp/sample
mkdir -p "$mail"
day() {
	LC_ALL=C date -R -d "$1 days ago $2" 2>/dev/null || LC_ALL=C date -R
}
n=0
msg() {
	# msg: stdin is one message; saved as the next numbered file.
	n=$((n + 1))
	cat >"$mail/$(printf '%02d' "$n").eml"
}

msg <<EOF
From: Ada Lovelace <ada@example.org>
To: You <you@example.test>
Subject: Welcome to satchel
Date: $(day 9 09:12)
Message-ID: <welcome.1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Hello!

This mailbox was made up for the demo. Everything you see came over POP3
from a private server on 127.0.0.1 and now lives in a local store, so it
stays readable with the network gone.

Press ? for the keys, / to search, q to quit.

Ada
EOF

msg <<EOF
From: Grace Hopper <grace@example.net>
To: You <you@example.test>, Ada Lovelace <ada@example.org>
Subject: Lunch on Friday?
Date: $(day 8 11:30)
Message-ID: <lunch.1@example.net>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Shall we try the new noodle place on Friday at 12:30?
EOF

msg <<EOF
From: Ada Lovelace <ada@example.org>
To: Grace Hopper <grace@example.net>, You <you@example.test>
Subject: Re: Lunch on Friday?
Date: $(day 8 12:02)
Message-ID: <lunch.2@example.org>
In-Reply-To: <lunch.1@example.net>
References: <lunch.1@example.net>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Grace Hopper wrote:
> Shall we try the new noodle place on Friday at 12:30?

Yes, count me in.
EOF

msg <<EOF
From: You <you@example.test>
To: Grace Hopper <grace@example.net>, Ada Lovelace <ada@example.org>
Subject: Re: Lunch on Friday?
Date: $(day 8 13:45)
Message-ID: <lunch.3@example.test>
In-Reply-To: <lunch.2@example.org>
References: <lunch.1@example.net> <lunch.2@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Ada Lovelace wrote:
> Grace Hopper wrote:
>> Shall we try the new noodle place on Friday at 12:30?
>
> Yes, count me in.

Me too. I will book a table for three.
EOF

msg <<EOF
From: =?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.de>
To: You <you@example.test>
Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=
Date: $(day 7 08:05)
Message-ID: <koeln.1@example.de>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Hallo!

Viele Gr=C3=BC=C3=9Fe aus K=C3=B6ln. Das Wetter ist sch=C3=B6n, der Dom =
steht noch, und am Rhein gibt es K=C3=B6lsch.

J=C3=BCrgen
EOF

printf '%s\n' \
    "From: =?iso-8859-1?q?Fran=E7oise?= <francoise@example.fr>" \
    "To: You <you@example.test>" \
    "Subject: =?iso-8859-1?q?Caf=E9_cr=E8me_et_cr=EApes?=" \
    "Date: $(day 6 16:20)" \
    "Message-ID: <cafe.1@example.fr>" \
    "MIME-Version: 1.0" \
    "Content-Type: text/plain; charset=iso-8859-1" \
    "Content-Transfer-Encoding: 8bit" \
    "" >"$tmp/latin1.head"
printf 'Bonjour,\n\nUn caf\351 cr\350me et deux cr\352pes, s\47il vous pla\356t.\n\n\340 bient\364t,\nFran\347oise\n' \
    >"$tmp/latin1.body"
cat "$tmp/latin1.head" "$tmp/latin1.body" >"$tmp/latin1.eml"
msg <"$tmp/latin1.eml"

msg <<EOF
From: =?utf-8?b?5bGx55Sw5aSq6YOO?= <yamada@example.jp>
To: You <you@example.test>
Subject: =?utf-8?b?5Lya6K2w44Gu6K2w6aGM?=
Date: $(day 5 10:00)
Message-ID: <kaigi.1@example.jp>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

こんにちは。

来週の会議の議題を送ります。
1. 予算
2. 日程
3. その他

山田
EOF

msg <<EOF
From: Finance Team <finance@example.com>
To: You <you@example.test>
Subject: Quarterly budget (spreadsheet attached)
Date: $(day 4 14:10)
Message-ID: <budget.1@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="=-budget-boundary"

--=-budget-boundary
Content-Type: text/plain; charset=utf-8

Hi,

the quarterly budget is attached as budget.csv. Totals are in the last row.

Finance
--=-budget-boundary
Content-Type: text/csv; charset=utf-8; name="budget.csv"
Content-Disposition: attachment; filename="budget.csv"
Content-Transfer-Encoding: base64

$(printf 'item,q1,q2,q3\nrent,3000,3000,3000\ntravel,450,1200,300\ncoffee,80,95,120\ntotal,3530,4295,3420\n' | base64)
--=-budget-boundary--
EOF

msg <<EOF
From: The Weekly Gazette <news@example.com>
To: You <you@example.test>
Subject: This week: terminals, tea and typography
Date: $(day 3 07:00)
Message-ID: <gazette.42@example.com>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<!DOCTYPE html>
<html><head><style>h1 { color: #336; }</style></head>
<body>
<h1>The Weekly Gazette</h1>
<p>Welcome to issue <b>42</b>. This week:</p>
<ul>
<li><a href="https://example.com/terminals">Why terminals still matter</a></li>
<li>A short history of <i>tea</i> &amp; the people who drink it</li>
<li>Typography for the rest of us</li>
</ul>
<p>Unsubscribe at any time &mdash; we will miss you.</p>
</body></html>
EOF

msg <<EOF
From: Linus Example <linus@example.org>
To: You <you@example.test>
Subject: Build broken on main
Date: $(day 2 18:40)
Message-ID: <build.1@example.org>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt-1"

--alt-1
Content-Type: text/plain; charset=utf-8

The build on main fails since this morning:

    src/store/store.c:120: error: 'fts' undeclared

Could you have a look?
--alt-1
Content-Type: text/html; charset=utf-8

<p>The build on main fails since this morning:</p>
<pre>src/store/store.c:120: error: 'fts' undeclared</pre>
<p>Could you have a look?</p>
--alt-1--
EOF

msg <<EOF
From: You <you@example.test>
To: Linus Example <linus@example.org>
Subject: Re: Build broken on main
Date: $(day 2 19:05)
Message-ID: <build.2@example.test>
In-Reply-To: <build.1@example.org>
References: <build.1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Linus Example wrote:
> The build on main fails since this morning:
>
>     src/store/store.c:120: error: 'fts' undeclared

Fixed, a missing include. Sorry about that.

-- 
You
EOF

msg <<EOF
From: Release Bot <bot@example.net>
To: You <you@example.test>
Subject: =?utf-8?q?Release_1=2E0_is_out_=F0=9F=8E=89?=
Date: $(day 1 12:00)
Message-ID: <release.1@example.net>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Version 1.0 has been released. 🎉

Highlights:
• offline reading
• full-text search
• a queue that never loses your mail
EOF

msg <<EOF
From: Ada Lovelace <ada@example.org>
To: You <you@example.test>
Subject: Notes on the analytical engine
Date: $(day 0 08:30)
Message-ID: <notes.1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8; format=flowed

A long letter, to try the pager. The engine weaves algebraic patterns 
just as the Jacquard loom weaves flowers and leaves. 

$(i=1; while test $i -le 40; do echo "Paragraph $i. The operations are stored on cards, the numbers in the columns, and the mill carries out each step in turn."; echo; i=$((i + 1)); done)
Ada
EOF

sh "$here/dovecot.sh" seed "$tmp/dovecot" "$mail"/*.eml
echo "demo: the server holds $(sh "$here/dovecot.sh" count "$tmp/dovecot") messages"

# --- configuration -----------------------------------------------------------
conf=$tmp/satchel.conf
(umask 077 && cat >"$conf") <<EOF
# A throwaway configuration for the demo.
[general]
store = $tmp/store

[account demo]
address = You <you@example.test>
pop3_host = $POP3_HOST
pop3_port = $POP3S_PORT
pop3_tls = implicit
pop3_user = $POP3_USER
smtp_host = $SMTP_HOST
smtp_port = $SMTP_PORT
smtp_tls = starttls
smtp_user = $SMTP_USER
ca_file = $CA_FILE
keep = true
password_command = cat $tmp/pop3.pass
smtp_password_command = cat $tmp/smtp.pass
EOF
(umask 077 && printf '%s\n' "$POP3_PASS" >"$tmp/pop3.pass" &&
    printf '%s\n' "$SMTP_PASS" >"$tmp/smtp.pass")

echo "demo: satchel -c $conf fetch"
"$SATCHEL" -c "$conf" fetch

if test -t 0 && test -t 1 && test "${CI:-}" != true; then
	echo "demo: opening the reader (q quits; mail you send lands in $SMTP_SPOOL)"
	sleep 1
	"$SATCHEL" -c "$conf" || true
	# The directory goes when the demo ends: mail still in the outbox
	# is sent now, and what cannot be sent is kept and shown.
	left=$("$SATCHEL" -c "$conf" queue 2>/dev/null | grep -c '^ *[0-9]' ||
	    true)
	if test "$left" -gt 0; then
		echo "demo: $left message(s) still queued: sending them now"
		"$SATCHEL" -c "$conf" send || true
		left=$("$SATCHEL" -c "$conf" queue 2>/dev/null |
		    grep -c '^ *[0-9]' || true)
	fi
	echo "demo: messages the SMTP server accepted: $(ls "$SMTP_SPOOL" | grep -c '\.eml$' || true)"
	if test "$left" -gt 0; then
		echo "demo: $left message(s) were NOT sent:" >&2
		"$SATCHEL" -c "$conf" queue >&2 || true
		echo "demo: they stay in the outbox of $tmp/store;" \
		    "read it with: $SATCHEL -c $conf" >&2
		SATCHEL_DEMO_KEEP=1
	fi
else
	for q in lunch "Köln" "has:attachment" "from:ada"; do
		echo "demo: satchel search $q"
		rc=0
		"$SATCHEL" -c "$conf" search "$q" || rc=$?
		# 1 means "no match"; anything else is an error.
		test $rc -le 1 || exit $rc
	done
	echo "demo: satchel compose + send"
	if echo "Hello from satchel." | "$SATCHEL" -c "$conf" compose \
	    --to "Ada Lovelace <ada@example.org>" --subject "Sent from the demo" &&
	    "$SATCHEL" -c "$conf" send; then
		echo "demo: the SMTP server accepted $(ls "$SMTP_SPOOL" | grep -c '\.eml$' || true) message(s)"
	else
		echo "demo: sending failed" >&2
		exit 1
	fi
fi
if test "${SATCHEL_DEMO_KEEP:-0}" = 1; then
	echo "demo: done"
else
	echo "demo: done, removing $tmp"
fi
