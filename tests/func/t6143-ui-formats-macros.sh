#!/bin/sh
# t6143-ui-formats-macros: index_format (mutt's %-expandos with widths),
# date_format, status_format, and macros in [keys]: a key that types
# other keys, prompts included; a macro that runs itself is stopped.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 12

md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
printf 'From: Alice Example <alice@example.org>\nTo: me@example.org\nSubject: First subject\nDate: Wed, 03 Jan 2024 10:00:00 +0000\nMessage-ID: <f1@example.org>\n\nbody one\n' \
    >"$md/new/1.eml"
printf 'From: Bob <bob@example.org>\nTo: me@example.org\nSubject: Second \033[31msubject\nDate: Tue, 02 Jan 2024 10:00:00 +0000\nMessage-ID: <f2@example.org>\n\nbody two\n' \
    >"$md/new/2.eml"
printf 'From: Carol <carol@example.org>\nTo: me@example.org\nSubject: Today\nDate: %s\nMessage-ID: <f3@example.org>\n\nbody three\n' \
    "$(LC_ALL=C date -R)" >"$md/new/3.eml"
store=$T_TMP/store
t_write_config "$HOME/fmt" <<EOC
[general]
store = $store
index_format = %3C [%Z] %D %-10.10F|%s|%Q
date_format = %Y/%m/%d
status_format = STATUS %f has %m, limit=%l queue %q %o
[account me]
address = Me <me@example.org>
[keys]
index:C-x = macro l<C-u>Second<Enter>
index:C-y = macro <C-y>
index:C-v = macro "<lt>oops"
index:C-w = macro <NoSuchKey>
EOC
"$SATCHEL" -c "$HOME/fmt" import "$md" >/dev/null 2>&1 || t_diag "import failed"

t_tmux_start ui 100 24 "$SATCHEL" -c "$HOME/fmt"
t_ok "index_format lays out the rows" \
    t_tmux_wait ui '^>  1 \[N   \] [0-9]{4}/[0-9]{2}/[0-9]{2} Carol +\|Today\|%Q$' 20
t_like "date_format, and a from cut to 10 columns" "$(t_tmux_screen ui)" \
    '^   2 \[N   \] 2024/01/03 Alice Exam\|First subject\|%Q$'
t_like "text from mail is still sanitised" "$(t_tmux_screen ui)" \
    '^   3 \[N   \] 2024/01/02 Bob +\|Second .?\[31msubject\|'
t_like "status_format" "$(t_tmux_screen ui)" \
    '^STATUS INBOX has 3, limit= queue 0 \[offline\?\]'
t_like "a macro with an unknown key name is refused with a warning" \
    "$(t_tmux_screen ui)" 'unknown key <NoSuchKey>'
t_tmux_keys ui C-x
t_ok "a macro types into a prompt: the limit applies" \
    t_tmux_wait ui 'INBOX \[Second\] \(1 message\)'
t_like "the status bar follows" "$(t_tmux_screen ui)" \
    '^STATUS INBOX has 1, limit=Second queue 0'
t_tmux_keys ui C-y
t_ok "a macro that runs itself is stopped" \
    t_tmux_wait ui 'macro ran macros too many times'
t_tmux_keys ui j
t_ok "and the reader goes on" t_tmux_wait ui 'STATUS INBOX has 1'
t_tmux_keys ui q
t_tmux_stop ui

# Built-in layout with no date_format: today's mail shows its time,
# older mail its date.
t_write_config "$HOME/plain" <<EOC
[general]
store = $store
EOC
t_tmux_start plain 100 24 "$SATCHEL" -c "$HOME/plain"
t_ok "built-in: today's mail shows the time" \
    t_tmux_wait plain '^>N +[0-9]{2}:[0-9]{2} +Carol +Today' 20
t_like "built-in: older mail its month and year" "$(t_tmux_screen plain)" \
    'Jan 2024 +Alice Example +First subject'
t_tmux_keys plain q
t_tmux_stop plain
# Bad macros are the reader's warnings: commands still load the file.
t_ok "the config with macros loads for commands" \
    "$SATCHEL" -c "$HOME/fmt" search --count ''
t_done
