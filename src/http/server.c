/*
 * http/server — see server.h. The only file that includes microhttpd.h.
 *
 * Request life: the access handler is called first with no context (we make
 * the pool and refuse an announced oversize body at once), then once per
 * chunk of body (appended up to the cap; past it the rest is drained and
 * discarded), then a last time with no data, when we route and answer. The
 * completion callback logs the access line and frees the pool.
 *
 * Streaming routes (router.h) differ: they are looked up at the first call,
 * whose headers their begin checks (authentication included) before any byte
 * of body is taken; each chunk goes to the route as it arrives, never into
 * memory, and without the body cap. A request the route refuses at begin
 * keeps its answer in the server_request while the body is read and
 * discarded, and gets it at the last call, so the client reads an answer
 * rather than a reset connection. When a request dies before its body is
 * whole the completion callback calls the route's abort.
 *
 * Answers from a file (resp->fd >= 0) go out with
 * MHD_create_response_from_fd_at_offset64, which sends with sendfile and
 * closes the descriptor when the response is destroyed.
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/time.h"
#include "http/router.h"

#define SERVER_POOL_MAX_BYTES (64u * 1024 * 1024)

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_app *app;
	uint16_t port;
	/* Requests begun and not yet completed. Drained on stop: idle
	 * keep-alive connections are not requests and must not hold it up. */
	_Atomic long in_flight;
};

/* Per-request state; lives in its own pool. */
struct server_request {
	struct http_request req;
	struct buf body;
	bool body_too_large;
	bool answered;
	int status;
	int64_t start_us;
	/* Streaming routes only: */
	const struct http_stream_route *stream_route; /* NULL = body buffered in body */
	void *stream;              /* the route's state; NULL when refused or ended */
	bool stream_stopped;       /* chunk failed: the rest of the body is discarded */
	bool has_early;            /* early holds the answer begin gave */
	struct http_response early;
};

const char *http_request_header(const struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_request_cookie(const struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

const char *http_request_query(const struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_request_param(const struct http_request *req, const char *name)
{
	for (size_t i = 0; i < req->param_count; i++) {
		if (strcmp(req->params[i].name, name) == 0)
			return req->params[i].value;
	}
	return NULL;
}

static enum MHD_Result server__send(struct MHD_Connection *conn, struct server_request *sr,
				    struct http_response *resp)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	/* For HEAD, libmicrohttpd sends the headers (Content-Length included)
	 * and drops the body itself. */
	if (resp->fd >= 0) {
		r = MHD_create_response_from_fd_at_offset64(resp->fd_length, resp->fd,
							    resp->fd_offset);
		if (r == NULL) {
			close(resp->fd);
			resp->fd = -1;
			return MHD_NO;
		}
		resp->fd = -1; /* the response closes it */
	} else {
		r = MHD_create_response_from_buffer(resp->body.len,
						    resp->body.data ? resp->body.data : (char *)"",
						    MHD_RESPMEM_MUST_COPY);
	}
	if (r == NULL)
		return MHD_NO;
	if (resp->content_type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
	/* Defaults for every answer: no sniffing, no framing, no referrer
	 * leaking case URLs to other sites. */
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; frame-ancestors 'none'; form-action 'self'");
	for (size_t i = 0; i < resp->header_count; i++)
		MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
	if (strncmp(sr->req.path, "/staff", 6) == 0 || strncmp(sr->req.path, "/api/", 5) == 0)
		MHD_add_response_header(r, "Cache-Control", "no-store");
	ret = MHD_queue_response(conn, (unsigned int)resp->status, r);
	MHD_destroy_response(r);
	sr->status = resp->status;
	sr->answered = true;
	return ret;
}

/* Answers with just an error, when there is not enough memory or state for
 * the usual path. */
static enum MHD_Result server__send_error(struct MHD_Connection *conn, struct server_request *sr,
					  int rc)
{
	struct http_response resp;
	struct sx_error err;
	enum MHD_Result ret;

	http_response_init(&resp);
	sx_error_set(&err, rc, NULL, NULL);
	if (http_respond_error(&resp, &sr->req, &err) < 0) {
		resp.status = http_status_for_error(rc);
		resp.content_type = "text/plain; charset=utf-8";
	}
	ret = server__send(conn, sr, &resp);
	http_response_release(&resp);
	return ret;
}

/* Turns a route's failure to answer (rc < 0, or no status) into an error
 * answer with the code's default text: its own error record is gone. */
static void server__fallback_error(struct http_response *resp, struct http_request *req, int rc)
{
	struct sx_error err;

	if (rc >= 0 && resp->status != 0)
		return;
	if (rc >= 0)
		rc = SX_EINTERNAL;
	sx_error_set(&err, rc, NULL, NULL);
	buf_reset(&resp->body);
	resp->header_count = 0;
	if (http_respond_error(resp, req, &err) < 0)
		resp->status = http_status_for_error(rc);
}

/*
 * At the first access call: when req is for a streaming route, runs its
 * begin. Returns false for an ordinary request.
 */
static bool server__stream_begin(struct server_request *sr)
{
	const struct http_stream_route *route = NULL;
	int rc;

	if (strcmp(sr->req.method, "GET") == 0 || strcmp(sr->req.method, "HEAD") == 0)
		return false;
	rc = http_router_match_stream(&route, http_stream_routes, http_stream_route_count,
				      &sr->req);
	if (rc == SX_ENOTFOUND)
		return false;
	http_response_init(&sr->early);
	sr->has_early = true;
	if (rc < 0) {
		server__fallback_error(&sr->early, &sr->req, rc);
		return true;
	}
	sr->stream_route = route;
	rc = route->begin(&sr->stream, &sr->req, &sr->early);
	if (sr->stream != NULL && rc == 0) {
		/* Accepted: the answer comes from end. */
		http_response_release(&sr->early);
		sr->has_early = false;
		return true;
	}
	if (sr->stream != NULL) {
		/* A begin that failed yet kept state: release it. */
		route->abort(sr->stream, &sr->req);
		sr->stream = NULL;
	}
	server__fallback_error(&sr->early, &sr->req, rc);
	return true;
}

/* The last access call of a streaming request: its answer. */
static enum MHD_Result server__stream_answer(struct MHD_Connection *conn, struct server_request *sr)
{
	struct http_response resp;
	enum MHD_Result ret;
	int rc;

	if (sr->has_early) {
		ret = server__send(conn, sr, &sr->early);
		http_response_release(&sr->early);
		sr->has_early = false;
		return ret;
	}
	http_response_init(&resp);
	rc = sr->stream_route->end(sr->stream, &sr->req, &resp);
	sr->stream = NULL;
	server__fallback_error(&resp, &sr->req, rc);
	ret = server__send(conn, sr, &resp);
	http_response_release(&resp);
	return ret;
}

static void server__dispatch(struct server_request *sr, struct http_response *resp)
{
	struct http_request *req = &sr->req;
	http_handler_fn handler = NULL;
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	rc = http_router_match(&handler, http_routes, http_route_count, req);
	if (rc == SX_EMETHOD) {
		char allow[128];

		http_router_allowed(allow, sizeof(allow), http_routes, http_route_count, req);
		http_router_stream_allowed(allow, sizeof(allow), http_stream_routes,
					   http_stream_route_count, req);
		if (allow[0])
			http_response_header(resp, req, "Allow", allow);
	}
	if (rc < 0) {
		sx_error_set(&err, rc, rc == SX_ENOTFOUND ? "not_found" : NULL,
			     rc == SX_ENOTFOUND ? "您访问的地址不存在" : NULL);
		if (http_respond_error(resp, req, &err) < 0)
			resp->status = http_status_for_error(rc);
		return;
	}
	rc = handler(req, resp);
	if (rc < 0)
		server__fallback_error(resp, req, rc);
}

static enum MHD_Result server__access(void *cls, struct MHD_Connection *conn, const char *url,
				      const char *method, const char *version,
				      const char *upload_data, size_t *upload_data_size,
				      void **con_cls)
{
	struct http_server *srv = cls;
	struct server_request *sr = *con_cls;
	struct http_response resp;
	enum MHD_Result ret;

	(void)version;
	if (sr == NULL) {
		struct pool *pool = NULL;
		const char *length;
		const union MHD_ConnectionInfo *ci;
		char addr[INET6_ADDRSTRLEN] = "-";

		if (pool_create(&pool, SERVER_POOL_MAX_BYTES) < 0)
			return MHD_NO;
		sr = pool_calloc(pool, 1, sizeof(*sr));
		if (sr == NULL) {
			pool_destroy(pool);
			return MHD_NO;
		}
		sr->start_us = sx_time_monotonic_us();
		atomic_fetch_add(&srv->in_flight, 1);
		sr->req.pool = pool;
		sr->req.app = srv->app;
		sr->req.conn = conn;
		sr->req.method = pool_strdup(pool, method);
		sr->req.path = pool_strdup(pool, url);
		ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr) {
			const struct sockaddr *sa = ci->client_addr;

			if (sa->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
					  addr, sizeof(addr));
			else if (sa->sa_family == AF_INET6)
				inet_ntop(AF_INET6,
					  &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
					  addr, sizeof(addr));
		}
		sr->req.remote_addr = pool_strdup(pool, addr);
		buf_init(&sr->body, srv->app->max_body_bytes);
		*con_cls = sr;
		if (sr->req.method == NULL || sr->req.path == NULL || sr->req.remote_addr == NULL)
			return MHD_NO;
		if (server__stream_begin(sr))
			return MHD_YES; /* the route keeps its own limits */
		length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (length != NULL) {
			char *end = NULL;
			unsigned long long n;

			errno = 0;
			n = strtoull(length, &end, 10);
			if (errno != 0 || end == length || n > srv->app->max_body_bytes)
				sr->body_too_large = true;
		}
		return MHD_YES;
	}
	if (*upload_data_size != 0 && sr->has_early) {
		*upload_data_size = 0; /* refused at begin: discard */
		return MHD_YES;
	}
	if (*upload_data_size != 0 && sr->stream_route != NULL) {
		if (!sr->stream_stopped &&
		    sr->stream_route->chunk(sr->stream, &sr->req, upload_data, *upload_data_size) < 0)
			sr->stream_stopped = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		if (!sr->body_too_large &&
		    buf_append(&sr->body, upload_data, *upload_data_size) == SX_ETOOBIG)
			sr->body_too_large = true;
		/* Keep reading and discarding so that the client sees the 413
		 * rather than a reset connection. */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (sr->answered)
		return MHD_YES;
	if (sr->has_early || sr->stream_route != NULL)
		return server__stream_answer(conn, sr);
	if (sr->body_too_large) {
		struct sx_error err;

		http_response_init(&resp);
		sx_error_setf(&err, SX_ETOOBIG, "too_large", "请求内容超过大小限制", "limit %zu",
			      srv->app->max_body_bytes);
		if (http_respond_error(&resp, &sr->req, &err) < 0)
			resp.status = 413;
		ret = server__send(conn, sr, &resp);
		http_response_release(&resp);
		return ret;
	}
	sr->req.body = sr->body.data ? sr->body.data : "";
	sr->req.body_len = sr->body.len;
	http_response_init(&resp);
	resp.status = 200;
	server__dispatch(sr, &resp);
	if (resp.status == 0) {
		http_response_release(&resp);
		return server__send_error(conn, sr, SX_EINTERNAL);
	}
	ret = server__send(conn, sr, &resp);
	http_response_release(&resp);
	return ret;
}

static void server__completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			      enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct server_request *sr = *con_cls;

	(void)conn;
	if (sr == NULL)
		return;
	atomic_fetch_sub(&srv->in_flight, 1);
	sx_log(SX_LOG_INFO, "%s %s %d %lldus%s", sr->req.method ? sr->req.method : "-",
	       sr->req.path ? sr->req.path : "-", sr->answered ? sr->status : 0,
	       (long long)(sx_time_monotonic_us() - sr->start_us),
	       toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
	/* A streaming request that never reached its last call. */
	if (sr->stream != NULL)
		sr->stream_route->abort(sr->stream, &sr->req);
	sr->stream = NULL;
	if (sr->has_early)
		http_response_release(&sr->early);
	buf_free(&sr->body);
	pool_destroy(sr->req.pool);
	*con_cls = NULL;
}

static void server__mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t len;

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	len = strlen(line);
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	sx_log(SX_LOG_WARN, "microhttpd: %s", line);
}

/* Parses "HOST:PORT" or "[V6]:PORT" into a socket address (numeric only). */
static int server__parse_listen(struct sockaddr_storage *out, socklen_t *out_len,
				const char *listen, struct sx_error *err)
{
	char host[128];
	const char *colon;
	const char *port;
	struct addrinfo hints, *res = NULL;
	size_t host_len;
	int gai;

	if (listen == NULL)
		goto bad;
	if (listen[0] == '[') {
		const char *close = strchr(listen, ']');

		if (close == NULL || close[1] != ':')
			goto bad;
		host_len = (size_t)(close - listen - 1);
		if (host_len >= sizeof(host))
			goto bad;
		memcpy(host, listen + 1, host_len);
		port = close + 2;
	} else {
		colon = strrchr(listen, ':');
		if (colon == NULL)
			goto bad;
		host_len = (size_t)(colon - listen);
		if (host_len >= sizeof(host))
			goto bad;
		memcpy(host, listen, host_len);
		port = colon + 1;
	}
	host[host_len] = '\0';
	if (strcmp(host, "localhost") == 0)
		memcpy(host, "127.0.0.1", sizeof("127.0.0.1"));
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	gai = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
	if (gai != 0 || res == NULL || res->ai_addrlen > sizeof(*out))
		goto bad;
	memcpy(out, res->ai_addr, res->ai_addrlen);
	*out_len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
bad:
	if (res)
		freeaddrinfo(res);
	return sx_error_setf(err, SX_EINVALID, "bad_listen", "监听地址无效，应为 主机:端口",
			     "listen address %s", listen ? listen : "(null)");
}

int http_server_start(struct http_server **out, struct http_app *app,
		      const struct http_server_options *opt, struct sx_error *err)
{
	struct http_server *srv = NULL;
	struct sockaddr_storage addr;
	socklen_t addr_len = 0;
	unsigned threads = opt->thread_count;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG;
	const union MHD_DaemonInfo *info;
	int rc;

	*out = NULL;
	if ((rc = server__parse_listen(&addr, &addr_len, opt->listen, err)) < 0)
		return rc;
	if (threads == 0) {
		/* Handlers block (argon2 at login, waiting for a group commit),
		 * and a blocked worker stalls every connection it polls: keep
		 * more workers than cores so that cheap requests are not queued
		 * behind slow ones. */
		long cores = sysconf(_SC_NPROCESSORS_ONLN);

		threads = cores > 0 ? (unsigned)cores * 4 : 16;
		if (threads < 16)
			threads = 16;
	}
	if (addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	srv = sx_calloc(1, sizeof(*srv));
	if (srv == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	srv->app = app;
	/* The logger goes first so that MHD reports option errors through it. */
	srv->daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, server__access, srv, MHD_OPTION_EXTERNAL_LOGGER, server__mhd_log,
		srv, MHD_OPTION_SOCK_ADDR, &addr,
		MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
		opt->connection_limit ? opt->connection_limit : 4096u, MHD_OPTION_CONNECTION_TIMEOUT,
		opt->timeout_seconds ? opt->timeout_seconds : 30u, MHD_OPTION_NOTIFY_COMPLETED,
		server__completed, srv, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_END);
	if (srv->daemon == NULL) {
		sx_free(srv);
		return sx_error_setf(err, SX_EIO, "listen_failed", "无法在指定地址上监听",
				     "MHD_start_daemon failed on %s: %s", opt->listen,
				     strerror(errno));
	}
	info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : 0;
	*out = srv;
	return 0;
}

uint16_t http_server_port(const struct http_server *srv)
{
	return srv->port;
}

void http_server_stop(struct http_server *srv, int64_t drain_ms)
{
	MHD_socket listener;
	int64_t deadline;

	if (srv == NULL)
		return;
	/* The listening socket becomes ours, but the pool's threads may still
	 * hold it in their epoll sets: it is closed only after MHD_stop_daemon
	 * (libmicrohttpd aborts the process otherwise, as it did once in CI). */
	listener = MHD_quiesce_daemon(srv->daemon);
	deadline = sx_time_monotonic_us() + drain_ms * 1000;
	for (;;) {
		struct timespec pause = {0, 10 * 1000 * 1000};

		if (atomic_load(&srv->in_flight) == 0 || sx_time_monotonic_us() >= deadline)
			break;
		nanosleep(&pause, NULL);
	}
	MHD_stop_daemon(srv->daemon);
	if (listener != MHD_INVALID_SOCKET)
		close(listener);
	sx_free(srv);
}
