/* SPDX-License-Identifier: MIT */
/*
 * The store codec: the first byte picks the kind ('a' vpc, 'b' subnet, …,
 * 'k' vpc endpoint, in enum res_kind order, other bytes wrap around), the
 * rest is the JSON document. Whatever decodes must encode, decode again and
 * encode to the same bytes.
 */
#include "compat.h"

#include "store/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum res_kind kind;
	struct res *r1, *r2;
	struct err e = { 0 };
	char *s1, *s2;

	if (size < 1)
		return 0;
	kind = (enum res_kind)((uint8_t)(data[0] - 'a') % RES_KIND_COUNT);
	r1 = codec_decode(kind, "fuzz-0", (const char *)data + 1, size - 1, &e);
	if (!r1) {
		if (!e.code || !e.msg[0])
			abort();
		return 0;
	}
	s1 = codec_encode(r1);
	if (!s1)
		abort();
	r2 = codec_decode(kind, "fuzz-0", s1, strlen(s1), &e);
	if (!r2) {
		fprintf(stderr, "re-decode failed: %s\n%s\n", e.msg, s1);
		abort();
	}
	s2 = codec_encode(r2);
	if (!s2 || strcmp(s1, s2) != 0) {
		fprintf(stderr, "encodings differ:\n%s\n%s\n", s1, s2 ? s2 : "(null)");
		abort();
	}
	free(s1);
	free(s2);
	res_free(r1);
	res_free(r2);
	return 0;
}
