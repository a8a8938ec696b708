/*
 * http/case_stats_pages — the staff page of one agency's case statistics and
 * its CSV download (service/case_stats.h says what is counted and who may see
 * it; docs/cases.md "Statistics").
 *
 *   GET /staff/cases/stats        ?agency_id= (supervisors and admins choose;
 *                                 the others see their own agency)
 *   GET /staff/cases/stats.csv    ?agency_id= — the same figures as
 *                                 text/csv; charset=utf-8 with a UTF-8 BOM
 *
 * Both must precede "/staff/cases/:id" in the route table: the router takes
 * the first pattern that matches and ":id" matches "stats" too.
 */
#ifndef SX_HTTP_CASE_STATS_PAGES_H
#define SX_HTTP_CASE_STATS_PAGES_H

#include "http/http.h"

#define CASE_STATS_PAGES_PATH "/staff/cases/stats"
#define CASE_STATS_PAGES_CSV_PATH "/staff/cases/stats.csv"

/* The HTML page. Officers get the service's 403 page; no session, the login. */
int page_staff_case_stats(struct http_request *req, struct http_response *resp);

/* The CSV download, as an attachment named case-stats-<agency_id>-<today>.csv. */
int page_staff_case_stats_csv(struct http_request *req, struct http_response *resp);

#endif
