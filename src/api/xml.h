/* SPDX-License-Identifier: MIT */
/*
 * EC2's response documents: the root element in EC2's namespace with its
 * request ID, and EC2's error document, written with base/xml.h.
 */
#ifndef API_XML_H
#define API_XML_H

#include "compat.h"
#include "base/buf.h"
#include "base/str.h"
#include "base/xml.h"

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
