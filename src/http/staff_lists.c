/*
 * http/staff_lists — the staff side of the public lists (lists are reviewed
 * before release):
 *
 *   GET  /staff/lists                   the own agency's versions, pending ones first,
 *                                        with approve / reject forms for those who may
 *   POST /staff/lists/:n/approve        form: csrf_token, note (optional)
 *   POST /staff/lists/:n/reject         form: csrf_token, note (required)
 *
 * The diff of a version is the public page /agencies/:id/versions/:n, which
 * shows pending versions to staff in scope. Whether the forms are shown is a
 * convenience; whether the decision is allowed is service/lists' business.
 * After a decision the page redirects back (303) with a notice.
 */
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/staff_lists.h"
#include "http/template.h"
#include "service/auth.h"
#include "service/lists.h"

#define STAFF_LISTS_FRAGMENT_MAX (1u << 20)

/* One table row per version; a pending version gets the decision forms. */
static int staff_lists__rows(struct buf *b, const struct service_list_version *v, size_t count,
			     const struct service_actor *actor)
{
	bool can_decide = account_can_approve_lists(actor->role);
	int rc = 0;

	for (size_t i = 0; i < count && rc == 0; i++) {
		char number[24];
		bool pending = strcmp(v[i].status, "pending") == 0;

		snprintf(number, sizeof(number), "%lld", (long long)v[i].version);
		if ((rc = buf_appendf(b, "<tr class=\"%s\"><td>第 %s 版</td><td>", v[i].status,
				      number)) < 0 ||
		    (rc = html_text(b, service_list_status_label(v[i].status))) < 0 ||
		    (rc = buf_append_str(b, v[i].in_force ? "（现行）" : v[i].upcoming ? "（即将生效）" : "")) < 0 ||
		    (rc = buf_append_str(b, "</td><td>")) < 0 ||
		    (rc = html_text(b, v[i].effective_from)) < 0 ||
		    (rc = buf_append_str(b, "</td><td>")) < 0 ||
		    (rc = html_text(b, v[i].summary)) < 0 ||
		    (rc = buf_append_str(b, "</td><td>")) < 0 ||
		    (rc = html_text(b, v[i].created_by_name)) < 0 ||
		    (rc = buf_append_str(b, "</td><td><a href=\"/agencies/")) < 0 ||
		    (rc = html_text(b, v[i].agency_id)) < 0 ||
		    (rc = buf_appendf(b, "/versions/%s\">查看变更</a>", number)) < 0)
			break;
		if (v[i].decision_note[0] &&
		    ((rc = buf_append_str(b, "<br><small>审核意见：")) < 0 ||
		     (rc = html_text(b, v[i].decision_note)) < 0 ||
		     (rc = buf_append_str(b, "</small>")) < 0))
			break;
		if (pending && can_decide) {
			const char *const forms[][3] = {{"approve", "审核通过并发布", ""},
							{"reject", "退回", " required"}};

			for (int k = 0; k < 2 && rc == 0; k++) {
				if ((rc = buf_appendf(b,
						      "<form method=\"post\" class=\"decide\" "
						      "action=\"/staff/lists/%s/%s\">"
						      "<input type=\"hidden\" name=\"csrf_token\" "
						      "value=\"",
						      number, forms[k][0])) < 0 ||
				    (rc = html_text(b, actor->csrf_token)) < 0 ||
				    (rc = buf_appendf(b,
						      "\"><label>意见 <input name=\"note\" "
						      "maxlength=\"512\"%s></label> "
						      "<button type=\"submit\">%s</button></form>",
						      forms[k][2], forms[k][1])) < 0)
					break;
			}
		}
		if (rc == 0)
			rc = buf_append_str(b, "</td></tr>\n");
	}
	return rc;
}

int page_staff_lists(struct http_request *req, struct http_response *resp)
{
	struct service_list_version *versions = NULL;
	struct service_actor actor;
	struct sx_error err;
	struct buf rows;
	size_t count = 0;
	const char *notice = http_request_query(req, "done");
	int rc;

	if (http_session_actor(&actor, req, &err) < 0) {
		if (err.rc == SX_EAUTH)
			return http_respond_redirect(resp, req, "/staff/login");
		return http_respond_error(resp, req, &err);
	}
	if (service_list_versions(&versions, &count, req->app->svc, &actor, actor.agency_id,
				  &err) < 0)
		return http_respond_error(resp, req, &err);
	buf_init(&rows, STAFF_LISTS_FRAGMENT_MAX);
	rc = staff_lists__rows(&rows, versions, count, &actor);
	sx_free(versions);
	if (rc == 0) {
		struct template_var vars[] = {
			{"title", "清单管理"},
			{"agency_name", actor.agency_name},
			{"agency_id", actor.agency_id},
			{"rows", rows.data},
			{"empty", count == 0 ? "1" : ""},
			{"approved", notice && strcmp(notice, "approve") == 0 ? "1" : ""},
			{"rejected", notice && strcmp(notice, "reject") == 0 ? "1" : ""},
		};

		rc = http_respond_page(resp, req, 200, "staff_lists.html", vars,
				       sizeof(vars) / sizeof(vars[0]));
	}
	buf_free(&rows);
	return rc;
}

static int staff_lists__decide(struct http_request *req, struct http_response *resp, bool approve)
{
	struct service_actor actor;
	struct http_form form;
	struct sx_error err;
	int64_t version = 0;

	if (http_session_actor(&actor, req, &err) < 0) {
		if (err.rc == SX_EAUTH)
			return http_respond_redirect(resp, req, "/staff/login");
		return http_respond_error(resp, req, &err);
	}
	if (http_request_form(&form, req, &err) < 0 ||
	    service_check_csrf(&actor, http_form_get(&form, "csrf_token"), &err) < 0)
		return http_respond_error(resp, req, &err);
	if (html_number_arg(&version, http_request_param(req, "n"), 0, "bad_version", "版本号无效",
			    &err) < 0 ||
	    version == 0) {
		sx_error_set(&err, SX_EINVALID, "bad_version", "版本号无效");
		return http_respond_error(resp, req, &err);
	}
	if (service_list_decide(NULL, req->app->svc, &actor, actor.agency_id, version, approve,
				http_form_get(&form, "note"), &err) < 0)
		return http_respond_error(resp, req, &err);
	return http_respond_redirect(resp, req,
				     approve ? "/staff/lists?done=approve" : "/staff/lists?done=reject");
}

int page_staff_list_approve(struct http_request *req, struct http_response *resp)
{
	return staff_lists__decide(req, resp, true);
}

int page_staff_list_reject(struct http_request *req, struct http_response *resp)
{
	return staff_lists__decide(req, resp, false);
}
