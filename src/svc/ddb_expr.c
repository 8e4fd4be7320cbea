/* SPDX-License-Identifier: MIT */
/*
 * DynamoDB's expression language: a lexer, recursive-descent parsers for
 * condition, update and projection expressions, and the checks DynamoDB
 * makes once an expression parses (names and values defined, reserved
 * words, functions and their operands, overlapping paths), reported in
 * DynamoDB's order of precedence and words. Nodes live in the request's
 * arena; values are borrowed from ExpressionAttributeValues.
 */
#include "compat.h"
#include "svc/ddb_internal.h"

#include <stdarg.h>
#include <strings.h>

#include "base/xalloc.h"

enum tok_kind { T_EOF, T_BAD, T_IDENT, T_NAME, T_VALUE, T_NUM, T_LP, T_RP, T_LB, T_RB, T_DOT,
		T_COMMA, T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_PLUS, T_MINUS };

struct tok {
	enum tok_kind kind;
	size_t start, len;
};

/* The checks after parsing, by what they find; which wins depends on the expression. */
enum eclass { EC_PARENS, EC_UNKNOWN_FN, EC_MISUSED_FN, EC_RESERVED, EC_NAMEVAL, EC_OPERANDS,
	      EC_DISTINCT, EC_FUNCTION, EC_SECTION, EC_OVERLAP, EC_CONFLICT, EC_UPD_OPERAND,
	      EC_COUNT };

struct findings {
	bool set[EC_COUNT];
	char msg[EC_COUNT][512];
};

struct parser {
	struct ddb_exprctx *cx;
	const char *what;		/* "ConditionExpression" */
	const char *src;
	size_t len;
	struct tok *toks;
	size_t n, pos;
	int nesting;
	bool update;			/* SET, REMOVE, ADD and DELETE are keywords */
	struct findings *f;
	struct ddb_err *e;
};

static bool ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

static size_t utf8_len(unsigned char c)
{
	return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

static size_t run(const char *s, size_t len, size_t i, bool (*pred)(char))
{
	while (i < len && pred(s[i]))
		i++;
	return i;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Two-character operators first, then one-character ones. */
static enum tok_kind punct(const char *s, size_t len, size_t i, size_t *n)
{
	static const struct {
		char text[3];
		enum tok_kind kind;
	} ops[] = {
		{ "<=", T_LE }, { "<>", T_NE }, { ">=", T_GE }, { "<", T_LT }, { ">", T_GT },
		{ "=", T_EQ }, { "(", T_LP }, { ")", T_RP }, { "[", T_LB }, { "]", T_RB },
		{ ".", T_DOT }, { ",", T_COMMA }, { "+", T_PLUS }, { "-", T_MINUS },
	};

	for (size_t k = 0; k < ARRAY_SIZE(ops); k++) {
		size_t l = strlen(ops[k].text);

		if (i + l <= len && !memcmp(s + i, ops[k].text, l)) {
			*n = l;
			return ops[k].kind;
		}
	}
	*n = MIN(utf8_len((unsigned char)s[i]), len - i);
	return T_BAD;
}

static void lex(struct parser *p)
{
	const char *s = p->src;
	size_t i = 0;

	p->n = 0;
	while (true) {
		struct tok *t = &p->toks[p->n++];

		while (i < p->len && strchr(" \t\r\n", s[i]) && s[i])
			i++;
		t->start = i;
		if (i == p->len) {
			t->kind = T_EOF;
			t->len = 0;
			return;
		}
		if (ident_start(s[i])) {
			t->kind = T_IDENT;
			i = run(s, p->len, i, ident_char);
		} else if (is_digit(s[i])) {
			t->kind = T_NUM;
			i = run(s, p->len, i, is_digit);
		} else if ((s[i] == '#' || s[i] == ':') && i + 1 < p->len && ident_char(s[i + 1])) {
			t->kind = s[i] == '#' ? T_NAME : T_VALUE;
			i = run(s, p->len, i + 1, ident_char);
		} else {
			size_t n;

			t->kind = punct(s, p->len, i, &n);
			i += n;
		}
		t->len = i - t->start;
	}
}

static struct tok *cur(const struct parser *p)
{
	return &p->toks[p->pos];
}

static bool tok_is(const struct parser *p, const struct tok *t, const char *word)
{
	return t->kind == T_IDENT && t->len == strlen(word) &&
	       !strncasecmp(p->src + t->start, word, t->len);
}

static bool keyword(const struct parser *p, const struct tok *t)
{
	static const char *const cond[] = { "AND", "OR", "NOT", "BETWEEN", "IN" };
	static const char *const upd[] = { "SET", "REMOVE", "ADD", "DELETE" };

	for (size_t i = 0; i < ARRAY_SIZE(cond); i++)
		if (!p->update && tok_is(p, t, cond[i]))
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(upd); i++)
		if (p->update && tok_is(p, t, upd[i]))
			return true;
	return false;
}

/* "Syntax error; token: ..., near: ..." from the token before to the one after. */
static void *syntax(struct parser *p)
{
	const struct tok *t = cur(p);
	size_t from = p->pos ? p->toks[p->pos - 1].start : t->start;
	size_t to = t->kind == T_EOF ? p->len : t->start + t->len;

	if (p->e->type)
		return NULL;
	if (t->kind != T_EOF && p->pos + 1 < p->n && p->toks[p->pos + 1].kind != T_EOF)
		to = p->toks[p->pos + 1].start + p->toks[p->pos + 1].len;
	ddb_fail(p->e, DDB_VALIDATION, "Invalid %s: Syntax error; token: \"%.*s\", near: \"%.*s\"",
		 p->what, t->kind == T_EOF ? 5 : (int)t->len,
		 t->kind == T_EOF ? "<EOF>" : p->src + t->start, (int)(to - from), p->src + from);
	return NULL;
}

static void *too_big(struct parser *p)
{
	if (!p->e->type)
		ddb_fail(p->e, DDB_VALIDATION, "Invalid %s: The expression is too complex;", p->what);
	return NULL;
}

static struct ex_node *node(struct parser *p, enum ex_kind kind, int op, size_t n_args)
{
	struct ex_node *x = arena_alloc(p->cx->arena, sizeof(*x));

	if (!x || (n_args && !(x->args = arena_alloc(p->cx->arena, n_args * sizeof(*x->args)))))
		return too_big(p);
	x->kind = kind;
	x->op = op;
	x->n_args = n_args;
	return x;
}

static void note(struct findings *f, enum eclass c, const char *fmt, ...) ATTR_PRINTF(3, 4);

static void note(struct findings *f, enum eclass c, const char *fmt, ...)
{
	va_list ap;

	if (f->set[c])
		return;
	f->set[c] = true;
	va_start(ap, fmt);
	vsnprintf(f->msg[c], sizeof(f->msg[c]), fmt, ap);
	va_end(ap);
}

static bool append_elem(struct parser *p, struct ex_elem **v, size_t *n, size_t *alloc,
			const struct tok *t)
{
	struct ex_elem *x;

	ALLOC_GROW(*v, *n + 1, *alloc);
	x = &(*v)[(*n)++];
	memset(x, 0, sizeof(*x));
	x->raw = p->src + t->start;
	x->raw_len = t->len;
	if (t->kind == T_NUM) {
		uint64_t idx = 0;

		for (size_t i = 0; i < t->len && idx <= UINT32_MAX; i++)
			idx = idx * 10 + (uint64_t)(p->src[t->start + i] - '0');
		x->index = idx > UINT32_MAX ? UINT32_MAX : (uint32_t)idx;
	} else {
		x->name = x->raw;
		x->len = x->raw_len;
	}
	return true;
}

static bool path_word(const struct parser *p, const struct tok *t)
{
	return t->kind == T_NAME || (t->kind == T_IDENT && !keyword(p, t));
}

static struct ex_node *parse_path(struct parser *p)
{
	struct ex_elem *v = NULL;
	size_t n = 0, alloc = 0;
	struct ex_node *x;

	if (!path_word(p, cur(p)))
		return syntax(p);
	append_elem(p, &v, &n, &alloc, &p->toks[p->pos++]);
	while (true) {
		if (cur(p)->kind == T_DOT) {
			p->pos++;
			if (!path_word(p, cur(p)))
				goto fail;
			append_elem(p, &v, &n, &alloc, &p->toks[p->pos++]);
		} else if (cur(p)->kind == T_LB) {
			p->pos++;
			if (cur(p)->kind != T_NUM)
				goto fail;
			append_elem(p, &v, &n, &alloc, &p->toks[p->pos++]);
			if (cur(p)->kind != T_RB)
				goto fail;
			p->pos++;
		} else {
			break;
		}
	}
	x = node(p, EX_PATH, 0, 0);
	if (x && !(x->elems = arena_alloc(p->cx->arena, n * sizeof(*v))))
		x = too_big(p);
	if (x) {
		memcpy(x->elems, v, n * sizeof(*v));
		x->n_elems = n;
	}
	free(v);
	return x;
fail:
	free(v);
	return syntax(p);
}

typedef struct ex_node *parse_fn(struct parser *p);

static parse_fn parse_operand;

/* "(" what 'inner' parses ")", from the '('; the node counts its parentheses. */
static struct ex_node *parse_group(struct parser *p, parse_fn *inner)
{
	struct ex_node *x;

	if (p->nesting >= LIMIT_DDB_EXPR_NESTING)
		return too_big(p);
	p->nesting++;
	p->pos++;
	x = inner(p);
	if (x && cur(p)->kind != T_RP)
		x = syntax(p);
	if (x) {
		p->pos++;
		x->parens++;
	}
	p->nesting--;
	return x;
}

/* "(" operand {"," operand} ")", the '(' already taken. */
static struct ex_node *parse_args(struct parser *p, struct ex_node *x)
{
	struct ex_node **v = NULL, *a;
	size_t n = 0, alloc = 0;

	do {
		a = parse_operand(p);
		if (!a)
			goto fail;
		ALLOC_GROW(v, n + 1, alloc);
		v[n++] = a;
	} while (cur(p)->kind == T_COMMA && ++p->pos);
	if (cur(p)->kind != T_RP) {
		syntax(p);
		goto fail;
	}
	p->pos++;
	if (!(x->args = arena_alloc(p->cx->arena, n * sizeof(*v)))) {
		too_big(p);
		goto fail;
	}
	memcpy(x->args, v, n * sizeof(*v));
	x->n_args = n;
	free(v);
	return x;
fail:
	free(v);
	return NULL;
}

static const struct {
	const char *name;
	enum ex_fn fn;
} functions[] = {
	{ "attribute_exists", FN_ATTRIBUTE_EXISTS }, { "attribute_not_exists", FN_ATTRIBUTE_NOT_EXISTS },
	{ "attribute_type", FN_ATTRIBUTE_TYPE }, { "begins_with", FN_BEGINS_WITH },
	{ "contains", FN_CONTAINS }, { "size", FN_SIZE }, { "if_not_exists", FN_IF_NOT_EXISTS },
	{ "list_append", FN_LIST_APPEND },
};

static struct ex_node *parse_function(struct parser *p)
{
	const struct tok *t = &p->toks[p->pos];
	struct ex_node *x = node(p, EX_FUNC, FN_UNKNOWN, 0);

	if (!x)
		return NULL;
	x->text = p->src + t->start;
	x->text_len = t->len;
	for (size_t i = 0; i < ARRAY_SIZE(functions); i++)
		if (strlen(functions[i].name) == t->len && !memcmp(functions[i].name, x->text, t->len))
			x->op = functions[i].fn;
	p->pos += 2;
	return parse_args(p, x);
}

static struct ex_node *parse_operand(struct parser *p)
{
	const struct tok *t = cur(p);
	struct ex_node *x;

	if (t->kind == T_VALUE) {
		x = node(p, EX_VALUE, 0, 0);
		if (x) {
			x->text = p->src + t->start;
			x->text_len = t->len;
			p->pos++;
		}
		return x;
	}
	if (t->kind == T_IDENT && !keyword(p, t) && p->toks[p->pos + 1].kind == T_LP)
		return parse_function(p);
	if (t->kind != T_LP)
		return parse_path(p);
	return parse_group(p, parse_operand);
}

static struct ex_node *pair(struct parser *p, enum ex_kind kind, int op, struct ex_node *a,
			    struct ex_node *b)
{
	struct ex_node *x;

	if (!a || !b)
		return NULL;
	x = node(p, kind, op, 2);
	if (x) {
		x->args[0] = a;
		x->args[1] = b;
	}
	return x;
}

static int comparator(enum tok_kind k)
{
	switch (k) {
	case T_EQ: return CMP_EQ;
	case T_NE: return CMP_NE;
	case T_LT: return CMP_LT;
	case T_LE: return CMP_LE;
	case T_GT: return CMP_GT;
	case T_GE: return CMP_GE;
	default: return -1;
	}
}

static parse_fn parse_or;

static struct ex_node *parse_between(struct parser *p, struct ex_node *a)
{
	struct ex_node *lo, *hi, *x;

	p->pos++;
	lo = parse_operand(p);
	if (!lo)
		return NULL;
	if (!tok_is(p, cur(p), "AND"))
		return syntax(p);
	p->pos++;
	hi = parse_operand(p);
	if (!hi || !(x = node(p, EX_BETWEEN, 0, 3)))
		return NULL;
	x->args[0] = a;
	x->args[1] = lo;
	x->args[2] = hi;
	return x;
}

static struct ex_node *parse_in(struct parser *p, struct ex_node *a)
{
	struct ex_node *list = node(p, EX_IN, 0, 0), *x;

	p->pos++;
	if (!list)
		return NULL;
	if (cur(p)->kind != T_LP)
		return syntax(p);
	p->pos++;
	if (!parse_args(p, list) || !(x = node(p, EX_IN, 0, list->n_args + 1)))
		return NULL;
	x->args[0] = a;
	memcpy(x->args + 1, list->args, list->n_args * sizeof(*x->args));
	return x;
}

static struct ex_node *parse_primary(struct parser *p)
{
	struct ex_node *a;
	int cmp;

	if (cur(p)->kind == T_LP)
		return parse_group(p, parse_or);
	a = parse_operand(p);
	if (!a)
		return NULL;
	cmp = comparator(cur(p)->kind);
	if (cmp >= 0) {
		p->pos++;
		return pair(p, EX_CMP, cmp, a, parse_operand(p));
	}
	if (tok_is(p, cur(p), "BETWEEN"))
		return parse_between(p, a);
	if (tok_is(p, cur(p), "IN"))
		return parse_in(p, a);
	if (a->kind == EX_FUNC)
		return a;
	return syntax(p);
}

static struct ex_node *parse_not(struct parser *p)
{
	struct ex_node *a, *x;

	if (!tok_is(p, cur(p), "NOT"))
		return parse_primary(p);
	if (p->nesting >= LIMIT_DDB_EXPR_NESTING)
		return too_big(p);
	p->nesting++;
	p->pos++;
	a = parse_not(p);
	p->nesting--;
	if (!a || !(x = node(p, EX_NOT, 0, 1)))
		return NULL;
	x->args[0] = a;
	return x;
}

static struct ex_node *parse_and(struct parser *p)
{
	struct ex_node *x = parse_not(p);

	while (x && tok_is(p, cur(p), "AND")) {
		p->pos++;
		x = pair(p, EX_AND, 0, x, parse_not(p));
	}
	return x;
}

static struct ex_node *parse_or(struct parser *p)
{
	struct ex_node *x = parse_and(p);

	while (x && tok_is(p, cur(p), "OR")) {
		p->pos++;
		x = pair(p, EX_OR, 0, x, parse_and(p));
	}
	return x;
}

/* Sets up 'p' over 'src' and splits it into tokens (arena memory). */
static int start(struct parser *p, struct ddb_exprctx *cx, const char *what, const char *src,
		 size_t len, struct findings *f, struct ddb_err *e)
{
	memset(p, 0, sizeof(*p));
	memset(f, 0, sizeof(*f));
	p->cx = cx;
	p->what = what;
	p->src = src;
	p->len = len;
	p->f = f;
	p->e = e;
	p->toks = arena_alloc(cx->arena, (len + 1) * sizeof(*p->toks));
	if (!p->toks) {
		too_big(p);
		return -EINVAL;
	}
	lex(p);
	return 0;
}

static const char *const cmp_text[] = { "=", "<>", "<", "<=", ">", ">=" };

void ddb_path_print(const struct ex_node *path, struct buf *out)
{
	buf_addc(out, '[');
	for (size_t i = 0; i < path->n_elems; i++) {
		const struct ex_elem *x = &path->elems[i];

		if (i)
			buf_adds(out, ", ");
		if (x->name)
			buf_add(out, x->name, x->len);
		else
			buf_addf(out, "[%u]", x->index);
	}
	buf_addc(out, ']');
}

static void value_print(const json_t *av, struct buf *out)
{
	const json_t *c = ddb_av_content(av);
	char *text;

	buf_addf(out, "{%s:", ddb_type_name(ddb_type_of(av)));
	if (json_is_string(c)) {
		buf_add(out, json_string_value(c), json_string_length(c));
	} else {
		text = json_dumps(c, JSON_COMPACT | JSON_ENCODE_ANY);
		buf_adds(out, text ? text : "");
		free(text);
	}
	buf_addc(out, '}');
}

/* Resolves "#n" names and ":v" values; marks them used. */
static void resolve_path(struct parser *p, struct ex_node *x)
{
	for (size_t i = 0; i < x->n_elems; i++) {
		struct ex_elem *el = &x->elems[i];
		char key[LIMIT_DDB_EXPR_BYTES + 1];
		const json_t *v;

		if (!el->name)
			continue;
		if (el->raw[0] != '#') {
			if (ddb_reserved(el->raw, el->raw_len))
				note(p->f, EC_RESERVED, "Attribute name is a reserved keyword; reserved "
				     "keyword: %.*s", (int)el->raw_len, el->raw);
			continue;
		}
		snprintf(key, sizeof(key), "%.*s", (int)el->raw_len, el->raw);
		v = json_object_get(p->cx->names, key);
		if (!v) {
			note(p->f, EC_NAMEVAL, "An expression attribute name used in the document path "
			     "is not defined; attribute name: %s", key);
			continue;
		}
		json_object_set_new(p->cx->used_names, key, json_true());
		el->name = json_string_value(v);
		el->len = json_string_length(v);
	}
}

static void resolve_value(struct parser *p, struct ex_node *x)
{
	char key[LIMIT_DDB_EXPR_BYTES + 1];

	snprintf(key, sizeof(key), "%.*s", (int)x->text_len, x->text);
	x->value = json_object_get(p->cx->values, key);
	if (!x->value) {
		note(p->f, EC_NAMEVAL, "An expression attribute value used in expression is not "
		     "defined; attribute value: %s", key);
		return;
	}
	json_object_set_new(p->cx->used_values, key, json_true());
}

static void resolve(struct parser *p, struct ex_node *x)
{
	if (x->kind == EX_PATH)
		resolve_path(p, x);
	else if (x->kind == EX_VALUE)
		resolve_value(p, x);
	for (size_t i = 0; i < x->n_args; i++)
		resolve(p, x->args[i]);
}

static bool same_path(const struct ex_node *a, const struct ex_node *b)
{
	if (a->kind != EX_PATH || b->kind != EX_PATH || a->n_elems != b->n_elems)
		return false;
	for (size_t i = 0; i < a->n_elems; i++) {
		const struct ex_elem *x = &a->elems[i], *y = &b->elems[i];

		if (!x->name != !y->name || (x->name ? x->len != y->len || memcmp(x->name, y->name,
						x->len) : x->index != y->index))
			return false;
	}
	return true;
}

static void distinct(struct parser *p, const char *op, const struct ex_node *a,
		     const struct ex_node *b)
{
	struct buf s;

	if (!same_path(a, b))
		return;
	buf_init(&s, 400);
	ddb_path_print(a, &s);
	note(p->f, EC_DISTINCT, "The first operand must be distinct from the remaining operands for "
	     "this operator or function; operator: %s, first operand: %s", op, s.p);
	buf_release(&s);
}

/* The type an operand is known to have before any item is read, or DT_NONE. */
static enum ddb_type static_type(const struct ex_node *x)
{
	if (x->kind == EX_VALUE && x->value)
		return ddb_type_of(x->value);
	if (x->kind == EX_FUNC && x->op == FN_SIZE)
		return DT_N;
	if (x->kind == EX_ARITH)
		return DT_N;
	if (x->kind == EX_FUNC && x->op == FN_LIST_APPEND)
		return DT_L;
	return DT_NONE;
}

static void bad_operand_type(struct parser *p, const struct ex_node *fn, enum ddb_type t)
{
	note(p->f, EC_FUNCTION, "Incorrect operand type for operator or function; operator or "
	     "function: %.*s, operand type: %s", (int)fn->text_len, fn->text, ddb_type_name(t));
}

static bool arity(struct parser *p, const struct ex_node *fn, size_t want)
{
	if (fn->n_args == want)
		return true;
	note(p->f, EC_OPERANDS, "Incorrect number of operands for operator or function; operator "
	     "or function: %.*s, number of operands: %zu", (int)fn->text_len, fn->text, fn->n_args);
	return false;
}

static void needs_path(struct parser *p, const struct ex_node *fn, const struct ex_node *a)
{
	if (a->kind != EX_PATH)
		note(p->f, EC_FUNCTION, "Operator or function requires a document path; operator or "
		     "function: %.*s", (int)fn->text_len, fn->text);
}

static void attribute_type_args(struct parser *p, const struct ex_node *fn)
{
	enum ddb_type t = static_type(fn->args[1]);
	const json_t *name;

	needs_path(p, fn, fn->args[0]);
	if (t != DT_S) {
		if (t == DT_NONE)
			note(p->f, EC_FUNCTION, "Incorrect operand type for operator or function; "
			     "operator or function: attribute_type, operand type: "
			     "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}");
		else
			bad_operand_type(p, fn, t);
		return;
	}
	name = ddb_av_content(fn->args[1]->value);
	if (ddb_type_parse(json_string_value(name), json_string_length(name)) == DT_NONE)
		note(p->f, EC_FUNCTION, "Invalid attribute type name found; type: %.100s, valid "
		     "types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}", json_string_value(name));
}

/* The operands and their types of a condition function. */
static void cond_function_args(struct parser *p, const struct ex_node *fn)
{
	static const size_t want[] = {
		[FN_ATTRIBUTE_EXISTS] = 1, [FN_ATTRIBUTE_NOT_EXISTS] = 1, [FN_ATTRIBUTE_TYPE] = 2,
		[FN_BEGINS_WITH] = 2, [FN_CONTAINS] = 2, [FN_SIZE] = 1,
	};
	enum ddb_type t;

	if (!arity(p, fn, want[fn->op]))
		return;
	if (fn->n_args == 2)
		distinct(p, fn->op == FN_CONTAINS ? "contains" : fn->op == FN_BEGINS_WITH ?
			 "begins_with" : "attribute_type", fn->args[0], fn->args[1]);
	switch (fn->op) {
	case FN_ATTRIBUTE_EXISTS:
	case FN_ATTRIBUTE_NOT_EXISTS:
		needs_path(p, fn, fn->args[0]);
		break;
	case FN_ATTRIBUTE_TYPE:
		attribute_type_args(p, fn);
		break;
	case FN_BEGINS_WITH:
		for (size_t i = 0; i < 2; i++) {
			t = static_type(fn->args[i]);
			if (t != DT_NONE && t != DT_S && t != DT_B)
				bad_operand_type(p, fn, t);
		}
		break;
	case FN_SIZE:
		t = static_type(fn->args[0]);
		if (t == DT_N || t == DT_BOOL || t == DT_NULL)
			bad_operand_type(p, fn, t);
		break;
	default:
		break;
	}
}

static void check_operand(struct parser *p, const struct ex_node *x);

static void check_function(struct parser *p, const struct ex_node *fn)
{
	if (fn->op == FN_UNKNOWN || fn->op == FN_IF_NOT_EXISTS || fn->op == FN_LIST_APPEND) {
		note(p->f, EC_UNKNOWN_FN, "Invalid function name; function: %.*s", (int)fn->text_len,
		     fn->text);
		return;
	}
	for (size_t i = 0; i < fn->n_args; i++)
		check_operand(p, fn->args[i]);
	cond_function_args(p, fn);
}

/* An operand of a comparison or a function: only size() may be a function there. */
static void check_operand(struct parser *p, const struct ex_node *x)
{
	if (x->parens > 1)
		note(p->f, EC_PARENS, "The expression has redundant parentheses;");
	if (x->kind != EX_FUNC)
		return;
	if (x->op != FN_SIZE && x->op != FN_UNKNOWN)
		note(p->f, EC_MISUSED_FN, "The function is not allowed to be used this way in an "
		     "expression; function: %.*s", (int)x->text_len, x->text);
	check_function(p, x);
}

static void between_bounds(struct parser *p, const struct ex_node *lo, const struct ex_node *hi)
{
	enum ddb_type a = lo->kind == EX_VALUE && lo->value ? ddb_type_of(lo->value) : DT_NONE;
	enum ddb_type b = hi->kind == EX_VALUE && hi->value ? ddb_type_of(hi->value) : DT_NONE;
	struct buf x, y;
	int cmp;

	if (a == DT_NONE || b == DT_NONE)
		return;
	buf_init(&x, 300);
	buf_init(&y, 300);
	value_print(lo->value, &x);
	value_print(hi->value, &y);
	if (a != b)
		note(p->f, EC_FUNCTION, "The BETWEEN operator requires same data type for lower and "
		     "upper bounds; lower bound operand: AttributeValue: %s, upper bound operand: "
		     "AttributeValue: %s", x.p, y.p);
	else if (ddb_av_order(lo->value, hi->value, &cmp) && cmp > 0)
		note(p->f, EC_FUNCTION, "The BETWEEN operator requires upper bound to be greater than "
		     "or equal to lower bound; lower bound operand: AttributeValue: %s, upper bound "
		     "operand: AttributeValue: %s", x.p, y.p);
	buf_release(&x);
	buf_release(&y);
}

static void check_cond(struct parser *p, const struct ex_node *x)
{
	if (x->parens > 1)
		note(p->f, EC_PARENS, "The expression has redundant parentheses;");
	switch (x->kind) {
	case EX_AND:
	case EX_OR:
	case EX_NOT:
		for (size_t i = 0; i < x->n_args; i++)
			check_cond(p, x->args[i]);
		return;
	case EX_FUNC:
		if (x->op == FN_SIZE)
			note(p->f, EC_MISUSED_FN, "The function is not allowed to be used this way in "
			     "an expression; function: size");
		check_function(p, x);
		return;
	case EX_IN:
		if (x->n_args - 1 > LIMIT_DDB_IN_OPERANDS)
			note(p->f, EC_OPERANDS, "The IN operator is provided with too many operands; "
			     "number of operands: %zu", x->n_args - 1);
		/* fall through */
	default:
		for (size_t i = 0; i < x->n_args; i++)
			check_operand(p, x->args[i]);
		if (x->kind == EX_CMP)
			distinct(p, cmp_text[x->op], x->args[0], x->args[1]);
		if (x->kind == EX_BETWEEN)
			between_bounds(p, x->args[1], x->args[2]);
		return;
	}
}

/* Fails with the finding that comes first in 'order', if any. */
static int report(struct parser *p, const enum eclass *order, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p->f->set[order[i]])
			return ddb_fail(p->e, DDB_VALIDATION, "Invalid %s: %s", p->what,
					p->f->msg[order[i]]);
	return 0;
}

static int finish(struct parser *p, bool parsed)
{
	if (!parsed)
		return -EINVAL;
	if (cur(p)->kind != T_EOF) {
		syntax(p);
		return -EINVAL;
	}
	return 0;
}

int ddb_parse_cond(struct ddb_exprctx *cx, const char *what, const char *src, size_t len,
		   struct ex_node **out, struct ddb_err *e)
{
	static const enum eclass order[] = { EC_PARENS, EC_UNKNOWN_FN, EC_MISUSED_FN, EC_RESERVED,
					     EC_NAMEVAL, EC_OPERANDS, EC_DISTINCT, EC_FUNCTION };
	struct findings f;
	struct parser p;
	int ret;

	if (start(&p, cx, what, src, len, &f, e) < 0)
		return -EINVAL;
	*out = parse_or(&p);
	if ((ret = finish(&p, *out != NULL)) < 0)
		return ret;
	resolve(&p, *out);
	check_cond(&p, *out);
	return report(&p, order, ARRAY_SIZE(order));
}

/* Two paths of one update or projection: one inside the other, or at odds. */
static void overlap(struct parser *p, const struct ex_node *a, const struct ex_node *b)
{
	size_t n = MIN(a->n_elems, b->n_elems);
	enum eclass c = EC_OVERLAP;
	struct buf x, y;

	for (size_t i = 0; i < n; i++) {
		const struct ex_elem *u = &a->elems[i], *v = &b->elems[i];

		if (!u->name != !v->name) {
			c = EC_CONFLICT;
			break;
		}
		if (u->name ? u->len != v->len || memcmp(u->name, v->name, u->len) :
		    u->index != v->index)
			return;
	}
	buf_init(&x, 400);
	buf_init(&y, 400);
	ddb_path_print(a, &x);
	ddb_path_print(b, &y);
	note(p->f, c, "Two document paths %s with each other; must remove or rewrite one of these "
	     "paths; path one: %s, path two: %s", c == EC_OVERLAP ? "overlap" : "conflict", x.p,
	     y.p);
	buf_release(&x);
	buf_release(&y);
}

static void overlaps(struct parser *p, struct ex_node *const *paths, size_t n)
{
	for (size_t i = 0; i < n && !p->f->set[EC_OVERLAP]; i++)
		for (size_t j = 0; j < i; j++)
			overlap(p, paths[j], paths[i]);
}

static struct ex_node *parse_set_value(struct parser *p)
{
	struct ex_node *a = parse_operand(p);
	int op = cur(p)->kind == T_PLUS ? '+' : cur(p)->kind == T_MINUS ? '-' : 0;
	struct ex_node *x;

	if (!a || !op)
		return a;
	p->pos++;
	x = pair(p, EX_ARITH, op, a, parse_operand(p));
	if (x) {
		x->text = op == '+' ? "+" : "-";
		x->text_len = 1;
	}
	return x;
}

static const char *const section_names[] = { "SET", "REMOVE", "ADD", "DELETE" };

static bool parse_action(struct parser *p, enum up_kind kind, struct up_action *a)
{
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->path = parse_path(p);
	if (!a->path)
		return false;
	if (kind == UP_SET) {
		if (cur(p)->kind != T_EQ)
			return syntax(p);
		p->pos++;
		a->value = parse_set_value(p);
		return a->value != NULL;
	}
	if (kind == UP_REMOVE)
		return true;
	if (cur(p)->kind != T_VALUE)
		return syntax(p);
	a->value = parse_operand(p);
	return a->value != NULL;
}

static int section_kind(const struct parser *p)
{
	for (int k = 0; k < (int)ARRAY_SIZE(section_names); k++)
		if (tok_is(p, cur(p), section_names[k]))
			return k;
	return -1;
}

static bool parse_sections(struct parser *p, struct up_action **v, size_t *n, size_t *alloc)
{
	bool seen[ARRAY_SIZE(section_names)] = { false };
	int k = section_kind(p);

	if (k < 0)
		return syntax(p);
	while (k >= 0) {
		if (seen[k])
			note(p->f, EC_SECTION, "The \"%s\" section can only be used once in an update "
			     "expression;", section_names[k]);
		seen[k] = true;
		p->pos++;
		do {
			ALLOC_GROW(*v, *n + 1, *alloc);
			if (!parse_action(p, (enum up_kind)k, &(*v)[(*n)++]))
				return false;
		} while (cur(p)->kind == T_COMMA && ++p->pos);
		k = section_kind(p);
	}
	return true;
}

static const char *update_type_name(enum ddb_type t)
{
	static const char *const names[DT_COUNT] = {
		[DT_S] = "STRING", [DT_N] = "NUMBER", [DT_B] = "BINARY", [DT_BOOL] = "BOOLEAN",
		[DT_NULL] = "NULL", [DT_M] = "MAP", [DT_L] = "LIST",
	};

	return t > DT_NONE && t < DT_COUNT ? names[t] : NULL;
}

static void check_update_operand(struct parser *p, const struct ex_node *x);

static void update_function(struct parser *p, const struct ex_node *fn)
{
	if (fn->op != FN_IF_NOT_EXISTS && fn->op != FN_LIST_APPEND) {
		note(p->f, EC_UNKNOWN_FN, "Invalid function name; function: %.*s", (int)fn->text_len,
		     fn->text);
		return;
	}
	for (size_t i = 0; i < fn->n_args; i++)
		check_update_operand(p, fn->args[i]);
	if (!arity(p, fn, 2))
		return;
	if (fn->op == FN_IF_NOT_EXISTS) {
		needs_path(p, fn, fn->args[0]);
		return;
	}
	for (size_t i = 0; i < 2; i++) {
		enum ddb_type t = fn->args[i]->kind == EX_VALUE ? static_type(fn->args[i]) : DT_NONE;

		if (t != DT_NONE && t != DT_L)
			bad_operand_type(p, fn, t);
	}
}

static void check_update_operand(struct parser *p, const struct ex_node *x)
{
	if (x->kind == EX_FUNC) {
		update_function(p, x);
	} else if (x->kind == EX_ARITH) {
		for (size_t i = 0; i < 2; i++) {
			enum ddb_type t = x->args[i]->kind == EX_VALUE ? static_type(x->args[i]) :
					  DT_NONE;

			check_update_operand(p, x->args[i]);
			if (t != DT_NONE && t != DT_N)
				bad_operand_type(p, x, t);
		}
	}
}

static void check_action(struct parser *p, const struct up_action *a)
{
	enum ddb_type t;
	const char *name;

	if (a->kind == UP_SET)
		check_update_operand(p, a->value);
	if (a->kind != UP_ADD && a->kind != UP_DELETE)
		return;
	t = static_type(a->value);
	name = update_type_name(t);
	if (name && !(a->kind == UP_ADD && t == DT_N))
		note(p->f, EC_UPD_OPERAND, "Incorrect operand type for operator or function; "
		     "operator: %s, operand type: %s", section_names[a->kind], name);
}

int ddb_parse_update(struct ddb_exprctx *cx, const char *src, size_t len, struct ddb_update *out,
		     struct ddb_err *e)
{
	static const enum eclass order[] = { EC_RESERVED, EC_UNKNOWN_FN, EC_SECTION, EC_NAMEVAL,
					     EC_OVERLAP, EC_CONFLICT, EC_UPD_OPERAND, EC_OPERANDS,
					     EC_FUNCTION };
	struct up_action *v = NULL;
	size_t n = 0, alloc = 0;
	struct ex_node **paths;
	struct findings f;
	struct parser p;
	int ret;

	if (start(&p, cx, "UpdateExpression", src, len, &f, e) < 0)
		return -EINVAL;
	p.update = true;
	ret = finish(&p, parse_sections(&p, &v, &n, &alloc));
	out->acts = ret < 0 ? NULL : arena_alloc(cx->arena, n * sizeof(*v));
	paths = ret < 0 ? NULL : arena_alloc(cx->arena, n * sizeof(*paths));
	if (!ret && (!out->acts || !paths))
		ret = too_big(&p) ? 0 : -EINVAL;
	if (!ret) {
		memcpy(out->acts, v, n * sizeof(*v));
		out->n = n;
		for (size_t i = 0; i < n; i++) {
			resolve(&p, v[i].path);
			if (v[i].value)
				resolve(&p, v[i].value);
			check_action(&p, &v[i]);
			paths[i] = v[i].path;
		}
		overlaps(&p, paths, n);
		ret = report(&p, order, ARRAY_SIZE(order));
	}
	free(v);
	return ret;
}

int ddb_parse_projection(struct ddb_exprctx *cx, const char *src, size_t len,
			 struct ddb_paths *out, struct ddb_err *e)
{
	static const enum eclass order[] = { EC_RESERVED, EC_NAMEVAL, EC_OVERLAP, EC_CONFLICT };
	struct ex_node **v = NULL, *x;
	size_t n = 0, alloc = 0;
	struct findings f;
	struct parser p;
	int ret;

	if (start(&p, cx, "ProjectionExpression", src, len, &f, e) < 0)
		return -EINVAL;
	do {
		x = parse_path(&p);
		if (!x)
			break;
		ALLOC_GROW(v, n + 1, alloc);
		v[n++] = x;
	} while (cur(&p)->kind == T_COMMA && ++p.pos);
	ret = finish(&p, x != NULL);
	if (!ret && !(out->v = arena_alloc(cx->arena, n * sizeof(*v))))
		ret = too_big(&p) ? 0 : -EINVAL;
	if (!ret) {
		memcpy(out->v, v, n * sizeof(*v));
		out->n = n;
		for (size_t i = 0; i < n; i++)
			resolve(&p, v[i]);
		overlaps(&p, v, n);
		ret = report(&p, order, ARRAY_SIZE(order));
	}
	free(v);
	return ret;
}

void ddb_exprctx_init(struct ddb_exprctx *cx, struct arena *a, const json_t *names,
		      const json_t *values)
{
	cx->arena = a;
	cx->names = names;
	cx->values = values;
	cx->used_names = json_object();
	cx->used_values = json_object();
}

void ddb_exprctx_release(struct ddb_exprctx *cx)
{
	json_decref(cx->used_names);
	json_decref(cx->used_values);
	cx->used_names = cx->used_values = NULL;
}

static int unused(const json_t *given, const json_t *used, const char *what, struct ddb_err *e)
{
	const char *key;
	json_t *v;
	struct buf b;
	int ret = 0;

	buf_init(&b, 1500);
	json_object_foreach((json_t *)given, key, v)
		if (!json_object_get(used, key))
			buf_addf(&b, "%s%s", b.len ? ", " : "", key);
	if (b.len)
		ret = ddb_fail(e, DDB_VALIDATION, "Value provided in %s unused in expressions: "
			       "keys: {%s}", what, b.p);
	buf_release(&b);
	return ret;
}

int ddb_exprctx_unused(const struct ddb_exprctx *cx, struct ddb_err *e)
{
	if (unused(cx->names, cx->used_names, "ExpressionAttributeNames", e) < 0)
		return -EINVAL;
	return unused(cx->values, cx->used_values, "ExpressionAttributeValues", e);
}
