/*
 * http/api — JSON API handlers under /api/v1 (see docs/api.md).
 *
 * Authentication: the session cookie. Every state-changing call made with
 * the cookie must carry the session's CSRF token in X-CSRF-Token (the login
 * call itself makes the session and needs none: it takes credentials, not a
 * cookie, and a cross-site page cannot send application/json without CORS).
 */
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "http/handlers.h"
#include "service/auth.h"
#include "service/users.h"

int http_session_actor(struct service_actor *out, struct http_request *req, struct sx_error *err)
{
	const char *token = http_request_cookie(req, HTTP_SESSION_COOKIE);

	if (token == NULL)
		return sx_error_set(err, SX_EAUTH, "unauthenticated", "请先登录");
	return service_session_resolve(out, req->app->svc, token, err);
}

/* Session + CSRF header for state-changing API calls. */
int http_session_actor_for_write(struct service_actor *out, struct http_request *req,
				 struct sx_error *err)
{
	int rc = http_session_actor(out, req, err);

	if (rc < 0)
		return rc;
	return service_check_csrf(out, http_request_header(req, HTTP_CSRF_HEADER), err);
}

int http_staff_actor(struct service_actor *actor, struct http_request *req,
		     struct http_response *resp, int *rc)
{
	struct sx_error err;

	sx_error_clear(&err);
	if (http_session_actor(actor, req, &err) == 0)
		return 0;
	if (err.rc == SX_EAUTH)
		*rc = http_respond_redirect(resp, req, "/staff/login");
	else
		*rc = http_respond_error(resp, req, &err);
	return 1;
}

static json_t *api__user_json(const struct service_user *u)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:s}", "id", u->id, "username", u->username,
			 "display_name", u->display_name, "agency_id", u->agency_id, "role",
			 account_role_name(u->role), "disabled", u->disabled, "created_at",
			 u->created_at);
}

/* {"user": …, "ledger_index": N} for answers to changes: the index of the
 * leaf that records the change, durable when this answer is sent. */
static json_t *api__user_change_json(const struct service_user *u)
{
	json_t *body = json_pack("{s:o}", "user", api__user_json(u));

	if (body && u->ledger_index >= 0 &&
	    json_object_set_new(body, "ledger_index", json_integer(u->ledger_index)) < 0) {
		json_decref(body);
		return NULL;
	}
	return body;
}

static json_t *api__actor_json(const struct service_actor *a)
{
	return json_pack("{s:{s:s,s:s,s:s,s:s,s:s,s:s},s:s}", "user", "id", a->user_id,
			 "username", a->username, "display_name", a->display_name, "agency_id",
			 a->agency_id, "agency_name", a->agency_name, "role",
			 account_role_name(a->role), "csrf_token", a->csrf_token);
}

int api_healthz(struct http_request *req, struct http_response *resp)
{
	return http_respond_json_take(resp, req, 200, json_pack("{s:s}", "status", "ok"));
}

int api_session_create(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"username", "password", NULL};
	struct service_login_result login;
	struct sx_error err;
	json_t *body = NULL;
	const char *username = NULL, *password = NULL;
	size_t password_len = 0;
	int rc;

	sx_error_clear(&err);
	if ((rc = http_request_json(&body, req, &err)) < 0 ||
	    (rc = http_json_check_fields(body, fields, &err)) < 0 ||
	    (rc = http_json_string(&username, NULL, body, "username", &err)) < 0 ||
	    (rc = http_json_string(&password, &password_len, body, "password", &err)) < 0)
		goto fail;
	rc = service_login(&login, req->app->svc, username, password, password_len,
			   req->remote_addr, &err);
	if (rc < 0) {
		if (rc == SX_ETHROTTLED || rc == SX_ELOCKED) {
			char seconds[24];

			snprintf(seconds, sizeof(seconds), "%lld",
				 (long long)login.retry_after_seconds);
			http_response_header(resp, req, "Retry-After", seconds);
		}
		goto fail;
	}
	json_decref(body);
	if ((rc = http_set_cookie(resp, req, HTTP_SESSION_COOKIE, login.token,
				  login.max_age_seconds)) < 0)
		return rc;
	return http_respond_json_take(resp, req, 201, api__actor_json(&login.actor));
fail:
	json_decref(body);
	return http_respond_error(resp, req, &err);
}

int api_session_get(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct sx_error err;

	if (http_session_actor(&actor, req, &err) < 0)
		return http_respond_error(resp, req, &err);
	return http_respond_json_take(resp, req, 200, api__actor_json(&actor));
}

int api_session_delete(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct sx_error err;
	int rc;

	if (http_session_actor_for_write(&actor, req, &err) < 0 ||
	    service_logout(req->app->svc, &actor, &err) < 0)
		return http_respond_error(resp, req, &err);
	if ((rc = http_set_cookie(resp, req, HTTP_SESSION_COOKIE, "", 0)) < 0)
		return rc;
	buf_reset(&resp->body);
	resp->status = 204;
	resp->content_type = NULL;
	return 0;
}

int api_users_list(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_user *users = NULL;
	size_t count = 0;
	struct sx_error err;
	json_t *list, *body;

	if (http_session_actor(&actor, req, &err) < 0 ||
	    service_user_list(&users, &count, req->app->svc, &actor,
			      http_request_query(req, "agency_id"), &err) < 0)
		return http_respond_error(resp, req, &err);
	list = json_array();
	for (size_t i = 0; list && i < count; i++) {
		if (json_array_append_new(list, api__user_json(&users[i])) < 0) {
			json_decref(list);
			list = NULL;
		}
	}
	sx_free(users);
	body = list ? json_pack("{s:o}", "users", list) : NULL;
	return http_respond_json_take(resp, req, 200, body);
}

int api_users_create(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"username", "display_name", "password", "role",
					     "agency_id", NULL};
	struct service_actor actor;
	struct service_user_new in;
	struct service_user user;
	struct sx_error err;
	json_t *body = NULL;
	int rc;

	memset(&in, 0, sizeof(in));
	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0 ||
	    (rc = http_request_json(&body, req, &err)) < 0 ||
	    (rc = http_json_check_fields(body, fields, &err)) < 0 ||
	    (rc = http_json_string(&in.username, NULL, body, "username", &err)) < 0 ||
	    (rc = http_json_string(&in.display_name, NULL, body, "display_name", &err)) < 0 ||
	    (rc = http_json_string(&in.password, &in.password_len, body, "password", &err)) < 0 ||
	    (rc = http_json_string(&in.role, NULL, body, "role", &err)) < 0 ||
	    (rc = http_json_string(&in.agency_id, NULL, body, "agency_id", &err)) < 0 ||
	    (rc = service_user_create(&user, req->app->svc, &actor, &in, &err)) < 0) {
		json_decref(body);
		return http_respond_error(resp, req, &err);
	}
	json_decref(body);
	return http_respond_json_take(resp, req, 201, api__user_change_json(&user));
}

int api_user_get(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_user user;
	struct sx_error err;

	if (http_session_actor(&actor, req, &err) < 0 ||
	    service_user_find(&user, req->app->svc, &actor, http_request_param(req, "id"), &err) < 0)
		return http_respond_error(resp, req, &err);
	return http_respond_json_take(resp, req, 200, json_pack("{s:o}", "user", api__user_json(&user)));
}

int api_user_disable(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_user user;
	struct sx_error err;

	if (http_session_actor_for_write(&actor, req, &err) < 0)
		return http_respond_error(resp, req, &err);
	/* No body is expected; one that is sent must still be well-formed
	 * (an empty object at most) so that typos are not silently ignored. */
	if (req->body_len > 0) {
		static const char *const none[] = {NULL};
		json_t *body = NULL;
		int rc = http_request_json(&body, req, &err);

		if (rc == 0)
			rc = http_json_check_fields(body, none, &err);
		json_decref(body);
		if (rc < 0)
			return http_respond_error(resp, req, &err);
	}
	if (service_user_disable(&user, req->app->svc, &actor, http_request_param(req, "id"),
				 &err) < 0)
		return http_respond_error(resp, req, &err);
	return http_respond_json_take(resp, req, 200, api__user_change_json(&user));
}

int api_user_password(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {"password", NULL};
	struct service_actor actor;
	struct sx_error err;
	json_t *body = NULL;
	const char *password = NULL;
	size_t password_len = 0;
	int rc;

	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0 ||
	    (rc = http_request_json(&body, req, &err)) < 0 ||
	    (rc = http_json_check_fields(body, fields, &err)) < 0 ||
	    (rc = http_json_string(&password, &password_len, body, "password", &err)) < 0 ||
	    (rc = service_user_set_password(req->app->svc, &actor, http_request_param(req, "id"),
					    password, password_len, &err)) < 0) {
		json_decref(body);
		return http_respond_error(resp, req, &err);
	}
	json_decref(body);
	return http_respond_json_take(resp, req, 200, json_pack("{s:b}", "ok", 1));
}
