/*
 * http/staff_import — bulk import of officers and 执法事项 from the browser,
 * without JavaScript:
 *
 *   GET  /staff/import   the form (导入类型, the CSV file, for matters 生效日期 and
 *                        修订说明), the server's size limit, and the columns of
 *                        both file formats (docs/import.md)
 *   POST /staff/import   multipart/form-data: csrf_token, kind (officers | matters),
 *                        file, effective_from, summary
 *
 * The import itself is service/imports' (all or nothing, permissions
 * included), always into the actor's own agency; this file reads the form
 * and shows the outcome. 200 with what was imported; for a file or request
 * the service refuses (a bad row, a file that is no CSV, a version already
 * pending, a bad date) the service's status (400, 409, 413) with its
 * message, the per-row report (行号, 列, 错误说明) and the form again, its
 * values kept except the file, which no page may pre-fill. Everything else
 * is the shared error page: no session (303 to the login), a body that is
 * not multipart/form-data (415), a malformed one (400), a wrong CSRF token
 * or a role that may not import (403).
 *
 * The CSRF token travels inside the multipart body, so the body is parsed
 * (bounded, no copies: http/multipart) before the token is checked; nothing
 * is done with the file before then.
 *
 * Progress: server.c reads the body whole (up to --max-body-bytes) before
 * this handler runs, and the import runs while the request waits. The
 * browser shows the upload's progress; the page states the limit and sends
 * bigger files to `sanxiang import`, which reports progress as it checks.
 *
 * Every value shown is HTML-escaped: by {{x}} in the template, by html_text
 * in the report rows built here.
 */
#include <stdio.h>
#include <string.h>

#include "base/codec.h"
#include "base/log.h"
#include "base/mem.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/multipart.h"
#include "http/staff_import.h"
#include "http/template.h"
#include "service/auth.h"
#include "service/imports.h"

#define STAFF_IMPORT_FRAGMENT_MAX (1u << 20)
#define STAFF_IMPORT_TEXT_MAX_BYTES 4096 /* one text field of the form */

/* What one rendering of the page shows besides the form. */
struct staff_import_view {
	const char *kind;                   /* "officers" or "matters": the option selected */
	const char *effective_from;         /* form values shown again; NULL = empty */
	const char *summary;
	const char *filename;               /* the uploaded file's name; NULL = none */
	const char *notice;                 /* what was imported; NULL = nothing */
	size_t rows;                        /* data rows of an imported file */
	bool to_lists;                      /* link the notice to /staff/lists */
	bool to_officers;                   /* link the notice to /staff/officers */
	const char *error;                  /* why nothing was imported; NULL = no error */
	const struct import_report *report; /* the rows of a rejected file; NULL = none */
};

/* "1 MiB（1048576 字节）" for the page's note on the size limit. */
static void staff_import__limit_text(char *out, size_t size, size_t bytes)
{
	const size_t mib = (size_t)1024 * 1024;

	if (bytes >= mib && bytes % mib == 0)
		snprintf(out, size, "%zu MiB（%zu 字节）", bytes / mib, bytes);
	else if (bytes >= 1024 && bytes % 1024 == 0)
		snprintf(out, size, "%zu KiB（%zu 字节）", bytes / 1024, bytes);
	else
		snprintf(out, size, "%zu 字节", bytes);
}

/* One table row per listed error: 行号, 列, 错误说明. */
static int staff_import__report_rows(struct buf *b, const struct import_report *r)
{
	int rc = 0;

	for (size_t i = 0; i < r->error_count && rc == 0; i++) {
		const struct import_row_error *e = &r->errors[i];
		const char *column = e->column[0] ? e->column : e->row_no ? "整行" : "整个文件";

		if (e->row_no > 0)
			rc = buf_appendf(b, "<tr><td data-label=\"行号\">%zu</td>", e->row_no);
		else
			rc = buf_append_str(b, "<tr><td data-label=\"行号\">—</td>");
		if (rc < 0 || (rc = buf_append_str(b, "<td data-label=\"列\">")) < 0 ||
		    (rc = html_text(b, column)) < 0 ||
		    (rc = buf_append_str(b, "</td><td data-label=\"错误说明\">")) < 0 ||
		    (rc = html_text(b, e->message)) < 0)
			break;
		rc = buf_append_str(b, "</td></tr>\n");
	}
	return rc;
}

static int staff_import__render(struct http_request *req, struct http_response *resp, int status,
				const struct service_actor *actor,
				const struct staff_import_view *v)
{
	bool matters = v->kind != NULL && strcmp(v->kind, "matters") == 0;
	bool has_report = v->report != NULL && v->report->error_count > 0;
	char limit[96], report_summary[192], rows[24];
	struct buf report_rows;
	int rc = 0;

	staff_import__limit_text(limit, sizeof(limit), req->app->max_body_bytes);
	snprintf(rows, sizeof(rows), "%zu", v->rows);
	report_summary[0] = '\0';
	buf_init(&report_rows, STAFF_IMPORT_FRAGMENT_MAX);
	if (has_report) {
		const struct import_report *r = v->report;

		if (r->error_total > r->error_count)
			snprintf(report_summary, sizeof(report_summary),
				 "共读取 %zu 行数据，发现 %zu 处错误，下表列出前 %zu 处。", r->rows,
				 r->error_total, r->error_count);
		else
			snprintf(report_summary, sizeof(report_summary),
				 "共读取 %zu 行数据，发现 %zu 处错误。", r->rows, r->error_total);
		rc = staff_import__report_rows(&report_rows, r);
	}
	if (rc == 0) {
		struct template_var vars[] = {
			{"title", "批量导入"},
			{"user_name", actor->display_name},
			{"role_label", account_role_label(actor->role)},
			{"agency_name", actor->agency_name},
			{"csrf_token", actor->csrf_token},
			{"limit", limit},
			{"kind_officers", matters ? "" : "1"},
			{"kind_matters", matters ? "1" : ""},
			{"effective_from", v->effective_from},
			{"summary", v->summary},
			{"filename", v->filename},
			{"notice", v->notice},
			{"rows", rows},
			{"to_lists", v->to_lists ? "1" : ""},
			{"to_officers", v->to_officers ? "1" : ""},
			{"error", v->error},
			{"has_report", has_report ? "1" : ""},
			{"report_summary", report_summary},
			{"report_rows", report_rows.data},
			{"may_officers", account_can_manage_officers(actor->role) ? "1" : ""},
			{"may_matters", account_can_draft_lists(actor->role) ? "1" : ""},
			{"no_agency", actor->agency_id[0] ? "" : "1"},
		};

		rc = http_respond_page(resp, req, status, "staff_import.html", vars,
				       sizeof(vars) / sizeof(vars[0]));
	}
	buf_free(&report_rows);
	return rc;
}

/* The option the form starts with: what the actor's role may import. */
static const char *staff_import__default_kind(const struct service_actor *actor)
{
	return account_can_manage_officers(actor->role) ? "officers" : "matters";
}

int page_staff_import_form(struct http_request *req, struct http_response *resp)
{
	struct staff_import_view view;
	struct service_actor actor;
	int rc = 0;

	if (http_staff_actor(&actor, req, resp, &rc))
		return rc;
	memset(&view, 0, sizeof(view));
	view.kind = staff_import__default_kind(&actor);
	return staff_import__render(req, resp, 200, &actor, &view);
}

/*
 * The text field name of form as a pool string; *out = NULL when the form
 * has none. SX_EINVALID "bad_form" for a file in its place, a NUL, text that
 * is not UTF-8 or longer than STAFF_IMPORT_TEXT_MAX_BYTES; SX_ENOMEM.
 */
static int staff_import__text(const char **out, struct http_request *req,
			      const struct multipart_form *form, const char *name,
			      struct sx_error *err)
{
	const struct multipart_part *p = multipart_get(form, name);
	char *text;

	*out = NULL;
	if (p == NULL)
		return 0;
	if (p->has_filename || p->len > STAFF_IMPORT_TEXT_MAX_BYTES ||
	    memchr(p->data, '\0', p->len) != NULL || !codec_is_valid_utf8(p->data, p->len))
		return sx_error_set(err, SX_EINVALID, "bad_form", "表单内容格式错误");
	if ((text = pool_strndup(req->pool, p->data, p->len)) == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	*out = text;
	return 0;
}

/* Reads the multipart body into *form and checks its CSRF token. */
static int staff_import__form(struct multipart_form **form, struct http_request *req,
			      const struct service_actor *actor, struct sx_error *err)
{
	const char *csrf = NULL;
	int rc;

	if (!http_request_content_type_is(req, "multipart/form-data"))
		return sx_error_set(err, SX_EUNSUPPORTED, "unsupported",
				    "请通过导入页面的表单上传文件（multipart/form-data）");
	if ((*form = pool_calloc(req->pool, 1, sizeof(**form))) == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	rc = multipart_parse(*form, http_request_header(req, "Content-Type"), req->body,
			     req->body_len, err);
	if (rc < 0) {
		/* The sender's fault, not the clerk's: say why in the log. */
		sx_log(SX_LOG_WARN, "%s %s: %s (%s)", req->method, req->path, err->code,
		       err->detail);
		return rc;
	}
	if ((rc = staff_import__text(&csrf, req, *form, "csrf_token", err)) < 0)
		return rc;
	return service_check_csrf(actor, csrf, err);
}

/* Whether a failed import is about the file or the form, shown on the page with the form. */
static bool staff_import__shown_with_form(int rc)
{
	return rc == SX_EINVALID || rc == SX_ECONFLICT || rc == SX_EEXISTS || rc == SX_ETOOBIG;
}

int page_staff_import_submit(struct http_request *req, struct http_response *resp)
{
	struct service_list_version version;
	struct import_result result;
	struct staff_import_view view;
	struct multipart_form *form = NULL;
	const struct multipart_part *file;
	struct service_actor actor;
	struct sx_error err;
	const char *kind = NULL;
	char notice[128];
	size_t imported = 0;
	int rc = 0, status = 200;

	if (http_staff_actor(&actor, req, resp, &rc))
		return rc;
	memset(&result, 0, sizeof(result));
	memset(&view, 0, sizeof(view));
	sx_error_clear(&err);
	if (staff_import__form(&form, req, &actor, &err) < 0 ||
	    staff_import__text(&kind, req, form, "kind", &err) < 0 ||
	    staff_import__text(&view.effective_from, req, form, "effective_from", &err) < 0 ||
	    staff_import__text(&view.summary, req, form, "summary", &err) < 0)
		return http_respond_error(resp, req, &err);
	file = multipart_get(form, "file");
	if (file != NULL && file->has_filename && file->filename[0] != '\0')
		view.filename = file->filename;
	view.kind = kind;
	if (kind == NULL || (strcmp(kind, "officers") != 0 && strcmp(kind, "matters") != 0)) {
		view.kind = staff_import__default_kind(&actor);
		view.error = "请选择导入类型：执法人员或执法事项";
		return staff_import__render(req, resp, 400, &actor, &view);
	}
	if (file == NULL || !file->has_filename || (file->filename[0] == '\0' && file->len == 0)) {
		view.error = "请选择要导入的 CSV 文件";
		return staff_import__render(req, resp, 400, &actor, &view);
	}
	if (file->len == 0) {
		view.error = "上传的文件是空的";
		return staff_import__render(req, resp, 400, &actor, &view);
	}
	if (strcmp(kind, "officers") == 0) {
		rc = service_import_officers(&result, &imported, req->app->svc, &actor,
					     actor.agency_id, file->data, file->len, NULL, NULL,
					     &err);
		snprintf(notice, sizeof(notice), "已导入 %zu 名执法人员", imported);
		view.to_officers = true;
	} else {
		rc = service_import_matters(&version, &result, req->app->svc, &actor,
					    actor.agency_id, file->data, file->len,
					    view.effective_from, view.summary, NULL, NULL, &err);
		if (rc == 0)
			snprintf(notice, sizeof(notice), "已生成清单第 %lld 版，待机关负责人审核",
				 (long long)version.version);
		view.to_lists = true;
	}
	if (rc == 0) {
		view.notice = notice;
		view.rows = result.report.rows;
	} else if (staff_import__shown_with_form(rc)) {
		view.to_lists = view.to_officers = false;
		view.error = err.message;
		view.report = &result.report;
		status = http_status_for_error(rc);
	} else {
		rc = http_respond_error(resp, req, &err);
		goto cleanup;
	}
	rc = staff_import__render(req, resp, status, &actor, &view);
cleanup:
	import_result_clear(&result);
	return rc;
}
