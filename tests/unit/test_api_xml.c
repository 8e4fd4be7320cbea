/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "check.h"

#include "api/xml.h"
#include "base/buf.h"

void test_api_xml(void);

#define FFFD "\xef\xbf\xbd"

static const char *esc(struct buf *b, const char *in, size_t len)
{
	buf_reset(b);
	xml_escape(b, str_from(in, len));
	return b->p;
}

#define ESC(b, lit) esc((b), (lit), sizeof(lit) - 1)

static void test_escape(struct buf *b)
{
	CHECK_STREQ(ESC(b, ""), "");
	CHECK_STREQ(ESC(b, "plain text"), "plain text");
	CHECK_STREQ(ESC(b, "&<>\"'"), "&amp;&lt;&gt;&quot;&apos;");
	CHECK_STREQ(ESC(b, "a&&b<c>d\"e'f"), "a&amp;&amp;b&lt;c&gt;d&quot;e&apos;f");
	CHECK_STREQ(ESC(b, "]]>"), "]]&gt;");
	CHECK_STREQ(ESC(b, "&amp;"), "&amp;amp;");
	/* TAB and LF stay, CR survives as a reference, other C0 controls go. */
	CHECK_STREQ(ESC(b, "a\tb\nc\rd"), "a\tb\nc&#13;d");
	CHECK_STREQ(ESC(b, "\x01x\x1f\x7f"), FFFD "x" FFFD "\x7f");
	CHECK_STREQ(ESC(b, "a\0b"), "a" FFFD "b");
	/* Valid UTF-8 of every length passes, U+FFFD included. */
	CHECK_STREQ(ESC(b, "\xc3\xa9\xe2\x9c\x93\xf0\x9f\x98\x80" FFFD "\xf4\x8f\xbf\xbf"),
		    "\xc3\xa9\xe2\x9c\x93\xf0\x9f\x98\x80" FFFD "\xf4\x8f\xbf\xbf");
	CHECK_STREQ(ESC(b, "\xc2\x80\xc2\x85\xed\x9f\xbf\xee\x80\x80"),
		    "\xc2\x80\xc2\x85\xed\x9f\xbf\xee\x80\x80");
	/* U+FFFE and U+FFFF are not XML characters. */
	CHECK_STREQ(ESC(b, "\xef\xbf\xbe\xef\xbf\xbf"), FFFD FFFD);
	/* Invalid UTF-8: each offending byte is replaced on its own. */
	CHECK_STREQ(ESC(b, "\x80"), FFFD);
	CHECK_STREQ(ESC(b, "a\xffz"), "a" FFFD "z");
	CHECK_STREQ(ESC(b, "\xc0\x80"), FFFD FFFD);		/* overlong NUL */
	CHECK_STREQ(ESC(b, "\xc1\xbf"), FFFD FFFD);		/* overlong */
	CHECK_STREQ(ESC(b, "\xe0\x80\xaf"), FFFD FFFD FFFD);	/* overlong */
	CHECK_STREQ(ESC(b, "\xf0\x8f\xbf\xbf"), FFFD FFFD FFFD FFFD);
	CHECK_STREQ(ESC(b, "\xed\xa0\x80"), FFFD FFFD FFFD);	/* surrogate */
	CHECK_STREQ(ESC(b, "\xf4\x90\x80\x80"), FFFD FFFD FFFD FFFD);
	CHECK_STREQ(ESC(b, "\xf5\x80\x80\x80"), FFFD FFFD FFFD FFFD);
	CHECK_STREQ(ESC(b, "x\xe2\x9c"), "x" FFFD FFFD);	/* truncated */
	CHECK_STREQ(ESC(b, "\xe2\x9c<"), FFFD FFFD "&lt;");
	CHECK_STREQ(ESC(b, "\xc3\xc3\xa9"), FFFD "\xc3\xa9");
	CHECK_STREQ(ESC(b, "\xf0\x9f\x98"), FFFD FFFD FFFD);
}

static void test_elements(struct buf *b)
{
	buf_reset(b);
	xml_doc_begin(b, "DescribeVpcsResponse", "req-1");
	xml_open(b, "vpcSet");
	xml_open(b, "item");
	xml_text(b, "vpcId", "vpc-1");
	xml_str(b, "cidrBlock", STR_LIT("10.0.0.0/16"));
	xml_bool(b, "isDefault", false);
	xml_bool(b, "enableDnsHostnames", true);
	xml_int(b, "ipv6Count", -3);
	xml_u64(b, "big", UINT64_MAX);
	xml_text(b, "absent", NULL);
	xml_text(b, "empty", "");
	xml_open(b, "tagSet");
	xml_open(b, "item");
	xml_text(b, "key", "Name");
	xml_str(b, "value", STR_LIT("a<b & \"c\""));
	xml_close(b, "item");
	xml_close(b, "tagSet");
	xml_close(b, "item");
	xml_close(b, "vpcSet");
	xml_doc_end(b, "DescribeVpcsResponse");
	CHECK(!b->err);
	CHECK_STREQ(b->p,
		    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<DescribeVpcsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
		    "<requestId>req-1</requestId><vpcSet><item><vpcId>vpc-1</vpcId>"
		    "<cidrBlock>10.0.0.0/16</cidrBlock><isDefault>false</isDefault>"
		    "<enableDnsHostnames>true</enableDnsHostnames><ipv6Count>-3</ipv6Count>"
		    "<big>18446744073709551615</big><empty></empty><tagSet><item>"
		    "<key>Name</key><value>a&lt;b &amp; &quot;c&quot;</value></item>"
		    "</tagSet></item></vpcSet></DescribeVpcsResponse>");
}

static void test_error_doc(struct buf *b)
{
	static const char expect[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<Response><Errors><Error><Code>InvalidParameterValue</Code>"
		"<Message>Value ( aws:x ) for parameter key is invalid. Tag keys "
		"starting with &apos;aws:&apos; are reserved for internal use</Message>"
		"</Error></Errors><RequestID>r-2</RequestID></Response>";
	struct buf small;

	buf_reset(b);
	xml_doc_begin(b, "CreateTagsResponse", "r-1");
	xml_error_doc(b, "InvalidParameterValue",
		      "Value ( aws:x ) for parameter key is invalid. Tag keys "
		      "starting with 'aws:' are reserved for internal use", "r-2");
	CHECK_STREQ(b->p, expect);

	buf_reset(b);
	xml_error_doc(b, "X", "bad \x01 <\xff>", NULL);
	CHECK_STREQ(b->p, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<Response><Errors><Error><Code>X</Code><Message>bad " FFFD
		    " &lt;" FFFD "&gt;</Message></Error></Errors><RequestID></RequestID>"
		    "</Response>");

	/* A response that outgrew its buffer can still become an error. */
	buf_init(&small, 300);
	xml_doc_begin(&small, "DescribeVpcsResponse", "r");
	for (int i = 0; i < 100; i++)
		xml_text(&small, "vpcId", "vpc-0123456789abcdef0");
	CHECK(small.err);
	CHECK(small.len <= 300);
	xml_error_doc(&small, "InternalError", "too big", "r");
	CHECK(!small.err);
	CHECK(strstr(small.p, "<Code>InternalError</Code>") != NULL);
	buf_release(&small);
}

void test_api_xml(void)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	test_escape(&b);
	test_elements(&b);
	test_error_doc(&b);
	buf_release(&b);
}
