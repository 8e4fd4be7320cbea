/* SPDX-License-Identifier: MIT */
/*
 * The CLI's HTTP client: one POST to the daemon, signed with SigV4 as the
 * aws CLI signs EC2 requests (the credentials of AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY, test/test when unset), the whole answer read until
 * the daemon closes. Enough for vpced, which always sends Content-Length and
 * honours "Connection: close"; not a general client.
 */
#include "compat.h"
#include "cli/cli.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <time.h>
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

int cli_connect(const char *listen)
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

static void sha256_hex(const void *p, size_t n, char out[static 65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;

	EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
	str_hex_encode(md, len, out);
}

static void hmac(const void *key, size_t key_len, const char *msg, unsigned char out[32])
{
	unsigned len = 32;

	HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)msg, strlen(msg), out, &len);
}

/* Appends the Authorization and X-Amz-Date headers of a POST of 'form' to 'path'. */
static void sign(struct buf *head, const char *listen, const char *region, const char *path,
		 const struct buf *form)
{
	const char *ak = getenv("AWS_ACCESS_KEY_ID") ? getenv("AWS_ACCESS_KEY_ID") : "test";
	const char *sk = getenv("AWS_SECRET_ACCESS_KEY") ? getenv("AWS_SECRET_ACCESS_KEY") : "test";
	char amzdate[32], day[16], payload[65], canon_hash[65], scope[96], sig[65];
	unsigned char k[32];
	struct buf canon, tosign, key;
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(amzdate, sizeof(amzdate), "%Y%m%dT%H%M%SZ", &tm);
	strftime(day, sizeof(day), "%Y%m%d", &tm);
	sha256_hex(form->p, form->len, payload);
	buf_init(&canon, 4096);
	buf_addf(&canon, "POST\n%s\n\ncontent-type:application/x-www-form-urlencoded\nhost:%s\n"
		 "x-amz-date:%s\n\ncontent-type;host;x-amz-date\n%s", path, listen, amzdate, payload);
	sha256_hex(canon.p, canon.len, canon_hash);
	snprintf(scope, sizeof(scope), "%s/%s/ec2/aws4_request", day, region);
	buf_init(&tosign, 1024);
	buf_addf(&tosign, "AWS4-HMAC-SHA256\n%s\n%s\n%s", amzdate, scope, canon_hash);
	buf_init(&key, 512);
	buf_addf(&key, "AWS4%s", sk);
	hmac(key.p, key.len, day, k);
	hmac(k, 32, region, k);
	hmac(k, 32, "ec2", k);
	hmac(k, 32, "aws4_request", k);
	hmac(k, 32, tosign.p, k);
	str_hex_encode(k, 32, sig);
	buf_addf(head, "X-Amz-Date: %s\r\nAuthorization: AWS4-HMAC-SHA256 Credential=%s/%s, "
		 "SignedHeaders=content-type;host;x-amz-date, Signature=%s\r\n", amzdate, ak, scope,
		 sig);
	buf_release(&canon);
	buf_release(&tosign);
	buf_release(&key);
}

int cli_post(const char *listen, const char *region, const char *path, const struct buf *form,
	     int *status, struct buf *body)
{
	char chunk[65536];
	struct buf raw, head;
	const char *sep;
	ssize_t n;
	int fd = cli_connect(listen), ret = 0;
	unsigned code;

	buf_init(body, ANSWER_MAX);
	if (fd < 0)
		return fd;
	buf_init(&head, 4096);
	buf_addf(&head, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"
		 "Content-Length: %zu\r\nConnection: close\r\n", path, listen, form->len);
	sign(&head, listen, region, path, form);
	buf_adds(&head, "\r\n");
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
