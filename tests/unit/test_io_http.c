/* SPDX-License-Identifier: MIT */
/*
 * The HTTP reader (io/http.h) on whole byte strings: requests with white
 * space before a header's colon are refused; responses are read whatever
 * their framing (length, chunks with trailers dropped, the stream's end),
 * with no body after a HEAD, and a stream cut short is told apart from one
 * that had not begun.
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

/* Reads 'bytes' as a response (to a HEAD when 'head'), then the stream's end when 'end'. */
static int response(const char *bytes, bool head, bool end, struct http_request *m,
		    struct http_reader *r)
{
	int ret;

	http_reader_init_response(r, 1 << 20, head);
	ret = feed(r, bytes);
	if (ret == 0 && end)
		ret = http_reader_end(r);
	if (ret == 1)
		http_reader_request(r, m);
	return ret;
}

static void responses(void)
{
	struct http_request m;
	struct http_reader r;

	CHECK_EQ(response("HTTP/1.1 201 Created\r\nX-A: 1\r\nContent-Length: 2\r\n\r\nok",
			  false, false, &m, &r), 1);
	CHECK_EQ(http_reader_status(&r), 201);
	CHECK(str_eq_c(m.body, "ok") && m.n_headers == 2 && m.keep_alive && !m.method.len);
	http_reader_release(&r);

	CHECK_EQ(response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			  "3\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n", false, false, &m, &r), 1);
	CHECK(str_eq_c(m.body, "abcde") && m.n_headers == 1);
	http_reader_release(&r);

	CHECK_EQ(response("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n", true, false, &m, &r), 1);
	CHECK(m.body.len == 0 && m.keep_alive);
	http_reader_release(&r);

	CHECK_EQ(response("HTTP/1.1 200 OK\r\n\r\nto the end", false, false, &m, &r), 0);
	http_reader_release(&r);
	CHECK_EQ(response("HTTP/1.1 200 OK\r\n\r\nto the end", false, true, &m, &r), 1);
	CHECK(str_eq_c(m.body, "to the end") && !m.keep_alive);
	http_reader_release(&r);

	CHECK_EQ(response("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort", false, true, &m, &r),
		 -EBADMSG);
	http_reader_release(&r);
	CHECK_EQ(response("", false, true, &m, &r), 0);
	http_reader_release(&r);
	CHECK_EQ(response("HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n", false, false, &m, &r),
		 -EMSGSIZE);
	http_reader_release(&r);
}

void test_io_http(void)
{
	colon();
	responses();
}
