#!/bin/sh
# t7130: saving attachments with hostile names from the reader. The message
# tests/data/hostile-names.eml has ten attachments named ../../.bashrc,
# /etc/cron.d/evil, an RFC 2231 ..%2F..%2F.profile, $(touch PWNED-SUBST).txt,
# `touch PWNED-BACKTICK`;|&<>*?.sh, ..\..\windows\evil.bat, a name with an
# OSC sequence, "..", "-rf" and a 5000-byte name. Each is saved with the
# default answer of the "Save to:" prompt. Every file must land in the
# default directory (HOME here) under a harmless name, mode 0600, with its
# content; nothing may be written anywhere else and no command may run.
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_need_cmd "$T_PYTHON" python3
t_plan 10

conf=$T_TMP/conf
t_write_config "$conf" <<EOC
[general]
store = $T_TMP/store
EOC
"$SATCHEL" -c "$conf" import "$top_srcdir/tests/data/hostile-names.eml" \
    >/dev/null 2>&1 || t_diag "import failed"
# What exists outside HOME before: nothing new may appear there.
parent=$(dirname "$T_TMP")
before=$(ls -a "$parent" 2>/dev/null | grep -E '^\.(bashrc|profile)$|PWNED|evil')

cd "$T_TMP" || exit 1
raw=$T_TMP/raw
t_tmux_start ui 120 40 sh -c \
    "sleep 0.3; \"\$0\" -c \"\$1\"; echo \$? >'$T_TMP/rc'" "$SATCHEL" "$conf"
t_tmux_ pipe-pane -t ui -o "cat >>'$raw'"
t_ok "the index shows the message" t_tmux_wait ui 'HOSTILE-NAMES' 20
t_tmux_keys ui Enter
t_ok "the pager opens" t_tmux_wait ui 'see attachments' 20
t_tmux_keys ui v
t_ok "the attachment list opens" t_tmux_wait ui 'attachments' 20
# Part 1 is the text; parts 2-11 are the attachments.
i=0
while test $i -lt 10; do
	t_tmux_keys ui j
	sleep 0.2
	t_tmux_keys ui s
	t_tmux_wait ui 'Save to:' 10 >/dev/null || break
	t_tmux_keys ui Enter
	sleep 0.3
	i=$((i + 1))
done
t_is "ten save prompts were answered" "$i" 10
t_tmux_keys ui q q q
n=0
while ! test -s "$T_TMP/rc" && test $n -lt 100; do
	sleep 0.1
	n=$((n + 1))
done
t_is "the reader quits with status 0" "$(cat "$T_TMP/rc" 2>/dev/null)" 0

saved=$(grep -l 'HOSTILE-NAME-' "$HOME"/* "$HOME"/.[!.]* 2>/dev/null | wc -l |
    tr -d ' ')
t_is "all ten attachments were saved into HOME" "$saved" 10
t_is "no saved file is hidden or a dot name" \
    "$(cd "$HOME" && ls -A | grep -E '^\.' | grep -v -E '^\.(config|local|cache)$')" ""
bad=$(find "$HOME" -maxdepth 1 -type f ! -perm 0600 -print)
t_is "saved files are 0600" "$bad" ""
after=$(ls -a "$parent" 2>/dev/null | grep -E '^\.(bashrc|profile)$|PWNED|evil')
t_is "nothing was written outside HOME" "$after" "$before"
leaked=$(find "$T_TMP" -name 'PWNED*' -print; ls /etc/cron.d/evil 2>/dev/null)
t_is "no command in a file name ran, no absolute path was used" "$leaked" ""
t_done
