#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The experiment behind docs/benchmarks.md's fast-path figures: a client and
# a server namespace joined through a router namespace built like a VPC's
# (a bridge per side, br_netfilter, conntrack with a stateful nftables
# filter), measured against one veth pair in the same run, with and
# without fp.bpf.c on the router's two veths (FASTPATH=1, the default; 0
# runs the router alone). wrk -t1 -c50 against nginx (one worker, `return
# 200`): new connections/s ("Connection: close") and keep-alive
# requests/s; ROUNDS (3) rounds of DUR (5) s; client on CPU0, servers on
# CPU1. Needs root, clang, bpftool, libbpf-dev, wrk and nginx (make
# bench-deps). Everything it makes is removed on exit.
set -euo pipefail
cd "$(dirname "$0")"
ROUNDS=${ROUNDS:-3}
DUR=${DUR:-5}
FASTPATH=${FASTPATH:-1}
[ "$(id -u)" = 0 ] || { echo "fastpath: needs root" >&2; exit 1; }
for c in clang bpftool wrk nginx nft; do
	command -v "$c" >/dev/null || { echo "fastpath: needs $c (make bench-deps)" >&2; exit 1; }
done
tmp=$(mktemp -d)
X=vbf$$
pin=/sys/fs/bpf/$X
finish() {
	pkill -f "nginx -c $tmp" 2>/dev/null || true
	for n in a b c r s; do ip netns del "$X$n" 2>/dev/null || true; done
	rm -rf "$pin" "${pin}_maps" "$tmp"
}
trap finish EXIT
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
for n in a b c r s; do
	ip netns add "$X$n"
	ip -n "$X$n" link set lo up
	ip netns exec "$X$n" sysctl -qw net.ipv4.ip_local_port_range="10000 65000" \
		net.ipv4.tcp_tw_reuse=1 net.core.somaxconn=8192 net.ipv4.tcp_max_syn_backlog=8192
done
# The yardstick: one veth pair.
ip link add eth0 netns "${X}a" type veth peer name eth0 netns "${X}b"
ip -n "${X}a" addr add 10.250.9.1/30 dev eth0
ip -n "${X}b" addr add 10.250.9.2/30 dev eth0
ip -n "${X}a" link set eth0 up
ip -n "${X}b" link set eth0 up
# The router: c (10.1.1.10) - r0 [br1] r - [br2] r1 - s (10.1.2.10).
R=${X}r
ip link add eth0 netns "${X}c" type veth peer name r0 netns "$R"
ip link add eth0 netns "${X}s" type veth peer name r1 netns "$R"
ip -n "${X}c" addr add 10.1.1.10/24 dev eth0
ip -n "${X}s" addr add 10.1.2.10/24 dev eth0
ip -n "$R" link add br1 type bridge
ip -n "$R" link add br2 type bridge
ip -n "$R" link set r0 master br1
ip -n "$R" link set r1 master br2
ip -n "$R" addr add 10.1.1.1/24 dev br1
ip -n "$R" addr add 10.1.2.1/24 dev br2
for l in "${X}c eth0" "$R r0" "$R r1" "$R br1" "$R br2" "${X}s eth0"; do
	read -r n d <<<"$l"
	ip -n "$n" link set "$d" up
done
ip -n "${X}c" route add default via 10.1.1.1
ip -n "${X}s" route add default via 10.1.2.1
modprobe br_netfilter 2>/dev/null || true
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
ip netns exec "$R" nft -f - <<'NFT'
table inet f {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		ct state new meta l4proto tcp accept
	}
}
NFT
if [ "$FASTPATH" = 1 ]; then
	bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$tmp/vmlinux.h"
	clang -O2 -g -target bpf -I"$tmp" -c fp.bpf.c -o "$tmp/fp.o"
	bpftool prog load "$tmp/fp.o" "$pin" type classifier pinmaps "${pin}_maps"
	# Conntrack no longer sees every segment: it must not judge windows.
	ip netns exec "$R" sysctl -qw net.netfilter.nf_conntrack_tcp_be_liberal=1
	in_r() { nsenter --net="/run/netns/$R" "$@"; }	# keeps the host's /sys/fs/bpf
	hex() { tr ':' ' ' <<<"$1"; }
	dec() { tr '.' ' ' <<<"$1" | xargs printf '%02x '; }
	le32() { printf '%02x %02x %02x %02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24)); }
	mac() { ip netns exec "$1" cat "/sys/class/net/$2/address"; }
	hop() { # DST VETH DST-NS BRIDGE
		bpftool map update pinned "${pin}_maps/hops" key hex $(dec "$1") value hex \
			$(le32 "$(ip netns exec "$R" cat "/sys/class/net/$2/ifindex")") \
			$(hex "$(mac "$3" eth0)") $(hex "$(mac "$R" "$4")")
	}
	for d in r0 r1; do
		in_r tc qdisc add dev "$d" clsact
		in_r tc filter add dev "$d" ingress bpf da pinned "$pin"
	done
	hop 10.1.2.10 r1 "${X}s" br2
	hop 10.1.1.10 r0 "${X}c" br1
fi
nginx_conf() { # NAME IP
	mkdir -p "$tmp/$1"
	cat >"$tmp/$1/nginx.conf" <<NG
worker_processes 1; daemon off; pid $tmp/$1/pid; error_log $tmp/$1/err warn;
events { worker_connections 8000; use epoll; multi_accept on; }
worker_rlimit_nofile 19000;
http { access_log off; keepalive_requests 10000000;
  client_body_temp_path $tmp/$1/b; proxy_temp_path $tmp/$1/p; fastcgi_temp_path $tmp/$1/f;
  uwsgi_temp_path $tmp/$1/u; scgi_temp_path $tmp/$1/s;
  server { listen $2:80 backlog=8192; location / { default_type text/plain; return 200 "ok\n"; } } }
NG
}
nginx_conf pair 10.250.9.2
nginx_conf router 10.1.2.10
ip netns exec "${X}b" taskset -c 1 nginx -c "$tmp/pair/nginx.conf" &
ip netns exec "${X}s" taskset -c 1 nginx -c "$tmp/router/nginx.conf" &
sleep 1
wrk_rate() { # NS URL [close]
	local h=()
	[ -n "${3:-}" ] && h=(-H "Connection: close")
	ip netns exec "$1" taskset -c 0 wrk -t1 -c50 -d"${DUR}s" "${h[@]}" "$2" |
		awk '/Requests\/sec/ { printf "%d", $2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "== router $([ "$FASTPATH" = 1 ] && echo with || echo without) the fast path; $ROUNDS rounds of $DUR s"
for r in $(seq "$ROUNDS"); do
	pc=$(wrk_rate "${X}a" http://10.250.9.2/ close) rc=$(wrk_rate "${X}c" http://10.1.2.10/ close)
	pk=$(wrk_rate "${X}a" http://10.250.9.2/) rk=$(wrk_rate "${X}c" http://10.1.2.10/)
	echo "round $r: new connections/s pair $pc router $rc ($(ratio "$rc" "$pc")x);" \
		"keep-alive requests/s pair $pk router $rk ($(ratio "$rk" "$pk")x)"
done
