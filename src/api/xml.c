/* SPDX-License-Identifier: MIT */
/* EC2's response and error documents, over the XML writer of base/xml.h. */
#include "compat.h"
#include "api/xml.h"

void xml_doc_begin(struct buf *b, const char *root, const char *request_id)
{
	xml_query_begin(b, root, XML_EC2_NS);
	xml_text(b, "requestId", request_id ? request_id : "");
}

void xml_doc_end(struct buf *b, const char *root)
{
	xml_close(b, root);
}

void xml_error_doc(struct buf *b, const char *code, const char *message,
		   const char *request_id)
{
	buf_reset(b);
	buf_adds(b, XML_DECL "<Response><Errors><Error>");
	xml_text(b, "Code", code ? code : "");
	xml_text(b, "Message", message ? message : "");
	buf_adds(b, "</Error></Errors>");
	/* EC2 spells it RequestID here, unlike <requestId> in results. */
	xml_text(b, "RequestID", request_id ? request_id : "");
	buf_adds(b, "</Response>");
}

void xml_query_begin(struct buf *b, const char *root, const char *ns)
{
	buf_adds(b, XML_DECL "<");
	buf_adds(b, root);
	buf_adds(b, " xmlns=\"");
	buf_adds(b, ns);
	buf_adds(b, "\">");
}

void xml_query_end(struct buf *b, const char *root, const char *request_id)
{
	xml_open(b, "ResponseMetadata");
	xml_text(b, "RequestId", request_id ? request_id : "");
	xml_close(b, "ResponseMetadata");
	xml_close(b, root);
}

void xml_query_error_doc(struct buf *b, const char *ns, const char *type, const char *code,
			 const char *message, const char *request_id)
{
	buf_reset(b);
	xml_query_begin(b, "ErrorResponse", ns);
	xml_open(b, "Error");
	xml_text(b, "Type", type);
	xml_text(b, "Code", code ? code : "");
	xml_text(b, "Message", message ? message : "");
	xml_close(b, "Error");
	xml_text(b, "RequestId", request_id ? request_id : "");
	xml_close(b, "ErrorResponse");
}

void xml_urlencoded(struct buf *b, const char *tag, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";

	xml_open(b, tag);
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };

		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.~", *p))
			buf_add(b, (const char *)p, 1);
		else
			buf_add(b, esc, 3);
	}
	xml_close(b, tag);
}
