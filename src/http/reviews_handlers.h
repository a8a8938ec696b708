/*
 * http/reviews_handlers — handlers of 重大执法决定法制审核 (docs/reviews.md):
 * reviews_api.c (JSON API) and reviews_pages.c (the public catalog page and
 * the staff pages). Routes in routes.c. Whether something is allowed is
 * service/reviews' business; these parse, call one service function and
 * render its answer.
 *
 *   GET  /api/v1/agencies/:id/major-catalog          ?version=N (public)
 *   POST /api/v1/agencies/:id/major-catalog          {"catalog": {"rules": […]}, "note"}
 *   PUT  /api/v1/agencies/:id/review-settings        {"unit_pre_review": bool}
 *   GET  /api/v1/agencies/:id/review-staffing
 *   POST /api/v1/cases/:id/drafts                    the draft decision
 *   POST /api/v1/cases/:id/reviews                   {"urgent", "note"}
 *   POST /api/v1/cases/:id/discussions               a 集体讨论 record
 *   GET  /api/v1/reviews                             ?scope=queue|agency|region&open=1&overdue=1
 *   GET  /api/v1/reviews/:id                         ?reason=
 *   POST /api/v1/reviews/:id/{pre-review,take,extend,conclude,object,coordinate,head-decision}
 *
 *   GET  /agencies/:id/major-catalog                 ?version=N (public page)
 *   GET  /staff/reviews                              ?scope=&open=1&overdue=1&page=
 *   GET  /staff/reviews/:id                          ?reason=
 *   POST /staff/reviews/:id/{take,conclude,extend,pre-review,object,coordinate,head-decision}
 *   GET  /staff/cases/:id/draft, POST /staff/cases/:id/draft
 *   POST /staff/cases/:id/reviews
 *   GET  /staff/cases/:id/discussions/new, POST /staff/cases/:id/discussions
 */
#ifndef SX_HTTP_REVIEWS_HANDLERS_H
#define SX_HTTP_REVIEWS_HANDLERS_H

#include <stdbool.h>

#include "base/buf.h"
#include "http/http.h"
#include "service/reviews.h"

/* reviews_api.c */
int api_major_catalog_get(struct http_request *req, struct http_response *resp);
int api_major_catalog_publish(struct http_request *req, struct http_response *resp);
int api_review_settings_put(struct http_request *req, struct http_response *resp);
int api_review_staffing_get(struct http_request *req, struct http_response *resp);
int api_case_draft_create(struct http_request *req, struct http_response *resp);
int api_case_review_submit(struct http_request *req, struct http_response *resp);
int api_case_discussion_create(struct http_request *req, struct http_response *resp);
int api_reviews_list(struct http_request *req, struct http_response *resp);
int api_review_get(struct http_request *req, struct http_response *resp);
int api_review_pre_review(struct http_request *req, struct http_response *resp);
int api_review_take(struct http_request *req, struct http_response *resp);
int api_review_extend(struct http_request *req, struct http_response *resp);
int api_review_conclude(struct http_request *req, struct http_response *resp);
int api_review_object(struct http_request *req, struct http_response *resp);
int api_review_coordinate(struct http_request *req, struct http_response *resp);
int api_review_head_decision(struct http_request *req, struct http_response *resp);

/* reviews_pages.c */
int page_major_catalog(struct http_request *req, struct http_response *resp);
int page_staff_reviews(struct http_request *req, struct http_response *resp);
int page_staff_review(struct http_request *req, struct http_response *resp);
int page_staff_review_take(struct http_request *req, struct http_response *resp);
int page_staff_review_conclude(struct http_request *req, struct http_response *resp);
int page_staff_review_extend(struct http_request *req, struct http_response *resp);
int page_staff_review_pre_review(struct http_request *req, struct http_response *resp);
int page_staff_review_object(struct http_request *req, struct http_response *resp);
int page_staff_review_coordinate(struct http_request *req, struct http_response *resp);
int page_staff_review_head_decision(struct http_request *req, struct http_response *resp);
int page_staff_case_draft(struct http_request *req, struct http_response *resp);
int page_staff_case_draft_save(struct http_request *req, struct http_response *resp);
int page_staff_case_review_submit(struct http_request *req, struct http_response *resp);
int page_staff_discussion_new(struct http_request *req, struct http_response *resp);
int page_staff_discussion_create(struct http_request *req, struct http_response *resp);

/* The Chinese word of a review status ("accepted" → 审核中); the code itself when unknown. */
const char *reviews_status_label(const char *status);

/*
 * The 法制审核 section of the staff case page (cases_pages.c renders it into
 * staff_case.html's {{{review_section}}}): whether the case is major and why,
 * the latest draft, the latest review, the 集体讨论 and the sign-off chain
 * 送审 → 初审 → 审核 → 集体讨论 → 负责人决定, with the forms the actor may use
 * (submit for review, record a discussion). Appends nothing when cr is not
 * applicable. Every value is escaped; view_reason (NULL = none) travels on in
 * links and hidden fields. Returns 0 or a buf error.
 */
int reviews_pages_case_section(struct buf *b, const struct service_actor *actor,
                               const char *case_id, const char *stage, bool actor_on_case,
                               const struct service_case_review *cr, const char *view_reason);

#endif
