/* http/router — see router.h. */
#include "http/router.h"

#include <stdio.h>
#include <string.h>

/* Matches one pattern against path; on success fills params (pool copies).
 * Returns 1 on a match, 0 on none, SX_ENOMEM when a copy failed. */
static int router__match_path(const char *pattern, const char *path, struct http_request *req,
			       struct http_param *params, size_t *param_count)
{
	const char *p = pattern;
	const char *s = path;

	*param_count = 0;
	while (*p && *s) {
		if (p[0] == '*' && p[1] == '\0') {
			/* A trailing "*" takes the rest of the path, slashes and all. */
			if (*param_count == HTTP_MAX_PATH_PARAMS)
				return 0;
			params[*param_count].name = "*";
			params[*param_count].value = pool_strdup(req->pool, s);
			if (params[*param_count].value == NULL)
				return SX_ENOMEM;
			(*param_count)++;
			return 1;
		}
		if (*p == ':') {
			const char *name = p + 1;
			size_t name_len = strcspn(name, "/");
			size_t value_len = strcspn(s, "/");

			if (value_len == 0 || *param_count == HTTP_MAX_PATH_PARAMS)
				return 0;
			params[*param_count].name = pool_strndup(req->pool, name, name_len);
			params[*param_count].value = pool_strndup(req->pool, s, value_len);
			if (params[*param_count].name == NULL || params[*param_count].value == NULL)
				return SX_ENOMEM;
			(*param_count)++;
			p = name + name_len;
			s += value_len;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return *p == '\0' && *s == '\0';
}

void http_router_allowed(char *out, size_t out_size, const struct http_route *routes, size_t count,
			 struct http_request *req)
{
	struct http_param params[HTTP_MAX_PATH_PARAMS];
	size_t param_count = 0, used = 0;

	if (out_size == 0)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < count; i++) {
		const char *method = routes[i].method;
		bool seen = false;
		int n;

		if (router__match_path(routes[i].pattern, req->path, req, params, &param_count) != 1)
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = strcmp(routes[k].method, method) == 0 &&
			       router__match_path(routes[k].pattern, req->path, req, params,
						  &param_count) == 1;
		if (seen)
			continue;
		n = snprintf(out + used, out_size - used, "%s%s%s", used ? ", " : "", method,
			     strcmp(method, "GET") == 0 ? ", HEAD" : "");
		if (n < 0 || (size_t)n >= out_size - used)
			return;
		used += (size_t)n;
	}
}

int http_router_match(http_handler_fn *out, const struct http_route *routes, size_t count,
		      struct http_request *req)
{
	struct http_param params[HTTP_MAX_PATH_PARAMS];
	size_t param_count = 0;
	bool path_matched = false;
	const char *method = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;

	*out = NULL;
	for (size_t i = 0; i < count; i++) {
		int matched = router__match_path(routes[i].pattern, req->path, req, params,
						 &param_count);

		if (matched < 0)
			return matched; /* out of memory: not "no such route" */
		if (matched == 0)
			continue;
		path_matched = true;
		if (strcmp(routes[i].method, method) != 0)
			continue;
		memcpy(req->params, params, sizeof(params[0]) * param_count);
		req->param_count = param_count;
		*out = routes[i].handler;
		return 0;
	}
	return path_matched ? SX_EMETHOD : SX_ENOTFOUND;
}

int http_router_match_stream(const struct http_stream_route **out,
			     const struct http_stream_route *routes, size_t count,
			     struct http_request *req)
{
	struct http_param params[HTTP_MAX_PATH_PARAMS];
	size_t param_count = 0;

	*out = NULL;
	for (size_t i = 0; i < count; i++) {
		int matched;

		if (strcmp(routes[i].method, req->method) != 0)
			continue;
		matched = router__match_path(routes[i].pattern, req->path, req, params,
					     &param_count);
		if (matched < 0)
			return matched;
		if (matched == 0)
			continue;
		memcpy(req->params, params, sizeof(params[0]) * param_count);
		req->param_count = param_count;
		*out = &routes[i];
		return 0;
	}
	return SX_ENOTFOUND;
}

/* Whether the comma-separated list holds method. */
static bool router__list_has(const char *list, const char *method)
{
	size_t len = strlen(method);

	for (const char *p = list; (p = strstr(p, method)) != NULL; p += len) {
		bool starts = p == list || p[-1] == ' ';
		bool ends = p[len] == '\0' || p[len] == ',';

		if (starts && ends)
			return true;
	}
	return false;
}

void http_router_stream_allowed(char *out, size_t out_size, const struct http_stream_route *routes,
				size_t count, struct http_request *req)
{
	struct http_param params[HTTP_MAX_PATH_PARAMS];
	size_t param_count = 0, used;

	if (out_size == 0)
		return;
	used = strnlen(out, out_size);
	if (used == out_size)
		return;
	for (size_t i = 0; i < count; i++) {
		int n;

		if (router__list_has(out, routes[i].method) ||
		    router__match_path(routes[i].pattern, req->path, req, params, &param_count) != 1)
			continue;
		n = snprintf(out + used, out_size - used, "%s%s", used ? ", " : "", routes[i].method);
		if (n < 0 || (size_t)n >= out_size - used) {
			out[used] = '\0';
			return;
		}
		used += (size_t)n;
	}
}
