/*
 * http/lists_pages — an agency's public lists (事前公开): the 执法事项清单 with
 * a page and a flowchart per matter, the 随机抽查事项清单, the 裁量基准, the
 * 音像记录事项清单, and the 历史版本 with the difference each version made.
 *
 *   GET /agencies/:id/matters?version=&type=          page: the list, filtered by 类别
 *   GET /agencies/:id/matters/:code?version=          page: one matter
 *   GET /agencies/:id/matters/:code/flowchart.svg?version=   image/svg+xml
 *   GET /agencies/:id/random-inspection?version=      page: 随机抽查事项
 *   GET /agencies/:id/discretion?version=             page: 裁量基准 per matter
 *   GET /agencies/:id/av-list?version=                page: 音像记录事项
 *   GET /agencies/:id/versions                        page: 历史版本
 *   GET /agencies/:id/versions/:n                     page: one version and its diff
 *   GET /api/v1/agencies/:id/matters?version=&view=   {"version","matters"}
 *   GET /api/v1/agencies/:id/matters/:code?version=   {"version","matter"}
 *   GET /api/v1/agencies/:id/list-versions            {"versions"}
 *   GET /api/v1/agencies/:id/list-versions/:n         {"version","diff"}
 *
 * version: absent or empty = the version in force today, otherwise 1–9
 * digits (400 "bad_version"); a path :n must be 1 or more. view: random, av,
 * discretion or all (400 "bad_view"). type: one of the ten 类别 words
 * (400 "bad_type").
 *
 * Who sees what is service/lists.h's business: every request is the public
 * (actor NULL) unless it carries a valid staff session, which is passed on so
 * that staff in scope also see pending versions; a missing or invalid session
 * is the public view, never an error. Pages rendered for a session are marked
 * no-store, so that no shared cache keeps a version the public may not see.
 *
 * Nothing is written. Pages work without JavaScript and on a phone (tables
 * stack into cards under 40rem, site.css); the diff reads without CSS ("+"
 * and "−" before each line, <ins> and <del>). Every value is HTML-escaped:
 * in templates by {{x}}, in fragments built here by buf_append_html_escaped;
 * values placed in URLs are percent-encoded first.
 *
 * Law: 国办发〔2018〕118号 二(一) (事前公开: 执法主体、权限、依据、程序、救济渠道
 * 和随机抽查事项清单), 三(二) (音像记录); 《行政处罚法》第三十四条 (裁量基准应当
 * 向社会公布); 《行政许可法》第三十条 (办事指南); 《行政复议法》第二十条 and
 * 《行政诉讼法》第四十六条 (救济途径).
 */
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "domain/listdiff.h"
#include "domain/matter.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/lists_handlers.h"
#include "http/template.h"
#include "report/flowchart.h"
#include "service/lists.h"
#include "service/matter_json.h"
#include "service/registry.h"

#define LISTS_FRAGMENT_MAX HTTP_RESPONSE_MAX_BYTES

/* What every handler here reads first. */
struct lists__request {
	const struct service_actor *actor; /* NULL = the public */
	const char *agency_id;             /* the path parameter as given */
	const char *agency_url;            /* "/agencies/<percent-encoded id>", pool memory */
	int64_t version;                   /* ?version=; 0 = the version in force */
};

/* The sibling pages of the nav, in order. */
enum lists__nav {
	LISTS_NAV_MATTERS = 0,
	LISTS_NAV_RANDOM,
	LISTS_NAV_DISCRETION,
	LISTS_NAV_AV,
	LISTS_NAV_VERSIONS,
	LISTS_NAV_NONE,
};

static const struct {
	const char *path;
	const char *label;
} lists__nav_items[] = {
	{"/matters", "执法事项清单"},   {"/random-inspection", "随机抽查事项"},
	{"/discretion", "裁量基准"},    {"/av-list", "音像记录事项"},
	{"/versions", "历史版本"},
};

/* ---- arguments ---- */

/*
 * Reads a version number: absent or empty = 0 (the version in force) unless
 * required; otherwise 1–9 decimal digits, and not 0 when required. Anything
 * else is SX_EINVALID "bad_version".
 */
static int lists__version_arg(int64_t *out, const char *text, bool required, struct sx_error *err)
{
	int rc = html_number_arg(out, text, 0, "bad_version", "版本号无效", err);

	if (rc == 0 && required && *out == 0)
		return sx_error_set(err, SX_EINVALID, "bad_version", "版本号无效");
	return rc;
}

/* ?view=: absent, empty or "all" = every matter. */
static int lists__view_arg(enum service_list_view *out, const char *text, struct sx_error *err)
{
	static const struct {
		const char *name;
		enum service_list_view view;
	} views[] = {
		{"all", SERVICE_LIST_ALL},
		{"random", SERVICE_LIST_RANDOM},
		{"av", SERVICE_LIST_AV},
		{"discretion", SERVICE_LIST_DISCRETION},
	};

	*out = SERVICE_LIST_ALL;
	if (text == NULL || text[0] == '\0')
		return 0;
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		if (strcmp(views[i].name, text) == 0) {
			*out = views[i].view;
			return 0;
		}
	}
	return sx_error_set(err, SX_EINVALID, "bad_view",
			    "清单视图无效，可选 random、av、discretion");
}

/* ?type=: absent or empty = every 类别. */
static int lists__type_arg(bool *by_type, enum matter_act_type *out, const char *text,
			   struct sx_error *err)
{
	*by_type = text != NULL && text[0] != '\0';
	*out = MATTER_ACT_OTHER;
	if (*by_type && matter_act_type_from_label(out, text) < 0)
		return sx_error_set(err, SX_EINVALID, "bad_type", "事项类别无效");
	return 0;
}

/*
 * Fills *out from the request: the actor (a valid session, else NULL), the
 * agency, and ?version= when read_version is set. SX_EINVALID "bad_version";
 * SX_ENOMEM. err is filled in both cases.
 */
static int lists__begin(struct lists__request *out, struct http_request *req,
			bool read_version, struct sx_error *err)
{
	struct service_actor *actor;
	struct sx_error ignored;
	struct buf url;
	int rc;

	memset(out, 0, sizeof(*out));
	out->agency_id = http_request_param(req, "id");
	if (read_version &&
	    (rc = lists__version_arg(&out->version, http_request_query(req, "version"), false,
				     err)) < 0)
		return rc;
	if ((actor = pool_alloc(req->pool, sizeof(*actor))) == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	/* A missing, expired or forged session is the public view, not an error. */
	sx_error_clear(&ignored);
	if (http_session_actor(actor, req, &ignored) == 0)
		out->actor = actor;
	buf_init(&url, 1024);
	if ((rc = buf_append_str(&url, "/agencies/")) == 0 &&
	    (rc = html_url_value(&url, out->agency_id)) == 0 &&
	    (out->agency_url = pool_strdup(req->pool, url.data)) == NULL)
		rc = SX_ENOMEM;
	buf_free(&url);
	if (rc < 0)
		return sx_error_set(err, rc, NULL, NULL);
	return 0;
}

/* Loads the list (or one matter of it, code non-NULL) into pool memory;
 * *out must be service_list_clear'ed when non-NULL. */
static int lists__get(struct service_list **out, struct http_request *req,
		      const struct lists__request *lr, enum service_list_view view,
		      const char *code, struct sx_error *err)
{
	struct service_list *l;
	int rc;

	*out = NULL;
	/* The version record is some KiB of text: keep it off the stack. */
	if ((l = pool_calloc(req->pool, 1, sizeof(*l))) == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	rc = service_list_get(l, req->app->svc, lr->actor, lr->agency_id, lr->version, view, code,
			      err);
	if (rc < 0)
		return rc;
	if (code != NULL && l->count == 0) {
		service_list_clear(l);
		return sx_error_set(err, SX_ENOTFOUND, "matter_not_found",
				    "该清单中没有这个执法事项");
	}
	*out = l;
	return 0;
}

/* Answers with a rendered page; a page seen through a staff session may
 * show what the public may not, so no cache keeps it. */
static int lists__respond(struct http_response *resp, struct http_request *req,
			  const struct lists__request *lr, const char *name,
			  const struct template_var *vars, size_t count)
{
	int rc = http_respond_page(resp, req, 200, name, vars, count);

	if (rc == 0 && lr->actor != NULL)
		rc = http_response_header(resp, req, "Cache-Control", "private, no-store");
	return rc;
}

/* ---- fragments ---- */

/* "?version=N" when a version was asked for, nothing for the one in force. */
static int lists__version_query(struct buf *b, int64_t version)
{
	if (version <= 0)
		return 0;
	return buf_appendf(b, "?version=%lld", (long long)version);
}

/* agency_url "/matters/" code suffix ["?version=N"]: a matter's page or flowchart. */
static int lists__matter_href(struct buf *b, const char *agency_url, const char *code,
			      const char *suffix, int64_t version)
{
	int rc;

	if ((rc = buf_append_str(b, agency_url)) < 0 ||
	    (rc = buf_append_str(b, "/matters/")) < 0 || (rc = html_url_value(b, code)) < 0 ||
	    (rc = buf_append_str(b, suffix)) < 0)
		return rc;
	return lists__version_query(b, version);
}

/* <a href="…matter page…">text</a> */
static int lists__matter_link(struct buf *b, const struct lists__request *lr,
			      const struct matter *m, int64_t version)
{
	int rc;

	if ((rc = buf_append_str(b, "<a href=\"")) < 0 ||
	    (rc = lists__matter_href(b, lr->agency_url, m->code, "", version)) < 0 ||
	    (rc = buf_append_str(b, "\">")) < 0 || (rc = html_text(b, m->name)) < 0)
		return rc;
	return buf_append_str(b, "</a>");
}

/* The links to the sibling pages; `current` is marked for assistive technology.
 * The four list views keep the version being looked at. */
static int lists__nav(struct buf *b, const struct lists__request *lr, enum lists__nav current)
{
	int rc = buf_append_str(b, "<nav class=\"list-nav\" aria-label=\"事前公开清单\">");

	for (int i = LISTS_NAV_MATTERS; i <= LISTS_NAV_VERSIONS && rc == 0; i++) {
		if ((i > 0 && (rc = buf_append_str(b, " · ")) < 0) ||
		    (rc = buf_append_str(b, "<a href=\"")) < 0 ||
		    (rc = buf_append_str(b, lr->agency_url)) < 0 ||
		    (rc = buf_append_str(b, lists__nav_items[i].path)) < 0 ||
		    (i != LISTS_NAV_VERSIONS && (rc = lists__version_query(b, lr->version)) < 0) ||
		    (rc = buf_append_str(b, i == (int)current ? "\" aria-current=\"page\">"
							       : "\">")) < 0 ||
		    (rc = buf_append_str(b, lists__nav_items[i].label)) < 0)
			break;
		rc = buf_append_str(b, "</a>");
	}
	if (rc == 0)
		rc = buf_append_str(b, "</nav>");
	return rc;
}

/* A version's state: a word for CSS and a label for people. */
static void lists__state(const struct service_list_version *v, const char **code,
			 const char **label)
{
	if (strcmp(v->status, "approved") != 0) {
		*code = strcmp(v->status, "pending") == 0 ? "pending" : "rejected";
		*label = service_list_status_label(v->status);
	} else if (v->in_force) {
		*code = "current";
		*label = "现行";
	} else if (v->upcoming) {
		*code = "upcoming";
		*label = "即将生效";
	} else {
		*code = "expired";
		*label = "已失效";
	}
}

static int lists__badge(struct buf *b, const struct service_list_version *v)
{
	const char *code, *label;
	int rc;

	lists__state(v, &code, &label);
	if ((rc = buf_append_str(b, "<span class=\"badge badge-")) < 0 ||
	    (rc = buf_append_str(b, code)) < 0 || (rc = buf_append_str(b, "\">")) < 0 ||
	    (rc = html_text(b, label)) < 0)
		return rc;
	return buf_append_str(b, "</span>");
}

/* What a reader must know about a version that is not the one in force. */
static int lists__state_notice(struct buf *b, const struct lists__request *lr,
			       const struct service_list_version *v)
{
	const char *code, *label;
	int rc = 0;

	lists__state(v, &code, &label);
	(void)label;
	if (strcmp(code, "current") == 0)
		return 0;
	if ((rc = buf_append_str(b, "<p class=\"notice\" role=\"status\">")) < 0)
		return rc;
	if (strcmp(code, "upcoming") == 0) {
		if ((rc = buf_append_str(b, "本版清单已发布，将于 ")) < 0 ||
		    (rc = html_text(b, v->effective_from)) < 0 ||
		    (rc = buf_append_str(b, " 起生效；在此之前执行")) < 0)
			return rc;
	} else if (strcmp(code, "expired") == 0) {
		if ((rc = buf_append_str(b, "本版清单已失效")) < 0 ||
		    (v->effective_to[0] && ((rc = buf_append_str(b, "（有效期至 ")) < 0 ||
					    (rc = html_text(b, v->effective_to)) < 0 ||
					    (rc = buf_append_str(b, "）")) < 0)) ||
		    (rc = buf_append_str(b, "，仅供查阅；请以")) < 0)
			return rc;
	} else if (strcmp(code, "pending") == 0) {
		if ((rc = buf_append_str(b, "本版清单待审核，尚未公开，仅有权限的工作人员可见；"
					    "公众看到的是")) < 0)
			return rc;
	} else {
		if ((rc = buf_append_str(b, "本版清单已退回，不会公开；公众看到的是")) < 0)
			return rc;
	}
	if ((rc = buf_append_str(b, "<a href=\"")) < 0 ||
	    (rc = buf_append_str(b, lr->agency_url)) < 0 ||
	    (rc = buf_append_str(b, "/matters\">现行清单</a>")) < 0)
		return rc;
	return buf_append_str(b, strcmp(code, "expired") == 0 ? "为准。</p>" : "。</p>");
}

/*
 * The banner over a list: number, state, dates, 修订说明 and links. Compact
 * (on a matter's page): one line naming the list the matter comes from.
 */
static int lists__banner(struct buf *b, const struct lists__request *lr,
			 const struct service_list_version *v, bool compact)
{
	int rc;

	if (compact) {
		if ((rc = buf_append_str(b, "<p class=\"list-version\">本事项出自<a href=\"")) < 0 ||
		    (rc = buf_append_str(b, lr->agency_url)) < 0 ||
		    (rc = buf_append_str(b, "/matters")) < 0 ||
		    (rc = lists__version_query(b, lr->version)) < 0 ||
		    (rc = buf_appendf(b, "\">第 %lld 版执法事项清单</a>（", (long long)v->version)) <
			    0 ||
		    (rc = html_text(b, v->effective_from)) < 0 ||
		    (rc = buf_append_str(b, " 起生效） ")) < 0 || (rc = lists__badge(b, v)) < 0 ||
		    (rc = buf_append_str(b, "</p>")) < 0)
			return rc;
		return lists__state_notice(b, lr, v);
	}
	if ((rc = buf_append_str(b, "<div class=\"list-banner\"><p class=\"list-version\">")) < 0 ||
	    (rc = buf_appendf(b, "<strong>第 %lld 版</strong> ", (long long)v->version)) < 0 ||
	    (rc = lists__badge(b, v)) < 0 || (rc = buf_append_str(b, "</p>")) < 0 ||
	    (rc = lists__state_notice(b, lr, v)) < 0 ||
	    (rc = buf_append_str(b, "<dl class=\"fields\"><dt>生效日期</dt><dd>")) < 0 ||
	    (rc = html_text(b, v->effective_from)) < 0 || (rc = buf_append_str(b, "</dd>")) < 0)
		return rc;
	if (v->effective_to[0] &&
	    ((rc = buf_append_str(b, "<dt>失效日期</dt><dd>")) < 0 ||
	     (rc = html_text(b, v->effective_to)) < 0 || (rc = buf_append_str(b, "</dd>")) < 0))
		return rc;
	if ((rc = buf_append_str(b, "<dt>修订说明</dt><dd class=\"text\">")) < 0 ||
	    (rc = html_text(b, v->summary)) < 0 ||
	    (rc = buf_append_str(b, "</dd></dl><p class=\"list-links\"><a href=\"")) < 0 ||
	    (rc = buf_append_str(b, lr->agency_url)) < 0 ||
	    (rc = buf_appendf(b, "/versions/%lld\">本版变更内容</a> · <a href=\"",
			      (long long)v->version)) < 0 ||
	    (rc = buf_append_str(b, lr->agency_url)) < 0)
		return rc;
	return buf_append_str(b, "/versions\">历史版本</a></p></div>");
}

/* 随机抽查 / 重大执法决定 / 音像记录 tags; "—" when none applies. One
 * element, so that a stacked table cell (a grid on phones) keeps them on a line. */
static int lists__tags(struct buf *b, const struct matter *m)
{
	bool any = false;
	int rc;

	if ((rc = buf_append_str(b, "<span class=\"tags\">")) < 0)
		return rc;
	if (m->random_inspection) {
		if ((rc = buf_append_str(b, "<span class=\"tag tag-random\">随机抽查</span> ")) < 0)
			return rc;
		any = true;
	}
	if (m->major_decision) {
		if ((rc = buf_append_str(b, "<span class=\"tag tag-major\">重大执法决定</span> ")) <
		    0)
			return rc;
		any = true;
	}
	if (m->av_requirement != MATTER_AV_NONE) {
		if ((rc = buf_append_str(b, "<span class=\"tag tag-av\">音像记录：")) < 0 ||
		    (rc = html_text(b, matter_av_label(m->av_requirement))) < 0 ||
		    (rc = buf_append_str(b, "</span>")) < 0)
			return rc;
		any = true;
	}
	if (!any && (rc = buf_append_str(b, "—")) < 0)
		return rc;
	return buf_append_str(b, "</span>");
}

static int lists__basis_text(struct buf *b, const struct matter_basis *basis)
{
	int rc = html_text(b, basis->law);

	return rc < 0 ? rc : html_text(b, basis->article);
}

/* "0.00 元 至 5,000.00 元"; "不罚款" when the range is nothing. */
static int lists__fine_range(struct buf *b, const struct matter_discretion *d)
{
	char min[48], max[48];
	int rc;

	if (d->min_fen == 0 && d->max_fen == 0)
		return buf_append_str(b, "不罚款");
	if ((rc = matter_format_fen(min, sizeof(min), d->min_fen)) < 0 ||
	    (rc = matter_format_fen(max, sizeof(max), d->max_fen)) < 0)
		return rc;
	return buf_appendf(b, "%s 至 %s", min, max);
}

static int lists__discretion_table(struct buf *b, const struct matter *m)
{
	int rc = buf_append_str(b, "<table class=\"stack discretion\"><thead><tr><th>违法情节</th>"
				   "<th>裁量阶次</th><th>罚款幅度</th><th>其他处罚</th></tr>"
				   "</thead><tbody>\n");

	for (size_t i = 0; i < m->discretion_count && rc == 0; i++) {
		const struct matter_discretion *d = &m->discretion[i];
		const char *level = matter_discretion_level_label(d->level);

		if ((rc = buf_append_str(b, "<tr><td data-label=\"违法情节\" class=\"text\">")) < 0 ||
		    (rc = html_text(b, d->circumstance)) < 0 ||
		    (rc = buf_append_str(b, "</td><td data-label=\"裁量阶次\">")) < 0 ||
		    (rc = html_text(b, level[0] ? level : d->level)) < 0 ||
		    (rc = buf_append_str(b, "</td><td data-label=\"罚款幅度\">")) < 0 ||
		    (rc = lists__fine_range(b, d)) < 0 ||
		    (rc = buf_append_str(b, "</td><td data-label=\"其他处罚\" class=\"text\">")) < 0 ||
		    (rc = html_text(b, d->other[0] ? d->other : "—")) < 0)
			break;
		rc = buf_append_str(b, "</td></tr>\n");
	}
	if (rc == 0)
		rc = buf_append_str(b, "</tbody></table>\n");
	return rc;
}

/* The stages to record, the fully recorded ones marked 全过程. */
static int lists__av_stages(struct buf *b, const struct matter *m)
{
	int rc;

	if (m->av_stage_count == 0)
		return buf_append_str(b, "—");
	rc = buf_append_str(b, "<ul class=\"av-stages\">");
	for (size_t i = 0; i < m->av_stage_count && rc == 0; i++) {
		if ((rc = buf_append_str(b, "<li>")) < 0 ||
		    (rc = html_text(b, m->av_stages[i].stage)) < 0 ||
		    (m->av_stages[i].full_process &&
		     (rc = buf_append_str(b, " <span class=\"tag tag-full\">全过程</span>")) < 0))
			break;
		rc = buf_append_str(b, "</li>");
	}
	if (rc == 0)
		rc = buf_append_str(b, "</ul>");
	return rc;
}

/* ---- 执法事项清单 ---- */

static int lists__type_options(struct buf *b, bool by_type, enum matter_act_type chosen)
{
	int rc = 0;

	for (int t = MATTER_ACT_LICENSE; t <= MATTER_ACT_OTHER && rc == 0; t++) {
		const char *label = matter_act_type_label((enum matter_act_type)t);

		if ((rc = buf_append_str(b, "<option value=\"")) < 0 ||
		    (rc = html_text(b, label)) < 0 ||
		    (rc = buf_append_str(b, by_type && t == (int)chosen ? "\" selected>" : "\">")) <
			    0 ||
		    (rc = html_text(b, label)) < 0)
			break;
		rc = buf_append_str(b, "</option>");
	}
	return rc;
}

static int lists__matter_rows(struct buf *b, size_t *shown, const struct lists__request *lr,
			      const struct service_list *l, bool by_type, enum matter_act_type type)
{
	int rc = 0;

	*shown = 0;
	for (size_t i = 0; i < l->count && rc == 0; i++) {
		const struct matter *m = &l->items[i];

		if (by_type && m->act_type != type)
			continue;
		(*shown)++;
		if ((rc = buf_append_str(b, "<tr><td data-label=\"编码\"><code>")) < 0 ||
		    (rc = html_text(b, m->code)) < 0 ||
		    (rc = buf_append_str(b, "</code></td><td data-label=\"事项名称\">")) < 0 ||
		    (rc = lists__matter_link(b, lr, m, lr->version)) < 0 ||
		    (rc = buf_append_str(b, "</td><td data-label=\"类别\">")) < 0 ||
		    (rc = html_text(b, matter_act_type_label(m->act_type))) < 0 ||
		    (rc = buf_append_str(b, "</td><td data-label=\"责任单位\">")) < 0 ||
		    (rc = html_text(b, m->unit)) < 0 ||
		    (rc = buf_append_str(b, "</td><td data-label=\"标记\">")) < 0 ||
		    (rc = lists__tags(b, m)) < 0)
			break;
		rc = buf_append_str(b, "</td></tr>\n");
	}
	return rc;
}

int page_matters(struct http_request *req, struct http_response *resp)
{
	struct lists__request lr;
	struct service_list *l = NULL;
	enum matter_act_type type = MATTER_ACT_OTHER;
	bool by_type = false;
	struct sx_error err;
	struct buf nav, banner, options, rows;
	char count[32], version[32];
	size_t shown = 0;
	int rc;

	sx_error_clear(&err);
	buf_init(&nav, LISTS_FRAGMENT_MAX);
	buf_init(&banner, LISTS_FRAGMENT_MAX);
	buf_init(&options, LISTS_FRAGMENT_MAX);
	buf_init(&rows, LISTS_FRAGMENT_MAX);
	if (lists__begin(&lr, req, true, &err) < 0 ||
	    lists__type_arg(&by_type, &type, http_request_query(req, "type"), &err) < 0 ||
	    lists__get(&l, req, &lr, SERVICE_LIST_ALL, NULL, &err) < 0) {
		rc = http_respond_error(resp, req, &err);
		goto cleanup;
	}
	if ((rc = lists__nav(&nav, &lr, LISTS_NAV_MATTERS)) < 0 ||
	    (rc = lists__banner(&banner, &lr, &l->version, false)) < 0 ||
	    (rc = lists__type_options(&options, by_type, type)) < 0 ||
	    (rc = lists__matter_rows(&rows, &shown, &lr, l, by_type, type)) < 0)
		goto cleanup;
	snprintf(count, sizeof(count), "%zu", shown);
	snprintf(version, sizeof(version), "%lld", (long long)lr.version);
	{
		const char *title = pool_printf(req->pool, "执法事项清单 · %s",
						l->version.agency_name);
		struct template_var vars[] = {
			{"title", title ? title : "执法事项清单"},
			{"agency_url", lr.agency_url},
			{"agency_name", l->version.agency_name},
			{"nav", nav.data},
			{"banner", banner.data},
			{"options", options.data},
			{"version_param", lr.version > 0 ? version : ""},
			{"type", by_type ? matter_act_type_label(type) : ""},
			{"count", count},
			{"rows", rows.data},
			{"empty", shown == 0 ? "1" : ""},
		};

		rc = lists__respond(resp, req, &lr, "matters.html", vars,
				    sizeof(vars) / sizeof(vars[0]));
	}
cleanup:
	service_list_clear(l);
	buf_free(&nav);
	buf_free(&banner);
	buf_free(&options);
	buf_free(&rows);
	return rc;
}

/* ---- one matter ---- */

static int lists__basis_list(struct buf *b, const struct matter *m)
{
	int rc = buf_append_str(b, "<ul class=\"basis\">");

	for (size_t i = 0; i < m->basis_count && rc == 0; i++) {
		if ((rc = buf_append_str(b, "<li>")) < 0 ||
		    (rc = lists__basis_text(b, &m->basis[i])) < 0)
			break;
		rc = buf_append_str(b, "</li>");
	}
	if (rc == 0)
		rc = buf_append_str(b, "</ul>");
	return rc;
}

static int lists__steps(struct buf *b, const struct matter *m)
{
	int rc = buf_append_str(b, "<ol class=\"steps\">");

	for (size_t i = 0; i < m->step_count && rc == 0; i++) {
		const struct matter_step *s = &m->steps[i];

		if ((rc = buf_append_str(b, "<li><strong>")) < 0 ||
		    (rc = html_text(b, s->title)) < 0 ||
		    (rc = buf_append_str(b, "</strong>")) < 0 ||
		    (s->days > 0 &&
		     (rc = buf_appendf(b, " <span class=\"days\">（%d 个工作日）</span>", s->days)) <
			     0) ||
		    (s->detail[0] &&
		     ((rc = buf_append_str(b, "<p class=\"text\">")) < 0 ||
		      (rc = html_text(b, s->detail)) < 0 || (rc = buf_append_str(b, "</p>")) < 0)))
			break;
		rc = buf_append_str(b, "</li>");
	}
	if (rc == 0)
		rc = buf_append_str(b, "</ol>");
	return rc;
}

/* 办事指南 of a 许可 (《行政许可法》第三十条). */
static int lists__guide(struct buf *b, const struct matter *m)
{
	const struct matter_guide *g = &m->guide;
	int promised = g->promised_days > 0 ? g->promised_days : g->legal_days;
	char fee[48];
	int rc;

	if ((rc = buf_append_str(b, "<dl class=\"fields guide\"><dt>申请材料</dt><dd>"
				    "<ol class=\"materials\">")) < 0)
		return rc;
	for (size_t i = 0; i < g->material_count && rc == 0; i++) {
		if ((rc = buf_append_str(b, "<li class=\"text\">")) < 0 ||
		    (rc = html_text(b, g->materials[i])) < 0)
			break;
		rc = buf_append_str(b, "</li>");
	}
	if (rc < 0 ||
	    (rc = buf_appendf(b, "</ol></dd><dt>法定办结时限</dt><dd>%d 个工作日</dd>"
			      "<dt>承诺办结时限</dt><dd>%d 个工作日</dd><dt>收费</dt><dd>",
			      g->legal_days, promised)) < 0)
		return rc;
	if (g->fee_fen <= 0) {
		rc = buf_append_str(b, "不收费");
	} else if ((rc = matter_format_fen(fee, sizeof(fee), g->fee_fen)) == 0 &&
		   (rc = buf_append_str(b, fee)) == 0 && g->fee_basis[0]) {
		if ((rc = buf_append_str(b, "（收费依据：")) == 0 &&
		    (rc = html_text(b, g->fee_basis)) == 0)
			rc = buf_append_str(b, "）");
	}
	if (rc < 0 || (rc = buf_append_str(b, "</dd>")) < 0)
		return rc;
	if (g->place[0] && ((rc = buf_append_str(b, "<dt>办理地点</dt><dd class=\"text\">")) < 0 ||
			    (rc = html_text(b, g->place)) < 0 ||
			    (rc = buf_append_str(b, "</dd>")) < 0))
		return rc;
	return buf_append_str(b, "</dl>");
}

static int lists__av_section(struct buf *b, const struct matter *m)
{
	int rc;

	if (m->av_requirement == MATTER_AV_NONE)
		return buf_append_str(b, "<p>本事项没有音像记录要求。</p>");
	if ((rc = buf_append_str(b, "<p>音像记录要求：<strong>")) < 0 ||
	    (rc = html_text(b, matter_av_label(m->av_requirement))) < 0 ||
	    (rc = buf_append_str(b, "</strong>。需记录的环节（标注“全过程”的环节从开始到结束"
				    "不间断记录）：</p>")) < 0)
		return rc;
	return lists__av_stages(b, m);
}

int page_matter(struct http_request *req, struct http_response *resp)
{
	struct lists__request lr;
	struct service_list *l = NULL;
	const struct matter *m;
	struct sx_error err;
	struct buf nav, banner, tags, basis, steps, guide, discretion, av, links;
	char review_days[16], litigation_months[16];
	const char *flowchart_url, *list_url;
	int rc;

	sx_error_clear(&err);
	buf_init(&nav, LISTS_FRAGMENT_MAX);
	buf_init(&banner, LISTS_FRAGMENT_MAX);
	buf_init(&tags, LISTS_FRAGMENT_MAX);
	buf_init(&basis, LISTS_FRAGMENT_MAX);
	buf_init(&steps, LISTS_FRAGMENT_MAX);
	buf_init(&guide, LISTS_FRAGMENT_MAX);
	buf_init(&discretion, LISTS_FRAGMENT_MAX);
	buf_init(&av, LISTS_FRAGMENT_MAX);
	buf_init(&links, LISTS_FRAGMENT_MAX);
	if (lists__begin(&lr, req, true, &err) < 0 ||
	    lists__get(&l, req, &lr, SERVICE_LIST_ALL, http_request_param(req, "code"), &err) <
		    0) {
		rc = http_respond_error(resp, req, &err);
		goto cleanup;
	}
	m = &l->items[0];
	/* The image names the version shown here, so that it cannot come from
	 * another version if the one in force changes meanwhile. */
	if ((rc = lists__matter_href(&links, lr.agency_url, m->code, "/flowchart.svg",
				     l->version.version)) < 0)
		goto cleanup;
	if ((flowchart_url = pool_strdup(req->pool, links.data)) == NULL) {
		rc = SX_ENOMEM;
		goto cleanup;
	}
	buf_reset(&links);
	if ((rc = buf_append_str(&links, lr.agency_url)) < 0 ||
	    (rc = buf_append_str(&links, "/matters")) < 0 ||
	    (rc = lists__version_query(&links, lr.version)) < 0)
		goto cleanup;
	list_url = links.data;
	if ((rc = lists__nav(&nav, &lr, LISTS_NAV_NONE)) < 0 ||
	    (rc = lists__banner(&banner, &lr, &l->version, true)) < 0 ||
	    (rc = lists__tags(&tags, m)) < 0 || (rc = lists__basis_list(&basis, m)) < 0 ||
	    (rc = lists__steps(&steps, m)) < 0 ||
	    (m->has_guide && (rc = lists__guide(&guide, m)) < 0) ||
	    (m->discretion_count > 0 && (rc = lists__discretion_table(&discretion, m)) < 0) ||
	    (rc = lists__av_section(&av, m)) < 0)
		goto cleanup;
	snprintf(review_days, sizeof(review_days), "%d", m->remedies.review_days);
	snprintf(litigation_months, sizeof(litigation_months), "%d",
		 m->remedies.litigation_months);
	{
		const char *title = pool_printf(req->pool, "%s · %s", m->name,
						l->version.agency_name);
		struct template_var vars[] = {
			{"title", title ? title : m->name},
			{"agency_url", lr.agency_url},
			{"agency_name", l->version.agency_name},
			{"list_url", list_url},
			{"nav", nav.data},
			{"banner", banner.data},
			{"code", m->code},
			{"name", m->name},
			{"act_type", matter_act_type_label(m->act_type)},
			{"unit", m->unit},
			{"tags", tags.data},
			{"basis", basis.data},
			{"steps", steps.data},
			{"flowchart_url", flowchart_url},
			{"guide", guide.data},
			{"review_body", m->remedies.review_body},
			{"review_days", review_days},
			{"litigation_court", m->remedies.litigation_court},
			{"litigation_months", litigation_months},
			{"discretion", discretion.data},
			{"av", av.data},
		};

		rc = lists__respond(resp, req, &lr, "matter.html", vars,
				    sizeof(vars) / sizeof(vars[0]));
	}
cleanup:
	service_list_clear(l);
	buf_free(&nav);
	buf_free(&banner);
	buf_free(&tags);
	buf_free(&basis);
	buf_free(&steps);
	buf_free(&guide);
	buf_free(&discretion);
	buf_free(&av);
	buf_free(&links);
	return rc;
}

int page_matter_flowchart_svg(struct http_request *req, struct http_response *resp)
{
	struct lists__request lr;
	struct service_list *l = NULL;
	struct flowchart_step *steps;
	const struct matter *m;
	const char *title;
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	if (lists__begin(&lr, req, true, &err) < 0 ||
	    lists__get(&l, req, &lr, SERVICE_LIST_ALL, http_request_param(req, "code"), &err) <
		    0) {
		rc = http_respond_error(resp, req, &err);
		goto cleanup;
	}
	m = &l->items[0];
	steps = pool_calloc(req->pool, m->step_count ? m->step_count : 1, sizeof(*steps));
	title = pool_printf(req->pool, "%s 办理流程图", m->name);
	if (steps == NULL || title == NULL) {
		rc = SX_ENOMEM;
		goto cleanup;
	}
	for (size_t i = 0; i < m->step_count; i++) {
		steps[i].title = m->steps[i].title;
		steps[i].detail = m->steps[i].detail;
		steps[i].days = m->steps[i].days;
	}
	buf_reset(&resp->body);
	if ((rc = flowchart_svg(&resp->body, title, steps, m->step_count)) < 0) {
		/* Stored matters were validated: anything but running out of room
		 * is our bug, not the client's. */
		buf_reset(&resp->body);
		sx_error_setf(&err, rc == SX_ENOMEM || rc == SX_ETOOBIG ? rc : SX_EINTERNAL, NULL,
			      NULL, "flowchart_svg %s/%s: %d", l->version.agency_id, m->code, rc);
		rc = http_respond_error(resp, req, &err);
		goto cleanup;
	}
	resp->status = 200;
	resp->content_type = "image/svg+xml";
	/* A published version never changes; one the public may not see must
	 * not sit in a shared cache. X-Content-Type-Options: nosniff is set on
	 * every answer by server.c. */
	rc = http_response_header(resp, req, "Cache-Control",
				  strcmp(l->version.status, "approved") == 0 ? "public, max-age=300"
									     : "private, no-store");
cleanup:
	service_list_clear(l);
	return rc;
}

/* ---- 随机抽查 / 裁量基准 / 音像记录 ---- */

static int lists__random_body(struct buf *b, const struct lists__request *lr,
			      const struct service_list *l)
{
	int rc;

	if (l->count == 0)
		return 0;
	rc = buf_append_str(b, "<table class=\"stack random\"><thead><tr><th>编码</th>"
			       "<th>事项名称</th><th>实施依据</th><th>责任单位</th></tr></thead>"
			       "<tbody>\n");
	for (size_t i = 0; i < l->count && rc == 0; i++) {
		const struct matter *m = &l->items[i];

		if ((rc = buf_append_str(b, "<tr><td data-label=\"编码\"><code>")) < 0 ||
		    (rc = html_text(b, m->code)) < 0 ||
		    (rc = buf_append_str(b, "</code></td><td data-label=\"事项名称\">")) < 0 ||
		    (rc = lists__matter_link(b, lr, m, lr->version)) < 0 ||
		    (rc = buf_append_str(b, "</td><td data-label=\"实施依据\"><span>")) < 0 ||
		    (rc = m->basis_count > 0 ? lists__basis_text(b, &m->basis[0])
					     : buf_append_str(b, "—")) < 0 ||
		    (m->basis_count > 1 &&
		     (rc = buf_appendf(b, " <small>等 %zu 项依据</small>", m->basis_count)) < 0) ||
		    (rc = buf_append_str(b, "</span></td><td data-label=\"责任单位\">")) < 0 ||
		    (rc = html_text(b, m->unit)) < 0)
			break;
		rc = buf_append_str(b, "</td></tr>\n");
	}
	if (rc == 0)
		rc = buf_append_str(b, "</tbody></table>\n");
	return rc;
}

static int lists__discretion_body(struct buf *b, const struct lists__request *lr,
				  const struct service_list *l)
{
	int rc = 0;

	for (size_t i = 0; i < l->count && rc == 0; i++) {
		const struct matter *m = &l->items[i];

		if ((rc = buf_append_str(b, "<section class=\"discretion-matter\"><h2>")) < 0 ||
		    (rc = lists__matter_link(b, lr, m, lr->version)) < 0 ||
		    (rc = buf_append_str(b, " <small><code>")) < 0 ||
		    (rc = html_text(b, m->code)) < 0 ||
		    (rc = buf_append_str(b, "</code></small></h2>\n")) < 0 ||
		    (rc = lists__discretion_table(b, m)) < 0)
			break;
		rc = buf_append_str(b, "</section>\n");
	}
	return rc;
}

static int lists__av_body(struct buf *b, const struct lists__request *lr,
			  const struct service_list *l)
{
	int rc;

	if (l->count == 0)
		return 0;
	rc = buf_append_str(b, "<table class=\"stack av\"><thead><tr><th>事项</th><th>要求</th>"
			       "<th>需记录的环节</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < l->count && rc == 0; i++) {
		const struct matter *m = &l->items[i];

		if ((rc = buf_append_str(b, "<tr><td data-label=\"事项\"><span>")) < 0 ||
		    (rc = lists__matter_link(b, lr, m, lr->version)) < 0 ||
		    (rc = buf_append_str(b, " <small><code>")) < 0 ||
		    (rc = html_text(b, m->code)) < 0 ||
		    (rc = buf_append_str(b, "</code></small></span></td>")) < 0 ||
		    (rc = buf_append_str(b, "<td data-label=\"要求\">")) < 0 ||
		    (rc = html_text(b, matter_av_label(m->av_requirement))) < 0 ||
		    (rc = buf_append_str(b, "</td><td data-label=\"需记录的环节\">")) < 0 ||
		    (rc = lists__av_stages(b, m)) < 0)
			break;
		rc = buf_append_str(b, "</td></tr>\n");
	}
	if (rc == 0)
		rc = buf_append_str(b, "</tbody></table>\n");
	return rc;
}

/* What distinguishes the three pages drawn from the list. */
struct lists__view_page {
	enum service_list_view view;
	enum lists__nav nav;
	const char *heading;
	const char *intro;
	const char *empty;
	int (*body)(struct buf *b, const struct lists__request *lr, const struct service_list *l);
};

static const struct lists__view_page lists__random_page = {
	SERVICE_LIST_RANDOM,
	LISTS_NAV_RANDOM,
	"随机抽查事项清单",
	"以下事项按“双随机、一公开”监管：随机抽取检查对象，随机选派执法检查人员，抽查情况和"
	"查处结果及时向社会公开。",
	"本清单中没有随机抽查事项。",
	lists__random_body,
};

static const struct lists__view_page lists__discretion_page = {
	SERVICE_LIST_DISCRETION,
	LISTS_NAV_DISCRETION,
	"行政处罚裁量基准",
	"同类违法行为按违法情节适用相应的裁量阶次和罚款幅度。裁量基准依《中华人民共和国行政处罚法》"
	"第三十四条向社会公布。",
	"本清单中没有公布裁量基准的事项。",
	lists__discretion_body,
};

static const struct lists__view_page lists__av_page = {
	SERVICE_LIST_AV,
	LISTS_NAV_AV,
	"音像记录事项清单",
	"以下事项的执法活动须进行音像记录；标注“全过程”的环节从开始到结束不间断记录。",
	"本清单中没有需要音像记录的事项。",
	lists__av_body,
};

static int lists__view(struct http_request *req, struct http_response *resp,
		       const struct lists__view_page *page)
{
	struct lists__request lr;
	struct service_list *l = NULL;
	struct sx_error err;
	struct buf nav, banner, body;
	int rc;

	sx_error_clear(&err);
	buf_init(&nav, LISTS_FRAGMENT_MAX);
	buf_init(&banner, LISTS_FRAGMENT_MAX);
	buf_init(&body, LISTS_FRAGMENT_MAX);
	if (lists__begin(&lr, req, true, &err) < 0 ||
	    lists__get(&l, req, &lr, page->view, NULL, &err) < 0) {
		rc = http_respond_error(resp, req, &err);
		goto cleanup;
	}
	if ((rc = lists__nav(&nav, &lr, page->nav)) < 0 ||
	    (rc = lists__banner(&banner, &lr, &l->version, false)) < 0 ||
	    (rc = page->body(&body, &lr, l)) < 0)
		goto cleanup;
	{
		const char *title = pool_printf(req->pool, "%s · %s", page->heading,
						l->version.agency_name);
		struct template_var vars[] = {
			{"title", title ? title : page->heading},
			{"heading", page->heading},
			{"intro", page->intro},
			{"agency_url", lr.agency_url},
			{"agency_name", l->version.agency_name},
			{"nav", nav.data},
			{"banner", banner.data},
			{"body", body.data},
			{"empty", l->count == 0 ? page->empty : ""},
		};

		rc = lists__respond(resp, req, &lr, "list_view.html", vars,
				    sizeof(vars) / sizeof(vars[0]));
	}
cleanup:
	service_list_clear(l);
	buf_free(&nav);
	buf_free(&banner);
	buf_free(&body);
	return rc;
}

int page_random_inspection(struct http_request *req, struct http_response *resp)
{
	return lists__view(req, resp, &lists__random_page);
}

int page_discretion(struct http_request *req, struct http_response *resp)
{
	return lists__view(req, resp, &lists__discretion_page);
}

int page_av_list(struct http_request *req, struct http_response *resp)
{
	return lists__view(req, resp, &lists__av_page);
}

/* ---- 历史版本 ---- */

/* A stored UTC time as people read it (Asia/Shanghai); the text as is if it
 * does not parse. */
static void lists__display_time(char *out, size_t out_size, const char *utc)
{
	int64_t us;
	char text[SX_TIME_DISPLAY_LEN];

	if (utc[0] != '\0' && sx_time_parse_utc(&us, utc, strlen(utc)) == 0) {
		sx_time_format_shanghai(text, us);
		snprintf(out, out_size, "%s", text);
	} else {
		snprintf(out, out_size, "%s", utc);
	}
}

/* The 失效日期 cell: the date, or the state when that says more. */
static int lists__until(struct buf *b, const struct service_list_version *v)
{
	int rc;

	if (strcmp(v->status, "approved") != 0 || v->in_force || v->upcoming) {
		if ((rc = lists__badge(b, v)) < 0)
			return rc;
		if (v->effective_to[0] == '\0')
			return 0;
		if ((rc = buf_append_str(b, " 至 ")) < 0)
			return rc;
	}
	return html_text(b, v->effective_to[0] ? v->effective_to : "—");
}

static int lists__version_rows(struct buf *b, const struct lists__request *lr,
			       const struct service_list_version *items, size_t count)
{
	int rc = 0;

	for (size_t i = 0; i < count && rc == 0; i++) {
		const struct service_list_version *v = &items[i];
		long long n = (long long)v->version;

		if ((rc = buf_appendf(b, "<tr><td data-label=\"版本\">第 %lld 版</td>"
					 "<td data-label=\"生效日期\">", n)) < 0 ||
		    (rc = html_text(b, v->effective_from)) < 0 ||
		    (rc = buf_append_str(b, "</td><td data-label=\"失效日期\"><span>")) < 0 ||
		    (rc = lists__until(b, v)) < 0 ||
		    (rc = buf_appendf(b, "</span></td><td data-label=\"事项数\">%lld 项</td>"
					 "<td data-label=\"修订说明\" class=\"text\">",
				      (long long)v->item_count)) < 0 ||
		    (rc = html_text(b, v->summary)) < 0 ||
		    (rc = buf_append_str(b, "</td><td data-label=\"查看\"><span><a href=\"")) < 0 ||
		    (rc = buf_append_str(b, lr->agency_url)) < 0 ||
		    (rc = buf_appendf(b, "/matters?version=%lld\">查看清单</a> · <a href=\"", n)) <
			    0 ||
		    (rc = buf_append_str(b, lr->agency_url)) < 0)
			break;
		rc = buf_appendf(b, "/versions/%lld\">变更对比</a></span></td></tr>\n", n);
	}
	return rc;
}

int page_list_versions(struct http_request *req, struct http_response *resp)
{
	struct lists__request lr;
	struct service_list_version *items = NULL;
	struct service_agency_public *agency = NULL;
	const char *agency_name;
	size_t count = 0;
	struct sx_error err;
	struct buf nav, rows;
	int rc;

	sx_error_clear(&err);
	buf_init(&nav, LISTS_FRAGMENT_MAX);
	buf_init(&rows, LISTS_FRAGMENT_MAX);
	if (lists__begin(&lr, req, false, &err) < 0 ||
	    service_list_versions(&items, &count, req->app->svc, lr.actor, lr.agency_id, &err) <
		    0) {
		rc = http_respond_error(resp, req, &err);
		goto cleanup;
	}
	if (count > 0) {
		agency_name = items[0].agency_name;
	} else {
		/* Nothing published yet: the name comes from the registry. */
		if ((agency = pool_alloc(req->pool, sizeof(*agency))) == NULL) {
			rc = SX_ENOMEM;
			goto cleanup;
		}
		if (service_agency_get_for(agency, req->app->svc, lr.actor, lr.agency_id, &err) <
		    0) {
			rc = http_respond_error(resp, req, &err);
			goto cleanup;
		}
		agency_name = agency->name;
	}
	if ((rc = lists__nav(&nav, &lr, LISTS_NAV_VERSIONS)) < 0 ||
	    (rc = lists__version_rows(&rows, &lr, items, count)) < 0)
		goto cleanup;
	{
		const char *title = pool_printf(req->pool, "历史版本 · %s", agency_name);
		struct template_var vars[] = {
			{"title", title ? title : "历史版本"},
			{"agency_url", lr.agency_url},
			{"agency_name", agency_name},
			{"nav", nav.data},
			{"rows", rows.data},
			{"empty", count == 0 ? "1" : ""},
		};

		rc = lists__respond(resp, req, &lr, "list_versions.html", vars,
				    sizeof(vars) / sizeof(vars[0]));
	}
cleanup:
	sx_free(items);
	buf_free(&nav);
	buf_free(&rows);
	return rc;
}

static const char *lists__kind_code(enum listdiff_kind kind)
{
	switch (kind) {
	case LISTDIFF_ADDED:
		return "added";
	case LISTDIFF_REMOVED:
		return "removed";
	case LISTDIFF_CHANGED:
		return "changed";
	}
	return "changed";
}

static const char *lists__kind_label(enum listdiff_kind kind)
{
	switch (kind) {
	case LISTDIFF_ADDED:
		return "新增";
	case LISTDIFF_REMOVED:
		return "删除";
	case LISTDIFF_CHANGED:
		return "修改";
	}
	return "修改";
}

static int lists__diff_entry(struct buf *b, const struct lists__request *lr,
			     const struct listdiff_entry *e, int64_t from, int64_t to)
{
	const char *kind = lists__kind_code(e->kind);
	int rc;

	/* A removed matter is read in the version that still had it. */
	if ((rc = buf_append_str(b, "<section class=\"diff-entry diff-")) < 0 ||
	    (rc = buf_append_str(b, kind)) < 0 ||
	    (rc = buf_append_str(b, "\"><h3><span class=\"badge badge-")) < 0 ||
	    (rc = buf_append_str(b, kind)) < 0 || (rc = buf_append_str(b, "\">")) < 0 ||
	    (rc = buf_append_str(b, lists__kind_label(e->kind))) < 0 ||
	    (rc = buf_append_str(b, "</span> <code>")) < 0 || (rc = html_text(b, e->code)) < 0 ||
	    (rc = buf_append_str(b, "</code> <a href=\"")) < 0 ||
	    (rc = lists__matter_href(b, lr->agency_url, e->code, "",
				     e->kind == LISTDIFF_REMOVED ? from : to)) < 0 ||
	    (rc = buf_append_str(b, "\">")) < 0 || (rc = html_text(b, e->name)) < 0 ||
	    (rc = buf_append_str(b, "</a></h3>\n<ul class=\"diff\">")) < 0)
		return rc;
	for (size_t i = 0; i < e->line_count && rc == 0; i++) {
		const struct listdiff_line *line = &e->lines[i];
		bool add = line->op == '+';

		if ((rc = buf_append_str(b, add ? "<li class=\"add\">+ <ins>"
						: "<li class=\"del\">− <del>")) < 0 ||
		    (rc = html_text(b, line->text)) < 0)
			break;
		rc = buf_append_str(b, add ? "</ins></li>\n" : "</del></li>\n");
	}
	if (rc == 0)
		rc = buf_append_str(b, "</ul></section>\n");
	return rc;
}

static int lists__diff_html(struct buf *b, const struct lists__request *lr,
			    const struct listdiff *d, const struct service_list_version *from,
			    const struct service_list_version *to)
{
	int rc;

	if (from->version == 0)
		return buf_appendf(b, "<p class=\"diff-summary\">首次发布，共 %lld 项。</p>\n",
				   (long long)to->item_count);
	if ((rc = buf_append_str(b, "<p class=\"diff-summary\">与<a href=\"")) < 0 ||
	    (rc = buf_append_str(b, lr->agency_url)) < 0 ||
	    (rc = buf_appendf(b, "/versions/%lld\">第 %lld 版</a>相比：新增 %zu 项，删除 %zu 项，"
				 "修改 %zu 项。</p>\n",
			      (long long)from->version, (long long)from->version, d->added,
			      d->removed, d->changed)) < 0)
		return rc;
	if (d->count == 0)
		return buf_append_str(b, "<p>两版清单的事项内容相同。</p>\n");
	rc = 0;
	for (size_t i = 0; i < d->count && rc == 0; i++)
		rc = lists__diff_entry(b, lr, &d->entries[i], from->version, to->version);
	return rc;
}

int page_list_version(struct http_request *req, struct http_response *resp)
{
	struct lists__request lr;
	struct service_list_version *from = NULL, *to = NULL;
	struct listdiff diff;
	struct sx_error err;
	struct buf nav, badge, body;
	char version[32], items[32], decided_at[48];
	int64_t n = 0;
	int rc;

	sx_error_clear(&err);
	memset(&diff, 0, sizeof(diff));
	buf_init(&nav, LISTS_FRAGMENT_MAX);
	buf_init(&badge, LISTS_FRAGMENT_MAX);
	buf_init(&body, LISTS_FRAGMENT_MAX);
	if (lists__begin(&lr, req, false, &err) < 0 ||
	    lists__version_arg(&n, http_request_param(req, "n"), true, &err) < 0) {
		rc = http_respond_error(resp, req, &err);
		goto cleanup;
	}
	from = pool_calloc(req->pool, 1, sizeof(*from));
	to = pool_calloc(req->pool, 1, sizeof(*to));
	if (from == NULL || to == NULL) {
		rc = SX_ENOMEM;
		goto cleanup;
	}
	if (service_list_diff(&diff, from, to, req->app->svc, lr.actor, lr.agency_id, 0, n, &err) <
	    0) {
		rc = http_respond_error(resp, req, &err);
		goto cleanup;
	}
	if ((rc = lists__nav(&nav, &lr, LISTS_NAV_NONE)) < 0 ||
	    (rc = lists__badge(&badge, to)) < 0 ||
	    (rc = lists__diff_html(&body, &lr, &diff, from, to)) < 0)
		goto cleanup;
	snprintf(version, sizeof(version), "%lld", (long long)to->version);
	snprintf(items, sizeof(items), "%lld", (long long)to->item_count);
	lists__display_time(decided_at, sizeof(decided_at), to->decided_at);
	{
		const char *title = pool_printf(req->pool, "第 %lld 版执法事项清单 · %s",
						(long long)to->version, to->agency_name);
		const char *list_url = pool_printf(req->pool, "%s/matters?version=%lld",
						   lr.agency_url, (long long)to->version);
		struct template_var vars[] = {
			{"title", title ? title : "执法事项清单"},
			{"agency_url", lr.agency_url},
			{"agency_name", to->agency_name},
			{"nav", nav.data},
			{"version", version},
			{"status_label", service_list_status_label(to->status)},
			{"badge", badge.data},
			{"effective_from", to->effective_from},
			{"effective_to", to->effective_to},
			{"item_count", items},
			{"summary", to->summary},
			{"content_sha256", to->content_sha256},
			{"decided_at", decided_at},
			{"decided_by", to->decided_by_name},
			{"created_by", to->created_by_name},
			{"decision_note", to->decision_note},
			{"list_url", list_url},
			{"diff", body.data},
		};

		if (list_url == NULL) {
			rc = SX_ENOMEM;
			goto cleanup;
		}
		rc = lists__respond(resp, req, &lr, "list_version.html", vars,
				    sizeof(vars) / sizeof(vars[0]));
	}
cleanup:
	listdiff_free(&diff);
	buf_free(&nav);
	buf_free(&badge);
	buf_free(&body);
	return rc;
}

/* ---- JSON API ---- */

static const char *lists__or_null(const char *s)
{
	return s && s[0] ? s : NULL;
}

json_t *lists_version_json(const struct service_list_version *v)
{
	json_t *obj = json_pack(
		"{s:s,s:s,s:I,s:s,s:s,s:s,s:s?,s:b,s:b,s:s,s:I,s:s,s:s,s:s?,s:s?,s:s?,s:s?}",
		"agency_id", v->agency_id, "agency_name", v->agency_name, "version",
		(json_int_t)v->version, "status", v->status, "status_label",
		service_list_status_label(v->status), "effective_from", v->effective_from,
		"effective_to", lists__or_null(v->effective_to), "in_force", v->in_force, "upcoming",
		v->upcoming, "summary", v->summary, "item_count", (json_int_t)v->item_count,
		"content_sha256", v->content_sha256, "created_at", v->created_at, "decided_at",
		lists__or_null(v->decided_at), "decision_note", lists__or_null(v->decision_note),
		"created_by_name", lists__or_null(v->created_by_name), "decided_by_name",
		lists__or_null(v->decided_by_name));

	/* Answers to a change name the ledger leaf that records it. */
	if (obj && v->ledger_index >= 0 &&
	    json_object_set_new(obj, "ledger_index", json_integer(v->ledger_index)) < 0) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

/* {"version": …, key: value}; takes the reference to value (NULL = out of memory). */
static json_t *lists__with_version(const struct service_list_version *v, const char *key,
				   json_t *value)
{
	json_t *version = lists_version_json(v);

	if (version == NULL || value == NULL) {
		json_decref(version);
		json_decref(value);
		return NULL;
	}
	return json_pack("{s:o,s:o}", "version", version, key, value);
}

int api_matters_list(struct http_request *req, struct http_response *resp)
{
	struct lists__request lr;
	struct service_list *l = NULL;
	enum service_list_view view;
	struct sx_error err;
	json_t *list;
	int rc;

	sx_error_clear(&err);
	if (lists__begin(&lr, req, true, &err) < 0 ||
	    lists__view_arg(&view, http_request_query(req, "view"), &err) < 0 ||
	    lists__get(&l, req, &lr, view, NULL, &err) < 0)
		return http_respond_error(resp, req, &err);
	list = json_array();
	for (size_t i = 0; list && i < l->count; i++) {
		if (json_array_append_new(list, matter_json_write(&l->items[i])) < 0) {
			json_decref(list);
			list = NULL;
		}
	}
	rc = http_respond_json_take(resp, req, 200, lists__with_version(&l->version, "matters", list));
	service_list_clear(l);
	return rc;
}

int api_matter_get(struct http_request *req, struct http_response *resp)
{
	struct lists__request lr;
	struct service_list *l = NULL;
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	if (lists__begin(&lr, req, true, &err) < 0 ||
	    lists__get(&l, req, &lr, SERVICE_LIST_ALL, http_request_param(req, "code"), &err) < 0)
		return http_respond_error(resp, req, &err);
	rc = http_respond_json_take(resp, req, 200, lists__with_version(&l->version, "matter",
					     matter_json_write(&l->items[0])));
	service_list_clear(l);
	return rc;
}

int api_list_versions_list(struct http_request *req, struct http_response *resp)
{
	struct lists__request lr;
	struct service_list_version *items = NULL;
	size_t count = 0;
	struct sx_error err;
	json_t *list;

	sx_error_clear(&err);
	if (lists__begin(&lr, req, false, &err) < 0 ||
	    service_list_versions(&items, &count, req->app->svc, lr.actor, lr.agency_id, &err) < 0)
		return http_respond_error(resp, req, &err);
	list = json_array();
	for (size_t i = 0; list && i < count; i++) {
		if (json_array_append_new(list, lists_version_json(&items[i])) < 0) {
			json_decref(list);
			list = NULL;
		}
	}
	sx_free(items);
	return http_respond_json_take(resp, req, 200, list ? json_pack("{s:o}", "versions", list) : NULL);
}

static json_t *lists__diff_json(const struct listdiff *d, const struct service_list_version *from)
{
	json_t *entries = json_array();

	for (size_t i = 0; entries && i < d->count; i++) {
		const struct listdiff_entry *e = &d->entries[i];
		json_t *lines = json_array();
		json_t *entry;

		for (size_t k = 0; lines && k < e->line_count; k++) {
			char op[2] = {e->lines[k].op == '+' ? '+' : '-', '\0'};

			if (json_array_append_new(lines, json_pack("{s:s,s:s}", "op", op, "text",
								   e->lines[k].text)) < 0) {
				json_decref(lines);
				lines = NULL;
			}
		}
		entry = lines ? json_pack("{s:s,s:s,s:s,s:o}", "kind", lists__kind_code(e->kind),
					  "code", e->code, "name", e->name, "lines", lines)
			      : NULL;
		if (json_array_append_new(entries, entry) < 0) {
			json_decref(entries);
			entries = NULL;
		}
	}
	if (entries == NULL)
		return NULL;
	return json_pack("{s:o,s:I,s:I,s:I,s:o}", "from",
			 from->version > 0 ? json_integer(from->version) : json_null(), "added",
			 (json_int_t)d->added, "removed", (json_int_t)d->removed, "changed",
			 (json_int_t)d->changed, "entries", entries);
}

int api_list_version_get(struct http_request *req, struct http_response *resp)
{
	struct lists__request lr;
	struct service_list_version *from, *to;
	struct listdiff diff;
	struct sx_error err;
	int64_t n = 0;
	int rc;

	sx_error_clear(&err);
	memset(&diff, 0, sizeof(diff));
	if (lists__begin(&lr, req, false, &err) < 0 ||
	    lists__version_arg(&n, http_request_param(req, "n"), true, &err) < 0)
		return http_respond_error(resp, req, &err);
	from = pool_calloc(req->pool, 1, sizeof(*from));
	to = pool_calloc(req->pool, 1, sizeof(*to));
	if (from == NULL || to == NULL)
		return SX_ENOMEM;
	if (service_list_diff(&diff, from, to, req->app->svc, lr.actor, lr.agency_id, 0, n, &err) <
	    0)
		return http_respond_error(resp, req, &err);
	rc = http_respond_json_take(resp, req, 200, lists__with_version(to, "diff", lists__diff_json(&diff, from)));
	listdiff_free(&diff);
	return rc;
}
