/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "proxy/message.h"

static const struct str hop_names[] = {
	STR_LIT("connection"), STR_LIT("keep-alive"), STR_LIT("te"), STR_LIT("trailer"),
	STR_LIT("trailers"), STR_LIT("upgrade"),
};

static bool prefixed(struct str name, struct str prefix)
{
	return name.len >= prefix.len && str_eq_nocase(str_from(name.p, prefix.len), prefix);
}

/* True when the Connection header value 'list' names 'name' (RFC 9110 7.6.1). */
static bool connection_names(struct str list, struct str name)
{
	struct str token;

	/* A list is at most LIMIT_HTTP_HEADER_BYTES long: each turn takes a byte or more. */
	while (list.len) {
		if (!str_cut(&list, ',', &token)) {
			token = list;
			list = STR_EMPTY;
		}
		if (str_eq_nocase(str_trim(token), name))
			return true;
	}
	return false;
}

bool proxy_header_hop(struct str name)
{
	for (size_t i = 0; i < ARRAY_SIZE(hop_names); i++)
		if (str_eq_nocase(name, hop_names[i]))
			return true;
	/*
	 * http-parser 2.9 takes any name that begins with Transfer-Encoding for
	 * it: a backend that does the same must not see a framing we did not
	 * write.
	 */
	return prefixed(name, STR_LIT("proxy-")) || prefixed(name, STR_LIT("transfer-encoding"));
}

/* True when a Connection header of 'm' names 'name'. */
static bool connection_option(const struct http_request *m, struct str name)
{
	for (size_t i = 0; i < m->n_headers; i++)
		if (str_eq_nocase(m->headers[i].name, STR_LIT("connection")) &&
		    connection_names(m->headers[i].value, name))
			return true;
	return false;
}

/* Appends "name: value\r\n", with any CR, LF or NUL within turned into a space. */
static void add_line(struct buf *out, struct str name, struct str value)
{
	size_t start = out->len;

	buf_addstr(out, name);
	buf_adds(out, ": ");
	buf_addstr(out, value);
	if (out->err)
		return;
	for (size_t i = start; i < out->len; i++)
		if (out->p[i] == '\r' || out->p[i] == '\n' || out->p[i] == '\0')
			out->p[i] = ' ';
	buf_adds(out, "\r\n");
}

/*
 * Appends the headers of 'm' but the hop-by-hop ones, those named in 'also'
 * and, when 'options', those its Connection headers name.
 */
static void add_headers(struct buf *out, const struct http_request *m, bool options,
			const struct str *also, size_t n_also)
{
	for (size_t i = 0; i < m->n_headers; i++) {
		struct str name = m->headers[i].name;
		bool skip = proxy_header_hop(name) || (options && connection_option(m, name));

		for (size_t j = 0; j < n_also && !skip; j++)
			skip = str_eq_nocase(name, also[j]);
		if (!skip)
			add_line(out, name, m->headers[i].value);
	}
}

int proxy_request_write(struct buf *out, const struct http_request *req, struct str extra)
{
	static const struct str framing[] = { STR_LIT("content-length"), STR_LIT("expect") };

	buf_addstr(out, req->method);
	buf_addc(out, ' ');
	buf_addstr(out, req->path.len ? req->path : STR_LIT("/"));
	if (req->query.len) {
		buf_addc(out, '?');
		buf_addstr(out, req->query);
	}
	buf_adds(out, " HTTP/1.1\r\n");
	add_headers(out, req, false, framing, ARRAY_SIZE(framing));
	buf_addstr(out, extra);
	/* Every method gets one when it has a body; those that usually have one, always. */
	if (req->body.len || str_eq_c(req->method, "POST") || str_eq_c(req->method, "PUT") ||
	    str_eq_c(req->method, "PATCH"))
		buf_addf(out, "Content-Length: %zu\r\n", req->body.len);
	buf_adds(out, "\r\n");
	buf_addstr(out, req->body);
	return out->err ? -EMSGSIZE : 0;
}

void proxy_response_init(struct proxy_response *r, bool head)
{
	memset(r, 0, sizeof(*r));
	http_reader_init_response(&r->reader, LIMIT_HTTP_RESPONSE_BYTES, head);
	buf_init(&r->headers, LIMIT_HTTP_HEADER_BYTES);
	r->body = STR_EMPTY;
	r->head = head;
}

void proxy_response_release(struct proxy_response *r)
{
	http_reader_release(&r->reader);
	buf_release(&r->headers);
}

/* Takes the complete final response out of the reader. */
static int take(struct proxy_response *r)
{
	static const struct str framing[] = { STR_LIT("content-length") };
	struct http_request m;

	http_reader_request(&r->reader, &m);
	r->status = http_reader_status(&r->reader);
	buf_reset(&r->headers);
	add_headers(&r->headers, &m, true, framing, r->head ? 0 : ARRAY_SIZE(framing));
	if (r->headers.err)
		return -EMSGSIZE;
	r->body = m.body;
	r->keep_alive = m.keep_alive;
	return 1;
}

int proxy_response_feed(struct proxy_response *r, const char *data, size_t len, size_t *used)
{
	*used = 0;
	while (len) {
		size_t n;
		int ret = http_reader_feed(&r->reader, data, len, &n);

		r->started = true;
		*used += n;
		data += n;
		len -= n;
		if (ret <= 0)
			return ret;
		/* RFC 9110 15.2: informational answers precede the final one. */
		if (http_reader_status(&r->reader) >= 200)
			return take(r);
		/* We never ask to switch protocols. */
		if (http_reader_status(&r->reader) == 101)
			return -EBADMSG;
		http_reader_next(&r->reader);
	}
	return 0;
}

int proxy_response_end(struct proxy_response *r)
{
	int ret = http_reader_end(&r->reader);

	if (ret == 1 && http_reader_status(&r->reader) >= 200)
		return take(r);
	if (ret == 0 && !r->started)
		return 0;
	return -EBADMSG;
}
