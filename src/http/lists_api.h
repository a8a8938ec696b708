/*
 * http/lists_api — staff writes to the public lists and the CSV imports
 * (routes in lists_api.c's header comment), and the JSON shapes shared with
 * the public list pages.
 */
#ifndef SX_HTTP_LISTS_API_H
#define SX_HTTP_LISTS_API_H

#include "domain/import.h"
#include "http/http.h"
#include "service/lists.h"

int api_list_submit(struct http_request *req, struct http_response *resp);
int api_list_approve(struct http_request *req, struct http_response *resp);
int api_list_reject(struct http_request *req, struct http_response *resp);
int api_import_officers(struct http_request *req, struct http_response *resp);
int api_import_matters(struct http_request *req, struct http_response *resp);

/* An import report as JSON: {"rows", "error_total", "errors": [{row, column, code, message}]}. */
json_t *lists_import_report_json(const struct import_report *r);

#endif
