/*
 * http/lists_handlers — the handlers of lists_pages.c: an agency's public
 * lists (事前公开) as pages and as JSON. All are public GET routes; a valid
 * staff session, when the request carries one, lets staff in scope also see
 * pending and rejected versions (service/lists.h decides).
 */
#ifndef SX_HTTP_LISTS_HANDLERS_H
#define SX_HTTP_LISTS_HANDLERS_H

#include "http/http.h"
#include "service/lists.h"

/* GET /agencies/:id/matters?version=&type= — 执法事项清单 */
int page_matters(struct http_request *req, struct http_response *resp);
/* GET /agencies/:id/matters/:code?version= — one matter */
int page_matter(struct http_request *req, struct http_response *resp);
/* GET /agencies/:id/matters/:code/flowchart.svg?version= — 办理流程图 */
int page_matter_flowchart_svg(struct http_request *req, struct http_response *resp);
/* GET /agencies/:id/random-inspection?version= — 随机抽查事项清单 */
int page_random_inspection(struct http_request *req, struct http_response *resp);
/* GET /agencies/:id/discretion?version= — 裁量基准 */
int page_discretion(struct http_request *req, struct http_response *resp);
/* GET /agencies/:id/av-list?version= — 音像记录事项清单 */
int page_av_list(struct http_request *req, struct http_response *resp);
/* GET /agencies/:id/versions — 历史版本 */
int page_list_versions(struct http_request *req, struct http_response *resp);
/* GET /agencies/:id/versions/:n — one version and its diff against the one before */
int page_list_version(struct http_request *req, struct http_response *resp);

/* GET /api/v1/agencies/:id/matters?version=&view= */
int api_matters_list(struct http_request *req, struct http_response *resp);
/* GET /api/v1/agencies/:id/matters/:code?version= */
int api_matter_get(struct http_request *req, struct http_response *resp);
/* GET /api/v1/agencies/:id/list-versions */
int api_list_versions_list(struct http_request *req, struct http_response *resp);
/* GET /api/v1/agencies/:id/list-versions/:n */
int api_list_version_get(struct http_request *req, struct http_response *resp);

/* A version as the API shows it (also in answers to the staff writes of
 * lists_api.c): new reference, NULL on ENOMEM. Empty texts are null; the
 * names of who submitted and decided are null for the public; ledger_index
 * is present in answers to a change. */
json_t *lists_version_json(const struct service_list_version *v);

#endif
