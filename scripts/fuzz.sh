#!/bin/sh
# Fuzzes each target under clang's libFuzzer with ASan and UBSan for SECONDS,
# starting from fuzz/corpus/<target>; new inputs go to build/fuzz-corpus/.
set -e
seconds=$1
shift
cd "$(dirname "$0")/.."
srcs=$(ls src/base/*.c src/core/*.c src/policy/*.c src/reach/*.c src/store/*.c src/io/*.c src/dns/*.c src/api/*.c src/svc/*.c src/proxy/*.c | grep -v "src/base/log.c")
for t in "$@"; do
	out=build/fuzz-bin/$t
	mkdir -p build/fuzz-bin "build/fuzz-corpus/$t"
	clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE \
		-iquote include -iquote src $(pkg-config --cflags sqlite3 jansson libssl libcrypto libknot expat zlib) \
		"fuzz/fuzz_$t.c" $srcs src/base/log.c -o "$out" \
		$(pkg-config --libs sqlite3 jansson libssl libcrypto libknot expat zlib) -lhttp_parser
	echo "== $t: $seconds s"
	"$out" -max_total_time="$seconds" -print_final_stats=1 \
		"build/fuzz-corpus/$t" "fuzz/corpus/$t" 2>&1 | tail -12
done
