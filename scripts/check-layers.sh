#!/bin/sh
# Enforces the dependency direction of docs/principles.md: each directory of
# src/ may include only the layers listed for it, and pure layers no I/O.
cd "$(dirname "$0")/.." || exit 2
allowed() {
	case "$1" in
	base) echo "base" ;;
	core) echo "base core" ;;
	policy) echo "base core policy" ;;
	reach) echo "base core policy reach" ;;
	store) echo "base core policy store" ;;
	io) echo "base io" ;;
	dns|proxy) echo "base core io $1" ;;
	dataplane) echo "base core io dataplane" ;;
	api) echo "base core policy store io api" ;;
	svc) echo "base core policy io svc" ;;
	cli) echo "base core policy reach store cli" ;;
	daemon) echo "base core policy reach store io api dataplane dns proxy svc daemon" ;;
	*) echo "" ;;
	esac
}
bad=0
for dir in src/*/; do
	layer=$(basename "$dir")
	ok=$(allowed "$layer")
	for f in "$dir"*.[ch]; do
		[ -e "$f" ] || continue
		for inc in $(sed -n 's/^#include "\([a-z]*\)\/.*/\1/p' "$f"); do
			case " $ok " in *" $inc "*) ;; *)
				echo "check-layers: $f includes $inc/, not allowed in $layer" >&2
				bad=1 ;;
			esac
		done
		case "$layer" in base|core|policy|reach)
			[ "$f" = src/base/log.c ] && continue
			if grep -nE '#include <(sys/socket\.h|unistd\.h|sqlite3\.h|libmnl/|sys/epoll\.h)|#include "base/log\.h"|(^|[^>.[:alnum:]_])(time|clock_gettime|rand|random|getrandom)\(' "$f" >/dev/null; then
				echo "check-layers: $f is pure ($layer) but does I/O, reads a clock or draws randomness:" >&2
				grep -nE '#include <(sys/socket\.h|unistd\.h|sqlite3\.h|libmnl/|sys/epoll\.h)|#include "base/log\.h"|(^|[^>.[:alnum:]_])(time|clock_gettime|rand|random|getrandom)\(' "$f" >&2
				bad=1
			fi ;;
		esac
	done
done
exit $bad
