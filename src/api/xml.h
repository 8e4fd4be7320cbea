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

#endif
