/* SPDX-License-Identifier: MIT */
/*
 * The aws-chunked decoder over untrusted bytes: the first byte says whether
 * chunks are signed and which trailer is expected, the rest is the body.
 * The payload must never pass its bound, a success must have read at least
 * the final chunk, and a failure must name S3's error.
 */
#include "compat.h"

#include "svc/s3.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PAYLOAD 4096

static int verify(void *arg, enum s3_sig_kind kind, struct str d, struct str sig)
{
	size_t *calls = arg;

	(void)kind, (void)d;
	++*calls;
	return sig.p[0] == 'f' ? -EACCES : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const trailers[] = { "", "x-amz-checksum-crc32", "x-amz-checksum-crc32c",
						"x-amz-checksum-sha256", "x-amz-checksum-crc64nvme" };
	struct s3_chunked info;
	struct err e = { 0 };
	struct buf out;
	size_t calls = 0;
	bool signed_chunks;
	int ret;

	if (size < 1)
		return 0;
	signed_chunks = data[0] & 1;
	buf_init(&out, MAX_PAYLOAD);
	ret = s3_chunked_decode(str_from((const char *)data + 1, size - 1), signed_chunks,
				trailers[(data[0] >> 1) % ARRAY_SIZE(trailers)], MAX_PAYLOAD, verify,
				&calls, &out, &info, &e);
	if (out.len > MAX_PAYLOAD || (ret == 0 && !info.chunks) || (ret < 0 && !e.code) ||
	    (!signed_chunks && calls) || (ret == 0 && signed_chunks && calls < info.chunks))
		abort();
	buf_release(&out);
	return 0;
}
