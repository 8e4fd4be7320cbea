/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "check.h"

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

