/*
 * http/reviews_pages — the pages of 重大执法决定法制审核 (docs/reviews.md): the
 * public catalog of major decisions (重大执法决定法制审核目录清单), the staff
 * review queue, one review with the ten-point checklist and the forms of each
 * step, the draft decision form (the 行政处罚决定书's fields), the submission,
 * the 集体讨论 record, and the 法制审核 section of the case page. Routes in
 * reviews_handlers.h.
 *
 * Invariants:
 *   - every handler calls the same service function as the JSON API
 *     (service/reviews.h); whether something is allowed is the service's
 *     business. A form is shown only when the service's may_* flag says the
 *     actor may use it (no dead buttons); the service checks again anyway.
 *   - every value shown is HTML-escaped: by {{x}} in the templates, by
 *     html_appendf's %s in the fragments built here; %r appends only
 *     fragments built in this file.
 *   - every form carries csrf_token, checked with service_check_csrf before
 *     anything is done; changes answer 303 (POST/redirect/GET); a refused
 *     change shows the page again with the service's message in Chinese and
 *     the status of its code (the checklist keeps what was filled in).
 *   - 调阅: reading a review shows the draft, which is case-file content; a
 *     staff member not on the case names the 调阅理由 first (as on the case
 *     page), and the reason travels in ?reason= and the hidden view_reason.
 *   - money is read in 元 with at most two decimals and converted to 分 with
 *     integer arithmetic only; shown again as 元 the same way.
 *   - no inline script (the CSP forbids it): the pages work without JavaScript.
 *
 * Law: 《行政处罚法》第五十八条 (法制审核; 未经法制审核或者审核未通过的，不得作出
 * 决定), 第五十七条第二款 (集体讨论), 国办发〔2018〕118号 四 (审核内容、目录清单、
 * 审核人员不少于执法人员的5%).
 */
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "domain/casefile.h"
#include "domain/doctemplate.h"
#include "domain/majorcat.h"
#include "domain/review.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/reviews_handlers.h"
#include "http/template.h"
#include "service/auth.h"
#include "service/cases.h"
#include "service/doctemplates.h"
#include "service/reviews.h"

#define REVIEWS_PAGES_FRAGMENT_MAX (1u << 20)
#define REVIEWS_PAGES_PER_PAGE 20
#define REVIEWS_PAGES_MAX_YUAN_DIGITS                                                              \
	12 /* 元 before the point: 1 万亿元 has 13, the cap is lower */
#define REVIEWS_PAGES_DECISION_TEMPLATE "penalty_decision" /* 行政处罚决定书 */

/* ---- small helpers ---- */

static bool reviews_pages__empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

static const char *reviews_pages__message(const struct sx_error *err)
{
	return err->message[0] ? err->message : sx_errno_message(err->rc);
}

/* Errors a page cannot help with: shown as the error page. */
static bool reviews_pages__fatal(const struct sx_error *err)
{
	return err->rc == SX_ENOMEM || err->rc == SX_EIO || err->rc == SX_EINTERNAL ||
	       strcmp(err->code, "review_not_found") == 0 ||
	       strcmp(err->code, "case_not_found") == 0;
}

/* The actor of a form POST: the session, the form and its csrf_token. 1 when an answer
 * was already made. */
static int reviews_pages__form_actor(struct service_actor *actor, struct http_form *form,
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

static int reviews_pages__nomem(struct http_response *resp, struct http_request *req)
{
	struct sx_error err;

	sx_error_clear(&err);
	sx_error_set(&err, SX_ENOMEM, NULL, NULL);
	return http_respond_error(resp, req, &err);
}

/* A stored UTC time as Asia/Shanghai wall time; as stored when not in the stored form. */
static void reviews_pages__local_time(char out[SX_TIME_DISPLAY_LEN], const char *stored)
{
	int64_t us;

	if (stored && stored[0] && sx_time_parse_utc(&us, stored, strlen(stored)) == 0)
		sx_time_format_shanghai(out, us);
	else
		snprintf(out, SX_TIME_DISPLAY_LEN, "%s", stored ? stored : "");
}

/* <base>[?done=…][&reason=…] in pool memory; NULL on ENOMEM. */
static const char *reviews_pages__url(struct http_request *req, const char *base, const char *done,
                                      const char *reason)
{
	struct buf b;
	const char *out = NULL;
	char sep = '?';

	buf_init(&b, 8192);
	if (buf_append_str(&b, base) < 0)
		goto done;
	if (!reviews_pages__empty(done)) {
		if (html_appendf(&b, "?done=%u", done) < 0)
			goto done;
		sep = '&';
	}
	if (!reviews_pages__empty(reason) &&
	    (buf_append_char(&b, sep) < 0 || html_appendf(&b, "reason=%u", reason) < 0))
		goto done;
	out = pool_strdup(req->pool, b.data ? b.data : "");
done:
	buf_free(&b);
	return out;
}

static const char *reviews_pages__review_url(struct http_request *req, const char *review_id,
                                             const char *done, const char *reason)
{
	const char *base = pool_printf(req->pool, "/staff/reviews/%s", review_id);

	return base ? reviews_pages__url(req, base, done, reason) : NULL;
}

static const char *reviews_pages__case_url(struct http_request *req, const char *case_id,
                                           const char *done, const char *reason)
{
	const char *base = pool_printf(req->pool, "/staff/cases/%s", case_id);

	return base ? reviews_pages__url(req, base, done, reason) : NULL;
}

/* The hidden fields every staff form carries. */
static int reviews_pages__hidden(struct buf *b, const struct service_actor *actor,
                                 const char *view_reason)
{
	return html_appendf(b,
	                    "<input type=\"hidden\" name=\"csrf_token\" value=\"%s\">"
	                    "<input type=\"hidden\" name=\"view_reason\" value=\"%s\">",
	                    actor->csrf_token, view_reason ? view_reason : "");
}

/* Reads 元 ("200", "150.5", "0.05") as 分 without floating point; empty text is 0. */
static int reviews_pages__fen(int64_t *out, const char *text, const char *what,
                              struct sx_error *err)
{
	int64_t fen = 0;
	int digits = 0, decimals = -1;
	char message[256];

	*out = 0;
	if (reviews_pages__empty(text))
		return 0;
	snprintf(message, sizeof(message), "%s应为以元为单位的金额，最多两位小数，如 200 或 150.50",
	         what);
	for (const char *p = text; *p; p++) {
		if (*p == '.' && decimals < 0 && digits > 0) {
			decimals = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || digits >= REVIEWS_PAGES_MAX_YUAN_DIGITS ||
		    decimals >= 2)
			return sx_error_set(err, SX_EINVALID, "bad_amount", message);
		fen = fen * 10 + (*p - '0');
		if (decimals >= 0)
			decimals++;
		else
			digits++;
	}
	if (digits == 0)
		return sx_error_set(err, SX_EINVALID, "bad_amount", message);
	for (int k = decimals < 0 ? 0 : decimals; k < 2; k++)
		fen *= 10;
	*out = fen;
	return 0;
}

/* 分 as 元 text: "1234.50"; "" for 0 when blank_zero. */
static void reviews_pages__yuan(char *out, size_t size, int64_t fen, bool blank_zero)
{
	if (fen <= 0 && blank_zero)
		out[0] = '\0';
	else
		snprintf(out, size, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
}

const char *reviews_status_label(const char *status)
{
	static const char *const labels[][2] = {
	        {"pre_review", "待科室初审"},
	        {"returned", "已退回"},
	        {"accepted", "审核中"},
	        {"concluded", "已审结"},
	};

	for (size_t i = 0; status && i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(status, labels[i][0]) == 0)
			return labels[i][1];
	return status ? status : "";
}

static const char *reviews_pages__conclusion_label(const char *code)
{
	enum review_conclusion c;

	if (reviews_pages__empty(code))
		return "";
	return review_conclusion_from_code(&c, code, NULL) == 0 ? review_conclusion_label(c) : code;
}

static const char *reviews_pages__stage_label(const char *code)
{
	enum casefile_stage st;

	return casefile_stage_from_code(&st, code) == 0 ? casefile_stage_label(st) : code;
}

/* The labels of an act list ("fine confiscate") joined by "、". */
static int reviews_pages__act_labels(struct buf *b, const char *acts)
{
	const char *p = acts;
	bool first = true;
	int rc = 0;

	while (rc == 0 && p && *p) {
		char word[64];
		size_t n = strcspn(p, " ,");
		enum majorcat_act act;

		if (n > 0 && n < sizeof(word)) {
			memcpy(word, p, n);
			word[n] = '\0';
			rc = html_appendf(b, "%r%s", first ? "" : "、",
			                  majorcat_act_from_code(&act, word, NULL) == 0
			                          ? majorcat_act_label(act)
			                          : word);
			first = false;
		}
		p += n;
		p += strspn(p, " ,");
	}
	if (rc == 0 && first)
		rc = buf_append_str(b, "未填写");
	return rc;
}

/* Whether the word list acts holds code. */
static bool reviews_pages__has_act(const char *acts, const char *code)
{
	size_t len = strlen(code);

	for (const char *p = acts; p && *p;) {
		size_t n = strcspn(p, " ,");

		if (n == len && strncmp(p, code, n) == 0)
			return true;
		p += n;
		p += strspn(p, " ,");
	}
	return false;
}

/* ---- GET /agencies/:id/major-catalog (public) ---- */

static const char *reviews_pages__party_label(const char *party)
{
	if (strcmp(party, "person") == 0)
		return "仅对自然人";
	if (strcmp(party, "organization") == 0)
		return "仅对法人或其他组织";
	return "";
}

static int reviews_pages__rule_details(struct buf *b, const struct majorcat_rule *r)
{
	char yuan[48];
	int rc = 0;

	switch (r->kind) {
	case MAJORCAT_ACT_KIND:
		rc = buf_append_str(b, "处罚种类：");
		for (int a = 1, first = 1; a <= MAJORCAT_ACT_COUNT && rc == 0; a++) {
			if (!(r->acts_mask & MAJORCAT_ACT_BIT(a)))
				continue;
			rc = html_appendf(b, "%r%s", first ? "" : "、",
			                  majorcat_act_label((enum majorcat_act)a));
			first = 0;
		}
		break;
	case MAJORCAT_FINE_AT_LEAST:
	case MAJORCAT_CONFISCATION_AT_LEAST:
	case MAJORCAT_COERCION_AT_LEAST:
		reviews_pages__yuan(yuan, sizeof(yuan), r->threshold_fen, false);
		rc = html_appendf(b, "%s 元以上", yuan);
		break;
	case MAJORCAT_MATTER:
		rc = buf_append_str(b, "执法事项：");
		for (size_t i = 0; i < r->matter_code_count && rc == 0; i++)
			rc = html_appendf(b, "%r<code>%s</code>", i ? "、" : "",
			                  r->matter_codes[i]);
		break;
	default:
		rc = buf_append_str(b, "—");
		break;
	}
	if (rc == 0 && r->party_type[0])
		rc = html_appendf(b, "<br><small>%s</small>",
		                  reviews_pages__party_label(r->party_type));
	return rc;
}

static int reviews_pages__catalog_rules(struct buf *b, const struct majorcat *c)
{
	int rc = 0;

	for (size_t i = 0; i < c->count && rc == 0; i++) {
		const struct majorcat_rule *r = &c->rules[i];
		const char *kind = majorcat_rule_kind_label(r->kind);

		rc = html_appendf(b,
		                  "<tr id=\"rule-%s\"><td data-label=\"情形\">%s</td>"
		                  "<td data-label=\"类别\">%s</td><td data-label=\"具体标准\">",
		                  r->id, r->title, kind ? kind : "");
		if (rc == 0)
			rc = reviews_pages__rule_details(b, r);
		if (rc == 0)
			rc = html_appendf(b, "</td><td data-label=\"依据\">%s</td></tr>\n",
			                  r->basis);
	}
	return rc;
}

static int reviews_pages__catalog_history(struct buf *b, const struct service_major_catalog *c)
{
	int rc = 0;

	for (size_t i = 0; i < c->history_count && rc == 0; i++) {
		const struct store_major_catalog *h = &c->history[i];
		char at[SX_TIME_DISPLAY_LEN];

		reviews_pages__local_time(at, h->published_at);
		rc = html_appendf(
		        b,
		        "<li><a href=\"/agencies/%u/major-catalog?version=%D\">第 %D 版</a>"
		        " <small>%s%r%s</small>%r</li>\n",
		        c->agency_id, h->version, h->version, at, h->note[0] ? " · " : "", h->note,
		        h->version == c->row.version ? " <strong>（当前查看）</strong>" : "");
	}
	return rc;
}

int page_major_catalog(struct http_request *req, struct http_response *resp)
{
	struct service_major_catalog c;
	struct sx_error err;
	struct buf rules, history;
	int64_t version = 0;
	char version_text[24], at[SX_TIME_DISPLAY_LEN];
	int rc;

	memset(&c, 0, sizeof(c));
	sx_error_clear(&err);
	if (html_number_arg(&version, http_request_query(req, "version"), 0, "bad_version",
	                    "版本号应为正整数", &err) < 0 ||
	    service_major_catalog_get(&c, req->app->svc, http_request_param(req, "id"), version,
	                              &err) < 0)
		return http_respond_error(resp, req, &err);
	buf_init(&rules, REVIEWS_PAGES_FRAGMENT_MAX);
	buf_init(&history, REVIEWS_PAGES_FRAGMENT_MAX);
	snprintf(version_text, sizeof(version_text), "%lld", (long long)c.row.version);
	reviews_pages__local_time(at, c.row.published_at);
	if ((rc = reviews_pages__catalog_rules(&rules, &c.catalog)) == 0 &&
	    (rc = reviews_pages__catalog_history(&history, &c)) == 0) {
		struct template_var vars[] = {
		        {"title", "重大执法决定法制审核目录清单"},
		        {"agency_id", c.agency_id},
		        {"agency_name", c.agency_name},
		        {"is_default", c.is_default ? "1" : ""},
		        {"version", version_text},
		        {"published_at", at},
		        {"published_by_name", c.row.published_by_name},
		        {"note", c.row.note},
		        {"body_sha256", c.row.body_sha256},
		        {"has_rules", c.catalog.count ? "1" : ""},
		        {"rules", rules.data},
		        {"history", history.data},
		};

		rc = http_respond_page(resp, req, 200, "major_catalog.html", vars,
		                       sizeof(vars) / sizeof(vars[0]));
	} else {
		rc = reviews_pages__nomem(resp, req);
	}
	buf_free(&rules);
	buf_free(&history);
	service_major_catalog_clear(&c);
	return rc;
}

/* ---- GET /staff/reviews ---- */

struct reviews_pages_scope {
	enum service_review_scope scope;
	const char *code, *label;
};

static const struct reviews_pages_scope reviews_pages__scopes[] = {
        {SERVICE_REVIEW_SCOPE_QUEUE, "queue", "待审队列"},
        {SERVICE_REVIEW_SCOPE_AGENCY, "agency", "本机关"},
        {SERVICE_REVIEW_SCOPE_REGION, "region", "本区域"},
};

static bool reviews_pages__role_has_scope(enum account_role role, enum service_review_scope s)
{
	switch (s) {
	case SERVICE_REVIEW_SCOPE_QUEUE:
		return role == ACCOUNT_ROLE_REVIEWER;
	case SERVICE_REVIEW_SCOPE_AGENCY:
		return role == ACCOUNT_ROLE_REVIEWER || role == ACCOUNT_ROLE_UNIT_HEAD ||
		       role == ACCOUNT_ROLE_AGENCY_HEAD;
	case SERVICE_REVIEW_SCOPE_REGION:
		return role == ACCOUNT_ROLE_SUPERVISOR || role == ACCOUNT_ROLE_ADMIN;
	}
	return false;
}

static int reviews_pages__tabs(struct buf *b, enum account_role role,
                               enum service_review_scope scope)
{
	int rc = buf_append_str(b, "<nav class=\"case-tabs\" aria-label=\"审核范围\">");

	for (size_t i = 0;
	     i < sizeof(reviews_pages__scopes) / sizeof(reviews_pages__scopes[0]) && rc == 0; i++) {
		const struct reviews_pages_scope *s = &reviews_pages__scopes[i];

		if (!reviews_pages__role_has_scope(role, s->scope))
			continue;
		rc = html_appendf(b, "<a href=\"/staff/reviews?scope=%s\"%r>%s</a>", s->code,
		                  s->scope == scope ? " aria-current=\"page\"" : "", s->label);
	}
	return rc ? rc : buf_append_str(b, "</nav>");
}

/* The deadline of an accepted review in words: "2026-12-09（剩余 2 个工作日）". */
static int reviews_pages__due(struct buf *b, const char *status, const char *due_on, bool overdue,
                              int workdays_left)
{
	if (strcmp(status, "accepted") != 0 || !due_on[0])
		return buf_append_str(b, due_on[0] ? due_on : "—");
	if (overdue)
		return html_appendf(b, "%s <strong class=\"overdue\">已超期 %d 个工作日</strong>",
		                    due_on, workdays_left < 0 ? -workdays_left : 1);
	return html_appendf(b, "%s <span class=\"%r\">（剩余 %d 个工作日）</span>", due_on,
	                    workdays_left <= 0 ? "overdue" : "days-left", workdays_left);
}

static int reviews_pages__list_rows(struct buf *b, const struct service_review_page *p,
                                    bool show_agency)
{
	int rc = 0;

	for (size_t i = 0; i < p->count && rc == 0; i++) {
		const struct service_review_row *x = &p->items[i];
		char at[SX_TIME_DISPLAY_LEN];

		reviews_pages__local_time(at, x->r.submitted_at);
		rc = html_appendf(
		        b,
		        "<tr%r><td data-label=\"案号\"><a href=\"/staff/reviews/%u\">%s</a>"
		        "%r</td><td data-label=\"当事人\">%s%r%s%r</td>"
		        "<td data-label=\"状态\"><span class=\"review-status status-%s\">%s"
		        "</span></td><td data-label=\"送审\">%s<br><small>%s</small></td>"
		        "<td data-label=\"审核期限\">",
		        x->overdue ? " class=\"overdue\"" : "", x->r.id, x->case_no,
		        x->r.urgent ? " <span class=\"tag\">紧急</span>" : "", x->party_name,
		        show_agency ? "<br><small>" : "", show_agency ? x->agency_name : "",
		        show_agency ? "</small>" : "", x->r.status,
		        reviews_status_label(x->r.status), at, x->r.submitted_by_name);
		if (rc == 0)
			rc = reviews_pages__due(b, x->r.status, x->r.due_on, x->overdue,
			                        x->workdays_left);
		if (rc == 0)
			rc = html_appendf(b, "</td><td data-label=\"审核人员\">%s</td></tr>\n",
			                  x->r.reviewer_name[0] ? x->r.reviewer_name : "—");
	}
	return rc;
}

static int reviews_pages__pager(struct buf *b, const char *scope,
                                const struct service_review_query *q,
                                const struct service_review_page *p)
{
	int64_t pages = p->per_page > 0 ? (p->total + p->per_page - 1) / p->per_page : 1;
	int rc;

	if (pages <= 1 && p->page <= 1)
		return 0;
	rc = buf_append_str(b, "<nav class=\"pager\" aria-label=\"分页\">");
	for (int dir = -1; dir <= 1 && rc == 0; dir += 2) {
		int64_t to = p->page + dir;

		if (dir == 1)
			rc = html_appendf(b, " <span>第 %D 页，共 %D 页</span> ", p->page,
			                  pages ? pages : (int64_t)1);
		if (rc < 0 || to < 1 || to > pages)
			continue;
		rc = html_appendf(
		        b, "<a href=\"/staff/reviews?scope=%u%r%r&amp;page=%D\" rel=\"%r\">%r</a>",
		        scope, q->open_only ? "&amp;open=1" : "",
		        q->overdue_only ? "&amp;overdue=1" : "", to, dir < 0 ? "prev" : "next",
		        dir < 0 ? "上一页" : "下一页");
	}
	return rc ? rc : buf_append_str(b, "</nav>");
}

/* 法制审核人员 staffing of the actor's agency (国办发〔2018〕118号 四:
 * 不少于本单位执法人员总数的5%). */
static int reviews_pages__staffing(struct buf *b, struct http_request *req,
                                   const struct service_actor *actor)
{
	struct service_review_staffing s;
	struct sx_error err;

	memset(&s, 0, sizeof(s));
	sx_error_clear(&err);
	if (service_review_staffing(&s, req->app->svc, actor, NULL, &err) < 0)
		return 0; /* nothing to say: the queue is still useful */
	if (s.short_staffed)
		return html_appendf(
		        b,
		        "<p class=\"notice error staffing short\" role=\"alert\">"
		        "法制审核人员不足：本机关执法人员 %D 名，法制审核人员 %D 名，至少应有 "
		        "%D 名（国办发〔2018〕118号：原则上不少于执法人员总数的 5%%）。</p>",
		        s.officers, s.reviewers, s.required);
	return html_appendf(b,
	                    "<p class=\"notice staffing\">法制审核人员 %D 名，执法人员 %D 名，"
	                    "符合不少于 5%% 的要求（至少 %D 名）。</p>",
	                    s.reviewers, s.officers, s.required);
}

int page_staff_reviews(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_review_query q;
	struct service_review_page page;
	struct sx_error err;
	struct buf tabs, rows, pager, staffing;
	const char *scope = http_request_query(req, "scope");
	const char *hint = NULL;
	char counts[160] = "";
	bool listed = false;
	int rc = 0;

	if (http_staff_actor(&actor, req, resp, &rc))
		return rc;
	memset(&q, 0, sizeof(q));
	memset(&page, 0, sizeof(page));
	sx_error_clear(&err);
	if (reviews_pages__empty(scope)) {
		q.scope = actor.role == ACCOUNT_ROLE_REVIEWER ? SERVICE_REVIEW_SCOPE_QUEUE
		          : reviews_pages__role_has_scope(actor.role, SERVICE_REVIEW_SCOPE_AGENCY)
		                  ? SERVICE_REVIEW_SCOPE_AGENCY
		                  : SERVICE_REVIEW_SCOPE_REGION;
	} else {
		size_t i;

		for (i = 0; i < sizeof(reviews_pages__scopes) / sizeof(reviews_pages__scopes[0]);
		     i++)
			if (strcmp(scope, reviews_pages__scopes[i].code) == 0)
				break;
		if (i == sizeof(reviews_pages__scopes) / sizeof(reviews_pages__scopes[0])) {
			sx_error_set(&err, SX_EINVALID, "bad_scope", "审核范围无效");
			return http_respond_error(resp, req, &err);
		}
		q.scope = reviews_pages__scopes[i].scope;
	}
	for (size_t i = 0; i < sizeof(reviews_pages__scopes) / sizeof(reviews_pages__scopes[0]);
	     i++)
		if (reviews_pages__scopes[i].scope == q.scope)
			scope = reviews_pages__scopes[i].code;
	q.open_only = !reviews_pages__empty(http_request_query(req, "open"));
	q.overdue_only = !reviews_pages__empty(http_request_query(req, "overdue"));
	q.per_page = REVIEWS_PAGES_PER_PAGE;
	if (html_page_arg(&q.page, http_request_query(req, "page"), 1, &err) < 0)
		return http_respond_error(resp, req, &err);
	if (service_review_list(&page, req->app->svc, &actor, &q, &err) < 0) {
		if (err.rc != SX_EPERM)
			return http_respond_error(resp, req, &err);
		/* Officers have no list: they submit from the case page. */
		hint = actor.role == ACCOUNT_ROLE_OFFICER ? "执法人员没有审核队列：送审、异议请在案"
		                                            "件页面的“法制审核”部分办理。"
		                                          : reviews_pages__message(&err);
	} else {
		listed = true;
		if (q.scope != SERVICE_REVIEW_SCOPE_QUEUE)
			snprintf(counts, sizeof(counts), "未审结 %lld 件，其中已超期 %lld 件。",
			         (long long)page.open_count, (long long)page.overdue_count);
	}
	buf_init(&tabs, REVIEWS_PAGES_FRAGMENT_MAX);
	buf_init(&rows, REVIEWS_PAGES_FRAGMENT_MAX);
	buf_init(&pager, REVIEWS_PAGES_FRAGMENT_MAX);
	buf_init(&staffing, REVIEWS_PAGES_FRAGMENT_MAX);
	if ((rc = reviews_pages__tabs(&tabs, actor.role, q.scope)) == 0 &&
	    (rc = reviews_pages__list_rows(&rows, &page, q.scope == SERVICE_REVIEW_SCOPE_REGION)) ==
	            0 &&
	    (rc = reviews_pages__pager(&pager, scope, &q, &page)) == 0 &&
	    (rc = actor.role == ACCOUNT_ROLE_AGENCY_HEAD
	                  ? reviews_pages__staffing(&staffing, req, &actor)
	                  : 0) == 0) {
		struct template_var vars[] = {
		        {"title", "法制审核"},
		        {"user_name", actor.display_name},
		        {"role_label", account_role_label(actor.role)},
		        {"agency_name", actor.agency_name},
		        {"tabs", tabs.data},
		        {"scope", scope},
		        {"staffing", staffing.data},
		        {"counts", counts},
		        {"hint", hint},
		        {"listed", listed ? "1" : ""},
		        {"open_checked", q.open_only ? "1" : ""},
		        {"overdue_checked", q.overdue_only ? "1" : ""},
		        {"rows", rows.data},
		        {"empty", listed && page.count == 0 ? "1" : ""},
		        {"today", page.today},
		        {"pager", pager.data},
		};

		rc = http_respond_page(resp, req, 200, "staff_reviews.html", vars,
		                       sizeof(vars) / sizeof(vars[0]));
	} else {
		rc = reviews_pages__nomem(resp, req);
	}
	buf_free(&tabs);
	buf_free(&rows);
	buf_free(&pager);
	buf_free(&staffing);
	service_review_page_clear(&page);
	return rc;
}

/* ---- GET /staff/reviews/:id ---- */

/* What one rendering of the review page shows besides the review. */
struct reviews_pages_view {
	const char *view_reason;        /* the 调阅理由; NULL = none */
	const char *notice;             /* what was done; NULL = nothing */
	const char *error;              /* why a change was refused; NULL = none */
	const struct http_form *posted; /* the refused conclusion's form, to fill in again */
};

static const char *reviews_pages__done_notice(const char *done)
{
	static const char *const notices[][2] = {
	        {"submit", "已送审。"},
	        {"take", "已接收审核任务。"},
	        {"conclude", "已审结，法制审核意见书已制作。"},
	        {"extend", "已延长审核期限。"},
	        {"pre_review", "科室初审已完成。"},
	        {"object", "已提出异议，等待法制审核机构协调。"},
	        {"coordinate", "已记录协调结果。"},
	        {"head_decision", "已记录机关负责人的决定。"},
	};

	for (size_t i = 0; done && i < sizeof(notices) / sizeof(notices[0]); i++)
		if (strcmp(done, notices[i][0]) == 0)
			return notices[i][1];
	return NULL;
}

static int reviews_pages__deadline(struct buf *b, const struct service_review *v)
{
	const struct store_review *r = &v->r;
	int rc;

	if (strcmp(r->status, "pre_review") == 0)
		return buf_append_str(b,
		                      "科室初审通过后开始计算（3 个工作日，情况紧急 1 个工作日）");
	if (strcmp(r->status, "returned") == 0)
		return buf_append_str(b, "已退回，未开始计算");
	if (strcmp(r->status, "concluded") == 0) {
		char at[SX_TIME_DISPLAY_LEN];

		reviews_pages__local_time(at, r->concluded_at);
		rc = html_appendf(b, "已于 %s 审结（期限 %s）", at, r->due_on);
	} else {
		rc = html_appendf(b, "%s 受理，", r->accepted_on);
		if (rc == 0)
			rc = reviews_pages__due(b, r->status, r->due_on, v->overdue,
			                        v->workdays_left);
	}
	if (rc == 0 && r->extended)
		rc = html_appendf(b, "<br><small>已延长 2 个工作日（%s批准：%s）</small>",
		                  r->extension_by_name, r->extension_reason);
	return rc;
}

static int reviews_pages__materials(struct buf *b, const struct store_review *r)
{
	int rc = buf_append_str(b, "<ul class=\"av materials\">");

	for (int m = 0; m < REVIEW_MAT_COUNT && rc == 0; m++) {
		bool present = r->materials & ((int64_t)1 << m);
		bool missing = r->missing & ((int64_t)1 << m);

		if (!present && !missing)
			continue;
		rc = html_appendf(b, "<li class=\"%r\">%s：<strong>%r</strong></li>\n",
		                  present ? "met" : "missing",
		                  review_material_label((enum review_material)m),
		                  present ? "已提交" : "缺少");
	}
	if (rc == 0)
		rc = buf_append_str(b, "</ul>");
	if (rc == 0 && r->returned_reason[0])
		rc = html_appendf(b, "<p class=\"notice error\">退回理由：%s</p>",
		                  r->returned_reason);
	return rc;
}

/* The draft's values as label: value, in the order of the 行政处罚决定书's fields. */
static int reviews_pages__draft(struct buf *b, const struct doctemplates *reg,
                                const struct store_case_draft *d)
{
	const struct doctemplate *t =
	        reg ? doctemplates_find(reg, REVIEWS_PAGES_DECISION_TEMPLATE) : NULL;
	json_t *values = NULL;
	json_error_t jerr;
	char fine[48], confiscation[48], coercion[48], at[SX_TIME_DISPLAY_LEN];
	int rc = buf_append_str(b, "<dl class=\"fields draft-values\">");

	if (d->body)
		values = json_loads(d->body, 0, &jerr);
	for (size_t i = 0; t && json_is_object(values) && i < t->field_count && rc == 0; i++) {
		json_t *x = json_object_get(values, t->fields[i].name);
		char *dumped = NULL;
		const char *text;

		if (!x)
			continue;
		text = json_is_string(x) ? json_string_value(x)
		                         : (dumped = json_dumps(x, JSON_ENCODE_ANY));
		if (text && text[0])
			rc = html_appendf(b, "<dt>%s</dt><dd class=\"text\">%s%r</dd>",
			                  t->fields[i].label, text,
			                  t->fields[i].type == DOCTEMPLATE_MONEY ? " 元" : "");
		free(dumped);
	}
	json_decref(values);
	reviews_pages__yuan(fine, sizeof(fine), d->fine_fen, false);
	reviews_pages__yuan(confiscation, sizeof(confiscation), d->confiscation_fen, false);
	reviews_pages__yuan(coercion, sizeof(coercion), d->coercion_value_fen, false);
	reviews_pages__local_time(at, d->created_at);
	if (rc == 0)
		rc = buf_append_str(b, "<dt>处罚种类</dt><dd>");
	if (rc == 0)
		rc = reviews_pages__act_labels(b, d->acts);
	if (rc == 0)
		rc = html_appendf(
		        b,
		        "</dd><dt>罚款</dt><dd>%s 元</dd><dt>没收违法所得、非法财物价值</dt>"
		        "<dd>%s 元</dd><dt>查封、扣押财物价值</dt><dd>%s 元</dd>",
		        fine, confiscation, coercion);
	if (rc == 0 && (d->public_interest || d->complex || d->multi_agency))
		rc = html_appendf(
		        b, "<dt>情形</dt><dd>%r%r%r</dd>",
		        d->public_interest ? "<span class=\"tag\">涉及重大公共利益</span> " : "",
		        d->complex ? "<span class=\"tag\">案情疑难复杂</span> " : "",
		        d->multi_agency ? "<span class=\"tag\">跨部门</span>" : "");
	if (rc == 0)
		rc = html_appendf(b, "<dt>拟稿</dt><dd>第 %D 稿 · %s · %s%r%s%r</dd></dl>",
		                  d->version, at, d->created_by_name,
		                  d->note[0] ? "<br><small>修改说明：" : "", d->note,
		                  d->note[0] ? "</small>" : "");
	return rc;
}

/* One step of the chain: label, who, when, what; "尚未进行" when who is empty. */
static int reviews_pages__chain_step(struct buf *b, const char *label, const char *who,
                                     const char *at_stored, const char *what)
{
	char at[SX_TIME_DISPLAY_LEN];

	if (!who || !who[0])
		return html_appendf(b,
		                    "<li class=\"pending\"><span class=\"stage\">%s</span> "
		                    "<small>尚未进行</small></li>\n",
		                    label);
	reviews_pages__local_time(at, at_stored);
	return html_appendf(
	        b,
	        "<li class=\"done\"><span class=\"stage\">%s</span> %s <small>%s</small>"
	        "%r%s%r</li>\n",
	        label, who, at, what && what[0] ? "<p class=\"text\">" : "", what ? what : "",
	        what && what[0] ? "</p>" : "");
}

static int reviews_pages__chain(struct buf *b, struct http_request *req,
                                const struct store_review *r)
{
	int rc = buf_append_str(b, "<ol class=\"timeline review-chain\">");
	const char *s;

	if (rc == 0)
		rc = reviews_pages__chain_step(b, "送审", r->submitted_by_name, r->submitted_at,
		                               r->submit_note);
	if (rc == 0 && (r->pre_review_result[0] || strcmp(r->status, "pre_review") == 0)) {
		s = r->pre_review_result[0]
		            ? pool_printf(req->pool, "%s%s%s",
		                          strcmp(r->pre_review_result, "pass") == 0 ? "初审通过"
		                                                                    : "初审退回",
		                          r->pre_review_note[0] ? "：" : "", r->pre_review_note)
		            : "";
		rc = reviews_pages__chain_step(b, "科室初审", r->pre_review_by_name,
		                               r->pre_review_at, s);
	}
	if (rc == 0)
		rc = reviews_pages__chain_step(b, "审核", r->reviewer_name, r->accepted_at,
		                               r->reviewer_name[0] ? "承办法制审核" : "");
	if (rc == 0 && r->conclusion[0])
		rc = reviews_pages__chain_step(b, "审结", r->reviewer_name, r->concluded_at,
		                               reviews_pages__conclusion_label(r->conclusion));
	if (rc == 0 && r->objection[0])
		rc = reviews_pages__chain_step(b, "异议", r->objected_by_name, r->objected_at,
		                               r->objection);
	if (rc == 0 && r->coordination_result[0]) {
		s = pool_printf(req->pool, "%s：%s",
		                strcmp(r->coordination_result, "maintained") == 0 ? "维持审核意见"
		                                                                  : "改变审核意见",
		                r->coordination);
		rc = reviews_pages__chain_step(b, "协调", r->coordinated_by_name, r->coordinated_at,
		                               s);
	}
	if (rc == 0 && r->head_decision[0]) {
		s = pool_printf(req->pool, "%s：%s",
		                strcmp(r->head_decision, "uphold") == 0 ? "维持审核意见"
		                                                        : "经集体讨论，作出决定",
		                r->head_reason);
		rc = reviews_pages__chain_step(b, "负责人决定", r->head_by_name, r->head_at, s);
	}
	return rc ? rc : buf_append_str(b, "</ol>");
}

static int reviews_pages__conclusion(struct buf *b, const struct service_review *v,
                                     const char *view_reason)
{
	const struct store_review *r = &v->r;
	int rc = html_appendf(
	        b,
	        "<p class=\"conclusion conclusion-%s\">审核结论：<strong>%s</strong></p>"
	        "<table class=\"stack checklist-result\"><thead><tr><th>审核事项</th><th>结果"
	        "</th><th>说明</th></tr></thead><tbody>",
	        r->conclusion, reviews_pages__conclusion_label(r->conclusion));

	for (int i = 0; i < REVIEW_CHECK_COUNT && rc == 0; i++) {
		const struct review_item *it = &v->items[i];

		rc = html_appendf(
		        b,
		        "<tr class=\"%r\"><td data-label=\"审核事项\">%s</td>"
		        "<td data-label=\"结果\">%r</td><td data-label=\"说明\">%s</td></tr>\n",
		        !it->checked ? "unchecked"
		        : it->passed ? "passed"
		                     : "problem",
		        review_check_label((enum review_check)i),
		        !it->checked ? "未审核"
		        : it->passed ? "通过"
		                     : "存在问题",
		        it->note);
	}
	if (rc == 0)
		rc = html_appendf(
		        b, "</tbody></table><h3>审核意见</h3><p class=\"text opinion\">%s</p>",
		        r->opinion ? r->opinion : "");
	if (rc == 0 && r->opinion_record_id[0]) {
		rc = html_appendf(b, "<p class=\"opinion-record\"><a href=\"/api/v1/records/%u/pdf",
		                  r->opinion_record_id);
		if (rc == 0 && !reviews_pages__empty(view_reason))
			rc = html_appendf(b, "?reason=%u", view_reason);
		if (rc == 0)
			rc = buf_append_str(b, "\">法制审核意见书（PDF）</a></p>");
	}
	return rc;
}

/* The ten items as radio pairs (通过 / 存在问题) with a note, filled from a refused form. */
static int reviews_pages__checklist_inputs(struct buf *b, const struct http_form *posted)
{
	int rc = 0;

	for (int i = 0; i < REVIEW_CHECK_COUNT && rc == 0; i++) {
		const char *code = review_check_code((enum review_check)i);
		char key[48];
		const char *value = NULL, *note = NULL;

		if (posted) {
			snprintf(key, sizeof(key), "c_%s", code);
			value = http_form_get(posted, key);
			snprintf(key, sizeof(key), "n_%s", code);
			note = http_form_get(posted, key);
		}
		rc = html_appendf(
		        b,
		        "<fieldset class=\"check-item\" data-item=\"%s\"><legend>%d. %s</legend>"
		        "<label class=\"check\"><input type=\"radio\" name=\"c_%s\" value=\"pass\" "
		        "required%r> 通过</label>"
		        "<label class=\"check\"><input type=\"radio\" name=\"c_%s\" "
		        "value=\"problem\"%r>"
		        " 存在问题</label>"
		        "<label>说明（存在问题时必填）<textarea name=\"n_%s\" rows=\"2\" "
		        "maxlength=\"512\">%s</textarea></label>%r</fieldset>\n",
		        code, i + 1, review_check_label((enum review_check)i), code,
		        value && strcmp(value, "pass") == 0 ? " checked" : "", code,
		        value && strcmp(value, "problem") == 0 ? " checked" : "", code,
		        note ? note : "",
		        i == REVIEW_CHECK_CRIME
		                ? "<small "
		                  "class=\"hint\">“通过”表示未发现涉嫌犯罪；涉嫌犯罪的，应当移送"
		                  "司法机关（《行政处罚法》第二十七条），不得同意作出行政处罚决定。"
		                  "</small>"
		                : "");
	}
	return rc;
}

static int reviews_pages__conclusion_options(struct buf *b, const struct http_form *posted)
{
	const char *chosen = posted ? http_form_get(posted, "conclusion") : NULL;
	int rc = 0;

	for (int c = REVIEW_AGREE; c <= REVIEW_DISAGREE && rc == 0; c++) {
		const char *code = review_conclusion_code((enum review_conclusion)c);

		rc = html_appendf(
		        b,
		        "<label class=\"check\"><input type=\"radio\" name=\"conclusion\" "
		        "value=\"%s\" required%r> %s</label>",
		        code, chosen && strcmp(chosen, code) == 0 ? " checked" : "",
		        review_conclusion_label((enum review_conclusion)c));
	}
	return rc;
}

/* The 调阅 form of a review: a staff member not on the case names the reason first. */
static int reviews_pages__ask_reason(struct http_request *req, struct http_response *resp,
                                     const struct service_actor *actor, const char *review_id,
                                     const char *error)
{
	struct template_var vars[] = {
	        {"title", "调阅法制审核"},
	        {"user_name", actor->display_name},
	        {"role_label", account_role_label(actor->role)},
	        {"agency_name", actor->agency_name},
	        {"ask_reason", "1"},
	        {"review_id", review_id},
	        {"error", error},
	};

	return http_respond_page(resp, req, 200, "staff_review.html", vars,
	                         sizeof(vars) / sizeof(vars[0]));
}

static int reviews_pages__render_review(struct http_request *req, struct http_response *resp,
                                        int status, const struct service_actor *actor,
                                        const struct service_review *v,
                                        const struct reviews_pages_view *view)
{
	const struct store_review *r = &v->r;
	struct buf deadline, materials, draft, chain, conclusion, checklist, conclusions, hidden;
	char version[24], at[SX_TIME_DISPLAY_LEN];
	bool concluded = strcmp(r->status, "concluded") == 0;
	int rc;

	buf_init(&deadline, REVIEWS_PAGES_FRAGMENT_MAX);
	buf_init(&materials, REVIEWS_PAGES_FRAGMENT_MAX);
	buf_init(&draft, REVIEWS_PAGES_FRAGMENT_MAX);
	buf_init(&chain, REVIEWS_PAGES_FRAGMENT_MAX);
	buf_init(&conclusion, REVIEWS_PAGES_FRAGMENT_MAX);
	buf_init(&checklist, REVIEWS_PAGES_FRAGMENT_MAX);
	buf_init(&conclusions, REVIEWS_PAGES_FRAGMENT_MAX);
	buf_init(&hidden, REVIEWS_PAGES_FRAGMENT_MAX);
	snprintf(version, sizeof(version), "%lld", (long long)v->draft.version);
	reviews_pages__local_time(at, r->submitted_at);
	if ((rc = reviews_pages__deadline(&deadline, v)) == 0 &&
	    (rc = reviews_pages__materials(&materials, r)) == 0 &&
	    (rc = reviews_pages__draft(&draft, req->app->svc->templates, &v->draft)) == 0 &&
	    (rc = reviews_pages__chain(&chain, req, r)) == 0 &&
	    (rc = concluded ? reviews_pages__conclusion(&conclusion, v, view->view_reason) : 0) ==
	            0 &&
	    (rc = v->may_conclude ? reviews_pages__checklist_inputs(&checklist, view->posted)
	                          : 0) == 0 &&
	    (rc = v->may_conclude ? reviews_pages__conclusion_options(&conclusions, view->posted)
	                          : 0) == 0 &&
	    (rc = reviews_pages__hidden(&hidden, actor, view->view_reason)) == 0) {
		struct template_var vars[] = {
		        {"title", pool_printf(req->pool, "法制审核 %s", v->case_no)},
		        {"user_name", actor->display_name},
		        {"role_label", account_role_label(actor->role)},
		        {"agency_name", actor->agency_name},
		        {"review_id", r->id},
		        {"case_id", r->case_id},
		        {"case_url",
		         reviews_pages__case_url(req, r->case_id, NULL, view->view_reason)},
		        {"case_no", v->case_no},
		        {"party_name", v->party_name},
		        {"cause", v->cause},
		        {"review_agency_name", v->agency_name},
		        {"stage_label", reviews_pages__stage_label(v->stage)},
		        {"status", r->status},
		        {"status_label", reviews_status_label(r->status)},
		        {"urgent", r->urgent ? "1" : ""},
		        {"major_reasons", v->major_reasons},
		        {"deadline", deadline.data},
		        {"overdue", v->overdue ? "1" : ""},
		        {"submitted_at", at},
		        {"submitted_by_name", r->submitted_by_name},
		        {"materials", materials.data},
		        {"draft_version", version},
		        {"draft_current", v->draft_current ? "1" : ""},
		        {"draft", draft.data},
		        {"chain", chain.data},
		        {"concluded", concluded ? "1" : ""},
		        {"conclusion", conclusion.data},
		        {"hidden", hidden.data},
		        {"view_reason", view->view_reason},
		        {"notice", view->notice},
		        {"error", view->error},
		        {"may_take", v->may_take ? "1" : ""},
		        {"may_conclude", v->may_conclude ? "1" : ""},
		        {"checklist", checklist.data},
		        {"conclusion_options", conclusions.data},
		        {"opinion", view->posted ? http_form_get(view->posted, "opinion") : NULL},
		        {"may_extend", v->may_extend ? "1" : ""},
		        {"may_pre_review", v->may_pre_review ? "1" : ""},
		        {"may_object", v->may_object ? "1" : ""},
		        {"may_coordinate", v->may_coordinate ? "1" : ""},
		        {"may_head_decide", v->may_head_decide ? "1" : ""},
		};

		rc = http_respond_page(resp, req, status, "staff_review.html", vars,
		                       sizeof(vars) / sizeof(vars[0]));
	} else {
		rc = reviews_pages__nomem(resp, req);
	}
	buf_free(&deadline);
	buf_free(&materials);
	buf_free(&draft);
	buf_free(&chain);
	buf_free(&conclusion);
	buf_free(&checklist);
	buf_free(&conclusions);
	buf_free(&hidden);
	return rc;
}

/* Reads the review and shows it with view's notice or error. */
static int reviews_pages__show(struct http_request *req, struct http_response *resp, int status,
                               const struct service_actor *actor, const char *review_id,
                               const struct reviews_pages_view *view)
{
	struct service_review *v;
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	/* The review with its draft and checklist is some KiB: off the stack. */
	if ((v = pool_calloc(req->pool, 1, sizeof(*v))) == NULL)
		return reviews_pages__nomem(resp, req);
	if (service_review_get(v, req->app->svc, actor, review_id,
	                       reviews_pages__empty(view->view_reason) ? NULL : view->view_reason,
	                       req->remote_addr, &err) < 0) {
		if (strcmp(err.code, "reason_required") == 0)
			return reviews_pages__ask_reason(req, resp, actor, review_id, NULL);
		return http_respond_error(resp, req, &err);
	}
	rc = reviews_pages__render_review(req, resp, status, actor, v, view);
	service_review_clear(v);
	return rc;
}

int page_staff_review(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct reviews_pages_view view;
	const char *review_id = http_request_param(req, "id");
	int rc = 0;

	if (http_staff_actor(&actor, req, resp, &rc))
		return rc;
	memset(&view, 0, sizeof(view));
	view.view_reason = http_request_query(req, "reason");
	view.notice = reviews_pages__done_notice(http_request_query(req, "done"));
	if (view.view_reason && view.view_reason[0] == '\0')
		return reviews_pages__ask_reason(
		        req, resp, &actor, review_id,
		        "请填写调阅理由：调阅记录将载明调阅人、时间和理由。");
	return reviews_pages__show(req, resp, 200, &actor, review_id, &view);
}

/* ---- POST /staff/reviews/:id/… ---- */

typedef int (*reviews_pages_step_fn)(struct service_review *out, struct http_request *req,
                                     const struct service_actor *actor,
                                     const struct http_form *form, struct sx_error *err);

static int reviews_pages__step(struct http_request *req, struct http_response *resp,
                               const char *done, reviews_pages_step_fn fn)
{
	struct service_actor actor;
	struct http_form form;
	struct service_review *v;
	struct reviews_pages_view view;
	struct sx_error err;
	const char *review_id = http_request_param(req, "id");
	const char *location;
	int rc = 0;

	if (reviews_pages__form_actor(&actor, &form, req, resp, &rc))
		return rc;
	memset(&view, 0, sizeof(view));
	sx_error_clear(&err);
	view.view_reason = http_form_get(&form, "view_reason");
	if (reviews_pages__empty(view.view_reason))
		view.view_reason = NULL;
	if ((v = pool_calloc(req->pool, 1, sizeof(*v))) == NULL)
		return reviews_pages__nomem(resp, req);
	if (fn(v, req, &actor, &form, &err) < 0) {
		service_review_clear(v);
		if (reviews_pages__fatal(&err))
			return http_respond_error(resp, req, &err);
		view.error = reviews_pages__message(&err);
		view.posted = &form;
		return reviews_pages__show(req, resp, http_status_for_error(err.rc), &actor,
		                           review_id, &view);
	}
	service_review_clear(v);
	if ((location = reviews_pages__review_url(req, review_id, done, view.view_reason)) == NULL)
		return reviews_pages__nomem(resp, req);
	return http_respond_redirect(resp, req, location);
}

static int reviews_pages__take(struct service_review *out, struct http_request *req,
                               const struct service_actor *actor, const struct http_form *form,
                               struct sx_error *err)
{
	(void)form;
	return service_review_take(out, req->app->svc, actor, http_request_param(req, "id"), err);
}

int page_staff_review_take(struct http_request *req, struct http_response *resp)
{
	return reviews_pages__step(req, resp, "take", reviews_pages__take);
}

static int reviews_pages__conclude(struct service_review *out, struct http_request *req,
                                   const struct service_actor *actor, const struct http_form *form,
                                   struct sx_error *err)
{
	struct review_item items[REVIEW_CHECK_COUNT];

	memset(items, 0, sizeof(items));
	for (int i = 0; i < REVIEW_CHECK_COUNT; i++) {
		const char *code = review_check_code((enum review_check)i);
		const char *value, *note;
		char key[48];

		snprintf(key, sizeof(key), "c_%s", code);
		value = http_form_get(form, key);
		snprintf(key, sizeof(key), "n_%s", code);
		note = http_form_get(form, key);
		/* An item left unanswered stays unchecked: the service names it. */
		items[i].checked =
		        value && (strcmp(value, "pass") == 0 || strcmp(value, "problem") == 0);
		items[i].passed = value && strcmp(value, "pass") == 0;
		if (note && strlen(note) >= sizeof(items[i].note)) {
			char message[256];

			snprintf(message, sizeof(message), "“%s”的说明过长（最多 512 个汉字）",
			         review_check_label((enum review_check)i));
			return sx_error_set(err, SX_EINVALID, "bad_note", message);
		}
		snprintf(items[i].note, sizeof(items[i].note), "%s", note ? note : "");
	}
	return service_review_conclude(out, req->app->svc, actor, http_request_param(req, "id"),
	                               items, http_form_get(form, "conclusion"),
	                               http_form_get(form, "opinion"), err);
}

int page_staff_review_conclude(struct http_request *req, struct http_response *resp)
{
	return reviews_pages__step(req, resp, "conclude", reviews_pages__conclude);
}

static int reviews_pages__extend(struct service_review *out, struct http_request *req,
                                 const struct service_actor *actor, const struct http_form *form,
                                 struct sx_error *err)
{
	return service_review_extend(out, req->app->svc, actor, http_request_param(req, "id"),
	                             http_form_get(form, "reason"), err);
}

int page_staff_review_extend(struct http_request *req, struct http_response *resp)
{
	return reviews_pages__step(req, resp, "extend", reviews_pages__extend);
}

static int reviews_pages__pre_review(struct service_review *out, struct http_request *req,
                                     const struct service_actor *actor,
                                     const struct http_form *form, struct sx_error *err)
{
	return service_review_pre_review(out, req->app->svc, actor, http_request_param(req, "id"),
	                                 http_form_get(form, "result"), http_form_get(form, "note"),
	                                 err);
}

int page_staff_review_pre_review(struct http_request *req, struct http_response *resp)
{
	return reviews_pages__step(req, resp, "pre_review", reviews_pages__pre_review);
}

static int reviews_pages__object(struct service_review *out, struct http_request *req,
                                 const struct service_actor *actor, const struct http_form *form,
                                 struct sx_error *err)
{
	return service_review_object(out, req->app->svc, actor, http_request_param(req, "id"),
	                             http_form_get(form, "reason"), err);
}

int page_staff_review_object(struct http_request *req, struct http_response *resp)
{
	return reviews_pages__step(req, resp, "object", reviews_pages__object);
}

static int reviews_pages__coordinate(struct service_review *out, struct http_request *req,
                                     const struct service_actor *actor,
                                     const struct http_form *form, struct sx_error *err)
{
	return service_review_coordinate(out, req->app->svc, actor, http_request_param(req, "id"),
	                                 http_form_get(form, "result"), http_form_get(form, "note"),
	                                 err);
}

int page_staff_review_coordinate(struct http_request *req, struct http_response *resp)
{
	return reviews_pages__step(req, resp, "coordinate", reviews_pages__coordinate);
}

static int reviews_pages__head_decide(struct service_review *out, struct http_request *req,
                                      const struct service_actor *actor,
                                      const struct http_form *form, struct sx_error *err)
{
	return service_review_head_decide(out, req->app->svc, actor, http_request_param(req, "id"),
	                                  http_form_get(form, "decision"),
	                                  http_form_get(form, "reason"), err);
}

int page_staff_review_head_decision(struct http_request *req, struct http_response *resp)
{
	return reviews_pages__step(req, resp, "head_decision", reviews_pages__head_decide);
}

/* ---- the draft decision: GET/POST /staff/cases/:id/draft ---- */

/* What the draft form shows: the saved draft, or the refused form. */
struct reviews_pages_draft_form {
	const struct http_form *posted;       /* a refused form; NULL = from the draft */
	const struct store_case_draft *draft; /* the latest draft (body may be NULL); NULL = none */
	json_t *values;                       /* the draft's values when known; NULL = none */
};

static const char *reviews_pages__draft_value(const struct reviews_pages_draft_form *f,
                                              const char *name, char *key, size_t key_size)
{
	json_t *x;

	if (f->posted) {
		snprintf(key, key_size, "f_%s", name);
		return http_form_get(f->posted, key);
	}
	x = f->values ? json_object_get(f->values, name) : NULL;
	return json_is_string(x) ? json_string_value(x) : NULL;
}

static int reviews_pages__draft_field(struct buf *b, const struct doctemplate_field *fd,
                                      const char *value)
{
	const char *req_mark =
	        fd->required ? " <span class=\"req\" aria-label=\"必填\">*</span>" : "";
	const char *req_attr = fd->required ? " required" : "";
	int max = fd->max_chars > 0                  ? fd->max_chars
	          : fd->type == DOCTEMPLATE_TEXTAREA ? DOCTEMPLATE_TEXTAREA_DEFAULT_CHARS
	                                             : DOCTEMPLATE_TEXT_DEFAULT_CHARS;
	int rc = html_appendf(b, "<label>%s%r%r", fd->label,
	                      fd->type == DOCTEMPLATE_MONEY ? "（元）" : "", req_mark);

	if (rc < 0)
		return rc;
	switch (fd->type) {
	case DOCTEMPLATE_TEXTAREA:
		rc = html_appendf(
		        b, "<textarea name=\"f_%s\" rows=\"5\" maxlength=\"%d\"%r>%s</textarea>",
		        fd->name, max, req_attr, value);
		break;
	case DOCTEMPLATE_DATE:
		rc = html_appendf(b, "<input type=\"date\" name=\"f_%s\" value=\"%s\"%r>", fd->name,
		                  value, req_attr);
		break;
	case DOCTEMPLATE_MONEY:
		rc = html_appendf(
		        b,
		        "<input type=\"text\" inputmode=\"decimal\" name=\"f_%s\" value=\"%s\" "
		        "pattern=\"[0-9]+([.][0-9]{1,2})?\"%r>",
		        fd->name, value, req_attr);
		break;
	case DOCTEMPLATE_NUMBER:
		rc = html_appendf(
		        b,
		        "<input type=\"number\" min=\"0\" step=\"1\" name=\"f_%s\" value=\"%s\"%r>",
		        fd->name, value, req_attr);
		break;
	case DOCTEMPLATE_CHOICE:
		rc = html_appendf(b, "<select name=\"f_%s\"%r><option value=\"\">请选择</option>",
		                  fd->name, req_attr);
		for (size_t i = 0; i < fd->choice_count && rc == 0; i++)
			rc = html_appendf(b, "<option value=\"%s\"%r>%s</option>", fd->choices[i],
			                  value && strcmp(value, fd->choices[i]) == 0 ? " selected"
			                                                              : "",
			                  fd->choices[i]);
		if (rc == 0)
			rc = buf_append_str(b, "</select>");
		break;
	default:
		rc = html_appendf(
		        b, "<input type=\"text\" name=\"f_%s\" value=\"%s\" maxlength=\"%d\"%r>",
		        fd->name, value, max, req_attr);
		break;
	}
	if (rc == 0 && fd->help[0])
		rc = html_appendf(b, "<small class=\"hint\">%s</small>", fd->help);
	return rc ? rc : buf_append_str(b, "</label>\n");
}

static int reviews_pages__act_boxes(struct buf *b, const struct reviews_pages_draft_form *f)
{
	int rc = 0;

	for (int a = 1; a <= MAJORCAT_ACT_COUNT && rc == 0; a++) {
		const char *code = majorcat_act_code((enum majorcat_act)a);
		bool on = false;

		if (f->posted) {
			for (size_t i = 0; i < f->posted->count && !on; i++)
				on = strcmp(f->posted->fields[i].name, "act") == 0 &&
				     strcmp(f->posted->fields[i].value, code) == 0;
		} else if (f->draft) {
			on = reviews_pages__has_act(f->draft->acts, code);
		}
		rc = html_appendf(b,
		                  "<label class=\"check\"><input type=\"checkbox\" name=\"act\" "
		                  "value=\"%s\"%r> %s</label>\n",
		                  code, on ? " checked" : "",
		                  majorcat_act_label((enum majorcat_act)a));
	}
	return rc;
}

/* A form value, or the draft's amount in 元, or its flag. */
static const char *reviews_pages__amount_value(struct http_request *req,
                                               const struct reviews_pages_draft_form *f,
                                               const char *name, int64_t fen)
{
	char yuan[48];

	if (f->posted)
		return http_form_get(f->posted, name);
	if (!f->draft)
		return NULL;
	reviews_pages__yuan(yuan, sizeof(yuan), fen, true);
	return pool_strdup(req->pool, yuan);
}

static bool reviews_pages__flag_value(const struct reviews_pages_draft_form *f, const char *name,
                                      bool flag)
{
	if (f->posted)
		return !reviews_pages__empty(http_form_get(f->posted, name));
	return f->draft && flag;
}

static int reviews_pages__render_draft(struct http_request *req, struct http_response *resp,
                                       int status, const struct service_actor *actor,
                                       const struct service_case *sc, const char *view_reason,
                                       const struct reviews_pages_draft_form *f, const char *error)
{
	const struct doctemplate *t =
	        doctemplates_find(req->app->svc->templates, REVIEWS_PAGES_DECISION_TEMPLATE);
	const struct store_case_draft *d = f->draft;
	struct buf fields, acts, hidden;
	char key[DOCTEMPLATE_CODE_SIZE + 4], version[24] = "";
	int rc = 0;

	if (!t) {
		struct sx_error err;

		sx_error_clear(&err);
		sx_error_set(&err, SX_ENOTFOUND, "template_not_found", "文书模板不存在");
		return http_respond_error(resp, req, &err);
	}
	if (d)
		snprintf(version, sizeof(version), "%lld", (long long)d->version);
	buf_init(&fields, REVIEWS_PAGES_FRAGMENT_MAX);
	buf_init(&acts, REVIEWS_PAGES_FRAGMENT_MAX);
	buf_init(&hidden, REVIEWS_PAGES_FRAGMENT_MAX);
	for (size_t i = 0; i < t->field_count && rc == 0; i++) {
		if (doctemplate_field_type_is_system(t->fields[i].type))
			continue;
		rc = reviews_pages__draft_field(
		        &fields, &t->fields[i],
		        reviews_pages__draft_value(f, t->fields[i].name, key, sizeof(key)));
	}
	if (rc == 0)
		rc = reviews_pages__act_boxes(&acts, f);
	if (rc == 0)
		rc = reviews_pages__hidden(&hidden, actor, view_reason);
	if (rc == 0) {
		struct template_var vars[] = {
		        {"title", "拟作出的行政处罚决定"},
		        {"user_name", actor->display_name},
		        {"role_label", account_role_label(actor->role)},
		        {"agency_name", actor->agency_name},
		        {"case_id", sc->c.id},
		        {"case_url", reviews_pages__case_url(req, sc->c.id, NULL, view_reason)},
		        {"case_no", sc->c.case_no},
		        {"stage_label", reviews_pages__stage_label(sc->c.stage)},
		        {"version", version},
		        {"values_missing", d && !f->values && !f->posted ? "1" : ""},
		        {"fields", fields.data},
		        {"acts", acts.data},
		        {"fine_yuan",
		         reviews_pages__amount_value(req, f, "fine_yuan", d ? d->fine_fen : 0)},
		        {"confiscation_yuan",
		         reviews_pages__amount_value(req, f, "confiscation_yuan",
		                                     d ? d->confiscation_fen : 0)},
		        {"coercion_yuan",
		         reviews_pages__amount_value(req, f, "coercion_yuan",
		                                     d ? d->coercion_value_fen : 0)},
		        {"public_interest",
		         reviews_pages__flag_value(f, "public_interest", d && d->public_interest)
		                 ? "1"
		                 : ""},
		        {"complex",
		         reviews_pages__flag_value(f, "complex", d && d->complex) ? "1" : ""},
		        {"multi_agency",
		         reviews_pages__flag_value(f, "multi_agency", d && d->multi_agency) ? "1"
		                                                                            : ""},
		        {"note", f->posted ? http_form_get(f->posted, "note") : NULL},
		        {"hidden", hidden.data},
		        {"error", error},
		};

		rc = http_respond_page(resp, req, status, "staff_case_draft.html", vars,
		                       sizeof(vars) / sizeof(vars[0]));
	} else {
		rc = reviews_pages__nomem(resp, req);
	}
	buf_free(&fields);
	buf_free(&acts);
	buf_free(&hidden);
	return rc;
}

/* The case file in pool memory (service_case_clear it); on error *out is NULL. */
static int reviews_pages__get_case(struct service_case **out, struct http_request *req,
                                   const struct service_actor *actor, const char *case_id,
                                   const char *reason, struct sx_error *err)
{
	struct service_case *sc;

	*out = NULL;
	if ((sc = pool_calloc(req->pool, 1, sizeof(*sc))) == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	if (service_case_get(sc, req->app->svc, actor, case_id,
	                     reviews_pages__empty(reason) ? NULL : reason, req->remote_addr,
	                     err) < 0)
		return err->rc;
	*out = sc;
	return 0;
}

/* The latest draft's values (a new reference), or NULL when there is none or it cannot be
 * read: reading it is logged as a 调阅 of the case file. */
static json_t *reviews_pages__latest_values(struct http_request *req,
                                            const struct service_actor *actor,
                                            const char *case_id, const char *reason)
{
	struct store_case_draft d;
	struct sx_error err;
	json_t *values = NULL;
	json_error_t jerr;

	sx_error_clear(&err);
	if (service_draft_get(&d, req->app->svc, actor, case_id,
	                      reviews_pages__empty(reason) ? NULL : reason, req->remote_addr,
	                      &err) == 0)
		values = json_loads(d.body, 0, &jerr);
	store_case_draft_clear(&d);
	if (values && !json_is_object(values)) {
		json_decref(values);
		values = NULL;
	}
	return values;
}

int page_staff_case_draft(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_case *sc = NULL;
	struct reviews_pages_draft_form f;
	struct sx_error err;
	const char *reason = http_request_query(req, "reason");
	int rc = 0;

	if (http_staff_actor(&actor, req, resp, &rc))
		return rc;
	memset(&f, 0, sizeof(f));
	sx_error_clear(&err);
	if (reviews_pages__get_case(&sc, req, &actor, http_request_param(req, "id"), reason, &err) <
	    0)
		return http_respond_error(resp, req, &err);
	if (sc->review.has_draft) {
		f.draft = &sc->review.draft;
		f.values = reviews_pages__latest_values(req, &actor, sc->c.id, reason);
	}
	rc = reviews_pages__render_draft(req, resp, 200, &actor, sc, reason, &f, NULL);
	json_decref(f.values);
	service_case_clear(sc);
	return rc;
}

/* The template's values from the form's f_<name> fields (non-empty ones). */
static int reviews_pages__values_json(char **out, const struct doctemplates *reg,
                                      const struct http_form *form, struct sx_error *err)
{
	const struct doctemplate *t = doctemplates_find(reg, REVIEWS_PAGES_DECISION_TEMPLATE);
	struct doctemplate_values v;
	char key[DOCTEMPLATE_CODE_SIZE + 4];
	int rc = 0;

	*out = NULL;
	if (!t)
		return sx_error_set(err, SX_ENOTFOUND, "template_not_found", "文书模板不存在");
	memset(&v, 0, sizeof(v));
	for (size_t i = 0; i < t->field_count && rc == 0; i++) {
		const char *value;

		snprintf(key, sizeof(key), "f_%s", t->fields[i].name);
		value = http_form_get(form, key);
		if (!reviews_pages__empty(value) &&
		    (rc = doctemplate_values_set(&v, t->fields[i].name, value)) < 0)
			rc = sx_error_set(err, rc, NULL, NULL);
	}
	if (rc == 0)
		rc = doctemplates_values_to_json(out, &v, err);
	doctemplate_values_clear(&v);
	return rc;
}

/* The checked act words, space-separated, in pool memory. */
static const char *reviews_pages__form_acts(struct http_request *req, const struct http_form *form)
{
	struct buf b;
	const char *out;

	buf_init(&b, STORE_ACTS_SIZE * 4);
	for (size_t i = 0; i < form->count; i++) {
		if (strcmp(form->fields[i].name, "act") != 0 || !form->fields[i].value[0])
			continue;
		if ((b.len && buf_append_char(&b, ' ') < 0) ||
		    buf_append_str(&b, form->fields[i].value) < 0)
			break;
	}
	out = pool_strdup(req->pool, b.data ? b.data : "");
	buf_free(&b);
	return out;
}

int page_staff_case_draft_save(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct http_form form;
	struct service_draft_input in;
	struct store_case_draft d;
	struct sx_error err;
	const char *case_id = http_request_param(req, "id");
	const char *view_reason, *location;
	char *values = NULL;
	int rc = 0;

	if (reviews_pages__form_actor(&actor, &form, req, resp, &rc))
		return rc;
	memset(&in, 0, sizeof(in));
	memset(&d, 0, sizeof(d));
	sx_error_clear(&err);
	view_reason = http_form_get(&form, "view_reason");
	if ((in.acts = reviews_pages__form_acts(req, &form)) == NULL)
		return reviews_pages__nomem(resp, req);
	in.public_interest = !reviews_pages__empty(http_form_get(&form, "public_interest"));
	in.complex = !reviews_pages__empty(http_form_get(&form, "complex"));
	in.multi_agency = !reviews_pages__empty(http_form_get(&form, "multi_agency"));
	in.note = http_form_get(&form, "note");
	if (reviews_pages__values_json(&values, req->app->svc->templates, &form, &err) < 0 ||
	    reviews_pages__fen(&in.fine_fen, http_form_get(&form, "fine_yuan"), "罚款金额", &err) <
	            0 ||
	    reviews_pages__fen(&in.confiscation_fen, http_form_get(&form, "confiscation_yuan"),
	                       "没收金额", &err) < 0 ||
	    reviews_pages__fen(&in.coercion_value_fen, http_form_get(&form, "coercion_yuan"),
	                       "查封、扣押财物价值", &err) < 0)
		goto refused;
	in.values_json = values;
	in.values_len = strlen(values);
	if (service_draft_save(&d, req->app->svc, &actor, case_id, &in, &err) < 0)
		goto refused;
	sx_free(values);
	store_case_draft_clear(&d);
	if ((location = reviews_pages__case_url(req, case_id, "draft", view_reason)) == NULL)
		return reviews_pages__nomem(resp, req);
	return http_respond_redirect(resp, req, location);

refused:
	sx_free(values);
	if (reviews_pages__fatal(&err))
		return http_respond_error(resp, req, &err);
	{
		struct service_case *sc = NULL;
		struct reviews_pages_draft_form f;
		struct sx_error err2;

		memset(&f, 0, sizeof(f));
		sx_error_clear(&err2);
		if (reviews_pages__get_case(&sc, req, &actor, case_id, view_reason, &err2) < 0)
			return http_respond_error(resp, req, &err);
		f.posted = &form;
		if (sc->review.has_draft)
			f.draft = &sc->review.draft;
		rc = reviews_pages__render_draft(req, resp, http_status_for_error(err.rc), &actor,
		                                 sc, view_reason, &f, reviews_pages__message(&err));
		service_case_clear(sc);
		return rc;
	}
}

/* ---- POST /staff/cases/:id/reviews: submit ---- */

int page_staff_case_review_submit(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct http_form form;
	struct service_review *v;
	struct reviews_pages_view view;
	struct sx_error err;
	const char *location;
	int rc = 0;

	if (reviews_pages__form_actor(&actor, &form, req, resp, &rc))
		return rc;
	memset(&view, 0, sizeof(view));
	sx_error_clear(&err);
	view.view_reason = http_form_get(&form, "view_reason");
	if (reviews_pages__empty(view.view_reason))
		view.view_reason = NULL;
	if ((v = pool_calloc(req->pool, 1, sizeof(*v))) == NULL)
		return reviews_pages__nomem(resp, req);
	if (service_review_submit(v, req->app->svc, &actor, http_request_param(req, "id"),
	                          !reviews_pages__empty(http_form_get(&form, "urgent")),
	                          http_form_get(&form, "note"), &err) < 0) {
		if (strcmp(err.code, "materials_incomplete") == 0 && v->r.id[0]) {
			/* Kept as "returned": the review page lists what is missing. */
			view.error = reviews_pages__message(&err);
			rc = reviews_pages__render_review(req, resp, 422, &actor, v, &view);
			service_review_clear(v);
			return rc;
		}
		service_review_clear(v);
		return http_respond_error(resp, req, &err);
	}
	location = reviews_pages__review_url(req, v->r.id, "submit", view.view_reason);
	service_review_clear(v);
	if (location == NULL)
		return reviews_pages__nomem(resp, req);
	return http_respond_redirect(resp, req, location);
}

/* ---- 集体讨论: GET /staff/cases/:id/discussions/new, POST /staff/cases/:id/discussions ---- */

static int reviews_pages__render_discussion(struct http_request *req, struct http_response *resp,
                                            int status, const struct service_actor *actor,
                                            const struct service_case *sc, const char *view_reason,
                                            const struct http_form *posted, const char *error)
{
	struct buf hidden;
	char version[24] = "";
	int rc;

	buf_init(&hidden, REVIEWS_PAGES_FRAGMENT_MAX);
	if (sc->review.has_draft)
		snprintf(version, sizeof(version), "%lld", (long long)sc->review.draft.version);
	if ((rc = reviews_pages__hidden(&hidden, actor, view_reason)) == 0) {
		struct template_var vars[] = {
		        {"title", "集体讨论记录"},
		        {"user_name", actor->display_name},
		        {"role_label", account_role_label(actor->role)},
		        {"agency_name", actor->agency_name},
		        {"case_id", sc->c.id},
		        {"case_url", reviews_pages__case_url(req, sc->c.id, NULL, view_reason)},
		        {"case_no", sc->c.case_no},
		        {"draft_version", version},
		        {"hidden", hidden.data},
		        {"error", error},
		        {"held_at", posted ? http_form_get(posted, "held_at") : NULL},
		        {"place", posted ? http_form_get(posted, "place") : NULL},
		        {"host", posted ? http_form_get(posted, "host") : actor->display_name},
		        {"attendees", posted ? http_form_get(posted, "attendees") : NULL},
		        {"opinions", posted ? http_form_get(posted, "opinions") : NULL},
		        {"conclusion", posted ? http_form_get(posted, "conclusion") : NULL},
		};

		rc = http_respond_page(resp, req, status, "staff_discussion_new.html", vars,
		                       sizeof(vars) / sizeof(vars[0]));
	} else {
		rc = reviews_pages__nomem(resp, req);
	}
	buf_free(&hidden);
	return rc;
}

int page_staff_discussion_new(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_case *sc = NULL;
	struct sx_error err;
	const char *reason = http_request_query(req, "reason");
	int rc = 0;

	if (http_staff_actor(&actor, req, resp, &rc))
		return rc;
	sx_error_clear(&err);
	if (reviews_pages__get_case(&sc, req, &actor, http_request_param(req, "id"), reason, &err) <
	    0)
		return http_respond_error(resp, req, &err);
	rc = reviews_pages__render_discussion(req, resp, 200, &actor, sc, reason, NULL, NULL);
	service_case_clear(sc);
	return rc;
}

int page_staff_discussion_create(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct http_form form;
	struct service_discussion_input in;
	struct store_case_discussion d;
	struct sx_error err;
	const char *case_id = http_request_param(req, "id");
	const char *view_reason, *location;
	char *held_at = NULL;
	int rc = 0;

	if (reviews_pages__form_actor(&actor, &form, req, resp, &rc))
		return rc;
	memset(&in, 0, sizeof(in));
	memset(&d, 0, sizeof(d));
	sx_error_clear(&err);
	view_reason = http_form_get(&form, "view_reason");
	/* <input type="datetime-local"> sends "YYYY-MM-DDTHH:MM"; the record says "YYYY-MM-DD
	 * HH:MM". */
	if ((in.held_at = http_form_get(&form, "held_at")) != NULL) {
		if ((held_at = pool_strdup(req->pool, in.held_at)) == NULL)
			return reviews_pages__nomem(resp, req);
		if (strlen(held_at) > 10 && held_at[10] == 'T')
			held_at[10] = ' ';
		in.held_at = held_at;
	}
	in.place = http_form_get(&form, "place");
	in.host = http_form_get(&form, "host");
	in.attendees = http_form_get(&form, "attendees");
	in.opinions = http_form_get(&form, "opinions");
	in.conclusion = http_form_get(&form, "conclusion");
	if (service_discussion_record(&d, req->app->svc, &actor, case_id, &in, &err) < 0) {
		struct service_case *sc = NULL;
		struct sx_error err2;

		if (reviews_pages__fatal(&err))
			return http_respond_error(resp, req, &err);
		sx_error_clear(&err2);
		if (reviews_pages__get_case(&sc, req, &actor, case_id, view_reason, &err2) < 0)
			return http_respond_error(resp, req, &err);
		rc = reviews_pages__render_discussion(req, resp, http_status_for_error(err.rc),
		                                      &actor, sc, view_reason, &form,
		                                      reviews_pages__message(&err));
		service_case_clear(sc);
		return rc;
	}
	store_case_discussion_clear(&d);
	if ((location = reviews_pages__case_url(req, case_id, "discussion", view_reason)) == NULL)
		return reviews_pages__nomem(resp, req);
	return http_respond_redirect(resp, req, location);
}

/* ---- the case page's section ---- */

static int reviews_pages__section_chain(struct buf *b, const struct service_case_review *cr)
{
	const struct {
		const char *label, *who;
	} steps[] = {
	        {"送审", cr->submitted_by},      {"初审", cr->pre_reviewed_by},
	        {"审核", cr->reviewed_by},       {"集体讨论", cr->discussed_by},
	        {"负责人决定", cr->approved_by},
	};
	int rc = buf_append_str(b, "<ol class=\"review-chain chain-line\">");

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]) && rc == 0; i++)
		rc = html_appendf(b, "<li class=\"%r\"><span class=\"stage\">%s</span> %s</li>",
		                  steps[i].who[0] ? "done" : "pending", steps[i].label,
		                  steps[i].who[0] ? steps[i].who : "—");
	return rc ? rc : buf_append_str(b, "</ol>");
}

int reviews_pages_case_section(struct buf *b, const struct service_actor *actor,
                               const char *case_id, const char *stage, bool actor_on_case,
                               const struct service_case_review *cr, const char *view_reason)
{
	bool open_review = cr->has_review && (strcmp(cr->review.status, "pre_review") == 0 ||
	                                      strcmp(cr->review.status, "accepted") == 0);
	char at[SX_TIME_DISPLAY_LEN];
	int rc;

	if (!cr->applicable)
		return 0;
	rc = html_appendf(b,
	                  "<section class=\"case-review\" id=\"review\"><h2>法制审核</h2>"
	                  "<dl class=\"fields\"><dt>重大执法决定</dt><dd>%r",
	                  cr->major ? "<span class=\"tag tag-major\">是</span>" : "否");
	if (rc == 0 && cr->major && cr->major_reasons[0])
		rc = html_appendf(b, "<br><small>%s</small>", cr->major_reasons);
	if (rc == 0)
		rc = html_appendf(
		        b, "%r</dd><dt>决定草案</dt><dd>",
		        cr->major ? "<br><small>作出决定前须经法制审核，审核未通过的不得作出决定"
		                    "（《行政处罚法》第五十八条）</small>"
		                  : "");
	if (rc == 0 && cr->has_draft) {
		reviews_pages__local_time(at, cr->draft.created_at);
		rc = html_appendf(b, "第 %D 稿 · %s · %s", cr->draft.version, at,
		                  cr->draft.created_by_name);
	} else if (rc == 0) {
		rc = buf_append_str(b, "尚未拟稿");
	}
	if (rc == 0 && actor_on_case) {
		rc = html_appendf(b, " <a class=\"draft-link\" href=\"/staff/cases/%u/draft",
		                  case_id);
		if (rc == 0 && !reviews_pages__empty(view_reason))
			rc = html_appendf(b, "?reason=%u", view_reason);
		if (rc == 0)
			rc = html_appendf(b, "\">%r</a>",
			                  cr->has_draft ? "修改草案" : "拟写决定草案");
	}
	if (rc == 0)
		rc = buf_append_str(b, "</dd><dt>法制审核</dt><dd>");
	if (rc == 0 && cr->has_review) {
		rc = html_appendf(b, "<a class=\"review-link\" href=\"/staff/reviews/%u",
		                  cr->review.id);
		if (rc == 0 && !reviews_pages__empty(view_reason))
			rc = html_appendf(b, "?reason=%u", view_reason);
		if (rc == 0)
			rc = html_appendf(
			        b,
			        "\">第 %D 次送审</a> <span class=\"review-status status-%s\">"
			        "%s</span>",
			        cr->review.seq, cr->review.status,
			        reviews_status_label(cr->review.status));
		if (rc == 0 && cr->review.due_on[0] && strcmp(cr->review.status, "accepted") == 0)
			rc = html_appendf(b, " · 审核期限 %s", cr->review.due_on);
		if (rc == 0 && cr->review.conclusion[0])
			rc = html_appendf(b, " · 结论：<strong>%s</strong>",
			                  reviews_pages__conclusion_label(cr->review.conclusion));
		if (rc == 0)
			rc = html_appendf(b, "%r",
			                  cr->review_passed
			                          ? " <span class=\"tag passed\">审核通过</span>"
			                  : cr->review.conclusion[0] && !open_review
			                          ? " <span class=\"tag\">未通过或草案已修改</span>"
			                          : "");
	} else if (rc == 0) {
		rc = buf_append_str(b, "尚未送审");
	}
	if (rc == 0)
		rc = html_appendf(b, "</dd><dt>集体讨论</dt><dd>%r",
		                  cr->discussion_required
		                          ? (cr->discussion_done
		                                     ? "须集体讨论 · 已讨论"
		                                     : "须集体讨论 · <strong>尚未讨论</strong>")
		                  : cr->discussion_done ? "已讨论"
		                                        : "不要求");
	if (rc == 0 && actor->role == ACCOUNT_ROLE_AGENCY_HEAD && cr->has_draft) {
		rc = html_appendf(b, " <a href=\"/staff/cases/%u/discussions/new", case_id);
		if (rc == 0 && !reviews_pages__empty(view_reason))
			rc = html_appendf(b, "?reason=%u", view_reason);
		if (rc == 0)
			rc = buf_append_str(b, "\">记录集体讨论</a>");
	}
	if (rc == 0)
		rc = buf_append_str(b, "</dd></dl>");
	if (rc == 0)
		rc = reviews_pages__section_chain(b, cr);
	/* 送审: an officer on the case, in 法制审核, with a draft and no review open. */
	if (rc == 0 && actor_on_case && strcmp(stage, "legal_review") == 0 && cr->has_draft &&
	    !open_review) {
		rc = html_appendf(
		        b,
		        "<form method=\"post\" action=\"/staff/cases/%u/reviews\" "
		        "class=\"case-form review-submit\">"
		        "<input type=\"hidden\" name=\"csrf_token\" value=\"%s\">"
		        "<input type=\"hidden\" name=\"view_reason\" value=\"%s\">"
		        "<label class=\"check\"><input type=\"checkbox\" name=\"urgent\" "
		        "value=\"1\"> 情况紧急（1 个工作日内审结）</label>"
		        "<label>送审说明<textarea name=\"note\" rows=\"2\" maxlength=\"500\">"
		        "</textarea></label><button type=\"submit\">送法制审核（第 %D 稿）</button>"
		        "</form>",
		        case_id, actor->csrf_token, view_reason ? view_reason : "",
		        cr->draft.version);
	}
	return rc ? rc : buf_append_str(b, "</section>\n");
}
