#!/bin/sh
# netns.sh: two private network namespaces joined by a veth pair, for tests
# and benchmarks of what happens when the network goes and comes back.
# Needs root and iproute2. Nothing changes in the caller's own namespace.
#
#   netns.sh create NAME   NAME-c (client, 10.213.0.2/24 on NAME-vc) and
#                          NAME-s (servers, 10.213.0.1/24 on NAME-vs), both
#                          with loopback up and the link up
#   netns.sh link NAME up|down   the client's end of the link
#   netns.sh delete NAME   remove both namespaces (and so the pair)
#
# Run a program inside with: ip netns exec NAME-c PROGRAM...
# The addresses are private to the namespaces: no route leaves them.
set -eu
PATH=$PATH:/usr/sbin:/sbin
export PATH

usage() {
	echo "usage: netns.sh create|delete NAME, netns.sh link NAME up|down" >&2
	exit 64
}

test $# -ge 2 || usage
name=$2
c=$name-c
s=$name-s
case $1 in
create)
	ip netns add "$c"
	ip netns add "$s"
	ip -n "$c" link set lo up
	ip -n "$s" link set lo up
	# Interface names are at most 15 bytes: short ones, inside only.
	ip -n "$c" link add vc type veth peer name vs netns "$s"
	ip -n "$c" addr add 10.213.0.2/24 dev vc
	ip -n "$s" addr add 10.213.0.1/24 dev vs
	ip -n "$s" link set vs up
	ip -n "$c" link set vc up
	;;
link)
	test $# -eq 3 || usage
	ip -n "$c" link set vc "$3"
	;;
delete)
	ip netns delete "$c" 2>/dev/null || true
	ip netns delete "$s" 2>/dev/null || true
	;;
*)
	usage
	;;
esac
