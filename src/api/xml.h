/* SPDX-License-Identifier: MIT */
/*
 * A small XML writer for EC2 responses, appending to a 'struct buf' (whose
 * sticky error and cap apply). Text is always escaped so that the document
 * is well-formed XML 1.0 whatever the bytes: markup characters become
 * entities, and bytes that are not valid UTF-8 or characters XML cannot
 * carry become U+FFFD. Element names are the caller's constants, written
 * as given: they must be XML names (EC2's are ASCII letters and digits).
 */
#ifndef API_XML_H
#define API_XML_H

#include "compat.h"
#include "base/buf.h"
#include "base/str.h"

/* The namespace of every EC2 response element of API version 2016-11-15. */
#define XML_EC2_NS "http://ec2.amazonaws.com/doc/2016-11-15/"

/*
 * Starts a response document: the XML declaration, then the root element
 * 'root' (such as "DescribeVpcsResponse") in EC2's namespace, then its
 * <requestId> holding 'request_id'. Close it with xml_doc_end().
 */
void xml_doc_begin(struct buf *b, const char *root, const char *request_id);
/* Closes the root element 'root' opened by xml_doc_begin(). */
void xml_doc_end(struct buf *b, const char *root);

/* Writes the start tag <'tag'>. */
void xml_open(struct buf *b, const char *tag);
/* Writes the end tag </'tag'>. */
void xml_close(struct buf *b, const char *tag);

/*
 * Appends 's' as character data: & < > " ' become entities, CR becomes
 * &#13; (so that it survives end-of-line normalisation), and each byte of
 * invalid UTF-8, each control character other than TAB, LF and CR, and
 * U+FFFE and U+FFFF become U+FFFD.
 */
void xml_escape(struct buf *b, struct str s);

/* Writes <'tag'>'value', escaped,</'tag'>; a NULL 'value' writes nothing. */
void xml_text(struct buf *b, const char *tag, const char *value);
/* Writes <'tag'>'value', escaped,</'tag'>. */
void xml_str(struct buf *b, const char *tag, struct str value);
/* Writes <'tag'>true</'tag'> or <'tag'>false</'tag'>. */
void xml_bool(struct buf *b, const char *tag, bool value);
/* Writes <'tag'>'value'</'tag'> in decimal. */
void xml_int(struct buf *b, const char *tag, long long value);
void xml_u64(struct buf *b, const char *tag, uint64_t value);

/*
 * Replaces the contents of 'b' with EC2's error document:
 * <?xml version="1.0" encoding="UTF-8"?>, a newline, then
 * <Response><Errors><Error><Code>'code'</Code><Message>'message'</Message>
 * </Error></Errors><RequestID>'request_id'</RequestID></Response>, all text
 * escaped. 'b' is reset first (clearing a sticky error), so a handler can
 * turn a half-written response into an error.
 */
void xml_error_doc(struct buf *b, const char *code, const char *message,
		   const char *request_id);

/* The namespaces of IAM (API version 2010-05-08) and STS (2011-06-15). */
#define XML_IAM_NS "https://iam.amazonaws.com/doc/2010-05-08/"
#define XML_STS_NS "https://sts.amazonaws.com/doc/2011-06-15/"

/*
 * Starts a response of the Query protocol as IAM and STS write it: the XML
 * declaration and <'root' xmlns="'ns'">. Close it with xml_query_end().
 */
void xml_query_begin(struct buf *b, const char *root, const char *ns);
/*
 * Writes <ResponseMetadata><RequestId>'request_id'</RequestId>
 * </ResponseMetadata> and closes 'root'.
 */
void xml_query_end(struct buf *b, const char *root, const char *request_id);
/*
 * Replaces the contents of 'b' with IAM's and STS's error document:
 * <ErrorResponse xmlns="'ns'"><Error><Type>'type'</Type><Code>'code'</Code>
 * <Message>'message'</Message></Error><RequestId>'request_id'</RequestId>
 * </ErrorResponse>. 'type' is "Sender" or "Receiver".
 */
void xml_query_error_doc(struct buf *b, const char *ns, const char *type, const char *code,
			 const char *message, const char *request_id);
/*
 * Writes <'tag'>'value' percent-encoded</'tag'>: every byte but A-Z a-z 0-9
 * - _ . ~ as %XX, the way IAM returns policy documents (RFC 3986).
 */
void xml_urlencoded(struct buf *b, const char *tag, const char *value);

#endif
