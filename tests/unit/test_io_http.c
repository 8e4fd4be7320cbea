/* SPDX-License-Identifier: MIT */
/*
 * The HTTP reader (io/http.h) on whole byte strings: requests with white
 * space before a header's colon are refused.
 */
#include "compat.h"
#include "check.h"

#include "io/http.h"

void test_io_http(void);

/* Feeds all of 'bytes' to 'r' in one go; returns what the last feed said. */
static int feed(struct http_reader *r, const char *bytes)
{
	size_t len = strlen(bytes), used = 0;
	int ret = http_reader_feed(r, bytes, len, &used);

	if (ret == 1 && used != len)
		check_fail(__FILE__, __LINE__, "%zu bytes left after a message", len - used);
	return ret;
}

static int request(const char *bytes)
{
	struct http_reader r;
	int ret;

	http_reader_init(&r);
	ret = feed(&r, bytes);
	http_reader_release(&r);
	return ret;
}

static void colon(void)
{
	CHECK_EQ(request("POST / HTTP/1.1\r\nContent-Length: 1\r\n\r\nx"), 1);
	/* RFC 9112 5.1; http-parser would take the first for the length. */
	CHECK_EQ(request("POST / HTTP/1.1\r\nContent-Length :1\r\n\r\nx"), -EBADMSG);
	CHECK_EQ(request("GET / HTTP/1.1\r\nHost\t: h\r\n\r\n"), -EBADMSG);
}

void test_io_http(void)
{
	colon();
}
