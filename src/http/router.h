/*
 * http/router — maps method + path to a handler. Patterns are literal
 * segments and ":name" segments that capture one non-empty path segment
 * (into req->params, pool memory); a final "*" captures the rest of the path
 * (one or more characters, slashes included) as parameter "*". A trailing
 * "/" is significant: "/staff/"
 * and "/staff" are different routes. The table is data (routes.c) so that
 * tests can walk every route.
 */
#ifndef SX_HTTP_ROUTER_H
#define SX_HTTP_ROUTER_H

#include "http/http.h"

struct http_route {
	const char *method;          /* "GET", "POST", … */
	const char *pattern;         /* "/api/v1/users/:id/disable" */
	http_handler_fn handler;
	bool staff;                  /* needs a signed-in user (documentation and tests) */
};

extern const struct http_route http_routes[];
extern const size_t http_route_count;

/*
 * Finds the handler for req->method and req->path in routes and captures
 * path parameters into req. SX_ENOTFOUND when no pattern matches the path;
 * SX_EMETHOD when one does but not with this method; SX_ENOMEM when the
 * request pool is exhausted. HEAD matches GET.
 */
int http_router_match(http_handler_fn *out, const struct http_route *routes, size_t count,
		      struct http_request *req);

/*
 * Writes the methods that req->path accepts as an Allow header value
 * ("GET, HEAD, POST") into out (size out_size). Empty when none.
 */
void http_router_allowed(char *out, size_t out_size, const struct http_route *routes, size_t count,
			 struct http_request *req);

#endif
