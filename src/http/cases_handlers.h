/*
 * http/cases_handlers — handlers of 执法全过程记录 (cases_api.c: JSON API;
 * cases_pages.c: staff and party pages). Routes in routes.c.
 */
#ifndef SX_HTTP_CASES_HANDLERS_H
#define SX_HTTP_CASES_HANDLERS_H

#include "http/http.h"

/* JSON API (docs/api.md, "Cases") */
int api_cases_create(struct http_request *req, struct http_response *resp);
int api_cases_list(struct http_request *req, struct http_response *resp);
int api_case_get(struct http_request *req, struct http_response *resp);
int api_case_move(struct http_request *req, struct http_response *resp);
int api_case_hearing(struct http_request *req, struct http_response *resp);
int api_case_extend(struct http_request *req, struct http_response *resp);
int api_case_exempt(struct http_request *req, struct http_response *resp);
int api_case_record_create(struct http_request *req, struct http_response *resp);
int api_record_get(struct http_request *req, struct http_response *resp);
int api_record_pdf(struct http_request *req, struct http_response *resp);
int api_templates_list(struct http_request *req, struct http_response *resp);
int api_template_get(struct http_request *req, struct http_response *resp);
int api_case_accesses(struct http_request *req, struct http_response *resp);
int api_accesses_list(struct http_request *req, struct http_response *resp);
int api_case_settings_put(struct http_request *req, struct http_response *resp);
int api_retention_get(struct http_request *req, struct http_response *resp);
int api_retention_put(struct http_request *req, struct http_response *resp);
int api_retention_report(struct http_request *req, struct http_response *resp);
int api_evidence_delete(struct http_request *req, struct http_response *resp);
int api_party_documents(struct http_request *req, struct http_response *resp);

#endif
