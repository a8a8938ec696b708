/*
 * service/case_records — text records of a case made from document templates
 * (see cases.h for the rules).
 *
 * What is stored for a record (docs/cases.md, "Records"):
 *   values_json  the canonical JSON {"doc": {...}, "values": {...}}: the
 *                officer's values and the document exactly as rendered then
 *                (agency, title, 文号, 案号, blocks), so that the PDF printed
 *                years later is the document made that day even if the
 *                template has changed since;
 *   body_text    the plain text of the document (for reading and search);
 *   content_sha256  SHA-256 of values_json, also in the ledger event
 *                "record.make": a changed byte is noticed.
 * The party's verification code of a served document is printed on it (so it
 * is part of the document); the hash column lets the party's lookup find it.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "crypto/random.h"
#include "domain/doctemplate.h"
#include "domain/fieldact.h"
#include "domain/idcheck.h"
#include "report/pdf.h"
#include "service/case_internal.h"
#include "service/doctemplates.h"
#include "service/ledger.h"

#define RECORD_MAX_VALUES_BYTES (256u * 1024)

void service_record_clear(struct service_record *r)
{
	if (!r)
		return;
	store_case_record_clear(&r->r);
	sx_free(r->officers);
	memset(r, 0, sizeof(*r));
	r->ledger_index = -1;
}

/* ---- the stored document as JSON ---- */

static const char *record__block_kind_code(enum docblock_kind k)
{
	switch (k) {
	case DOCBLOCK_FIELD: return "field";
	case DOCBLOCK_PARAGRAPH: return "paragraph";
	case DOCBLOCK_HEADING: return "heading";
	case DOCBLOCK_TABLE_ROW: return "table_row";
	case DOCBLOCK_SIGNATURE: return "signature";
	case DOCBLOCK_SEAL: return "seal";
	}
	return "paragraph";
}

static int record__block_kind_from(enum docblock_kind *out, const char *code)
{
	static const enum docblock_kind kinds[] = {DOCBLOCK_FIELD, DOCBLOCK_PARAGRAPH,
						   DOCBLOCK_HEADING, DOCBLOCK_TABLE_ROW,
						   DOCBLOCK_SIGNATURE, DOCBLOCK_SEAL};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(record__block_kind_code(kinds[i]), code) == 0) {
			*out = kinds[i];
			return 0;
		}
	return SX_EINVALID;
}

/* Canonical JSON of the record: {"doc": …, "values": …} with sorted keys. */
static int record__json(char **out, const struct docblock_doc *doc, const char *values_json,
			struct sx_error *err)
{
	json_t *root = NULL, *d = NULL, *blocks = NULL, *values = NULL;
	json_error_t jerr;
	size_t i;
	int rc = SX_ENOMEM;

	*out = NULL;
	if (!(values = json_loads(values_json, JSON_REJECT_DUPLICATES, &jerr)))
		return sx_error_set(err, SX_EINTERNAL, "bad_values_json", NULL);
	root = json_object();
	d = json_pack("{s:s, s:s, s:s, s:s}", "agency_name", doc->agency_name, "title", doc->title,
		      "doc_no", doc->doc_no, "case_no", doc->case_no);
	blocks = json_array();
	if (!root || !d || !blocks)
		goto done;
	for (i = 0; i < doc->block_count; i++) {
		json_t *b = json_pack("{s:s, s:s, s:s}", "kind",
				      record__block_kind_code(doc->blocks[i].kind), "label",
				      doc->blocks[i].label, "text", doc->blocks[i].text);

		if (!b || json_array_append_new(blocks, b) < 0)
			goto done;
	}
	if (json_object_set(d, "blocks", blocks) < 0 || json_object_set(root, "doc", d) < 0 ||
	    json_object_set(root, "values", values) < 0)
		goto done;
	if (!(*out = json_dumps(root, JSON_SORT_KEYS | JSON_COMPACT)))
		goto done;
	rc = 0;
done:
	json_decref(root);
	json_decref(d);
	json_decref(blocks);
	json_decref(values);
	if (rc < 0)
		return sx_error_set(err, rc, NULL, NULL);
	return 0;
}

static char *record__dup(const char *s)
{
	size_t n = strlen(s);
	char *p = sx_malloc(n + 1);

	if (p)
		memcpy(p, s, n + 1);
	return p;
}

static const char *record__str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

/* The stored document back into blocks, for the PDF. */
static int record__doc_from_json(struct docblock_doc *out, const char *values_json,
				 struct sx_error *err)
{
	json_t *root, *d, *blocks;
	json_error_t jerr;
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!(root = json_loads(values_json, 0, &jerr)))
		return sx_error_set(err, SX_ECORRUPT, "bad_record", "文书数据已损坏");
	d = json_object_get(root, "doc");
	blocks = json_object_get(d, "blocks");
	if (!json_is_object(d) || !json_is_array(blocks)) {
		rc = sx_error_set(err, SX_ECORRUPT, "bad_record", "文书数据已损坏");
		goto done;
	}
	out->agency_name = record__dup(record__str(d, "agency_name"));
	out->title = record__dup(record__str(d, "title"));
	out->doc_no = record__dup(record__str(d, "doc_no"));
	out->case_no = record__dup(record__str(d, "case_no"));
	if (json_array_size(blocks) > 0)
		out->blocks = sx_calloc(json_array_size(blocks), sizeof(*out->blocks));
	if (!out->agency_name || !out->title || !out->doc_no || !out->case_no ||
	    (json_array_size(blocks) > 0 && !out->blocks)) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	for (i = 0; i < json_array_size(blocks); i++) {
		const json_t *b = json_array_get(blocks, i);
		struct docblock *x = &out->blocks[out->block_count];

		if (record__block_kind_from(&x->kind, record__str(b, "kind")) < 0) {
			rc = sx_error_set(err, SX_ECORRUPT, "bad_record", "文书数据已损坏");
			goto done;
		}
		x->label = record__dup(record__str(b, "label"));
		x->text = record__dup(record__str(b, "text"));
		out->block_count++;
		if (!x->label || !x->text) {
			rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
			goto done;
		}
	}
done:
	json_decref(root);
	if (rc < 0)
		docblock_doc_clear(out);
	return rc;
}

/* ---- making a record ---- */

/* 12 characters of Crockford's base32 (no I, L, O, U: nothing to misread on paper). */
static int record__verify_code(char out[SERVICE_CASE_VERIFY_CODE_SIZE])
{
	static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	unsigned char bytes[SERVICE_CASE_VERIFY_CODE_SIZE - 1];
	size_t i;
	int rc;

	if ((rc = crypto_random_bytes(bytes, sizeof(bytes))) < 0)
		return rc;
	for (i = 0; i < sizeof(bytes); i++)
		out[i] = alphabet[bytes[i] & 31];
	out[sizeof(bytes)] = '\0';
	return 0;
}

/* "2026年12月6日" */
static void record__chinese_date(char out[32], const char *date)
{
	int y, m, d;

	if (sx_date_parse(&y, &m, &d, date, strlen(date)) < 0)
		snprintf(out, 32, "%s", date);
	else
		snprintf(out, 32, "%d年%d月%d日", y, m, d);
}

/* Loads, checks and snapshots the officers named for the record. */
static int record__officers(struct store_case_record_officer **out, size_t *count,
			    struct store_tx *tx, const struct case_ctx *cx,
			    const struct doctemplate *t, const struct service_record_input *in,
			    const char *made_on, struct sx_error *err)
{
	struct store_officer *rows = NULL;
	struct fieldact_officer *acts = NULL;
	struct store_case_record_officer *ro = NULL;
	size_t i, n = in->officer_count;
	int rc = 0;

	*out = NULL;
	*count = 0;
	if (n > SERVICE_CASE_MAX_OFFICERS)
		return sx_error_set(err, SX_EINVALID, "too_many_officers", "执法人员过多（最多 20 名）");
	if (n == 0 && !t->field_act[0])
		return 0;
	rows = sx_calloc(n + 1, sizeof(*rows));
	acts = sx_calloc(n + 1, sizeof(*acts));
	ro = sx_calloc(n + 1, sizeof(*ro));
	if (!rows || !acts || !ro) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	for (i = 0; i < n; i++) {
		const char *id = in->officer_ids[i];

		rc = id && strlen(id) < STORE_ID_SIZE ? store_officer_get(&rows[i], tx, id, err)
						      : SX_ENOTFOUND;
		if (rc == SX_ENOTFOUND) {
			rc = sx_error_set(err, SX_ENOTFOUND, "officer_not_found", "执法人员不存在");
			goto done;
		}
		if (rc < 0)
			goto done;
		acts[i].officer_id = rows[i].id;
		acts[i].name = rows[i].name;
		acts[i].cert_no = rows[i].cert_no;
		acts[i].status = rows[i].status;
		acts[i].valid_from = rows[i].valid_from;
		acts[i].valid_to = rows[i].valid_to;
		acts[i].agency_id = rows[i].agency_id;
	}
	/* 《行政处罚法》第四十二条, 《行政强制法》第十八条第二项: two or more certified officers. */
	if (t->field_act[0]) {
		if ((rc = fieldact_check(NULL, acts, n, cx->c.agency_id, made_on, err)) < 0)
			goto done;
	} else {
		for (i = 0; i < n; i++)
			if (strcmp(rows[i].agency_id, cx->c.agency_id) != 0) {
				rc = sx_error_set(err, SX_ENOTFOUND, "officer_not_found",
						  "执法人员不存在或不属于本机关");
				goto done;
			}
	}
	for (i = 0; i < n; i++) {
		size_t j;
		bool dup = false;

		for (j = 0; j < *count; j++)
			if (strcmp(ro[j].officer_id, rows[i].id) == 0)
				dup = true;
		if (dup)
			continue;
		snprintf(ro[*count].officer_id, sizeof(ro[*count].officer_id), "%s", rows[i].id);
		snprintf(ro[*count].name, sizeof(ro[*count].name), "%s", rows[i].name);
		snprintf(ro[*count].cert_no, sizeof(ro[*count].cert_no), "%s", rows[i].cert_no);
		(*count)++;
	}
	*out = ro;
	ro = NULL;
done:
	sx_free(rows);
	sx_free(acts);
	sx_free(ro);
	if (rc < 0)
		*count = 0;
	return rc;
}

/* "张三（执法证号 X）、李四（执法证号 Y）" */
static void record__officer_line(char *out, size_t size,
				 const struct store_case_record_officer *o, size_t n)
{
	size_t i, used = 0;

	out[0] = '\0';
	for (i = 0; i < n && used < size; i++) {
		int w = snprintf(out + used, size - used, "%s%s（执法证号 %s）", i ? "、" : "",
				 o[i].name, o[i].cert_no);

		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
	}
}

/* Appends the verification block to a served document. */
static int record__add_verify_block(struct docblock_doc *doc, const char *case_no,
				    const char *code, struct sx_error *err)
{
	struct docblock *blocks;
	char text[256];

	snprintf(text, sizeof(text), "案号 %s，查验码 %s。当事人可凭案号和查验码在本机关行政执法公示"
		 "平台“文书查验”栏目查看送达的文书。", case_no, code);
	blocks = sx_reallocarray(doc->blocks, doc->block_count + 1, sizeof(*blocks));
	if (!blocks)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	doc->blocks = blocks;
	blocks[doc->block_count].kind = DOCBLOCK_FIELD;
	blocks[doc->block_count].label = record__dup("文书查验");
	blocks[doc->block_count].text = record__dup(text);
	doc->block_count++;
	if (!blocks[doc->block_count - 1].label || !blocks[doc->block_count - 1].text)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	return 0;
}

/*
 * Everything of making a record once the case is loaded and the actor may
 * make it: the stage, the corrected record, the officers, the 文号, the
 * rendering, the rows and the ledger event, inside tx (the caller commits).
 * out (zeroed by the caller) receives the record with its bodies.
 */
static int record__make(struct service_record *out, const struct service *svc,
			struct store_tx *tx, const struct service_actor *actor,
			const struct case_ctx *cx, const struct doctemplate *t,
			const struct doctemplate_values *values, const struct service_record_input *in,
			const char *made_on, struct sx_error *err)
{
	struct doctemplate_context ctx;
	struct docblock_doc doc;
	struct store_case_record r;
	struct store_case_record_officer *officers = NULL;
	enum casefile_kind kind;
	size_t officer_count = 0, i, text_len = 0;
	char party_code[STORE_CODE_SIZE], officer_line[1024];
	char date_text[32], code[SERVICE_CASE_VERIFY_CODE_SIZE] = "";
	char *values_json = NULL, *record_json = NULL, *text = NULL;
	uint64_t index = 0;
	int y, m, d, rc;

	memset(&doc, 0, sizeof(doc));
	memset(&r, 0, sizeof(r));
	if (strcmp(cx->c.stage, "archived") == 0) {
		rc = sx_error_set(err, SX_ECONFLICT, "case_archived", "案件已归档，不能再制作文书");
		goto done;
	}
	if (casefile_kind_from_code(&kind, cx->c.kind) < 0 || !(t->kinds_mask & (1u << kind)) ||
	    !doctemplate_allows_stage(t, cx->c.stage)) {
		char msg[SX_ERROR_MESSAGE_MAX];
		enum casefile_stage st;

		snprintf(msg, sizeof(msg), "%s不能在本案当前环节（%s）制作", t->title,
			 casefile_stage_from_code(&st, cx->c.stage) == 0 ? casefile_stage_label(st)
									   : cx->c.stage);
		rc = sx_error_set(err, SX_ECONFLICT, "template_not_for_stage", msg);
		goto done;
	}
	if (in->supersedes && *in->supersedes) {
		struct store_case_record old;

		rc = strlen(in->supersedes) < STORE_ID_SIZE
			     ? store_case_record_get(&old, tx, in->supersedes, false, err)
			     : SX_ENOTFOUND;
		if (rc == SX_ENOTFOUND || (rc == 0 && strcmp(old.case_id, cx->c.id) != 0)) {
			rc = sx_error_set(err, SX_ENOTFOUND, "record_not_found",
					  "要更正的文书不属于本案");
			goto done;
		}
		if (rc < 0)
			goto done;
		snprintf(r.supersedes, sizeof(r.supersedes), "%s", old.id);
	}
	if ((rc = record__officers(&officers, &officer_count, tx, cx, t, in, made_on, err)) < 0)
		goto done;

	if ((rc = sx_id_new(r.id)) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto done;
	}
	snprintf(r.case_id, sizeof(r.case_id), "%s", cx->c.id);
	snprintf(r.stage, sizeof(r.stage), "%s", cx->c.stage);
	snprintf(r.template_code, sizeof(r.template_code), "%s", t->code);
	snprintf(r.title, sizeof(r.title), "%s", t->title);
	snprintf(r.field_act, sizeof(r.field_act), "%s", t->field_act);
	snprintf(r.made_on, sizeof(r.made_on), "%s", made_on);
	if (t->doc_word[0]) {
		sx_date_parse(&y, &m, &d, made_on, 10);
		r.doc_year = y;
		snprintf(r.doc_word, sizeof(r.doc_word), "%s", t->doc_word);
		if ((rc = cases__format_number(r.doc_no, tx, cx->c.agency_id, t->doc_word,
					       r.doc_year, &r.doc_seq, err)) < 0)
			goto done;
	}
	/* The party's ID number is masked even on the document: the file copy is
	 * read by staff who need not see it, and the party knows their own. */
	snprintf(party_code, sizeof(party_code), "%s", cx->c.party_id_code);
	if (strcmp(cx->c.party_type, "person") == 0 && party_code[0] &&
	    idcheck_mask_person_id(party_code, sizeof(party_code), cx->c.party_id_code,
				   strlen(cx->c.party_id_code)) < 0)
		party_code[0] = '\0';
	record__officer_line(officer_line, sizeof(officer_line), officers, officer_count);
	record__chinese_date(date_text, made_on);
	ctx.agency_name = cx->agency.name;
	ctx.case_no = cx->c.case_no;
	ctx.doc_no = r.doc_no;
	ctx.party_name = cx->c.party_name;
	ctx.party_code = party_code;
	ctx.officers = officer_line;
	ctx.date = date_text;
	if ((rc = doctemplate_render(&doc, t, values, &ctx, err)) < 0)
		goto done;
	if (t->served) {
		if ((rc = record__verify_code(code)) < 0) {
			rc = sx_error_set(err, rc, NULL, NULL);
			goto done;
		}
		if ((rc = record__add_verify_block(&doc, cx->c.case_no, code, err)) < 0)
			goto done;
		r.served = true;
		if ((rc = crypto_hash_hex(r.verify_hash, CRYPTO_HASH_SHA256, code, strlen(code))) < 0) {
			rc = sx_error_set(err, rc, NULL, NULL);
			goto done;
		}
	}
	if ((rc = doctemplates_values_to_json(&values_json, values, err)) < 0 ||
	    (rc = record__json(&record_json, &doc, values_json, err)) < 0 ||
	    (rc = docblock_doc_text(&text, &text_len, &doc)) < 0) {
		if (rc != 0 && err && !err->rc)
			sx_error_set(err, rc, NULL, NULL);
		goto done;
	}
	if ((rc = crypto_hash_hex(r.content_sha256, CRYPTO_HASH_SHA256, record_json,
				  strlen(record_json))) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto done;
	}
	r.values_json = record_json;
	r.body_text = text;
	cases__now(r.created_at);
	snprintf(r.created_by, sizeof(r.created_by), "%s", actor->user_id);
	if ((rc = store_case_record_insert(tx, &r, err)) < 0)
		goto done;
	for (i = 0; i < officer_count; i++) {
		snprintf(officers[i].record_id, sizeof(officers[i].record_id), "%s", r.id);
		if ((rc = store_case_record_officer_add(tx, &officers[i], err)) < 0)
			goto done;
	}
	{
		const char *fields[] = {"record_id", r.id, "case_id", r.case_id, "template",
					r.template_code, "stage", r.stage, "doc_no", r.doc_no,
					"made_on", r.made_on, "content_sha256", r.content_sha256,
					"supersedes", r.supersedes, NULL};

		if ((rc = cases__event(&index, svc, tx, actor, "record.make", "record", r.id,
				       cx->c.id, fields, err)) < 0)
			goto done;
	}
	out->r = r;
	out->r.values_json = record_json;
	out->r.body_text = text;
	record_json = NULL;
	text = NULL;
	snprintf(out->case_no, sizeof(out->case_no), "%s", cx->c.case_no);
	out->officers = officers;
	out->officer_count = officer_count;
	officers = NULL;
	snprintf(out->verify_code, sizeof(out->verify_code), "%s", code);
	out->ledger_index = (int64_t)index;
done:
	docblock_doc_clear(&doc);
	sx_free(officers);
	sx_free(values_json);
	sx_free(record_json);
	sx_free(text);
	return rc;
}

int cases__record_make(struct service_record *out, const struct service *svc, struct store_tx *tx,
		       const struct service_actor *actor, const struct case_ctx *cx,
		       const char *template_code, const char *values_json, struct sx_error *err)
{
	const struct doctemplate *t;
	struct doctemplate_values values;
	struct service_record_input in;
	char made_on[11], bad_field[33];
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&values, 0, sizeof(values));
	memset(&in, 0, sizeof(in));
	if (!svc->templates)
		return sx_error_set(err, SX_EINTERNAL, "templates_unavailable", "文书模板未加载");
	if (!(t = doctemplates_find(svc->templates, template_code)))
		return sx_error_set(err, SX_ENOTFOUND, "template_not_found", "文书模板不存在");
	if ((rc = doctemplates_values_from_json(&values, values_json, strlen(values_json), err)) <
		    0 ||
	    (rc = doctemplate_check_values(bad_field, t, &values, err)) < 0)
		goto done;
	cases__today(made_on);
	rc = record__make(out, svc, tx, actor, cx, t, &values, &in, made_on, err);
done:
	doctemplate_values_clear(&values);
	if (rc < 0)
		service_record_clear(out);
	return rc;
}

int service_record_make(struct service_record *out, const struct service *svc,
			const struct service_actor *actor, const char *case_id,
			const struct service_record_input *in, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct case_ctx cx;
	const struct doctemplate *t;
	struct doctemplate_values values;
	struct service_record made;
	char made_on[11], today[11], bad_field[33];
	char *canonical = NULL;
	int rc;
	bool loaded = false;

	memset(&values, 0, sizeof(values));
	memset(&made, 0, sizeof(made));
	if (out)
		memset(out, 0, sizeof(*out));
	if (!svc->templates)
		return sx_error_set(err, SX_EINTERNAL, "templates_unavailable", "文书模板未加载");
	if (!in->template_code || !(t = doctemplates_find(svc->templates, in->template_code)))
		return sx_error_set(err, SX_ENOTFOUND, "template_not_found", "文书模板不存在");
	if (in->values_len > RECORD_MAX_VALUES_BYTES)
		return sx_error_set(err, SX_ETOOBIG, "too_big", "文书内容过长");
	if ((rc = doctemplates_values_from_json(&values, in->values_json ? in->values_json : "{}",
						in->values_json ? in->values_len : 2, err)) < 0)
		return rc;
	if ((rc = doctemplate_check_values(bad_field, t, &values, err)) < 0)
		goto done;
	if ((rc = cases__check_date(made_on, in->made_on, err)) < 0)
		goto done;
	cases__today(today);
	if (strcmp(made_on, today) > 0) {
		rc = sx_error_set(err, SX_EINVALID, "bad_date", "文书制作日期不能晚于今天");
		goto done;
	}
	/*
	 * The 法制审核意见书 is made by the review itself (service/reviews: the
	 * checklist and the conclusion become the document), so that no opinion
	 * exists that the review workflow did not produce.
	 */
	if (strcmp(t->code, REVIEWS_OPINION_TEMPLATE) == 0) {
		rc = sx_error_set(err, SX_ECONFLICT, "opinion_from_review",
				  "法制审核意见书由法制审核结论生成，请在法制审核页面办理");
		goto done;
	}
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		goto done;
	if ((rc = cases__load(&cx, tx, actor, case_id, err)) < 0)
		goto done;
	loaded = true;
	if (!cases__may_work(actor, &cx)) {
		rc = cases__forbidden(err, NULL);
		goto done;
	}
	/* The decision document of a major case carries what the review approved
	 * (《行政处罚法》第五十八条). */
	if (strcmp(t->code, REVIEWS_DECISION_TEMPLATE) == 0) {
		if ((rc = doctemplates_values_to_json(&canonical, &values, err)) < 0 ||
		    (rc = reviews__decision_values_check(tx, &cx.c, canonical, err)) < 0)
			goto done;
	}
	if ((rc = record__make(&made, svc, tx, actor, &cx, t, &values, in, made_on, err)) < 0)
		goto done;
	/* 事后公开: a decision opens its publication task (国办发〔2018〕118号 二(三)). */
	if ((strcmp(t->code, REVIEWS_DECISION_TEMPLATE) == 0 ||
	     strcmp(t->code, "simple_penalty_decision") == 0) &&
	    (rc = publications__on_decision(svc, tx, actor, &cx, &made.r, made.verify_code,
						 err)) < 0)
		goto done;
	rc = store_commit(tx, err);
	tx = NULL;
	if (rc < 0)
		goto done;
	if (out) {
		*out = made;
		memset(&made, 0, sizeof(made));
	}
done:
	store_rollback(tx);
	if (loaded)
		cases__ctx_clear(&cx);
	doctemplate_values_clear(&values);
	service_record_clear(&made);
	sx_free(canonical);
	return rc;
}

/* ---- reading a record ---- */

static int record__read(struct service_record *out, const struct service *svc,
			const struct service_actor *actor, const char *record_id,
			const char *action, const char *reason, const char *remote_addr,
			struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct case_ctx cx;
	uint64_t index = 0;
	bool loaded = false;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!record_id || strlen(record_id) >= STORE_ID_SIZE)
		return sx_error_set(err, SX_ENOTFOUND, "record_not_found", "文书不存在或您无权查看");
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	rc = store_case_record_get(&out->r, tx, record_id, true, err);
	if (rc == SX_ENOTFOUND) {
		rc = sx_error_set(err, SX_ENOTFOUND, "record_not_found", "文书不存在或您无权查看");
		goto done;
	}
	if (rc < 0)
		goto done;
	rc = cases__load(&cx, tx, actor, out->r.case_id, err);
	if (rc == SX_ENOTFOUND) {
		rc = sx_error_set(err, SX_ENOTFOUND, "record_not_found", "文书不存在或您无权查看");
		goto done;
	}
	if (rc < 0)
		goto done;
	loaded = true;
	snprintf(out->case_no, sizeof(out->case_no), "%s", cx.c.case_no);
	if ((rc = store_case_record_officers(&out->officers, &out->officer_count, tx, record_id,
					     err)) < 0)
		goto done;
	if ((rc = cases__log_access(&index, svc, tx, actor, &cx, "record", record_id, action, reason,
				    remote_addr, err)) < 0)
		goto done;
	rc = store_commit(tx, err);
	tx = NULL;
	out->ledger_index = (int64_t)index;
done:
	store_rollback(tx);
	if (loaded)
		cases__ctx_clear(&cx);
	if (rc < 0)
		service_record_clear(out);
	return rc;
}

int service_record_get(struct service_record *out, const struct service *svc,
		       const struct service_actor *actor, const char *record_id, const char *reason,
		       const char *remote_addr, struct sx_error *err)
{
	return record__read(out, svc, actor, record_id, "view", reason, remote_addr, err);
}

int cases__record_pdf(struct buf *pdf, const struct store_case_record *r, struct sx_error *err)
{
	struct docblock_doc doc;
	int rc;

	if ((rc = record__doc_from_json(&doc, r->values_json ? r->values_json : "", err)) < 0)
		return rc;
	rc = report_pdf_render(pdf, &doc, err);
	docblock_doc_clear(&doc);
	return rc;
}

int service_record_pdf(struct buf *pdf, struct service_record *meta, const struct service *svc,
		       const struct service_actor *actor, const char *record_id, const char *reason,
		       const char *remote_addr, struct sx_error *err)
{
	struct service_record rec;
	int rc;

	memset(&rec, 0, sizeof(rec));
	if ((rc = record__read(&rec, svc, actor, record_id, "download", reason, remote_addr,
			       err)) < 0)
		return rc;
	rc = cases__record_pdf(pdf, &rec.r, err);
	if (rc == 0 && meta) {
		*meta = rec;
		return 0;
	}
	service_record_clear(&rec);
	return rc;
}
