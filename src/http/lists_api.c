/*
 * http/lists_api — staff writes to the public lists and the bulk imports:
 *
 *   POST /api/v1/agencies/:id/list-versions              submit a new version (pending)
 *        {"effective_from": "YYYY-MM-DD", "summary": "…", "matters": [ … ]}
 *   POST /api/v1/agencies/:id/list-versions/:n/approve   {"note": "…"} (note optional)
 *   POST /api/v1/agencies/:id/list-versions/:n/reject    {"note": "…"} (note required)
 *   POST /api/v1/agencies/:id/officers/import            body: the CSV file (text/csv)
 *   POST /api/v1/agencies/:id/matters/import?effective_from=&summary=
 *                                                        body: the CSV file (text/csv)
 *
 * All need a staff session and the X-CSRF-Token header; what each role may
 * do is decided by service/lists and service/imports. A rejected import
 * answers 422 with the usual error object and, beside it, the report:
 * {"error": {…}, "report": {"rows": N, "error_total": M,
 *  "errors": [{"row": R, "column": "…", "code": "…", "message": "…"}]}}.
 * Formats: docs/lists.md, docs/import.md.
 */
#include <string.h>

#include "base/mem.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/lists_api.h"
#include "http/lists_handlers.h"
#include "service/auth.h"
#include "service/imports.h"
#include "service/lists.h"
#include "service/matter_json.h"

/* Reads body["matters"] into an array of matters (caller clears each, frees). */
static int lists_api__matters(struct matter **out, size_t *count, json_t *body,
			      struct sx_error *err)
{
	json_t *arr = json_object_get(body, "matters");
	struct matter *items;
	size_t n;
	int rc = 0;

	*out = NULL;
	*count = 0;
	if (!json_is_array(arr))
		return sx_error_set(err, SX_EINVALID, "invalid", "字段 matters 应为执法事项数组");
	n = json_array_size(arr);
	if (n > MATTER_MAX_LIST)
		return sx_error_set(err, SX_EINVALID, "matter_too_many", "一个清单最多 5000 个执法事项");
	if (n == 0)
		return 0;
	if ((items = sx_calloc(n, sizeof(*items))) == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = matter_json_read(&items[i], json_array_get(arr, i), err);
		*count = i + 1;
	}
	*out = items;
	return rc;
}

static void lists_api__matters_free(struct matter *items, size_t count)
{
	for (size_t i = 0; i < count; i++)
		matter_clear(&items[i]);
	sx_free(items);
}

int api_list_submit(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"effective_from", "summary", "matters", NULL};
	struct service_list_version v;
	struct service_actor actor;
	struct matter *items = NULL;
	size_t count = 0;
	struct sx_error err;
	json_t *body = NULL;
	const char *effective_from = NULL, *summary = NULL;
	int rc;

	sx_error_clear(&err);
	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0 ||
	    (rc = http_request_json(&body, req, &err)) < 0 ||
	    (rc = http_json_check_fields(body, fields, &err)) < 0 ||
	    (rc = http_json_string(&effective_from, NULL, body, "effective_from", &err)) < 0 ||
	    (rc = http_json_string(&summary, NULL, body, "summary", &err)) < 0 ||
	    (rc = lists_api__matters(&items, &count, body, &err)) < 0 ||
	    (rc = service_list_submit(&v, req->app->svc, &actor, http_request_param(req, "id"),
				      effective_from, summary, items, count, &err)) < 0) {
		lists_api__matters_free(items, count);
		json_decref(body);
		return http_respond_error(resp, req, &err);
	}
	lists_api__matters_free(items, count);
	json_decref(body);
	return http_respond_json_take(resp, req, 201, json_pack("{s:o}", "version", lists_version_json(&v)));
}

static int lists_api__decide(struct http_request *req, struct http_response *resp, bool approve)
{
	static const char *const fields[] = {"note", NULL};
	struct service_list_version v;
	struct service_actor actor;
	struct sx_error err;
	json_t *body = NULL;
	const char *note = NULL;
	int64_t version = 0;
	int rc;

	sx_error_clear(&err);
	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0 ||
	    (rc = html_number_arg(&version, http_request_param(req, "n"), 0, "bad_version",
				  "版本号无效", &err)) < 0)
		return http_respond_error(resp, req, &err);
	if (req->body_len > 0) {
		json_t *n;

		if ((rc = http_request_json(&body, req, &err)) < 0 ||
		    (rc = http_json_check_fields(body, fields, &err)) < 0) {
			json_decref(body);
			return http_respond_error(resp, req, &err);
		}
		n = json_object_get(body, "note");
		if (n != NULL && !json_is_string(n)) {
			json_decref(body);
			sx_error_set(&err, SX_EINVALID, "invalid", "字段 note 应为字符串");
			return http_respond_error(resp, req, &err);
		}
		note = json_string_value(n);
	}
	rc = service_list_decide(&v, req->app->svc, &actor, http_request_param(req, "id"), version,
				 approve, note, &err);
	json_decref(body);
	if (rc < 0)
		return http_respond_error(resp, req, &err);
	return http_respond_json_take(resp, req, 200, json_pack("{s:o}", "version", lists_version_json(&v)));
}

int api_list_approve(struct http_request *req, struct http_response *resp)
{
	return lists_api__decide(req, resp, true);
}

int api_list_reject(struct http_request *req, struct http_response *resp)
{
	return lists_api__decide(req, resp, false);
}

json_t *lists_import_report_json(const struct import_report *r)
{
	json_t *errors = json_array();

	if (errors == NULL)
		return NULL;
	for (size_t i = 0; i < r->error_count; i++) {
		const struct import_row_error *e = &r->errors[i];

		if (json_array_append_new(errors,
					  json_pack("{s:I,s:s,s:s,s:s}", "row", (json_int_t)e->row_no,
						    "column", e->column, "code", e->code, "message",
						    e->message)) < 0) {
			json_decref(errors);
			return NULL;
		}
	}
	return json_pack("{s:I,s:I,s:o}", "rows", (json_int_t)r->rows, "error_total",
			 (json_int_t)r->error_total, "errors", errors);
}

/* An import that failed: the error, and the report when there is one. */
static int lists_api__import_failed(struct http_request *req, struct http_response *resp,
				    const struct sx_error *err, const struct import_result *result)
{
	json_t *body;

	if (result->report.error_total == 0 && result->report.error_count == 0)
		return http_respond_error(resp, req, err);
	body = json_pack("{s:{s:s,s:s},s:o}", "error", "code", err->code, "message", err->message,
			 "report", lists_import_report_json(&result->report));
	return http_respond_json_take(resp, req, http_status_for_error(err->rc), body);
}

static int lists_api__csv_body(struct http_request *req, struct sx_error *err)
{
	if (!http_request_content_type_is(req, "text/csv"))
		return sx_error_set(err, SX_EUNSUPPORTED, "unsupported",
				    "请以 text/csv 格式上传 CSV 文件");
	if (req->body_len == 0)
		return sx_error_set(err, SX_EINVALID, "empty_file", "上传的文件是空的");
	return 0;
}

int api_import_officers(struct http_request *req, struct http_response *resp)
{
	struct import_result result;
	struct service_actor actor;
	struct sx_error err;
	size_t imported = 0;
	int rc;

	memset(&result, 0, sizeof(result));
	sx_error_clear(&err);
	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0 ||
	    (rc = lists_api__csv_body(req, &err)) < 0)
		return http_respond_error(resp, req, &err);
	rc = service_import_officers(&result, &imported, req->app->svc, &actor,
				     http_request_param(req, "id"), req->body, req->body_len, NULL,
				     NULL, &err);
	if (rc < 0) {
		rc = lists_api__import_failed(req, resp, &err, &result);
		import_result_clear(&result);
		return rc;
	}
	rc = http_respond_json_take(resp, req, 201,
			     json_pack("{s:I,s:I}", "imported", (json_int_t)imported, "rows",
				       (json_int_t)result.report.rows));
	import_result_clear(&result);
	return rc;
}

int api_import_matters(struct http_request *req, struct http_response *resp)
{
	struct service_list_version v;
	struct import_result result;
	struct service_actor actor;
	struct sx_error err;
	int rc;

	memset(&result, 0, sizeof(result));
	sx_error_clear(&err);
	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0 ||
	    (rc = lists_api__csv_body(req, &err)) < 0)
		return http_respond_error(resp, req, &err);
	rc = service_import_matters(&v, &result, req->app->svc, &actor,
				    http_request_param(req, "id"), req->body, req->body_len,
				    http_request_query(req, "effective_from"),
				    http_request_query(req, "summary"), NULL, NULL, &err);
	if (rc < 0) {
		rc = lists_api__import_failed(req, resp, &err, &result);
		import_result_clear(&result);
		return rc;
	}
	rc = http_respond_json_take(resp, req, 201,
			     json_pack("{s:o,s:I}", "version", lists_version_json(&v), "rows",
				       (json_int_t)result.report.rows));
	import_result_clear(&result);
	return rc;
}
