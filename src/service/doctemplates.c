/*
 * service/doctemplates — see doctemplates.h.
 *
 * Reading a template file is strict in form (types, sizes, unknown keys) and
 * leaves the rules to doctemplate_validate. Any problem with a shipped file is
 * SX_ECORRUPT: the binary carries broken data, which start-up must report
 * rather than serve documents from.
 */
#include "service/doctemplates.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/embedded.h"
#include "base/mem.h"

#define TEMPLATE_PREFIX "templates/"
#define TEMPLATE_SUFFIX ".json"
#define VALUES_JSON_MAX_BYTES (64u * 1024u * 1024u)

struct doctemplates {
	struct doctemplate *items; /* owned; sorted by order, then code */
	size_t count;
};

static int dt__fail(struct sx_error *err, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An SX_EINVALID whose message for people is formatted. */
static int dt__fail(struct sx_error *err, const char *code, const char *fmt, ...)
{
	char message[SX_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	return sx_error_set(err, SX_EINVALID, code, message);
}

static int dt__nomem(struct sx_error *err)
{
	return sx_error_set(err, SX_ENOMEM, NULL, NULL);
}

/* Checks that obj is an object holding only the allowed keys. */
static int dt__only(const json_t *obj, const char *where, const char *const *keys,
		    struct sx_error *err)
{
	const char *key;
	json_t *value;

	if (!json_is_object(obj))
		return dt__fail(err, "bad_template", "%s 应为对象", where);
	json_object_foreach((json_t *)obj, key, value) {
		size_t i;

		(void)value;
		for (i = 0; keys[i] != NULL; i++)
			if (strcmp(keys[i], key) == 0)
				break;
		if (keys[i] == NULL)
			return dt__fail(err, "bad_template", "%s 中有未知字段 %.40s", where, key);
	}
	return 0;
}

/* Copies a string member into dst[dst_size]; absent is "" unless required. */
static int dt__text(char *dst, size_t dst_size, const json_t *obj, const char *key,
		    const char *where, bool required, struct sx_error *err)
{
	const json_t *v = json_object_get(obj, key);
	size_t len;

	dst[0] = '\0';
	if (v == NULL) {
		if (required)
			return dt__fail(err, "bad_template", "%s 缺少 %s", where, key);
		return 0;
	}
	if (!json_is_string(v))
		return dt__fail(err, "bad_template", "%s.%s 应为字符串", where, key);
	len = json_string_length(v);
	if (len >= dst_size || memchr(json_string_value(v), '\0', len) != NULL)
		return dt__fail(err, "bad_template", "%s.%s 过长（最多 %zu 字节）或含空字符",
				where, key, dst_size - 1);
	memcpy(dst, json_string_value(v), len);
	dst[len] = '\0';
	return 0;
}

static int dt__bool(bool *out, const json_t *obj, const char *key, const char *where,
		    bool required, struct sx_error *err)
{
	const json_t *v = json_object_get(obj, key);

	*out = false;
	if (v == NULL) {
		if (required)
			return dt__fail(err, "bad_template", "%s 缺少 %s", where, key);
		return 0;
	}
	if (!json_is_boolean(v))
		return dt__fail(err, "bad_template", "%s.%s 应为 true 或 false", where, key);
	*out = json_is_true(v);
	return 0;
}

static int dt__int(int *out, const json_t *obj, const char *key, const char *where,
		   struct sx_error *err)
{
	const json_t *v = json_object_get(obj, key);

	*out = 0;
	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000000)
		return dt__fail(err, "bad_template", "%s.%s 应为 0—1000000 的整数", where, key);
	*out = (int)json_integer_value(v);
	return 0;
}

/* An array member of at most max entries; *arr NULL when absent and optional. */
static int dt__array(const json_t **arr, const json_t *obj, const char *key, const char *where,
		     size_t max, bool required, struct sx_error *err)
{
	const json_t *v = json_object_get(obj, key);

	*arr = NULL;
	if (v == NULL) {
		if (required)
			return dt__fail(err, "bad_template", "%s 缺少 %s", where, key);
		return 0;
	}
	if (!json_is_array(v))
		return dt__fail(err, "bad_template", "%s.%s 应为数组", where, key);
	if (json_array_size(v) > max)
		return dt__fail(err, "bad_template", "%s.%s 最多 %zu 项", where, key, max);
	*arr = v;
	return 0;
}

/* Copies the strings of arr into a new array of count fixed-size entries. */
static int dt__strings(char **dst, size_t entry_size, size_t *count, const json_t *arr,
		       const char *where, struct sx_error *err)
{
	char *items;

	*dst = NULL;
	*count = 0;
	if (arr == NULL || json_array_size(arr) == 0)
		return 0;
	if ((items = sx_calloc(json_array_size(arr), entry_size)) == NULL)
		return dt__nomem(err);
	*dst = items;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *e = json_array_get(arr, i);
		size_t len;

		if (!json_is_string(e))
			return dt__fail(err, "bad_template", "%s[] 应为字符串", where);
		len = json_string_length(e);
		if (len >= entry_size || memchr(json_string_value(e), '\0', len) != NULL)
			return dt__fail(err, "bad_template", "%s[] 过长或含空字符", where);
		memcpy(items + i * entry_size, json_string_value(e), len);
		*count = i + 1;
	}
	return 0;
}

static int dt__read_field(struct doctemplate_field *f, const json_t *obj, struct sx_error *err)
{
	static const char *const keys[] = { "name",   "label",   "type", "required",
					    "max_chars", "choices", "help", NULL };
	char type[16];
	const json_t *choices;
	int rc;

	if ((rc = dt__only(obj, "fields[]", keys, err)) < 0 ||
	    (rc = dt__text(f->name, sizeof(f->name), obj, "name", "fields[]", true, err)) < 0 ||
	    (rc = dt__text(f->label, sizeof(f->label), obj, "label", f->name, true, err)) < 0 ||
	    (rc = dt__text(type, sizeof(type), obj, "type", f->name, true, err)) < 0 ||
	    (rc = dt__bool(&f->required, obj, "required", f->name, true, err)) < 0 ||
	    (rc = dt__int(&f->max_chars, obj, "max_chars", f->name, err)) < 0 ||
	    (rc = dt__text(f->help, sizeof(f->help), obj, "help", f->name, false, err)) < 0 ||
	    (rc = dt__array(&choices, obj, "choices", f->name, DOCTEMPLATE_MAX_CHOICES, false,
			    err)) < 0)
		return rc;
	if (doctemplate_field_type_from_name(&f->type, type) < 0)
		return dt__fail(err, "bad_template", "字段 %s：类型 %s 未知", f->name, type);
	return dt__strings((char **)&f->choices, sizeof(*f->choices), &f->choice_count, choices,
			   "choices", err);
}

static int dt__read_block(struct doctemplate_layout *b, const json_t *obj, struct sx_error *err)
{
	static const char *const keys[] = { "block", "label", "text", NULL };
	const json_t *text = json_object_get(obj, "text");
	char block[16];
	int rc;

	if ((rc = dt__only(obj, "layout[]", keys, err)) < 0 ||
	    (rc = dt__text(block, sizeof(block), obj, "block", "layout[]", true, err)) < 0 ||
	    (rc = dt__text(b->label, sizeof(b->label), obj, "label", "layout[]", false, err)) < 0)
		return rc;
	if (doctemplate_block_from_name(&b->block, block) < 0)
		return dt__fail(err, "bad_template", "版式块类型 %s 未知", block);
	if (text != NULL && (!json_is_string(text) || json_string_length(text) >
							     DOCTEMPLATE_MAX_TEXT_BYTES ||
			     memchr(json_string_value(text), '\0', json_string_length(text))))
		return dt__fail(err, "bad_template", "layout[].text 应为不超过 %d 字节的字符串",
				DOCTEMPLATE_MAX_TEXT_BYTES);
	b->text = sx_strdup(text != NULL ? json_string_value(text) : "");
	if (b->text == NULL)
		return dt__nomem(err);
	return 0;
}

/* Reads one template object into *t (zeroed first; doctemplate_clear it on error too). */
static int dt__read_template(struct doctemplate *t, const json_t *obj, struct sx_error *err)
{
	static const char *const keys[] = { "code",  "title",  "doc_word",  "order",  "kinds",
					    "stages", "served", "field_act", "fields", "layout",
					    NULL };
	const json_t *kinds, *stages, *fields, *layout;
	int rc;

	memset(t, 0, sizeof(*t));
	if ((rc = dt__only(obj, "模板", keys, err)) < 0 ||
	    (rc = dt__text(t->code, sizeof(t->code), obj, "code", "模板", true, err)) < 0 ||
	    (rc = dt__text(t->title, sizeof(t->title), obj, "title", "模板", true, err)) < 0 ||
	    (rc = dt__text(t->doc_word, sizeof(t->doc_word), obj, "doc_word", "模板", true,
			   err)) < 0 ||
	    (rc = dt__int(&t->order, obj, "order", "模板", err)) < 0 ||
	    (rc = dt__bool(&t->served, obj, "served", "模板", true, err)) < 0 ||
	    (rc = dt__text(t->field_act, sizeof(t->field_act), obj, "field_act", "模板", true,
			   err)) < 0 ||
	    (rc = dt__array(&kinds, obj, "kinds", "模板", 3, true, err)) < 0 ||
	    (rc = dt__array(&stages, obj, "stages", "模板", DOCTEMPLATE_MAX_STAGES, true, err)) <
		    0 ||
	    (rc = dt__array(&fields, obj, "fields", "模板", DOCTEMPLATE_MAX_FIELDS, true, err)) <
		    0 ||
	    (rc = dt__array(&layout, obj, "layout", "模板", DOCTEMPLATE_MAX_LAYOUT, true, err)) <
		    0)
		return rc;
	for (size_t i = 0; i < json_array_size(kinds); i++) {
		const json_t *k = json_array_get(kinds, i);
		enum doctemplate_kind kind;

		if (!json_is_string(k) || doctemplate_kind_from_name(&kind, json_string_value(k)) < 0)
			return dt__fail(err, "bad_template",
					"kinds 应为 penalty、inspection、coercion 之一");
		t->kinds_mask |= 1u << kind;
	}
	if ((rc = dt__strings((char **)&t->stages, sizeof(*t->stages), &t->stage_count, stages,
			      "stages", err)) < 0)
		return rc;
	if (json_array_size(fields) > 0) {
		t->fields = sx_calloc(json_array_size(fields), sizeof(*t->fields));
		if (t->fields == NULL)
			return dt__nomem(err);
		for (size_t i = 0; i < json_array_size(fields); i++) {
			t->field_count = i + 1;
			if ((rc = dt__read_field(&t->fields[i], json_array_get(fields, i), err)) < 0)
				return rc;
		}
	}
	if (json_array_size(layout) > 0) {
		t->layout = sx_calloc(json_array_size(layout), sizeof(*t->layout));
		if (t->layout == NULL)
			return dt__nomem(err);
		for (size_t i = 0; i < json_array_size(layout); i++) {
			t->layout_count = i + 1;
			if ((rc = dt__read_block(&t->layout[i], json_array_get(layout, i), err)) < 0)
				return rc;
		}
	}
	return 0;
}

static bool dt__is_template_path(const char *path)
{
	size_t len = strlen(path), pre = strlen(TEMPLATE_PREFIX), suf = strlen(TEMPLATE_SUFFIX);

	return len > pre + suf && strncmp(path, TEMPLATE_PREFIX, pre) == 0 &&
	       strcmp(path + len - suf, TEMPLATE_SUFFIX) == 0;
}

/* Whether path is templates/<code>.json. */
static bool dt__path_matches_code(const char *path, const char *code)
{
	size_t pre = strlen(TEMPLATE_PREFIX), code_len = strlen(code);

	return strncmp(path + pre, code, code_len) == 0 &&
	       strcmp(path + pre + code_len, TEMPLATE_SUFFIX) == 0;
}

/* Loads one asset into *t; problems become SX_ECORRUPT naming the file. */
static int dt__load_one(struct doctemplate *t, const struct embedded_asset *a,
			struct sx_error *err)
{
	/* Room for the path and the inner message; sx_error_set truncates to fit. */
	char message[2 * SX_ERROR_MESSAGE_MAX + 64];
	struct sx_error inner = { 0 };
	json_error_t jerr;
	json_t *root;
	int rc;

	memset(t, 0, sizeof(*t));
	root = json_loadb(a->data, a->size_bytes, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		snprintf(message, sizeof(message), "文书模板 %s 不是合法的 JSON", a->path);
		return sx_error_setf(err, SX_ECORRUPT, "bad_template", message, "%s:%d: %s",
				     a->path, jerr.line, jerr.text);
	}
	rc = dt__read_template(t, root, &inner);
	json_decref(root);
	if (rc == 0 && !dt__path_matches_code(a->path, t->code))
		rc = dt__fail(&inner, "bad_template", "文件名与编码 %s 不一致", t->code);
	if (rc == 0)
		rc = doctemplate_validate(t, &inner);
	if (rc == 0)
		return 0;
	doctemplate_clear(t);
	if (rc == SX_ENOMEM)
		return dt__nomem(err);
	snprintf(message, sizeof(message), "文书模板 %s 有误：%s", a->path, inner.message);
	return sx_error_setf(err, SX_ECORRUPT, "bad_template", message, "%s: %s", a->path,
			     inner.message);
}

static int dt__compare(const void *a, const void *b)
{
	const struct doctemplate *x = a, *y = b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->code, y->code);
}

int doctemplates__load_assets(struct doctemplates **out, const struct embedded_asset *assets,
			      size_t count, struct sx_error *err)
{
	struct doctemplates *r = NULL;
	size_t n = 0;
	int rc = 0;

	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, "invalid", "参数无效");
	*out = NULL;
	if (assets == NULL && count > 0)
		return sx_error_set(err, SX_EINVALID, "invalid", "参数无效");
	for (size_t i = 0; i < count; i++)
		if (assets[i].path != NULL && dt__is_template_path(assets[i].path))
			n++;
	if (n == 0)
		return sx_error_set(err, SX_ECORRUPT, "bad_template", "程序中没有文书模板");
	if ((r = sx_calloc(1, sizeof(*r))) == NULL ||
	    (r->items = sx_calloc(n, sizeof(*r->items))) == NULL) {
		rc = dt__nomem(err);
		goto done;
	}
	for (size_t i = 0; i < count; i++) {
		if (assets[i].path == NULL || !dt__is_template_path(assets[i].path))
			continue;
		if ((rc = dt__load_one(&r->items[r->count], &assets[i], err)) < 0)
			goto done;
		r->count++;
		for (size_t j = 0; j + 1 < r->count; j++) {
			if (strcmp(r->items[j].code, r->items[r->count - 1].code) == 0) {
				char message[SX_ERROR_MESSAGE_MAX];

				snprintf(message, sizeof(message), "文书模板 %s 的编码重复",
					 assets[i].path);
				rc = sx_error_set(err, SX_ECORRUPT, "bad_template", message);
				goto done;
			}
		}
	}
	qsort(r->items, r->count, sizeof(*r->items), dt__compare);
	*out = r;
	r = NULL;
done:
	doctemplates_free(r);
	return rc;
}

int doctemplates_load(struct doctemplates **out, struct sx_error *err)
{
	return doctemplates__load_assets(out, embedded_assets, embedded_asset_count, err);
}

void doctemplates_free(struct doctemplates *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; r->items != NULL && i < r->count; i++)
		doctemplate_clear(&r->items[i]);
	sx_free(r->items);
	sx_free(r);
}

const struct doctemplate *doctemplates_find(const struct doctemplates *r, const char *code)
{
	if (r == NULL || code == NULL)
		return NULL;
	for (size_t i = 0; i < r->count; i++)
		if (strcmp(r->items[i].code, code) == 0)
			return &r->items[i];
	return NULL;
}

size_t doctemplates_count(const struct doctemplates *r)
{
	return r != NULL ? r->count : 0;
}

const struct doctemplate *doctemplates_at(const struct doctemplates *r, size_t i)
{
	if (r == NULL || i >= r->count)
		return NULL;
	return &r->items[i];
}

/* ---- values ---- */

/* The shortest decimal text that reads back as d ("1000.5", not "1000.50000000000000"). */
static void dt__shortest_real(char *out, size_t size, double d)
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(out, size, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			return;
	}
}

/* One JSON value as the string stored in values. */
static int dt__value_text(char *scratch, size_t scratch_size, const char **text,
			  const char *key, const json_t *value, struct sx_error *err)
{
	switch (json_typeof(value)) {
	case JSON_STRING:
		if (json_string_length(value) > DOCTEMPLATES_MAX_VALUE_BYTES)
			return dt__fail(err, "bad_field", "字段 %.32s 的内容过长（最多 64 KiB）", key);
		if (memchr(json_string_value(value), '\0', json_string_length(value)) != NULL)
			return dt__fail(err, "bad_field", "字段 %.32s 含有空字符", key);
		*text = json_string_value(value);
		return 0;
	case JSON_INTEGER:
		snprintf(scratch, scratch_size, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
		*text = scratch;
		return 0;
	case JSON_REAL:
		if (!isfinite(json_real_value(value)))
			return dt__fail(err, "bad_field", "字段 %.32s 的数值无效", key);
		dt__shortest_real(scratch, scratch_size, json_real_value(value));
		*text = scratch;
		return 0;
	case JSON_OBJECT:
	case JSON_ARRAY:
		return sx_error_set(err, SX_EINVALID, "bad_json", "文书内容不能含嵌套的对象或数组");
	default:
		return dt__fail(err, "bad_field", "字段 %.32s 的值应为字符串", key);
	}
}

int doctemplates_values_from_json(struct doctemplate_values *out, const char *json, size_t len,
				  struct sx_error *err)
{
	json_error_t jerr;
	json_t *root = NULL, *value;
	const char *key;
	int rc = 0;

	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, "invalid", "参数无效");
	memset(out, 0, sizeof(*out));
	if (json == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_json", "文书内容不是合法的 JSON");
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return sx_error_setf(err, SX_EINVALID, "bad_json", "文书内容不是合法的 JSON（或有重复字段）",
				     "%d:%d: %s", jerr.line, jerr.column, jerr.text);
	if (!json_is_object(root)) {
		rc = sx_error_set(err, SX_EINVALID, "bad_json", "文书内容应为 JSON 对象");
		goto done;
	}
	if (json_object_size(root) > DOCTEMPLATES_MAX_KEYS) {
		rc = dt__fail(err, "bad_json", "文书内容最多 %d 个字段", DOCTEMPLATES_MAX_KEYS);
		goto done;
	}
	json_object_foreach(root, key, value) {
		char scratch[64];
		const char *text = NULL;
		size_t key_len = strlen(key);

		if (key_len == 0 || key_len >= DOCTEMPLATE_CODE_SIZE) {
			rc = sx_error_set(err, SX_EINVALID, "bad_field", "文书内容的字段名为空或过长");
			goto done;
		}
		if ((rc = dt__value_text(scratch, sizeof(scratch), &text, key, value, err)) < 0)
			goto done;
		if ((rc = doctemplate_values_set(out, key, text)) < 0) {
			rc = rc == SX_ENOMEM ? dt__nomem(err)
					     : sx_error_set(err, rc, "bad_field", "文书内容的字段名无效");
			goto done;
		}
	}
done:
	json_decref(root);
	if (rc < 0)
		doctemplate_values_clear(out);
	return rc;
}

static int dt__compare_items(const void *a, const void *b)
{
	const struct doctemplate_value *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

int doctemplates_values_to_json(char **out, const struct doctemplate_values *v,
				struct sx_error *err)
{
	const struct doctemplate_value **sorted = NULL;
	struct buf b;
	int rc = 0;

	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, "invalid", "参数无效");
	*out = NULL;
	if (v == NULL || (v->count > 0 && v->items == NULL))
		return sx_error_set(err, SX_EINVALID, "invalid", "参数无效");
	buf_init(&b, VALUES_JSON_MAX_BYTES);
	if (v->count > 0 && (sorted = sx_calloc(v->count, sizeof(*sorted))) == NULL) {
		rc = dt__nomem(err);
		goto done;
	}
	for (size_t i = 0; i < v->count; i++)
		sorted[i] = &v->items[i];
	if (v->count > 1)
		qsort(sorted, v->count, sizeof(*sorted), dt__compare_items);
	if ((rc = buf_append_char(&b, '{')) < 0)
		goto buf_error;
	for (size_t i = 0; i < v->count; i++) {
		const char *name = sorted[i]->name, *value = sorted[i]->value;

		if ((i > 0 && (rc = buf_append_char(&b, ',')) < 0) ||
		    (rc = buf_append_json_string(&b, name, strnlen(name, sizeof(sorted[i]->name)))) <
			    0 ||
		    (rc = buf_append_char(&b, ':')) < 0 ||
		    (rc = buf_append_json_string(&b, value, strlen(value))) < 0)
			goto buf_error;
	}
	if ((rc = buf_append_char(&b, '}')) < 0)
		goto buf_error;
	if ((*out = buf_detach(&b, NULL)) == NULL)
		rc = dt__nomem(err);
	goto done;
buf_error:
	if (rc == SX_ENOMEM)
		rc = dt__nomem(err);
	else if (rc == SX_EINVALID)
		rc = sx_error_set(err, rc, "bad_utf8", "文书内容不是有效的 UTF-8 文本");
	else
		rc = sx_error_set(err, rc, NULL, "文书内容过长");
done:
	buf_free(&b);
	sx_free(sorted);
	return rc;
}

/* json_object_set_new / json_array_append_new that remember a failure in *ok. */
static void dt__set(json_t *obj, const char *key, json_t *value, bool *ok)
{
	if (value == NULL || json_object_set_new(obj, key, value) < 0)
		*ok = false;
}

static void dt__push(json_t *arr, json_t *value, bool *ok)
{
	if (value == NULL || json_array_append_new(arr, value) < 0)
		*ok = false;
}

static json_t *dt__describe_field(const struct doctemplate_field *f)
{
	json_t *obj = json_object(), *choices = json_array();
	bool ok = obj != NULL && choices != NULL;
	int max = f->max_chars;

	if (max == 0 && f->type == DOCTEMPLATE_TEXT)
		max = DOCTEMPLATE_TEXT_DEFAULT_CHARS;
	else if (max == 0 && f->type == DOCTEMPLATE_TEXTAREA)
		max = DOCTEMPLATE_TEXTAREA_DEFAULT_CHARS;
	for (size_t c = 0; ok && c < f->choice_count; c++)
		dt__push(choices, json_string(f->choices[c]), &ok);
	if (!ok) {
		json_decref(obj);
		json_decref(choices);
		return NULL;
	}
	dt__set(obj, "choices", choices, &ok);
	dt__set(obj, "name", json_string(f->name), &ok);
	dt__set(obj, "label", json_string(f->label), &ok);
	dt__set(obj, "type", json_string(doctemplate_field_type_name(f->type)), &ok);
	dt__set(obj, "required", json_boolean(f->required), &ok);
	dt__set(obj, "system", json_boolean(doctemplate_field_type_is_system(f->type)), &ok);
	dt__set(obj, "max_chars", json_integer(max), &ok);
	dt__set(obj, "help", json_string(f->help), &ok);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

int doctemplates_describe_json(char **out, const struct doctemplate *t, struct sx_error *err)
{
	json_t *obj = NULL, *stages = NULL, *kinds = NULL, *fields = NULL;
	char *text = NULL;
	bool ok;
	size_t n;
	int rc = 0;

	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, "invalid", "参数无效");
	*out = NULL;
	if (t == NULL)
		return sx_error_set(err, SX_EINVALID, "invalid", "参数无效");
	obj = json_object();
	stages = json_array();
	kinds = json_array();
	fields = json_array();
	ok = obj && stages && kinds && fields;
	for (size_t i = 0; ok && i < t->stage_count; i++)
		dt__push(stages, json_string(t->stages[i]), &ok);
	for (int k = DOCTEMPLATE_KIND_PENALTY; ok && k <= DOCTEMPLATE_KIND_COERCION; k++)
		if (t->kinds_mask & (1u << k))
			dt__push(kinds, json_string(doctemplate_kind_name((enum doctemplate_kind)k)),
				 &ok);
	for (size_t i = 0; ok && i < t->field_count; i++)
		dt__push(fields, dt__describe_field(&t->fields[i]), &ok);
	if (!ok) {
		json_decref(stages);
		json_decref(kinds);
		json_decref(fields);
		rc = dt__nomem(err);
		goto done;
	}
	dt__set(obj, "stages", stages, &ok);
	dt__set(obj, "kinds", kinds, &ok);
	dt__set(obj, "fields", fields, &ok);
	dt__set(obj, "code", json_string(t->code), &ok);
	dt__set(obj, "title", json_string(t->title), &ok);
	dt__set(obj, "doc_word", json_string(t->doc_word), &ok);
	dt__set(obj, "order", json_integer(t->order), &ok);
	dt__set(obj, "served", json_boolean(t->served), &ok);
	dt__set(obj, "field_act", json_string(t->field_act), &ok);
	if (!ok) {
		rc = dt__nomem(err);
		goto done;
	}
	n = json_dumpb(obj, NULL, 0, JSON_COMPACT | JSON_SORT_KEYS);
	if (n == 0 || (text = sx_malloc(n + 1)) == NULL) {
		rc = dt__nomem(err);
		goto done;
	}
	json_dumpb(obj, text, n, JSON_COMPACT | JSON_SORT_KEYS);
	text[n] = '\0';
	*out = text;
done:
	json_decref(obj);
	return rc;
}
