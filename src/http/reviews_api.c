/*
 * http/reviews_api — the JSON API of 重大执法决定法制审核 (docs/reviews.md,
 * docs/api.md "Reviews"): the agency's catalog of major decisions, its
 * review settings and staffing, the case's draft decision, the submission,
 * the review's steps and the 集体讨论 record. Routes in reviews_handlers.h.
 *
 * Invariants:
 *   - authentication as everywhere under /api/v1: the session cookie, and the
 *     session's CSRF token in X-CSRF-Token on every change; reading the
 *     catalog is public (it is published, 国办发〔2018〕118号 四(三));
 *   - every handler calls one service function of service/reviews.h, which
 *     checks who may do what (《行政处罚法》第五十八条 gate, 回避); bodies are
 *     checked here only for form (unknown fields, types);
 *   - reading one review is 调阅 of the case file: the reason comes as the
 *     query parameter "reason", as for GET /api/v1/cases/:id;
 *   - a submission refused for missing materials is kept by the service as
 *     "returned": the answer is 422 with the error AND the review, so that a
 *     client sees what is missing (codes and labels).
 */
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "domain/majorcat.h"
#include "domain/review.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/reviews_handlers.h"
#include "service/majorcat_json.h"
#include "service/reviews.h"

#define REVIEWS_API_PER_PAGE_DEFAULT 20
#define REVIEWS_API_PER_PAGE_MAX 100

/* ---- small helpers ---- */

static int reviews_api__opt_string(const char **out, json_t *body, const char *name,
                                   struct sx_error *err)
{
	json_t *v = json_object_get(body, name);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	return http_json_string(out, NULL, body, name, err);
}

static int reviews_api__opt_bool(bool *out, json_t *body, const char *name, struct sx_error *err)
{
	json_t *v = json_object_get(body, name);
	char message[128];

	*out = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v)) {
		snprintf(message, sizeof(message), "%s 应为 true 或 false", name);
		return sx_error_set(err, SX_EINVALID, "invalid", message);
	}
	*out = json_is_true(v);
	return 0;
}

static int reviews_api__opt_fen(int64_t *out, json_t *body, const char *name, struct sx_error *err)
{
	json_t *v = json_object_get(body, name);
	char message[128];

	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		snprintf(message, sizeof(message), "%s 应为非负整数（分）", name);
		return sx_error_set(err, SX_EINVALID, "bad_amount", message);
	}
	*out = (int64_t)json_integer_value(v);
	return 0;
}

static int reviews_api__set(json_t *obj, const char *key, json_t *value)
{
	return value ? json_object_set_new(obj, key, value) : -1;
}

/* The words of an act list ("fine confiscate") as [{"code","label"}]. NULL on ENOMEM. */
static json_t *reviews_api__acts(const char *acts)
{
	json_t *arr = json_array();
	const char *p = acts;

	while (arr && p && *p) {
		char word[64];
		size_t n = strcspn(p, " ,");
		enum majorcat_act act;

		if (n > 0 && n < sizeof(word)) {
			memcpy(word, p, n);
			word[n] = '\0';
			if (json_array_append_new(
			            arr, json_pack("{s:s,s:s}", "code", word, "label",
			                           majorcat_act_from_code(&act, word, NULL) == 0
			                                   ? majorcat_act_label(act)
			                                   : word)) < 0) {
				json_decref(arr);
				return NULL;
			}
		}
		p += n;
		p += strspn(p, " ,");
	}
	return arr;
}

/* The materials of a mask as [{"code","label"}]. */
static json_t *reviews_api__materials(int64_t mask)
{
	json_t *arr = json_array();

	for (int m = 0; arr && m < REVIEW_MAT_COUNT; m++) {
		if (!(mask & ((int64_t)1 << m)))
			continue;
		if (json_array_append_new(
		            arr, json_pack("{s:s,s:s}", "code",
		                           review_material_code((enum review_material)m), "label",
		                           review_material_label((enum review_material)m))) < 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static const char *reviews_api__conclusion_label(const char *code)
{
	enum review_conclusion c;

	if (!code || !code[0])
		return "";
	return review_conclusion_from_code(&c, code, NULL) == 0 ? review_conclusion_label(c) : code;
}

/* ---- JSON of drafts, reviews, discussions ---- */

static json_t *reviews_api__draft(const struct store_case_draft *d)
{
	json_t *o =
	        json_pack("{s:s,s:s,s:I,s:s,s:s,s:I,s:I,s:I,s:b,s:b,s:b,s:s,s:s,s:s}", "id", d->id,
	                  "case_id", d->case_id, "version", (json_int_t)d->version, "body_sha256",
	                  d->body_sha256, "acts", d->acts, "fine_fen", (json_int_t)d->fine_fen,
	                  "confiscation_fen", (json_int_t)d->confiscation_fen, "coercion_value_fen",
	                  (json_int_t)d->coercion_value_fen, "public_interest", d->public_interest,
	                  "complex", d->complex, "multi_agency", d->multi_agency, "note", d->note,
	                  "created_at", d->created_at, "created_by_name", d->created_by_name);

	if (!o)
		return NULL;
	if (reviews_api__set(o, "act_labels", reviews_api__acts(d->acts)) < 0)
		goto fail;
	if (d->body) {
		json_error_t jerr;
		json_t *values = json_loads(d->body, 0, &jerr);

		if (!values || json_object_set_new(o, "values", values) < 0)
			goto fail;
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* The fields every review answer shares (a list row or one review). */
static json_t *reviews_api__review_row(const struct store_review *r)
{
	return json_pack(
	        "{s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,"
	        "s:b,s:s,s:s,s:s,s:s}",
	        "id", r->id, "case_id", r->case_id, "agency_id", r->agency_id, "seq",
	        (json_int_t)r->seq, "draft_id", r->draft_id, "draft_sha256", r->draft_sha256,
	        "status", r->status, "status_label", reviews_status_label(r->status), "urgent",
	        r->urgent, "submitted_at", r->submitted_at, "submitted_by_name",
	        r->submitted_by_name, "submit_note", r->submit_note, "reviewer_id", r->reviewer_id,
	        "reviewer_name", r->reviewer_name, "accepted_on", r->accepted_on, "due_on",
	        r->due_on, "conclusion", r->conclusion, "extended", r->extended, "conclusion_label",
	        reviews_api__conclusion_label(r->conclusion), "opinion_record_id",
	        r->opinion_record_id, "concluded_at", r->concluded_at, "updated_at", r->updated_at);
}

static json_t *reviews_api__review(const struct service_review *v)
{
	const struct store_review *r = &v->r;
	json_t *o = reviews_api__review_row(r), *arr, *x;

	if (!o)
		return NULL;
	if (reviews_api__set(o, "case_no", json_string(v->case_no)) < 0 ||
	    reviews_api__set(o, "party_name", json_string(v->party_name)) < 0 ||
	    reviews_api__set(o, "cause", json_string(v->cause)) < 0 ||
	    reviews_api__set(o, "agency_name", json_string(v->agency_name)) < 0 ||
	    reviews_api__set(o, "stage", json_string(v->stage)) < 0 ||
	    reviews_api__set(o, "draft_current", json_boolean(v->draft_current)) < 0 ||
	    reviews_api__set(o, "major_reasons", json_string(v->major_reasons)) < 0 ||
	    reviews_api__set(o, "overdue", json_boolean(v->overdue)) < 0 ||
	    reviews_api__set(o, "today", json_string(v->today)) < 0 ||
	    reviews_api__set(o, "materials", reviews_api__materials(r->materials)) < 0 ||
	    reviews_api__set(o, "missing", reviews_api__materials(r->missing)) < 0 ||
	    reviews_api__set(o, "returned_at", json_string(r->returned_at)) < 0 ||
	    reviews_api__set(o, "returned_reason", json_string(r->returned_reason)) < 0 ||
	    reviews_api__set(o, "extension_reason", json_string(r->extension_reason)) < 0 ||
	    reviews_api__set(o, "extension_by_name", json_string(r->extension_by_name)) < 0 ||
	    reviews_api__set(o, "opinion", json_string(r->opinion ? r->opinion : "")) < 0 ||
	    reviews_api__set(o, "draft", reviews_api__draft(&v->draft)) < 0)
		goto fail;
	if (strcmp(r->status, "accepted") == 0 &&
	    reviews_api__set(o, "workdays_left", json_integer(v->workdays_left)) < 0)
		goto fail;
	if (reviews_api__set(o, "pre_review",
	                     json_pack("{s:s,s:s,s:s,s:s}", "result", r->pre_review_result, "at",
	                               r->pre_review_at, "by_name", r->pre_review_by_name, "note",
	                               r->pre_review_note)) < 0 ||
	    reviews_api__set(o, "objection",
	                     json_pack("{s:s,s:s,s:s}", "reason", r->objection, "at",
	                               r->objected_at, "by_name", r->objected_by_name)) < 0 ||
	    reviews_api__set(o, "coordination",
	                     json_pack("{s:s,s:s,s:s,s:s}", "result", r->coordination_result,
	                               "note", r->coordination, "at", r->coordinated_at, "by_name",
	                               r->coordinated_by_name)) < 0 ||
	    reviews_api__set(o, "head_decision",
	                     json_pack("{s:s,s:s,s:s,s:s}", "decision", r->head_decision, "reason",
	                               r->head_reason, "at", r->head_at, "by_name",
	                               r->head_by_name)) < 0)
		goto fail;
	if (!(arr = json_array()) || json_object_set_new(o, "checklist", arr) < 0)
		goto fail;
	for (int i = 0; i < REVIEW_CHECK_COUNT; i++) {
		const struct review_item *it = &v->items[i];

		x = json_pack("{s:s,s:s,s:b,s:b,s:s}", "item",
		              review_check_code((enum review_check)i), "label",
		              review_check_label((enum review_check)i), "checked", it->checked,
		              "passed", it->checked && it->passed, "note", it->note);
		if (json_array_append_new(arr, x) < 0)
			goto fail;
	}
	x = json_pack("{s:b,s:b,s:b,s:b,s:b,s:b,s:b}", "pre_review", v->may_pre_review, "take",
	              v->may_take, "conclude", v->may_conclude, "extend", v->may_extend, "object",
	              v->may_object, "coordinate", v->may_coordinate, "head_decide",
	              v->may_head_decide);
	if (reviews_api__set(o, "may", x) < 0)
		goto fail;
	if (r->opinion_record_id[0] &&
	    reviews_api__set(o, "opinion_pdf_url",
	                     json_sprintf("/api/v1/records/%s/pdf", r->opinion_record_id)) < 0)
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* {"review": …, "ledger_index": n}; NULL on ENOMEM. */
static json_t *reviews_api__review_answer(const struct service_review *v)
{
	json_t *body = json_pack("{s:o}", "review", reviews_api__review(v));

	if (body && v->ledger_index >= 0 &&
	    json_object_set_new(body, "ledger_index", json_integer(v->ledger_index)) < 0) {
		json_decref(body);
		return NULL;
	}
	return body;
}

static json_t *reviews_api__discussion(const struct store_case_discussion *d)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", d->id,
	                      "case_id", d->case_id, "draft_id", d->draft_id, "draft_sha256",
	                      d->draft_sha256, "held_at", d->held_at, "place", d->place, "host",
	                      d->host, "opinions", d->opinions ? d->opinions : "", "conclusion",
	                      d->conclusion ? d->conclusion : "", "created_at", d->created_at,
	                      "created_by_name", d->created_by_name);
	json_error_t jerr;
	json_t *attendees;

	if (!o)
		return NULL;
	attendees = d->attendees ? json_loads(d->attendees, 0, &jerr) : json_array();
	if (!attendees || json_object_set_new(o, "attendees", attendees) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- the catalog ---- */

static json_t *reviews_api__catalog(const struct service_major_catalog *c)
{
	struct sx_error err;
	char *text = NULL;
	json_t *o, *rules = NULL, *history;
	json_error_t jerr;

	sx_error_clear(&err);
	o = json_pack("{s:s,s:s,s:I,s:b,s:s,s:s,s:s,s:s}", "agency_id", c->agency_id, "agency_name",
	              c->agency_name, "version", (json_int_t)c->row.version, "is_default",
	              c->is_default, "published_at", c->row.published_at, "published_by_name",
	              c->row.published_by_name, "note", c->row.note, "body_sha256",
	              c->row.body_sha256);
	if (!o)
		return NULL;
	if (majorcat_json_canonical(&text, NULL, &c->catalog, &err) == 0) {
		json_t *doc = json_loads(text, 0, &jerr);

		rules = doc ? json_incref(json_object_get(doc, "rules")) : NULL;
		json_decref(doc);
	}
	sx_free(text);
	if (!rules || json_object_set_new(o, "rules", rules) < 0)
		goto fail;
	if (!(history = json_array()) || json_object_set_new(o, "history", history) < 0)
		goto fail;
	for (size_t i = 0; i < c->history_count; i++) {
		const struct store_major_catalog *h = &c->history[i];

		if (json_array_append_new(history, json_pack("{s:I,s:s,s:s,s:s}", "version",
		                                             (json_int_t)h->version, "published_at",
		                                             h->published_at, "note", h->note,
		                                             "body_sha256", h->body_sha256)) < 0)
			goto fail;
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

int api_major_catalog_get(struct http_request *req, struct http_response *resp)
{
	struct service_major_catalog c;
	struct sx_error err;
	int64_t version = 0;
	int rc;

	memset(&c, 0, sizeof(c));
	sx_error_clear(&err);
	if (html_number_arg(&version, http_request_query(req, "version"), 0, "bad_version",
	                    "version 应为正整数", &err) < 0 ||
	    service_major_catalog_get(&c, req->app->svc, http_request_param(req, "id"), version,
	                              &err) < 0)
		return http_respond_error(resp, req, &err);
	rc = http_respond_json_take(resp, req, 200, reviews_api__catalog(&c));
	service_major_catalog_clear(&c);
	return rc;
}

int api_major_catalog_publish(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"catalog", "note", NULL};
	struct service_actor actor;
	struct service_major_catalog c;
	struct sx_error err;
	json_t *body = NULL, *catalog;
	const char *note = NULL;
	char *text = NULL;
	int rc;

	memset(&c, 0, sizeof(c));
	sx_error_clear(&err);
	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0 ||
	    (rc = http_request_json(&body, req, &err)) < 0 ||
	    (rc = http_json_check_fields(body, fields, &err)) < 0 ||
	    (rc = reviews_api__opt_string(&note, body, "note", &err)) < 0)
		goto fail;
	catalog = json_object_get(body, "catalog");
	if (!json_is_object(catalog)) {
		rc = sx_error_set(&err, SX_EINVALID, "invalid",
		                  "catalog 应为对象：{\"rules\": [...]}");
		goto fail;
	}
	/* The service reads the text strictly (service/majorcat_json); jansson keeps key
	 * order and leaves UTF-8 as is, so nothing of the client's catalog is lost here. */
	if (!(text = json_dumps(catalog, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
		rc = sx_error_set(&err, SX_ENOMEM, NULL, NULL);
		goto fail;
	}
	if ((rc = service_major_catalog_publish(&c, req->app->svc, &actor,
	                                        http_request_param(req, "id"), text, strlen(text),
	                                        note, &err)) < 0)
		goto fail;
	free(text);
	json_decref(body);
	http_response_header(resp, req, "Location",
	                     pool_printf(req->pool,
	                                 "/api/v1/agencies/%s/major-catalog?version=%lld",
	                                 c.agency_id, (long long)c.row.version));
	rc = http_respond_json_take(resp, req, 201, reviews_api__catalog(&c));
	service_major_catalog_clear(&c);
	return rc;
fail:
	free(text);
	json_decref(body);
	return http_respond_error(resp, req, &err);
}

int api_review_settings_put(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"unit_pre_review", NULL};
	struct service_actor actor;
	struct sx_error err;
	json_t *body = NULL, *v;
	int rc;

	sx_error_clear(&err);
	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0 ||
	    (rc = http_request_json(&body, req, &err)) < 0 ||
	    (rc = http_json_check_fields(body, fields, &err)) < 0)
		goto fail;
	v = json_object_get(body, "unit_pre_review");
	if (!json_is_boolean(v)) {
		rc = sx_error_set(&err, SX_EINVALID, "invalid",
		                  "unit_pre_review 应为 true 或 false");
		goto fail;
	}
	if ((rc = service_review_settings_put(req->app->svc, &actor, http_request_param(req, "id"),
	                                      json_is_true(v), &err)) < 0)
		goto fail;
	rc = http_respond_json_take(resp, req, 200,
	                            json_pack("{s:s,s:b}", "agency_id",
	                                      http_request_param(req, "id"), "unit_pre_review",
	                                      json_is_true(v)));
	json_decref(body);
	return rc;
fail:
	json_decref(body);
	return http_respond_error(resp, req, &err);
}

int api_review_staffing_get(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_review_staffing s;
	struct sx_error err;

	sx_error_clear(&err);
	memset(&s, 0, sizeof(s));
	if (http_session_actor(&actor, req, &err) < 0 ||
	    service_review_staffing(&s, req->app->svc, &actor, http_request_param(req, "id"),
	                            &err) < 0)
		return http_respond_error(resp, req, &err);
	return http_respond_json_take(
	        resp, req, 200,
	        json_pack("{s:s,s:I,s:I,s:I,s:b,s:I}", "agency_id", s.agency_id, "reviewers",
	                  (json_int_t)s.reviewers, "officers", (json_int_t)s.officers, "required",
	                  (json_int_t)s.required, "short_staffed", s.short_staffed, "percent",
	                  (json_int_t)REVIEW_STAFFING_PERCENT));
}

/* ---- drafts, submission, discussions ---- */

int api_case_draft_create(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"values",
	                                     "acts",
	                                     "fine_fen",
	                                     "confiscation_fen",
	                                     "coercion_value_fen",
	                                     "public_interest",
	                                     "complex",
	                                     "multi_agency",
	                                     "note",
	                                     NULL};
	struct service_actor actor;
	struct service_draft_input in;
	struct store_case_draft d;
	struct sx_error err;
	json_t *body = NULL, *values;
	char *values_text = NULL;
	int rc;

	memset(&in, 0, sizeof(in));
	memset(&d, 0, sizeof(d));
	sx_error_clear(&err);
	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0 ||
	    (rc = http_request_json(&body, req, &err)) < 0 ||
	    (rc = http_json_check_fields(body, fields, &err)) < 0 ||
	    (rc = reviews_api__opt_string(&in.acts, body, "acts", &err)) < 0 ||
	    (rc = reviews_api__opt_string(&in.note, body, "note", &err)) < 0 ||
	    (rc = reviews_api__opt_fen(&in.fine_fen, body, "fine_fen", &err)) < 0 ||
	    (rc = reviews_api__opt_fen(&in.confiscation_fen, body, "confiscation_fen", &err)) < 0 ||
	    (rc = reviews_api__opt_fen(&in.coercion_value_fen, body, "coercion_value_fen", &err)) <
	            0 ||
	    (rc = reviews_api__opt_bool(&in.public_interest, body, "public_interest", &err)) < 0 ||
	    (rc = reviews_api__opt_bool(&in.complex, body, "complex", &err)) < 0 ||
	    (rc = reviews_api__opt_bool(&in.multi_agency, body, "multi_agency", &err)) < 0)
		goto fail;
	values = json_object_get(body, "values");
	if (values && !json_is_object(values)) {
		rc = sx_error_set(&err, SX_EINVALID, "invalid",
		                  "values 应为对象：{\"字段名\": \"值\"}");
		goto fail;
	}
	if (!(values_text = json_dumps(values ? values : json_object(), JSON_COMPACT))) {
		rc = sx_error_set(&err, SX_ENOMEM, NULL, NULL);
		goto fail;
	}
	in.values_json = values_text;
	in.values_len = strlen(values_text);
	if ((rc = service_draft_save(&d, req->app->svc, &actor, http_request_param(req, "id"), &in,
	                             &err)) < 0)
		goto fail;
	free(values_text);
	json_decref(body);
	rc = http_respond_json_take(resp, req, 201,
	                            json_pack("{s:o}", "draft", reviews_api__draft(&d)));
	store_case_draft_clear(&d);
	return rc;
fail:
	free(values_text);
	json_decref(body);
	return http_respond_error(resp, req, &err);
}

int api_case_review_submit(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"urgent", "note", NULL};
	struct service_actor actor;
	struct service_review v;
	struct sx_error err;
	json_t *body = NULL;
	const char *note = NULL;
	bool urgent = false;
	int rc;

	memset(&v, 0, sizeof(v));
	sx_error_clear(&err);
	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0 ||
	    (rc = http_request_json(&body, req, &err)) < 0 ||
	    (rc = http_json_check_fields(body, fields, &err)) < 0 ||
	    (rc = reviews_api__opt_bool(&urgent, body, "urgent", &err)) < 0 ||
	    (rc = reviews_api__opt_string(&note, body, "note", &err)) < 0) {
		json_decref(body);
		return http_respond_error(resp, req, &err);
	}
	rc = service_review_submit(&v, req->app->svc, &actor, http_request_param(req, "id"), urgent,
	                           note, &err);
	json_decref(body);
	if (rc < 0 && strcmp(err.code, "materials_incomplete") == 0 && v.r.id[0]) {
		/* Kept as "returned": the error and the review, whose "missing" lists what to add.
		 */
		json_t *answer =
		        json_pack("{s:{s:s,s:s},s:o}", "error", "code", err.code, "message",
		                  err.message, "review", reviews_api__review(&v));

		service_review_clear(&v);
		return http_respond_json_take(resp, req, 422, answer);
	}
	if (rc < 0) {
		service_review_clear(&v);
		return http_respond_error(resp, req, &err);
	}
	http_response_header(resp, req, "Location",
	                     pool_printf(req->pool, "/api/v1/reviews/%s", v.r.id));
	rc = http_respond_json_take(resp, req, 201, reviews_api__review_answer(&v));
	service_review_clear(&v);
	return rc;
}

int api_case_discussion_create(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"held_at",  "place",      "host", "attendees",
	                                     "opinions", "conclusion", NULL};
	struct service_actor actor;
	struct service_discussion_input in;
	struct store_case_discussion d;
	struct sx_error err;
	json_t *body = NULL;
	int rc;

	memset(&in, 0, sizeof(in));
	memset(&d, 0, sizeof(d));
	sx_error_clear(&err);
	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0 ||
	    (rc = http_request_json(&body, req, &err)) < 0 ||
	    (rc = http_json_check_fields(body, fields, &err)) < 0 ||
	    (rc = reviews_api__opt_string(&in.held_at, body, "held_at", &err)) < 0 ||
	    (rc = reviews_api__opt_string(&in.place, body, "place", &err)) < 0 ||
	    (rc = reviews_api__opt_string(&in.host, body, "host", &err)) < 0 ||
	    (rc = reviews_api__opt_string(&in.attendees, body, "attendees", &err)) < 0 ||
	    (rc = reviews_api__opt_string(&in.opinions, body, "opinions", &err)) < 0 ||
	    (rc = reviews_api__opt_string(&in.conclusion, body, "conclusion", &err)) < 0 ||
	    (rc = service_discussion_record(&d, req->app->svc, &actor,
	                                    http_request_param(req, "id"), &in, &err)) < 0) {
		json_decref(body);
		return http_respond_error(resp, req, &err);
	}
	json_decref(body);
	rc = http_respond_json_take(resp, req, 201,
	                            json_pack("{s:o}", "discussion", reviews_api__discussion(&d)));
	store_case_discussion_clear(&d);
	return rc;
}

/* ---- reviews ---- */

int api_reviews_list(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_review_query q;
	struct service_review_page page;
	struct sx_error err;
	const char *scope = http_request_query(req, "scope");
	json_t *body, *items;
	int rc;

	memset(&q, 0, sizeof(q));
	memset(&page, 0, sizeof(page));
	sx_error_clear(&err);
	if ((rc = http_session_actor(&actor, req, &err)) < 0)
		return http_respond_error(resp, req, &err);
	if (!scope || strcmp(scope, "queue") == 0) {
		q.scope = SERVICE_REVIEW_SCOPE_QUEUE;
	} else if (strcmp(scope, "agency") == 0) {
		q.scope = SERVICE_REVIEW_SCOPE_AGENCY;
	} else if (strcmp(scope, "region") == 0) {
		q.scope = SERVICE_REVIEW_SCOPE_REGION;
	} else {
		sx_error_set(&err, SX_EINVALID, "bad_scope", "scope 应为 queue、agency 或 region");
		return http_respond_error(resp, req, &err);
	}
	q.open_only = http_request_query(req, "open") != NULL;
	q.overdue_only = http_request_query(req, "overdue") != NULL;
	if (html_page_arg(&q.page, http_request_query(req, "page"), 1, &err) < 0 ||
	    html_page_arg(&q.per_page, http_request_query(req, "per_page"),
	                  REVIEWS_API_PER_PAGE_DEFAULT, &err) < 0)
		return http_respond_error(resp, req, &err);
	if (q.per_page > REVIEWS_API_PER_PAGE_MAX)
		q.per_page = REVIEWS_API_PER_PAGE_MAX;
	if ((rc = service_review_list(&page, req->app->svc, &actor, &q, &err)) < 0)
		return http_respond_error(resp, req, &err);
	body = json_pack("{s:[],s:I,s:I,s:I,s:I,s:I,s:s}", "reviews", "total",
	                 (json_int_t)page.total, "page", (json_int_t)page.page, "per_page",
	                 (json_int_t)page.per_page, "open_count", (json_int_t)page.open_count,
	                 "overdue_count", (json_int_t)page.overdue_count, "today", page.today);
	items = body ? json_object_get(body, "reviews") : NULL;
	for (size_t i = 0; items && i < page.count; i++) {
		const struct service_review_row *x = &page.items[i];
		json_t *row = reviews_api__review_row(&x->r);

		if (!row || reviews_api__set(row, "case_no", json_string(x->case_no)) < 0 ||
		    reviews_api__set(row, "party_name", json_string(x->party_name)) < 0 ||
		    reviews_api__set(row, "agency_name", json_string(x->agency_name)) < 0 ||
		    reviews_api__set(row, "overdue", json_boolean(x->overdue)) < 0 ||
		    (strcmp(x->r.status, "accepted") == 0 &&
		     reviews_api__set(row, "workdays_left", json_integer(x->workdays_left)) < 0) ||
		    json_array_append_new(items, row) < 0) {
			json_decref(body);
			body = NULL;
			break;
		}
	}
	service_review_page_clear(&page);
	return http_respond_json_take(resp, req, 200, body);
}

int api_review_get(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_review v;
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	memset(&v, 0, sizeof(v));
	if ((rc = http_session_actor(&actor, req, &err)) < 0 ||
	    (rc = service_review_get(&v, req->app->svc, &actor, http_request_param(req, "id"),
	                             http_request_query(req, "reason"), req->remote_addr, &err)) <
	            0)
		return http_respond_error(resp, req, &err);
	rc = http_respond_json_take(resp, req, 200, reviews_api__review_answer(&v));
	service_review_clear(&v);
	return rc;
}

/* One step on a review: fields allowed, then the step itself. */
typedef int (*reviews_api_step_fn)(struct service_review *out, struct http_request *req,
                                   const struct service_actor *actor, json_t *body,
                                   struct sx_error *err);

static int reviews_api__step(struct http_request *req, struct http_response *resp,
                             const char *const *fields, reviews_api_step_fn fn)
{
	struct service_actor actor;
	struct service_review v;
	struct sx_error err;
	json_t *body = NULL;
	int rc;

	sx_error_clear(&err);
	memset(&v, 0, sizeof(v));
	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0)
		return http_respond_error(resp, req, &err);
	/* take has no body: an empty one is fine, a JSON one is checked. */
	if (req->body_len > 0 && ((rc = http_request_json(&body, req, &err)) < 0 ||
	                          (rc = http_json_check_fields(body, fields, &err)) < 0)) {
		json_decref(body);
		return http_respond_error(resp, req, &err);
	}
	if (!body && !(body = json_object())) {
		sx_error_set(&err, SX_ENOMEM, NULL, NULL);
		return http_respond_error(resp, req, &err);
	}
	rc = fn(&v, req, &actor, body, &err);
	json_decref(body);
	if (rc < 0) {
		service_review_clear(&v);
		return http_respond_error(resp, req, &err);
	}
	rc = http_respond_json_take(resp, req, 200, reviews_api__review_answer(&v));
	service_review_clear(&v);
	return rc;
}

static int reviews_api__pre_review(struct service_review *out, struct http_request *req,
                                   const struct service_actor *actor, json_t *body,
                                   struct sx_error *err)
{
	const char *result = NULL, *note = NULL;
	int rc;

	if ((rc = reviews_api__opt_string(&result, body, "result", err)) < 0 ||
	    (rc = reviews_api__opt_string(&note, body, "note", err)) < 0)
		return rc;
	return service_review_pre_review(out, req->app->svc, actor, http_request_param(req, "id"),
	                                 result, note, err);
}

int api_review_pre_review(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"result", "note", NULL};

	return reviews_api__step(req, resp, fields, reviews_api__pre_review);
}

static int reviews_api__take(struct service_review *out, struct http_request *req,
                             const struct service_actor *actor, json_t *body, struct sx_error *err)
{
	(void)body;
	return service_review_take(out, req->app->svc, actor, http_request_param(req, "id"), err);
}

int api_review_take(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {NULL};

	return reviews_api__step(req, resp, fields, reviews_api__take);
}

static int reviews_api__extend(struct service_review *out, struct http_request *req,
                               const struct service_actor *actor, json_t *body,
                               struct sx_error *err)
{
	const char *reason = NULL;
	int rc;

	if ((rc = reviews_api__opt_string(&reason, body, "reason", err)) < 0)
		return rc;
	return service_review_extend(out, req->app->svc, actor, http_request_param(req, "id"),
	                             reason, err);
}

int api_review_extend(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"reason", NULL};

	return reviews_api__step(req, resp, fields, reviews_api__extend);
}

/*
 * The checklist of a conclusion: [{"item": code, "passed": bool, "note": text}], any
 * order; an item listed is checked, an item left out is unchecked (the service then
 * says checklist_incomplete). An unknown or repeated item is refused here.
 */
static int reviews_api__checklist(struct review_item items[REVIEW_CHECK_COUNT], json_t *arr,
                                  struct sx_error *err)
{
	json_t *x;
	size_t i;

	memset(items, 0, sizeof(struct review_item) * REVIEW_CHECK_COUNT);
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return sx_error_set(err, SX_EINVALID, "bad_checklist",
		                    "checklist 应为数组：[{\"item\", \"passed\", \"note\"}]");
	json_array_foreach(arr, i, x)
	{
		static const char *const fields[] = {"item", "passed", "note", NULL};
		enum review_check c;
		const char *code = NULL, *note = NULL;
		bool passed = false;
		int rc;

		if (!json_is_object(x))
			return sx_error_set(
			        err, SX_EINVALID, "bad_checklist",
			        "checklist 的每一项应为对象：{\"item\", \"passed\", \"note\"}");
		if ((rc = http_json_check_fields(x, fields, err)) < 0 ||
		    (rc = http_json_string(&code, NULL, x, "item", err)) < 0 ||
		    (rc = review_check_from_code(&c, code, err)) < 0 ||
		    (rc = reviews_api__opt_string(&note, x, "note", err)) < 0)
			return rc;
		if (!json_is_boolean(json_object_get(x, "passed")))
			return sx_error_set(err, SX_EINVALID, "bad_checklist",
			                    "checklist 每一项的 passed 应为 true 或 false");
		passed = json_is_true(json_object_get(x, "passed"));
		if (items[c].checked)
			return sx_error_set(err, SX_EINVALID, "bad_checklist",
			                    "checklist 中同一审核事项出现了两次");
		if (note && strlen(note) >= REVIEW_NOTE_SIZE)
			return sx_error_set(err, SX_EINVALID, "bad_note",
			                    "审核事项的说明过长（最多 512 个汉字）");
		items[c].checked = true;
		items[c].passed = passed;
		snprintf(items[c].note, sizeof(items[c].note), "%s", note ? note : "");
	}
	return 0;
}

static int reviews_api__conclude(struct service_review *out, struct http_request *req,
                                 const struct service_actor *actor, json_t *body,
                                 struct sx_error *err)
{
	struct review_item items[REVIEW_CHECK_COUNT];
	const char *conclusion = NULL, *opinion = NULL;
	int rc;

	if ((rc = reviews_api__checklist(items, json_object_get(body, "checklist"), err)) < 0 ||
	    (rc = reviews_api__opt_string(&conclusion, body, "conclusion", err)) < 0 ||
	    (rc = reviews_api__opt_string(&opinion, body, "opinion", err)) < 0)
		return rc;
	return service_review_conclude(out, req->app->svc, actor, http_request_param(req, "id"),
	                               items, conclusion, opinion, err);
}

int api_review_conclude(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"checklist", "conclusion", "opinion", NULL};

	return reviews_api__step(req, resp, fields, reviews_api__conclude);
}

static int reviews_api__object(struct service_review *out, struct http_request *req,
                               const struct service_actor *actor, json_t *body,
                               struct sx_error *err)
{
	const char *reason = NULL;
	int rc;

	if ((rc = reviews_api__opt_string(&reason, body, "reason", err)) < 0)
		return rc;
	return service_review_object(out, req->app->svc, actor, http_request_param(req, "id"),
	                             reason, err);
}

int api_review_object(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"reason", NULL};

	return reviews_api__step(req, resp, fields, reviews_api__object);
}

static int reviews_api__coordinate(struct service_review *out, struct http_request *req,
                                   const struct service_actor *actor, json_t *body,
                                   struct sx_error *err)
{
	const char *result = NULL, *note = NULL;
	int rc;

	if ((rc = reviews_api__opt_string(&result, body, "result", err)) < 0 ||
	    (rc = reviews_api__opt_string(&note, body, "note", err)) < 0)
		return rc;
	return service_review_coordinate(out, req->app->svc, actor, http_request_param(req, "id"),
	                                 result, note, err);
}

int api_review_coordinate(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"result", "note", NULL};

	return reviews_api__step(req, resp, fields, reviews_api__coordinate);
}

static int reviews_api__head_decide(struct service_review *out, struct http_request *req,
                                    const struct service_actor *actor, json_t *body,
                                    struct sx_error *err)
{
	const char *decision = NULL, *reason = NULL;
	int rc;

	if ((rc = reviews_api__opt_string(&decision, body, "decision", err)) < 0 ||
	    (rc = reviews_api__opt_string(&reason, body, "reason", err)) < 0)
		return rc;
	return service_review_head_decide(out, req->app->svc, actor, http_request_param(req, "id"),
	                                  decision, reason, err);
}

int api_review_head_decision(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"decision", "reason", NULL};

	return reviews_api__step(req, resp, fields, reviews_api__head_decide);
}
