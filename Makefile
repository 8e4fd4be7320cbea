# SPDX-License-Identifier: MIT
# One non-recursive Makefile. Targets: all deps test check-layers fuzz bench run clean.
# SAN=1 builds with AddressSanitizer and UBSan into build/san.

CC ?= cc
ifeq ($(SAN),1)
B := build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
B := build
SANFLAGS :=
endif

PKGS := sqlite3 jansson libssl libcrypto libknot expat zlib
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
	-Wformat=2 -Wimplicit-fallthrough -Wno-format-nonliteral
ifeq ($(CI),true)
WARN += -Werror
endif
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(CFLAGS) $(WARN) $(SANFLAGS) \
	-iquote include -iquote src -MMD -MP \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lhttp_parser
# The data plane's libraries: only vpced links them.
DP_LIBS := $(shell pkg-config --libs libmnl libnftables libbpf 2>/dev/null)
# The fast path's BPF object: built with clang for the bpf target, linked into vpced.
BPF_CLANG ?= clang
BPF_CFLAGS := -O2 -g -target bpf -I/usr/include/$(shell $(CC) -dumpmachine)
LDFLAGS += $(SANFLAGS)

BASE_SRC := $(wildcard src/base/*.c)
CORE_SRC := $(wildcard src/core/*.c)
POLICY_SRC := $(wildcard src/policy/*.c)
REACH_SRC := $(wildcard src/reach/*.c)
STORE_SRC := $(wildcard src/store/*.c)
IO_SRC := $(wildcard src/io/*.c)
DNS_SRC := $(wildcard src/dns/*.c)
SVC_SRC := $(wildcard src/svc/*.c)
PROXY_SRC := $(wildcard src/proxy/*.c)
API_SRC := $(wildcard src/api/*.c)
DAEMON_SRC := $(wildcard src/daemon/*.c)
DATAPLANE_SRC := $(wildcard src/dataplane/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
UNIT_SRC := $(wildcard tests/unit/*.c)
FUZZ_TARGETS := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))

PURE_OBJ := $(call obj,$(BASE_SRC) $(CORE_SRC) $(POLICY_SRC) $(REACH_SRC))
LIB_OBJ := $(PURE_OBJ) $(call obj,$(STORE_SRC) $(IO_SRC) $(DNS_SRC) $(SVC_SRC) $(PROXY_SRC) \
	$(API_SRC))

.PHONY: all deps bench-deps test unit check-layers fuzz fuzz-replay bench run clean compat
all: $(B)/vpced $(B)/vpce $(B)/unit $(patsubst %,$(B)/fuzz/replay_%,$(FUZZ_TARGETS)) \
	$(B)/tests/tls_serve $(B)/tests/proxy_serve

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# 'make src/x/y.o' builds one file.
src/%.o: $(B)/obj/src/%.o ;

$(B)/vpced: $(LIB_OBJ) $(call obj,$(DATAPLANE_SRC) $(DAEMON_SRC)) $(B)/obj/fastpath_blob.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(DP_LIBS)

$(B)/bpf/fastpath.bpf.o: src/dataplane/bpf/fastpath.bpf.c
	@mkdir -p $(@D)
	$(BPF_CLANG) $(BPF_CFLAGS) -c -o $@ $<

# Its bytes as _binary_fastpath_bpf_o_start/_end (dataplane/fastpath.c).
$(B)/obj/fastpath_blob.o: $(B)/bpf/fastpath.bpf.o
	@mkdir -p $(@D)
	cd $(B)/bpf && $(LD) -r -b binary -z noexecstack -o $(abspath $@) fastpath.bpf.o

$(B)/vpce: $(PURE_OBJ) $(call obj,$(STORE_SRC) $(CLI_SRC))
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# tests/unit/test_NAME.c defines test_NAME(); the list is made from the file names.
UNIT_NAMES := $(patsubst tests/unit/test_%.c,%,$(filter tests/unit/test_%.c,$(UNIT_SRC)))
$(B)/gen/unit_list.h: $(UNIT_SRC) Makefile
	@mkdir -p $(@D)
	@printf 'UNIT(%s)\n' $(UNIT_NAMES) > $@.tmp && mv $@.tmp $@

$(B)/obj/tests/unit/main.o: $(B)/gen/unit_list.h
$(B)/obj/tests/unit/%.o: ALL_CFLAGS += -iquote $(B)/gen -iquote tests/unit

$(B)/unit: $(LIB_OBJ) $(call obj,$(UNIT_SRC))
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The TLS server of tests/integration/095-tls.sh, without the daemon: io over base.
$(B)/tests/tls_serve: $(call obj,tests/tools/tls_serve.c $(BASE_SRC) $(IO_SRC))
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The forwarder of tests/integration/096-proxy-moto.sh, without the daemon: proxy over io.
$(B)/tests/proxy_serve: $(call obj,tests/tools/proxy_serve.c $(BASE_SRC) $(IO_SRC) $(PROXY_SRC))
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/fuzz/replay_%: $(call obj,fuzz/fuzz_%.c fuzz/replay.c) $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The load client of bench/api.sh; links only base and libcrypto.
$(B)/bench/api_load: $(call obj,bench/api_load.c src/base/str.c src/base/xalloc.c)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs libcrypto)

# The policy benchmark of bench/policy/run.sh: compiled decisions against policy.h.
$(B)/bench/bench_policy: $(call obj,bench/policy/bench_policy.c) $(PURE_OBJ)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

deps:
	@scripts/deps.sh

# The benchmarks' peers (iperf3, nginx, dnsperf, NSD, HAProxy) as well.
bench-deps:
	@scripts/deps.sh --bench

test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory check-layers
	@B=$(B) tests/run.sh

check-layers:
	@scripts/check-layers.sh

# Coverage-guided fuzzing with clang's libFuzzer; FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
fuzz: deps
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

bench: bench-deps all
	@bench/run.sh

# Runs one aws CLI scenario against vpced and moto_server (docs/compat.md), and
# the policy corpus through iam-simulate from npm (docs/policy-compat.md).
compat: all
	@B=$(B) tests/compat/run.sh
	@tests/compat/policy/run.sh

run: deps all
	$(B)/vpced

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)

# The analyzer at account scale (bench/reach/run.sh).
$(B)/bench/bench_reach: $(call obj,bench/reach/bench_reach.c) $(PURE_OBJ)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
