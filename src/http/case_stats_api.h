/*
 * http/case_stats_api — GET /api/v1/case-stats?agency_id=: the statistics of
 * one agency's cases as JSON (service/case_stats.h says what is counted and
 * who may see it; docs/cases.md "Statistics" the answer's fields).
 */
#ifndef SX_HTTP_CASE_STATS_API_H
#define SX_HTTP_CASE_STATS_API_H

#include "http/http.h"

#define CASE_STATS_API_PATH "/api/v1/case-stats"

int api_case_stats_get(struct http_request *req, struct http_response *resp);

#endif
