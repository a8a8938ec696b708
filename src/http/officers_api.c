/*
 * http/officers_api — the officer register as staff keep it: JSON API, staff
 * pages and the public photo (routes in officers_handlers.h).
 *
 * Authentication: the session cookie. State-changing API calls carry the
 * session's CSRF token in X-CSRF-Token, as every cookie-authenticated change
 * does (http/api.c); staff forms carry it in the field csrf_token.
 *
 * ID numbers: every answer here shows the masked number the service returns,
 * except the one answer to an explicit reveal (?reveal=id_number, or the
 * 显示完整身份证号 button), which the service allows only to agency heads of
 * the officer's agency and admins and logs before it answers. Staff answers
 * are never cached (server.c sends Cache-Control: no-store under /staff and
 * /api/).
 *
 * Photos are public (亮证 shows them) and addressed by their SHA-256, so an
 * answer never changes: they are served with a year-long immutable cache
 * lifetime. Uploads are the raw image as the body; the server's body limit
 * (serve --max-body-bytes, 1 MiB by default) is above the 512 KiB the service
 * accepts.
 *
 * Every value a page shows is HTML-escaped: in templates by {{x}}, in the
 * fragments built here by buf_append_html_escaped; values placed in URLs are
 * percent-encoded first.
 */
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "domain/officer.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/officers_handlers.h"
#include "http/template.h"
#include "service/auth.h"
#include "service/officers.h"

#define OFFICERS_FRAGMENT_MAX (1u << 20)
#define OFFICERS_PAGE_SIZE 20
#define OFFICERS_PHOTO_CACHE "public, max-age=31536000, immutable"

/* ---- shared ---- */

static const char *officers__or_null(const char *s)
{
	return s && s[0] ? s : NULL;
}

/* "/officers/photo/<sha256>" in pool memory, or NULL without a photo. */
static const char *officers__photo_url(struct http_request *req, const struct service_officer *o)
{
	if (o->photo_sha256[0] == '\0')
		return NULL;
	return pool_printf(req->pool, "/officers/photo/%s", o->photo_sha256);
}

/* ---- JSON API ---- */

static json_t *officers__json(struct http_request *req, const struct service_officer *o)
{
	enum officer_credential_state state = (enum officer_credential_state)o->state;

	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:s?,"
			 "s:s?,s:s?,s:s,s:b,s:b}",
			 "id", o->id, "agency_id", o->agency_id, "agency_name", o->agency_name,
			 "name", o->name, "cert_no", o->cert_no, "cert_type", o->cert_type, "field",
			 o->field, "valid_from", o->valid_from, "valid_to", o->valid_to, "status",
			 o->status, "status_label", officer_status_label(o->status), "state",
			 officer_credential_state_code(state), "state_label",
			 officer_credential_state_label(state), "checked_on", o->checked_on,
			 "id_number", o->id_number, "id_number_revealed", o->id_number_revealed,
			 "username", officers__or_null(o->username), "photo_sha256",
			 officers__or_null(o->photo_sha256), "photo_url",
			 officers__photo_url(req, o), "created_at", o->created_at, "may_manage",
			 o->may_manage, "may_reveal", o->may_reveal);
}

/* {"officer": …, "ledger_index": N} for answers to changes: the index of the
 * leaf that records the change (absent when nothing changed). */
static json_t *officers__change_json(struct http_request *req, const struct service_officer *o)
{
	json_t *body = json_pack("{s:o}", "officer", officers__json(req, o));

	if (body && o->ledger_index >= 0 &&
	    json_object_set_new(body, "ledger_index", json_integer(o->ledger_index)) < 0) {
		json_decref(body);
		return NULL;
	}
	return body;
}

/*
 * Copies the string field name of body into dst (size bytes). A value too
 * long for dst is copied unterminated, filling it, so that
 * officer_record_normalize reports the field as too long in its own words.
 * Absent or null: "" when optional, SX_EINVALID "invalid" when required;
 * another type or an embedded NUL: SX_EINVALID "invalid".
 */
static int officers__field(char *dst, size_t size, json_t *body, const char *name,
			   bool required, struct sx_error *err)
{
	json_t *v = json_object_get(body, name);
	char message[SX_ERROR_MESSAGE_MAX];
	const char *s;
	size_t len;

	dst[0] = '\0';
	if ((v == NULL || json_is_null(v)) && !required)
		return 0;
	if (!json_is_string(v))
		goto bad;
	s = json_string_value(v);
	len = json_string_length(v);
	if (memchr(s, '\0', len) != NULL)
		goto bad;
	if (len >= size) {
		memcpy(dst, s, size);
		return 0;
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
bad:
	snprintf(message, sizeof(message), "缺少字段或类型错误：%s", name);
	return sx_error_set(err, SX_EINVALID, "invalid", message);
}

/* An optional string field: *out is NULL when absent or null. */
static int officers__optional_string(const char **out, json_t *body, const char *name,
				     struct sx_error *err)
{
	json_t *v = json_object_get(body, name);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	return http_json_string(out, NULL, body, name, err);
}

/* The record fields of a create or update body. On create everything but
 * status is required; on update cert_no and id_number may be left out. */
static int officers__record(struct officer_record *r, json_t *body, bool create,
			    struct sx_error *err)
{
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = officers__field(r->name, sizeof(r->name), body, "name", true, err)) < 0 ||
	    (rc = officers__field(r->cert_no, sizeof(r->cert_no), body, "cert_no", create, err)) <
		    0 ||
	    (rc = officers__field(r->cert_type, sizeof(r->cert_type), body, "cert_type", true,
				  err)) < 0 ||
	    (rc = officers__field(r->field, sizeof(r->field), body, "field", true, err)) < 0 ||
	    (rc = officers__field(r->valid_from, sizeof(r->valid_from), body, "valid_from", true,
				  err)) < 0 ||
	    (rc = officers__field(r->valid_to, sizeof(r->valid_to), body, "valid_to", true, err)) <
		    0 ||
	    (rc = officers__field(r->status, sizeof(r->status), body, "status", !create, err)) < 0 ||
	    (rc = officers__field(r->id_number, sizeof(r->id_number), body, "id_number", create,
				  err)) < 0)
		return rc;
	if (r->status[0] == '\0')
		memcpy(r->status, "active", sizeof("active"));
	return 0;
}

int api_officers_create(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"agency_id", "name",     "cert_no",   "cert_type",
					     "field",     "valid_from", "valid_to", "status",
					     "id_number", "username", NULL};
	struct service_actor actor;
	struct officer_record rec;
	struct service_officer officer;
	struct sx_error err;
	json_t *body = NULL;
	const char *agency_id = NULL, *username = NULL;
	int rc;

	sx_error_clear(&err);
	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0 ||
	    (rc = http_request_json(&body, req, &err)) < 0 ||
	    (rc = http_json_check_fields(body, fields, &err)) < 0 ||
	    (rc = officers__optional_string(&agency_id, body, "agency_id", &err)) < 0 ||
	    (rc = officers__optional_string(&username, body, "username", &err)) < 0 ||
	    (rc = officers__record(&rec, body, true, &err)) < 0 ||
	    (rc = service_officer_create(&officer, req->app->svc, &actor, agency_id, &rec, username,
					 &err)) < 0) {
		json_decref(body);
		return http_respond_error(resp, req, &err);
	}
	json_decref(body);
	return http_respond_json_take(resp, req, 201, officers__change_json(req, &officer));
}

int api_officer_update(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"name",     "cert_no", "cert_type", "field",
					     "valid_from", "valid_to", "status",  "id_number",
					     NULL};
	struct service_actor actor;
	struct officer_record rec;
	struct service_officer officer;
	struct sx_error err;
	json_t *body = NULL;
	int rc;

	sx_error_clear(&err);
	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0 ||
	    (rc = http_request_json(&body, req, &err)) < 0 ||
	    (rc = http_json_check_fields(body, fields, &err)) < 0 ||
	    (rc = officers__record(&rec, body, false, &err)) < 0 ||
	    (rc = service_officer_update(&officer, req->app->svc, &actor,
					 http_request_param(req, "cert_no"), &rec, &err)) < 0) {
		json_decref(body);
		return http_respond_error(resp, req, &err);
	}
	json_decref(body);
	return http_respond_json_take(resp, req, 200, officers__change_json(req, &officer));
}

int api_officer_status(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"status", "reason", NULL};
	struct service_actor actor;
	struct service_officer officer;
	struct sx_error err;
	json_t *body = NULL;
	const char *status = NULL, *reason = NULL;
	int rc;

	sx_error_clear(&err);
	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0 ||
	    (rc = http_request_json(&body, req, &err)) < 0 ||
	    (rc = http_json_check_fields(body, fields, &err)) < 0 ||
	    (rc = http_json_string(&status, NULL, body, "status", &err)) < 0 ||
	    (rc = officers__optional_string(&reason, body, "reason", &err)) < 0 ||
	    (rc = service_officer_set_status(&officer, req->app->svc, &actor,
					     http_request_param(req, "cert_no"), status, reason,
					     &err)) < 0) {
		json_decref(body);
		return http_respond_error(resp, req, &err);
	}
	json_decref(body);
	return http_respond_json_take(resp, req, 200, officers__change_json(req, &officer));
}

int api_officer_user(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"username", NULL};
	struct service_actor actor;
	struct service_officer officer;
	struct sx_error err;
	json_t *body = NULL;
	const char *username = NULL;
	int rc;

	sx_error_clear(&err);
	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0 ||
	    (rc = http_request_json(&body, req, &err)) < 0 ||
	    (rc = http_json_check_fields(body, fields, &err)) < 0)
		goto fail;
	/* The key is required: null unlinks, a missing key is a mistake. */
	if (json_object_get(body, "username") == NULL) {
		rc = sx_error_set(&err, SX_EINVALID, "invalid",
				  "缺少字段：username（取消关联请传 null）");
		goto fail;
	}
	if ((rc = officers__optional_string(&username, body, "username", &err)) < 0 ||
	    (rc = service_officer_link_user(&officer, req->app->svc, &actor,
					    http_request_param(req, "cert_no"), username, &err)) < 0)
		goto fail;
	json_decref(body);
	return http_respond_json_take(resp, req, 200, officers__change_json(req, &officer));
fail:
	json_decref(body);
	return http_respond_error(resp, req, &err);
}

int api_officer_photo_put(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_officer officer;
	struct sx_error err;

	sx_error_clear(&err);
	if (http_session_actor_for_write(&actor, req, &err) < 0)
		return http_respond_error(resp, req, &err);
	/* The type is decided by the bytes (the service); the header must
	 * still say an image, so that a form post cannot pass for one. */
	if (!http_request_content_type_is(req, "image/jpeg") &&
	    !http_request_content_type_is(req, "image/png")) {
		sx_error_set(&err, SX_EUNSUPPORTED, "unsupported",
			     "照片须以 image/jpeg 或 image/png 格式上传");
		return http_respond_error(resp, req, &err);
	}
	if (service_officer_set_photo(&officer, req->app->svc, &actor,
				      http_request_param(req, "cert_no"), req->body, req->body_len,
				      &err) < 0)
		return http_respond_error(resp, req, &err);
	return http_respond_json_take(resp, req, 200, officers__change_json(req, &officer));
}

int api_staff_officers_list(struct http_request *req, struct http_response *resp)
{
	struct service_paging paging = {0, 0};
	struct service_officer_staff_page page;
	struct service_actor actor;
	struct sx_error err;
	json_t *list, *body;

	memset(&page, 0, sizeof(page));
	sx_error_clear(&err);
	if (http_session_actor(&actor, req, &err) < 0 ||
	    html_page_arg(&paging.page, http_request_query(req, "page"), 1, &err) < 0 ||
	    html_page_arg(&paging.page_size, http_request_query(req, "page_size"),
			       SERVICE_OFFICER_PAGE_SIZE_DEFAULT, &err) < 0 ||
	    service_officer_staff_list(&page, req->app->svc, &actor,
				       http_request_query(req, "agency_id"),
				       http_request_query(req, "q"), &paging, &err) < 0)
		return http_respond_error(resp, req, &err);
	list = json_array();
	for (size_t i = 0; list && i < page.count; i++) {
		if (json_array_append_new(list, officers__json(req, &page.items[i])) < 0) {
			json_decref(list);
			list = NULL;
		}
	}
	body = list ? json_pack("{s:o,s:I,s:I,s:I,s:s?,s:s?,s:s}", "officers", list, "total",
				(json_int_t)page.total, "page", (json_int_t)page.page, "page_size",
				(json_int_t)page.page_size, "agency_id",
				officers__or_null(page.agency_id), "agency_name",
				officers__or_null(page.agency_name), "checked_on", page.checked_on)
		    : NULL;
	service_officer_staff_page_clear(&page);
	return http_respond_json_take(resp, req, 200, body);
}

int api_staff_officer_get(struct http_request *req, struct http_response *resp)
{
	const char *reveal = http_request_query(req, "reveal");
	struct service_actor actor;
	struct service_officer officer;
	struct sx_error err;

	sx_error_clear(&err);
	if (http_session_actor(&actor, req, &err) < 0)
		return http_respond_error(resp, req, &err);
	if (reveal && strcmp(reveal, "id_number") != 0) {
		sx_error_set(&err, SX_EINVALID, "invalid", "reveal 只能为 id_number");
		return http_respond_error(resp, req, &err);
	}
	if (service_officer_staff_get(&officer, req->app->svc, &actor,
				      http_request_param(req, "cert_no"), reveal != NULL, &err) < 0)
		return http_respond_error(resp, req, &err);
	return http_respond_json_take(resp, req, 200,
			      json_pack("{s:o}", "officer", officers__json(req, &officer)));
}

/* ---- the public photo ---- */

int page_officer_photo(struct http_request *req, struct http_response *resp)
{
	struct service_officer_photo photo;
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	if (service_officer_photo(&photo, req->app->svc, http_request_param(req, "sha256"), &err) <
	    0)
		return http_respond_error(resp, req, &err);
	buf_reset(&resp->body);
	rc = buf_append(&resp->body, photo.data, photo.size_bytes);
	if (rc == 0) {
		/* The content type is one of two constants, not the stored text. */
		resp->content_type =
			strcmp(photo.content_type, "image/png") == 0 ? "image/png" : "image/jpeg";
		resp->status = 200;
		/* X-Content-Type-Options: nosniff is on every answer (server.c). */
		rc = http_response_header(resp, req, "Cache-Control", OFFICERS_PHOTO_CACHE);
	}
	service_officer_photo_clear(&photo);
	return rc;
}

/* ---- staff pages ---- */

static int officers__rows(struct buf *b, const struct service_officer_staff_page *p)
{
	int rc = 0;

	for (size_t i = 0; i < p->count && rc == 0; i++) {
		const struct service_officer *o = &p->items[i];
		enum officer_credential_state state = (enum officer_credential_state)o->state;

		if ((rc = buf_append_str(b, "<tr><td data-label=\"姓名\">")) < 0 ||
		    (rc = html_text(b, o->name)) < 0 ||
		    (rc = buf_append_str(b, "</td><td data-label=\"执法证号\">"
					    "<a href=\"/staff/officers/")) < 0 ||
		    (rc = html_url_value(b, o->cert_no)) < 0 ||
		    (rc = buf_append_str(b, "\">")) < 0 || (rc = html_text(b, o->cert_no)) < 0 ||
		    (rc = buf_append_str(b, "</a></td><td data-label=\"身份证号\"><code>")) < 0 ||
		    (rc = html_text(b, o->id_number)) < 0 ||
		    (rc = buf_append_str(b, "</code></td><td data-label=\"执法领域\">")) < 0 ||
		    (rc = html_text(b, o->field)) < 0 ||
		    (rc = buf_append_str(b, "</td><td data-label=\"有效期\">")) < 0 ||
		    (rc = html_text(b, o->valid_from)) < 0 ||
		    (rc = buf_append_str(b, " 至 ")) < 0 || (rc = html_text(b, o->valid_to)) < 0 ||
		    (rc = buf_append_str(b, "</td><td data-label=\"状态\"><span class=\"state state-")) <
			    0 ||
		    (rc = html_text(b, officer_credential_state_code(state))) < 0 ||
		    (rc = buf_append_str(b, "\">")) < 0 ||
		    (rc = html_text(b, officer_status_label(o->status))) < 0 ||
		    (rc = buf_append_str(b, "</span> <small>")) < 0 ||
		    (rc = html_text(b, officer_credential_state_label(state))) < 0 ||
		    (rc = buf_append_str(b, "</small></td><td data-label=\"关联账号\">")) < 0 ||
		    (rc = html_text(b, o->username[0] ? o->username : "—")) < 0)
			break;
		rc = buf_append_str(b, "</td></tr>\n");
	}
	return rc;
}

/* <option>s of the agencies for actors who see more than their own agency;
 * nothing for the others. */
static int officers__agency_options(struct buf *b, struct http_request *req,
				    const struct service_actor *actor, const char *chosen,
				    struct sx_error *err)
{
	struct service_agency *items = NULL;
	size_t count = 0;
	int rc;

	if (account_registry_scope(actor->role) == ACCOUNT_SCOPE_OWN_AGENCY)
		return 0;
	if ((rc = service_agency_list_for(&items, &count, req->app->svc, actor, err)) < 0)
		return rc;
	for (size_t i = 0; i < count && rc == 0; i++) {
		bool selected = chosen && strcmp(chosen, items[i].id) == 0;

		if ((rc = buf_append_str(b, "<option value=\"")) < 0 ||
		    (rc = html_text(b, items[i].id)) < 0 ||
		    (rc = buf_append_str(b, selected ? "\" selected>" : "\">")) < 0 ||
		    (rc = html_text(b, items[i].name)) < 0)
			break;
		rc = buf_append_str(b, "</option>");
	}
	sx_free(items);
	if (rc < 0)
		sx_error_set(err, rc, NULL, NULL);
	return rc;
}

int page_staff_officers(struct http_request *req, struct http_response *resp)
{
	const char *agency = http_request_query(req, "agency");
	const char *q = http_request_query(req, "q");
	struct service_paging paging = {0, OFFICERS_PAGE_SIZE};
	struct service_officer_staff_page page;
	struct service_actor actor;
	struct sx_error err;
	struct buf rows, pager, options;
	char total[32];
	int rc = 0;

	if (http_staff_actor(&actor, req, resp, &rc))
		return rc;
	memset(&page, 0, sizeof(page));
	sx_error_clear(&err);
	if (html_page_arg(&paging.page, http_request_query(req, "page"), 1, &err) < 0 ||
	    service_officer_staff_list(&page, req->app->svc, &actor, agency, q, &paging, &err) < 0)
		return http_respond_error(resp, req, &err);
	buf_init(&rows, OFFICERS_FRAGMENT_MAX);
	buf_init(&pager, OFFICERS_FRAGMENT_MAX);
	buf_init(&options, OFFICERS_FRAGMENT_MAX);
	if ((rc = officers__agency_options(&options, req, &actor, page.agency_id, &err)) < 0) {
		rc = http_respond_error(resp, req, &err);
		goto cleanup;
	}
	if ((rc = officers__rows(&rows, &page)) < 0 ||
	    (rc = html_pager(&pager, "/staff/officers", agency, q, page.page, page.page_size, page.total)) < 0)
		goto cleanup;
	snprintf(total, sizeof(total), "%lld", (long long)page.total);
	{
		struct template_var vars[] = {
			{"title", "执法人员名册"},
			{"user_name", actor.display_name},
			{"role_label", account_role_label(actor.role)},
			{"agency_name", actor.agency_name},
			{"list_agency_name", page.agency_name[0] ? page.agency_name : "全部机关"},
			{"q", q},
			{"options", options.data},
			{"rows", rows.data},
			{"pager", pager.data},
			{"total", total},
			{"empty", page.count == 0 ? "1" : ""},
			{"checked_on", page.checked_on},
		};

		rc = http_respond_page(resp, req, 200, "staff_officers.html", vars,
				       sizeof(vars) / sizeof(vars[0]));
	}
cleanup:
	service_officer_staff_page_clear(&page);
	buf_free(&rows);
	buf_free(&pager);
	buf_free(&options);
	return rc;
}

/* Renders the detail page of o for actor with status; error and notice may be NULL. */
static int officers__detail(struct http_request *req, struct http_response *resp, int status,
			    const struct service_actor *actor, const struct service_officer *o,
			    const char *error, const char *notice)
{
	enum officer_credential_state state = (enum officer_credential_state)o->state;
	bool revoked = strcmp(o->status, "revoked") == 0;
	struct template_var vars[] = {
		{"title", o->name},
		{"user_name", actor->display_name},
		{"role_label", account_role_label(actor->role)},
		{"agency_name", actor->agency_name},
		{"csrf_token", actor->csrf_token},
		{"name", o->name},
		{"cert_no", o->cert_no},
		{"cert_type", o->cert_type},
		{"field", o->field},
		{"officer_agency_name", o->agency_name},
		{"valid_from", o->valid_from},
		{"valid_to", o->valid_to},
		{"status_label", officer_status_label(o->status)},
		{"state_code", officer_credential_state_code(state)},
		{"state_label", officer_credential_state_label(state)},
		{"checked_on", o->checked_on},
		{"id_number", o->id_number},
		{"revealed", o->id_number_revealed ? "1" : ""},
		{"may_reveal", o->may_reveal && !o->id_number_revealed ? "1" : ""},
		{"may_change_status", o->may_manage && !revoked ? "1" : ""},
		{"revoked", revoked ? "1" : ""},
		{"username", o->username},
		{"photo_url", officers__photo_url(req, o)},
		{"error", error},
		{"notice", notice},
	};

	return http_respond_page(resp, req, status, "staff_officer.html", vars,
				 sizeof(vars) / sizeof(vars[0]));
}

int page_staff_officer(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_officer officer;
	struct sx_error err;
	int rc = 0;

	if (http_staff_actor(&actor, req, resp, &rc))
		return rc;
	sx_error_clear(&err);
	if (service_officer_staff_get(&officer, req->app->svc, &actor,
				      http_request_param(req, "cert_no"), false, &err) < 0)
		return http_respond_error(resp, req, &err);
	return officers__detail(req, resp, 200, &actor, &officer, NULL, NULL);
}

/* Reads the form of a staff POST and checks its CSRF token. */
static int officers__form(struct http_form *form, struct http_request *req,
			  const struct service_actor *actor, struct sx_error *err)
{
	int rc;

	if ((rc = http_request_form(form, req, err)) < 0)
		return rc;
	return service_check_csrf(actor, http_form_get(form, "csrf_token"), err);
}

int page_staff_officer_reveal(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_officer officer;
	struct http_form form;
	struct sx_error err;
	int rc = 0;

	if (http_staff_actor(&actor, req, resp, &rc))
		return rc;
	sx_error_clear(&err);
	if (officers__form(&form, req, &actor, &err) < 0 ||
	    service_officer_staff_get(&officer, req->app->svc, &actor,
				      http_request_param(req, "cert_no"), true, &err) < 0)
		return http_respond_error(resp, req, &err);
	return officers__detail(req, resp, 200, &actor, &officer, NULL,
				"本次查看完整身份证号已记入审计日志。");
}

int page_staff_officer_status(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_officer officer;
	struct http_form form;
	struct sx_error err, err2;
	const char *location;
	int rc = 0;

	if (http_staff_actor(&actor, req, resp, &rc))
		return rc;
	sx_error_clear(&err);
	if (officers__form(&form, req, &actor, &err) < 0)
		return http_respond_error(resp, req, &err);
	rc = service_officer_set_status(&officer, req->app->svc, &actor,
					http_request_param(req, "cert_no"),
					http_form_get(&form, "status"), http_form_get(&form, "reason"),
					&err);
	if (rc == SX_EINVALID || rc == SX_ECONFLICT) {
		/* Show the form again with what went wrong. */
		sx_error_clear(&err2);
		if (service_officer_staff_get(&officer, req->app->svc, &actor,
					      http_request_param(req, "cert_no"), false, &err2) < 0)
			return http_respond_error(resp, req, &err);
		return officers__detail(req, resp, http_status_for_error(rc), &actor, &officer,
					err.message, NULL);
	}
	if (rc < 0)
		return http_respond_error(resp, req, &err);
	/* A stored certificate number holds only [0-9A-Z-]: nothing to encode. */
	location = pool_printf(req->pool, "/staff/officers/%s", officer.cert_no);
	if (location == NULL)
		return SX_ENOMEM;
	return http_respond_redirect(resp, req, location);
}
