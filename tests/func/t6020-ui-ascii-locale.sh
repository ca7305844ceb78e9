#!/bin/sh
# t6020-ui-ascii-locale: in a locale that is not UTF-8 (LANG=C, as over
# many ssh logins) the reader shows '?' for each character the terminal
# cannot show, never raw bytes or blanks, and keeps the columns.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 4

md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
printf 'From: =?UTF-8?Q?Zo=C3=AB?= <zoe@example.org>\nTo: me@example.org\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=\nDate: Mon, 01 Jan 2024 10:00:00 +0000\nMessage-ID: <koeln@example.org>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nSch\303\266ne Gr\303\274\303\237e, \346\274\242\345\255\227 and the end.\n' \
    >"$md/new/1.eml"
conf=$HOME/conf
t_write_config "$conf" <<EOC
[general]
store = $T_TMP/store
[account me]
address = Me <me@example.org>
EOC
"$SATCHEL" -c "$conf" import "$md" >/dev/null 2>&1 || t_diag "import failed"

# script(1) keeps every byte the reader writes, before tmux draws it: a
# raw byte of the mail would be there even where the screen shows '?'.
t_need_cmd script bsdutils
t_tmux_start ui 80 24 script -q -f -e -c \
    "env LC_ALL=C LANG=C LANGUAGE= '$SATCHEL' -c '$conf'" "$T_TMP/out.raw"
t_ok "the index shows '?' for what ASCII cannot" t_tmux_wait ui 'Zo\? +Gr\?\?e aus K\?ln'
t_tmux_keys ui Enter
# A wide character is one '?': the text after it stays in its place.
t_ok "the pager too, one '?' per character" t_tmux_wait ui '^Sch\?ne Gr\?\?e, \?\? and the end\.$'
t_unlike "no M- notation" "$(t_tmux_screen ui)" 'M-'
t_tmux_keys ui q x
t_wait_until 10 t_tmux_dead ui || t_diag "the reader did not quit"
# Only bytes below 0x80 were written (the UTF-8 run of the same mail
# writes 28 bytes above it, and check 4 fails).
t_is "no byte above ASCII reached the terminal" \
    "$(LC_ALL=C tr -d '\000-\177' <"$T_TMP/out.raw" | wc -c)" 0
t_done
