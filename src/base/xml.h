/* SPDX-License-Identifier: MIT */
/*
 * A small XML writer, appending to a 'struct buf' (whose sticky error and
 * cap apply). Text is always escaped so that the document is well-formed
 * XML 1.0 whatever the bytes: markup characters become entities, and bytes
 * that are not valid UTF-8 or characters XML cannot carry become U+FFFD.
 * Element names are the caller's constants, written as given: they must be
 * XML names (AWS's are ASCII letters and digits).
 */
#ifndef BASE_XML_H
#define BASE_XML_H

#include "compat.h"
#include "base/buf.h"
#include "base/str.h"

/* The XML declaration AWS's documents start with, and its line break. */
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

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

#endif
