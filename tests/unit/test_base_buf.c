/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "check.h"

#include "base/buf.h"

void test_base_buf(void);

void test_base_buf(void)
{
	struct buf b;
	char *p;
	size_t len;

	buf_init(&b, 10);
	CHECK_STREQ(b.p, "");
	buf_adds(&b, "hello");
	buf_addf(&b, "%d", 42);
	CHECK_STREQ(b.p, "hello42");
	CHECK(!b.err);
	buf_adds(&b, "toolong");
	CHECK(b.err);
	CHECK_STREQ(b.p, "hello42");
	buf_addc(&b, 'x');
	CHECK_EQ(b.len, 7);
	buf_reset(&b);
	CHECK(!b.err);
	buf_addf(&b, "%s", "0123456789");
	CHECK_EQ(b.len, 10);
	p = buf_detach(&b, &len);
	CHECK_STREQ(p, "0123456789");
	CHECK_EQ(len, 10);
	free(p);
	CHECK_STREQ(b.p, "");
	buf_init(&b, 100000);
	for (int i = 0; i < 1000; i++)
		buf_addf(&b, "%300s", "");
	CHECK(b.err);
	CHECK(b.len <= 100000);
	buf_release(&b);

	/* JSON strings: quotes, backslashes and controls escaped, the rest as is. */
	buf_init(&b, 64);
	buf_addjson(&b, "a\"b\\c\n\x01\x7f\xc3\xa9");
	CHECK_STREQ(b.p, "\"a\\\"b\\\\c\\u000a\\u0001\x7f\xc3\xa9\"");
	buf_release(&b);
	/* Invalid UTF-8, byte by byte: U+FFFD each (a lone continuation, an overlong form, a cut one). */
	buf_init(&b, 64);
	buf_addjson(&b, "x\x80y\xc0\xafz\xe2\x82");
	CHECK_STREQ(b.p, "\"x\xef\xbf\xbdy\xef\xbf\xbd\xef\xbf\xbdz\xef\xbf\xbd\xef\xbf\xbd\"");
	buf_release(&b);
}
