/*
 * http/party_pages — the party's (当事人) page: with the 案号 and the
 * verification code printed on a served document, read every document the
 * agency served on them, and download each as PDF — without an account
 * (service/evidence.h, docs/cases.md "Party").
 *
 * The code travels in POST bodies only, never in a URL, so that it does not
 * land in browser history, proxies' logs or Referer headers. There is no
 * session and so no CSRF token: the forms change nothing (the lookup is
 * logged by the service, as every reading of a case file is). Lookups share
 * the per-client limit of 亮证 (serve --verify-per-minute), so that codes
 * cannot be guessed at speed.
 */
#include <stdio.h>
#include <string.h>

#include "http/handlers.h"
#include "http/html.h"
#include "http/party_pages.h"
#include "http/template.h"
#include "service/evidence.h"

#define PARTY_FRAGMENT_MAX (4u << 20)

int page_party_form(struct http_request *req, struct http_response *resp)
{
	struct template_var vars[] = {{"title", "送达文书查验"}};

	return http_respond_page(resp, req, 200, "party.html", vars, 1);
}

/* Appends s to b, HTML-escaped when escape; keeps the first failure in *rc. */
static void party__put(struct buf *b, const char *s, bool escape, int *rc)
{
	if (*rc < 0)
		return;
	*rc = escape ? html_text(b, s) : buf_append_str(b, s);
}

/* The documents as HTML: title, 文号, date, the text, and a PDF form each. */
static int party__documents(struct buf *b, const struct service_party_view *v, const char *code)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < v->count; i++) {
		const struct service_party_document *d = &v->docs[i];

		party__put(b, "<article class=\"party-doc\"><h2>", false, &rc);
		party__put(b, d->title, true, &rc);
		party__put(b, "</h2><p class=\"doc-no\">", false, &rc);
		party__put(b, d->doc_no[0] ? d->doc_no : "（无文号）", true, &rc);
		party__put(b, " · ", false, &rc);
		party__put(b, d->made_on, true, &rc);
		party__put(b, "</p><pre class=\"doc-text\">", false, &rc);
		party__put(b, d->body_text ? d->body_text : "", true, &rc);
		party__put(b, "</pre><form method=\"post\" action=\"/party/pdf\">"
			      "<input type=\"hidden\" name=\"case_no\" value=\"", false, &rc);
		party__put(b, v->case_no, true, &rc);
		party__put(b, "\"><input type=\"hidden\" name=\"code\" value=\"", false, &rc);
		party__put(b, code, true, &rc);
		party__put(b, "\"><input type=\"hidden\" name=\"record_id\" value=\"", false, &rc);
		party__put(b, d->record_id, true, &rc);
		party__put(b, "\"><button type=\"submit\">下载 PDF</button></form></article>", false,
			   &rc);
	}
	if (v->count == 0)
		party__put(b, "<p>暂无送达文书。</p>", false, &rc);
	return rc < 0 ? SX_ENOMEM : 0;
}

int page_party_lookup(struct http_request *req, struct http_response *resp)
{
	struct http_form form;
	struct service_party_view v;
	struct sx_error err;
	struct buf docs;
	const char *case_no, *code;
	bool limited;
	int rc;

	sx_error_clear(&err);
	if (http_request_form(&form, req, &err) < 0)
		return http_respond_error(resp, req, &err);
	if ((rc = http_public_limit(req, resp, &limited)) < 0 || limited)
		return rc;
	case_no = http_form_get(&form, "case_no");
	code = http_form_get(&form, "code");
	rc = service_party_documents(&v, req->app->svc, case_no, code, req->remote_addr, &err);
	if (rc == SX_ENOTFOUND) {
		struct template_var vars[] = {{"title", "送达文书查验"}, {"case_no", case_no},
					      {"code", code}, {"not_found", err.message}};

		return http_respond_page(resp, req, 404, "party.html", vars, 4);
	}
	if (rc < 0)
		return http_respond_error(resp, req, &err);
	buf_init(&docs, PARTY_FRAGMENT_MAX);
	if (party__documents(&docs, &v, code) < 0) {
		sx_error_set(&err, SX_ENOMEM, NULL, NULL);
		rc = http_respond_error(resp, req, &err);
	} else {
		struct template_var vars[] = {
			{"title", "送达文书查验"},   {"case_no", v.case_no},
			{"code", code},             {"found", "1"},
			{"agency_name", v.agency_name}, {"matter_name", v.matter_name},
			{"stage_label", v.stage_label}, {"documents", docs.data ? docs.data : ""},
		};

		rc = http_respond_page(resp, req, 200, "party.html", vars,
				       sizeof(vars) / sizeof(vars[0]));
	}
	buf_free(&docs);
	service_party_view_clear(&v);
	return rc;
}

int page_party_pdf(struct http_request *req, struct http_response *resp)
{
	struct http_form form;
	struct sx_error err;
	bool limited;
	int rc;

	sx_error_clear(&err);
	if (http_request_form(&form, req, &err) < 0)
		return http_respond_error(resp, req, &err);
	if ((rc = http_public_limit(req, resp, &limited)) < 0 || limited)
		return rc;
	if (service_party_pdf(&resp->body, req->app->svc, http_form_get(&form, "case_no"),
			      http_form_get(&form, "code"), http_form_get(&form, "record_id"),
			      req->remote_addr, &err) < 0) {
		buf_reset(&resp->body);
		return http_respond_error(resp, req, &err);
	}
	resp->status = 200;
	resp->content_type = "application/pdf";
	return http_response_header(resp, req, "Content-Disposition",
				    "attachment; filename=\"document.pdf\"");
}
