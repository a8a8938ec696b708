/*
 * http/cases_api — the JSON API of 执法全过程记录 (docs/api.md, "Cases"):
 * cases, their moves and records, the templates, the 调阅 log, settings and
 * retention, and the party's lookup. Routes in cases_handlers.h.
 *
 * Authentication as everywhere under /api/v1: the session cookie, and the
 * session's CSRF token in X-CSRF-Token on every change. Reading a case file
 * or a record is 调阅: the reason comes as the query parameter "reason" and
 * the service logs it (service/cases.h) — that is why those GETs are not
 * cacheable and why officers on the case may leave the reason out.
 */
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "domain/casefile.h"
#include "http/cases_handlers.h"
#include "http/handlers.h"
#include "http/html.h"
#include "service/cases.h"
#include "service/doctemplates.h"
#include "service/evidence.h"

#define CASES_MAX_OFFICER_IDS SERVICE_CASE_MAX_OFFICERS

/* ---- JSON of cases ---- */

static const char *cases_api__stage_label(const char *code)
{
	enum casefile_stage st;

	return casefile_stage_from_code(&st, code) == 0 ? casefile_stage_label(st) : code;
}

static json_t *cases_api__row(const struct store_case *c)
{
	enum casefile_kind kind;
	enum casefile_procedure proc;
	bool kind_ok = casefile_kind_from_code(&kind, c->kind) == 0;
	bool proc_ok = casefile_procedure_from_code(&proc, c->procedure) == 0;

	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,"
			 "s:b,s:s,s:s,s:I,s:s,s:s,s:s,s:s}",
			 "id", c->id, "agency_id", c->agency_id, "case_no", c->case_no,
			 "kind", c->kind, "kind_label", kind_ok ? casefile_kind_label(kind) : "",
			 "procedure", c->procedure,
			 "procedure_label", proc_ok ? casefile_procedure_label(proc) : "",
			 "matter_code", c->matter_code, "list_version", (json_int_t)c->list_version,
			 "matter_name", c->matter_name, "cause", c->cause,
			 "party_type", c->party_type, "party_name", c->party_name,
			 "party_id_code", c->party_id_code, "party_phone", c->party_phone,
			 "party_address", c->party_address, "stage", c->stage,
			 "major", c->major, "hearing_requested", c->hearing_requested,
			 "started_on", c->started_on, "due_on", c->due_on,
			 "extension_days", (json_int_t)c->extension_days,
			 "decided_on", c->decided_on, "closed_on", c->closed_on,
			 "archived_on", c->archived_on, "created_at", c->created_at);
}

static int cases_api__set(json_t *obj, const char *key, json_t *value)
{
	return value ? json_object_set_new(obj, key, value) : -1;
}

/* Where the case stands in the legal review (docs/reviews.md): the gate's inputs and the
 * sign-off chain. */
static json_t *cases_api__review(const struct service_case_review *rv)
{
	json_t *o = json_pack("{s:b,s:b,s:s,s:b,s:b,s:b,s:I,s:{s:s,s:s,s:s,s:s,s:s}}", "applicable",
			      rv->applicable, "major", rv->major, "major_reasons", rv->major_reasons,
			      "review_passed", rv->review_passed, "discussion_required",
			      rv->discussion_required, "discussion_done", rv->discussion_done,
			      "discussion_count", (json_int_t)rv->discussion_count, "chain",
			      "submitted_by", rv->submitted_by, "pre_reviewed_by",
			      rv->pre_reviewed_by, "reviewed_by", rv->reviewed_by, "discussed_by",
			      rv->discussed_by, "approved_by", rv->approved_by);

	if (o && rv->has_draft &&
	    cases_api__set(o, "draft",
			   json_pack("{s:s,s:I,s:s,s:s,s:I,s:I,s:I,s:b,s:b,s:b,s:s,s:s}", "id",
				     rv->draft.id, "version", (json_int_t)rv->draft.version,
				     "body_sha256", rv->draft.body_sha256, "acts", rv->draft.acts,
				     "fine_fen", (json_int_t)rv->draft.fine_fen, "confiscation_fen",
				     (json_int_t)rv->draft.confiscation_fen, "coercion_value_fen",
				     (json_int_t)rv->draft.coercion_value_fen, "public_interest",
				     rv->draft.public_interest, "complex", rv->draft.complex,
				     "multi_agency", rv->draft.multi_agency, "created_at",
				     rv->draft.created_at, "created_by_name",
				     rv->draft.created_by_name)) < 0)
		goto fail;
	if (o && rv->has_review &&
	    cases_api__set(o, "latest_review",
			   json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:s}", "id", rv->review.id, "seq",
				     (json_int_t)rv->review.seq, "status", rv->review.status,
				     "conclusion", rv->review.conclusion, "due_on",
				     rv->review.due_on, "draft_id", rv->review.draft_id,
				     "opinion_record_id", rv->review.opinion_record_id)) < 0)
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

static json_t *cases_api__case(const struct service_case *sc)
{
	json_t *o = cases_api__row(&sc->c), *arr;
	size_t i;

	if (!o)
		return NULL;
	if (cases_api__set(o, "stage_label", json_string(cases_api__stage_label(sc->c.stage))) < 0 ||
	    cases_api__set(o, "agency_name", json_string(sc->agency_name)) < 0 ||
	    cases_api__set(o, "overdue", json_boolean(sc->overdue)) < 0 ||
	    cases_api__set(o, "secrets_visible", json_boolean(sc->secrets_visible)) < 0 ||
	    cases_api__set(o, "actor_on_case", json_boolean(sc->actor_on_case)) < 0)
		goto fail;
	if (sc->has_deadline && !sc->c.decided_on[0] &&
	    cases_api__set(o, "days_left", json_integer(sc->days_left)) < 0)
		goto fail;
	if (!(arr = json_array()) || json_object_set_new(o, "officers", arr) < 0)
		goto fail;
	for (i = 0; i < sc->officer_count; i++)
		if (json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "id",
							 sc->officers[i].officer_id, "role",
							 sc->officers[i].role, "name",
							 sc->officers[i].officer.name, "cert_no",
							 sc->officers[i].officer.cert_no, "valid_to",
							 sc->officers[i].officer.valid_to, "status",
							 sc->officers[i].officer.status)) < 0)
			goto fail;
	if (!(arr = json_array()) || json_object_set_new(o, "transitions", arr) < 0)
		goto fail;
	for (i = 0; i < sc->transition_count; i++) {
		const struct store_case_transition *t = &sc->transitions[i];

		if (json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "seq",
							 (json_int_t)t->seq, "from", t->from_stage,
							 "to", t->to_stage, "to_label",
							 cases_api__stage_label(t->to_stage),
							 "reason", t->reason, "at", t->at, "by",
							 t->by_name)) < 0)
			goto fail;
	}
	if (!(arr = json_array()) || json_object_set_new(o, "records", arr) < 0)
		goto fail;
	for (i = 0; i < sc->record_count; i++) {
		const struct store_case_record *r = &sc->records[i];

		if (json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s}",
							 "id", r->id, "stage", r->stage,
							 "template", r->template_code, "title",
							 r->title, "doc_no", r->doc_no, "made_on",
							 r->made_on, "content_sha256",
							 r->content_sha256, "served", r->served,
							 "supersedes", r->supersedes, "created_at",
							 r->created_at)) < 0)
			goto fail;
	}
	if (!(arr = json_array()) || json_object_set_new(o, "evidence", arr) < 0)
		goto fail;
	for (i = 0; i < sc->evidence_count; i++) {
		const struct store_evidence *e = &sc->evidence[i];

		if (json_array_append_new(
			    arr, json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:b}",
					   "id", e->id, "stage", e->meta.stage, "kind", e->meta.kind,
					   "sha256", e->sha256, "sm3", e->sm3, "size",
					   (json_int_t)e->meta.size_bytes, "file_name",
					   e->meta.file_name, "content_type", e->meta.content_type,
					   "captured_start", e->meta.captured_start,
					   "captured_end", e->meta.captured_end, "place", e->meta.place,
					   "created_at", e->created_at, "deleted",
					   e->deleted_at[0] != '\0')) < 0)
			goto fail;
	}
	if (!(arr = json_array()) || json_object_set_new(o, "recording_requirements", arr) < 0)
		goto fail;
	for (i = 0; i < sc->av_count; i++)
		if (json_array_append_new(arr, json_pack("{s:s,s:s,s:b,s:b,s:b}", "stage",
							 sc->av[i].stage, "name", sc->av[i].av_name,
							 "full_process", sc->av[i].full_process,
							 "met", sc->av[i].met, "exempted",
							 sc->av[i].exempted)) < 0)
			goto fail;
	if (!(arr = json_array()) || json_object_set_new(o, "exemptions", arr) < 0)
		goto fail;
	for (i = 0; i < sc->exemption_count; i++)
		if (json_array_append_new(arr, json_pack("{s:s,s:s,s:s}", "stage",
							 sc->exemptions[i].stage, "reason",
							 sc->exemptions[i].reason, "created_at",
							 sc->exemptions[i].created_at)) < 0)
			goto fail;
	if (!(arr = json_array()) || json_object_set_new(o, "next", arr) < 0)
		goto fail;
	for (i = 0; i < sc->next_count; i++) {
		const struct service_case_next *n = &sc->next[i];
		json_t *x = json_pack("{s:s,s:s,s:b,s:b,s:b}", "stage", n->stage, "label", n->label,
				      "allowed", n->allowed, "needs_reason", n->needs_reason,
				      "needs_agency_head", n->needs_agency_head);

		if (x && !n->allowed &&
		    json_object_set_new(x, "blocked", json_pack("{s:s,s:s}", "code", n->blocked_code,
								"message", n->blocked_message)) < 0) {
			json_decref(x);
			goto fail;
		}
		if (json_array_append_new(arr, x) < 0)
			goto fail;
	}
	if (cases_api__set(o, "review", cases_api__review(&sc->review)) < 0)
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

static json_t *cases_api__case_answer(const struct service_case *sc)
{
	json_t *body = json_pack("{s:o}", "case", cases_api__case(sc));

	if (body && sc->ledger_index >= 0 &&
	    json_object_set_new(body, "ledger_index", json_integer(sc->ledger_index)) < 0) {
		json_decref(body);
		return NULL;
	}
	return body;
}

/* ---- request helpers ---- */

static int cases_api__opt_string(const char **out, json_t *body, const char *name,
				 struct sx_error *err)
{
	json_t *v = json_object_get(body, name);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	return http_json_string(out, NULL, body, name, err);
}

/* An array of strings (ids) into a pool array. */
static int cases_api__ids(const char ***out, size_t *count, struct http_request *req,
			  json_t *body, const char *name, struct sx_error *err)
{
	json_t *arr = json_object_get(body, name);
	const char **ids;
	size_t i;
	char msg[SX_ERROR_MESSAGE_MAX];

	*out = NULL;
	*count = 0;
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > CASES_MAX_OFFICER_IDS) {
		snprintf(msg, sizeof(msg), "字段 %s 应为不超过 %d 个编号的数组", name,
			 CASES_MAX_OFFICER_IDS);
		return sx_error_set(err, SX_EINVALID, "invalid", msg);
	}
	if (!(ids = pool_calloc(req->pool, json_array_size(arr) + 1, sizeof(*ids))))
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	for (i = 0; i < json_array_size(arr); i++) {
		if (!(ids[i] = json_string_value(json_array_get(arr, i)))) {
			snprintf(msg, sizeof(msg), "字段 %s 的元素应为字符串", name);
			return sx_error_set(err, SX_EINVALID, "invalid", msg);
		}
	}
	*out = ids;
	*count = json_array_size(arr);
	return 0;
}

/* ---- cases ---- */

int api_cases_create(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"agency_id", "kind", "procedure", "matter_code",
					     "cause", "party_type", "party_name", "party_id_code",
					     "party_phone", "party_address", "started_on",
					     "officer_ids", "fine_fen", NULL};
	struct service_actor actor;
	struct service_case_input in;
	struct service_case sc;
	struct sx_error err;
	json_t *body = NULL, *fine;
	int rc;

	memset(&in, 0, sizeof(in));
	memset(&sc, 0, sizeof(sc));
	sx_error_clear(&err);
	in.fine_fen = -1;
	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0 ||
	    (rc = http_request_json(&body, req, &err)) < 0 ||
	    (rc = http_json_check_fields(body, fields, &err)) < 0 ||
	    (rc = cases_api__opt_string(&in.agency_id, body, "agency_id", &err)) < 0 ||
	    (rc = cases_api__opt_string(&in.kind, body, "kind", &err)) < 0 ||
	    (rc = cases_api__opt_string(&in.procedure, body, "procedure", &err)) < 0 ||
	    (rc = cases_api__opt_string(&in.matter_code, body, "matter_code", &err)) < 0 ||
	    (rc = cases_api__opt_string(&in.cause, body, "cause", &err)) < 0 ||
	    (rc = cases_api__opt_string(&in.party_type, body, "party_type", &err)) < 0 ||
	    (rc = cases_api__opt_string(&in.party_name, body, "party_name", &err)) < 0 ||
	    (rc = cases_api__opt_string(&in.party_id_code, body, "party_id_code", &err)) < 0 ||
	    (rc = cases_api__opt_string(&in.party_phone, body, "party_phone", &err)) < 0 ||
	    (rc = cases_api__opt_string(&in.party_address, body, "party_address", &err)) < 0 ||
	    (rc = cases_api__opt_string(&in.started_on, body, "started_on", &err)) < 0 ||
	    (rc = cases_api__ids((const char ***)&in.officer_ids, &in.officer_count, req, body,
				 "officer_ids", &err)) < 0)
		goto fail;
	fine = json_object_get(body, "fine_fen");
	if (fine && !json_is_null(fine)) {
		if (!json_is_integer(fine) || json_integer_value(fine) < 0) {
			rc = sx_error_set(&err, SX_EINVALID, "invalid", "fine_fen 应为非负整数（分）");
			goto fail;
		}
		in.fine_fen = json_integer_value(fine);
	}
	if ((rc = service_case_open(&sc, req->app->svc, &actor, &in, &err)) < 0)
		goto fail;
	json_decref(body);
	http_response_header(resp, req, "Location",
			     pool_printf(req->pool, "/api/v1/cases/%s", sc.c.id));
	rc = http_respond_json_take(resp, req, 201, cases_api__case_answer(&sc));
	service_case_clear(&sc);
	return rc;
fail:
	json_decref(body);
	return http_respond_error(resp, req, &err);
}

int api_cases_list(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_case_query q;
	struct service_case_page page;
	struct sx_error err;
	const char *scope = http_request_query(req, "scope");
	json_t *body, *items;
	size_t i;
	int rc;

	memset(&q, 0, sizeof(q));
	sx_error_clear(&err);
	if ((rc = http_session_actor(&actor, req, &err)) < 0)
		return http_respond_error(resp, req, &err);
	if (!scope || strcmp(scope, "mine") == 0) {
		q.scope = SERVICE_CASES_MINE;
	} else if (strcmp(scope, "agency") == 0) {
		q.scope = SERVICE_CASES_AGENCY;
	} else if (strcmp(scope, "all") == 0) {
		q.scope = SERVICE_CASES_ALL;
	} else {
		sx_error_set(&err, SX_EINVALID, "bad_scope", "scope 应为 mine、agency 或 all");
		return http_respond_error(resp, req, &err);
	}
	q.stage = http_request_query(req, "stage");
	q.open_only = http_request_query(req, "open") != NULL;
	q.overdue_only = http_request_query(req, "overdue") != NULL;
	if (html_page_arg(&q.page, http_request_query(req, "page"), 1, &err) < 0)
		return http_respond_error(resp, req, &err);
	q.per_page = 20;
	if ((rc = service_case_list(&page, req->app->svc, &actor, &q, &err)) < 0)
		return http_respond_error(resp, req, &err);
	body = json_pack("{s:[],s:I,s:I,s:I,s:s}", "cases", "total", (json_int_t)page.total, "page",
			 (json_int_t)page.page, "per_page", (json_int_t)page.per_page, "today",
			 page.today);
	items = body ? json_object_get(body, "cases") : NULL;
	for (i = 0; items && i < page.count; i++) {
		json_t *row = cases_api__row(&page.items[i]);

		if (!row || json_object_set_new(row, "stage_label",
						json_string(cases_api__stage_label(
							page.items[i].stage))) < 0 ||
		    json_array_append_new(items, row) < 0) {
			json_decref(body);
			body = NULL;
			break;
		}
	}
	service_case_page_clear(&page);
	return http_respond_json_take(resp, req, 200, body);
}

int api_case_get(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_case sc;
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	memset(&sc, 0, sizeof(sc));
	if ((rc = http_session_actor(&actor, req, &err)) < 0 ||
	    (rc = service_case_get(&sc, req->app->svc, &actor, http_request_param(req, "id"),
				   http_request_query(req, "reason"), req->remote_addr, &err)) < 0)
		return http_respond_error(resp, req, &err);
	rc = http_respond_json_take(resp, req, 200, cases_api__case_answer(&sc));
	service_case_clear(&sc);
	return rc;
}

/* The body of a change: fields allowed, then the change itself. */
typedef int (*cases_api_change_fn)(struct service_case *out, struct http_request *req,
				   const struct service_actor *actor, json_t *body,
				   struct sx_error *err);

static int cases_api__change(struct http_request *req, struct http_response *resp,
			     const char *const *fields, cases_api_change_fn fn)
{
	struct service_actor actor;
	struct service_case sc;
	struct sx_error err;
	json_t *body = NULL;
	int rc;

	sx_error_clear(&err);
	memset(&sc, 0, sizeof(sc));
	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0 ||
	    (rc = http_request_json(&body, req, &err)) < 0 ||
	    (rc = http_json_check_fields(body, fields, &err)) < 0 ||
	    (rc = fn(&sc, req, &actor, body, &err)) < 0) {
		json_decref(body);
		return http_respond_error(resp, req, &err);
	}
	json_decref(body);
	rc = http_respond_json_take(resp, req, 200, cases_api__case_answer(&sc));
	service_case_clear(&sc);
	return rc;
}

static int cases_api__move(struct service_case *out, struct http_request *req,
			   const struct service_actor *actor, json_t *body, struct sx_error *err)
{
	const char *to = NULL, *expected = NULL, *reason = NULL;
	int rc;

	if ((rc = http_json_string(&to, NULL, body, "to", err)) < 0 ||
	    (rc = cases_api__opt_string(&expected, body, "expected_stage", err)) < 0 ||
	    (rc = cases_api__opt_string(&reason, body, "reason", err)) < 0)
		return rc;
	return service_case_move(out, req->app->svc, actor, http_request_param(req, "id"), expected,
				 to, reason, err);
}

int api_case_move(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"to", "expected_stage", "reason", NULL};

	return cases_api__change(req, resp, fields, cases_api__move);
}

static int cases_api__hearing(struct service_case *out, struct http_request *req,
			      const struct service_actor *actor, json_t *body, struct sx_error *err)
{
	const char *reason = NULL;
	int rc;

	if ((rc = cases_api__opt_string(&reason, body, "reason", err)) < 0)
		return rc;
	return service_case_request_hearing(out, req->app->svc, actor, http_request_param(req, "id"),
					    reason, err);
}

int api_case_hearing(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"reason", NULL};

	return cases_api__change(req, resp, fields, cases_api__hearing);
}

static int cases_api__extend(struct service_case *out, struct http_request *req,
			     const struct service_actor *actor, json_t *body, struct sx_error *err)
{
	const char *reason = NULL;
	json_t *days = json_object_get(body, "days");
	int rc;

	if (!json_is_integer(days) || json_integer_value(days) < 1 ||
	    json_integer_value(days) > 3650)
		return sx_error_set(err, SX_EINVALID, "bad_extension", "days 应为 1 到 3650 的整数");
	if ((rc = cases_api__opt_string(&reason, body, "reason", err)) < 0)
		return rc;
	return service_case_extend(out, req->app->svc, actor, http_request_param(req, "id"),
				   (int)json_integer_value(days), reason, err);
}

int api_case_extend(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"days", "reason", NULL};

	return cases_api__change(req, resp, fields, cases_api__extend);
}

static int cases_api__exempt(struct service_case *out, struct http_request *req,
			     const struct service_actor *actor, json_t *body, struct sx_error *err)
{
	const char *stage = NULL, *reason = NULL;
	int rc;

	if ((rc = http_json_string(&stage, NULL, body, "stage", err)) < 0 ||
	    (rc = cases_api__opt_string(&reason, body, "reason", err)) < 0)
		return rc;
	return service_case_exempt_recording(out, req->app->svc, actor,
					     http_request_param(req, "id"), stage, reason, err);
}

int api_case_exempt(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"stage", "reason", NULL};

	return cases_api__change(req, resp, fields, cases_api__exempt);
}

/* ---- records ---- */

static json_t *cases_api__record(const struct service_record *r, bool with_text)
{
	json_t *o, *arr;
	size_t i;

	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s}", "id", r->r.id,
		      "case_id", r->r.case_id, "case_no", r->case_no, "stage", r->r.stage,
		      "template", r->r.template_code, "title", r->r.title, "doc_no", r->r.doc_no,
		      "field_act", r->r.field_act, "made_on", r->r.made_on, "content_sha256",
		      r->r.content_sha256, "served", r->r.served, "supersedes", r->r.supersedes,
		      "created_at", r->r.created_at);
	if (!o)
		return NULL;
	{
		char url[96];

		snprintf(url, sizeof(url), "/api/v1/records/%s/pdf", r->r.id);
		if (json_object_set_new(o, "pdf_url", json_string(url)) < 0)
			goto fail;
	}
	if (with_text && r->r.body_text &&
	    json_object_set_new(o, "text", json_string(r->r.body_text)) < 0)
		goto fail;
	if (with_text && r->r.values_json) {
		json_error_t jerr;
		json_t *doc = json_loads(r->r.values_json, 0, &jerr);

		if (!doc || json_object_set(o, "values", json_object_get(doc, "values")) < 0) {
			json_decref(doc);
			goto fail;
		}
		json_decref(doc);
	}
	if (r->verify_code[0] && json_object_set_new(o, "verify_code",
						     json_string(r->verify_code)) < 0)
		goto fail;
	if (!(arr = json_array()) || json_object_set_new(o, "officers", arr) < 0)
		goto fail;
	for (i = 0; i < r->officer_count; i++)
		if (json_array_append_new(arr, json_pack("{s:s,s:s,s:s}", "id",
							 r->officers[i].officer_id, "name",
							 r->officers[i].name, "cert_no",
							 r->officers[i].cert_no)) < 0)
			goto fail;
	if (r->ledger_index >= 0 &&
	    json_object_set_new(o, "ledger_index", json_integer(r->ledger_index)) < 0)
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

int api_case_record_create(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"template", "values", "officer_ids", "made_on",
					     "supersedes", NULL};
	struct service_actor actor;
	struct service_record_input in;
	struct service_record rec;
	struct sx_error err;
	json_t *body = NULL, *values;
	char *values_text = NULL;
	int rc;

	memset(&in, 0, sizeof(in));
	memset(&rec, 0, sizeof(rec));
	sx_error_clear(&err);
	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0 ||
	    (rc = http_request_json(&body, req, &err)) < 0 ||
	    (rc = http_json_check_fields(body, fields, &err)) < 0 ||
	    (rc = http_json_string(&in.template_code, NULL, body, "template", &err)) < 0 ||
	    (rc = cases_api__opt_string(&in.made_on, body, "made_on", &err)) < 0 ||
	    (rc = cases_api__opt_string(&in.supersedes, body, "supersedes", &err)) < 0 ||
	    (rc = cases_api__ids((const char ***)&in.officer_ids, &in.officer_count, req, body,
				 "officer_ids", &err)) < 0)
		goto fail;
	values = json_object_get(body, "values");
	if (values && !json_is_object(values)) {
		rc = sx_error_set(&err, SX_EINVALID, "invalid", "values 应为对象：{\"字段名\": \"值\"}");
		goto fail;
	}
	if (!(values_text = json_dumps(values ? values : json_object(), JSON_COMPACT))) {
		rc = sx_error_set(&err, SX_ENOMEM, NULL, NULL);
		goto fail;
	}
	in.values_json = values_text;
	in.values_len = strlen(values_text);
	if ((rc = service_record_make(&rec, req->app->svc, &actor, http_request_param(req, "id"),
				      &in, &err)) < 0)
		goto fail;
	free(values_text);
	json_decref(body);
	http_response_header(resp, req, "Location",
			     pool_printf(req->pool, "/api/v1/records/%s", rec.r.id));
	rc = http_respond_json_take(resp, req, 201,
				    json_pack("{s:o}", "record", cases_api__record(&rec, true)));
	service_record_clear(&rec);
	return rc;
fail:
	free(values_text);
	json_decref(body);
	return http_respond_error(resp, req, &err);
}

int api_record_get(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_record rec;
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	memset(&rec, 0, sizeof(rec));
	if ((rc = http_session_actor(&actor, req, &err)) < 0 ||
	    (rc = service_record_get(&rec, req->app->svc, &actor, http_request_param(req, "id"),
				     http_request_query(req, "reason"), req->remote_addr, &err)) < 0)
		return http_respond_error(resp, req, &err);
	rc = http_respond_json_take(resp, req, 200,
				    json_pack("{s:o}", "record", cases_api__record(&rec, true)));
	service_record_clear(&rec);
	return rc;
}

/* Content-Disposition with the document's title and number (RFC 6266 / 5987). */
static void cases_api__pdf_headers(struct http_response *resp, struct http_request *req,
				   const struct service_record *rec)
{
	struct buf name;
	const char *title = rec->r.doc_no[0] ? rec->r.doc_no : rec->r.title;
	size_t i;

	buf_init(&name, 4096);
	buf_append_str(&name, "attachment; filename=\"record.pdf\"; filename*=UTF-8''");
	for (i = 0; title[i]; i++) {
		unsigned char ch = (unsigned char)title[i];

		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || ch == '.' || ch == '_')
			buf_append(&name, (const char *)&ch, 1);
		else
			buf_appendf(&name, "%%%02X", ch);
	}
	buf_append_str(&name, ".pdf");
	if (name.data)
		http_response_header(resp, req, "Content-Disposition", name.data);
	buf_free(&name);
}

int api_record_pdf(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_record rec;
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	memset(&rec, 0, sizeof(rec));
	if ((rc = http_session_actor(&actor, req, &err)) < 0 ||
	    (rc = service_record_pdf(&resp->body, &rec, req->app->svc, &actor,
				     http_request_param(req, "id"), http_request_query(req, "reason"),
				     req->remote_addr, &err)) < 0) {
		buf_free(&resp->body);
		buf_init(&resp->body, HTTP_RESPONSE_MAX_BYTES);
		return http_respond_error(resp, req, &err);
	}
	resp->status = 200;
	resp->content_type = "application/pdf";
	cases_api__pdf_headers(resp, req, &rec);
	service_record_clear(&rec);
	return 0;
}

/* ---- templates ---- */

static json_t *cases_api__template(const struct doctemplate *t)
{
	char *text = NULL;
	json_t *o;
	json_error_t jerr;
	struct sx_error err;

	if (doctemplates_describe_json(&text, t, &err) < 0)
		return NULL;
	o = json_loads(text, 0, &jerr);
	sx_free(text);
	return o;
}

int api_templates_list(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct sx_error err;
	const struct doctemplates *reg = req->app->svc->templates;
	json_t *body, *arr;
	size_t i;

	sx_error_clear(&err);
	if (http_session_actor(&actor, req, &err) < 0)
		return http_respond_error(resp, req, &err);
	if (!reg) {
		sx_error_set(&err, SX_EINTERNAL, "templates_unavailable", "文书模板未加载");
		return http_respond_error(resp, req, &err);
	}
	body = json_pack("{s:[]}", "templates");
	arr = body ? json_object_get(body, "templates") : NULL;
	for (i = 0; arr && i < doctemplates_count(reg); i++)
		if (json_array_append_new(arr, cases_api__template(doctemplates_at(reg, i))) < 0) {
			json_decref(body);
			body = NULL;
		}
	return http_respond_json_take(resp, req, 200, body);
}

int api_template_get(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct sx_error err;
	const struct doctemplates *reg = req->app->svc->templates;
	const struct doctemplate *t;

	sx_error_clear(&err);
	if (http_session_actor(&actor, req, &err) < 0)
		return http_respond_error(resp, req, &err);
	if (!reg || !(t = doctemplates_find(reg, http_request_param(req, "code")))) {
		sx_error_set(&err, SX_ENOTFOUND, "template_not_found", "文书模板不存在");
		return http_respond_error(resp, req, &err);
	}
	return http_respond_json_take(resp, req, 200,
				      json_pack("{s:o}", "template", cases_api__template(t)));
}

/* ---- the 调阅 log ---- */

static int cases_api__accesses(struct http_request *req, struct http_response *resp,
			       const char *case_id)
{
	struct service_actor actor;
	struct service_access_page page;
	struct sx_error err;
	int64_t n = 1;
	json_t *body, *arr;
	size_t i;

	sx_error_clear(&err);
	if (http_session_actor(&actor, req, &err) < 0 || html_page_arg(&n, http_request_query(req, "page"), 1, &err) < 0 ||
	    service_case_accesses(&page, req->app->svc, &actor, case_id, n, 50, &err) < 0)
		return http_respond_error(resp, req, &err);
	body = json_pack("{s:[],s:I,s:I,s:I}", "accesses", "total", (json_int_t)page.total, "page",
			 (json_int_t)page.page, "per_page", (json_int_t)page.per_page);
	arr = body ? json_object_get(body, "accesses") : NULL;
	for (i = 0; arr && i < page.count; i++) {
		const struct store_case_access *a = &page.items[i];

		if (json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
							 "id", a->id, "case_id", a->case_id,
							 "object_type", a->object_type, "object_id",
							 a->object_id, "action", a->action, "reason",
							 a->reason, "actor_id", a->actor_id,
							 "actor_name", a->actor_name, "at",
							 a->at)) < 0) {
			json_decref(body);
			body = NULL;
		}
	}
	service_access_page_clear(&page);
	return http_respond_json_take(resp, req, 200, body);
}

int api_case_accesses(struct http_request *req, struct http_response *resp)
{
	return cases_api__accesses(req, resp, http_request_param(req, "id"));
}

int api_accesses_list(struct http_request *req, struct http_response *resp)
{
	return cases_api__accesses(req, resp, NULL);
}

/* A change whose JSON body is one string field: the session (with CSRF), the
 * body and the field's value (NULL when absent and not required). The caller
 * json_decref's *body, also on error. */
static int cases_api__one_field(struct service_actor *actor, json_t **body, const char **value,
				struct http_request *req, const char *field, bool required,
				struct sx_error *err)
{
	const char *const fields[] = {field, NULL};
	int rc;

	*body = NULL;
	*value = NULL;
	if ((rc = http_session_actor_for_write(actor, req, err)) < 0 ||
	    (rc = http_request_json(body, req, err)) < 0 ||
	    (rc = http_json_check_fields(*body, fields, err)) < 0)
		return rc;
	return required ? http_json_string(value, NULL, *body, field, err)
			: cases_api__opt_string(value, *body, field, err);
}

/* ---- settings and retention ---- */

int api_case_settings_put(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct sx_error err;
	const char *prefix = NULL;
	json_t *body = NULL;
	int rc;

	sx_error_clear(&err);
	if ((rc = cases_api__one_field(&actor, &body, &prefix, req, "doc_prefix", true, &err)) < 0 ||
	    (rc = service_case_settings_put(req->app->svc, &actor, http_request_param(req, "id"),
					    prefix, &err)) < 0) {
		json_decref(body);
		return http_respond_error(resp, req, &err);
	}
	rc = http_respond_json_take(resp, req, 200, json_pack("{s:s}", "doc_prefix", prefix));
	json_decref(body);
	return rc;
}

int api_retention_get(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct retention_policy p;
	struct sx_error err;
	char text[RETENTION_TEXT_MIN_SIZE * 2];

	sx_error_clear(&err);
	if (http_session_actor(&actor, req, &err) < 0 ||
	    service_retention_policy(&p, req->app->svc, &err) < 0)
		return http_respond_error(resp, req, &err);
	if (retention_policy_format(text, sizeof(text), &p) < 0)
		text[0] = '\0';
	return http_respond_json_take(
		resp, req, 200,
		json_pack("{s:s,s:I,s:I,s:I,s:I,s:I}", "policy", text, "video_days",
			  (json_int_t)p.video_days, "audio_days", (json_int_t)p.audio_days,
			  "photo_days", (json_int_t)p.photo_days, "file_days",
			  (json_int_t)p.file_days, "case_file_days", (json_int_t)p.case_file_days));
}

int api_retention_put(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct sx_error err;
	const char *text = NULL;
	json_t *body = NULL;
	int rc;

	sx_error_clear(&err);
	if ((rc = cases_api__one_field(&actor, &body, &text, req, "policy", true, &err)) < 0 ||
	    (rc = service_retention_policy_set(req->app->svc, &actor, text, &err)) < 0) {
		json_decref(body);
		return http_respond_error(resp, req, &err);
	}
	json_decref(body);
	return api_retention_get(req, resp);
}

int api_evidence_delete(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct sx_error err;
	const char *reason = NULL;
	json_t *body = NULL;
	int rc;

	sx_error_clear(&err);
	if ((rc = cases_api__one_field(&actor, &body, &reason, req, "reason", false, &err)) < 0 ||
	    (rc = service_evidence_delete(req->app->svc, &actor, http_request_param(req, "id"),
					  reason, &err)) < 0) {
		json_decref(body);
		return http_respond_error(resp, req, &err);
	}
	json_decref(body);
	return http_respond_json_take(resp, req, 200, json_pack("{s:b}", "deleted", 1));
}

int api_retention_report(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_retention_report r;
	struct sx_error err;
	int64_t limit = 200;
	json_t *body, *arr;
	size_t i;

	sx_error_clear(&err);
	if (http_session_actor(&actor, req, &err) < 0 ||
	    html_number_arg(&limit, http_request_query(req, "limit"), 200, "bad_limit",
			    "limit 应为 1 到 1000 的整数", &err) < 0 ||
	    service_retention_report(&r, req->app->svc, &actor, http_request_query(req, "agency_id"),
				     limit, &err) < 0)
		return http_respond_error(resp, req, &err);
	body = json_pack("{s:s,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I},s:b,s:[]}", "today", r.today,
			 "counts", "total", (json_int_t)r.total, "deleted", (json_int_t)r.deleted,
			 "kept_not_archived", (json_int_t)r.kept_not_archived, "kept_permanent",
			 (json_int_t)r.kept_permanent, "kept_in_period", (json_int_t)r.kept_in_period,
			 "deletable", (json_int_t)r.deletable, "kept_bytes", (json_int_t)r.kept_bytes,
			 "deletable_bytes", (json_int_t)r.deletable_bytes, "truncated", r.truncated,
			 "rows");
	arr = body ? json_object_get(body, "rows") : NULL;
	for (i = 0; arr && i < r.count; i++) {
		const struct service_retention_row *x = &r.rows[i];

		if (json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:b,s:s}",
							 "evidence_id", x->evidence_id, "case_id",
							 x->case_id, "case_no", x->case_no, "kind",
							 x->kind, "size", (json_int_t)x->size_bytes,
							 "sha256", x->sha256, "archived_on",
							 x->archived_on, "deletable_from",
							 x->deletable_from, "deleted", x->deleted,
							 "deleted_at", x->deleted_at)) < 0) {
			json_decref(body);
			body = NULL;
		}
	}
	if (body) {
		char text[RETENTION_TEXT_MIN_SIZE * 2];

		if (retention_policy_format(text, sizeof(text), &r.policy) < 0 ||
		    json_object_set_new(body, "policy", json_string(text)) < 0) {
			json_decref(body);
			body = NULL;
		}
	}
	service_retention_report_clear(&r);
	return http_respond_json_take(resp, req, 200, body);
}

/* ---- the party ---- */

int api_party_documents(struct http_request *req, struct http_response *resp)
{
	struct service_party_view v;
	struct sx_error err;
	json_t *body, *arr;
	size_t i;

	bool limited;
	int rc;

	sx_error_clear(&err);
	if ((rc = http_public_limit(req, resp, &limited)) < 0 || limited)
		return rc;
	if (service_party_documents(&v, req->app->svc, http_request_query(req, "case_no"),
				    http_request_query(req, "code"), req->remote_addr, &err) < 0)
		return http_respond_error(resp, req, &err);
	body = json_pack("{s:s,s:s,s:s,s:s,s:[]}", "case_no", v.case_no, "agency_name",
			 v.agency_name, "matter_name", v.matter_name, "stage_label", v.stage_label,
			 "documents");
	arr = body ? json_object_get(body, "documents") : NULL;
	for (i = 0; arr && i < v.count; i++)
		if (json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s,s:s}", "id",
							 v.docs[i].record_id, "title",
							 v.docs[i].title, "doc_no", v.docs[i].doc_no,
							 "made_on", v.docs[i].made_on, "text",
							 v.docs[i].body_text)) < 0) {
			json_decref(body);
			body = NULL;
		}
	service_party_view_clear(&v);
	return http_respond_json_take(resp, req, 200, body);
}
