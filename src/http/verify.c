/*
 * http/verify — 亮证: a citizen checks on the spot whether the person at the
 * door holds a valid enforcement certificate.
 *
 *   GET /verify/officer?cert=…           page (no login, works without JS)
 *   GET /api/v1/verify/officer?cert=…    the same as JSON
 *   GET /verify/officer/qr.svg?cert=…    QR code of the page's URL, for printing
 *   GET /verify/officer/qr.png?cert=…
 *
 * Lookups are rate-limited per client (http/ratelimit) so that certificate
 * numbers cannot be enumerated quickly. Only what the law makes public is
 * shown: never the ID number.
 */
#include <stdio.h>
#include <string.h>

#include "base/time.h"
#include "domain/officer.h"
#include "http/handlers.h"
#include "http/ratelimit.h"
#include "http/template.h"
#include "report/qr.h"
#include "service/registry.h"

int http_public_limit(struct http_request *req, struct http_response *resp, bool *limited)
{
	struct sx_error err;
	int64_t retry = 0;
	char seconds[24];

	*limited = false;
	if (req->app->verify_limit == NULL ||
	    http_ratelimit_take(req->app->verify_limit, req->remote_addr, sx_time_monotonic_us(),
				&retry))
		return 0;
	*limited = true;
	snprintf(seconds, sizeof(seconds), "%lld", (long long)retry);
	http_response_header(resp, req, "Retry-After", seconds);
	sx_error_set(&err, SX_ETHROTTLED, "rate_limited", "查询过于频繁，请稍后再试");
	return http_respond_error(resp, req, &err);
}

static const char *verify__verdict(int state)
{
	switch ((enum officer_credential_state)state) {
	case OFFICER_CREDENTIAL_VALID:
		return "该执法证有效，持证人可以在其执法领域内执法。请核对证件照片与本人是否一致。";
	case OFFICER_CREDENTIAL_NOT_YET_VALID:
		return "警告：该执法证尚未生效，持证人目前不能执法。";
	case OFFICER_CREDENTIAL_EXPIRED:
		return "警告：该执法证已过期，持证人不能执法。";
	case OFFICER_CREDENTIAL_SUSPENDED:
		return "警告：该执法人员已被暂停执法资格，不能执法。";
	case OFFICER_CREDENTIAL_REVOKED:
		return "警告：该执法证已注销，持证人不能执法。";
	}
	return "";
}

int page_verify_officer(struct http_request *req, struct http_response *resp)
{
	const char *cert = http_request_query(req, "cert");
	struct service_officer_public o;
	struct sx_error err;
	bool limited;
	int rc;

	if (cert == NULL || cert[0] == '\0') {
		struct template_var vars[] = {{"title", "执法证件核验"}, {"cert", ""}};

		return http_respond_page(resp, req, 200, "verify_officer.html", vars, 2);
	}
	if ((rc = http_public_limit(req, resp, &limited)) < 0 || limited)
		return rc;
	sx_error_clear(&err);
	rc = service_officer_verify(&o, req->app->svc, cert, &err);
	if (rc < 0 && rc != SX_ENOTFOUND && rc != SX_EINVALID)
		return http_respond_error(resp, req, &err);
	if (rc < 0) {
		/* Unknown and malformed numbers get the same warning: either way
		 * nobody with that certificate may enforce. */
		struct template_var vars[] = {{"title", "执法证件核验"}, {"cert", cert},
					      {"unknown", cert}};

		rc = http_respond_page(resp, req, 404, "verify_officer.html", vars, 3);
	} else {
		enum officer_credential_state state = (enum officer_credential_state)o.state;
		struct template_var vars[] = {
			{"title", "执法证件核验"},
			{"cert", cert},
			{"state", officer_credential_state_code(state)},
			{"state_label", officer_credential_state_label(state)},
			{"verdict_text", verify__verdict(o.state)},
			{"name", o.name},
			{"cert_no", o.cert_no},
			{"cert_type", o.cert_type},
			{"agency_name", o.agency_name},
			{"field", o.field},
			{"valid_from", o.valid_from},
			{"valid_to", o.valid_to},
			{"status_label", officer_status_label(o.status)},
			{"checked_on", o.checked_on},
			{"photo", o.photo_sha256},
		};

		rc = http_respond_page(resp, req, 200, "verify_officer.html", vars,
				       sizeof(vars) / sizeof(vars[0]));
	}
	if (rc < 0)
		return rc;
	return http_response_header(resp, req, "Cache-Control", "no-store");
}

int api_verify_officer(struct http_request *req, struct http_response *resp)
{
	struct service_officer_public o;
	struct sx_error err;
	json_t *body;
	bool limited;
	int rc;

	if ((rc = http_public_limit(req, resp, &limited)) < 0 || limited)
		return rc;
	sx_error_clear(&err);
	if (service_officer_verify(&o, req->app->svc, http_request_query(req, "cert"), &err) < 0)
		return http_respond_error(resp, req, &err);
	body = json_pack("{s:s,s:s,s:s,s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s?}}", "state",
			 officer_credential_state_code((enum officer_credential_state)o.state),
			 "state_label",
			 officer_credential_state_label((enum officer_credential_state)o.state),
			 "checked_on", o.checked_on, "officer", "name", o.name, "cert_no", o.cert_no,
			 "cert_type", o.cert_type, "agency_id", o.agency_id, "agency_name",
			 o.agency_name, "field", o.field, "valid_from", o.valid_from, "valid_to",
			 o.valid_to, "status", o.status, "photo_sha256",
			 o.photo_sha256[0] ? o.photo_sha256 : NULL);
	if (body == NULL)
		return SX_ENOMEM;
	rc = http_respond_json(resp, 200, body);
	json_decref(body);
	/* No Cache-Control here: the server marks everything under /api/
	 * no-store already, and a second copy of the header is noise. */
	return rc;
}

/* The page URL a QR code carries for cert (only digits, letters and '-', so
 * no escaping is needed once the certificate is known to exist). */
static int verify__qr(struct http_request *req, struct http_response *resp, bool png)
{
	struct service_officer_public o;
	struct sx_error err;
	const char *url;
	bool limited;
	int rc;

	if ((rc = http_public_limit(req, resp, &limited)) < 0 || limited)
		return rc;
	sx_error_clear(&err);
	if (service_officer_verify(&o, req->app->svc, http_request_query(req, "cert"), &err) < 0)
		return http_respond_error(resp, req, &err);
	url = pool_printf(req->pool, "%s/verify/officer?cert=%s", req->app->public_url, o.cert_no);
	if (url == NULL)
		return SX_ENOMEM;
	buf_reset(&resp->body);
	rc = png ? qr_png(&resp->body, url, 8) : qr_svg(&resp->body, url, 8);
	if (rc < 0)
		return rc;
	resp->status = 200;
	resp->content_type = png ? "image/png" : "image/svg+xml";
	return http_response_header(resp, req, "Cache-Control", "public, max-age=86400");
}

int page_verify_officer_qr_svg(struct http_request *req, struct http_response *resp)
{
	return verify__qr(req, resp, false);
}

int page_verify_officer_qr_png(struct http_request *req, struct http_response *resp)
{
	return verify__qr(req, resp, true);
}
