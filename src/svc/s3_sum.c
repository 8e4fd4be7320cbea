/* SPDX-License-Identifier: MIT */
/*
 * The checksums S3 accepts with an upload: CRC32 (zlib), CRC32C and
 * CRC64NVME (reflected, slicing by 8 with constant tables: S3 computes
 * CRC64NVME for every object, and byte by byte it was most of a 64 KiB
 * PUT's CPU; docs/benchmarks.md), SHA-1 and SHA-256 (libcrypto). Values are base64 of the big-endian CRC or
 * of the digest, as S3 writes them.
 */
#include "compat.h"
#include "svc/s3_internal.h"

#include <openssl/evp.h>
#include <zlib.h>

static const struct {
	const char *name, *header;
	size_t bytes;
} sums[S3_SUMS] = {
	[S3_SUM_CRC32] = { "CRC32", "x-amz-checksum-crc32", 4 },
	[S3_SUM_CRC32C] = { "CRC32C", "x-amz-checksum-crc32c", 4 },
	[S3_SUM_CRC64NVME] = { "CRC64NVME", "x-amz-checksum-crc64nvme", 8 },
	[S3_SUM_SHA1] = { "SHA1", "x-amz-checksum-sha1", 20 },
	[S3_SUM_SHA256] = { "SHA256", "x-amz-checksum-sha256", 32 },
};

const char *s3_sum_name(enum s3_sum s)
{
	return sums[s].name;
}

const char *s3_sum_header(enum s3_sum s)
{
	return sums[s].header;
}

int s3_sum_by_name(struct str name)
{
	for (int i = 0; i < S3_SUMS; i++)
		if (str_eq_nocase(name, str_c(sums[i].name)))
			return i;
	return -1;
}

int s3_sum_by_header(struct str header)
{
	for (int i = 0; i < S3_SUMS; i++)
		if (str_eq_nocase(header, str_c(sums[i].header)))
			return i;
	return -1;
}

/* Eight bytes, little-endian: the order a reflected CRC takes them in. */
static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/*
 * A reflected CRC of 'p' by tables 't', from register 'crc' (all ones, of
 * its width), eight bytes a step; the register is returned unfinished.
 */
static uint64_t crc_sliced(const uint64_t t[8][256], uint64_t crc, const unsigned char *p, size_t n)
{
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t v = le64(p) ^ crc;

		crc = t[7][v & 0xff] ^ t[6][v >> 8 & 0xff] ^ t[5][v >> 16 & 0xff] ^
		      t[4][v >> 24 & 0xff] ^ t[3][v >> 32 & 0xff] ^ t[2][v >> 40 & 0xff] ^
		      t[1][v >> 48 & 0xff] ^ t[0][v >> 56];
	}
	for (; n; p++, n--)
		crc = t[0][(crc ^ *p) & 0xff] ^ (crc >> 8);
	return crc;
}

/* CRC-32C (Castagnoli), reflected polynomial 0x82f63b78. */
static uint32_t crc32c(const unsigned char *p, size_t n)
{
	return ~(uint32_t)crc_sliced(s3_crc32c_tables, 0xffffffffu, p, n);
}

/* CRC-64/NVME, reflected polynomial 0x9a6c9329ac4bc9b5. */
static uint64_t crc64nvme(const unsigned char *p, size_t n)
{
	return ~crc_sliced(s3_crc64nvme_tables, ~(uint64_t)0, p, n);
}

static void crc32_of(const unsigned char *p, size_t n, unsigned char out[4])
{
	uLong crc = crc32(0L, Z_NULL, 0);

	/* zlib takes uInt lengths: feed it in steps that fit. */
	while (n) {
		uInt step = n > (1u << 30) ? (1u << 30) : (uInt)n;

		crc = crc32(crc, p, step);
		p += step;
		n -= step;
	}
	for (int i = 0; i < 4; i++)
		out[i] = (unsigned char)(crc >> (24 - 8 * i));
}

void s3_sum_compute(enum s3_sum s, struct str data, char out[static S3_SUM_B64_SIZE])
{
	const unsigned char *p = (const unsigned char *)data.p;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	uint64_t v;

	switch (s) {
	case S3_SUM_CRC32:
		crc32_of(p, data.len, md);
		break;
	case S3_SUM_CRC32C:
		v = crc32c(p, data.len);
		for (int i = 0; i < 4; i++)
			md[i] = (unsigned char)(v >> (24 - 8 * i));
		break;
	case S3_SUM_CRC64NVME:
		v = crc64nvme(p, data.len);
		for (int i = 0; i < 8; i++)
			md[i] = (unsigned char)(v >> (56 - 8 * i));
		break;
	case S3_SUM_SHA1:
		EVP_Digest(p, data.len, md, &len, EVP_sha1(), NULL);
		break;
	case S3_SUM_SHA256:
	default:
		EVP_Digest(p, data.len, md, &len, EVP_sha256(), NULL);
		break;
	}
	s3_base64(md, sums[s].bytes, out);
}

bool s3_sum_valid(enum s3_sum s, struct str b64)
{
	unsigned char raw[64];
	size_t n;

	return s3_unbase64(b64, raw, sizeof(raw), &n) == 0 && n == sums[s].bytes;
}
