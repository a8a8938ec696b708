/*
 * service/majorcat_json — see majorcat_json.h.
 *
 * Decisions taken here:
 *   - The rules array is allocated once, zeroed (sx_calloc), and each field is
 *     copied with its NUL: two reads of the same text give byte-identical
 *     catalogs.
 *   - Counts that the struct cannot hold (rules, matter codes) are refused
 *     before anything is allocated, with the code majorcat_validate gives for
 *     them, so a 256 KiB text cannot ask for megabytes.
 *   - "acts" may come in any order but not twice: a set read from a list.
 *   - Messages never quote the input (it could cut a UTF-8 character when
 *     truncated), except an unknown key that is short printable ASCII.
 */
#include "service/majorcat_json.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/mem.h"

/* Longest kind or act word, plus room to tell a longer one apart. */
#define WORD_SIZE 32
/* An unknown key is quoted in the message only when it is this short. */
#define QUOTED_KEY_MAX 40

static const char *const rule_keys[] = { "id", "title", "kind", "acts", "threshold_fen",
					 "party_type", "matter_codes", "basis", NULL };

/* An error whose message for people is formatted. */
static int mcj__fail(struct sx_error *err, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int mcj__fail(struct sx_error *err, const char *code, const char *fmt, ...)
{
	char message[SX_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	return sx_error_set(err, SX_EINVALID, code, message);
}

/* "bad_catalog" naming rule n (1-based) and its field. */
static int mcj__bad(struct sx_error *err, size_t n, const char *field, const char *what)
{
	return mcj__fail(err, "bad_catalog", "重大执法决定目录第 %zu 条规则的字段 %s%s", n, field,
			 what);
}

static bool mcj__is_quotable(const char *key)
{
	size_t len = strlen(key);

	if (len == 0 || len > QUOTED_KEY_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (key[i] < 0x21 || key[i] > 0x7e)
			return false;
	return true;
}

/* Every key of the rule object is one of rule_keys, and every one of them is there. */
static int mcj__check_keys(const json_t *rule, size_t n, struct sx_error *err)
{
	const char *key;
	json_t *value;

	json_object_foreach((json_t *)rule, key, value) {
		size_t i;

		(void)value;
		for (i = 0; rule_keys[i] != NULL; i++)
			if (strcmp(rule_keys[i], key) == 0)
				break;
		if (rule_keys[i] != NULL)
			continue;
		if (mcj__is_quotable(key))
			return mcj__fail(err, "bad_catalog",
					 "重大执法决定目录第 %zu 条规则有未知字段 %s", n, key);
		return mcj__fail(err, "bad_catalog", "重大执法决定目录第 %zu 条规则有未知字段", n);
	}
	for (size_t i = 0; rule_keys[i] != NULL; i++)
		if (json_object_get(rule, rule_keys[i]) == NULL)
			return mcj__bad(err, n, rule_keys[i], " 缺失（每条规则须写明全部字段）");
	return 0;
}

/* Copies a string of at most dst_size - 1 bytes, without NUL inside, into dst. */
static bool mcj__copy(char *dst, size_t dst_size, const json_t *v)
{
	size_t len = json_string_length(v);

	if (len >= dst_size || memchr(json_string_value(v), '\0', len) != NULL)
		return false;
	memcpy(dst, json_string_value(v), len);
	dst[len] = '\0';
	return true;
}

static int mcj__text(char *dst, size_t dst_size, const json_t *rule, const char *key, size_t n,
		     struct sx_error *err)
{
	const json_t *v = json_object_get(rule, key);
	char what[128];

	if (!json_is_string(v))
		return mcj__bad(err, n, key, " 应为字符串");
	if (!mcj__copy(dst, dst_size, v)) {
		snprintf(what, sizeof(what), " 过长（最多 %zu 字节）或含有空字符", dst_size - 1);
		return mcj__bad(err, n, key, what);
	}
	return 0;
}

static int mcj__kind(enum majorcat_rule_kind *out, const json_t *rule, size_t n,
		     struct sx_error *err)
{
	const json_t *v = json_object_get(rule, "kind");
	char word[WORD_SIZE];

	if (!json_is_string(v))
		return mcj__bad(err, n, "kind", " 应为字符串");
	if (!mcj__copy(word, sizeof(word), v) || majorcat_rule_kind_from_code(out, word, NULL) < 0)
		return mcj__bad(err, n, "kind", " 不是已知的规则类型");
	return 0;
}

static int mcj__acts(unsigned *out, const json_t *rule, size_t n, struct sx_error *err)
{
	const json_t *arr = json_object_get(rule, "acts");
	char word[WORD_SIZE], what[128];

	*out = 0;
	if (!json_is_array(arr))
		return mcj__bad(err, n, "acts", " 应为数组");
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *v = json_array_get(arr, i);
		enum majorcat_act act;

		if (!json_is_string(v)) {
			snprintf(what, sizeof(what), " 第 %zu 项应为字符串", i + 1);
			return mcj__bad(err, n, "acts", what);
		}
		if (!mcj__copy(word, sizeof(word), v) ||
		    majorcat_act_from_code(&act, word, NULL) < 0) {
			snprintf(what, sizeof(what), " 第 %zu 项不是已知的处罚种类", i + 1);
			return mcj__bad(err, n, "acts", what);
		}
		if ((*out & MAJORCAT_ACT_BIT(act)) != 0) {
			snprintf(what, sizeof(what), " 第 %zu 项重复", i + 1);
			return mcj__bad(err, n, "acts", what);
		}
		*out |= MAJORCAT_ACT_BIT(act);
	}
	return 0;
}

/* 0..MAJORCAT_MAX_FEN: 0 is the form of "not used"; majorcat_validate says which kinds need one. */
static int mcj__threshold(int64_t *out, const json_t *rule, size_t n, struct sx_error *err)
{
	const json_t *v = json_object_get(rule, "threshold_fen");

	if (!json_is_integer(v))
		return mcj__bad(err, n, "threshold_fen", " 应为整数（单位：分）");
	if (json_integer_value(v) < 0 || json_integer_value(v) > MAJORCAT_MAX_FEN)
		return mcj__bad(err, n, "threshold_fen", " 须在 0 至 1 万亿元之间（单位：分）");
	*out = (int64_t)json_integer_value(v);
	return 0;
}

static int mcj__matter_codes(struct majorcat_rule *r, const json_t *rule, size_t n,
			     struct sx_error *err)
{
	const json_t *arr = json_object_get(rule, "matter_codes");
	char what[128];

	if (!json_is_array(arr))
		return mcj__bad(err, n, "matter_codes", " 应为数组");
	if (json_array_size(arr) > MAJORCAT_MAX_CODES)
		return mcj__fail(err, "majorcat_bad_matter_codes",
				 "第 %zu 条规则：须列出 1 至 %d 个执法事项编码", n,
				 MAJORCAT_MAX_CODES);
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *v = json_array_get(arr, i);

		if (!json_is_string(v)) {
			snprintf(what, sizeof(what), " 第 %zu 项应为字符串", i + 1);
			return mcj__bad(err, n, "matter_codes", what);
		}
		if (!mcj__copy(r->matter_codes[i], sizeof(r->matter_codes[i]), v)) {
			snprintf(what, sizeof(what), " 第 %zu 项过长（最多 %d 字节）或含有空字符",
				 i + 1, MAJORCAT_CODE_SIZE - 1);
			return mcj__bad(err, n, "matter_codes", what);
		}
		r->matter_code_count = i + 1;
	}
	return 0;
}

/* Reads rule n (1-based) from obj into r (zeroed); fields in the header's order. */
static int mcj__read_rule(struct majorcat_rule *r, const json_t *obj, size_t n,
			  struct sx_error *err)
{
	int rc;

	if (!json_is_object(obj))
		return mcj__fail(err, "bad_catalog", "重大执法决定目录第 %zu 条规则应为对象", n);
	if ((rc = mcj__check_keys(obj, n, err)) < 0 ||
	    (rc = mcj__text(r->id, sizeof(r->id), obj, "id", n, err)) < 0 ||
	    (rc = mcj__text(r->title, sizeof(r->title), obj, "title", n, err)) < 0 ||
	    (rc = mcj__kind(&r->kind, obj, n, err)) < 0 ||
	    (rc = mcj__acts(&r->acts_mask, obj, n, err)) < 0 ||
	    (rc = mcj__threshold(&r->threshold_fen, obj, n, err)) < 0 ||
	    (rc = mcj__text(r->party_type, sizeof(r->party_type), obj, "party_type", n, err)) < 0 ||
	    (rc = mcj__matter_codes(r, obj, n, err)) < 0 ||
	    (rc = mcj__text(r->basis, sizeof(r->basis), obj, "basis", n, err)) < 0)
		return rc;
	return 0;
}

/* The rules array of the root object, checked for form and count. */
static int mcj__rules_array(const json_t **out, const json_t *root, struct sx_error *err)
{
	const char *key;
	json_t *value;

	if (!json_is_object(root))
		return sx_error_set(err, SX_EINVALID, "bad_catalog",
				    "重大执法决定目录须为 JSON 对象 {\"rules\": [...]}");
	json_object_foreach((json_t *)root, key, value) {
		(void)value;
		if (strcmp(key, "rules") != 0) {
			if (mcj__is_quotable(key))
				return mcj__fail(err, "bad_catalog",
						 "重大执法决定目录有未知字段 %s（只应有 rules）",
						 key);
			return sx_error_set(err, SX_EINVALID, "bad_catalog",
					    "重大执法决定目录有未知字段（只应有 rules）");
		}
	}
	*out = json_object_get(root, "rules");
	if (*out == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_catalog",
				    "重大执法决定目录缺少字段 rules");
	if (!json_is_array(*out))
		return sx_error_set(err, SX_EINVALID, "bad_catalog",
				    "重大执法决定目录的字段 rules 应为数组");
	if (json_array_size(*out) > MAJORCAT_MAX_RULES)
		return mcj__fail(err, "majorcat_too_many",
				 "重大执法决定目录最多 %d 条规则，现有 %zu 条", MAJORCAT_MAX_RULES,
				 json_array_size(*out));
	return 0;
}

int majorcat_json_parse(struct majorcat *out, const char *text, size_t len, struct sx_error *err)
{
	json_error_t jerr;
	json_t *root = NULL;
	const json_t *arr;
	size_t count;
	int rc;

	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_catalog", "重大执法决定目录无效");
	memset(out, 0, sizeof(*out));
	if (len > MAJORCAT_JSON_MAX_BYTES) {
		char message[SX_ERROR_MESSAGE_MAX];

		snprintf(message, sizeof(message), "重大执法决定目录不能超过 %zu KiB",
			 MAJORCAT_JSON_MAX_BYTES / 1024);
		return sx_error_set(err, SX_ETOOBIG, "too_big", message);
	}
	if (text == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_json",
				    "重大执法决定目录不是合法的 JSON");
	/* Any JSON value: one that is not an object is "bad_catalog", not "bad_json". */
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (root == NULL && json_error_code(&jerr) == json_error_numeric_overflow) {
		/* Well-formed JSON whose number does not fit an int64 (or a double): a
		 * value out of range, as threshold_fen above 1 万亿元 is. */
		char message[SX_ERROR_MESSAGE_MAX];

		snprintf(message, sizeof(message),
			 "重大执法决定目录第 %d 行第 %d 列的数字超出范围"
			 "（threshold_fen 最多 1 万亿元）",
			 jerr.line, jerr.column);
		return sx_error_setf(err, SX_EINVALID, "bad_catalog", message, "%s", jerr.text);
	}
	if (root == NULL)
		return sx_error_setf(err, SX_EINVALID, "bad_json",
				     "重大执法决定目录不是合法的 JSON（或有重复字段）", "%d:%d: %s",
				     jerr.line, jerr.column, jerr.text);
	if ((rc = mcj__rules_array(&arr, root, err)) < 0)
		goto done;
	count = json_array_size(arr);
	if (count > 0) {
		out->rules = sx_calloc(count, sizeof(*out->rules));
		if (out->rules == NULL) {
			rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
			goto done;
		}
		out->count = count;
	}
	for (size_t i = 0; i < count; i++)
		if ((rc = mcj__read_rule(&out->rules[i], json_array_get(arr, i), i + 1, err)) < 0)
			goto done;
	rc = majorcat_validate(out, err);
done:
	json_decref(root);
	if (rc < 0)
		majorcat_clear(out);
	return rc;
}

/* ---- writing ---------------------------------------------------------------- */

/* json_object_set_new / json_array_append_new that remember a failure in *ok. */
static void mcj__set(json_t *obj, const char *key, json_t *value, bool *ok)
{
	if (value == NULL || json_object_set_new(obj, key, value) < 0)
		*ok = false;
}

static void mcj__push(json_t *arr, json_t *value, bool *ok)
{
	if (value == NULL || json_array_append_new(arr, value) < 0)
		*ok = false;
}

/* Rule r as a new object, or NULL (out of memory). r is valid. */
static json_t *mcj__write_rule(const struct majorcat_rule *r)
{
	json_t *obj = json_object(), *acts = json_array(), *codes = json_array();
	bool ok = obj != NULL && acts != NULL && codes != NULL;

	for (int act = 1; ok && act <= MAJORCAT_ACT_COUNT; act++)
		if ((r->acts_mask & MAJORCAT_ACT_BIT(act)) != 0)
			mcj__push(acts, json_string(majorcat_act_code((enum majorcat_act)act)),
				  &ok);
	for (size_t i = 0; ok && i < r->matter_code_count; i++)
		mcj__push(codes, json_string(r->matter_codes[i]), &ok);
	if (!ok) {
		json_decref(obj);
		json_decref(acts);
		json_decref(codes);
		return NULL;
	}
	mcj__set(obj, "id", json_string(r->id), &ok);
	mcj__set(obj, "title", json_string(r->title), &ok);
	mcj__set(obj, "kind", json_string(majorcat_rule_kind_code(r->kind)), &ok);
	mcj__set(obj, "acts", acts, &ok);
	mcj__set(obj, "threshold_fen", json_integer((json_int_t)r->threshold_fen), &ok);
	mcj__set(obj, "party_type", json_string(r->party_type), &ok);
	mcj__set(obj, "matter_codes", codes, &ok);
	mcj__set(obj, "basis", json_string(r->basis), &ok);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

int majorcat_json_canonical(char **out, size_t *len, const struct majorcat *c,
			    struct sx_error *err)
{
	json_t *root = NULL, *rules = NULL;
	char *text = NULL;
	size_t n = 0;
	bool ok;
	int rc;

	if (len != NULL)
		*len = 0;
	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_catalog", "重大执法决定目录无效");
	*out = NULL;
	if ((rc = majorcat_validate(c, err)) < 0)
		return rc;
	root = json_object();
	rules = json_array();
	ok = root != NULL && rules != NULL;
	for (size_t i = 0; ok && i < c->count; i++)
		mcj__push(rules, mcj__write_rule(&c->rules[i]), &ok);
	if (ok) {
		ok = json_object_set_new(root, "rules", rules) == 0;
		rules = NULL; /* the call steals it, also when it fails */
	}
	if (ok)
		n = json_dumpb(root, NULL, 0, JSON_COMPACT | JSON_SORT_KEYS);
	if (!ok || n == 0 || (text = sx_malloc(n + 1)) == NULL) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	if (json_dumpb(root, text, n, JSON_COMPACT | JSON_SORT_KEYS) != n) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	text[n] = '\0';
	*out = text;
	text = NULL;
	if (len != NULL)
		*len = n;
	rc = 0;
done:
	sx_free(text);
	json_decref(rules);
	json_decref(root);
	return rc;
}
