/* SPDX-License-Identifier: MIT */
/*
 * The HTTP request reader over untrusted bytes: the first byte picks how the
 * stream is cut into reads, the rest is the stream. Every complete request
 * is taken apart as the server does; nothing may read out of bounds, and
 * the views handed out must lie inside the reader's buffers.
 */
#include "compat.h"

#include "io/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool inside(struct str s, const struct buf *b)
{
	return s.len == 0 || (s.p >= b->p && s.len <= b->len && s.p - b->p <= (ptrdiff_t)(b->len - s.len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_reader r;
	size_t chunk, off = 1;

	if (size < 1)
		return 0;
	chunk = (size_t)data[0] % 64 + 1;
	http_reader_init(&r);
	while (off < size) {
		size_t n = MIN(chunk, size - off), used = 0;
		int ret = http_reader_feed(&r, (const char *)data + off, n, &used);

		if (used > n)
			abort();
		off += used;
		if (ret < 0)
			break;
		if (ret == 1) {
			struct http_request req;

			http_reader_request(&r, &req);
			if (req.n_headers > LIMIT_HTTP_HEADERS || !inside(req.body, &r.body) ||
			    !inside(req.path, &r.url) || !inside(req.query, &r.url))
				abort();
			for (size_t i = 0; i < req.n_headers; i++)
				if (!inside(req.headers[i].name, &r.hdrs) ||
				    !inside(req.headers[i].value, &r.hdrs))
					abort();
			(void)http_header_get(&req, "host");
			http_reader_next(&r);
		} else if (used == 0) {
			break;
		}
	}
	http_reader_release(&r);
	return 0;
}
