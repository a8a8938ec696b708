/*
 * http/officers_handlers — the routes of the officer register as staff keep
 * it (officers_api.c): the JSON API, the staff pages, and the public photo.
 * Handlers parse input, call one function of service/officers and render its
 * result; permissions are the service's business.
 *
 *   POST /api/v1/officers                        register (201)
 *   POST /api/v1/officers/:cert_no               rewrite the record
 *   POST /api/v1/officers/:cert_no/status        {status, reason}
 *   POST /api/v1/officers/:cert_no/user          {username | null}
 *   PUT  /api/v1/officers/:cert_no/photo         raw image/jpeg or image/png body
 *   GET  /api/v1/staff/officers                  ?agency_id=&q=&page=&page_size=
 *   GET  /api/v1/staff/officers/:cert_no         [?reveal=id_number]
 *   GET  /officers/photo/:sha256                 public, immutable
 *   GET  /staff/officers                         ?agency=&q=&page=
 *   GET  /staff/officers/:cert_no
 *   POST /staff/officers/:cert_no/reveal         form: csrf_token
 *   POST /staff/officers/:cert_no/status         form: csrf_token, status, reason
 */
#ifndef SX_HTTP_OFFICERS_HANDLERS_H
#define SX_HTTP_OFFICERS_HANDLERS_H

#include "http/http.h"

int api_officers_create(struct http_request *req, struct http_response *resp);
int api_officer_update(struct http_request *req, struct http_response *resp);
int api_officer_status(struct http_request *req, struct http_response *resp);
int api_officer_user(struct http_request *req, struct http_response *resp);
int api_officer_photo_put(struct http_request *req, struct http_response *resp);
int api_staff_officers_list(struct http_request *req, struct http_response *resp);
int api_staff_officer_get(struct http_request *req, struct http_response *resp);

int page_officer_photo(struct http_request *req, struct http_response *resp);

int page_staff_officers(struct http_request *req, struct http_response *resp);
int page_staff_officer(struct http_request *req, struct http_response *resp);
int page_staff_officer_reveal(struct http_request *req, struct http_response *resp);
int page_staff_officer_status(struct http_request *req, struct http_response *resp);

#endif
