/*
 * http/registry_pages — the public registry (事前公开): agencies with their
 * duties and contacts, and the officers who hold enforcement certificates.
 *
 *   GET /agencies                      page: active agencies by level and region
 *   GET /agencies/:id                  page: one agency's public fields
 *   GET /officers?agency=&q=&page=     page: search form and one page of officers
 *   GET /api/v1/agencies               the list as JSON
 *   GET /api/v1/agencies/:id           one agency as JSON
 *   GET /api/v1/officers?agency_id=&q=&page=&page_size=
 *
 * No login; nothing is written. Pages work without JavaScript and on a phone
 * (the officer table stacks into cards under 40rem, site.css). Every value a
 * page shows is HTML-escaped: in templates by {{x}}, in the fragments built
 * here by buf_append_html_escaped; values placed in URLs are percent-encoded
 * first and then escaped as attribute text.
 *
 * What is public follows 国办发〔2018〕118号 (行政执法公示): agency duties,
 * contacts and complaint channels; officers' names, units, certificate
 * numbers, fields and validity — never an ID number (the service's rows do
 * not carry it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "domain/officer.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/template.h"
#include "service/registry.h"

#define REGISTRY_FRAGMENT_MAX (1u << 20)
#define REGISTRY_PAGE_SIZE 20

/* ---- agencies ---- */

static int registry__level_rank(const char *level)
{
	static const char *const order[] = {"province", "city", "county", "township"};

	for (int i = 0; i < 4; i++) {
		if (strcmp(order[i], level) == 0)
			return i;
	}
	return 4;
}

static int registry__agency_cmp(const void *pa, const void *pb)
{
	const struct service_agency *a = pa, *b = pb;
	int d = registry__level_rank(a->level) - registry__level_rank(b->level);

	if (d != 0)
		return d;
	if ((d = strcmp(a->region_code, b->region_code)) != 0)
		return d;
	if ((d = strcmp(a->name, b->name)) != 0)
		return d;
	return strcmp(a->credit_code, b->credit_code);
}

/* The grouped list: one <section> per (level, region), agencies linked to their page. */
static int registry__agency_groups(struct buf *b, const struct service_agency *items,
				   size_t count)
{
	int rc = 0;

	for (size_t i = 0; i < count && rc == 0; i++) {
		const struct service_agency *a = &items[i];
		bool first = i == 0 || strcmp(items[i - 1].level, a->level) != 0 ||
			     strcmp(items[i - 1].region_code, a->region_code) != 0;
		const char *label = service_agency_level_label(a->level);

		if (first) {
			if (i > 0 && (rc = buf_append_str(b, "</ul></section>\n")) < 0)
				break;
			if ((rc = buf_append_str(b, "<section class=\"agency-group\"><h2>")) < 0 ||
			    (rc = html_text(b, label[0] ? label : "其他")) < 0 ||
			    (rc = buf_append_str(b, " · 行政区划代码 ")) < 0 ||
			    (rc = html_text(b, a->region_code)) < 0 ||
			    (rc = buf_append_str(b, "</h2><ul class=\"agency-list\">")) < 0)
				break;
		}
		if ((rc = buf_append_str(b, "<li><a href=\"/agencies/")) < 0 ||
		    (rc = html_text(b, a->id)) < 0 || (rc = buf_append_str(b, "\">")) < 0 ||
		    (rc = html_text(b, a->name)) < 0 ||
		    (rc = buf_append_str(b, "</a> <small>统一社会信用代码 ")) < 0 ||
		    (rc = html_text(b, a->credit_code)) < 0)
			break;
		rc = buf_append_str(b, "</small></li>");
	}
	if (rc == 0 && count > 0)
		rc = buf_append_str(b, "</ul></section>\n");
	return rc;
}

int page_agencies(struct http_request *req, struct http_response *resp)
{
	struct service_agency *items = NULL;
	size_t count = 0;
	struct sx_error err;
	struct buf groups;
	int rc;

	sx_error_clear(&err);
	if (service_agency_list_public(&items, &count, req->app->svc, &err) < 0)
		return http_respond_error(resp, req, &err);
	qsort(items, count, sizeof(*items), registry__agency_cmp);
	buf_init(&groups, REGISTRY_FRAGMENT_MAX);
	rc = registry__agency_groups(&groups, items, count);
	sx_free(items);
	if (rc == 0) {
		struct template_var vars[] = {
			{"title", "执法机关"},
			{"groups", groups.data},
		};

		rc = http_respond_page(resp, req, 200, "agencies.html", vars, 2);
	}
	buf_free(&groups);
	return rc;
}

int page_agency(struct http_request *req, struct http_response *resp)
{
	struct service_agency_public *a;
	struct sx_error err;
	char officers[32];

	/* A few KiB of text fields: keep them off the request thread's stack. */
	a = pool_alloc(req->pool, sizeof(*a));
	if (a == NULL)
		return SX_ENOMEM;
	sx_error_clear(&err);
	if (service_agency_get_public(a, req->app->svc, http_request_param(req, "id"), &err) < 0)
		return http_respond_error(resp, req, &err);
	snprintf(officers, sizeof(officers), "%lld", (long long)a->officer_count);
	{
		struct template_var vars[] = {
			{"title", a->name},
			{"id", a->id},
			{"name", a->name},
			{"credit_code", a->credit_code},
			{"level_label", service_agency_level_label(a->level)},
			{"region_code", a->region_code},
			{"parent_id", a->parent_id},
			{"parent_name", a->parent_name},
			{"justice", a->is_justice_bureau ? "1" : ""},
			{"inactive", a->active ? "" : "1"},
			{"duties", a->duties},
			{"address", a->address},
			{"phone", a->phone},
			{"complaint_channel", a->complaint_channel},
			{"officer_count", officers},
		};

		return http_respond_page(resp, req, 200, "agency.html", vars,
					sizeof(vars) / sizeof(vars[0]));
	}
}

/* ---- officers ---- */

static int registry__officer_rows(struct buf *b, const struct service_officer_page *p)
{
	int rc = 0;

	for (size_t i = 0; i < p->count && rc == 0; i++) {
		const struct service_officer_public *o = &p->items[i];
		enum officer_credential_state state = (enum officer_credential_state)o->state;

		if ((rc = buf_append_str(b, "<tr><td data-label=\"姓名\">")) < 0 ||
		    (rc = html_text(b, o->name)) < 0 ||
		    (rc = buf_append_str(b, "</td><td data-label=\"执法证号\">"
					    "<a href=\"/verify/officer?cert=")) < 0 ||
		    (rc = html_url_value(b, o->cert_no)) < 0 ||
		    (rc = buf_append_str(b, "\">")) < 0 || (rc = html_text(b, o->cert_no)) < 0 ||
		    (rc = buf_append_str(b, "</a></td><td data-label=\"所属机关\">"
					    "<a href=\"/agencies/")) < 0 ||
		    (rc = html_url_value(b, o->agency_id)) < 0 ||
		    (rc = buf_append_str(b, "\">")) < 0 ||
		    (rc = html_text(b, o->agency_name)) < 0 ||
		    (rc = buf_append_str(b, "</a></td><td data-label=\"执法领域\">")) < 0 ||
		    (rc = html_text(b, o->field)) < 0 ||
		    (rc = buf_append_str(b, "</td><td data-label=\"有效期\">")) < 0 ||
		    (rc = html_text(b, o->valid_from)) < 0 ||
		    (rc = buf_append_str(b, " 至 ")) < 0 || (rc = html_text(b, o->valid_to)) < 0 ||
		    (rc = buf_append_str(b, "</td><td data-label=\"状态\"><span class=\"state state-")) <
			    0 ||
		    (rc = html_text(b, officer_credential_state_code(state))) < 0 ||
		    (rc = buf_append_str(b, "\">")) < 0 ||
		    (rc = html_text(b, officer_credential_state_label(state))) < 0)
			break;
		rc = buf_append_str(b, "</span></td></tr>\n");
	}
	return rc;
}

/* <option>s for the agency filter, the chosen one selected. */
static int registry__agency_options(struct buf *b, struct http_request *req, const char *chosen,
				    struct sx_error *err)
{
	struct service_agency *items = NULL;
	size_t count = 0;
	int rc;

	if ((rc = service_agency_list_public(&items, &count, req->app->svc, err)) < 0)
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

int page_officers(struct http_request *req, struct http_response *resp)
{
	const char *agency = http_request_query(req, "agency");
	const char *q = http_request_query(req, "q");
	struct service_officer_filter filter = {agency, q};
	struct service_paging paging = {0, REGISTRY_PAGE_SIZE};
	struct service_officer_page page;
	struct sx_error err;
	struct buf rows, pager, options;
	char total[32];
	int rc;

	memset(&page, 0, sizeof(page));
	sx_error_clear(&err);
	if (html_page_arg(&paging.page, http_request_query(req, "page"), 1, &err) < 0 ||
	    service_officer_list_public(&page, req->app->svc, &filter, &paging, &err) < 0)
		return http_respond_error(resp, req, &err);
	buf_init(&rows, REGISTRY_FRAGMENT_MAX);
	buf_init(&pager, REGISTRY_FRAGMENT_MAX);
	buf_init(&options, REGISTRY_FRAGMENT_MAX);
	if ((rc = registry__agency_options(&options, req, agency, &err)) < 0) {
		rc = http_respond_error(resp, req, &err);
		goto cleanup;
	}
	if ((rc = registry__officer_rows(&rows, &page)) < 0 ||
	    (rc = html_pager(&pager, "/officers", agency, q, page.page, page.page_size, page.total)) < 0)
		goto cleanup;
	snprintf(total, sizeof(total), "%lld", (long long)page.total);
	{
		struct template_var vars[] = {
			{"title", "执法人员"},
			{"q", q},
			{"agency_name", page.agency_name},
			{"agency_id", agency},
			{"options", options.data},
			{"rows", rows.data},
			{"pager", pager.data},
			{"total", total},
			{"empty", page.count == 0 ? "1" : ""},
			{"checked_on", page.checked_on},
		};

		rc = http_respond_page(resp, req, 200, "officers.html", vars,
				      sizeof(vars) / sizeof(vars[0]));
	}
	if (rc == 0)
		rc = http_response_header(resp, req, "Cache-Control", "no-store");
cleanup:
	service_officer_page_clear(&page);
	buf_free(&rows);
	buf_free(&pager);
	buf_free(&options);
	return rc;
}

/* ---- JSON API ---- */

static const char *registry__or_null(const char *s)
{
	return s && s[0] ? s : NULL;
}

int api_agencies_list(struct http_request *req, struct http_response *resp)
{
	struct service_agency *items = NULL;
	size_t count = 0;
	struct sx_error err;
	json_t *list, *body;

	sx_error_clear(&err);
	if (service_agency_list_public(&items, &count, req->app->svc, &err) < 0)
		return http_respond_error(resp, req, &err);
	list = json_array();
	for (size_t i = 0; list && i < count; i++) {
		const struct service_agency *a = &items[i];
		json_t *item = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s?}", "id", a->id, "name",
					 a->name, "credit_code", a->credit_code, "level", a->level,
					 "level_label", service_agency_level_label(a->level),
					 "region_code", a->region_code, "parent_id",
					 registry__or_null(a->parent_id));

		if (item == NULL || json_array_append_new(list, item) < 0) {
			json_decref(list);
			list = NULL;
		}
	}
	sx_free(items);
	if (list == NULL)
		return SX_ENOMEM;
	body = json_pack("{s:o}", "agencies", list);
	return http_respond_json_take(resp, req, 200, body);
}

json_t *registry_agency_json(const struct service_agency_public *a)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s?,s:s?,s:b,s:b,s:s,s:s,s:s,s:s,s:I}", "id",
			 a->id, "name", a->name, "credit_code", a->credit_code, "level", a->level,
			 "level_label", service_agency_level_label(a->level), "region_code",
			 a->region_code, "parent_id", registry__or_null(a->parent_id), "parent_name",
			 registry__or_null(a->parent_name), "is_justice_bureau", a->is_justice_bureau,
			 "active", a->active, "duties", a->duties, "address", a->address, "phone",
			 a->phone, "complaint_channel", a->complaint_channel, "officer_count",
			 (json_int_t)a->officer_count);
}

int api_agency_get(struct http_request *req, struct http_response *resp)
{
	struct service_agency_public *a;
	struct sx_error err;
	json_t *body;

	a = pool_alloc(req->pool, sizeof(*a));
	if (a == NULL)
		return SX_ENOMEM;
	sx_error_clear(&err);
	if (service_agency_get_public(a, req->app->svc, http_request_param(req, "id"), &err) < 0)
		return http_respond_error(resp, req, &err);
	body = json_pack("{s:o}", "agency", registry_agency_json(a));
	return http_respond_json_take(resp, req, 200, body);
}

int api_officers_list(struct http_request *req, struct http_response *resp)
{
	struct service_officer_filter filter = {http_request_query(req, "agency_id"),
						http_request_query(req, "q")};
	struct service_paging paging = {0, 0};
	struct service_officer_page page;
	struct sx_error err;
	json_t *list, *body;
	int rc;

	memset(&page, 0, sizeof(page));
	sx_error_clear(&err);
	if (html_page_arg(&paging.page, http_request_query(req, "page"), 1, &err) < 0 ||
	    html_page_arg(&paging.page_size, http_request_query(req, "page_size"),
			       SERVICE_OFFICER_PAGE_SIZE_DEFAULT, &err) < 0 ||
	    service_officer_list_public(&page, req->app->svc, &filter, &paging, &err) < 0)
		return http_respond_error(resp, req, &err);
	list = json_array();
	for (size_t i = 0; list && i < page.count; i++) {
		const struct service_officer_public *o = &page.items[i];
		enum officer_credential_state state = (enum officer_credential_state)o->state;
		json_t *item = json_pack(
			"{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "name", o->name,
			"cert_no", o->cert_no, "cert_type", o->cert_type, "field", o->field,
			"agency_id", o->agency_id, "agency_name", o->agency_name, "valid_from",
			o->valid_from, "valid_to", o->valid_to, "status", o->status, "status_label",
			officer_status_label(o->status), "state", officer_credential_state_code(state),
			"state_label", officer_credential_state_label(state));

		if (item == NULL || json_array_append_new(list, item) < 0) {
			json_decref(list);
			list = NULL;
		}
	}
	body = list ? json_pack("{s:o,s:I,s:I,s:I,s:s}", "officers", list, "total",
				(json_int_t)page.total, "page", (json_int_t)page.page, "page_size",
				(json_int_t)page.page_size, "checked_on", page.checked_on)
		    : NULL;
	service_officer_page_clear(&page);
	rc = http_respond_json_take(resp, req, 200, body);
	return rc;
}
