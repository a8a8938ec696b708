/*
 * http/case_stats_pages — the staff page of an agency's case statistics and
 * its CSV download (routes in case_stats_pages.h). Both call
 * service_case_stats, the function behind GET /api/v1/case-stats, and show
 * its figures; what is counted and who may see which agency is the service's
 * business (service/case_stats.h).
 *
 * Invariants:
 *   - read only: a GET with a session, no CSRF token, nothing written, no
 *     调阅 row (the figures show case numbers, stages and dates, no content).
 *   - every value shown is HTML-escaped: by {{x}} in the template, by
 *     stats_pages__html's %s in the fragments built here; %r appends only
 *     fragments this file built itself.
 *   - the Content-Security-Policy (server.c: default-src 'self') forbids
 *     inline script and inline style attributes, so the bars are inline SVG
 *     whose lengths are <rect width> attributes (SVG geometry, not CSS) and
 *     whose colours come from classes in web/static/site.css.
 *   - the agency select is offered to supervisors (the agencies of their
 *     region) and admins (all); it is a convenience: the service checks the
 *     agency asked for again.
 *   - the CSV is RFC 4180 (CRLF, fields with , " CR LF quoted, quotes
 *     doubled) after a UTF-8 BOM, which Excel needs to read UTF-8 rather than
 *     the system code page (GB18030 on Chinese Windows). A text field that a
 *     spreadsheet would take for a formula (= + - @ TAB CR first) gets a
 *     leading apostrophe (OWASP "CSV Injection").
 *
 * The rules explained on the page are those of docs/cases.md "Statistics":
 * 《行政处罚法》第六十条 (办案期限), 国办发〔2018〕118号 三(二) (音像记录),
 * and the one day's grace for entering 笔录 and 文书.
 */
#include "http/case_stats_pages.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "domain/account.h"
#include "domain/casefile.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/template.h"
#include "service/case_stats.h"
#include "service/registry.h"

#define STATS_PAGES_FRAGMENT_MAX (1u << 20)
#define STATS_PAGES_CSV_MAX (1u << 20) /* the figures are fixed-size: ~40 KiB at most */
#define STATS_PAGES_SECONDS_PER_DAY 86400
#define STATS_PAGES_BAR_UNITS 200 /* SVG user units of the longest bar */
#define STATS_PAGES_UTF8_BOM "\xEF\xBB\xBF"

/* ---- small helpers ---- */

static const char *stats_pages__stage_label(const char *code)
{
	enum casefile_stage st;

	return casefile_stage_from_code(&st, code) == 0 ? casefile_stage_label(st) : code;
}

/* Mean days rounded to tenths, as the JSON's mean_days: "3.5". */
static void stats_pages__days(char *out, size_t size, int64_t seconds)
{
	int64_t tenths =
	        (seconds * 10 + STATS_PAGES_SECONDS_PER_DAY / 2) / STATS_PAGES_SECONDS_PER_DAY;

	snprintf(out, size, "%lld.%lld", (long long)(tenths / 10), (long long)(tenths % 10));
}

/* What a missing recording needed, in words. */
static const char *stats_pages__av_need(bool full_process)
{
	return full_process ? "全过程录像" : "录音或录像";
}

/* Whether the actor chooses the agency (supervisors, admins) rather than
 * seeing their own. */
static bool stats_pages__chooses_agency(const struct service_actor *actor)
{
	return actor->role == ACCOUNT_ROLE_SUPERVISOR || actor->role == ACCOUNT_ROLE_ADMIN;
}

/* Runs the service into pool memory (~30 KiB: not a server thread's stack). */
static int stats_pages__load(struct service_case_stats **out, struct http_request *req,
                             const struct service_actor *actor, struct sx_error *err)
{
	const char *agency_id = http_request_query(req, "agency_id");

	if ((*out = pool_calloc(req->pool, 1, sizeof(**out))) == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	return service_case_stats(*out, req->app->svc, actor,
	                          agency_id && *agency_id ? agency_id : NULL, err);
}

/* ---- GET /staff/cases/stats ---- */

/* <option>s of the agencies a supervisor (their region) or an admin (all)
 * may choose; nothing for the others. */
static int stats_pages__agency_options(struct buf *b, struct http_request *req,
                                       const struct service_actor *actor, const char *chosen,
                                       struct sx_error *err)
{
	struct account_actor view = {actor->role, actor->agency_id, actor->region_code};
	struct service_agency *items = NULL;
	size_t count = 0;
	int rc;

	if (!stats_pages__chooses_agency(actor))
		return 0;
	if ((rc = service_agency_list_for(&items, &count, req->app->svc, actor, err)) < 0)
		return rc;
	/* The placeholder only while nothing is chosen: then the select must be used. */
	rc = chosen ? 0 : buf_append_str(b, "<option value=\"\">请选择执法机关</option>");
	for (size_t i = 0; i < count && rc == 0; i++) {
		if (actor->role == ACCOUNT_ROLE_SUPERVISOR &&
		    !account_scope_covers(ACCOUNT_SCOPE_REGION, &view, items[i].id,
		                          items[i].region_code))
			continue;
		rc = html_appendf(b, "<option value=\"%s\"%r>%s</option>", items[i].id,
		                       chosen && strcmp(chosen, items[i].id) == 0 ? " selected"
		                                                                  : "",
		                       items[i].name);
	}
	sx_free(items);
	if (rc < 0)
		sx_error_set(err, rc, NULL, NULL);
	return rc;
}

/* A horizontal bar of value out of max as inline SVG (no style attribute:
 * CSP); a value above 0 shows at least one unit. */
static int stats_pages__bar(struct buf *b, int64_t value, int64_t max, const char *label)
{
	int64_t width = 0;

	if (max > 0 && value > 0) {
		width = value * STATS_PAGES_BAR_UNITS / max;
		if (width < 1)
			width = 1;
	}
	return html_appendf(b,
	                         "<svg class=\"stat-bar\" viewBox=\"0 0 %D 12\" "
	                         "preserveAspectRatio=\"none\" role=\"img\" aria-label=\"%s\">"
	                         "<rect class=\"stat-bar-track\" width=\"%D\" height=\"12\"/>"
	                         "<rect class=\"stat-bar-fill\" width=\"%D\" height=\"12\"/></svg>",
	                         (int64_t)STATS_PAGES_BAR_UNITS, label,
	                         (int64_t)STATS_PAGES_BAR_UNITS, width);
}

/* 各环节案件数: count of cases in each stage now, with a bar. */
static int stats_pages__stage_rows(struct buf *b, const struct service_case_stats *s)
{
	int64_t max = 0;
	int rc = 0;

	for (size_t i = 0; i < CASEFILE_STAGE_COUNT; i++)
		if (s->stages[i].count > max)
			max = s->stages[i].count;
	for (size_t i = 0; i < CASEFILE_STAGE_COUNT && rc == 0; i++) {
		const struct service_case_stats_stage *st = &s->stages[i];
		char label[64];

		snprintf(label, sizeof(label), "%lld 件", (long long)st->count);
		rc = html_appendf(b,
		                       "<tr%r><td data-label=\"环节\">%s</td>"
		                       "<td data-label=\"案件数\" class=\"num\">%D</td>"
		                       "<td data-label=\"分布\" class=\"bar-cell\">",
		                       st->count ? "" : " class=\"zero\"", st->label, st->count);
		if (rc == 0)
			rc = stats_pages__bar(b, st->count, max, label);
		if (rc == 0)
			rc = buf_append_str(b, "</td></tr>\n");
	}
	return rc;
}

/* 各环节平均用时: completed stays and their mean length in days, with a bar. */
static int stats_pages__mean_rows(struct buf *b, const struct service_case_stats *s)
{
	int64_t max = 0;
	int rc = 0;

	for (size_t i = 0; i < CASEFILE_STAGE_COUNT; i++)
		if (s->stages[i].stays > 0 && s->stages[i].mean_seconds > max)
			max = s->stages[i].mean_seconds;
	for (size_t i = 0; i < CASEFILE_STAGE_COUNT && rc == 0; i++) {
		const struct service_case_stats_stage *st = &s->stages[i];
		char days[32], label[64];

		stats_pages__days(days, sizeof(days), st->mean_seconds);
		snprintf(label, sizeof(label), "平均 %s 天", days);
		rc = html_appendf(b,
		                       "<tr%r><td data-label=\"环节\">%s</td>"
		                       "<td data-label=\"已完成次数\" class=\"num\">%D</td>"
		                       "<td data-label=\"平均天数\" class=\"num\">%s</td>"
		                       "<td data-label=\"分布\" class=\"bar-cell\">",
		                       st->stays ? "" : " class=\"zero\"", st->label, st->stays,
		                       st->stays ? days : "—");
		if (rc == 0)
			rc = stats_pages__bar(b, st->stays ? st->mean_seconds : 0, max, label);
		if (rc == 0)
			rc = buf_append_str(b, "</td></tr>\n");
	}
	return rc;
}

static int stats_pages__overdue_rows(struct buf *b, const struct service_case_stats *s)
{
	int rc = 0;

	for (size_t i = 0; i < s->overdue_listed && rc == 0; i++) {
		const struct service_case_stats_overdue *o = &s->overdue[i];

		rc = html_appendf(
		        b,
		        "<tr class=\"overdue\"><td data-label=\"案号\">"
		        "<a href=\"/staff/cases/%u\">%s</a></td>"
		        "<td data-label=\"环节\"><span class=\"stage\">%s</span></td>"
		        "<td data-label=\"办案期限\">%s</td>"
		        "<td data-label=\"超期\" class=\"num\">"
		        "<strong class=\"overdue\">%D 天</strong></td></tr>\n",
		        o->case_id, o->case_no, stats_pages__stage_label(o->stage), o->due_on,
		        o->days_overdue);
	}
	return rc;
}

static int stats_pages__recording_rows(struct buf *b,
                                       const struct service_case_stats_recording *list,
                                       size_t count)
{
	int rc = 0;

	for (size_t i = 0; i < count && rc == 0; i++) {
		const struct service_case_stats_recording *r = &list[i];

		rc = html_appendf(
		        b,
		        "<tr><td data-label=\"案号\"><a href=\"/staff/cases/%u\">%s</a>"
		        "</td><td data-label=\"环节\"><span class=\"stage\">%s</span></td>"
		        "<td data-label=\"音像记录事项\">%s</td>"
		        "<td data-label=\"要求\">%s</td></tr>\n",
		        r->case_id, r->case_no, stats_pages__stage_label(r->stage), r->av_name,
		        stats_pages__av_need(r->full_process));
	}
	return rc;
}

static int stats_pages__late_rows(struct buf *b, const struct service_case_stats *s)
{
	int rc = 0;

	for (size_t i = 0; i < s->late_listed && rc == 0; i++) {
		const struct service_case_stats_late_record *r = &s->late[i];

		rc = html_appendf(
		        b,
		        "<tr><td data-label=\"案号\"><a href=\"/staff/cases/%u\">%s</a>"
		        "</td><td data-label=\"笔录/文书\">%s</td>"
		        "<td data-label=\"制作日期\">%s</td>"
		        "<td data-label=\"录入日期\">%s</td>"
		        "<td data-label=\"逾期\" class=\"num\">%D 天</td></tr>\n",
		        r->case_id, r->case_no, r->title, r->made_on, r->entered_on, r->days_late);
	}
	return rc;
}

/* "仅列出最新 20 件。" when a list stopped before its count. */
static int stats_pages__more(struct buf *b, int64_t count, size_t listed)
{
	if (count <= (int64_t)listed)
		return 0;
	return buf_appendf(b, "共 %lld 件，仅列出最新 %zu 件。", (long long)count, listed);
}

/* The figures as template fragments; each buf is the caller's to free. */
struct stats_pages_fragments {
	struct buf options, csv_url, stage_rows, mean_rows, overdue_rows, missing_rows;
	struct buf pending_rows, late_rows, overdue_more, missing_more, pending_more, late_more;
};

static void stats_pages__fragments_init(struct stats_pages_fragments *f)
{
	struct buf *all[] = {&f->options,      &f->csv_url,      &f->stage_rows,   &f->mean_rows,
	                     &f->overdue_rows, &f->missing_rows, &f->pending_rows, &f->late_rows,
	                     &f->overdue_more, &f->missing_more, &f->pending_more, &f->late_more};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		buf_init(all[i], STATS_PAGES_FRAGMENT_MAX);
}

static void stats_pages__fragments_free(struct stats_pages_fragments *f)
{
	struct buf *all[] = {&f->options,      &f->csv_url,      &f->stage_rows,   &f->mean_rows,
	                     &f->overdue_rows, &f->missing_rows, &f->pending_rows, &f->late_rows,
	                     &f->overdue_more, &f->missing_more, &f->pending_more, &f->late_more};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		buf_free(all[i]);
}

static int stats_pages__build(struct stats_pages_fragments *f, const struct service_case_stats *s)
{
	int rc;

	if ((rc = html_appendf(&f->csv_url, "%r?agency_id=%u", CASE_STATS_PAGES_CSV_PATH,
	                            s->agency_id)) < 0 ||
	    (rc = stats_pages__stage_rows(&f->stage_rows, s)) < 0 ||
	    (rc = stats_pages__mean_rows(&f->mean_rows, s)) < 0 ||
	    (rc = stats_pages__overdue_rows(&f->overdue_rows, s)) < 0 ||
	    (rc = stats_pages__recording_rows(&f->missing_rows, s->missing, s->missing_listed)) <
	            0 ||
	    (rc = stats_pages__recording_rows(&f->pending_rows, s->pending, s->pending_listed)) <
	            0 ||
	    (rc = stats_pages__late_rows(&f->late_rows, s)) < 0 ||
	    (rc = stats_pages__more(&f->overdue_more, s->overdue_count, s->overdue_listed)) < 0 ||
	    (rc = stats_pages__more(&f->missing_more, s->missing_recording_stages,
	                            s->missing_listed)) < 0 ||
	    (rc = stats_pages__more(&f->pending_more, s->pending_recording_count,
	                            s->pending_listed)) < 0)
		return rc;
	return stats_pages__more(&f->late_more, s->late_record_count, s->late_listed);
}

int page_staff_case_stats(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_case_stats *s = NULL;
	struct stats_pages_fragments f;
	struct sx_error err;
	char total[24], open[24], overdue[24], missing_cases[24], missing_stages[24];
	char pending[24], late[24], grace[24];
	bool chosen = true;
	int rc = 0;

	if (http_staff_actor(&actor, req, resp, &rc))
		return rc;
	sx_error_clear(&err);
	if (stats_pages__load(&s, req, &actor, &err) < 0) {
		/* A supervisor or admin without an agency of their own picks one first. */
		if (!(stats_pages__chooses_agency(&actor) && err.rc == SX_EINVALID &&
		      strcmp(err.code, "agency_required") == 0))
			return http_respond_error(resp, req, &err);
		chosen = false;
		memset(s, 0, sizeof(*s));
	}
	stats_pages__fragments_init(&f);
	sx_error_clear(&err);
	if ((rc = stats_pages__agency_options(&f.options, req, &actor, chosen ? s->agency_id : NULL,
	                                      &err)) < 0) {
		rc = http_respond_error(resp, req, &err);
		goto done;
	}
	if (chosen && (rc = stats_pages__build(&f, s)) < 0) {
		sx_error_set(&err, SX_ENOMEM, NULL, NULL);
		rc = http_respond_error(resp, req, &err);
		goto done;
	}
	snprintf(total, sizeof(total), "%lld", (long long)s->total);
	snprintf(open, sizeof(open), "%lld", (long long)s->open_count);
	snprintf(overdue, sizeof(overdue), "%lld", (long long)s->overdue_count);
	snprintf(missing_cases, sizeof(missing_cases), "%lld",
	         (long long)s->missing_recording_cases);
	snprintf(missing_stages, sizeof(missing_stages), "%lld",
	         (long long)s->missing_recording_stages);
	snprintf(pending, sizeof(pending), "%lld", (long long)s->pending_recording_count);
	snprintf(late, sizeof(late), "%lld", (long long)s->late_record_count);
	snprintf(grace, sizeof(grace), "%d", SERVICE_CASE_STATS_LATE_GRACE_DAYS);
	{
		struct template_var vars[] = {
		        {"title", "案件统计"},
		        {"user_name", actor.display_name},
		        {"role_label", account_role_label(actor.role)},
		        {"agency_name", actor.agency_name},
		        {"options", f.options.data},
		        {"chosen", chosen ? "1" : ""},
		        {"stats_agency_name", s->agency_name},
		        {"today", s->today},
		        {"csv_url", f.csv_url.data},
		        {"total", total},
		        {"open", open},
		        {"overdue_count", overdue},
		        {"stage_rows", f.stage_rows.data},
		        {"mean_rows", f.mean_rows.data},
		        {"overdue_rows", f.overdue_rows.data},
		        {"overdue_more", f.overdue_more.data},
		        {"missing_cases", missing_cases},
		        {"missing_stages", missing_stages},
		        {"missing_rows", f.missing_rows.data},
		        {"missing_more", f.missing_more.data},
		        {"pending_count", pending},
		        {"pending_rows", f.pending_rows.data},
		        {"pending_more", f.pending_more.data},
		        {"late_count", late},
		        {"late_rows", f.late_rows.data},
		        {"late_more", f.late_more.data},
		        {"grace_days", grace},
		};

		rc = http_respond_page(resp, req, 200, "staff_case_stats.html", vars,
		                       sizeof(vars) / sizeof(vars[0]));
	}
done:
	stats_pages__fragments_free(&f);
	return rc;
}

/* ---- GET /staff/cases/stats.csv ---- */

/* One CSV field (RFC 4180 §2), after a comma unless first. */
static int stats_pages__csv_field(struct buf *b, const char *s, bool first)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	bool formula = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
	int rc = 0;

	if (!first && (rc = buf_append_char(b, ',')) < 0)
		return rc;
	if (quote && (rc = buf_append_char(b, '"')) < 0)
		return rc;
	if (formula && (rc = buf_append_char(b, '\'')) < 0)
		return rc;
	for (const char *p = s; *p && rc == 0; p++)
		rc = *p == '"' ? buf_append(b, "\"\"", 2) : buf_append_char(b, *p);
	if (rc == 0 && quote)
		rc = buf_append_char(b, '"');
	return rc;
}

/* One row of count fields (NULL = empty), ended by CRLF; count 0 = a blank line. */
static int stats_pages__csv_row(struct buf *b, const char *const *fields, size_t count)
{
	int rc = 0;

	for (size_t i = 0; i < count && rc == 0; i++)
		rc = stats_pages__csv_field(b, fields[i] ? fields[i] : "", i == 0);
	return rc ? rc : buf_append(b, "\r\n", 2);
}

#define STATS_PAGES_CSV_ROW(b, ...)                                                                \
	stats_pages__csv_row((b), (const char *const[]){__VA_ARGS__},                              \
	                     sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

static int stats_pages__csv_recordings(struct buf *b, const char *title, int64_t count,
                                       const struct service_case_stats_recording *list,
                                       size_t listed)
{
	char n[24], line[128];
	int rc;

	snprintf(n, sizeof(n), "%lld", (long long)count);
	snprintf(line, sizeof(line), "%s（共 %lld 项，列出 %zu 项）", title, (long long)count,
	         listed);
	if ((rc = STATS_PAGES_CSV_ROW(b, line)) < 0 ||
	    (rc = STATS_PAGES_CSV_ROW(b, "案号", "案件ID", "环节", "音像记录事项", "要求")) < 0)
		return rc;
	for (size_t i = 0; i < listed && rc == 0; i++)
		rc = STATS_PAGES_CSV_ROW(b, list[i].case_no, list[i].case_id,
		                         stats_pages__stage_label(list[i].stage), list[i].av_name,
		                         stats_pages__av_need(list[i].full_process));
	return rc ? rc : stats_pages__csv_row(b, NULL, 0);
}

/* The figures as CSV, the BOM first. */
static int stats_pages__csv(struct buf *b, const struct service_case_stats *s)
{
	char n[9][24], line[128];
	int rc;

	snprintf(n[0], sizeof(n[0]), "%lld", (long long)s->total);
	snprintf(n[1], sizeof(n[1]), "%lld", (long long)s->open_count);
	snprintf(n[2], sizeof(n[2]), "%lld", (long long)s->overdue_count);
	snprintf(n[3], sizeof(n[3]), "%lld", (long long)s->missing_recording_cases);
	snprintf(n[4], sizeof(n[4]), "%lld", (long long)s->missing_recording_stages);
	snprintf(n[5], sizeof(n[5]), "%lld", (long long)s->pending_recording_count);
	snprintf(n[6], sizeof(n[6]), "%lld", (long long)s->late_record_count);
	if ((rc = buf_append_str(b, STATS_PAGES_UTF8_BOM)) < 0 ||
	    (rc = STATS_PAGES_CSV_ROW(b, "执法机关", "统计日期", "案件总数", "未结案件数",
	                              "已超期案件数", "缺少音像记录的案件数",
	                              "缺少音像记录的环节数", "待补音像记录的案件数",
	                              "逾期录入的笔录文书数")) < 0 ||
	    (rc = STATS_PAGES_CSV_ROW(b, s->agency_name, s->today, n[0], n[1], n[2], n[3], n[4],
	                              n[5], n[6])) < 0 ||
	    (rc = stats_pages__csv_row(b, NULL, 0)) < 0)
		return rc;

	if ((rc = STATS_PAGES_CSV_ROW(b, "环节", "环节代码", "在办案件数", "已完成停留次数",
	                              "平均停留天数")) < 0)
		return rc;
	for (size_t i = 0; i < CASEFILE_STAGE_COUNT && rc == 0; i++) {
		const struct service_case_stats_stage *st = &s->stages[i];
		char days[32];

		snprintf(n[7], sizeof(n[7]), "%lld", (long long)st->count);
		snprintf(n[8], sizeof(n[8]), "%lld", (long long)st->stays);
		stats_pages__days(days, sizeof(days), st->mean_seconds);
		rc = STATS_PAGES_CSV_ROW(b, st->label, st->stage, n[7], n[8],
		                         st->stays ? days : "");
	}
	if (rc < 0 || (rc = stats_pages__csv_row(b, NULL, 0)) < 0)
		return rc;

	snprintf(line, sizeof(line), "已超期案件（共 %lld 件，列出 %zu 件）",
	         (long long)s->overdue_count, s->overdue_listed);
	if ((rc = STATS_PAGES_CSV_ROW(b, line)) < 0 ||
	    (rc = STATS_PAGES_CSV_ROW(b, "案号", "案件ID", "环节", "办案期限", "超期天数")) < 0)
		return rc;
	for (size_t i = 0; i < s->overdue_listed && rc == 0; i++) {
		const struct service_case_stats_overdue *o = &s->overdue[i];

		snprintf(n[7], sizeof(n[7]), "%lld", (long long)o->days_overdue);
		rc = STATS_PAGES_CSV_ROW(b, o->case_no, o->case_id,
		                         stats_pages__stage_label(o->stage), o->due_on, n[7]);
	}
	if (rc < 0 || (rc = stats_pages__csv_row(b, NULL, 0)) < 0)
		return rc;

	if ((rc = stats_pages__csv_recordings(b, "缺少音像记录的环节", s->missing_recording_stages,
	                                      s->missing, s->missing_listed)) < 0 ||
	    (rc = stats_pages__csv_recordings(b, "待补音像记录的案件", s->pending_recording_count,
	                                      s->pending, s->pending_listed)) < 0)
		return rc;

	snprintf(line, sizeof(line), "逾期录入的笔录文书（共 %lld 件，列出 %zu 件）",
	         (long long)s->late_record_count, s->late_listed);
	if ((rc = STATS_PAGES_CSV_ROW(b, line)) < 0 ||
	    (rc = STATS_PAGES_CSV_ROW(b, "案号", "案件ID", "笔录/文书", "制作日期", "录入日期",
	                              "逾期天数")) < 0)
		return rc;
	for (size_t i = 0; i < s->late_listed && rc == 0; i++) {
		const struct service_case_stats_late_record *r = &s->late[i];

		snprintf(n[7], sizeof(n[7]), "%lld", (long long)r->days_late);
		rc = STATS_PAGES_CSV_ROW(b, r->case_no, r->case_id, r->title, r->made_on,
		                         r->entered_on, n[7]);
	}
	return rc;
}

/* attachment; filename="case-stats-<today>.csv"; filename*=UTF-8''案件统计-<机关>-<today>.csv
 * (RFC 6266 §4.3: the ASCII name for old clients, the UTF-8 one for the rest). */
static int stats_pages__disposition(struct buf *b, const struct service_case_stats *s)
{
	struct buf name;
	int rc;

	buf_init(&name, STATS_PAGES_FRAGMENT_MAX);
	if ((rc = buf_appendf(&name, "案件统计-%s-%s.csv", s->agency_name, s->today)) == 0)
		rc = html_appendf(b,
		                       "attachment; filename=\"case-stats-%u.csv\"; "
		                       "filename*=UTF-8''%u",
		                       s->today, name.data);
	buf_free(&name);
	return rc;
}

int page_staff_case_stats_csv(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_case_stats *s = NULL;
	struct sx_error err;
	struct buf csv, disposition;
	int rc = 0;

	if (http_staff_actor(&actor, req, resp, &rc))
		return rc;
	sx_error_clear(&err);
	if (stats_pages__load(&s, req, &actor, &err) < 0)
		return http_respond_error(resp, req, &err);
	buf_init(&csv, STATS_PAGES_CSV_MAX);
	buf_init(&disposition, STATS_PAGES_FRAGMENT_MAX);
	if ((rc = stats_pages__csv(&csv, s)) < 0 ||
	    (rc = stats_pages__disposition(&disposition, s)) < 0) {
		sx_error_set(&err, rc == SX_ETOOBIG ? SX_ETOOBIG : SX_ENOMEM, NULL, NULL);
		rc = http_respond_error(resp, req, &err);
		goto done;
	}
	buf_reset(&resp->body);
	if ((rc = buf_append(&resp->body, csv.data, csv.len)) < 0 ||
	    (rc = http_response_header(resp, req, "Content-Disposition", disposition.data)) < 0) {
		sx_error_set(&err, SX_ENOMEM, NULL, NULL);
		rc = http_respond_error(resp, req, &err);
		goto done;
	}
	resp->status = 200;
	resp->content_type = "text/csv; charset=utf-8";
done:
	buf_free(&csv);
	buf_free(&disposition);
	return rc;
}
