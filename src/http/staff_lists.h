/* http/staff_lists — staff pages for reviewing list versions (see staff_lists.c). */
#ifndef SX_HTTP_STAFF_LISTS_H
#define SX_HTTP_STAFF_LISTS_H

#include "http/http.h"

int page_staff_lists(struct http_request *req, struct http_response *resp);
int page_staff_list_approve(struct http_request *req, struct http_response *resp);
int page_staff_list_reject(struct http_request *req, struct http_response *resp);

#endif
