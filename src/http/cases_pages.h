/*
 * http/cases_pages — the staff pages of 执法全过程记录 (see cases_pages.c):
 * the case list, opening a case, the case file with its moves, records and
 * evidence upload. They call the same service functions as the JSON API
 * (http/cases_api.c), never the API over HTTP, and work without JavaScript
 * except for the evidence upload (web/static/upload.js).
 *
 *   GET  /staff/cases                          ?scope=mine|agency|all&stage=&open=1&overdue=1&page=
 *   GET  /staff/cases/new                      the form to open a case
 *   POST /staff/cases                          form → 303 /staff/cases/:id
 *   GET  /staff/cases/:id                      ?reason= (调阅理由 for staff not on the case)
 *   POST /staff/cases/:id/move                 form: to, expected_stage, reason
 *   POST /staff/cases/:id/exemptions           form: stage, reason (agency head)
 *   POST /staff/cases/:id/extend               form: days, reason (agency head)
 *   POST /staff/cases/:id/hearing              form: reason
 *   GET  /staff/cases/:id/records/new          ?template=CODE
 *   POST /staff/cases/:id/records              form: template, made_on, officer_id…, f_<field>…
 *
 * Every form carries csrf_token and view_reason (the 调阅理由 the page was
 * opened with, so that the answer can show the case again).
 */
#ifndef SX_HTTP_CASES_PAGES_H
#define SX_HTTP_CASES_PAGES_H

#include "http/http.h"

int page_staff_cases(struct http_request *req, struct http_response *resp);
int page_staff_case_new(struct http_request *req, struct http_response *resp);
int page_staff_case_create(struct http_request *req, struct http_response *resp);
int page_staff_case(struct http_request *req, struct http_response *resp);
int page_staff_case_move(struct http_request *req, struct http_response *resp);
int page_staff_case_exempt(struct http_request *req, struct http_response *resp);
int page_staff_case_extend(struct http_request *req, struct http_response *resp);
int page_staff_case_hearing(struct http_request *req, struct http_response *resp);
int page_staff_record_new(struct http_request *req, struct http_response *resp);
int page_staff_record_create(struct http_request *req, struct http_response *resp);

#endif
