/*
 * http/party_pages — the party's 送达文书查验 pages (party_pages.c).
 */
#ifndef SX_HTTP_PARTY_PAGES_H
#define SX_HTTP_PARTY_PAGES_H

#include "http/http.h"

int page_party_form(struct http_request *req, struct http_response *resp);   /* GET  /party */
int page_party_lookup(struct http_request *req, struct http_response *resp); /* POST /party */
int page_party_pdf(struct http_request *req, struct http_response *resp);    /* POST /party/pdf */

#endif
