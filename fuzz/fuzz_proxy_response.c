/* SPDX-License-Identifier: MIT */
/*
 * A backend's response over untrusted bytes, as the forwarder reads it: the
 * first byte picks how the stream is cut into reads (and, its top bit,
 * whether it answers a HEAD), and the stream ends with the input. What is
 * handed out must be a final status, header lines "Name: value\r\n" with no
 * CR or LF within and none that must not cross a hop (Content-Length
 * neither, but in an answer to HEAD, where it frames nothing), and a
 * bounded body.
 */
#include "compat.h"

#include "proxy/message.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool forbidden(struct str name, bool head)
{
	static const char *const names[] = {
		"connection", "keep-alive", "te", "trailer", "trailers", "upgrade",
	};

	if (!head && str_eq_nocase(name, STR_LIT("content-length")))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (str_eq_nocase(name, str_c(names[i])))
			return true;
	return (name.len >= 6 && str_eq_nocase(str_from(name.p, 6), STR_LIT("proxy-"))) ||
	       (name.len >= 17 && str_eq_nocase(str_from(name.p, 17), STR_LIT("transfer-encoding")));
}

static void check(const struct proxy_response *r)
{
	struct str rest = buf_str(&r->headers), line, name;

	if (r->status < 200 || r->status > 999 || r->body.len > LIMIT_HTTP_RESPONSE_BYTES)
		abort();
	while (rest.len) {
		if (!str_cut(&rest, '\n', &line) || !line.len || line.p[line.len - 1] != '\r')
			abort();
		line.len--;
		if (memchr(line.p, '\r', line.len) || !str_cut(&line, ':', &name) || !name.len ||
		    forbidden(name, r->head))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxy_response r;
	size_t chunk, off = 1;
	int ret = 0;

	if (size < 1)
		return 0;
	chunk = (size_t)(data[0] & 0x7f) % 64 + 1;
	proxy_response_init(&r, data[0] & 0x80);
	while (off < size && ret == 0) {
		size_t n = MIN(chunk, size - off), used = 0;

		ret = proxy_response_feed(&r, (const char *)data + off, n, &used);
		if (used > n)
			abort();
		off += used;
		if (ret == 0 && used == 0)
			break;
	}
	if (ret == 0)
		ret = proxy_response_end(&r);
	if (ret == 1)
		check(&r);
	proxy_response_release(&r);
	return 0;
}
