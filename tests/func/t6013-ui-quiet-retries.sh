#!/bin/sh
# t6013-ui-quiet-retries: a retry nobody asked for does not take the
# message line from what the user last did when it only fails as the one
# before it did (the status line keeps the error). The reader runs in a
# private network namespace (created here) whose link is down; routes
# added there are network changes, each one a background retry of the
# queued message. Needs root (skips otherwise, unless
# SATCHEL_TEST_REQUIRE=1).
. "$top_srcdir/tests/lib.sh"
t_init
t_need_root "network namespaces"
t_need_cmd ip iproute2
t_need_cmd tmux tmux
t_plan 9

ns=s6013-$$
NETNS="sh $T_SERVERS/netns.sh"
$NETNS create "$ns" || { echo "Bail out! cannot create network namespaces"; exit 1; }
t_at_exit "$NETNS delete $ns"
$NETNS link "$ns" down

conf=$HOME/conf
t_write_config "$conf" <<EOF
[general]
store = $T_TMP/store
editor = true
send_interval = 3600
[account test]
address = Test User <alice@example.test>
smtp_host = 10.213.0.1
smtp_port = 2525
smtp_tls = none
timeout = 5
EOF
S() { ip netns exec "$ns-c" "$SATCHEL" -c "$conf" "$@"; }
attempts() { S queue 2>/dev/null | sed -n 's/.*attempts \([0-9]*\).*/\1/p' | head -1; }
attempts_reach() { test "$(attempts)" -ge "$1"; }
# route N: a network change inside the namespace (a new route).
route() {
	ip -n "$ns-c" link add "d$1" type veth peer name "e$1" &&
	ip -n "$ns-c" addr add "10.99.$1.1/24" dev "d$1" &&
	ip -n "$ns-c" link set "e$1" up &&
	ip -n "$ns-c" link set "d$1" up
}
message_line() { t_tmux_screen ui | tail -1; }

printf 'body\n' | S compose --to bob@example.test --subject 'offline' >/dev/null 2>&1
S send >/dev/null 2>&1
t_is "queued, one attempt made" "$(attempts)" 1

t_tmux_start ui 80 24 ip netns exec "$ns-c" "$SATCHEL" -c "$conf"
t_ok "the reader starts with the message queued" t_tmux_wait ui 'Queue:1'

# The first background failure of the session is news: it is shown.
route 1
t_ok "a network change retries" t_wait_until 20 attempts_reach 2
t_ok "the status line has the error" t_tmux_wait ui 'Send error|waiting for the network'

# The user does something that answers on the message line.
t_tmux_keys ui m
t_ok "the user's action answers" t_tmux_wait ui 'not changed'
said=$(message_line)

# A second retry fails the same way: the message line keeps the answer.
route 2
t_ok "a second network change retries" t_wait_until 20 attempts_reach 3
# The attempt is counted before the reader hears that it ended.
t_ok "the send has ended" t_tmux_wait ui 'Queue:1 .*(Send error|waiting)'
sleep 1
t_is "the message line still says what the user did" "$(message_line)" "$said"
t_like "the queue still holds the message" "$(S queue)" 'offline'
t_tmux_keys ui q
t_done
