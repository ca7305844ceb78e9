#!/bin/sh
# t6009-ui-unparsable: a stored file GMime cannot parse (no header at all,
# here) is shown, not hidden: the pager, the attachment list (v) and the
# URL list (C-b) show its raw text, sanitised, with a notice.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 8

conf=$HOME/conf
t_satchel_config "$conf"
printf 'this line is no header\nRAW-TEXT-MARKER \033[31mred\033[0m see https://example.org/raw-link\n' \
    >"$T_TMP/noheader.eml"
"$SATCHEL" -c "$conf" import "$T_TMP/noheader.eml" >/dev/null 2>&1
t_like "search lists it" "$("$SATCHEL" -c "$conf" search --count '')" '^1$'

raw=$T_TMP/raw
: >"$raw"
t_tmux_start ui 100 30 "$SATCHEL" -c "$conf"
t_tmux_ pipe-pane -t ui -o "cat >>'$raw'"
t_ok "the index is drawn" t_tmux_wait ui 'INBOX \(1 message' 20
t_tmux_keys ui Enter
t_ok "the pager shows the raw text" t_tmux_wait ui 'RAW-TEXT-MARKER' 10
t_like "with a notice" "$(t_tmux_screen ui)" 'could not be parsed'
t_unlike "no escape from the mail reaches the terminal" \
    "$(cat "$raw")" "$(printf '\033')\\[31mred"
t_tmux_keys ui v
t_ok "v lists a part" t_tmux_wait ui 'text/plain' 10
t_tmux_keys ui q C-b
t_ok "u lists its link" t_tmux_wait ui 'https://example\.org/raw-link' 10
t_unlike "no 'Cannot read' error" "$(t_tmux_screen ui)" 'Cannot read'
t_tmux_stop ui
t_done
