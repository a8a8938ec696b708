/*
 * http/cases_pages — the staff pages of 执法全过程记录 (docs/cases.md), made
 * for an officer's phone: the case list, opening a case, the case file (调阅)
 * with its timeline, records, evidence and the moves to the next stage, the
 * record forms generated from the document templates, and the evidence
 * upload section. Routes and form fields in cases_pages.h.
 *
 * Invariants:
 *   - every handler calls the same service function as the JSON API
 *     (service/cases.h, service/evidence.h); whether something is allowed is
 *     the service's business. What a page offers (a disabled button with
 *     service_case_next.blocked_message, the agency head's forms) is a
 *     convenience: the service checks again on every call.
 *   - every value shown is HTML-escaped: by {{x}} in the templates, by
 *     cases_pages__html's %s in the fragments built here. %r appends only
 *     fragments this file built itself.
 *   - every form carries csrf_token, checked with service_check_csrf before
 *     anything is done; changes answer 303 back to the case (POST/redirect/
 *     GET, so a reload does not submit twice — the move also names the stage
 *     it expects, so a second submit gets "stale_stage"); a refused change
 *     shows the case page again with the service's message in Chinese.
 *   - 调阅 (《行政处罚法》第四十七条 全过程记录, and the access log of
 *     service/cases.h): a staff member not on the case is asked for the
 *     调阅理由 first; the reason then travels in the query (?reason=) and in
 *     the hidden field view_reason, and on to the record and evidence links,
 *     so every read names it.
 *   - a served record's verification code is shown once, on the page that
 *     answers the POST, and never put in a URL (it would land in logs and
 *     browser history).
 *
 * What it does not do: the upload itself (web/static/upload.js talks to the
 * resumable protocol of docs/evidence-upload.md); without JavaScript the
 * page says so, since a plain form cannot resume a broken upload.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "domain/casefile.h"
#include "domain/doctemplate.h"
#include "domain/matter.h"
#include "http/cases_pages.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/reviews_handlers.h"
#include "http/template.h"
#include "service/auth.h"
#include "service/cases.h"
#include "service/doctemplates.h"
#include "service/lists.h"
#include "service/officers.h"

#define CASES_PAGES_FRAGMENT_MAX (1u << 20)
#define CASES_PAGES_PER_PAGE 20
#define CASES_PAGES_MAX_FINE_DIGITS 12 /* 元 before the point: beyond any fine */

/* ---- small helpers ---- */

/* The actor of a form POST: the session, the form and its csrf_token. 1 when
 * an answer was already made. */
static int cases_pages__form_actor(struct service_actor *actor, struct http_form *form,
                                   struct http_request *req, struct http_response *resp, int *rc)
{
	struct sx_error err;

	if (http_staff_actor(actor, req, resp, rc))
		return 1;
	sx_error_clear(&err);
	if (http_request_form(form, req, &err) < 0 ||
	    service_check_csrf(actor, http_form_get(form, "csrf_token"), &err) < 0) {
		*rc = http_respond_error(resp, req, &err);
		return 1;
	}
	return 0;
}

/* The message for people of err (the generic one of its code when empty). */
static const char *cases_pages__message(const struct sx_error *err)
{
	return err->message[0] ? err->message : sx_errno_message(err->rc);
}

static const char *cases_pages__stage_label(const char *code)
{
	enum casefile_stage st;

	return casefile_stage_from_code(&st, code) == 0 ? casefile_stage_label(st) : code;
}

static const char *cases_pages__kind_label(const char *code)
{
	enum casefile_kind k;

	return casefile_kind_from_code(&k, code) == 0 ? casefile_kind_label(k) : code;
}

static const char *cases_pages__procedure_label(const char *code)
{
	enum casefile_procedure p;

	return casefile_procedure_from_code(&p, code) == 0 ? casefile_procedure_label(p) : code;
}

static bool cases_pages__empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

/* /staff/cases/<id>[/suffix][?done=…][&reason=…] in pool memory; NULL on ENOMEM. */
static const char *cases_pages__case_url(struct http_request *req, const char *case_id,
                                         const char *suffix, const char *done, const char *reason)
{
	struct buf b;
	const char *out = NULL;
	char sep = '?';

	buf_init(&b, 8192);
	if (html_appendf(&b, "/staff/cases/%u%r", case_id, suffix ? suffix : "") < 0)
		goto done;
	if (!cases_pages__empty(done)) {
		if (html_appendf(&b, "?done=%u", done) < 0)
			goto done;
		sep = '&';
	}
	if (!cases_pages__empty(reason) &&
	    (buf_append_char(&b, sep) < 0 || html_appendf(&b, "reason=%u", reason) < 0))
		goto done;
	out = pool_strdup(req->pool, b.data ? b.data : "");
done:
	buf_free(&b);
	return out;
}

/* The case file in pool memory (service_case_clear it); on error *out is NULL. */
static int cases_pages__get_case(struct service_case **out, struct http_request *req,
                                 const struct service_actor *actor, const char *case_id,
                                 const char *reason, struct sx_error *err)
{
	struct service_case *sc;

	*out = NULL;
	/* The file with its next moves and their messages is some KiB: off the stack. */
	if ((sc = pool_calloc(req->pool, 1, sizeof(*sc))) == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	if (service_case_get(sc, req->app->svc, actor, case_id,
	                     cases_pages__empty(reason) ? NULL : reason, req->remote_addr, err) < 0)
		return err->rc;
	*out = sc;
	return 0;
}

/* Reads a money amount in 元 ("200", "150.5", "0.05") as 分; -1 for empty text. */
static int cases_pages__fen(int64_t *out, const char *text, struct sx_error *err)
{
	int64_t fen = 0;
	int digits = 0, decimals = -1;

	*out = -1;
	if (cases_pages__empty(text))
		return 0;
	for (const char *p = text; *p; p++) {
		if (*p == '.' && decimals < 0 && digits > 0) {
			decimals = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || digits >= CASES_PAGES_MAX_FINE_DIGITS || decimals >= 2)
			return sx_error_set(
			        err, SX_EINVALID, "bad_amount",
			        "罚款金额应为以元为单位的金额，最多两位小数，如 200 或 150.50");
		fen = fen * 10 + (*p - '0');
		if (decimals >= 0)
			decimals++;
		else
			digits++;
	}
	if (digits == 0)
		return sx_error_set(err, SX_EINVALID, "bad_amount",
		                    "罚款金额应为以元为单位的金额，最多两位小数，如 200 或 150.50");
	for (int k = decimals < 0 ? 0 : decimals; k < 2; k++)
		fen *= 10;
	*out = fen;
	return 0;
}

/* The values of a repeated form field (checkboxes), in form order. */
static size_t cases_pages__form_all(const char **out, size_t max, const struct http_form *form,
                                    const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < form->count && n < max; i++)
		if (strcmp(form->fields[i].name, name) == 0 && form->fields[i].value[0])
			out[n++] = form->fields[i].value;
	return n;
}

static bool cases_pages__in(const char *const *list, size_t count, const char *s)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

/* ---- GET /staff/cases ---- */

/* "我的案件 · 本机关案件 · 全部" tabs: the scopes the role has. */
static int cases_pages__tabs(struct buf *b, enum account_role role, enum service_case_scope scope)
{
	struct {
		enum service_case_scope scope;
		const char *code, *label;
		bool shown;
	} tabs[] = {
	        {SERVICE_CASES_MINE, "mine", "我的案件", true},
	        {SERVICE_CASES_AGENCY, "agency", "本机关案件",
	         role == ACCOUNT_ROLE_UNIT_HEAD || role == ACCOUNT_ROLE_REVIEWER ||
	                 role == ACCOUNT_ROLE_AGENCY_HEAD},
	        {SERVICE_CASES_ALL, "all", "全部案件",
	         role == ACCOUNT_ROLE_SUPERVISOR || role == ACCOUNT_ROLE_ADMIN},
	};
	int rc = buf_append_str(b, "<nav class=\"case-tabs\" aria-label=\"案件范围\">");

	for (size_t i = 0; i < sizeof(tabs) / sizeof(tabs[0]) && rc == 0; i++) {
		if (!tabs[i].shown)
			continue;
		rc = html_appendf(
		        b, "<a href=\"/staff/cases?scope=%s\"%r>%s</a>", tabs[i].code,
		        tabs[i].scope == scope ? " aria-current=\"page\"" : "", tabs[i].label);
	}
	return rc ? rc : buf_append_str(b, "</nav>");
}

static int cases_pages__stage_options(struct buf *b, const char *selected)
{
	int rc = buf_append_str(b, "<option value=\"\">全部环节</option>");

	for (int s = 1; s <= CASEFILE_STAGE_COUNT && rc == 0; s++) {
		const char *code = casefile_stage_code((enum casefile_stage)s);

		rc = html_appendf(b, "<option value=\"%s\"%r>%s</option>", code,
		                       selected && strcmp(selected, code) == 0 ? " selected" : "",
		                       casefile_stage_label((enum casefile_stage)s));
	}
	return rc;
}

static int cases_pages__list_rows(struct buf *b, const struct service_case_page *p)
{
	int rc = 0;

	for (size_t i = 0; i < p->count && rc == 0; i++) {
		const struct store_case *c = &p->items[i];
		bool overdue = c->due_on[0] && !c->decided_on[0] && !c->closed_on[0] &&
		               strcmp(c->due_on, p->today) < 0;

		rc = html_appendf(
		        b,
		        "<tr%r><td data-label=\"案号\"><a href=\"/staff/cases/%u\">%s</a></td>"
		        "<td data-label=\"当事人\">%s<br><small>%s</small></td>"
		        "<td data-label=\"执法事项\">%s</td>"
		        "<td data-label=\"环节\"><span class=\"stage\">%s</span></td>"
		        "<td data-label=\"办案期限\">",
		        overdue ? " class=\"overdue\"" : "", c->id, c->case_no, c->party_name,
		        c->cause, c->matter_name, cases_pages__stage_label(c->stage));
		if (rc == 0 && c->due_on[0])
			rc = html_appendf(
			        b, "%s%r", c->due_on,
			        overdue ? " <strong class=\"overdue\">已超期</strong>" : "");
		else if (rc == 0)
			rc = buf_append_str(b, "—");
		if (rc == 0)
			rc = buf_append_str(b, "</td></tr>\n");
	}
	return rc;
}

/* 上一页 / 下一页 keeping the filters. */
static int cases_pages__pager(struct buf *b, const char *scope, const struct service_case_query *q,
                              const struct service_case_page *p)
{
	int64_t pages = p->per_page > 0 ? (p->total + p->per_page - 1) / p->per_page : 1;
	int rc = 0;

	if (pages <= 1 && p->page <= 1)
		return 0;
	rc = buf_append_str(b, "<nav class=\"pager\" aria-label=\"分页\">");
	for (int dir = -1; dir <= 1 && rc == 0; dir += 2) {
		int64_t to = p->page + dir;

		if (dir == 1 && rc == 0)
			rc = buf_appendf(b, " <span>第 %lld 页，共 %lld 页</span> ",
			                 (long long)p->page, (long long)(pages ? pages : 1));
		if (rc < 0 || to < 1 || to > pages)
			continue;
		rc = html_appendf(b, "<a href=\"/staff/cases?scope=%u&amp;stage=%u%r%r", scope,
		                       q->stage ? q->stage : "", q->open_only ? "&amp;open=1" : "",
		                       q->overdue_only ? "&amp;overdue=1" : "");
		if (rc == 0)
			rc = buf_appendf(b, "&amp;page=%lld\" rel=\"%s\">%s</a>", (long long)to,
			                 dir < 0 ? "prev" : "next", dir < 0 ? "上一页" : "下一页");
	}
	return rc ? rc : buf_append_str(b, "</nav>");
}

int page_staff_cases(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_case_query q;
	struct service_case_page page;
	struct sx_error err;
	struct buf tabs, options, rows, pager;
	const char *scope = http_request_query(req, "scope");
	char total[24];
	int rc = 0;

	if (http_staff_actor(&actor, req, resp, &rc))
		return rc;
	memset(&q, 0, sizeof(q));
	memset(&page, 0, sizeof(page));
	sx_error_clear(&err);
	if (cases_pages__empty(scope))
		scope = "mine";
	if (strcmp(scope, "mine") == 0)
		q.scope = SERVICE_CASES_MINE;
	else if (strcmp(scope, "agency") == 0)
		q.scope = SERVICE_CASES_AGENCY;
	else if (strcmp(scope, "all") == 0)
		q.scope = SERVICE_CASES_ALL;
	else {
		sx_error_set(&err, SX_EINVALID, "bad_scope", "案件范围无效");
		return http_respond_error(resp, req, &err);
	}
	q.stage = http_request_query(req, "stage");
	if (cases_pages__empty(q.stage))
		q.stage = NULL;
	q.open_only = !cases_pages__empty(http_request_query(req, "open"));
	q.overdue_only = !cases_pages__empty(http_request_query(req, "overdue"));
	q.per_page = CASES_PAGES_PER_PAGE;
	if (html_page_arg(&q.page, http_request_query(req, "page"), 1, &err) < 0 ||
	    service_case_list(&page, req->app->svc, &actor, &q, &err) < 0)
		return http_respond_error(resp, req, &err);
	buf_init(&tabs, CASES_PAGES_FRAGMENT_MAX);
	buf_init(&options, CASES_PAGES_FRAGMENT_MAX);
	buf_init(&rows, CASES_PAGES_FRAGMENT_MAX);
	buf_init(&pager, CASES_PAGES_FRAGMENT_MAX);
	snprintf(total, sizeof(total), "%lld", (long long)page.total);
	if ((rc = cases_pages__tabs(&tabs, actor.role, q.scope)) == 0 &&
	    (rc = cases_pages__stage_options(&options, q.stage)) == 0 &&
	    (rc = cases_pages__list_rows(&rows, &page)) == 0 &&
	    (rc = cases_pages__pager(&pager, scope, &q, &page)) == 0) {
		struct template_var vars[] = {
		        {"title", "案件"},
		        {"user_name", actor.display_name},
		        {"role_label", account_role_label(actor.role)},
		        {"agency_name", actor.agency_name},
		        {"tabs", tabs.data},
		        {"scope", scope},
		        {"stage_options", options.data},
		        {"open_checked", q.open_only ? "1" : ""},
		        {"overdue_checked", q.overdue_only ? "1" : ""},
		        {"rows", rows.data},
		        {"empty", page.count == 0 ? "1" : ""},
		        {"total", total},
		        {"today", page.today},
		        {"pager", pager.data},
		        /* Officers see no agency statistics (service/case_stats.h). */
		        {"stats_link", actor.role != ACCOUNT_ROLE_OFFICER ? "1" : ""},
		};

		rc = http_respond_page(resp, req, 200, "staff_cases.html", vars,
		                       sizeof(vars) / sizeof(vars[0]));
	} else {
		sx_error_set(&err, SX_ENOMEM, NULL, NULL);
		rc = http_respond_error(resp, req, &err);
	}
	buf_free(&tabs);
	buf_free(&options);
	buf_free(&rows);
	buf_free(&pager);
	service_case_page_clear(&page);
	return rc;
}

/* ---- GET /staff/cases/new, POST /staff/cases ---- */

/* The form's values shown again after a refusal; NULL = empty. */
struct cases_pages_open_form {
	const char *kind, *procedure, *matter_code, *cause, *party_type, *party_name;
	const char *party_id_code, *party_phone, *party_address, *started_on, *fine_yuan;
	const char *const *officer_ids; /* checked; NULL = the actor's own officer record */
	size_t officer_count;
};

static int cases_pages__option(struct buf *b, const char *value, const char *label,
                               const char *selected)
{
	return html_appendf(b, "<option value=\"%s\"%r>%s</option>", value,
	                         selected && strcmp(selected, value) == 0 ? " selected" : "",
	                         label);
}

/* The agency's matters in force that a case can be about (处罚, 检查, 强制). */
static int cases_pages__matter_options(struct buf *b, const struct service_list *l,
                                       const char *selected)
{
	int rc = buf_append_str(b, "<option value=\"\">请选择执法事项</option>");

	for (size_t i = 0; l && i < l->count && rc == 0; i++) {
		const struct matter *m = &l->items[i];

		if (m->act_type != MATTER_ACT_PENALTY && m->act_type != MATTER_ACT_INSPECTION &&
		    m->act_type != MATTER_ACT_COERCION)
			continue;
		rc = html_appendf(b, "<option value=\"%s\"%r>%s（%s · %s）</option>", m->code,
		                       selected && strcmp(selected, m->code) == 0 ? " selected"
		                                                                  : "",
		                       m->name, matter_act_type_label(m->act_type), m->code);
	}
	return rc;
}

/* Checkboxes of officers; the actor's own record (user_id) first when nothing was checked. */
static int cases_pages__officer_boxes(struct buf *b, const struct service_officer_staff_page *p,
                                      const struct service_actor *actor,
                                      const struct cases_pages_open_form *f)
{
	int rc = 0;

	/* Two passes: the actor's own record first, so that it is the lead (承办人). */
	for (int pass = 0; pass < 2 && rc == 0; pass++) {
		for (size_t i = 0; i < p->count && rc == 0; i++) {
			const struct service_officer *o = &p->items[i];
			bool own = o->user_id[0] && strcmp(o->user_id, actor->user_id) == 0;
			bool checked = f->officer_ids ? cases_pages__in(f->officer_ids,
			                                                f->officer_count, o->id)
			                              : own;

			if ((pass == 0) != own || strcmp(o->status, "revoked") == 0)
				continue;
			rc = html_appendf(
			        b,
			        "<label class=\"check\"><input type=\"checkbox\" "
			        "name=\"officer_id\" "
			        "value=\"%s\"%r> %s <small>执法证 %s，有效期至 "
			        "%s%r</small></label>\n",
			        o->id, checked ? " checked" : "", o->name, o->cert_no, o->valid_to,
			        strcmp(o->status, "suspended") == 0 ? "，已暂停执法" : "");
		}
	}
	return rc;
}

static int cases_pages__render_open(struct http_request *req, struct http_response *resp,
                                    int status, const struct service_actor *actor,
                                    const struct cases_pages_open_form *f, const char *error)
{
	struct service_list *l = NULL;
	struct service_officer_staff_page officers;
	struct service_paging paging = {1, SERVICE_OFFICER_PAGE_SIZE_MAX};
	struct sx_error err;
	struct buf kinds, procs, matters, boxes, ptypes;
	const char *list_error = NULL;
	int rc = 0;

	memset(&officers, 0, sizeof(officers));
	sx_error_clear(&err);
	if ((l = pool_calloc(req->pool, 1, sizeof(*l))) == NULL) {
		sx_error_set(&err, SX_ENOMEM, NULL, NULL);
		return http_respond_error(resp, req, &err);
	}
	if (service_list_get(l, req->app->svc, actor, actor->agency_id, 0, SERVICE_LIST_ALL, NULL,
	                     &err) < 0) {
		list_error =
		        pool_printf(req->pool, "本机关没有现行的执法事项清单，暂不能立案（%s）",
		                    cases_pages__message(&err));
		l = NULL;
	}
	sx_error_clear(&err);
	if (service_officer_staff_list(&officers, req->app->svc, actor, actor->agency_id, NULL,
	                               &paging, &err) < 0) {
		if (l)
			service_list_clear(l);
		return http_respond_error(resp, req, &err);
	}
	buf_init(&kinds, CASES_PAGES_FRAGMENT_MAX);
	buf_init(&procs, CASES_PAGES_FRAGMENT_MAX);
	buf_init(&matters, CASES_PAGES_FRAGMENT_MAX);
	buf_init(&boxes, CASES_PAGES_FRAGMENT_MAX);
	buf_init(&ptypes, CASES_PAGES_FRAGMENT_MAX);
	if ((rc = cases_pages__option(&kinds, "penalty", "行政处罚", f->kind)) == 0 &&
	    (rc = cases_pages__option(&kinds, "inspection", "行政检查", f->kind)) == 0 &&
	    (rc = cases_pages__option(&kinds, "coercion", "行政强制", f->kind)) == 0 &&
	    (rc = cases_pages__option(&procs, "general", "普通程序", f->procedure)) == 0 &&
	    (rc = cases_pages__option(&procs, "simple", "简易程序（当场处罚）", f->procedure)) ==
	            0 &&
	    (rc = cases_pages__option(&ptypes, "organization", "法人或其他组织", f->party_type)) ==
	            0 &&
	    (rc = cases_pages__option(&ptypes, "person", "自然人", f->party_type)) == 0 &&
	    (rc = cases_pages__matter_options(&matters, l, f->matter_code)) == 0 &&
	    (rc = cases_pages__officer_boxes(&boxes, &officers, actor, f)) == 0) {
		struct template_var vars[] = {
		        {"title", "立案"},
		        {"user_name", actor->display_name},
		        {"role_label", account_role_label(actor->role)},
		        {"agency_name", actor->agency_name},
		        {"csrf_token", actor->csrf_token},
		        {"error", error},
		        {"list_error", list_error},
		        {"kind_options", kinds.data},
		        {"procedure_options", procs.data},
		        {"party_type_options", ptypes.data},
		        {"matter_options", matters.data},
		        {"officer_boxes", boxes.data},
		        {"cause", f->cause},
		        {"party_name", f->party_name},
		        {"party_id_code", f->party_id_code},
		        {"party_phone", f->party_phone},
		        {"party_address", f->party_address},
		        {"started_on", f->started_on},
		        {"fine_yuan", f->fine_yuan},
		};

		rc = http_respond_page(resp, req, status, "staff_case_new.html", vars,
		                       sizeof(vars) / sizeof(vars[0]));
	} else {
		sx_error_set(&err, SX_ENOMEM, NULL, NULL);
		rc = http_respond_error(resp, req, &err);
	}
	buf_free(&kinds);
	buf_free(&procs);
	buf_free(&matters);
	buf_free(&boxes);
	buf_free(&ptypes);
	if (l)
		service_list_clear(l);
	service_officer_staff_page_clear(&officers);
	return rc;
}

int page_staff_case_new(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct cases_pages_open_form f;
	int rc = 0;

	if (http_staff_actor(&actor, req, resp, &rc))
		return rc;
	memset(&f, 0, sizeof(f));
	return cases_pages__render_open(req, resp, 200, &actor, &f, NULL);
}

int page_staff_case_create(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct http_form form;
	struct cases_pages_open_form f;
	struct service_case_input in;
	struct service_case *sc;
	struct sx_error err;
	const char *ids[SERVICE_CASE_MAX_OFFICERS];
	const char *location;
	int rc = 0;

	if (cases_pages__form_actor(&actor, &form, req, resp, &rc))
		return rc;
	memset(&f, 0, sizeof(f));
	memset(&in, 0, sizeof(in));
	sx_error_clear(&err);
	f.kind = in.kind = http_form_get(&form, "kind");
	f.procedure = in.procedure = http_form_get(&form, "procedure");
	f.matter_code = in.matter_code = http_form_get(&form, "matter_code");
	f.cause = in.cause = http_form_get(&form, "cause");
	f.party_type = in.party_type = http_form_get(&form, "party_type");
	f.party_name = in.party_name = http_form_get(&form, "party_name");
	f.party_id_code = in.party_id_code = http_form_get(&form, "party_id_code");
	f.party_phone = in.party_phone = http_form_get(&form, "party_phone");
	f.party_address = in.party_address = http_form_get(&form, "party_address");
	f.started_on = in.started_on = http_form_get(&form, "started_on");
	f.fine_yuan = http_form_get(&form, "fine_yuan");
	in.officer_count =
	        cases_pages__form_all(ids, SERVICE_CASE_MAX_OFFICERS, &form, "officer_id");
	in.officer_ids = ids;
	f.officer_ids = ids;
	f.officer_count = in.officer_count;
	if ((sc = pool_calloc(req->pool, 1, sizeof(*sc))) == NULL) {
		sx_error_set(&err, SX_ENOMEM, NULL, NULL);
		return http_respond_error(resp, req, &err);
	}
	if (cases_pages__fen(&in.fine_fen, f.fine_yuan, &err) < 0 ||
	    service_case_open(sc, req->app->svc, &actor, &in, &err) < 0) {
		if (err.rc == SX_ENOMEM || err.rc == SX_EIO || err.rc == SX_EINTERNAL)
			return http_respond_error(resp, req, &err);
		return cases_pages__render_open(req, resp, http_status_for_error(err.rc), &actor,
		                                &f, cases_pages__message(&err));
	}
	location = cases_pages__case_url(req, sc->c.id, NULL, "open", NULL);
	service_case_clear(sc);
	if (location == NULL) {
		sx_error_set(&err, SX_ENOMEM, NULL, NULL);
		return http_respond_error(resp, req, &err);
	}
	return http_respond_redirect(resp, req, location);
}

/* ---- GET /staff/cases/:id ---- */

/* What one rendering of the case page shows besides the file. */
struct cases_pages_case_view {
	const char *view_reason;  /* the 调阅理由 the page was opened with; NULL = none */
	const char *notice;       /* what was done; NULL = nothing */
	const char *error;        /* why a change was refused; NULL = none */
	const char *verify_code;  /* a served record's code, shown once; NULL = none */
	const char *verify_title; /* that record's title and number */
};

static int cases_pages__officers(struct buf *b, const struct service_case *sc)
{
	int rc = buf_append_str(b, "<ul class=\"case-officers\">");

	for (size_t i = 0; i < sc->officer_count && rc == 0; i++) {
		const struct store_case_officer *o = &sc->officers[i];

		rc = html_appendf(b, "<li>%s <small>执法证 %s%r</small></li>", o->officer.name,
		                       o->officer.cert_no,
		                       strcmp(o->role, "lead") == 0 ? "（承办人）" : "");
	}
	return rc ? rc : buf_append_str(b, "</ul>");
}

/* A stored UTC time as Asia/Shanghai wall time ("2026-11-24 15:35:47"); as stored
 * when it is not in the stored form. */
static void cases_pages__local_time(char out[SX_TIME_DISPLAY_LEN], const char *stored)
{
	int64_t us;

	if (sx_time_parse_utc(&us, stored, strlen(stored)) == 0)
		sx_time_format_shanghai(out, us);
	else
		snprintf(out, SX_TIME_DISPLAY_LEN, "%s", stored);
}

static int cases_pages__timeline(struct buf *b, const struct service_case *sc)
{
	int rc = buf_append_str(b, "<ol class=\"timeline\">");

	for (size_t i = 0; i < sc->transition_count && rc == 0; i++) {
		const struct store_case_transition *t = &sc->transitions[i];
		char at[SX_TIME_DISPLAY_LEN];

		cases_pages__local_time(at, t->at);
		rc = html_appendf(b,
		                       "<li><span class=\"stage\">%s</span> <small>%s · %s</small>",
		                       cases_pages__stage_label(t->to_stage), at, t->by_name);
		if (rc == 0 && t->from_stage[0])
			rc = html_appendf(b, "<br><small>自%s转入</small>",
			                       cases_pages__stage_label(t->from_stage));
		if (rc == 0 && t->reason[0])
			rc = html_appendf(b, "<p class=\"text\">理由：%s</p>", t->reason);
		if (rc == 0)
			rc = buf_append_str(b, "</li>\n");
	}
	return rc ? rc : buf_append_str(b, "</ol>");
}

static int cases_pages__reason_arg(struct buf *b, const char *reason, const char *first)
{
	if (cases_pages__empty(reason))
		return 0;
	return html_appendf(b, "%rreason=%u", first, reason);
}

static int cases_pages__records(struct buf *b, const struct service_case *sc, const char *reason)
{
	int rc = 0;

	if (sc->record_count == 0)
		return buf_append_str(b, "<p class=\"hint\">尚未制作文书。</p>");
	rc = buf_append_str(b, "<ul class=\"records\">");
	for (size_t i = 0; i < sc->record_count && rc == 0; i++) {
		const struct store_case_record *r = &sc->records[i];

		rc = html_appendf(b, "<li><a href=\"/api/v1/records/%u/pdf", r->id);
		if (rc == 0)
			rc = cases_pages__reason_arg(b, reason, "?");
		if (rc == 0)
			rc = html_appendf(b, "\">%s</a> %s <small>%s · %s%r</small></li>\n",
			                       r->title, r->doc_no,
			                       cases_pages__stage_label(r->stage), r->made_on,
			                       r->served ? " · 送达文书" : "");
	}
	return rc ? rc : buf_append_str(b, "</ul>");
}

static const char *cases_pages__evidence_kind_label(const char *kind)
{
	static const char *const names[][2] = {
	        {"video", "视频"}, {"audio", "音频"}, {"photo", "照片"}, {"file", "文件"}};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(kind, names[i][0]) == 0)
			return names[i][1];
	return kind;
}

static int cases_pages__evidence(struct buf *b, const struct service_case *sc, const char *reason)
{
	int rc = 0;

	if (sc->evidence_count == 0)
		return buf_append_str(b, "<p class=\"hint\">尚无证据。</p>");
	rc = buf_append_str(b, "<ul class=\"evidence\">");
	for (size_t i = 0; i < sc->evidence_count && rc == 0; i++) {
		const struct store_evidence *e = &sc->evidence[i];
		char size[32];

		snprintf(size, sizeof(size), "%lld", (long long)e->meta.size_bytes);
		rc = html_appendf(b,
		                       "<li><span class=\"tag\">%s</span> %s <small>%s · %s 字节",
		                       cases_pages__evidence_kind_label(e->meta.kind),
		                       e->meta.file_name[0] ? e->meta.file_name : e->id,
		                       cases_pages__stage_label(e->meta.stage), size);
		if (rc == 0 && e->meta.captured_start[0])
			rc = html_appendf(b, " · 拍摄 %s 至 %s", e->meta.captured_start,
			                       e->meta.captured_end);
		if (rc == 0 && e->meta.place[0])
			rc = html_appendf(b, " · %s", e->meta.place);
		if (rc == 0)
			rc = html_appendf(
			        b, "</small><br><code class=\"hash\">SHA-256 %s</code>", e->sha256);
		if (rc == 0 && e->deleted_at[0])
			rc = buf_append_str(b, " <strong>已按保存期限删除</strong>");
		else if (rc == 0) {
			const char *action = strcmp(e->meta.kind, "video") == 0 ||
			                                     strcmp(e->meta.kind, "audio") == 0
			                             ? "播放或下载"
			                             : "下载";

			rc = html_appendf(b, " <a href=\"/api/v1/evidence/%u/content", e->id);
			if (rc == 0)
				rc = cases_pages__reason_arg(b, reason, "?");
			if (rc == 0)
				rc = html_appendf(b, "\">%s</a>", action);
		}
		if (rc == 0)
			rc = buf_append_str(b, "</li>\n");
	}
	return rc ? rc : buf_append_str(b, "</ul>");
}

static int cases_pages__av(struct buf *b, const struct service_case *sc)
{
	int rc = 0;

	if (sc->av_count == 0)
		return buf_append_str(b, "<p class=\"hint\">本执法事项不要求音像记录。</p>");
	rc = buf_append_str(b, "<ul class=\"av\">");
	for (size_t i = 0; i < sc->av_count && rc == 0; i++) {
		const struct service_case_av *a = &sc->av[i];

		rc = html_appendf(
		        b, "<li class=\"%r\">%s（%s环节，%r）：<strong>%r</strong></li>\n",
		        a->met ? "met" : "missing", a->av_name, cases_pages__stage_label(a->stage),
		        a->full_process ? "全过程录像" : "录音或录像",
		        a->exempted ? "已登记免于录制"
		        : a->met    ? "已满足"
		                    : "缺少");
	}
	return rc ? rc : buf_append_str(b, "</ul>");
}

/* The hidden fields every form of the case page carries. */
static int cases_pages__hidden(struct buf *b, const struct service_actor *actor,
                               const char *view_reason)
{
	return html_appendf(b,
	                         "<input type=\"hidden\" name=\"csrf_token\" value=\"%s\">"
	                         "<input type=\"hidden\" name=\"view_reason\" value=\"%s\">",
	                         actor->csrf_token, view_reason ? view_reason : "");
}

/* One form per next stage; a blocked one disabled, with the reason why. */
static int cases_pages__moves(struct buf *b, const struct service_case *sc,
                              const struct service_actor *actor, const char *view_reason)
{
	int rc = 0;

	if (sc->next_count == 0)
		return buf_append_str(b, "<p class=\"hint\">本案已归档，没有后续环节。</p>");
	for (size_t i = 0; i < sc->next_count && rc == 0; i++) {
		const struct service_case_next *n = &sc->next[i];

		rc = html_appendf(b,
		                       "<form method=\"post\" class=\"move%r\" "
		                       "action=\"/staff/cases/%u/move\" data-to=\"%s\">",
		                       n->allowed ? "" : " blocked", sc->c.id, n->stage);
		if (rc == 0)
			rc = cases_pages__hidden(b, actor, view_reason);
		if (rc == 0)
			rc = html_appendf(b,
			                       "<input type=\"hidden\" name=\"to\" value=\"%s\">"
			                       "<input type=\"hidden\" name=\"expected_stage\" "
			                       "value=\"%s\">",
			                       n->stage, sc->c.stage);
		if (rc == 0 && n->needs_reason && n->allowed)
			rc = html_appendf(
			        b, "<label>理由（必填）<textarea name=\"reason\" rows=\"3\" "
			           "maxlength=\"1000\" required></textarea></label>");
		if (rc == 0)
			rc = html_appendf(b, "<button type=\"submit\"%r>%s → %s</button>",
			                       n->allowed ? "" : " disabled aria-disabled=\"true\"",
			                       cases_pages__stage_label(sc->c.stage), n->label);
		if (rc == 0 && n->needs_agency_head && n->allowed)
			rc = buf_append_str(b, "<small class=\"hint\">须由机关负责人决定</small>");
		if (rc == 0 && !n->allowed)
			rc = html_appendf(b, "<p class=\"blocked-reason\">%s</p>",
			                       n->blocked_message);
		if (rc == 0)
			rc = buf_append_str(b, "</form>\n");
	}
	return rc;
}

/* The templates that may be made in the case's current stage and kind. */
static int cases_pages__template_options(struct buf *b, const struct doctemplates *reg,
                                         const struct service_case *sc, size_t *count)
{
	enum doctemplate_kind kind;
	int rc = 0;

	*count = 0;
	if (!reg || doctemplate_kind_from_name(&kind, sc->c.kind) < 0)
		return 0;
	for (size_t i = 0; i < doctemplates_count(reg) && rc == 0; i++) {
		const struct doctemplate *t = doctemplates_at(reg, i);

		if (!doctemplate_allows_stage(t, sc->c.stage) || !doctemplate_allows_kind(t, kind))
			continue;
		rc = cases_pages__option(b, t->code, t->title, NULL);
		(*count)++;
	}
	return rc;
}

/* Stages the case has been in (evidence belongs to one), the current one selected. */
static int cases_pages__visited_stage_options(struct buf *b, const struct service_case *sc)
{
	int rc = cases_pages__option(b, sc->c.stage, cases_pages__stage_label(sc->c.stage),
	                             sc->c.stage);

	for (size_t i = sc->transition_count; i > 0 && rc == 0; i--) {
		const char *st = sc->transitions[i - 1].to_stage;
		bool seen = strcmp(st, sc->c.stage) == 0;

		for (size_t k = i; k < sc->transition_count && !seen; k++)
			seen = strcmp(sc->transitions[k].to_stage, st) == 0;
		if (!seen)
			rc = cases_pages__option(b, st, cases_pages__stage_label(st), NULL);
	}
	return rc;
}

/* The agency head's stage exemption: the requirements not yet met. */
static int cases_pages__exempt_options(struct buf *b, const struct service_case *sc, size_t *count)
{
	int rc = 0;

	*count = 0;
	for (size_t i = 0; i < sc->av_count && rc == 0; i++) {
		if (sc->av[i].met || sc->av[i].exempted)
			continue;
		rc = html_appendf(b, "<option value=\"%s\">%s（%s）</option>", sc->av[i].stage,
		                       cases_pages__stage_label(sc->av[i].stage),
		                       sc->av[i].av_name);
		(*count)++;
	}
	return rc;
}

static int cases_pages__deadline(struct buf *b, const struct service_case *sc)
{
	char days[24];

	if (sc->c.decided_on[0])
		return html_appendf(b, "已于 %s 作出决定", sc->c.decided_on);
	if (!sc->has_deadline)
		return buf_append_str(b, "无法定办案期限");
	if (sc->overdue) {
		snprintf(days, sizeof(days), "%d", sc->days_left < 0 ? -sc->days_left : 0);
		return html_appendf(b, "%s <strong class=\"overdue\">已超期 %s 天</strong>",
		                         sc->c.due_on, days);
	}
	snprintf(days, sizeof(days), "%d", sc->days_left);
	return html_appendf(b, "%s <span class=\"%r\">（剩余 %s 天）</span>", sc->c.due_on,
	                         sc->days_left <= 7 ? "overdue" : "days-left", days);
}

static int cases_pages__render_case(struct http_request *req, struct http_response *resp,
                                    int status, const struct service_actor *actor,
                                    const struct service_case *sc,
                                    const struct cases_pages_case_view *v)
{
	struct buf deadline, officers, timeline, records, evidence, av, moves, templates, stages,
	        exempt, hidden, review;
	struct sx_error err;
	size_t template_count = 0, exempt_count = 0;
	bool head = actor->role == ACCOUNT_ROLE_AGENCY_HEAD;
	bool open = strcmp(sc->c.stage, "closed") != 0 && strcmp(sc->c.stage, "archived") != 0;
	int rc;

	buf_init(&deadline, CASES_PAGES_FRAGMENT_MAX);
	buf_init(&officers, CASES_PAGES_FRAGMENT_MAX);
	buf_init(&timeline, CASES_PAGES_FRAGMENT_MAX);
	buf_init(&records, CASES_PAGES_FRAGMENT_MAX);
	buf_init(&evidence, CASES_PAGES_FRAGMENT_MAX);
	buf_init(&av, CASES_PAGES_FRAGMENT_MAX);
	buf_init(&moves, CASES_PAGES_FRAGMENT_MAX);
	buf_init(&templates, CASES_PAGES_FRAGMENT_MAX);
	buf_init(&stages, CASES_PAGES_FRAGMENT_MAX);
	buf_init(&exempt, CASES_PAGES_FRAGMENT_MAX);
	buf_init(&hidden, CASES_PAGES_FRAGMENT_MAX);
	buf_init(&review, CASES_PAGES_FRAGMENT_MAX);
	if ((rc = cases_pages__deadline(&deadline, sc)) == 0 &&
	    (rc = cases_pages__officers(&officers, sc)) == 0 &&
	    (rc = cases_pages__timeline(&timeline, sc)) == 0 &&
	    (rc = cases_pages__records(&records, sc, v->view_reason)) == 0 &&
	    (rc = cases_pages__evidence(&evidence, sc, v->view_reason)) == 0 &&
	    (rc = cases_pages__av(&av, sc)) == 0 &&
	    (rc = cases_pages__moves(&moves, sc, actor, v->view_reason)) == 0 &&
	    (rc = cases_pages__template_options(&templates, req->app->svc->templates, sc,
	                                        &template_count)) == 0 &&
	    (rc = cases_pages__visited_stage_options(&stages, sc)) == 0 &&
	    (rc = cases_pages__exempt_options(&exempt, sc, &exempt_count)) == 0 &&
	    (rc = cases_pages__hidden(&hidden, actor, v->view_reason)) == 0 &&
	    (rc = reviews_pages_case_section(&review, actor, sc->c.id, sc->c.stage,
	                                     sc->actor_on_case, &sc->review, v->view_reason)) == 0) {
		struct template_var vars[] = {
		        {"title", sc->c.case_no},
		        {"user_name", actor->display_name},
		        {"role_label", account_role_label(actor->role)},
		        {"agency_name", actor->agency_name},
		        {"csrf_token", actor->csrf_token},
		        {"case_id", sc->c.id},
		        {"case_no", sc->c.case_no},
		        {"stage", sc->c.stage},
		        {"stage_label", cases_pages__stage_label(sc->c.stage)},
		        {"kind_label", cases_pages__kind_label(sc->c.kind)},
		        {"procedure_label", cases_pages__procedure_label(sc->c.procedure)},
		        {"case_agency_name", sc->agency_name},
		        {"matter_name", sc->c.matter_name},
		        {"matter_code", sc->c.matter_code},
		        {"major", sc->c.major ? "1" : ""},
		        {"cause", sc->c.cause},
		        {"party_name", sc->c.party_name},
		        {"party_id_code", sc->c.party_id_code},
		        {"party_phone", sc->c.party_phone},
		        {"party_address", sc->c.party_address},
		        {"started_on", sc->c.started_on},
		        {"overdue", sc->overdue ? "1" : ""},
		        {"deadline", deadline.data},
		        {"hearing_requested", sc->c.hearing_requested ? "1" : ""},
		        {"officers", officers.data},
		        {"timeline", timeline.data},
		        {"records", records.data},
		        {"evidence", evidence.data},
		        {"av", av.data},
		        {"moves", moves.data},
		        {"review_section", review.data},
		        {"template_options", template_count ? templates.data : ""},
		        {"stage_options", stages.data},
		        {"hidden", hidden.data},
		        {"view_reason", v->view_reason},
		        {"open", open ? "1" : ""},
		        {"may_hearing",
		         open && strcmp(sc->c.stage, "notice") == 0 && !sc->c.hearing_requested
		                 ? "1"
		                 : ""},
		        {"may_exempt", head && open && exempt_count ? "1" : ""},
		        {"exempt_options", exempt.data},
		        {"may_extend",
		         head && open && sc->has_deadline && !sc->c.decided_on[0] ? "1" : ""},
		        {"notice", v->notice},
		        {"error", v->error},
		        {"verify_code", v->verify_code},
		        {"verify_title", v->verify_title},
		};

		rc = http_respond_page(resp, req, status, "staff_case.html", vars,
		                       sizeof(vars) / sizeof(vars[0]));
	} else {
		sx_error_clear(&err);
		sx_error_set(&err, SX_ENOMEM, NULL, NULL);
		rc = http_respond_error(resp, req, &err);
	}
	buf_free(&deadline);
	buf_free(&officers);
	buf_free(&timeline);
	buf_free(&records);
	buf_free(&evidence);
	buf_free(&av);
	buf_free(&moves);
	buf_free(&templates);
	buf_free(&stages);
	buf_free(&exempt);
	buf_free(&hidden);
	buf_free(&review);
	return rc;
}

static const char *cases_pages__done_notice(const char *done)
{
	static const char *const notices[][2] = {
	        {"open", "已立案。"},
	        {"move", "已转入下一环节。"},
	        {"exempt", "已登记免于音像记录的理由。"},
	        {"extend", "已延长办案期限。"},
	        {"hearing", "已登记当事人的听证申请。"},
	        {"record", "文书已制作。"},
	        {"draft", "决定草案已保存。"},
	        {"discussion", "集体讨论记录已保存。"},
	};

	for (size_t i = 0; done && i < sizeof(notices) / sizeof(notices[0]); i++)
		if (strcmp(done, notices[i][0]) == 0)
			return notices[i][1];
	return NULL;
}

/* The 调阅 form: a staff member not on the case names the reason first. */
static int cases_pages__ask_reason(struct http_request *req, struct http_response *resp,
                                   const struct service_actor *actor, const char *case_id,
                                   const char *error)
{
	struct template_var vars[] = {
	        {"title", "调阅案卷"},
	        {"user_name", actor->display_name},
	        {"role_label", account_role_label(actor->role)},
	        {"agency_name", actor->agency_name},
	        {"case_id", case_id},
	        {"error", error},
	};

	return http_respond_page(resp, req, 200, "staff_case_reason.html", vars,
	                         sizeof(vars) / sizeof(vars[0]));
}

/* Shows the case again (after a change or a refusal) with v's notice or error. */
static int cases_pages__show(struct http_request *req, struct http_response *resp, int status,
                             const struct service_actor *actor, const char *case_id,
                             const struct cases_pages_case_view *v)
{
	struct service_case *sc = NULL;
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	if (cases_pages__get_case(&sc, req, actor, case_id, v->view_reason, &err) < 0) {
		if (strcmp(err.code, "reason_required") == 0)
			return cases_pages__ask_reason(req, resp, actor, case_id, NULL);
		return http_respond_error(resp, req, &err);
	}
	rc = cases_pages__render_case(req, resp, status, actor, sc, v);
	service_case_clear(sc);
	return rc;
}

int page_staff_case(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct cases_pages_case_view v;
	const char *case_id = http_request_param(req, "id");
	int rc = 0;

	if (http_staff_actor(&actor, req, resp, &rc))
		return rc;
	memset(&v, 0, sizeof(v));
	v.view_reason = http_request_query(req, "reason");
	v.notice = cases_pages__done_notice(http_request_query(req, "done"));
	if (v.view_reason && v.view_reason[0] == '\0')
		return cases_pages__ask_reason(
		        req, resp, &actor, case_id,
		        "请填写调阅理由：调阅记录将载明调阅人、时间和理由。");
	return cases_pages__show(req, resp, 200, &actor, case_id, &v);
}

/* ---- the changes: move, exemption, extension, hearing ---- */

typedef int (*cases_pages_change_fn)(struct service_case *out, struct http_request *req,
                                     const struct service_actor *actor,
                                     const struct http_form *form, struct sx_error *err);

static int cases_pages__change(struct http_request *req, struct http_response *resp,
                               const char *done, cases_pages_change_fn fn)
{
	struct service_actor actor;
	struct http_form form;
	struct service_case *sc;
	struct cases_pages_case_view v;
	struct sx_error err;
	const char *case_id = http_request_param(req, "id");
	const char *location;
	int rc = 0;

	if (cases_pages__form_actor(&actor, &form, req, resp, &rc))
		return rc;
	memset(&v, 0, sizeof(v));
	sx_error_clear(&err);
	v.view_reason = http_form_get(&form, "view_reason");
	if ((sc = pool_calloc(req->pool, 1, sizeof(*sc))) == NULL) {
		sx_error_set(&err, SX_ENOMEM, NULL, NULL);
		return http_respond_error(resp, req, &err);
	}
	if (fn(sc, req, &actor, &form, &err) < 0) {
		/* Refusals the officer can act on are shown on the case page. */
		if (err.rc == SX_ENOMEM || err.rc == SX_EIO || err.rc == SX_EINTERNAL ||
		    strcmp(err.code, "case_not_found") == 0)
			return http_respond_error(resp, req, &err);
		v.error = cases_pages__message(&err);
		return cases_pages__show(req, resp, http_status_for_error(err.rc), &actor, case_id,
		                         &v);
	}
	service_case_clear(sc);
	if ((location = cases_pages__case_url(req, case_id, NULL, done, v.view_reason)) == NULL) {
		sx_error_set(&err, SX_ENOMEM, NULL, NULL);
		return http_respond_error(resp, req, &err);
	}
	return http_respond_redirect(resp, req, location);
}

static int cases_pages__move(struct service_case *out, struct http_request *req,
                             const struct service_actor *actor, const struct http_form *form,
                             struct sx_error *err)
{
	const char *expected = http_form_get(form, "expected_stage");

	return service_case_move(out, req->app->svc, actor, http_request_param(req, "id"),
	                         cases_pages__empty(expected) ? NULL : expected,
	                         http_form_get(form, "to"), http_form_get(form, "reason"), err);
}

int page_staff_case_move(struct http_request *req, struct http_response *resp)
{
	return cases_pages__change(req, resp, "move", cases_pages__move);
}

static int cases_pages__exempt(struct service_case *out, struct http_request *req,
                               const struct service_actor *actor, const struct http_form *form,
                               struct sx_error *err)
{
	return service_case_exempt_recording(
	        out, req->app->svc, actor, http_request_param(req, "id"),
	        http_form_get(form, "stage"), http_form_get(form, "reason"), err);
}

int page_staff_case_exempt(struct http_request *req, struct http_response *resp)
{
	return cases_pages__change(req, resp, "exempt", cases_pages__exempt);
}

static int cases_pages__extend(struct service_case *out, struct http_request *req,
                               const struct service_actor *actor, const struct http_form *form,
                               struct sx_error *err)
{
	int64_t days = 0;

	if (html_number_arg(&days, http_form_get(form, "days"), 0, "bad_extension",
	                    "延长天数应为 1 到 3650 的整数", err) < 0)
		return err->rc;
	if (days < 1 || days > CASEFILE_MAX_DAYS)
		return sx_error_set(err, SX_EINVALID, "bad_extension",
		                    "延长天数应为 1 到 3650 的整数");
	return service_case_extend(out, req->app->svc, actor, http_request_param(req, "id"),
	                           (int)days, http_form_get(form, "reason"), err);
}

int page_staff_case_extend(struct http_request *req, struct http_response *resp)
{
	return cases_pages__change(req, resp, "extend", cases_pages__extend);
}

static int cases_pages__hearing(struct service_case *out, struct http_request *req,
                                const struct service_actor *actor, const struct http_form *form,
                                struct sx_error *err)
{
	return service_case_request_hearing(out, req->app->svc, actor,
	                                    http_request_param(req, "id"),
	                                    http_form_get(form, "reason"), err);
}

int page_staff_case_hearing(struct http_request *req, struct http_response *resp)
{
	return cases_pages__change(req, resp, "hearing", cases_pages__hearing);
}

/* ---- records ---- */

/* The form values of a record shown again after a refusal. */
struct cases_pages_record_form {
	const struct http_form *form; /* NULL = a new, empty form */
	const char *made_on;
};

static const char *cases_pages__field_value(const struct cases_pages_record_form *f,
                                            const char *name, char *key, size_t key_size)
{
	if (!f->form)
		return NULL;
	snprintf(key, key_size, "f_%s", name);
	return http_form_get(f->form, key);
}

static int cases_pages__field(struct buf *b, const struct doctemplate_field *fd, const char *value)
{
	const char *req_mark =
	        fd->required ? " <span class=\"req\" aria-label=\"必填\">*</span>" : "";
	const char *req_attr = fd->required ? " required" : "";
	char max[16];
	int rc;

	snprintf(max, sizeof(max), "%d",
	         fd->max_chars > 0                  ? fd->max_chars
	         : fd->type == DOCTEMPLATE_TEXTAREA ? DOCTEMPLATE_TEXTAREA_DEFAULT_CHARS
	                                            : DOCTEMPLATE_TEXT_DEFAULT_CHARS);
	rc = html_appendf(b, "<label>%s%r%r", fd->label,
	                       fd->type == DOCTEMPLATE_MONEY ? "（元）" : "", req_mark);
	if (rc < 0)
		return rc;
	switch (fd->type) {
	case DOCTEMPLATE_TEXTAREA:
		rc = html_appendf(b,
		                       "<textarea name=\"f_%s\" rows=\"5\" maxlength=\"%s\"%r>%s"
		                       "</textarea>",
		                       fd->name, max, req_attr, value);
		break;
	case DOCTEMPLATE_DATE:
		rc = html_appendf(b, "<input type=\"date\" name=\"f_%s\" value=\"%s\"%r>",
		                       fd->name, value, req_attr);
		break;
	case DOCTEMPLATE_DATETIME:
		rc = html_appendf(
		        b, "<input type=\"datetime-local\" name=\"f_%s\" value=\"%s\"%r>", fd->name,
		        value, req_attr);
		break;
	case DOCTEMPLATE_MONEY:
		rc = html_appendf(b,
		                       "<input type=\"text\" inputmode=\"decimal\" name=\"f_%s\" "
		                       "value=\"%s\" pattern=\"[0-9]+([.][0-9]{1,2})?\"%r>",
		                       fd->name, value, req_attr);
		break;
	case DOCTEMPLATE_NUMBER:
		rc = html_appendf(b,
		                       "<input type=\"number\" min=\"0\" step=\"1\" name=\"f_%s\" "
		                       "value=\"%s\"%r>",
		                       fd->name, value, req_attr);
		break;
	case DOCTEMPLATE_CHOICE:
		rc = html_appendf(b,
		                       "<select name=\"f_%s\"%r><option value=\"\">请选择</option>",
		                       fd->name, req_attr);
		for (size_t i = 0; i < fd->choice_count && rc == 0; i++)
			rc = cases_pages__option(b, fd->choices[i], fd->choices[i], value);
		if (rc == 0)
			rc = buf_append_str(b, "</select>");
		break;
	default:
		rc = html_appendf(b,
		                       "<input type=\"text\" name=\"f_%s\" value=\"%s\" "
		                       "maxlength=\"%s\"%r>",
		                       fd->name, value, max, req_attr);
		break;
	}
	if (rc == 0 && fd->help[0])
		rc = html_appendf(b, "<small class=\"hint\">%s</small>", fd->help);
	return rc ? rc : buf_append_str(b, "</label>\n");
}

/* Officers present at a field act: the case's officers (checked), then the
 * agency's others (unchecked), or those the form had checked. */
static int cases_pages__act_officers(struct buf *b, struct http_request *req,
                                     const struct service_actor *actor,
                                     const struct service_case *sc,
                                     const struct cases_pages_record_form *f)
{
	struct service_officer_staff_page others;
	struct service_paging paging = {1, SERVICE_OFFICER_PAGE_SIZE_MAX};
	struct sx_error err;
	const char *checked[SERVICE_CASE_MAX_OFFICERS];
	size_t checked_count = 0;
	int rc = 0;

	memset(&others, 0, sizeof(others));
	if (f->form)
		checked_count = cases_pages__form_all(checked, SERVICE_CASE_MAX_OFFICERS, f->form,
		                                      "officer_id");
	for (size_t i = 0; i < sc->officer_count && rc == 0; i++) {
		const struct store_case_officer *o = &sc->officers[i];
		bool on = f->form ? cases_pages__in(checked, checked_count, o->officer_id) : true;

		rc = html_appendf(b,
		                       "<label class=\"check\"><input type=\"checkbox\" "
		                       "name=\"officer_id\" value=\"%s\"%r> %s <small>执法证 %s"
		                       "</small></label>\n",
		                       o->officer_id, on ? " checked" : "", o->officer.name,
		                       o->officer.cert_no);
	}
	/* Others of the agency may have been present too; without the register
	 * (a role that may not list it) the case's officers are enough. */
	sx_error_clear(&err);
	if (rc == 0 && service_officer_staff_list(&others, req->app->svc, actor, sc->c.agency_id,
	                                          NULL, &paging, &err) == 0) {
		for (size_t i = 0; i < others.count && rc == 0; i++) {
			const struct service_officer *o = &others.items[i];
			bool on_case = false;

			for (size_t k = 0; k < sc->officer_count && !on_case; k++)
				on_case = strcmp(sc->officers[k].officer_id, o->id) == 0;
			if (on_case || strcmp(o->status, "active") != 0)
				continue;
			rc = html_appendf(
			        b,
			        "<label class=\"check\"><input type=\"checkbox\" "
			        "name=\"officer_id\" value=\"%s\"%r> %s <small>执法证 "
			        "%s</small></label>\n",
			        o->id,
			        cases_pages__in(checked, checked_count, o->id) ? " checked" : "",
			        o->name, o->cert_no);
		}
	}
	service_officer_staff_page_clear(&others);
	return rc;
}

static int cases_pages__render_record(struct http_request *req, struct http_response *resp,
                                      int status, const struct service_actor *actor,
                                      const struct service_case *sc, const struct doctemplate *t,
                                      const char *view_reason,
                                      const struct cases_pages_record_form *f, const char *error)
{
	struct buf fields, officers, hidden;
	struct sx_error err;
	char key[DOCTEMPLATE_CODE_SIZE + 4];
	int rc = 0;

	buf_init(&fields, CASES_PAGES_FRAGMENT_MAX);
	buf_init(&officers, CASES_PAGES_FRAGMENT_MAX);
	buf_init(&hidden, CASES_PAGES_FRAGMENT_MAX);
	for (size_t i = 0; i < t->field_count && rc == 0; i++) {
		if (doctemplate_field_type_is_system(t->fields[i].type))
			continue;
		rc = cases_pages__field(
		        &fields, &t->fields[i],
		        cases_pages__field_value(f, t->fields[i].name, key, sizeof(key)));
	}
	if (rc == 0 && t->field_act[0])
		rc = cases_pages__act_officers(&officers, req, actor, sc, f);
	if (rc == 0)
		rc = cases_pages__hidden(&hidden, actor, view_reason);
	if (rc == 0) {
		struct template_var vars[] = {
		        {"title", t->title},
		        {"user_name", actor->display_name},
		        {"role_label", account_role_label(actor->role)},
		        {"agency_name", actor->agency_name},
		        {"case_id", sc->c.id},
		        {"case_url", cases_pages__case_url(req, sc->c.id, NULL, NULL, view_reason)},
		        {"case_no", sc->c.case_no},
		        {"stage_label", cases_pages__stage_label(sc->c.stage)},
		        {"template", t->code},
		        {"template_title", t->title},
		        {"numbered", t->doc_word[0] ? "1" : ""},
		        {"served", t->served ? "1" : ""},
		        {"field_act", t->field_act[0] ? "1" : ""},
		        {"fields", fields.data},
		        {"officers", officers.data},
		        {"hidden", hidden.data},
		        {"view_reason", view_reason},
		        {"made_on", f->made_on},
		        {"error", error},
		};

		rc = http_respond_page(resp, req, status, "staff_record_new.html", vars,
		                       sizeof(vars) / sizeof(vars[0]));
	} else {
		sx_error_clear(&err);
		sx_error_set(&err, SX_ENOMEM, NULL, NULL);
		rc = http_respond_error(resp, req, &err);
	}
	buf_free(&fields);
	buf_free(&officers);
	buf_free(&hidden);
	return rc;
}

static const struct doctemplate *cases_pages__template(struct http_request *req, const char *code,
                                                       struct sx_error *err)
{
	const struct doctemplate *t = doctemplates_find(req->app->svc->templates, code);

	if (!t)
		sx_error_set(err, SX_ENOTFOUND, "template_not_found", "文书模板不存在");
	return t;
}

int page_staff_record_new(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_case *sc = NULL;
	struct cases_pages_record_form f;
	const struct doctemplate *t;
	struct sx_error err;
	const char *case_id = http_request_param(req, "id");
	const char *reason = http_request_query(req, "reason");
	int rc = 0;

	if (http_staff_actor(&actor, req, resp, &rc))
		return rc;
	memset(&f, 0, sizeof(f));
	sx_error_clear(&err);
	if ((t = cases_pages__template(req, http_request_query(req, "template"), &err)) == NULL)
		return http_respond_error(resp, req, &err);
	if (cases_pages__get_case(&sc, req, &actor, case_id, reason, &err) < 0) {
		if (strcmp(err.code, "reason_required") == 0)
			return cases_pages__ask_reason(req, resp, &actor, case_id, NULL);
		return http_respond_error(resp, req, &err);
	}
	rc = cases_pages__render_record(req, resp, 200, &actor, sc, t, reason, &f, NULL);
	service_case_clear(sc);
	return rc;
}

/* The template's values from the form's f_<name> fields (non-empty ones). */
static int cases_pages__values_json(char **out, const struct doctemplate *t,
                                    const struct http_form *form, struct sx_error *err)
{
	struct doctemplate_values v;
	char key[DOCTEMPLATE_CODE_SIZE + 4];
	int rc = 0;

	memset(&v, 0, sizeof(v));
	*out = NULL;
	for (size_t i = 0; i < t->field_count && rc == 0; i++) {
		const char *value;

		snprintf(key, sizeof(key), "f_%s", t->fields[i].name);
		value = http_form_get(form, key);
		if (!cases_pages__empty(value) &&
		    (rc = doctemplate_values_set(&v, t->fields[i].name, value)) < 0)
			rc = sx_error_set(err, rc, NULL, NULL);
	}
	if (rc == 0)
		rc = doctemplates_values_to_json(out, &v, err);
	doctemplate_values_clear(&v);
	return rc;
}

int page_staff_record_create(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct http_form form;
	struct service_record rec;
	struct service_record_input in;
	struct cases_pages_record_form f;
	struct cases_pages_case_view v;
	const struct doctemplate *t;
	struct sx_error err;
	const char *case_id = http_request_param(req, "id");
	const char *ids[SERVICE_CASE_MAX_OFFICERS];
	char *values = NULL;
	int rc = 0;

	if (cases_pages__form_actor(&actor, &form, req, resp, &rc))
		return rc;
	memset(&rec, 0, sizeof(rec));
	memset(&in, 0, sizeof(in));
	memset(&v, 0, sizeof(v));
	sx_error_clear(&err);
	v.view_reason = http_form_get(&form, "view_reason");
	if ((t = cases_pages__template(req, http_form_get(&form, "template"), &err)) == NULL)
		return http_respond_error(resp, req, &err);
	if (cases_pages__values_json(&values, t, &form, &err) < 0)
		goto refused;
	in.template_code = t->code;
	in.values_json = values;
	in.values_len = strlen(values);
	in.made_on = http_form_get(&form, "made_on");
	if (t->field_act[0]) {
		in.officer_count =
		        cases_pages__form_all(ids, SERVICE_CASE_MAX_OFFICERS, &form, "officer_id");
		in.officer_ids = ids;
	}
	if (service_record_make(&rec, req->app->svc, &actor, case_id, &in, &err) < 0)
		goto refused;
	sx_free(values);
	values = NULL;
	if (rec.verify_code[0] == '\0') {
		const char *location =
		        cases_pages__case_url(req, case_id, NULL, "record", v.view_reason);

		service_record_clear(&rec);
		if (location == NULL) {
			sx_error_set(&err, SX_ENOMEM, NULL, NULL);
			return http_respond_error(resp, req, &err);
		}
		return http_respond_redirect(resp, req, location);
	}
	/* A served record: its code is shown on this answer only, never in a URL. */
	v.verify_code = pool_strdup(req->pool, rec.verify_code);
	v.verify_title = pool_printf(req->pool, "%s%s%s", rec.r.title, rec.r.doc_no[0] ? " " : "",
	                             rec.r.doc_no);
	v.notice = cases_pages__done_notice("record");
	service_record_clear(&rec);
	if (!v.verify_code || !v.verify_title) {
		sx_error_set(&err, SX_ENOMEM, NULL, NULL);
		return http_respond_error(resp, req, &err);
	}
	return cases_pages__show(req, resp, 200, &actor, case_id, &v);

refused:
	sx_free(values);
	if (err.rc == SX_ENOMEM || err.rc == SX_EIO || err.rc == SX_EINTERNAL ||
	    strcmp(err.code, "case_not_found") == 0)
		return http_respond_error(resp, req, &err);
	{
		struct service_case *sc = NULL;
		struct sx_error err2;
		const char *message = cases_pages__message(&err);
		int status = http_status_for_error(err.rc);

		sx_error_clear(&err2);
		if (cases_pages__get_case(&sc, req, &actor, case_id, v.view_reason, &err2) < 0)
			return http_respond_error(resp, req, &err);
		f.form = &form;
		f.made_on = in.made_on;
		rc = cases_pages__render_record(req, resp, status, &actor, sc, t, v.view_reason, &f,
		                                message);
		service_case_clear(sc);
		return rc;
	}
}
