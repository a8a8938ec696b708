/*
 * Integration: evidence files on a real `sanxiang serve` (docs/evidence-upload.md).
 *
 *   POST   /api/v1/cases/:id/uploads     201 + Location; past --max-evidence-bytes 413
 *   HEAD   /api/v1/uploads/:id           Upload-Offset
 *   PUT    /api/v1/uploads/:id           Content-Range chunks: one PUT of 3 MiB → 201 with
 *                                        the SHA-256 the test computes; resumed after 1 MiB
 *                                        (wrong START → 409 + Upload-Offset); a connection
 *                                        dropped mid-body keeps what arrived and the upload
 *                                        completes from there; no CSRF header → 403 and no
 *                                        byte written; the same content twice → two rows,
 *                                        one hash; a 64 MiB PUT streams (the server's peak
 *                                        RSS grows by less than 32 MiB)
 *   DELETE /api/v1/uploads/:id           204
 *   GET    /api/v1/evidence/:id/content  whole file, bytes=10-19 → 206, bytes=-5, 416
 *
 * The case comes from POST /api/v1/cases as the demo officer 张明 with a second
 * officer of his agency. On PostgreSQL the server needs --blob-dir (a DSN names
 * no directory): the test makes one under its own temp dir.
 */
#define _XOPEN_SOURCE 700 /* nftw */

#include "itest.h"

#include "base/error.h"
#include "base/mem.h"
#include "crypto/hash.h"
#include "domain/idcheck.h"
#include "testdb.h"

#include <arpa/inet.h>
#include <ftw.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <dirent.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MIB (1024u * 1024u)
#define MAX_EVIDENCE_BYTES "134217728" /* 128 MiB: the 64 MiB upload fits, 128 MiB + 1 not */
#define DEMO_CERT "33010020260001"     /* 张明, the demo user "officer" */
#define PENALTY_MATTER "330100-SJ-CF-001"

/* ---- helpers ------------------------------------------------------------------------------- */

struct session {
	struct itest_client *c;
	char *csrf;
};

static void session_open(struct session *s, void **state)
{
	memset(s, 0, sizeof(*s));
	assert_int_equal(itest_client_new(&s->c, *state), 0);
	assert_int_equal(itest_login(&s->csrf, s->c, "officer", ITEST_DEMO_PASSWORD), 0);
}

static void session_close(struct session *s)
{
	itest_client_free(s->c);
	sx_free(s->csrf);
}

/* Bytes that differ from one test to the next (seed) and are not all alike. */
static char *make_data(size_t len, unsigned seed)
{
	char *data = sx_malloc(len);
	uint32_t x = 2463534242u ^ seed;

	assert_non_null(data);
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		data[i] = (char)(x & 0xff);
	}
	return data;
}

static void sha256_hex(char out[2 * CRYPTO_HASH_MAX_BYTES + 1], const char *data, size_t len)
{
	assert_int_equal(crypto_hash_hex(out, CRYPTO_HASH_SHA256, data, len), 0);
}

/* A new penalty case of the demo officer's agency; returns its id (sx_free). */
static char *create_case(struct session *s)
{
	struct itest_response r;
	const char *agency = NULL, *me = NULL, *other = NULL;
	json_t *list, *o;
	size_t i;
	char body[1024], credit[19];
	char *id = NULL;

	assert_int_equal(itest_get(&r, s->c, "/api/v1/staff/officers?page_size=100"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	list = json_object_get(r.json, "officers");
	json_array_foreach(list, i, o) {
		if (strcmp(json_string_value(json_object_get(o, "cert_no")), DEMO_CERT) == 0) {
			me = json_string_value(json_object_get(o, "id"));
			agency = json_string_value(json_object_get(o, "agency_id"));
		}
	}
	assert_non_null(me);
	json_array_foreach(list, i, o) {
		const char *oid = json_string_value(json_object_get(o, "id"));

		if (other == NULL && strcmp(oid, me) != 0 &&
		    strcmp(json_string_value(json_object_get(o, "agency_id")), agency) == 0 &&
		    strcmp(json_string_value(json_object_get(o, "status")), "active") == 0)
			other = oid;
	}
	assert_non_null(other);
	snprintf(credit, sizeof(credit), "91330106MA0000001%c",
		 idcheck_credit_code_check_char("91330106MA0000001"));
	snprintf(body, sizeof(body),
		 "{\"kind\":\"penalty\",\"procedure\":\"general\",\"matter_code\":\"%s\","
		 "\"cause\":\"涉嫌销售过期食品\",\"party_type\":\"organization\","
		 "\"party_name\":\"示例市某某超市有限公司\",\"party_id_code\":\"%s\","
		 "\"officer_ids\":[\"%s\",\"%s\"]}",
		 PENALTY_MATTER, credit, me, other);
	itest_response_free(&r);
	assert_int_equal(itest_send_json(&r, s->c, "POST", "/api/v1/cases", body, s->csrf), 0);
	ITEST_ASSERT_STATUS(r, 201);
	id = sx_strdup(json_string_value(json_object_get(json_object_get(r.json, "case"), "id")));
	assert_non_null(id);
	itest_response_free(&r);
	return id;
}

/* POST an upload of size bytes (kind "file", no capture metadata needed). */
static int post_upload(struct itest_response *r, struct session *s, const char *case_id,
		       unsigned long long size)
{
	char path[128], body[256];

	snprintf(path, sizeof(path), "/api/v1/cases/%s/uploads", case_id);
	snprintf(body, sizeof(body),
		 "{\"kind\":\"file\",\"size\":%llu,\"content_type\":\"video/mp4\","
		 "\"file_name\":\"现场 记录.mp4\",\"description\":\"测试\"}",
		 size);
	return itest_send_json(r, s->c, "POST", path, body, s->csrf);
}

static char *create_upload(struct session *s, const char *case_id, size_t size)
{
	struct itest_response r;
	json_t *up;
	char *id;
	char want[128];

	assert_int_equal(post_upload(&r, s, case_id, size), 0);
	ITEST_ASSERT_STATUS(r, 201);
	up = json_object_get(r.json, "upload");
	assert_int_equal(json_integer_value(json_object_get(up, "offset")), 0);
	assert_string_equal(json_string_value(json_object_get(up, "status")), "open");
	assert_int_equal(json_integer_value(json_object_get(up, "size")), (json_int_t)size);
	id = sx_strdup(json_string_value(json_object_get(up, "id")));
	assert_non_null(id);
	snprintf(want, sizeof(want), "/api/v1/uploads/%s", id);
	assert_string_equal(json_string_value(json_object_get(up, "url")), want);
	ITEST_ASSERT_LOCATION(r, s->c, want);
	itest_response_free(&r);
	return id;
}

/* PUT data[start..end] (inclusive) of an upload of total bytes; csrf may be NULL. */
static void put_range(struct itest_response *r, struct session *s, const char *upload_id,
		      const char *data, size_t start, size_t end, size_t total, const char *csrf)
{
	assert_int_equal(itest_upload_put(r, s->c, upload_id, data, start, end, total, csrf), 0);
}

/* HEAD the upload: its Upload-Offset. */
static long long head_offset(struct session *s, const char *upload_id)
{
	struct itest_response r;
	char path[128];
	const char *v;
	long long offset;

	snprintf(path, sizeof(path), "/api/v1/uploads/%s", upload_id);
	assert_int_equal(itest_request(&r, s->c, "HEAD", path, NULL, NULL, 0, NULL), 0);
	ITEST_ASSERT_STATUS(r, 200);
	v = itest_response_header(&r, "Upload-Offset");
	assert_non_null(v);
	offset = strtoll(v, NULL, 10);
	itest_response_free(&r);
	return offset;
}

/* Checks a 201 answer to the last PUT: evidence with sha256 of data; returns its id. */
static char *assert_evidence(struct itest_response *r, const char *data, size_t len)
{
	char want[2 * CRYPTO_HASH_MAX_BYTES + 1];
	json_t *e;
	char *id;

	ITEST_ASSERT_STATUS(*r, 201);
	sha256_hex(want, data, len);
	e = json_object_get(r->json, "evidence");
	assert_string_equal(json_string_value(json_object_get(e, "sha256")), want);
	assert_int_equal(strlen(json_string_value(json_object_get(e, "sm3"))), 64);
	assert_int_equal(json_integer_value(json_object_get(e, "size")), (json_int_t)len);
	assert_string_equal(json_string_value(json_object_get(e, "kind")), "file");
	assert_true(json_is_integer(json_object_get(r->json, "ledger_index")));
	id = sx_strdup(json_string_value(json_object_get(e, "id")));
	assert_non_null(id);
	return id;
}

/* One whole upload in one PUT; returns the evidence id. */
static char *upload_whole(struct session *s, const char *case_id, const char *data, size_t len)
{
	struct itest_response r;
	char *upload_id = create_upload(s, case_id, len);
	char *id;

	put_range(&r, s, upload_id, data, 0, len - 1, len, s->csrf);
	id = assert_evidence(&r, data, len);
	itest_response_free(&r);
	sx_free(upload_id);
	return id;
}

/* ---- tests --------------------------------------------------------------------------------- */

static void test_a_whole_file_in_one_put_becomes_evidence_with_its_sha256(void **state)
{
	struct session s;
	size_t len = 3 * MIB;
	char *data = make_data(len, 1);
	char *case_id, *id;

	session_open(&s, state);
	case_id = create_case(&s);
	id = upload_whole(&s, case_id, data, len);
	sx_free(id);
	sx_free(case_id);
	sx_free(data);
	session_close(&s);
}

static void test_an_upload_resumes_from_the_offset_the_server_reports(void **state)
{
	struct session s;
	struct itest_response r;
	size_t len = 3 * MIB;
	char *data = make_data(len, 2);
	char *case_id, *upload_id, *id;

	session_open(&s, state);
	case_id = create_case(&s);
	upload_id = create_upload(&s, case_id, len);
	put_range(&r, &s, upload_id, data, 0, MIB - 1, len, s.csrf);
	ITEST_ASSERT_STATUS(r, 200);
	assert_string_equal(itest_response_header(&r, "Upload-Offset"), "1048576");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "upload"),
							    "offset")),
			 MIB);
	itest_response_free(&r);
	/* A client that thinks it sent more: told where to go on. */
	put_range(&r, &s, upload_id, data, 2 * MIB, len - 1, len, s.csrf);
	ITEST_ASSERT_API_ERROR(r, 409, "offset_mismatch");
	assert_string_equal(itest_response_header(&r, "Upload-Offset"), "1048576");
	itest_response_free(&r);
	assert_int_equal(head_offset(&s, upload_id), MIB);
	put_range(&r, &s, upload_id, data, MIB, len - 1, len, s.csrf);
	id = assert_evidence(&r, data, len);
	itest_response_free(&r);
	sx_free(id);
	sx_free(upload_id);
	sx_free(case_id);
	sx_free(data);
	session_close(&s);
}

static void test_bad_content_ranges_are_refused(void **state)
{
	struct session s;
	struct itest_response r;
	char path[128], token[160];
	size_t len = 1000;
	char *data = make_data(len, 3);
	char *case_id, *upload_id;
	static const char *const bad[] = {
		"Content-Range: bytes 0-99/999",  /* TOTAL is not the upload's size */
		"Content-Range: bytes 10-5/1000", /* END < START */
		"Content-Range: 0-99/1000",       /* no unit */
		"Content-Range: bytes 0-99",      /* no total */
		"Content-Range: bytes 0-199/1000", /* more than Content-Length says */
	};

	session_open(&s, state);
	case_id = create_case(&s);
	upload_id = create_upload(&s, case_id, len);
	snprintf(path, sizeof(path), "/api/v1/uploads/%s", upload_id);
	snprintf(token, sizeof(token), "X-CSRF-Token: %s", s.csrf);
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		const char *headers[] = {bad[i], token, NULL};

		assert_int_equal(itest_request(&r, s.c, "PUT", path, "application/octet-stream", data,
					       100, headers),
				 0);
		ITEST_ASSERT_API_ERROR(r, 400, "bad_content_range");
		itest_response_free(&r);
	}
	{
		const char *headers[] = {token, NULL};

		assert_int_equal(itest_request(&r, s.c, "PUT", path, "application/octet-stream", data,
					       100, headers),
				 0);
		ITEST_ASSERT_API_ERROR(r, 400, "bad_content_range");
		itest_response_free(&r);
	}
	assert_int_equal(head_offset(&s, upload_id), 0);
	sx_free(upload_id);
	sx_free(case_id);
	sx_free(data);
	session_close(&s);
}

/* Sends the request head and half of a body of len bytes over a raw socket, then closes. */
static void send_half_and_close(struct itest_server *srv, const char *upload_id,
				const char *cookie, const char *csrf, const char *data, size_t len)
{
	struct sockaddr_in addr;
	char head[1024];
	int fd, n;
	size_t sent = 0, half = len / 2;

	n = snprintf(head, sizeof(head),
		     "PUT /api/v1/uploads/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		     "Cookie: sx_session=%s\r\nX-CSRF-Token: %s\r\n"
		     "Content-Type: application/octet-stream\r\n"
		     "Content-Range: bytes 0-%zu/%zu\r\nContent-Length: %zu\r\n\r\n",
		     upload_id, cookie, csrf, len - 1, len, len);
	assert_true(n > 0 && (size_t)n < sizeof(head));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)itest_server_port(srv));
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(send(fd, head, (size_t)n, MSG_NOSIGNAL), n);
	while (sent < half) {
		ssize_t w = send(fd, data + sent, half - sent, MSG_NOSIGNAL);

		assert_true(w > 0);
		sent += (size_t)w;
	}
	/* Drop, do not finish: an RST, as when a phone loses the network. (A
	 * FIN that arrives with the last data can go unnoticed by
	 * libmicrohttpd's edge-triggered epoll until the idle timeout.) */
	{
		struct linger drop = {1, 0};

		assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_LINGER, &drop, sizeof(drop)), 0);
	}
	close(fd);
}

static void test_a_dropped_connection_keeps_what_arrived_and_the_upload_completes(void **state)
{
	struct session s;
	struct itest_response r;
	size_t len = 4 * MIB;
	char *data = make_data(len, 4);
	char *case_id, *upload_id, *cookie = NULL, *id = NULL;
	int64_t deadline;

	session_open(&s, state);
	case_id = create_case(&s);
	upload_id = create_upload(&s, case_id, len);
	/* The raw socket needs the session cookie: a login of its own. */
	assert_int_equal(itest_login_response(&r, s.c, "officer", ITEST_DEMO_PASSWORD), 0);
	ITEST_ASSERT_STATUS(r, 201);
	assert_int_equal(itest_response_cookie(&cookie, &r, "sx_session"), 0);
	sx_free(s.csrf);
	s.csrf = sx_strdup(json_string_value(json_object_get(r.json, "csrf_token")));
	assert_non_null(s.csrf);
	itest_response_free(&r);
	send_half_and_close(*state, upload_id, cookie, s.csrf, data, len);
	/* The server notices the close on its own time: until then the upload is
	 * busy or still at its old offset. Resume from what HEAD says until the
	 * rest is taken (bounded). */
	deadline = itest_now_ms() + 45000; /* the idle timeout (30 s) at worst */
	for (;;) {
		long long offset = head_offset(&s, upload_id);

		assert_true(offset >= 0 && (size_t)offset <= len / 2);
		put_range(&r, &s, upload_id, data, (size_t)offset, len - 1, len, s.csrf);
		if (r.status == 201)
			break;
		assert_true(r.status == 409 || r.status == 503);
		assert_true(itest_now_ms() < deadline);
		itest_response_free(&r);
		itest_sleep_ms(20);
	}
	id = assert_evidence(&r, data, len);
	itest_response_free(&r);
	sx_free(id);
	sx_free(cookie);
	sx_free(upload_id);
	sx_free(case_id);
	sx_free(data);
	session_close(&s);
}

static void test_the_same_content_uploaded_twice_gives_two_rows_with_one_hash(void **state)
{
	struct session s;
	size_t len = 100000;
	char *data = make_data(len, 5);
	char *case_id, *a, *b;

	session_open(&s, state);
	case_id = create_case(&s);
	a = upload_whole(&s, case_id, data, len);
	b = upload_whole(&s, case_id, data, len); /* assert_evidence checks the hash of each */
	assert_string_not_equal(a, b);
	sx_free(a);
	sx_free(b);
	sx_free(case_id);
	sx_free(data);
	session_close(&s);
}

static void test_a_put_without_the_csrf_header_is_refused_and_writes_nothing(void **state)
{
	struct session s;
	struct itest_response r;
	size_t len = 2 * MIB;
	char *data = make_data(len, 6);
	char *case_id, *upload_id;
	struct itest_client *anonymous = NULL;
	char path[128];

	session_open(&s, state);
	case_id = create_case(&s);
	upload_id = create_upload(&s, case_id, len);
	put_range(&r, &s, upload_id, data, 0, len - 1, len, NULL);
	ITEST_ASSERT_API_ERROR(r, 403, "csrf_failed");
	itest_response_free(&r);
	assert_int_equal(head_offset(&s, upload_id), 0);
	/* Without a session at all: 401, nothing written either. */
	assert_int_equal(itest_client_new(&anonymous, *state), 0);
	snprintf(path, sizeof(path), "/api/v1/uploads/%s", upload_id);
	{
		const char *headers[] = {"Content-Range: bytes 0-1048575/2097152", NULL};

		assert_int_equal(itest_request(&r, anonymous, "PUT", path, "application/octet-stream",
					       data, MIB, headers),
				 0);
	}
	ITEST_ASSERT_STATUS(r, 401);
	itest_response_free(&r);
	itest_client_free(anonymous);
	assert_int_equal(head_offset(&s, upload_id), 0);
	sx_free(upload_id);
	sx_free(case_id);
	sx_free(data);
	session_close(&s);
}

static void test_an_upload_above_the_limit_is_refused_when_announced(void **state)
{
	struct session s;
	struct itest_response r;
	char *case_id;

	session_open(&s, state);
	case_id = create_case(&s);
	assert_int_equal(post_upload(&r, &s, case_id, 134217728ull + 1), 0);
	ITEST_ASSERT_API_ERROR(r, 413, "upload_too_big");
	itest_response_free(&r);
	sx_free(case_id);
	session_close(&s);
}

static void test_an_aborted_upload_is_gone(void **state)
{
	struct session s;
	struct itest_response r;
	char *case_id, *upload_id;
	char path[128], token[160];
	const char *headers[2] = {token, NULL};

	session_open(&s, state);
	case_id = create_case(&s);
	upload_id = create_upload(&s, case_id, 5000);
	snprintf(path, sizeof(path), "/api/v1/uploads/%s", upload_id);
	snprintf(token, sizeof(token), "X-CSRF-Token: %s", s.csrf);
	assert_int_equal(itest_request(&r, s.c, "DELETE", path, NULL, NULL, 0, headers), 0);
	ITEST_ASSERT_STATUS(r, 204);
	itest_response_free(&r);
	assert_int_equal(itest_get(&r, s.c, path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(r.json, "upload"), "status")),
		"aborted");
	itest_response_free(&r);
	sx_free(upload_id);
	sx_free(case_id);
	session_close(&s);
}

static void get_content(struct itest_response *r, struct session *s, const char *evidence_id,
			const char *range_header)
{
	char path[160];
	const char *headers[] = {range_header, NULL};

	snprintf(path, sizeof(path), "/api/v1/evidence/%s/content", evidence_id);
	assert_int_equal(itest_request(r, s->c, "GET", path, NULL, NULL, 0,
				       range_header ? headers : NULL),
			 0);
}

static void test_downloads_serve_the_bytes_whole_and_in_ranges(void **state)
{
	struct session s;
	struct itest_response r;
	size_t len = 200000;
	char *data = make_data(len, 7);
	char *case_id, *id;
	char etag[80], want[64];

	session_open(&s, state);
	case_id = create_case(&s);
	id = upload_whole(&s, case_id, data, len);

	get_content(&r, &s, id, NULL);
	ITEST_ASSERT_STATUS(r, 200);
	assert_int_equal(r.body_len, len);
	assert_memory_equal(r.body, data, len);
	ITEST_ASSERT_CONTENT_TYPE(r, "video/mp4");
	assert_string_equal(itest_response_header(&r, "Accept-Ranges"), "bytes");
	{
		char hex[2 * CRYPTO_HASH_MAX_BYTES + 1];

		sha256_hex(hex, data, len);
		snprintf(etag, sizeof(etag), "\"%s\"", hex);
	}
	assert_string_equal(itest_response_header(&r, "ETag"), etag);
	assert_non_null(strstr(itest_response_header(&r, "Content-Disposition"),
			       "filename*=UTF-8''%E7%8E%B0%E5%9C%BA%20%E8%AE%B0%E5%BD%95.mp4"));
	itest_response_free(&r);

	get_content(&r, &s, id, "Range: bytes=10-19");
	ITEST_ASSERT_STATUS(r, 206);
	assert_int_equal(r.body_len, 10);
	assert_memory_equal(r.body, data + 10, 10);
	snprintf(want, sizeof(want), "bytes 10-19/%zu", len);
	assert_string_equal(itest_response_header(&r, "Content-Range"), want);
	itest_response_free(&r);

	get_content(&r, &s, id, "Range: bytes=-5");
	ITEST_ASSERT_STATUS(r, 206);
	assert_int_equal(r.body_len, 5);
	assert_memory_equal(r.body, data + len - 5, 5);
	itest_response_free(&r);

	get_content(&r, &s, id, "Range: bytes=199990-");
	ITEST_ASSERT_STATUS(r, 206);
	assert_int_equal(r.body_len, 10);
	assert_memory_equal(r.body, data + 199990, 10);
	itest_response_free(&r);

	get_content(&r, &s, id, "Range: bytes=999999999-");
	ITEST_ASSERT_STATUS(r, 416);
	snprintf(want, sizeof(want), "bytes */%zu", len);
	assert_string_equal(itest_response_header(&r, "Content-Range"), want);
	itest_response_free(&r);

	/* Several ranges: the whole file is a correct answer. */
	get_content(&r, &s, id, "Range: bytes=0-1,5-6");
	ITEST_ASSERT_STATUS(r, 200);
	assert_int_equal(r.body_len, len);
	itest_response_free(&r);

	sx_free(id);
	sx_free(case_id);
	sx_free(data);
	session_close(&s);
}

/* The pid of the test's server: the child whose command line names its dir. */
static long server_pid(struct itest_server *srv)
{
	const char *dir = itest_server_dir(srv);
	DIR *proc = opendir("/proc");
	struct dirent *de;
	long found = 0;

	assert_non_null(proc);
	while (found == 0 && (de = readdir(proc)) != NULL) {
		char path[300], cmd[4096], status[4096];
		FILE *f;
		size_t n;
		long pid = strtol(de->d_name, NULL, 10);
		const char *ppid;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		n = fread(cmd, 1, sizeof(cmd) - 1, f);
		fclose(f);
		for (size_t i = 0; i < n; i++)
			if (cmd[i] == '\0')
				cmd[i] = ' ';
		cmd[n] = '\0';
		if (strstr(cmd, " serve ") == NULL || strstr(cmd, dir) == NULL)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/status", pid);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		n = fread(status, 1, sizeof(status) - 1, f);
		fclose(f);
		status[n] = '\0';
		ppid = strstr(status, "PPid:");
		if (ppid && strtol(ppid + 5, NULL, 10) == (long)getpid())
			found = pid;
	}
	closedir(proc);
	return found;
}

/* VmHWM (peak resident set) of pid in KiB. */
static long peak_rss_kib(long pid)
{
	char path[64], status[4096];
	const char *hwm;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(status, 1, sizeof(status) - 1, f);
	fclose(f);
	status[n] = '\0';
	hwm = strstr(status, "VmHWM:");
	assert_non_null(hwm);
	return strtol(hwm + 6, NULL, 10);
}

static void test_a_64_mib_upload_streams_without_growing_the_server(void **state)
{
	struct session s;
	size_t len = 64 * MIB;
	char *data = make_data(len, 8);
	char *case_id, *id;
	long pid, before, after;

	session_open(&s, state);
	case_id = create_case(&s);
	pid = server_pid(*state);
	assert_true(pid > 0);
	before = peak_rss_kib(pid);
	id = upload_whole(&s, case_id, data, len);
	after = peak_rss_kib(pid);
	if (after - before >= 32 * 1024)
		fail_msg("server peak RSS grew by %ld KiB during a 64 MiB upload", after - before);
	sx_free(id);
	sx_free(case_id);
	sx_free(data);
	session_close(&s);
}

/* ---- main ---------------------------------------------------------------------------------- */

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_whole_file_in_one_put_becomes_evidence_with_its_sha256),
		cmocka_unit_test(test_an_upload_resumes_from_the_offset_the_server_reports),
		cmocka_unit_test(test_bad_content_ranges_are_refused),
		cmocka_unit_test(
			test_a_dropped_connection_keeps_what_arrived_and_the_upload_completes),
		cmocka_unit_test(test_the_same_content_uploaded_twice_gives_two_rows_with_one_hash),
		cmocka_unit_test(test_a_put_without_the_csrf_header_is_refused_and_writes_nothing),
		cmocka_unit_test(test_an_upload_above_the_limit_is_refused_when_announced),
		cmocka_unit_test(test_an_aborted_upload_is_gone),
		cmocka_unit_test(test_downloads_serve_the_bytes_whole_and_in_ranges),
		cmocka_unit_test(test_a_64_mib_upload_streams_without_growing_the_server),
	};
	const char *args[] = {"--max-evidence-bytes", MAX_EVIDENCE_BYTES, NULL, NULL, NULL};
	char blob_dir[] = "/tmp/sx-blobs.XXXXXX";
	int rc;

	/* A DSN names no directory for the default <db dir>/blobs. */
	if (testdb_is_postgresql()) {
		if (mkdtemp(blob_dir) == NULL) {
			perror("mkdtemp");
			return 1;
		}
		args[2] = "--blob-dir";
		args[3] = blob_dir;
	}
	rc = ITEST_RUN_GROUP_AS_MAIN("evidence_upload", tests, args);
	if (args[2] != NULL)
		nftw(blob_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}
