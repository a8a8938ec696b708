/*
 * http/pages — HTML pages: the public portal and the staff login, home and
 * logout. Pages work without JavaScript. Staff forms carry the session's CSRF
 * token in a hidden field; the login form, which has no session yet, uses a
 * double-submit token (a cookie and a field that must match), so that another
 * site cannot sign a browser into an account of its choosing.
 */
#include <stdio.h>
#include <string.h>

#include "base/embedded.h"
#include "base/mem.h"
#include "crypto/random.h"
#include "http/handlers.h"
#include "http/template.h"
#include "service/auth.h"
#include "service/registry.h"

#define LOGIN_CSRF_MAX_AGE 3600

int page_index(struct http_request *req, struct http_response *resp)
{
	struct service_agency *agencies = NULL;
	size_t count = 0;
	struct sx_error err;
	struct buf list;
	int rc;

	if (service_agency_list_public(&agencies, &count, req->app->svc, &err) < 0)
		return http_respond_error(resp, req, &err);
	buf_init(&list, 1u << 20);
	rc = 0;
	for (size_t i = 0; i < count && rc == 0; i++) {
		if ((rc = buf_append_str(&list, "<li>")) == 0 &&
		    (rc = buf_append_html_escaped(&list, agencies[i].name,
						  strlen(agencies[i].name))) == 0 &&
		    (rc = buf_append_str(&list, " <small>统一社会信用代码 ")) == 0 &&
		    (rc = buf_append_html_escaped(&list, agencies[i].credit_code,
						  strlen(agencies[i].credit_code))) == 0)
			rc = buf_append_str(&list, "</small></li>");
	}
	sx_free(agencies);
	if (rc == 0) {
		struct template_var vars[] = {
			{"title", "首页"},
			{"agencies", list.data},
		};

		rc = http_respond_page(resp, req, 200, "index.html", vars, 2);
	}
	buf_free(&list);
	return rc;
}

static const char *page__content_type(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot == NULL)
		return "application/octet-stream";
	if (strcmp(dot, ".css") == 0)
		return "text/css; charset=utf-8";
	if (strcmp(dot, ".js") == 0)
		return "text/javascript; charset=utf-8";
	if (strcmp(dot, ".svg") == 0)
		return "image/svg+xml";
	if (strcmp(dot, ".png") == 0)
		return "image/png";
	return "application/octet-stream";
}

int page_static(struct http_request *req, struct http_response *resp)
{
	const char *file = http_request_param(req, "file");
	const char *path = pool_printf(req->pool, "static/%s", file ? file : "");
	const struct embedded_asset *asset = path ? embedded_asset_find(path) : NULL;
	struct sx_error err;
	int rc;

	if (asset == NULL) {
		sx_error_set(&err, SX_ENOTFOUND, "not_found", "您访问的文件不存在");
		return http_respond_error(resp, req, &err);
	}
	buf_reset(&resp->body);
	if ((rc = buf_append(&resp->body, asset->data, asset->size_bytes)) < 0)
		return rc;
	resp->status = 200;
	resp->content_type = page__content_type(asset->path);
	return http_response_header(resp, req, "Cache-Control", "public, max-age=3600");
}

/* Renders the login form with the given double-submit token and message. */
static int page__login(struct http_request *req, struct http_response *resp, int status,
		       const char *csrf, const char *username, const char *error)
{
	struct template_var vars[] = {
		{"title", "工作人员登录"},
		{"csrf_token", csrf},
		{"username", username},
		{"error", error},
	};

	return http_respond_page(resp, req, status, "login.html", vars, 4);
}

int page_login_form(struct http_request *req, struct http_response *resp)
{
	char token[48];
	int rc;

	if (crypto_random_token(token, sizeof(token), 32) < 0)
		return SX_EINTERNAL;
	if ((rc = http_set_cookie(resp, req, HTTP_LOGIN_CSRF_COOKIE, token, LOGIN_CSRF_MAX_AGE)) < 0)
		return rc;
	return page__login(req, resp, 200, token, "", NULL);
}

int page_login_submit(struct http_request *req, struct http_response *resp)
{
	struct http_form form;
	struct service_login_result login;
	struct sx_error err;
	const char *cookie = http_request_cookie(req, HTTP_LOGIN_CSRF_COOKIE);
	const char *csrf, *username, *password;
	int rc;

	sx_error_clear(&err);
	if (http_request_form(&form, req, &err) < 0)
		return http_respond_error(resp, req, &err);
	csrf = http_form_get(&form, "csrf_token");
	if (cookie == NULL || csrf == NULL || !crypto_str_equal(cookie, csrf)) {
		sx_error_set(&err, SX_ECSRF, "csrf_failed", "页面已过期或安全令牌无效，请重新打开登录页");
		return http_respond_error(resp, req, &err);
	}
	username = http_form_get(&form, "username");
	password = http_form_get(&form, "password");
	rc = service_login(&login, req->app->svc, username ? username : "",
			   password ? password : "", password ? strlen(password) : 0,
			   req->remote_addr, &err);
	if (rc < 0) {
		if (rc != SX_EAUTH && rc != SX_ETHROTTLED && rc != SX_ELOCKED && rc != SX_EINVALID)
			return http_respond_error(resp, req, &err);
		if (rc == SX_ETHROTTLED || rc == SX_ELOCKED) {
			char seconds[24];

			snprintf(seconds, sizeof(seconds), "%lld",
				 (long long)login.retry_after_seconds);
			http_response_header(resp, req, "Retry-After", seconds);
		}
		return page__login(req, resp, http_status_for_error(rc), csrf, username,
				   err.message);
	}
	if ((rc = http_set_cookie(resp, req, HTTP_SESSION_COOKIE, login.token,
				  login.max_age_seconds)) < 0 ||
	    (rc = http_set_cookie(resp, req, HTTP_LOGIN_CSRF_COOKIE, "", 0)) < 0)
		return rc;
	return http_respond_redirect(resp, req, "/staff/");
}

int page_staff_redirect(struct http_request *req, struct http_response *resp)
{
	return http_respond_redirect(resp, req, "/staff/");
}

int page_staff_home(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct sx_error err;

	if (http_session_actor(&actor, req, &err) < 0) {
		if (err.rc == SX_EAUTH)
			return http_respond_redirect(resp, req, "/staff/login");
		return http_respond_error(resp, req, &err);
	}
	{
		struct template_var vars[] = {
			{"title", "工作台"},
			{"user_name", actor.display_name},
			{"role_label", account_role_label(actor.role)},
			{"agency_name", actor.agency_name},
			{"csrf_token", actor.csrf_token},
		};

		return http_respond_page(resp, req, 200, "staff_home.html", vars, 5);
	}
}

int page_logout(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct http_form form;
	struct sx_error err;
	int rc;

	if (http_session_actor(&actor, req, &err) < 0) {
		if (err.rc == SX_EAUTH)
			return http_respond_redirect(resp, req, "/staff/login");
		return http_respond_error(resp, req, &err);
	}
	if (http_request_form(&form, req, &err) < 0 ||
	    service_check_csrf(&actor, http_form_get(&form, "csrf_token"), &err) < 0 ||
	    service_logout(req->app->svc, &actor, &err) < 0)
		return http_respond_error(resp, req, &err);
	if ((rc = http_set_cookie(resp, req, HTTP_SESSION_COOKIE, "", 0)) < 0)
		return rc;
	return http_respond_redirect(resp, req, "/staff/login");
}
