/* SPDX-License-Identifier: MIT */
/*
 * The check of SNI host names (io/tls.h) over untrusted bytes: whatever it
 * accepts is a canonical name of at most 253 characters, in the alphabet
 * of its kind, and checking it again gives it back unchanged.
 */
#include "compat.h"

#include "io/tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool in_alphabet(const char *s, int kind)
{
	const char *ok = kind == TLS_NAME_DNS ? "abcdefghijklmnopqrstuvwxyz0123456789-."
					      : "abcdef0123456789.:";

	return strspn(s, ok) == strlen(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[512], out[TLS_NAME_SIZE], again[TLS_NAME_SIZE];
	size_t len = MIN(size, sizeof(name) - 1);
	int kind, kind2;

	/* SNI carries no NUL (OpenSSL refuses one), so the name ends at the first. */
	memcpy(name, data, len);
	name[len] = '\0';
	kind = tls_name_canon(name, out);
	if (kind < 0)
		return 0;
	if ((kind != TLS_NAME_DNS && kind != TLS_NAME_IP) || strlen(out) > 253 ||
	    !in_alphabet(out, kind))
		abort();
	kind2 = tls_name_canon(out, again);
	if (kind2 != kind || strcmp(out, again) != 0)
		abort();
	return 0;
}
