/*
 * http/server — the HTTP server over libmicrohttpd: a thread pool with epoll,
 * request bodies capped (413 before the body is read when Content-Length
 * says so), one access-log line per request (method, path, status,
 * microseconds), and a graceful stop: no new connections, in-flight requests
 * finish (bounded), then the caller closes the store.
 *
 * Per-request memory comes from a pool created when a request starts and
 * destroyed when libmicrohttpd reports it completed.
 */
#ifndef SX_HTTP_SERVER_H
#define SX_HTTP_SERVER_H

#include <stdint.h>

#include "http/http.h"

struct http_server;

struct http_server_options {
	const char *listen;          /* "HOST:PORT"; port 0 = any free port */
	unsigned thread_count;       /* worker threads; 0 = 4 × cores, at least 16 */
	unsigned connection_limit;   /* 0 = 4096 */
	unsigned timeout_seconds;    /* idle connection timeout; 0 = 30 */
};

/* Starts serving app on opt->listen. On error nothing is listening. */
int http_server_start(struct http_server **out, struct http_app *app,
		      const struct http_server_options *opt, struct sx_error *err);

/* The port actually bound (useful with port 0). */
uint16_t http_server_port(const struct http_server *srv);

/*
 * Stops accepting, waits up to drain_ms for open connections to finish their
 * requests, then stops the daemon and frees srv. NULL is fine.
 */
void http_server_stop(struct http_server *srv, int64_t drain_ms);

#endif
