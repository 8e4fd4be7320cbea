# SPDX-License-Identifier: MIT
# Sourced by tests/netns/NNN-name.sh: real TCP between namespaces.
#
# tcp_serve NS IP PORT...: serves "hi" on each PORT of IP inside namespace NS,
#   for 60 seconds, in the background ($! is its PID).
# tcp_connect NS IP PORT [SRC]: prints "ok" when IP:PORT answers "hi" from
#   NS (from source address SRC), "blocked" when the connection fails.

tcp_serve() {
	local ns=$1 ip=$2
	shift 2
	ip netns exec "$ns" python3 - "$ip" "$@" <<'PY' &
import select, socket, sys, time
socks = []
for port in sys.argv[2:]:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[1], int(port)))
    s.listen(8)
    socks.append(s)
end = time.time() + 60
while time.time() < end:
    ready, _, _ = select.select(socks, [], [], 0.2)
    for s in ready:
        c, _ = s.accept()
        c.sendall(b"hi")
        c.close()
PY
}

tcp_connect() {
	ip netns exec "$1" python3 -c "
import socket
try:
    s = socket.create_connection(('$2', $3), timeout=1.5, source_address=('${4:-0.0.0.0}', 0))
    print('ok' if s.recv(8) == b'hi' else 'bad')
except OSError:
    print('blocked')"
}
