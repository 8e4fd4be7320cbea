/* SPDX-License-Identifier: MIT */
/* core/iam.h: ID formats, name and path rules, the operations' refusals, and callers. */
#include "compat.h"
#include "check.h"
#include "world_fixture.h"

#include "core/iam.h"
#include "policy/policy.h"
#include "store/codec.h"

void test_core_iam(void);

static void test_formats(struct fixture *f)
{
	char id[ID_SIZE], secret[IAM_SECRET_SIZE];

	iam_new_id(&f->cx, "AIDA", IAM_UNIQUE_ID_CHARS, id);
	CHECK(iam_id_valid(id, "AIDA", 17));
	CHECK_EQ(strlen(id), 21);
	CHECK(!iam_id_valid(id, "AIDA", 16));
	CHECK(!iam_id_valid("AIDAabcdefghijklmnopq", "AIDA", 17));
	CHECK(!iam_id_valid("AKIA0123456789ABCDEF", "AIDA", 16));
	CHECK(iam_id_valid("AKIA0123456789ABCDEF", "AKIA", 16));
	iam_new_secret(&f->cx, secret, IAM_SECRET_CHARS);
	CHECK_EQ(strlen(secret), 40);
	CHECK_EQ(strspn(secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
		 40);
}

static void test_rules(struct fixture *f)
{
	char acct[ACCOUNT_SIZE], path[LIMIT_IAM_PATH_CHARS + 1], name[IAM_NAME_SIZE];
	char long_name[70];

	CHECK_EQ(iam_check_name("bob.smith+ops@example=1,2_-", "userName", 64, &f->e), 0);
	CHECK(iam_check_name("bad name", "userName", 64, &f->e) < 0);
	CHECK_STREQ(f->e.code, "ValidationError");
	CHECK_STREQ(f->e.msg, "1 validation error detected: Value 'bad name' at 'userName' "
			      "failed to satisfy constraint: Member must satisfy regular "
			      "expression pattern: [\\w+=,.@-]+");
	memset(long_name, 'a', 65);
	long_name[65] = '\0';
	CHECK(iam_check_name(long_name, "roleName", 64, &f->e) < 0);
	CHECK(strstr(f->e.msg, "less than or equal to 64") != NULL);
	CHECK(iam_check_name("", "userName", 64, &f->e) < 0);
	CHECK_EQ(iam_check_path("/", "path", false, &f->e), 0);
	CHECK_EQ(iam_check_path("/a/b~c/", "path", false, &f->e), 0);
	CHECK(iam_check_path("/a/b~c/", "path", true, &f->e) < 0);
	CHECK(iam_check_path("/a//b/", "path", true, &f->e) < 0);
	CHECK(iam_check_path("a/", "path", false, &f->e) < 0);
	CHECK(iam_check_path("//", "path", false, &f->e) < 0);
	CHECK(iam_check_path("//", "path", true, &f->e) < 0);
	CHECK_EQ(iam_check_path("///", "path", false, &f->e), 0);
	CHECK(iam_check_path("/a//", "path", true, &f->e) < 0);
	CHECK(iam_check_path("/a", "path", false, &f->e) < 0);
	CHECK(iam_check_path("/a b/", "path", false, &f->e) < 0);
	CHECK(iam_path_prefix_valid("/eng"));
	CHECK(!iam_path_prefix_valid("eng/"));
	CHECK_EQ(iam_doc_chars("{ \"a\" :\n\t\"b c\" }"), 10);
	CHECK(iam_arn_split("arn:aws:iam::111122223333:role/a/b/R", "role", acct, path, name));
	CHECK_STREQ(acct, "111122223333");
	CHECK_STREQ(path, "/a/b/");
	CHECK_STREQ(name, "R");
	CHECK(iam_arn_split("arn:aws:iam::111122223333:policy/P", "policy", acct, path, name));
	CHECK_STREQ(path, "/");
	CHECK(!iam_arn_split("arn:aws:iam::111122223333:role/R", "policy", acct, path, name));
	CHECK(!iam_arn_split("arn:aws:iam::11112222333:role/R", "role", acct, path, name));
	CHECK(!iam_arn_split("arn:aws:iam::111122223333:role/", "role", acct, path, name));
	CHECK(!iam_arn_split("arn:aws:sts::111122223333:role/R", "role", acct, path, name));
}

static void test_users_and_keys(struct fixture *f)
{
	struct iam_key *k1 = NULL, *k2 = NULL, *k3 = NULL, *keys[2];
	struct iam_user *u = NULL, *other = NULL;
	char arn[IAM_ARN_SIZE];

	CHECK_EQ(iam_user_create(&f->w, &f->cx, "Bob", "/eng/", &u, &f->e), 0);
	CHECK(iam_id_valid(u->res.id, "AIDA", 17));
	iam_arn(&u->res, arn);
	CHECK_STREQ(arn, "arn:aws:iam::111122223333:user/eng/Bob");
	CHECK(iam_user_create(&f->w, &f->cx, "bob", NULL, &other, &f->e) < 0);
	CHECK_STREQ(f->e.code, "EntityAlreadyExists");
	CHECK_STREQ(f->e.msg, "User with name bob already exists.");
	CHECK(iam_user_lookup(&f->w, &f->cx, "BOB", &f->e) == u);
	/* Another account has its own names. */
	f->cx.account = "444455556666";
	CHECK(iam_user_lookup(&f->w, &f->cx, "bob", &f->e) == NULL);
	CHECK_STREQ(f->e.msg, "The user with name bob cannot be found.");
	CHECK_EQ(iam_user_create(&f->w, &f->cx, "bob", NULL, &other, &f->e), 0);
	f->cx.account = "111122223333";

	CHECK_EQ(iam_key_create(&f->w, &f->cx, u, &k1, &f->e), 0);
	CHECK_EQ(iam_key_create(&f->w, &f->cx, u, &k2, &f->e), 0);
	CHECK(iam_id_valid(k1->res.id, "AKIA", 16));
	CHECK(iam_key_create(&f->w, &f->cx, u, &k3, &f->e) < 0);
	CHECK_STREQ(f->e.msg, "Cannot exceed quota for AccessKeysPerUser: 2");
	CHECK_EQ(iam_user_keys(&f->w, u, keys), 2);
	CHECK(iam_user_delete(&f->w, &f->cx, "bob", &f->e) < 0);
	CHECK_STREQ(f->e.msg, "Cannot delete entity, must delete access keys first.");
	CHECK(iam_key_delete(&f->w, &f->cx, other, k1->res.id, &f->e) < 0);
	CHECK_STREQ(f->e.code, "NoSuchEntity");
	CHECK_EQ(iam_key_delete(&f->w, &f->cx, u, k1->res.id, &f->e), 0);
	CHECK_EQ(iam_key_delete(&f->w, &f->cx, u, k2->res.id, &f->e), 0);
	CHECK_EQ(iam_user_delete(&f->w, &f->cx, "BOB", &f->e), 0);
	CHECK(world_get_named(&f->w, RES_IAM_USER, "111122223333", "bob") == NULL);
}

#define DOC_S3 "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"," \
	       "\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"
#define DOC_EC2 "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"," \
		"\"Action\":\"ec2:*\",\"Resource\":\"*\"}]}"
#define TRUST "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"," \
	      "\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"sts:AssumeRole\"}]}"

static void test_policies(struct fixture *f)
{
	struct iam_user *u = NULL;
	struct iam_policy *m = NULL, *dup = NULL;
	char arn[IAM_ARN_SIZE], big[LIMIT_IAM_USER_INLINE_CHARS + 100];

	CHECK_EQ(iam_user_create(&f->w, &f->cx, "alice", NULL, &u, &f->e), 0);
	CHECK_EQ(iam_inline_put(&f->w, &u->res, "s3", DOC_S3, &f->e), 0);
	CHECK_EQ(iam_inline_put(&f->w, &u->res, "s3", DOC_EC2, &f->e), 0);
	CHECK_EQ(u->p.n_inline, 1);
	CHECK_STREQ(iam_inline_get(&u->res, "s3")->doc, DOC_EC2);
	memset(big, ' ', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memset(big, 'x', LIMIT_IAM_USER_INLINE_CHARS);
	CHECK(iam_inline_put(&f->w, &u->res, "big", big, &f->e) < 0);
	CHECK_STREQ(f->e.msg, "Maximum policy size of 2048 bytes exceeded for user alice");
	CHECK(iam_inline_delete(&f->w, &u->res, "nope", &f->e) < 0);
	CHECK_STREQ(f->e.msg, "The user policy with name nope cannot be found.");

	CHECK_EQ(iam_policy_create(&f->w, &f->cx, "read", "/t/", DOC_S3, NULL, &m, &f->e), 0);
	CHECK(iam_id_valid(m->res.id, "ANPA", 17));
	CHECK(iam_policy_create(&f->w, &f->cx, "READ", NULL, DOC_S3, NULL, &dup, &f->e) < 0);
	CHECK_STREQ(f->e.code, "EntityAlreadyExists");
	iam_arn(&m->res, arn);
	CHECK_STREQ(arn, "arn:aws:iam::111122223333:policy/t/read");
	CHECK(iam_policy_find(&f->w, "arn:aws:iam::111122223333:policy/read") == NULL);
	CHECK(iam_policy_find(&f->w, arn) == m);
	CHECK_EQ(iam_attach(&f->w, &f->cx, &u->res, arn, &f->e), 0);
	CHECK_EQ(iam_attach(&f->w, &f->cx, &u->res, arn, &f->e), 0);
	CHECK_EQ(m->attachments, 1);
	CHECK(iam_policy_delete(&f->w, &f->cx, arn, &f->e) < 0);
	CHECK_STREQ(f->e.msg, "Cannot delete a policy attached to entities.");
	/* Another account can neither attach nor delete it. */
	f->cx.account = "444455556666";
	CHECK(iam_policy_delete(&f->w, &f->cx, arn, &f->e) < 0);
	CHECK_STREQ(f->e.code, "NoSuchEntity");
	f->cx.account = "111122223333";
	CHECK(iam_user_delete(&f->w, &f->cx, "alice", &f->e) < 0);
	CHECK_STREQ(f->e.msg, "Cannot delete entity, must delete policies first.");
}

static void test_callers(struct fixture *f)
{
	static const struct iam_identity ids[] = {
		{ "test", "test", "000000000000", "arn:aws:iam::000000000000:root" },
		{ "AKIAFILEUSER", "s", "111122223333", "arn:aws:iam::111122223333:user/ops" },
	};
	static const struct iam_account accounts[] = { { "111122223333", "o-abc123def4" } };
	struct iam_dir dir = { ids, 2, accounts, 1 };
	struct iam_role_req rq = { .name = "Reader", .trust = TRUST };
	struct iam_user *u = NULL;
	struct iam_role *o = NULL;
	struct iam_key *k = NULL;
	struct sts_session *s = NULL;
	struct iam_policy *m = NULL;
	struct iam_caller who;
	char arn[IAM_ARN_SIZE];

	CHECK_EQ(iam_caller(&f->w, &dir, str_c("test"), STR_EMPTY, f->cx.now_ms, &who), 0);
	CHECK_EQ(who.type, IAM_PRINCIPAL_ACCOUNT);
	CHECK_STREQ(who.user_id, "000000000000");
	CHECK(who.unrestricted);
	CHECK_EQ(who.n_policies, 0);
	CHECK_STREQ(who.org_id, "");
	CHECK_EQ(iam_caller(&f->w, &dir, str_c("AKIAFILEUSER"), STR_EMPTY, 0, &who), 0);
	CHECK_EQ(who.type, IAM_PRINCIPAL_USER);
	CHECK_STREQ(who.org_id, "o-abc123def4");
	CHECK_STREQ(iam_principal_type_name(who.type), "User");
	CHECK_EQ(iam_caller(&f->w, &dir, str_c("AKIANOPE"), STR_EMPTY, 0, &who), -ENOENT);
	CHECK_EQ(iam_caller(&f->w, &dir, str_c("test"), str_c("tok"), 0, &who), -EKEYREJECTED);

	/* A user: inline policies first, then attached ones. */
	CHECK_EQ(iam_user_create(&f->w, &f->cx, "carol", "/x/", &u, &f->e), 0);
	CHECK_EQ(iam_key_create(&f->w, &f->cx, u, &k, &f->e), 0);
	CHECK_EQ(iam_inline_put(&f->w, &u->res, "ec2", DOC_EC2, &f->e), 0);
	CHECK_EQ(iam_policy_create(&f->w, &f->cx, "s3", NULL, DOC_S3, NULL, &m, &f->e), 0);
	iam_arn(&m->res, arn);
	CHECK_EQ(iam_attach(&f->w, &f->cx, &u->res, arn, &f->e), 0);
	CHECK_STREQ(iam_secret(&f->w, &dir, str_c(k->res.id)), k->secret);
	CHECK_EQ(iam_caller(&f->w, &dir, str_c(k->res.id), STR_EMPTY, 0, &who), 0);
	CHECK_STREQ(who.arn, "arn:aws:iam::111122223333:user/x/carol");
	CHECK_STREQ(who.user_id, u->res.id);
	CHECK(!who.unrestricted);
	CHECK(who.user == u);
	CHECK_EQ(who.n_policies, 2);
	CHECK_STREQ(who.policies[0], DOC_EC2);
	CHECK_STREQ(who.policies[1], DOC_S3);
	CHECK_STREQ(who.org_id, "o-abc123def4");

	/* A session: the role's policies, its assumed-role ARN, until it expires. */
	CHECK_EQ(iam_role_create(&f->w, &f->cx, &rq, &o, &f->e), 0);
	CHECK(iam_id_valid(o->res.id, "AROA", 17));
	CHECK_EQ(iam_inline_put(&f->w, &o->res, "s3", DOC_S3, &f->e), 0);
	CHECK_EQ(sts_session_create(&f->w, &f->cx, o, "sess", 900, &s, &f->e), 0);
	CHECK(iam_id_valid(s->res.id, "ASIA", 16));
	CHECK_EQ(strlen(s->token), IAM_TOKEN_CHARS);
	CHECK_EQ(iam_caller(&f->w, &dir, str_c(s->res.id), str_c(s->token), f->cx.now_ms, &who),
		 0);
	CHECK_STREQ(who.arn, "arn:aws:sts::111122223333:assumed-role/Reader/sess");
	CHECK_EQ(who.type, IAM_PRINCIPAL_ASSUMED_ROLE);
	CHECK(who.role == o);
	CHECK_EQ(who.n_policies, 1);
	CHECK(!strncmp(who.user_id, o->res.id, strlen(o->res.id)));
	CHECK_STREQ(who.user_id + strlen(o->res.id), ":sess");
	/* By ARN, as vpce explain asks: the user's, the role's, the session's role's. */
	CHECK_EQ(iam_principal_policies(&f->w, "arn:aws:iam::111122223333:user/x/carol", &who), 0);
	CHECK_EQ(who.n_policies, 2);
	CHECK_STREQ(who.policies[1], DOC_S3);
	CHECK_EQ(iam_principal_policies(&f->w, "arn:aws:iam::111122223333:user/CAROL", &who), 0);
	CHECK_EQ(iam_principal_policies(&f->w, "arn:aws:iam::111122223333:role/Reader", &who), 0);
	CHECK_EQ(who.n_policies, 1);
	CHECK_EQ(iam_principal_policies(&f->w, "arn:aws:sts::111122223333:assumed-role/Reader/any",
					&who), 0);
	CHECK_STREQ(who.policies[0], DOC_S3);
	CHECK_EQ(iam_principal_policies(&f->w, "arn:aws:iam::444455556666:user/carol", &who), -ENOENT);
	CHECK_EQ(iam_principal_policies(&f->w, "arn:aws:iam::111122223333:root", &who), -ENOENT);
	CHECK_EQ(iam_principal_policies(&f->w, "arn:aws:sts::111122223333:assumed-role/Reader", &who),
		 -ENOENT);
	CHECK_EQ(iam_principal_policies(&f->w, "arn:aws:sts::1:assumed-role/Reader/x", &who), -ENOENT);
	CHECK_EQ(iam_caller(&f->w, &dir, str_c(s->res.id), STR_EMPTY, f->cx.now_ms, &who),
		 -EKEYREJECTED);
	CHECK_EQ(iam_caller(&f->w, &dir, str_c(s->res.id), str_c("x"), f->cx.now_ms, &who),
		 -EKEYREJECTED);
	CHECK_EQ(iam_caller(&f->w, &dir, str_c(s->res.id), str_c(s->token),
			    f->cx.now_ms + 900 * 1000, &who), -EKEYEXPIRED);
	CHECK(!sts_session_gone(s, f->cx.now_ms + 900 * 1000));
	str_lcpy(arn, s->res.id, sizeof(arn));
	CHECK_EQ(world_sweep(&f->w, f->cx.now_ms + 900 * 1000 + STS_EXPIRED_KEEP_MS), 1);
	CHECK(world_find(&f->w, arn) == NULL);
	/* Deleting a role ends its sessions. */
	CHECK_EQ(sts_session_create(&f->w, &f->cx, o, "two", 900, &s, &f->e), 0);
	CHECK(iam_role_delete(&f->w, &f->cx, "reader", &f->e) < 0);
	CHECK_EQ(iam_inline_delete(&f->w, &o->res, "s3", &f->e), 0);
	CHECK_EQ(f->w.n[RES_STS_SESSION], 1);
	CHECK_EQ(iam_role_delete(&f->w, &f->cx, "reader", &f->e), 0);
	CHECK_EQ(f->w.n[RES_STS_SESSION], 0);
}

/* Every IAM kind survives the store's codec, and the name index follows a reload. */
static void test_codec(struct fixture *f)
{
	struct iam_role_req rq = { .name = "R", .trust = TRUST, .description = "d" };
	struct iam_user *u = NULL;
	struct iam_role *o = NULL;
	struct iam_key *k = NULL;
	struct sts_session *s = NULL;
	struct world w2;
	struct res *r;

	CHECK_EQ(iam_user_create(&f->w, &f->cx, "u", "/p/", &u, &f->e), 0);
	CHECK_EQ(iam_inline_put(&f->w, &u->res, "i", DOC_S3, &f->e), 0);
	CHECK_EQ(iam_key_create(&f->w, &f->cx, u, &k, &f->e), 0);
	CHECK_EQ(iam_role_create(&f->w, &f->cx, &rq, &o, &f->e), 0);
	CHECK_EQ(sts_session_create(&f->w, &f->cx, o, "s", 3600, &s, &f->e), 0);
	world_init(&w2);
	for (int kind = RES_IAM_USER; kind <= RES_STS_SESSION; kind++) {
		WORLD_FOR_EACH(&f->w, kind, r) {
			char *doc = codec_encode(r), *again;
			struct res *back;

			CHECK(doc != NULL);
			if (!doc)
				continue;
			back = codec_decode(r->kind, r->id, doc, strlen(doc), &f->e);
			CHECK(back != NULL);
			if (!back) {
				free(doc);
				continue;
			}
			again = codec_encode(back);
			CHECK_STREQ(again, doc);
			world_insert(&w2, back);
			free(doc);
			free(again);
		}
	}
	r = world_get_named(&w2, RES_IAM_ROLE, "111122223333", "r");
	CHECK(r != NULL);
	if (r) {
		CHECK_STREQ(AS_IAM_ROLE(r)->description, "d");
		CHECK_EQ(AS_IAM_ROLE(r)->max_session_s, 3600);
	}
	CHECK(world_get_named(&w2, RES_IAM_USER, "111122223333", "U") != NULL);
	world_release(&w2);
}

/* Trust policies: principals required, no Resource, STS actions only. */
static void test_trust_type(void)
{
	struct pol_problems probs = { 0 };
	struct policy *p = NULL;
	const char *with_resource = "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
				    "\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}]}";
	const char *s3 = "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
			 "\"Action\":\"s3:GetObject\"}]}";
	const char *no_principal = "{\"Statement\":[{\"Effect\":\"Allow\","
				   "\"Action\":\"sts:AssumeRole\"}]}";

	CHECK_EQ(pol_type_parse("trust"), POL_TYPE_TRUST);
	CHECK_EQ(policy_compile(TRUST, strlen(TRUST), POL_TYPE_TRUST, &p, &probs), 0);
	policy_free(p);
	CHECK(policy_compile(with_resource, strlen(with_resource), POL_TYPE_TRUST, &p, &probs) < 0);
	CHECK(probs.n && probs.v[0].aws && !strcmp(probs.v[0].aws, "Has prohibited field Resource"));
	pol_problems_release(&probs);
	CHECK(policy_compile(s3, strlen(s3), POL_TYPE_TRUST, &p, &probs) < 0);
	CHECK(probs.n && probs.v[0].aws &&
	      !strcmp(probs.v[0].aws, "AssumeRole policy may only specify STS AssumeRole actions."));
	pol_problems_release(&probs);
	CHECK(policy_compile(no_principal, strlen(no_principal), POL_TYPE_TRUST, &p, &probs) < 0);
	CHECK(probs.n && probs.v[0].aws &&
	      !strcmp(probs.v[0].aws, "Missing required field Principal"));
	pol_problems_release(&probs);
	CHECK(policy_compile("{", 1, POL_TYPE_IDENTITY, &p, &probs) < 0);
	CHECK(probs.n && probs.v[0].aws && !strcmp(probs.v[0].aws, "Syntax errors in policy."));
	pol_problems_release(&probs);
}

void test_core_iam(void)
{
	struct fixture f;
	void (*const cases[])(struct fixture *) = {
		test_formats, test_rules, test_users_and_keys, test_policies, test_callers,
		test_codec,
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		fixture_init(&f);
		cases[i](&f);
		fixture_release(&f);
	}
	test_trust_type();
}
