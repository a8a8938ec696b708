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
 * A streaming route: its request body is handed to the route piece by piece
 * as it arrives instead of being buffered (no --max-body-bytes cap: the route
 * keeps its own limits). The server calls, in this order:
 *
 *   begin  once, at the first access call: headers, path parameters and the
 *          query are available, the body is not. Either accepts — returns 0
 *          with *stream set to the route's per-request state (pool memory or
 *          anything the route frees in end/abort) and resp untouched — or
 *          answers at once: fills resp (status != 0) and leaves *stream NULL;
 *          the body is then read and discarded and resp is sent after it.
 *          A negative return without an answer becomes an error answer.
 *   chunk  for each piece of body while the request is accepted. A negative
 *          return stops the flow: the rest of the body is discarded and end
 *          still follows (the route keeps the reason in its state).
 *   end    once the whole body arrived: answers in resp (a negative return
 *          without an answer becomes an error answer) and releases the state.
 *   abort  instead of end, when the request dies before its body is whole
 *          (client gone, timeout, server stopping): releases the state. No
 *          answer can be sent any more.
 *
 * Exactly one of end and abort is called for every accepted request.
 */
typedef int (*http_stream_begin_fn)(void **stream, struct http_request *req,
				    struct http_response *resp);
typedef int (*http_stream_chunk_fn)(void *stream, struct http_request *req, const char *data,
				    size_t len);
typedef int (*http_stream_end_fn)(void *stream, struct http_request *req,
				  struct http_response *resp);
typedef void (*http_stream_abort_fn)(void *stream, struct http_request *req);

struct http_stream_route {
	const char *method;          /* "PUT", "POST"; never GET or HEAD (no body) */
	const char *pattern;         /* as in struct http_route */
	http_stream_begin_fn begin;
	http_stream_chunk_fn chunk;
	http_stream_end_fn end;
	http_stream_abort_fn abort;
	bool staff;                  /* needs a signed-in user (documentation and tests) */
};

extern const struct http_stream_route http_stream_routes[];
extern const size_t http_stream_route_count;

/*
 * Finds the handler for req->method and req->path in routes and captures
 * path parameters into req. SX_ENOTFOUND when no pattern matches the path;
 * SX_EMETHOD when one does but not with this method; SX_ENOMEM when the
 * request pool is exhausted. HEAD matches GET.
 */
int http_router_match(http_handler_fn *out, const struct http_route *routes, size_t count,
		      struct http_request *req);

/*
 * Finds the streaming route for req->method and req->path and captures path
 * parameters into req. SX_ENOTFOUND when none matches (the request then goes
 * through http_router_match); SX_ENOMEM when the request pool is exhausted.
 * The method must match exactly (HEAD does not match).
 */
int http_router_match_stream(const struct http_stream_route **out,
			     const struct http_stream_route *routes, size_t count,
			     struct http_request *req);

/*
 * Writes the methods that req->path accepts as an Allow header value
 * ("GET, HEAD, POST") into out (size out_size). Empty when none.
 */
void http_router_allowed(char *out, size_t out_size, const struct http_route *routes, size_t count,
			 struct http_request *req);

/* Appends the methods of the streaming routes that match req->path to the
 * Allow value in out (as http_router_allowed writes it), skipping repeats. */
void http_router_stream_allowed(char *out, size_t out_size, const struct http_stream_route *routes,
				size_t count, struct http_request *req);

#endif
