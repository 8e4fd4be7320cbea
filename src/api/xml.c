/* SPDX-License-Identifier: MIT */
/* EC2's response and error documents, over the XML writer of base/xml.h. */
#include "compat.h"
#include "api/xml.h"

void xml_doc_begin(struct buf *b, const char *root, const char *request_id)
{
	buf_adds(b, XML_DECL "<");
	buf_adds(b, root);
	buf_adds(b, " xmlns=\"" XML_EC2_NS "\">");
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
