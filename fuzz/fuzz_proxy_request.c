/* SPDX-License-Identifier: MIT */
/*
 * A client's request over untrusted bytes, written for a backend: each
 * request the server's reader takes is written with proxy_request_write(),
 * and the result must read back, with the same reader, as one request with
 * the same method, path, query and body, Host as sent (when it holds no
 * CR, LF or NUL, which become spaces), and no header that must not cross a
 * hop.
 */
#include "compat.h"

#include "proxy/message.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct http_request *req)
{
	const struct str *host = http_header_get(req, "host");
	struct http_reader back;
	struct http_request again;
	struct buf out;
	size_t used;
	int ret;

	buf_init(&out, 4 * LIMIT_HTTP_HEADER_BYTES + LIMIT_HTTP_BODY_BYTES);
	if (proxy_request_write(&out, req, STR_LIT("X-Extra: 1\r\n")) < 0)
		abort();
	http_reader_init(&back);
	ret = http_reader_feed(&back, out.p, out.len, &used);
	/* Two more lines may pass the reader's count of headers: no error of writing. */
	if (ret == -EMSGSIZE && req->n_headers + 2 > LIMIT_HTTP_HEADERS)
		goto out;
	if (ret != 1 || used != out.len)
		abort();
	http_reader_request(&back, &again);
	if (!str_eq(req->method, again.method) || !str_eq(req->query, again.query) ||
	    !str_eq(req->body, again.body) ||
	    !str_eq(req->path.len ? req->path : STR_LIT("/"), again.path))
		abort();
	if (host && !memchr(host->p, '\0', host->len) && !memchr(host->p, '\r', host->len) &&
	    !memchr(host->p, '\n', host->len) && (!http_header_get(&again, "host") ||
		     !str_eq(*host, *http_header_get(&again, "host"))))
		abort();
	for (size_t i = 0; i < again.n_headers; i++)
		if (proxy_header_hop(again.headers[i].name) ||
		    str_eq_nocase(again.headers[i].name, STR_LIT("expect")))
			abort();
out:
	http_reader_release(&back);
	buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_reader r;
	size_t off = 0;

	http_reader_init(&r);
	while (off < size) {
		struct http_request req;
		size_t used = 0;
		int ret = http_reader_feed(&r, (const char *)data + off, size - off, &used);

		off += used;
		if (ret < 0 || (ret == 0 && used == 0))
			break;
		if (ret == 0)
			continue;
		http_reader_request(&r, &req);
		round_trip(&req);
		http_reader_next(&r);
	}
	http_reader_release(&r);
	return 0;
}
