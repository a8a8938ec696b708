/*
 * http/handlers — the route handlers (api.c: JSON API; pages.c: HTML pages)
 * and the session helpers they share. Handlers parse input, call one service
 * function, and render its result; permissions are the service's business.
 */
#ifndef SX_HTTP_HANDLERS_H
#define SX_HTTP_HANDLERS_H

#include "http/http.h"

#define HTTP_SESSION_COOKIE "sx_session"
#define HTTP_LOGIN_CSRF_COOKIE "sx_login_csrf"
#define HTTP_CSRF_HEADER "X-CSRF-Token"

/* Resolves the session cookie into *out. SX_EAUTH when absent or invalid. */
int http_session_actor(struct service_actor *out, struct http_request *req, struct sx_error *err);

/* The actor of a state-changing API call: the session, and its CSRF token in
 * the X-CSRF-Token header (SX_ECSRF otherwise). */
int http_session_actor_for_write(struct service_actor *out, struct http_request *req,
				 struct sx_error *err);

/* The actor of a staff page. Returns 1 when the answer is already made — a
 * redirect to /staff/login without a live session, an error page otherwise —
 * with its result in *rc; 0 to go on. */
int http_staff_actor(struct service_actor *actor, struct http_request *req,
		     struct http_response *resp, int *rc);

/* api.c */
/* The per-client limit of public lookups (亮证, the party's 文书查验; serve
 * --verify-per-minute): 0 when the client may proceed; otherwise *limited is
 * set and the 429 answer with Retry-After was written. */
int http_public_limit(struct http_request *req, struct http_response *resp, bool *limited);

int api_healthz(struct http_request *req, struct http_response *resp);
int api_session_create(struct http_request *req, struct http_response *resp);
int api_session_get(struct http_request *req, struct http_response *resp);
int api_session_delete(struct http_request *req, struct http_response *resp);
int api_users_list(struct http_request *req, struct http_response *resp);
int api_users_create(struct http_request *req, struct http_response *resp);
int api_user_get(struct http_request *req, struct http_response *resp);
int api_user_disable(struct http_request *req, struct http_response *resp);
int api_user_password(struct http_request *req, struct http_response *resp);

/* ledger_routes.c */
int ledger_checkpoint_get(struct http_request *req, struct http_response *resp);
int ledger_keys_get(struct http_request *req, struct http_response *resp);
int ledger_tile_get(struct http_request *req, struct http_response *resp);
int ledger_proof_inclusion_get(struct http_request *req, struct http_response *resp);
int ledger_proof_consistency_get(struct http_request *req, struct http_response *resp);

/* verify.c (亮证) */
int page_verify_officer(struct http_request *req, struct http_response *resp);
int page_verify_officer_qr_svg(struct http_request *req, struct http_response *resp);
int page_verify_officer_qr_png(struct http_request *req, struct http_response *resp);
int api_verify_officer(struct http_request *req, struct http_response *resp);

/* registry_pages.c (事前公开: agencies and officers) */
int page_agencies(struct http_request *req, struct http_response *resp);
int page_agency(struct http_request *req, struct http_response *resp);
int page_officers(struct http_request *req, struct http_response *resp);
int api_agencies_list(struct http_request *req, struct http_response *resp);
int api_agency_get(struct http_request *req, struct http_response *resp);
int api_officers_list(struct http_request *req, struct http_response *resp);
struct service_agency_public;
/* An agency as GET /api/v1/agencies/:id shows it (new reference; NULL on ENOMEM). */
json_t *registry_agency_json(const struct service_agency_public *a);

/* agencies_api.c (admin: registering agencies and changing them) */
int api_agency_create(struct http_request *req, struct http_response *resp);
int api_agency_update(struct http_request *req, struct http_response *resp);
int api_agency_deactivate(struct http_request *req, struct http_response *resp);
int api_agency_activate(struct http_request *req, struct http_response *resp);

/* pages.c */
int page_index(struct http_request *req, struct http_response *resp);
int page_static(struct http_request *req, struct http_response *resp);
int page_login_form(struct http_request *req, struct http_response *resp);
int page_login_submit(struct http_request *req, struct http_response *resp);
int page_staff_home(struct http_request *req, struct http_response *resp);
int page_staff_redirect(struct http_request *req, struct http_response *resp);
int page_logout(struct http_request *req, struct http_response *resp);

#endif
