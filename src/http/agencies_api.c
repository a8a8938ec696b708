/*
 * http/agencies_api — registering agencies and changing their public fields
 * (admin only; service/agencies decides):
 *
 *   POST /api/v1/agencies                  {name, credit_code, level, region_code,
 *                                           parent_id?, is_justice_bureau?, duties?,
 *                                           address?, phone?, complaint_channel?} → 201
 *   POST /api/v1/agencies/:id              the same fields but credit_code → 200
 *   POST /api/v1/agencies/:id/deactivate   {reason} → 200
 *   POST /api/v1/agencies/:id/activate     {} → 200
 *
 * Staff session and X-CSRF-Token. Answers {"agency": {…as GET…}, "ledger_index": N}.
 */
#include <string.h>

#include "http/handlers.h"
#include "service/agencies.h"
#include "service/auth.h"

/* An optional string member: NULL when absent or null; SX_EINVALID for another type. */
static int agencies_api__opt(const char **out, json_t *body, const char *key, struct sx_error *err)
{
	json_t *v = json_object_get(body, key);
	char message[SX_ERROR_MESSAGE_MAX];

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
		snprintf(message, sizeof(message), "字段 %s 应为字符串", key);
		return sx_error_set(err, SX_EINVALID, "invalid", message);
	}
	*out = json_string_value(v);
	return 0;
}

/* Reads the agency fields of body into in (pointers into body). */
static int agencies_api__input(struct service_agency_input *in, json_t *body, bool with_code,
			       struct sx_error *err)
{
	static const char *const create_fields[] = {
		"name",	  "credit_code", "level", "region_code",      "parent_id", "is_justice_bureau",
		"duties", "address",     "phone", "complaint_channel", NULL};
	json_t *justice;
	int rc;

	memset(in, 0, sizeof(*in));
	if ((rc = http_json_check_fields(body, create_fields, err)) < 0)
		return rc;
	if (!with_code && json_object_get(body, "credit_code") != NULL)
		return sx_error_set(err, SX_EINVALID, "credit_code_immutable",
				    "统一社会信用代码不能修改：代码不同即是另一个机关");
	justice = json_object_get(body, "is_justice_bureau");
	if (justice != NULL && !json_is_boolean(justice))
		return sx_error_set(err, SX_EINVALID, "invalid", "字段 is_justice_bureau 应为 true 或 false");
	in->is_justice_bureau = json_is_true(justice);
	if ((rc = agencies_api__opt(&in->name, body, "name", err)) < 0 ||
	    (rc = agencies_api__opt(&in->credit_code, body, "credit_code", err)) < 0 ||
	    (rc = agencies_api__opt(&in->level, body, "level", err)) < 0 ||
	    (rc = agencies_api__opt(&in->region_code, body, "region_code", err)) < 0 ||
	    (rc = agencies_api__opt(&in->parent_id, body, "parent_id", err)) < 0 ||
	    (rc = agencies_api__opt(&in->duties, body, "duties", err)) < 0 ||
	    (rc = agencies_api__opt(&in->address, body, "address", err)) < 0 ||
	    (rc = agencies_api__opt(&in->phone, body, "phone", err)) < 0 ||
	    (rc = agencies_api__opt(&in->complaint_channel, body, "complaint_channel", err)) < 0)
		return rc;
	return 0;
}

static int agencies_api__answer(struct http_request *req, struct http_response *resp, int status,
				const struct service_agency_public *a, int64_t ledger_index)
{
	json_t *body = json_pack("{s:o,s:I}", "agency", registry_agency_json(a), "ledger_index",
				 (json_int_t)ledger_index);
	struct sx_error err;
	int rc;

	if (body == NULL) {
		sx_error_set(&err, SX_ENOMEM, NULL, NULL);
		return http_respond_error(resp, req, &err);
	}
	rc = http_respond_json(resp, status, body);
	json_decref(body);
	return rc;
}

static int agencies_api__write(struct http_request *req, struct http_response *resp, bool create)
{
	struct service_agency_public *a = pool_alloc(req->pool, sizeof(*a));
	struct service_agency_input in;
	struct service_actor actor;
	struct sx_error err;
	json_t *body = NULL;
	int64_t ledger_index = -1;
	int rc;

	if (a == NULL)
		return SX_ENOMEM;
	sx_error_clear(&err);
	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0 ||
	    (rc = http_request_json(&body, req, &err)) < 0 ||
	    (rc = agencies_api__input(&in, body, create, &err)) < 0)
		goto fail;
	if (create)
		rc = service_agency_create(a, &ledger_index, req->app->svc, &actor, &in, &err);
	else
		rc = service_agency_update(a, &ledger_index, req->app->svc, &actor,
					   http_request_param(req, "id"), &in, &err);
	if (rc < 0)
		goto fail;
	json_decref(body);
	return agencies_api__answer(req, resp, create ? 201 : 200, a, ledger_index);
fail:
	json_decref(body);
	return http_respond_error(resp, req, &err);
}

int api_agency_create(struct http_request *req, struct http_response *resp)
{
	return agencies_api__write(req, resp, true);
}

int api_agency_update(struct http_request *req, struct http_response *resp)
{
	return agencies_api__write(req, resp, false);
}

static int agencies_api__set_active(struct http_request *req, struct http_response *resp,
				    bool active)
{
	static const char *const fields[] = {"reason", NULL};
	struct service_agency_public *a = pool_alloc(req->pool, sizeof(*a));
	struct service_actor actor;
	struct sx_error err;
	json_t *body = NULL;
	const char *reason = NULL;
	int64_t ledger_index = -1;
	int rc;

	if (a == NULL)
		return SX_ENOMEM;
	sx_error_clear(&err);
	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0)
		return http_respond_error(resp, req, &err);
	if (req->body_len > 0 && ((rc = http_request_json(&body, req, &err)) < 0 ||
				  (rc = http_json_check_fields(body, fields, &err)) < 0 ||
				  (rc = agencies_api__opt(&reason, body, "reason", &err)) < 0)) {
		json_decref(body);
		return http_respond_error(resp, req, &err);
	}
	rc = service_agency_set_active(a, &ledger_index, req->app->svc, &actor,
				       http_request_param(req, "id"), active, reason, &err);
	json_decref(body);
	if (rc < 0)
		return http_respond_error(resp, req, &err);
	return agencies_api__answer(req, resp, 200, a, ledger_index);
}

int api_agency_deactivate(struct http_request *req, struct http_response *resp)
{
	return agencies_api__set_active(req, resp, false);
}

int api_agency_activate(struct http_request *req, struct http_response *resp)
{
	return agencies_api__set_active(req, resp, true);
}
