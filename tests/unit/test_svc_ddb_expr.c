/* SPDX-License-Identifier: MIT */
/*
 * The DynamoDB engine's parts: numbers (their form, order, sums and the size
 * DynamoDB counts them at), base64, reserved words, expressions (what each
 * refuses, in DynamoDB's words) and what conditions select.
 */
#include "compat.h"
#include "check.h"
#include "ddb_fixture.h"
#include "svc/ddb_internal.h"

void test_svc_ddb_expr(void);

static void number_form(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "0", "0" }, { "-0", "0" }, { "0.000", "0" }, { "00042", "42" }, { "1.0", "1" },
		{ "3.1400", "3.14" }, { "1.5E2", "150" }, { "1E2", "100" }, { "1e+2", "100" },
		{ "-1e-5", "-0.00001" }, { ".5", "0.5" }, { "5.", "5" }, { "+7", "7" },
		{ "-0012.3400", "-12.34" }, { "100.5", "100.5" }, { "12345678901234567890123456789012345678",
		  "12345678901234567890123456789012345678" }, { "1234.5e-2", "12.345" },
		{ "0.00000000000000000000000000000000000001", "0.00000000000000000000000000000000000001" },
		{ "123456789012345678901234567890123456780000", "123456789012345678901234567890123456780000" },
	};
	static const char *const bad[] = { "", "-", ".", "e5", "1e", "1e+", "1..2", "1.2.3", " 1", "1 ",
					   "0x10", "1,5", "NaN", "Infinity", "--1", "+-1" };
	struct ddb_err e = { 0 };
	struct ddb_num n;
	struct buf b;

	buf_init(&b, 1024);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		buf_reset(&b);
		CHECK_EQ(ddb_num_parse(cases[i].in, strlen(cases[i].in), &n, &e), 0);
		ddb_num_format(&n, &b);
		CHECK_STREQ(b.p, cases[i].out);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK(ddb_num_parse(bad[i], strlen(bad[i]), &n, &e) < 0);
	/* The extremes, written out in full. */
	buf_reset(&b);
	CHECK_EQ(ddb_num_parse("1E-130", 6, &n, &e), 0);
	ddb_num_format(&n, &b);
	CHECK_EQ(b.len, 2 + 129 + 1);
	CHECK(!strncmp(b.p, "0.000", 5) && b.p[b.len - 1] == '1' && b.p[b.len - 2] == '0');
	buf_reset(&b);
	CHECK_EQ(ddb_num_parse("-9.9999999999999999999999999999999999999E+125", 45, &n, &e), 0);
	ddb_num_format(&n, &b);
	CHECK_EQ(b.len, 1 + 126);
	CHECK(!strncmp(b.p, "-99999999999999999999999999999999999999000", 42));
	CHECK(ddb_num_parse("1E126", 5, &n, &e) < 0);
	CHECK_STREQ(e.msg, "Number overflow. Attempting to store a number with magnitude larger than "
		    "supported range");
	CHECK(ddb_num_parse("0.1E-130", 8, &n, &e) < 0);
	CHECK_STREQ(e.msg, "Number underflow. Attempting to store a number with magnitude smaller than "
		    "supported range");
	CHECK(ddb_num_parse("1.00000000000000000000000000000000000001", 40, &n, &e) < 0);
	CHECK_STREQ(e.msg, "Attempting to store more than 38 significant digits in a Number");
	CHECK_EQ(ddb_num_parse("1e999999999999999999", 20, &n, &e), -EINVAL);
	CHECK_EQ(ddb_num_parse("0e999999999999999999", 20, &n, &e), 0);
	buf_release(&b);
}

/* What a number adds to an item's size, measured against DynamoDB at its 400 KB gate. */
static void number_size(void)
{
	static const struct {
		const char *in;
		size_t bytes;
	} cases[] = {
		{ "0", 1 }, { "1", 2 }, { "12", 2 }, { "123", 3 }, { "1234", 3 },
		{ "12345678901234567890123456789012345678", 20 }, { "0042", 2 }, { "100", 2 },
		{ "1010", 3 }, { "0.0000001", 2 }, { "1E125", 2 }, { "1E-100", 2 }, { "1.5", 3 },
		{ "15", 2 }, { "1.2", 3 }, { "1.200", 3 }, { "1.234", 4 }, { "3.14159", 5 },
		{ "123456", 4 }, { "100.5", 4 }, { "0.15", 2 }, { "-42", 3 }, { "-0", 1 },
	};
	struct ddb_err e = { 0 };
	struct ddb_num n;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		CHECK_EQ(ddb_num_parse(cases[i].in, strlen(cases[i].in), &n, &e), 0);
		CHECK_EQ(ddb_num_size(&n), cases[i].bytes);
	}
}

/* Every pair orders the same way by value and by encoded bytes. */
static void number_order(void)
{
	static const char *const sorted[] = {
		"-9.9999999999999999999999999999999999999E+125", "-1E125", "-100", "-12.5", "-12.34",
		"-12.3", "-12", "-1.00000000000000000000000000000000001E-10", "-1E-10", "-1E-130",
		"0", "1E-130", "1E-10", "0.12", "0.123", "0.13", "1", "1.5", "2", "10", "10.01", "11",
		"1E38", "12345678901234567890123456789012345678E80", "9.9999999999999999999999999999999999999E+125",
	};
	struct ddb_num a, b;
	struct ddb_err e = { 0 };
	uint8_t ea[DDB_NUM_ENC_MAX], eb[DDB_NUM_ENC_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(sorted); i++) {
		CHECK_EQ(ddb_num_parse(sorted[i], strlen(sorted[i]), &a, &e), 0);
		for (size_t j = 0; j < ARRAY_SIZE(sorted); j++) {
			size_t la, lb;
			int want = i < j ? -1 : i > j ? 1 : 0, c;

			CHECK_EQ(ddb_num_parse(sorted[j], strlen(sorted[j]), &b, &e), 0);
			CHECK_EQ(ddb_num_cmp(&a, &b), want);
			la = ddb_num_encode(&a, ea);
			lb = ddb_num_encode(&b, eb);
			c = str_cmp(str_from((char *)ea, la), str_from((char *)eb, lb));
			CHECK_EQ(c, want);
		}
	}
}

static void number_sum(void)
{
	static const struct {
		const char *a, *b;
		bool subtract;
		const char *sum;	/* NULL: the error */
		const char *error;
	} cases[] = {
		{ "1", "2", false, "3", NULL }, { "0.1", "0.2", false, "0.3", NULL },
		{ "1E125", "-1E125", false, "0", NULL }, { "-5", "-7", true, "2", NULL },
		{ "2", "10.5", true, "-8.5", NULL }, { "0", "-3", false, "-3", NULL },
		{ "99999999999999999999999999999999999999", "-1", false,
		  "99999999999999999999999999999999999998", NULL },
		{ "0.999", "0.001", false, "1", NULL },
		{ "1E30", "1E-30", false, NULL,
		  "Attempting to store more than 38 significant digits in a Number" },
		{ "9.9e125", "9.9e125", false, NULL,
		  "Number overflow. Attempting to store a number with magnitude larger than supported range" },
		{ "1E-130", "1.1E-130", true, NULL,
		  "Number underflow. Attempting to store a number with magnitude smaller than supported range" },
	};
	struct ddb_num a, b, s;
	struct ddb_err e = { 0 };
	struct buf out;

	buf_init(&out, 1024);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		CHECK_EQ(ddb_num_parse(cases[i].a, strlen(cases[i].a), &a, &e), 0);
		CHECK_EQ(ddb_num_parse(cases[i].b, strlen(cases[i].b), &b, &e), 0);
		buf_reset(&out);
		if (!cases[i].sum) {
			CHECK(ddb_num_add(&a, &b, cases[i].subtract, &s, &e) < 0);
			CHECK_STREQ(e.msg, cases[i].error);
			continue;
		}
		CHECK_EQ(ddb_num_add(&a, &b, cases[i].subtract, &s, &e), 0);
		ddb_num_format(&s, &out);
		CHECK_STREQ(out.p, cases[i].sum);
	}
	buf_release(&out);
}

static void base64(void)
{
	static const struct {
		const char *in;
		int len;		/* bytes decoded; -1: refused */
	} cases[] = {
		{ "", 0 }, { "AA==", 1 }, { "AAE=", 2 }, { "AAEC", 3 }, { "aGVsbG8=", 5 },
		{ "AB==", -1 }, { "AAF=", -1 }, { "A===", -1 }, { "====", -1 }, { "AA=A", -1 },
		{ "AAE", -1 }, { "AA-_", -1 }, { "AA\n=", -1 }, { " AA=", -1 },
	};
	struct buf out;

	buf_init(&out, 64);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		buf_reset(&out);
		if (cases[i].len < 0) {
			CHECK(ddb_b64_decode(cases[i].in, strlen(cases[i].in), &out) < 0);
		} else {
			CHECK_EQ(ddb_b64_decode(cases[i].in, strlen(cases[i].in), &out), 0);
			CHECK_EQ(out.len, cases[i].len);
		}
	}
	buf_reset(&out);
	CHECK_EQ(ddb_b64_decode("aGVsbG8=", 8, &out), 0);
	CHECK_STREQ(out.p, "hello");
	buf_release(&out);
}

static void reserved(void)
{
	CHECK(ddb_reserved("status", 6));
	CHECK(ddb_reserved("Status", 6));
	CHECK(ddb_reserved("ABORT", 5));
	CHECK(ddb_reserved("zone", 4));
	CHECK(ddb_reserved("name", 4));
	CHECK(!ddb_reserved("statuses", 8));
	CHECK(!ddb_reserved("Artist", 6));
	CHECK(!ddb_reserved("", 0));
	CHECK(!ddb_reserved("averyveryveryverylongattributename", 34));
}

/* Refusals of the expressions of a request, before any table is read. */
static void expression_errors(struct ddbt *t)
{
	static const struct {
		const char *op, *members, *message;
	} cases[] = {
		{ "Scan", "`FilterExpression`:``", "Invalid FilterExpression: The expression can not be empty;" },
		{ "Scan", "`FilterExpression`:`a = :v`", "Invalid FilterExpression: An expression attribute value used in expression is not defined; attribute value: :v" },
		{ "Scan", "`FilterExpression`:`#a = :v`,`ExpressionAttributeValues`:{`:v`:{`N`:`1`}}", "Invalid FilterExpression: An expression attribute name used in the document path is not defined; attribute name: #a" },
		{ "Scan", "`FilterExpression`:`a =`", "Invalid FilterExpression: Syntax error; token: \\`<EOF>\\`, near: \\`=\\`" },
		{ "Scan", "`FilterExpression`:`a`", "Invalid FilterExpression: Syntax error; token: \\`<EOF>\\`, near: \\`a\\`" },
		{ "Scan", "`FilterExpression`:`first-name = :v`,`ExpressionAttributeValues`:{`:v`:{`N`:`1`}}", "Invalid FilterExpression: Syntax error; token: \\`-\\`, near: \\`first-name\\`" },
		{ "Scan", "`FilterExpression`:`a = :v AND`,`ExpressionAttributeValues`:{`:v`:{`N`:`1`}}", "Invalid FilterExpression: Syntax error; token: \\`<EOF>\\`, near: \\`AND\\`" },
		{ "Scan", "`FilterExpression`:`((a = :v))`,`ExpressionAttributeValues`:{`:v`:{`N`:`1`}}", "Invalid FilterExpression: The expression has redundant parentheses;" },
		{ "Scan", "`FilterExpression`:`status = :v`,`ExpressionAttributeValues`:{`:v`:{`N`:`1`}}", "Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: status" },
		{ "Scan", "`FilterExpression`:`a.Name = :v`,`ExpressionAttributeValues`:{`:v`:{`N`:`1`}}", "Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: Name" },
		{ "Scan", "`FilterExpression`:`frob(a)`", "Invalid FilterExpression: Invalid function name; function: frob" },
		{ "Scan", "`FilterExpression`:`size(a)`", "Invalid FilterExpression: The function is not allowed to be used this way in an expression; function: size" },
		{ "Scan", "`FilterExpression`:`attribute_exists(a) = :v`,`ExpressionAttributeValues`:{`:v`:{`N`:`1`}}", "Invalid FilterExpression: The function is not allowed to be used this way in an expression; function: attribute_exists" },
		{ "Scan", "`FilterExpression`:`begins_with(a)`", "Invalid FilterExpression: Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1" },
		{ "Scan", "`FilterExpression`:`begins_with(a, :v)`,`ExpressionAttributeValues`:{`:v`:{`N`:`1`}}", "Invalid FilterExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N" },
		{ "Scan", "`FilterExpression`:`attribute_exists(:v)`,`ExpressionAttributeValues`:{`:v`:{`N`:`1`}}", "Invalid FilterExpression: Operator or function requires a document path; operator or function: attribute_exists" },
		{ "Scan", "`FilterExpression`:`attribute_type(a, :v)`,`ExpressionAttributeValues`:{`:v`:{`S`:`X`}}", "Invalid FilterExpression: Invalid attribute type name found; type: X, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}" },
		{ "Scan", "`FilterExpression`:`attribute_type(a, :v)`,`ExpressionAttributeValues`:{`:v`:{`N`:`1`}}", "Invalid FilterExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N" },
		{ "Scan", "`FilterExpression`:`size(:v) > :v`,`ExpressionAttributeValues`:{`:v`:{`N`:`1`}}", "Invalid FilterExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N" },
		{ "Scan", "`FilterExpression`:`contains(#a, #a)`,`ExpressionAttributeNames`:{`#a`:`data`}", "Invalid FilterExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [data]" },
		{ "Scan", "`FilterExpression`:`a.b[1] = a.b[1]`", "Invalid FilterExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a, b, [1]]" },
		{ "Scan", "`FilterExpression`:`a BETWEEN :b AND :a`,`ExpressionAttributeValues`:{`:a`:{`N`:`1`},`:b`:{`N`:`5`}}", "Invalid FilterExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}" },
		{ "Scan", "`FilterExpression`:`a BETWEEN :b AND :a`,`ExpressionAttributeValues`:{`:a`:{`N`:`1`},`:b`:{`S`:`5`}}", "Invalid FilterExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {S:5}, upper bound operand: AttributeValue: {N:1}" },
		{ "Scan", "`FilterExpression`:`a = :v`,`ExpressionAttributeValues`:{`:v`:{`N`:`1`},`:w`:{`N`:`2`}}", "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}" },
		{ "Scan", "`FilterExpression`:`a = :v`,`ExpressionAttributeNames`:{`#x`:`x`,`#y`:`y`},`ExpressionAttributeValues`:{`:v`:{`N`:`1`}}", "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x, #y}" },
		{ "Scan", "`ExpressionAttributeNames`:{`#x`:`x`}", "ExpressionAttributeNames can only be specified when using expressions" },
		{ "Scan", "`ExpressionAttributeValues`:{`:x`:{`N`:`1`}}", "ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null" },
		{ "Scan", "`FilterExpression`:`a = :v`,`ExpressionAttributeValues`:{}", "ExpressionAttributeValues must not be empty" },
		{ "Scan", "`FilterExpression`:`a = :v`,`ExpressionAttributeValues`:{`v`:{`N`:`1`}}", "ExpressionAttributeValues contains invalid key: Syntax error; key: \\`v\\`" },
		{ "Scan", "`FilterExpression`:`a = :v`,`ExpressionAttributeValues`:{`:v`:{`N`:`x`}}", "ExpressionAttributeValues contains invalid value: The parameter cannot be converted to a numeric value: x for key :v" },
		{ "Scan", "`FilterExpression`:`#a = :v`,`ExpressionAttributeNames`:{`#a-b`:`x`}", "ExpressionAttributeNames contains invalid key: Syntax error; key: \\`#a-b\\`" },
		{ "Scan", "`FilterExpression`:`#a = :v`,`ExpressionAttributeNames`:{`#a`:`x\\u0000y`},`ExpressionAttributeValues`:{`:v`:{`N`:`1`}}", "ExpressionAttributeNames contains invalid value: An attribute name cannot contain a NUL character for key #a" },
		{ "Scan", "`ScanFilter`:{}", "The legacy parameter ScanFilter is not supported by this DynamoDB; use FilterExpression" },
		{ "Scan", "`ProjectionExpression`:`a, b.c, a`", "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]" },
		{ "Scan", "`ProjectionExpression`:`a[0], a.b`", "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [0]], path two: [a, b]" },
		{ "Scan", "`ProjectionExpression`:`a,`", "Invalid ProjectionExpression: Syntax error; token: \\`<EOF>\\`, near: \\`,\\`" },
		{ "GetItem", "`Key`:{`a`:{`S`:`b`}},`ProjectionExpression`:`!!! INVALID !!!`", "Invalid ProjectionExpression: Syntax error; token: \\`!\\`, near: \\`!!\\`" },
		{ "UpdateItem", "`Key`:{`a`:{`S`:`b`}},`UpdateExpression`:`INVALID SYNTAX HERE`", "Invalid UpdateExpression: Syntax error; token: \\`INVALID\\`, near: \\`INVALID SYNTAX\\`" },
		{ "UpdateItem", "`Key`:{`a`:{`S`:`b`}},`UpdateExpression`:`ADD hits : incr`,`ExpressionAttributeValues`:{`:incr`:{`N`:`1`}}", "Invalid UpdateExpression: Syntax error; token: \\`:\\`, near: \\`hits : incr\\`" },
		{ "UpdateItem", "`Key`:{`a`:{`S`:`b`}},`UpdateExpression`:`SET a = :v`", "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v" },
		{ "UpdateItem", "`Key`:{`a`:{`S`:`b`}},`UpdateExpression`:`SET a = :v SET b = :v`,`ExpressionAttributeValues`:{`:v`:{`N`:`1`}}", "Invalid UpdateExpression: The \\`SET\\` section can only be used once in an update expression;" },
		{ "UpdateItem", "`Key`:{`a`:{`S`:`b`}},`UpdateExpression`:`SET a = :v, a.b = :v`,`ExpressionAttributeValues`:{`:v`:{`N`:`1`}}", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]" },
		{ "UpdateItem", "`Key`:{`a`:{`S`:`b`}},`UpdateExpression`:`ADD a :v`,`ExpressionAttributeValues`:{`:v`:{`S`:`1`}}", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING" },
		{ "UpdateItem", "`Key`:{`a`:{`S`:`b`}},`UpdateExpression`:`DELETE a :v`,`ExpressionAttributeValues`:{`:v`:{`N`:`1`}}", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER" },
		{ "UpdateItem", "`Key`:{`a`:{`S`:`b`}},`UpdateExpression`:`SET a = :v + :w`,`ExpressionAttributeValues`:{`:v`:{`S`:`1`},`:w`:{`N`:`1`}}", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S" },
		{ "UpdateItem", "`Key`:{`a`:{`S`:`b`}},`UpdateExpression`:`SET a = if_not_exists(:v, b)`,`ExpressionAttributeValues`:{`:v`:{`N`:`1`}}", "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists" },
		{ "UpdateItem", "`Key`:{`a`:{`S`:`b`}},`UpdateExpression`:`SET a = list_append(b, :v)`,`ExpressionAttributeValues`:{`:v`:{`N`:`1`}}", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: N" },
		{ "UpdateItem", "`Key`:{`a`:{`S`:`b`}},`UpdateExpression`:`SET a = size(b)`", "Invalid UpdateExpression: Invalid function name; function: size" },
		{ "UpdateItem", "`Key`:{`a`:{`S`:`b`}},`UpdateExpression`:`SET a = if_not_exists(b)`", "Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1" },
		{ "UpdateItem", "`Key`:{`a`:{`S`:`b`}},`UpdateExpression`:`REMOVE size`", "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: size" },
		{ "UpdateItem", "`Key`:{`a`:{`S`:`b`}},`UpdateExpression`:`SET a = :v`,`AttributeUpdates`:{},`ExpressionAttributeValues`:{`:v`:{`N`:`1`}}", "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}" },
		{ "UpdateItem", "`Key`:{`a`:{`S`:`b`}},`ExpressionAttributeValues`:{`:v`:{`N`:`1`}}", "ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null" },
		{ "PutItem", "`Item`:{`a`:{`S`:`b`}},`ConditionExpression`:`a IN (:v)`", "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v" },
		{ "DeleteItem", "`Key`:{`a`:{`S`:`b`}},`ConditionExpression`:`NOT`", "Invalid ConditionExpression: Syntax error; token: \\`<EOF>\\`, near: \\`NOT\\`" },
	};
	char body[2048], want[2048];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(body, sizeof(body), "{`TableName`:`Anything`,%s}", cases[i].members);
		snprintf(want, sizeof(want), DDB_VERR("%s"), cases[i].message);
		DDB_EXPECT(t, cases[i].op, body, want);
	}
}

static void expression_limits(struct ddbt *t)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	buf_adds(&b, "{`TableName`:`Anything`,`FilterExpression`:`a IN (:v");
	for (int i = 0; i < LIMIT_DDB_IN_OPERANDS; i++)
		buf_adds(&b, ",:v");
	buf_adds(&b, ")`,`ExpressionAttributeValues`:{`:v`:{`N`:`1`}}}");
	DDB_EXPECT(t, "Scan", b.p, DDB_VERR("Invalid FilterExpression: The IN operator is provided with "
					    "too many operands; number of operands: 101"));
	buf_reset(&b);
	buf_adds(&b, "{`TableName`:`Anything`,`ProjectionExpression`:`a");
	for (int i = 0; i < LIMIT_DDB_EXPR_BYTES / 2; i++)
		buf_adds(&b, ",a");
	buf_adds(&b, "`}");
	DDB_EXPECT(t, "Scan", b.p, DDB_VERR("Invalid ProjectionExpression: Expression size has exceeded "
					    "the maximum allowed size; expression size: 4097"));
	buf_reset(&b);
	buf_adds(&b, "{`TableName`:`Anything`,`FilterExpression`:`");
	for (int i = 0; i < LIMIT_DDB_EXPR_NESTING + 1; i++)
		buf_adds(&b, "NOT ");
	buf_adds(&b, "attribute_exists(a)`}");
	DDB_EXPECT(t, "Scan", b.p, DDB_VERR("Invalid FilterExpression: The expression is too complex;"));
	buf_release(&b);
}

#define FILTER_ITEM                                                                            \
	"{`TableName`:`Things`,`Item`:{`pk`:{`S`:`x`},`s`:{`S`:`h\\u00e9llo`},`n`:{`N`:`42`},"  \
	"`b`:{`B`:`AAECAw==`},`t`:{`BOOL`:true},`z`:{`NULL`:true},`ss`:{`SS`:[`a`,`b`]},"        \
	"`ns`:{`NS`:[`1`,`2.5`]},`bs`:{`BS`:[`AQ==`]},`l`:{`L`:[{`S`:`a`},{`N`:`1`},"             \
	"{`M`:{`k`:{`S`:`v`}}}]},`m`:{`M`:{`k`:{`S`:`v`},`deep`:{`L`:[{`N`:`7`}]}}}}}"

/* True when the value key 'key' appears in 'expr' as a whole token. */
static bool names_value(const char *expr, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = strstr(expr, key); p; p = strstr(p + 1, key)) {
		char next = p[n];

		if (!((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') ||
		      (next >= '0' && next <= '9') || next == '_'))
			return true;
	}
	return false;
}

/* Appends 'v' as JSON with its quotes as backquotes, as the fixture wants requests. */
static void dump_backquoted(const json_t *v, struct buf *out)
{
	char *text = json_dumps(v, JSON_COMPACT);

	for (const char *p = text; p && *p; p++)
		buf_addc(out, *p == '"' ? '`' : *p);
	free(text);
}

/* What each condition selects from one item holding every type: 1 or 0. */
static void condition_semantics(struct ddbt *t)
{
	static const struct {
		const char *filter;
		int count;
	} cases[] = {
		{ "n = :n42", 1 }, { "n <> :n42", 0 }, { "n < :n43", 1 }, { "n <= :n42", 1 },
		{ "n > :n42", 0 }, { "n >= :n42", 1 }, { "n = :s42", 0 }, { "n <> :s42", 1 },
		{ "n < :s42", 0 }, { "absent = :n42", 0 }, { "absent <> :n42", 1 },
		{ "absent < :n42", 0 }, { "n BETWEEN :n1 AND :n43", 1 }, { "n BETWEEN :n43 AND :n44", 0 },
		{ "s BETWEEN :sa AND :sz", 1 }, { "n IN (:n1, :n42)", 1 }, { "n IN (:n1, :s42)", 0 },
		{ "attribute_exists(m.k)", 1 }, { "attribute_exists(m.nope)", 0 },
		{ "attribute_exists(l[2].k)", 1 }, { "attribute_exists(l[3])", 0 },
		{ "attribute_not_exists(absent)", 1 }, { "attribute_not_exists(n)", 0 },
		{ "attribute_type(n, :tN)", 1 }, { "attribute_type(n, :tS)", 0 },
		{ "attribute_type(ss, :tSS)", 1 }, { "attribute_type(z, :tNULL)", 1 },
		{ "begins_with(s, :sh)", 1 }, { "begins_with(s, :sa)", 0 }, { "begins_with(b, :b01)", 1 },
		{ "contains(s, :sll)", 1 }, { "contains(s, :sz)", 0 }, { "contains(ss, :sa)", 1 },
		{ "contains(ss, :sz)", 0 }, { "contains(ns, :n25)", 1 }, { "contains(bs, :b1)", 1 },
		{ "contains(l, :sa)", 1 }, { "contains(l, :n1)", 1 }, { "contains(l, :n42)", 0 },
		{ "contains(b, :b12)", 1 }, { "contains(n, :n42)", 0 },
		{ "size(s) = :n5", 1 }, { "size(b) = :n4", 1 }, { "size(ss) = :n2", 1 },
		{ "size(l) = :n3", 1 }, { "size(m) = :n2", 1 }, { "size(n) = :n2", 0 },
		{ "size(absent) = :n0", 0 }, { "m.deep[0] = :n7", 1 }, { "l[1] = :n1", 1 },
		{ "ss = :ssba", 1 }, { "ns = :ns", 1 }, { "l = :l", 0 }, { "m.k = :v", 1 },
		{ "t = :true", 1 }, { "z = :null", 1 },
		{ "NOT n = :n42", 0 }, { "n = :n1 OR n = :n42", 1 }, { "n = :n1 OR n = :n43", 0 },
		{ "n = :n42 AND s = :sa", 0 }, { "(n = :n1 OR n = :n42) AND t = :true", 1 },
		{ "n = :n1 OR n = :n42 AND t = :true", 1 }, { "NOT (n = :n1 OR n = :n43)", 1 },
		{ "n = :n1 OR n = :n43 AND t = :true", 0 },
	};
	static const char *const values =
		"{`:n0`:{`N`:`0`},`:n1`:{`N`:`1`},`:n2`:{`N`:`2`},`:n3`:{`N`:`3`},`:n4`:{`N`:`4`},"
		"`:n5`:{`N`:`5`},`:n7`:{`N`:`7`},`:n25`:{`N`:`2.50`},`:n42`:{`N`:`42.0`},"
		"`:n43`:{`N`:`43`},`:n44`:{`N`:`44`},`:s42`:{`S`:`42`},`:sa`:{`S`:`a`},`:sz`:{`S`:`z`},"
		"`:sh`:{`S`:`h\\u00e9`},`:sll`:{`S`:`ll`},`:tN`:{`S`:`N`},`:tS`:{`S`:`S`},`:tSS`:"
		"{`S`:`SS`},`:tNULL`:{`S`:`NULL`},`:b01`:{`B`:`AAE=`},`:b1`:{`B`:`AQ==`},`:b12`:"
		"{`B`:`AQI=`},`:ssba`:{`SS`:[`b`,`a`]},`:ns`:{`NS`:[`2.5`,`1`]},`:l`:{`L`:[{`S`:`a`}]},"
		"`:v`:{`S`:`v`},`:true`:{`BOOL`:true},`:null`:{`NULL`:true}}";
	struct buf body, want, used;

	buf_init(&body, 1 << 16);
	buf_init(&want, 256);
	buf_init(&used, 1 << 16);
	ddbt_ok(t, "CreateTable", "{`TableName`:`Things`,`AttributeDefinitions`:[{`AttributeName`:`pk`,"
		"`AttributeType`:`S`}],`KeySchema`:[{`AttributeName`:`pk`,`KeyType`:`HASH`}],"
		"`BillingMode`:`PAY_PER_REQUEST`}");
	ddbt_ok(t, "PutItem", FILTER_ITEM);
	ddbt_swap_quotes(&used, values, strlen(values), '`', '"');
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		json_t *all = json_loads(used.p, 0, NULL), *vals = json_object();
		const char *key;
		json_t *v;

		/* Only the values this filter names, lest the others go unused. */
		json_object_foreach(all, key, v)
			if (names_value(cases[i].filter, key))
				json_object_set(vals, key, v);
		buf_reset(&body);
		buf_addf(&body, "{`TableName`:`Things`,`Select`:`COUNT`,`FilterExpression`:`%s`",
			 cases[i].filter);
		if (json_object_size(vals)) {
			buf_adds(&body, ",`ExpressionAttributeValues`:");
			dump_backquoted(vals, &body);
		}
		buf_addc(&body, '}');
		buf_reset(&want);
		buf_addf(&want, "{`Count`:%d,`ScannedCount`:1}", cases[i].count);
		DDB_EXPECT(t, "Scan", body.p, want.p);
		json_decref(all);
		json_decref(vals);
	}
	ddbt_ok(t, "DeleteTable", "{`TableName`:`Things`}");
	buf_release(&body);
	buf_release(&want);
	buf_release(&used);
}

void test_svc_ddb_expr(void)
{
	struct ddbt t;

	number_form();
	number_size();
	number_order();
	number_sum();
	base64();
	reserved();
	ddbt_init(&t);
	expression_errors(&t);
	expression_limits(&t);
	condition_semantics(&t);
	ddbt_release(&t);
}
