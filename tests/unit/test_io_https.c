/* SPDX-License-Identifier: MIT */
/*
 * http_server_new_tls() on loopback, in the event loop of this thread,
 * against OpenSSL clients in a second thread that verify the chain against
 * the CA file: requests, keep-alive, pipelining, a large body read slowly,
 * held answers, resumption, ALPN, names without SNI, and clients that send
 * garbage or stall in the handshake.
 */
#include "compat.h"
#include "check.h"

#include <linux/limits.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "io/http.h"
#include "io/tls.h"
#include "http_client.h"
#include "net_fixture.h"

void test_io_https(void);

#define BIG_BYTES (1536 * 1024)
#define CLIENT_TIMEOUT_S HTTP_CLIENT_TIMEOUT_S
#define SVC_NAME "sqs.us-east-1.amazonaws.com"

struct fx {
	struct loop *loop;
	struct tls_server *tls, *tls_plain;	/* with and without a default name */
	struct http_server *srv, *srv_plain;
	uint16_t port, port_plain;
	char ca[PATH_MAX];
	atomic_int sweep;	/* 1: the client asks for a sweep; 2: done */
	atomic_bool done;
};

static void answer(void *arg, const struct http_request *req, struct http_response *resp)
{
	struct fx *f = arg;
	const struct str *host = http_header_get(req, "Host");

	resp->content_type = "text/plain";
	if (str_eq_c(req->path, "/big")) {
		for (size_t i = 0; i < BIG_BYTES; i++)
			buf_addc(&resp->body, (char)('a' + i % 26));
		return;
	}
	if (str_eq_c(req->path, "/held"))
		http_server_hold(f->srv);
	buf_addf(&resp->body, "%.*s %.*s", (int)(host ? host->len : 0), host ? host->p : "",
		 (int)req->path.len, req->path.p);
}

static bool default_name(void *arg, uint32_t local_ip, char name[static TLS_NAME_SIZE])
{
	(void)arg;
	if (local_ip != INADDR_LOOPBACK)
		return false;
	str_lcpy(name, SVC_NAME, TLS_NAME_SIZE);
	return true;
}

static void batch_end(void *arg)
{
	struct fx *f = arg;

	http_server_release(f->srv, true);
}

static void tick(void *arg)
{
	struct fx *f = arg;

	if (atomic_load(&f->sweep) == 1) {
		http_server_sweep_at(f->srv, loop_now_ms() + LIMIT_TLS_HANDSHAKE_MS + 1);
		atomic_store(&f->sweep, 2);
	}
	if (atomic_load(&f->done))
		loop_stop(f->loop);
}

/* A client context that trusts only the CA file, strictly. */
static SSL_CTX *client_ctx(const struct fx *f, int max_version)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	CHECK(ctx);
	CHECK_EQ(SSL_CTX_load_verify_locations(ctx, f->ca, NULL), 1);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(ctx), X509_V_FLAG_X509_STRICT);
	if (max_version) {
		SSL_CTX_set_security_level(ctx, 0);
		SSL_CTX_set_min_proto_version(ctx, 0);
		SSL_CTX_set_max_proto_version(ctx, max_version);
	}
	SSL_CTX_set_alpn_protos(ctx, (const unsigned char *)"\x02h2\x08http/1.1", 12);
	return ctx;
}

/*
 * Connects to 'port' with SNI 'sni' (none when NULL), checking that the
 * certificate is for 'host' (a DNS name or an address). Returns true when
 * the handshake succeeded.
 */
static bool tls_dial(struct client *c, SSL_CTX *ctx, uint16_t port, const char *sni,
		     const char *host, SSL_SESSION *resume)
{
	char canon[TLS_NAME_SIZE];

	client_init(c, net_dial(port, CLIENT_TIMEOUT_S));
	c->ssl = SSL_new(ctx);
	if (c->fd < 0 || !c->ssl)
		return false;
	SSL_set_fd(c->ssl, c->fd);
	if (sni)
		SSL_set_tlsext_host_name(c->ssl, sni);
	if (tls_name_canon(host, canon) == TLS_NAME_IP)
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), host);
	else
		SSL_set1_host(c->ssl, host);
	if (resume)
		SSL_set_session(c->ssl, resume);
	if (SSL_connect(c->ssl) != 1) {
		ERR_clear_error();
		return false;
	}
	return SSL_get_verify_result(c->ssl) == X509_V_OK;
}

static bool get(struct client *c, const char *path, const char *host)
{
	char req[256];
	int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, host);

	return client_send(c, req, (size_t)n);
}

static bool big_body_whole(const struct buf *b)
{
	if (b->len != BIG_BYTES)
		return false;
	for (size_t i = 0; i < b->len; i++)
		if (b->p[i] != (char)('a' + i % 26))
			return false;
	return true;
}

/* True when the server closes 'fd' (EOF or reset) before the client's timeout. */
static bool closed_by_server(int fd)
{
	char junk[4096];

	for (;;) {
		ssize_t n = recv(fd, junk, sizeof(junk), 0);

		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return true;
		if (n < 0)
			return false;
	}
}

/* GET, keep-alive, a large body read late, pipelining, a held answer, close_notify. */
static SSL_SESSION *one_connection(struct fx *f, SSL_CTX *ctx)
{
	const char *name = "bucket.s3.us-east-1.amazonaws.com";
	const unsigned char *alpn;
	unsigned alpn_len = 0;
	struct client c;
	struct buf body;
	SSL_SESSION *sess = NULL;
	char two[256];
	int n;

	buf_init(&body, 4 << 20);
	if (!tls_dial(&c, ctx, f->port, "Bucket.S3.us-east-1.amazonaws.com", name, NULL)) {
		check_fail(__FILE__, __LINE__, "no handshake with SNI");
		goto out;
	}
	SSL_get0_alpn_selected(c.ssl, &alpn, &alpn_len);
	CHECK(alpn_len == 8 && memcmp(alpn, "http/1.1", 8) == 0);
	CHECK_EQ(SSL_version(c.ssl), TLS1_3_VERSION);
	CHECK(get(&c, "/", name));
	CHECK_EQ(client_response(&c, false, NULL, &body), 200);
	CHECK_STREQ(body.p, "bucket.s3.us-east-1.amazonaws.com /");

	/* The server fills the socket and waits (WANT_WRITE) before this reads. */
	CHECK(get(&c, "/big", name));
	usleep(200 * 1000);
	CHECK_EQ(client_response(&c, false, NULL, &body), 200);
	CHECK(big_body_whole(&body));

	n = snprintf(two, sizeof(two), "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
		     "GET /b HTTP/1.1\r\nHost: h\r\n\r\n");
	CHECK(client_send(&c, two, (size_t)n));
	CHECK_EQ(client_response(&c, false, NULL, &body), 200);
	CHECK_STREQ(body.p, "h /a");
	CHECK_EQ(client_response(&c, false, NULL, &body), 200);
	CHECK_STREQ(body.p, "h /b");
	CHECK(get(&c, "/held", name));
	CHECK_EQ(client_response(&c, false, NULL, &body), 200);
	CHECK_STREQ(body.p, "bucket.s3.us-east-1.amazonaws.com /held");
	sess = SSL_get1_session(c.ssl);

	/* Our close_notify is answered with the server's. */
	CHECK(SSL_shutdown(c.ssl) >= 0);
	CHECK_EQ(SSL_read(c.ssl, two, sizeof(two)), 0);
	CHECK_EQ(SSL_get_error(c.ssl, 0), SSL_ERROR_ZERO_RETURN);
out:
	ERR_clear_error();
	client_close(&c);
	buf_release(&body);
	return sess;
}

static void resumption_and_versions(struct fx *f, SSL_CTX *ctx, SSL_SESSION *sess)
{
	SSL_CTX *old = client_ctx(f, TLS1_2_VERSION), *older = client_ctx(f, TLS1_1_VERSION);
	struct client c;
	struct buf body;

	buf_init(&body, 1 << 20);
	CHECK(tls_dial(&c, ctx, f->port, SVC_NAME, SVC_NAME, sess));
	CHECK(c.ssl && SSL_session_reused(c.ssl));
	client_close(&c);

	CHECK(tls_dial(&c, old, f->port, SVC_NAME, SVC_NAME, NULL));
	CHECK(c.ssl && SSL_version(c.ssl) == TLS1_2_VERSION);
	CHECK(c.ssl && strncmp(SSL_get_cipher_name(c.ssl), "ECDHE-ECDSA-", 12) == 0);
	CHECK(get(&c, "/v12", SVC_NAME));
	CHECK_EQ(client_response(&c, false, NULL, &body), 200);
	client_close(&c);

	CHECK(!tls_dial(&c, older, f->port, SVC_NAME, SVC_NAME, NULL));
	client_close(&c);
	SSL_CTX_free(old);
	SSL_CTX_free(older);
	buf_release(&body);
}

/* Without SNI: the default name and the address; or the address alone. */
static void no_sni(struct fx *f, SSL_CTX *ctx)
{
	struct client c;
	X509 *peer;

	CHECK(tls_dial(&c, ctx, f->port, NULL, SVC_NAME, NULL));
	peer = c.ssl ? SSL_get0_peer_certificate(c.ssl) : NULL;
	CHECK(peer && X509_check_ip_asc(peer, "127.0.0.1", 0) == 1);
	client_close(&c);

	CHECK(tls_dial(&c, ctx, f->port_plain, NULL, "127.0.0.1", NULL));
	peer = c.ssl ? SSL_get0_peer_certificate(c.ssl) : NULL;
	CHECK(peer && X509_check_host(peer, SVC_NAME, 0, 0, NULL) == 0);
	client_close(&c);

	/* A name that is no DNS name is refused (unrecognized_name). */
	CHECK(!tls_dial(&c, ctx, f->port, "bad_name.example", "bad_name.example", NULL));
	client_close(&c);
}

/* Garbage instead of a ClientHello; a handshake that stops halfway. */
static void bad_clients(struct fx *f, SSL_CTX *ctx)
{
	static const char hello_start[] = { 0x16, 0x03, 0x01, 0x02 };
	const char *plain = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	struct client idle;
	struct buf body;
	int fd, stalled;

	buf_init(&body, 1 << 20);
	fd = net_dial(f->port, CLIENT_TIMEOUT_S);
	CHECK(fd >= 0 && send(fd, plain, strlen(plain), 0) == (ssize_t)strlen(plain));
	CHECK(closed_by_server(fd));
	close(fd);

	CHECK(tls_dial(&idle, ctx, f->port, SVC_NAME, SVC_NAME, NULL));
	stalled = net_dial(f->port, CLIENT_TIMEOUT_S);
	CHECK(stalled >= 0 && send(stalled, hello_start, sizeof(hello_start), 0) == 4);
	usleep(50 * 1000);
	atomic_store(&f->sweep, 1);
	while (atomic_load(&f->sweep) != 2)
		usleep(5 * 1000);
	CHECK(closed_by_server(stalled));
	close(stalled);

	/* The established connection, idle through the sweep, still answers. */
	CHECK(get(&idle, "/after", SVC_NAME));
	CHECK_EQ(client_response(&idle, false, NULL, &body), 200);
	CHECK_STREQ(body.p, SVC_NAME " /after");
	client_close(&idle);
	buf_release(&body);
}

static void *client_main(void *arg)
{
	struct fx *f = arg;
	SSL_CTX *ctx = client_ctx(f, 0);
	SSL_SESSION *sess = one_connection(f, ctx);

	resumption_and_versions(f, ctx, sess);
	no_sni(f, ctx);
	bad_clients(f, ctx);
	SSL_SESSION_free(sess);
	SSL_CTX_free(ctx);
	atomic_store(&f->done, true);
	return NULL;
}

static bool serve(struct fx *f, const char *stem)
{
	struct err e = { 0 };
	int fd = net_listen(&f->port), fd_plain = net_listen(&f->port_plain);

	f->tls = tls_server_new(stem, default_name, NULL, &e);
	f->tls_plain = tls_server_new(stem, NULL, NULL, &e);
	if (!f->tls || !f->tls_plain || fd < 0 || fd_plain < 0) {
		check_fail(__FILE__, __LINE__, "cannot serve: %s", e.msg);
		return false;
	}
	f->srv = http_server_new_tls(f->loop, fd, answer, f, f->tls);
	f->srv_plain = http_server_new_tls(f->loop, fd_plain, answer, f, f->tls_plain);
	snprintf(f->ca, sizeof(f->ca), "%s%s", stem, TLS_CA_CERT_SUFFIX);
	return f->srv && f->srv_plain;
}

void test_io_https(void)
{
	char dir[] = "/tmp/vpce-https-XXXXXX", stem[64], path[PATH_MAX];
	static const char *const suffixes[] = {
		TLS_CA_CERT_SUFFIX, TLS_CA_KEY_SUFFIX, TLS_BUNDLE_SUFFIX,
	};
	struct fx f = { 0 };
	pthread_t th;

	if (!mkdtemp(dir)) {
		check_fail(__FILE__, __LINE__, "mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(stem, sizeof(stem), "%s/vpce.db", dir);
	log_set_level(LOG_ERR);
	f.loop = loop_new();
	CHECK(f.loop);
	if (f.loop && serve(&f, stem)) {
		loop_set_tick(f.loop, 5, tick, &f);
		loop_set_batch_end(f.loop, batch_end, &f);
		CHECK_EQ(pthread_create(&th, NULL, client_main, &f), 0);
		CHECK_EQ(loop_run(f.loop), 0);
		pthread_join(th, NULL);
	}
	http_server_free(f.srv);
	http_server_free(f.srv_plain);
	tls_server_free(f.tls);
	tls_server_free(f.tls_plain);
	loop_free(f.loop);
	log_set_level(LOG_INFO);
	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
		snprintf(path, sizeof(path), "%s%s", stem, suffixes[i]);
		unlink(path);
	}
	rmdir(dir);
}
