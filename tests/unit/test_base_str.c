/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "check.h"

#include "base/buf.h"
#include "base/str.h"

void test_base_str(void);

void test_base_str(void)
{
	struct str s = STR_LIT("a=b=c"), head;
	uint64_t v = 0;
	char small[4];

	CHECK(str_cut(&s, '=', &head));
	CHECK(str_eq_c(head, "a"));
	CHECK(str_eq_c(s, "b=c"));
	CHECK(!str_cut(&head, '=', &s));
	CHECK(str_eq_c(s, "b=c"));
	CHECK(str_eq_nocase(STR_LIT("VpcId"), STR_LIT("vpcid")));
	CHECK(!str_eq_nocase(STR_LIT("VpcId"), STR_LIT("vpcid2")));
	CHECK(str_starts_with(STR_LIT("vpc-123"), STR_LIT("vpc-")));
	CHECK(str_ends_with(STR_LIT("a.json"), STR_LIT(".json")));
	CHECK_EQ(str_to_u64(STR_LIT("255"), 255, &v), 0);
	CHECK_EQ(v, 255);
	CHECK_EQ(str_to_u64(STR_LIT("256"), 255, &v), -ERANGE);
	CHECK_EQ(str_to_u64(STR_LIT(""), 255, &v), -EINVAL);
	CHECK_EQ(str_to_u64(STR_LIT("-1"), 255, &v), -EINVAL);
	CHECK_EQ(str_to_u64(STR_LIT("18446744073709551615"), UINT64_MAX, &v), 0);
	CHECK(v == UINT64_MAX);
	CHECK_EQ(str_to_u64(STR_LIT("18446744073709551616"), UINT64_MAX, &v), -ERANGE);
	CHECK_EQ(str_to_u64(STR_LIT("9"), 5, &v), -ERANGE);
	CHECK(str_eq_c(str_trim(STR_LIT(" \tx y\t ")), "x y"));
	CHECK_EQ(str_copy(STR_LIT("abc"), small, sizeof(small)), 0);
	CHECK_STREQ(small, "abc");
	CHECK_EQ(str_copy(STR_LIT("abcd"), small, sizeof(small)), -ENOSPC);
	CHECK_STREQ(small, "");
	CHECK_EQ(str_cmp(STR_LIT("ab"), STR_LIT("abc")), -1);
	CHECK_EQ(str_cmp(STR_LIT("b"), STR_LIT("abc")), 1);
}

void test_base_buf(void);

void test_base_buf(void)
{
	struct buf b;
	char *p;
	size_t len;

	buf_init(&b, 10);
	CHECK_STREQ(b.p, "");
	buf_adds(&b, "hello");
	buf_addf(&b, "%d", 42);
	CHECK_STREQ(b.p, "hello42");
	CHECK(!b.err);
	buf_adds(&b, "toolong");
	CHECK(b.err);
	CHECK_STREQ(b.p, "hello42");
	buf_addc(&b, 'x');
	CHECK_EQ(b.len, 7);
	buf_reset(&b);
	CHECK(!b.err);
	buf_addf(&b, "%s", "0123456789");
	CHECK_EQ(b.len, 10);
	p = buf_detach(&b, &len);
	CHECK_STREQ(p, "0123456789");
	CHECK_EQ(len, 10);
	free(p);
	CHECK_STREQ(b.p, "");
	buf_init(&b, 100000);
	for (int i = 0; i < 1000; i++)
		buf_addf(&b, "%300s", "");
	CHECK(b.err);
	CHECK(b.len <= 100000);
	buf_release(&b);
}
