/* service/matter_json — see matter_json.h. */
#include "service/matter_json.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/mem.h"

/* An error whose message for people is formatted (sx_error_setf formats only
 * the log detail). */
static int mj__fail(struct sx_error *err, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int mj__fail(struct sx_error *err, const char *code, const char *fmt, ...)
{
	char message[SX_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	return sx_error_set(err, SX_EINVALID, code, message);
}

static int mj__bad(struct sx_error *err, const char *field, const char *what)
{
	return mj__fail(err, "bad_matter", "执法事项字段 %s：%s", field, what);
}

/* Checks that obj holds only the allowed keys. */
static int mj__only(const json_t *obj, const char *where, const char *const *keys,
		    struct sx_error *err)
{
	const char *key;
	json_t *value;

	if (!json_is_object(obj))
		return mj__bad(err, where, "应为对象");
	json_object_foreach((json_t *)obj, key, value) {
		size_t i;

		(void)value;
		for (i = 0; keys[i]; i++)
			if (strcmp(keys[i], key) == 0)
				break;
		if (keys[i] == NULL)
			return mj__fail(err, "unknown_field",
					     "执法事项字段 %s 中有未知字段 %s", where, key);
	}
	return 0;
}

/* Copies a string member into dst (size dst_size). Absent: "" unless required. */
static int mj__text(char *dst, size_t dst_size, const json_t *obj, const char *key,
		    const char *where, bool required, struct sx_error *err)
{
	const json_t *v = json_object_get(obj, key);
	size_t len;

	dst[0] = '\0';
	if (v == NULL || json_is_null(v)) {
		if (required)
			return mj__fail(err, "bad_matter", "执法事项缺少字段 %s%s%s",
					     where, *where ? "." : "", key);
		return 0;
	}
	if (!json_is_string(v))
		return mj__fail(err, "bad_matter", "执法事项字段 %s%s%s 应为字符串",
				     where, *where ? "." : "", key);
	len = json_string_length(v);
	if (len >= dst_size)
		return mj__fail(err, "bad_matter",
				     "执法事项字段 %s%s%s 过长（最多 %zu 字节）", where,
				     *where ? "." : "", key, dst_size - 1);
	if (memchr(json_string_value(v), '\0', len) != NULL)
		return mj__fail(err, "bad_matter", "执法事项字段 %s%s%s 含有空字符",
				     where, *where ? "." : "", key);
	memcpy(dst, json_string_value(v), len);
	dst[len] = '\0';
	return 0;
}

static int mj__int(int64_t *out, const json_t *obj, const char *key, const char *where,
		   bool required, struct sx_error *err)
{
	const json_t *v = json_object_get(obj, key);

	*out = 0;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return mj__fail(err, "bad_matter", "执法事项缺少字段 %s.%s",
					     where, key);
		return 0;
	}
	if (!json_is_integer(v))
		return mj__fail(err, "bad_matter",
				     "执法事项字段 %s.%s 应为整数", where, key);
	*out = json_integer_value(v);
	return 0;
}

static int mj__small_int(int *out, const json_t *obj, const char *key, const char *where,
			 bool required, struct sx_error *err)
{
	int64_t v;
	int rc;

	if ((rc = mj__int(&v, obj, key, where, required, err)) < 0)
		return rc;
	if (v < 0 || v > 1000000)
		return mj__fail(err, "bad_matter",
				     "执法事项字段 %s.%s 超出范围", where, key);
	*out = (int)v;
	return 0;
}

static int mj__bool(bool *out, const json_t *obj, const char *key, struct sx_error *err)
{
	const json_t *v = json_object_get(obj, key);

	*out = false;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return mj__bad(err, key, "应为 true 或 false");
	*out = json_is_true(v);
	return 0;
}

/* An array member: *arr NULL when absent (allowed unless required). Caps length. */
static int mj__array(const json_t **arr, const json_t *obj, const char *key, size_t max,
		     bool required, struct sx_error *err)
{
	const json_t *v = json_object_get(obj, key);

	*arr = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return mj__fail(err, "bad_matter", "执法事项缺少字段 %s", key);
		return 0;
	}
	if (!json_is_array(v))
		return mj__bad(err, key, "应为数组");
	if (json_array_size(v) > max)
		return mj__fail(err, "matter_too_many",
				     "执法事项字段 %s 最多 %zu 项", key, max);
	*arr = v;
	return 0;
}

static void *mj__alloc(size_t count, size_t size, struct sx_error *err)
{
	void *p;

	if (count == 0)
		return NULL;
	p = sx_calloc(count, size);
	if (p == NULL)
		sx_error_set(err, SX_ENOMEM, NULL, NULL);
	return p;
}

static int mj__read_basis(struct matter *m, const json_t *obj, struct sx_error *err)
{
	static const char *const keys[] = {"law", "article", NULL};
	const json_t *arr;
	int rc;

	if ((rc = mj__array(&arr, obj, "legal_basis", MATTER_MAX_BASIS, true, err)) < 0)
		return rc;
	if (json_array_size(arr) == 0)
		return 0; /* matter_validate names the rule */
	if ((m->basis = mj__alloc(json_array_size(arr), sizeof(*m->basis), err)) == NULL)
		return SX_ENOMEM;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *e = json_array_get(arr, i);

		if ((rc = mj__only(e, "legal_basis[]", keys, err)) < 0 ||
		    (rc = mj__text(m->basis[i].law, sizeof(m->basis[i].law), e, "law",
				   "legal_basis[]", true, err)) < 0 ||
		    (rc = mj__text(m->basis[i].article, sizeof(m->basis[i].article), e, "article",
				   "legal_basis[]", true, err)) < 0)
			return rc;
		m->basis_count = i + 1;
	}
	return 0;
}

static int mj__read_steps(struct matter *m, const json_t *obj, struct sx_error *err)
{
	static const char *const keys[] = {"title", "detail", "days", NULL};
	const json_t *arr;
	int rc;

	if ((rc = mj__array(&arr, obj, "procedure", MATTER_MAX_STEPS, true, err)) < 0)
		return rc;
	if (json_array_size(arr) == 0)
		return 0;
	if ((m->steps = mj__alloc(json_array_size(arr), sizeof(*m->steps), err)) == NULL)
		return SX_ENOMEM;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *e = json_array_get(arr, i);
		struct matter_step *s = &m->steps[i];

		if ((rc = mj__only(e, "procedure[]", keys, err)) < 0 ||
		    (rc = mj__text(s->title, sizeof(s->title), e, "title", "procedure[]", true,
				   err)) < 0 ||
		    (rc = mj__text(s->detail, sizeof(s->detail), e, "detail", "procedure[]", false,
				   err)) < 0 ||
		    (rc = mj__small_int(&s->days, e, "days", "procedure[]", false, err)) < 0)
			return rc;
		m->step_count = i + 1;
	}
	return 0;
}

static int mj__read_guide(struct matter *m, const json_t *obj, struct sx_error *err)
{
	static const char *const keys[] = {"materials", "legal_days", "promised_days", "fee_fen",
					   "fee_basis", "place", NULL};
	const json_t *g = json_object_get(obj, "guide");
	struct matter_guide *guide = &m->guide;
	const json_t *arr;
	int rc;

	if (g == NULL || json_is_null(g))
		return 0;
	m->has_guide = true;
	if ((rc = mj__only(g, "guide", keys, err)) < 0 ||
	    (rc = mj__array(&arr, g, "materials", MATTER_MAX_MATERIALS, true, err)) < 0 ||
	    (rc = mj__small_int(&guide->legal_days, g, "legal_days", "guide", true, err)) < 0 ||
	    (rc = mj__small_int(&guide->promised_days, g, "promised_days", "guide", false, err)) <
		    0 ||
	    (rc = mj__int(&guide->fee_fen, g, "fee_fen", "guide", false, err)) < 0 ||
	    (rc = mj__text(guide->fee_basis, sizeof(guide->fee_basis), g, "fee_basis", "guide",
			   false, err)) < 0 ||
	    (rc = mj__text(guide->place, sizeof(guide->place), g, "place", "guide", false, err)) < 0)
		return rc;
	if (json_array_size(arr) == 0)
		return 0;
	guide->materials = mj__alloc(json_array_size(arr), sizeof(*guide->materials), err);
	if (guide->materials == NULL)
		return SX_ENOMEM;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *e = json_array_get(arr, i);

		if (!json_is_string(e))
			return mj__bad(err, "guide.materials[]", "应为字符串");
		if (json_string_length(e) >= sizeof(guide->materials[i]) ||
		    memchr(json_string_value(e), '\0', json_string_length(e)) != NULL)
			return mj__bad(err, "guide.materials[]", "过长或含有空字符");
		memcpy(guide->materials[i], json_string_value(e), json_string_length(e));
		guide->material_count = i + 1;
	}
	return 0;
}

static int mj__read_remedies(struct matter *m, const json_t *obj, struct sx_error *err)
{
	static const char *const keys[] = {"review_body", "review_days", "litigation_court",
					   "litigation_months", NULL};
	const json_t *r = json_object_get(obj, "remedies");
	struct matter_remedies *rem = &m->remedies;
	int rc;

	if (r == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_matter", "执法事项缺少字段 remedies");
	if ((rc = mj__only(r, "remedies", keys, err)) < 0 ||
	    (rc = mj__text(rem->review_body, sizeof(rem->review_body), r, "review_body",
			   "remedies", true, err)) < 0 ||
	    (rc = mj__small_int(&rem->review_days, r, "review_days", "remedies", true, err)) < 0 ||
	    (rc = mj__text(rem->litigation_court, sizeof(rem->litigation_court), r,
			   "litigation_court", "remedies", true, err)) < 0 ||
	    (rc = mj__small_int(&rem->litigation_months, r, "litigation_months", "remedies", true,
				err)) < 0)
		return rc;
	return 0;
}

static int mj__read_discretion(struct matter *m, const json_t *obj, struct sx_error *err)
{
	static const char *const keys[] = {"circumstance", "level", "min_fen", "max_fen", "other",
					   NULL};
	const json_t *arr;
	int rc;

	if ((rc = mj__array(&arr, obj, "discretion", MATTER_MAX_DISCRETION, false, err)) < 0)
		return rc;
	if (arr == NULL || json_array_size(arr) == 0)
		return 0;
	m->discretion = mj__alloc(json_array_size(arr), sizeof(*m->discretion), err);
	if (m->discretion == NULL)
		return SX_ENOMEM;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *e = json_array_get(arr, i);
		struct matter_discretion *d = &m->discretion[i];

		if ((rc = mj__only(e, "discretion[]", keys, err)) < 0 ||
		    (rc = mj__text(d->circumstance, sizeof(d->circumstance), e, "circumstance",
				   "discretion[]", true, err)) < 0 ||
		    (rc = mj__text(d->level, sizeof(d->level), e, "level", "discretion[]", true,
				   err)) < 0 ||
		    (rc = mj__int(&d->min_fen, e, "min_fen", "discretion[]", true, err)) < 0 ||
		    (rc = mj__int(&d->max_fen, e, "max_fen", "discretion[]", true, err)) < 0 ||
		    (rc = mj__text(d->other, sizeof(d->other), e, "other", "discretion[]", false,
				   err)) < 0)
			return rc;
		m->discretion_count = i + 1;
	}
	return 0;
}

static int mj__read_av(struct matter *m, const json_t *obj, struct sx_error *err)
{
	static const char *const keys[] = {"stage", "full_process", NULL};
	char name[16];
	const json_t *arr;
	int rc;

	if ((rc = mj__text(name, sizeof(name), obj, "av_requirement", "", false, err)) < 0)
		return rc;
	if (name[0] == '\0')
		m->av_requirement = MATTER_AV_NONE;
	else if (matter_av_from_name(&m->av_requirement, name) < 0)
		return mj__bad(err, "av_requirement", "应为 none、key_steps 或 full_process");
	if ((rc = mj__array(&arr, obj, "av_stages", MATTER_MAX_AV_STAGES, false, err)) < 0)
		return rc;
	if (arr == NULL || json_array_size(arr) == 0)
		return 0;
	m->av_stages = mj__alloc(json_array_size(arr), sizeof(*m->av_stages), err);
	if (m->av_stages == NULL)
		return SX_ENOMEM;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *e = json_array_get(arr, i);
		struct matter_av_stage *s = &m->av_stages[i];

		if ((rc = mj__only(e, "av_stages[]", keys, err)) < 0 ||
		    (rc = mj__text(s->stage, sizeof(s->stage), e, "stage", "av_stages[]", true,
				   err)) < 0 ||
		    (rc = mj__bool(&s->full_process, e, "full_process", err)) < 0)
			return rc;
		m->av_stage_count = i + 1;
	}
	return 0;
}

int matter_json_read(struct matter *out, const json_t *obj, struct sx_error *err)
{
	static const char *const keys[] = {"code", "name", "act_type", "unit", "legal_basis",
					   "procedure", "guide", "remedies", "random_inspection",
					   "major_decision", "av_requirement", "av_stages",
					   "discretion", NULL};
	char act[32];
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = mj__only(obj, "matter", keys, err)) < 0 ||
	    (rc = mj__text(out->code, sizeof(out->code), obj, "code", "", true, err)) < 0 ||
	    (rc = mj__text(out->name, sizeof(out->name), obj, "name", "", true, err)) < 0 ||
	    (rc = mj__text(act, sizeof(act), obj, "act_type", "", true, err)) < 0 ||
	    (rc = mj__text(out->unit, sizeof(out->unit), obj, "unit", "", true, err)) < 0)
		return rc;
	if (matter_act_type_from_label(&out->act_type, act) < 0)
		return mj__bad(err, "act_type",
			       "应为 许可 处罚 强制 征收 收费 检查 确认 裁决 奖励 其他 之一");
	if ((rc = mj__bool(&out->random_inspection, obj, "random_inspection", err)) < 0 ||
	    (rc = mj__bool(&out->major_decision, obj, "major_decision", err)) < 0 ||
	    (rc = mj__read_basis(out, obj, err)) < 0 || (rc = mj__read_steps(out, obj, err)) < 0 ||
	    (rc = mj__read_guide(out, obj, err)) < 0 ||
	    (rc = mj__read_remedies(out, obj, err)) < 0 ||
	    (rc = mj__read_discretion(out, obj, err)) < 0 || (rc = mj__read_av(out, obj, err)) < 0)
		return rc;
	return 0;
}

/* json_object_set_new that remembers a failure in *ok. */
static void mj__set(json_t *obj, const char *key, json_t *value, bool *ok)
{
	if (value == NULL || json_object_set_new(obj, key, value) < 0)
		*ok = false;
}

static void mj__push(json_t *arr, json_t *value, bool *ok)
{
	if (value == NULL || json_array_append_new(arr, value) < 0)
		*ok = false;
}

static json_t *mj__write_guide(const struct matter *m, bool *ok)
{
	const struct matter_guide *g = &m->guide;
	json_t *obj, *materials;

	if (!m->has_guide)
		return json_null();
	obj = json_object();
	materials = json_array();
	if (obj == NULL || materials == NULL) {
		json_decref(obj);
		json_decref(materials);
		*ok = false;
		return NULL;
	}
	for (size_t i = 0; i < g->material_count; i++)
		mj__push(materials, json_string(g->materials[i]), ok);
	mj__set(obj, "materials", materials, ok);
	mj__set(obj, "legal_days", json_integer(g->legal_days), ok);
	mj__set(obj, "promised_days", json_integer(g->promised_days), ok);
	mj__set(obj, "fee_fen", json_integer(g->fee_fen), ok);
	mj__set(obj, "fee_basis", json_string(g->fee_basis), ok);
	mj__set(obj, "place", json_string(g->place), ok);
	return obj;
}

json_t *matter_json_write(const struct matter *m)
{
	json_t *obj = json_object();
	json_t *basis = json_array(), *steps = json_array(), *disc = json_array(),
	       *av = json_array();
	bool ok = obj && basis && steps && disc && av;

	for (size_t i = 0; ok && i < m->basis_count; i++)
		mj__push(basis,
			 json_pack("{s:s,s:s}", "law", m->basis[i].law, "article",
				   m->basis[i].article),
			 &ok);
	for (size_t i = 0; ok && i < m->step_count; i++)
		mj__push(steps,
			 json_pack("{s:s,s:s,s:i}", "title", m->steps[i].title, "detail",
				   m->steps[i].detail, "days", m->steps[i].days),
			 &ok);
	for (size_t i = 0; ok && i < m->discretion_count; i++) {
		const struct matter_discretion *d = &m->discretion[i];

		mj__push(disc,
			 json_pack("{s:s,s:s,s:I,s:I,s:s}", "circumstance", d->circumstance,
				   "level", d->level, "min_fen", (json_int_t)d->min_fen, "max_fen",
				   (json_int_t)d->max_fen, "other", d->other),
			 &ok);
	}
	for (size_t i = 0; ok && i < m->av_stage_count; i++)
		mj__push(av,
			 json_pack("{s:s,s:b}", "stage", m->av_stages[i].stage, "full_process",
				   m->av_stages[i].full_process),
			 &ok);
	if (!ok) {
		json_decref(obj);
		json_decref(basis);
		json_decref(steps);
		json_decref(disc);
		json_decref(av);
		return NULL;
	}
	mj__set(obj, "code", json_string(m->code), &ok);
	mj__set(obj, "name", json_string(m->name), &ok);
	mj__set(obj, "act_type", json_string(matter_act_type_label(m->act_type)), &ok);
	mj__set(obj, "unit", json_string(m->unit), &ok);
	mj__set(obj, "legal_basis", basis, &ok);
	mj__set(obj, "procedure", steps, &ok);
	mj__set(obj, "guide", mj__write_guide(m, &ok), &ok);
	mj__set(obj, "remedies",
		json_pack("{s:s,s:i,s:s,s:i}", "review_body", m->remedies.review_body,
			  "review_days", m->remedies.review_days, "litigation_court",
			  m->remedies.litigation_court, "litigation_months",
			  m->remedies.litigation_months),
		&ok);
	mj__set(obj, "random_inspection", json_boolean(m->random_inspection), &ok);
	mj__set(obj, "major_decision", json_boolean(m->major_decision), &ok);
	mj__set(obj, "av_requirement", json_string(matter_av_name(m->av_requirement)), &ok);
	mj__set(obj, "av_stages", av, &ok);
	mj__set(obj, "discretion", disc, &ok);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

int matter_json_canonical(char **out, size_t *len, const struct matter *m, struct sx_error *err)
{
	json_t *obj = matter_json_write(m);
	char *text = NULL;
	size_t n;

	*out = NULL;
	*len = 0;
	if (obj == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	n = json_dumpb(obj, NULL, 0, JSON_COMPACT | JSON_SORT_KEYS);
	if (n == 0 || (text = sx_malloc(n + 1)) == NULL) {
		json_decref(obj);
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	}
	json_dumpb(obj, text, n, JSON_COMPACT | JSON_SORT_KEYS);
	text[n] = '\0';
	json_decref(obj);
	*out = text;
	*len = n;
	return 0;
}

int matter_json_parse(struct matter *out, const char *text, size_t len, struct sx_error *err)
{
	json_error_t jerr;
	json_t *obj;
	int rc;

	memset(out, 0, sizeof(*out));
	obj = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (obj == NULL)
		return sx_error_setf(err, SX_EINVALID, "bad_matter",
				     "执法事项数据不是合法的 JSON", "%s", jerr.text);
	rc = matter_json_read(out, obj, err);
	json_decref(obj);
	return rc;
}
