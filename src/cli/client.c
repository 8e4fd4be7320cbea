/* SPDX-License-Identifier: MIT */
/*
 * The CLI's HTTP client: one POST to the daemon on loopback, the whole
 * answer read until the daemon closes. Enough for vpced, which always sends
 * Content-Length and honours "Connection: close"; not a general client.
 */
#include "compat.h"
#include "cli/cli.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#define ANSWER_MAX (64 << 20)

void cli_form_add(struct buf *form, const char *key, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";

	if (form->len)
		buf_addc(form, '&');
	buf_adds(form, key);
	buf_addc(form, '=');
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			buf_addc(form, (char)*p);
		} else {
			buf_addc(form, '%');
			buf_addc(form, hex[*p >> 4]);
			buf_addc(form, hex[*p & 15]);
		}
	}
}

static int connect_to(const char *listen)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	const char *colon = strrchr(listen, ':');
	char host[64];
	uint64_t port;
	int fd;

	if (!colon || (size_t)(colon - listen) >= sizeof(host) ||
	    str_to_u64(str_c(colon + 1), 65535, &port) < 0)
		return -EINVAL;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return -EINVAL;
	sa.sin_port = htons((uint16_t)port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int cli_post(const char *listen, const char *path, const struct buf *form, int *status,
	     struct buf *body)
{
	char chunk[65536];
	struct buf raw, head;
	const char *sep;
	ssize_t n;
	int fd = connect_to(listen), ret = 0;
	unsigned code;

	buf_init(body, ANSWER_MAX);
	if (fd < 0)
		return fd;
	buf_init(&head, 1024);
	buf_addf(&head, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"
		 "Content-Length: %zu\r\nConnection: close\r\n\r\n", path, listen, form->len);
	if (write_all(fd, head.p, head.len) < 0 || write_all(fd, form->p, form->len) < 0)
		ret = -EIO;
	buf_release(&head);
	buf_init(&raw, ANSWER_MAX);
	while (!ret && (n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			ret = -errno;
		else
			buf_add(&raw, chunk, (size_t)n);
	}
	close(fd);
	if (!ret && (raw.err || sscanf(raw.p, "HTTP/1.1 %u", &code) != 1 ||
		     !(sep = strstr(raw.p, "\r\n\r\n"))))
		ret = -EBADMSG;
	if (!ret) {
		*status = (int)code;
		buf_add(body, sep + 4, raw.len - (size_t)(sep + 4 - raw.p));
	}
	buf_release(&raw);
	return ret;
}
