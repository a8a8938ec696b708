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
#include "http/template.h"
#include "service/registry.h"

#define REGISTRY_FRAGMENT_MAX (1u << 20)
#define REGISTRY_PAGE_SIZE 20

static int registry__esc(struct buf *b, const char *s)
{
	return buf_append_html_escaped(b, s ? s : "", s ? strlen(s) : 0);
}

/* Appends s percent-encoded for a URL query value or path segment (RFC 3986
 * unreserved characters kept, every other byte as %XX). The output holds only
 * unreserved characters and '%', none of them special in HTML, so it may stand
 * in a quoted attribute as is. */
static int registry__url_value(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = 0;

	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && rc == 0; p++) {
		unsigned char c = *p;

		if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			rc = buf_append_char(b, (char)c);
		} else {
			char enc[3] = {'%', hex[c >> 4], hex[c & 15]};

			rc = buf_append(b, enc, 3);
		}
	}
	return rc;
}

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
			    (rc = registry__esc(b, label[0] ? label : "其他")) < 0 ||
			    (rc = buf_append_str(b, " · 行政区划代码 ")) < 0 ||
			    (rc = registry__esc(b, a->region_code)) < 0 ||
			    (rc = buf_append_str(b, "</h2><ul class=\"agency-list\">")) < 0)
				break;
		}
		if ((rc = buf_append_str(b, "<li><a href=\"/agencies/")) < 0 ||
		    (rc = registry__esc(b, a->id)) < 0 || (rc = buf_append_str(b, "\">")) < 0 ||
		    (rc = registry__esc(b, a->name)) < 0 ||
		    (rc = buf_append_str(b, "</a> <small>统一社会信用代码 ")) < 0 ||
		    (rc = registry__esc(b, a->credit_code)) < 0)
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

/* Reads a page number: absent or empty = 1; otherwise 1–9 digits, else SX_EINVALID "bad_page". */
static int registry__page_arg(int64_t *out, const char *text, int64_t absent,
			      struct sx_error *err)
{
	int64_t v = 0;
	size_t len;

	*out = absent;
	if (text == NULL || text[0] == '\0')
		return 0;
	len = strlen(text);
	if (len > 9)
		return sx_error_set(err, SX_EINVALID, "bad_page", "页码或每页条数超出范围");
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return sx_error_set(err, SX_EINVALID, "bad_page", "页码或每页条数不是数字");
		v = v * 10 + (text[i] - '0');
	}
	if (v < 1)
		return sx_error_set(err, SX_EINVALID, "bad_page", "页码或每页条数超出范围");
	*out = v;
	return 0;
}

static int registry__officer_rows(struct buf *b, const struct service_officer_page *p)
{
	int rc = 0;

	for (size_t i = 0; i < p->count && rc == 0; i++) {
		const struct service_officer_public *o = &p->items[i];
		enum officer_credential_state state = (enum officer_credential_state)o->state;

		if ((rc = buf_append_str(b, "<tr><td data-label=\"姓名\">")) < 0 ||
		    (rc = registry__esc(b, o->name)) < 0 ||
		    (rc = buf_append_str(b, "</td><td data-label=\"执法证号\">"
					    "<a href=\"/verify/officer?cert=")) < 0 ||
		    (rc = registry__url_value(b, o->cert_no)) < 0 ||
		    (rc = buf_append_str(b, "\">")) < 0 || (rc = registry__esc(b, o->cert_no)) < 0 ||
		    (rc = buf_append_str(b, "</a></td><td data-label=\"所属机关\">"
					    "<a href=\"/agencies/")) < 0 ||
		    (rc = registry__url_value(b, o->agency_id)) < 0 ||
		    (rc = buf_append_str(b, "\">")) < 0 ||
		    (rc = registry__esc(b, o->agency_name)) < 0 ||
		    (rc = buf_append_str(b, "</a></td><td data-label=\"执法领域\">")) < 0 ||
		    (rc = registry__esc(b, o->field)) < 0 ||
		    (rc = buf_append_str(b, "</td><td data-label=\"有效期\">")) < 0 ||
		    (rc = registry__esc(b, o->valid_from)) < 0 ||
		    (rc = buf_append_str(b, " 至 ")) < 0 || (rc = registry__esc(b, o->valid_to)) < 0 ||
		    (rc = buf_append_str(b, "</td><td data-label=\"状态\"><span class=\"state state-")) <
			    0 ||
		    (rc = registry__esc(b, officer_credential_state_code(state))) < 0 ||
		    (rc = buf_append_str(b, "\">")) < 0 ||
		    (rc = registry__esc(b, officer_credential_state_label(state))) < 0)
			break;
		rc = buf_append_str(b, "</span></td></tr>\n");
	}
	return rc;
}

/* One pager link: /officers?agency=…&q=…&page=N, escaped for an attribute. */
static int registry__page_link(struct buf *b, const char *agency, const char *q, int64_t page,
			       const char *rel, const char *text)
{
	int rc;

	if ((rc = buf_append_str(b, "<a rel=\"")) < 0 || (rc = buf_append_str(b, rel)) < 0 ||
	    (rc = buf_append_str(b, "\" href=\"/officers?")) < 0)
		return rc;
	if (agency && agency[0]) {
		if ((rc = buf_append_str(b, "agency=")) < 0 ||
		    (rc = registry__url_value(b, agency)) < 0 || (rc = buf_append_str(b, "&amp;")) < 0)
			return rc;
	}
	if (q && q[0]) {
		if ((rc = buf_append_str(b, "q=")) < 0 || (rc = registry__url_value(b, q)) < 0 ||
		    (rc = buf_append_str(b, "&amp;")) < 0)
			return rc;
	}
	if ((rc = buf_appendf(b, "page=%lld\">", (long long)page)) < 0 ||
	    (rc = buf_append_str(b, text)) < 0)
		return rc;
	return buf_append_str(b, "</a>");
}

static int registry__pager(struct buf *b, const struct service_officer_page *p,
			   const char *agency, const char *q)
{
	int64_t pages = (p->total + p->page_size - 1) / p->page_size;
	int rc;

	if (pages <= 1 && p->page <= 1)
		return 0;
	if ((rc = buf_append_str(b, "<nav class=\"pager\" aria-label=\"分页\">")) < 0)
		return rc;
	if (p->page > 1 &&
	    (rc = registry__page_link(b, agency, q, p->page - 1, "prev", "上一页")) < 0)
		return rc;
	if ((rc = buf_appendf(b, " <span>第 %lld 页，共 %lld 页</span> ", (long long)p->page,
			      (long long)(pages ? pages : 1))) < 0)
		return rc;
	if (p->page < pages &&
	    (rc = registry__page_link(b, agency, q, p->page + 1, "next", "下一页")) < 0)
		return rc;
	return buf_append_str(b, "</nav>");
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
		    (rc = registry__esc(b, items[i].id)) < 0 ||
		    (rc = buf_append_str(b, selected ? "\" selected>" : "\">")) < 0 ||
		    (rc = registry__esc(b, items[i].name)) < 0)
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
	if (registry__page_arg(&paging.page, http_request_query(req, "page"), 1, &err) < 0 ||
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
	    (rc = registry__pager(&pager, &page, agency, q)) < 0)
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

static int registry__send(struct http_response *resp, json_t *body)
{
	int rc;

	if (body == NULL)
		return SX_ENOMEM;
	rc = http_respond_json(resp, 200, body);
	json_decref(body);
	return rc;
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
	return registry__send(resp, body);
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
	body = json_pack("{s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s?,s:s?,s:b,s:b,s:s,s:s,s:s,s:s,s:I}}",
			 "agency", "id", a->id, "name", a->name, "credit_code", a->credit_code,
			 "level", a->level, "level_label", service_agency_level_label(a->level),
			 "region_code", a->region_code, "parent_id", registry__or_null(a->parent_id),
			 "parent_name", registry__or_null(a->parent_name), "is_justice_bureau",
			 a->is_justice_bureau, "active", a->active, "duties", a->duties, "address",
			 a->address, "phone", a->phone, "complaint_channel", a->complaint_channel,
			 "officer_count", (json_int_t)a->officer_count);
	return registry__send(resp, body);
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
	if (registry__page_arg(&paging.page, http_request_query(req, "page"), 1, &err) < 0 ||
	    registry__page_arg(&paging.page_size, http_request_query(req, "page_size"),
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
	rc = registry__send(resp, body);
	return rc;
}
