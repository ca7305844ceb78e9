#!/bin/sh
# t6100-ui-tagging: mutt's tagging keys. t tags and untags (a mark in the
# index), T tags what a query matches, C-t untags, and ';' applies the
# next operation to every tagged message: flag, copy, delete, undelete,
# read/unread, move. u undeletes one message. Checked in the store (the
# CLI's search) and on disk (the Maildir files and their flags).
. "$top_srcdir/tests/lib.sh"
t_init
t_need_cmd tmux tmux
t_plan 24

md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
n=1
for s in 'Alpha one' 'Alpha two' 'Alpha three' 'Beta four' 'Beta five' 'Beta six'; do
	case $s in Alpha*) f=alice ;; *) f=bob ;; esac
	printf 'From: %s <%s@example.org>\nTo: me@example.org\nSubject: %s\nDate: Mon, 0%d Jan 2024 10:00:00 +0000\nMessage-ID: <t%d@example.org>\n\nBody %d\n' \
	    "$f" "$f" "$s" $n $n $n >"$md/new/$n.eml"
	n=$((n + 1))
done
conf=$HOME/conf
t_write_config "$conf" <<EOC
[general]
store = $T_TMP/store
EOC
"$SATCHEL" -c "$conf" import "$md" >/dev/null 2>&1 || t_diag "import failed"
count() { "$SATCHEL" -c "$conf" search -c "$1" 2>/dev/null; }
is_count() { test "$(count "$1")" = "$2"; }
screen() { t_tmux_screen ui; }
# ';' then a key (tmux reads a lone ; as its own command separator).
tagged() { t_tmux_keys ui '\;' "$@"; }

t_tmux_start ui 100 24 "$SATCHEL" -c "$conf"
t_ok "index is drawn" t_tmux_wait ui 'Beta six'

# t: a mark on the row, and on to the next one.
t_tmux_keys ui t
t_ok "t marks the row tagged" t_tmux_wait ui '^ N\* .*Beta six'
t_like "the cursor moved on" "$(screen | grep '^>')" 'Beta five'
t_tmux_keys ui k t
t_ok "t again untags" t_tmux_wait ui '^ N  .*Beta six'
t_tmux_keys ui k t

# T: a query; C-t untags by query.
t_tmux_keys ui T
t_ok "T asks for a query" t_tmux_wait ui 'Tag messages matching:'
t_tmux_keys ui -l 'from:alice'
t_tmux_keys ui Enter
t_ok "T tagged alice's three" t_tmux_wait ui 'Tagged 3 messages'
t_is "four rows are marked" "$(screen | grep -c '^[ >]N\*')" 4
t_tmux_keys ui C-t
t_tmux_keys ui -l 'two'
t_tmux_keys ui Enter
t_ok "C-t untagged one" t_tmux_wait ui 'Untagged 1 message\.'
t_like "Alpha two is no longer marked" "$(screen | grep 'Alpha two')" '^[ >]N  '

# ;F flags every tagged message (Beta six, Alpha one, Alpha three).
t_tmux_keys ui '\;'
t_ok "; says what comes" t_tmux_wait ui 'tag- .*3 tagged messages'
t_tmux_keys ui F
t_ok ";F flags the three" t_wait_until 10 is_count 'is:flagged' 3
t_is "the right three" "$(count 'is:flagged (six OR one OR three)')" 3

# ;C copies them to a new folder; the originals stay.
tagged C
t_ok ";C asks for a folder" t_tmux_wait ui 'Copy to folder:'
t_tmux_keys ui -l Keep
t_tmux_keys ui Enter
t_tmux_wait ui 'Create folder Keep' >/dev/null && t_tmux_keys ui y
t_ok ";C copied three" t_wait_until 10 is_count 'folder:Keep' 3
t_is "the originals stay" "$(count 'folder:INBOX')" 6
t_is "three files on disk in Keep" \
    "$(find "$T_TMP/store" -path '*Keep*' -type f \( -path '*/cur/*' -o -path '*/new/*' \) | wc -l | tr -d ' ')" 3

# ;d marks them deleted (the Maildir T flag), ;u undeletes them.
tagged d
t_ok ";d marks three deleted" t_wait_until 10 is_count 'folder:INBOX is:deleted' 3
t_is "T flag on disk" "$(find "$T_TMP/store" -path '*INBOX*' -name '*:2,*T*' -type f | wc -l | tr -d ' ')" 3
tagged u
t_ok ";u undeletes them" t_wait_until 10 is_count 'folder:INBOX is:deleted' 0

# ;N marks them read.
tagged N
t_ok ";N marks three read" t_wait_until 10 is_count 'folder:INBOX is:unread' 3

# u on one message: d then u.
t_tmux_keys ui Home d
t_wait_until 10 is_count 'folder:INBOX is:deleted' 1
t_tmux_keys ui Home u
t_ok "u undeletes one message" t_wait_until 10 is_count 'folder:INBOX is:deleted' 0

# ;s moves them; they are no longer tagged here.
tagged s
t_tmux_wait ui 'Move to folder:' >/dev/null
t_tmux_keys ui -l Archive
t_tmux_keys ui Enter
t_tmux_wait ui 'Create folder Archive' >/dev/null && t_tmux_keys ui y
t_ok ";s moved three" t_wait_until 10 is_count 'folder:Archive' 3
t_ok "the index has three left" t_tmux_wait ui 'INBOX \(3 messages\)'
t_tmux_keys ui '\;'
t_ok "nothing is tagged any more" t_tmux_wait ui 'No tagged messages'
t_tmux_keys ui x
t_done
