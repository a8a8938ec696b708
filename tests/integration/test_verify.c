/*
 * Integration: 亮证 — a citizen checks an enforcement officer's certificate
 * on a real `sanxiang serve` with the demo data, without logging in.
 *
 *   GET /verify/officer?cert=…         the page: verdict class and Chinese
 *                                      label, name, agency; 404 "查无此证"
 *                                      for unknown and malformed numbers,
 *                                      which are echoed escaped; the empty
 *                                      form without cert
 *   GET /api/v1/verify/officer?cert=…  the JSON shape and states; 404
 *                                      officer_not_found, 400 bad_cert_no
 *   GET /verify/officer/qr.png|qr.svg  the PNG decodes (zbarimg, a real
 *                                      decoder) to the page URL under
 *                                      --public-url, its trailing slash
 *                                      dropped; 404 for unknown certificates
 *
 * The ID numbers (身份证号) of the demo officers must never leave the
 * server: every response body and header of this file is searched for the
 * 17-digit prefixes from src/service/demo.c.
 *
 * Groups: a server with --public-url https://verify.example.gov.cn/ and a
 * limit high enough not to matter (--verify-per-minute 100000 refills a
 * token every 0.6 ms); one with --verify-per-minute 3 (burst 3), where the
 * fourth lookup is 429 rate_limited with Retry-After while /healthz and the
 * empty form still answer; one with the default limit (60 a minute, burst
 * 20). Bad --public-url and --verify-per-minute values make serve exit 2,
 * run directly on a database of its own.
 *
 * The demo's validity dates (to 2025-12-31 and 2028-12-31) make the states
 * below true between 2026-01-01 and 2028-12-31 (Asia/Shanghai); the first
 * test says so if the clock has moved on.
 *
 * zbarimg comes from Debian's zbar-tools (scripts/setup); without it the QR
 * test fails rather than skips.
 *
 * Spec: RFC 6585 §4 (429), RFC 9110 §10.2.3 (Retry-After), ISO/IEC 18004
 * (QR), 《行政执法证件管理办法》 (what a certificate shows).
 */
#include "itest.h"

#include "base/error.h"
#include "base/mem.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define HTML_TYPE "text/html; charset=utf-8"
#define JSON_TYPE "application/json; charset=utf-8"
#define PUBLIC_URL "https://verify.example.gov.cn"
#define TOOL_TIMEOUT_MS 60000

/* First 17 digits of each demo officer's 身份证号 (src/service/demo.c). */
static const char *const demo_id_prefixes[] = {
        "33010619850312001", "33010219880705002", "33010519900101004",
        "33010619791120003", "33010419870415006", "33010819920808005",
};

struct demo_officer {
	const char *cert_no;
	const char *name;
	const char *agency;
	const char *field;
	const char *valid_to;
	const char *status;
	const char *state;
	const char *label;
};

static const struct demo_officer officers[] = {
        {"33010020260001", "张明", "示例市市场监督管理局", "市场监管", "2028-12-31", "active",
         "valid", "有效"},
        {"33010020260002", "李华", "示例市市场监督管理局", "市场监管", "2025-12-31", "active",
         "expired", "已过期"},
        {"33010020260004", "赵强", "示例市市场监督管理局", "市场监管", "2028-12-31", "suspended",
         "suspended", "已暂停执法"},
        {"33010020260101", "陈静", "示例市生态环境局", "生态环境", "2028-12-31", "active", "valid",
         "有效"},
};

static const char *const verdict_classes[] = {
        "verdict-valid",     "verdict-not_yet_valid", "verdict-expired",
        "verdict-suspended", "verdict-revoked",       "verdict-unknown",
};

/* ---- helpers ------------------------------------------------------------------------------- */

static struct itest_client *new_client(void **state)
{
	struct itest_client *c = NULL;

	assert_int_equal(itest_client_new(&c, *state), 0);
	return c;
}

static bool contains(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	if (n > len)
		return false;
	for (size_t i = 0; i + n <= len; i++) {
		if (memcmp(hay + i, needle, n) == 0)
			return true;
	}
	return false;
}

static void expect_no_id_number(const struct itest_response *r, const char *path)
{
	for (size_t i = 0; i < ARRAY_LEN(demo_id_prefixes); i++) {
		if (contains(r->body, r->body_len, demo_id_prefixes[i]))
			fail_msg("%s: the body holds ID number prefix %s", path,
			         demo_id_prefixes[i]);
		for (size_t h = 0; h < r->header_count; h++) {
			const char *v = r->headers[h].value;

			if (contains(v, strlen(v), demo_id_prefixes[i]))
				fail_msg("%s: header %s holds ID number prefix %s", path,
				         r->headers[h].name, demo_id_prefixes[i]);
		}
	}
}

/* GET path; every answer of this file goes through here and is searched for ID numbers. */
static void fetch(struct itest_response *out, struct itest_client *c, const char *path)
{
	assert_int_equal(itest_get(out, c, path), 0);
	expect_no_id_number(out, path);
}

static void fetch_cert(struct itest_response *out, struct itest_client *c, const char *route,
                       const char *cert_query)
{
	char path[512];

	snprintf(path, sizeof(path), "%s?cert=%s", route, cert_query);
	fetch(out, c, path);
}

static void expect_body_has(const struct itest_response *r, const char *needle)
{
	if (!contains(r->body, r->body_len, needle))
		fail_msg("body lacks \"%s\":\n%s", needle, r->body);
}

static void expect_body_lacks(const struct itest_response *r, const char *needle)
{
	if (contains(r->body, r->body_len, needle))
		fail_msg("body has \"%s\":\n%s", needle, r->body);
}

/* How many headers called name (case-insensitive) r carries. */
static size_t header_count(const struct itest_response *r, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < r->header_count; i++) {
		if (strcasecmp(r->headers[i].name, name) == 0)
			n++;
	}
	return n;
}

/* Today in Asia/Shanghai (UTC+8, no daylight saving), "YYYY-MM-DD". */
static void shanghai_today(char out[11])
{
	time_t now = time(NULL) + 8 * 3600;
	struct tm tm;

	assert_non_null(gmtime_r(&now, &tm));
	assert_int_equal(strftime(out, 11, "%Y-%m-%d", &tm), 10);
}

static char *path_in(const struct itest_server *s, const char *name)
{
	size_t len = strlen(itest_server_dir(s)) + 1 + strlen(name) + 1;
	char *p = sx_malloc(len);

	assert_non_null(p);
	snprintf(p, len, "%s/%s", itest_server_dir(s), name);
	return p;
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* The whole file as a NUL-terminated string (sx_free). */
static char *read_text_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long size;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size >= 0);
	rewind(f);
	data = sx_malloc((size_t)size + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
	data[size] = '\0';
	fclose(f);
	return data;
}

/* ---- the page ------------------------------------------------------------------------------ */

static void test_the_demo_dates_still_give_the_expected_states(void **state)
{
	char today[11];

	(void)state;
	shanghai_today(today);
	if (strcmp(today, "2026-01-01") < 0 || strcmp(today, "2028-12-31") > 0)
		fail_msg("today is %s: the demo officers' dates no longer give the states this "
		         "file expects; update the demo data and these tables together",
		         today);
}

static void test_page_shows_each_demo_officer_with_verdict_label_name_and_agency(void **state)
{
	struct itest_client *c = new_client(state);

	for (size_t i = 0; i < ARRAY_LEN(officers); i++) {
		const struct demo_officer *o = &officers[i];
		struct itest_response r;
		char verdict[64], label[128];

		fetch_cert(&r, c, "/verify/officer", o->cert_no);
		ITEST_ASSERT_STATUS(r, 200);
		ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
		snprintf(verdict, sizeof(verdict), "verdict-%s", o->state);
		expect_body_has(&r, verdict);
		for (size_t k = 0; k < ARRAY_LEN(verdict_classes); k++) {
			if (strcmp(verdict_classes[k], verdict) != 0)
				expect_body_lacks(&r, verdict_classes[k]);
		}
		snprintf(label, sizeof(label), "<p class=\"verdict-word\">%s</p>", o->label);
		expect_body_has(&r, label);
		expect_body_has(&r, o->name);
		expect_body_has(&r, o->agency);
		expect_body_has(&r, o->cert_no);
		expect_body_has(&r, o->valid_to);
		expect_body_has(&r, "<dl class=\"officer\">");
		/* No demo officer has a photo: the page says so rather than show nothing. */
		expect_body_has(&r, "未登记照片");
		expect_body_lacks(&r, "查无此证");
		assert_int_equal(header_count(&r, "Cache-Control"), 1);
		assert_string_equal(itest_response_header(&r, "Cache-Control"), "no-store");
		itest_response_free(&r);
	}
	itest_client_free(c);
}

static void test_unknown_cert_is_a_404_page_saying_no_such_certificate(void **state)
{
	static const char *const unknown[] = {"33010020269999", "ABCD", "330100-XX-0001"};
	struct itest_client *c = new_client(state);

	for (size_t i = 0; i < ARRAY_LEN(unknown); i++) {
		struct itest_response r;

		fetch_cert(&r, c, "/verify/officer", unknown[i]);
		ITEST_ASSERT_STATUS(r, 404);
		ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
		expect_body_has(&r, "查无此证");
		expect_body_has(&r, "verdict-unknown");
		expect_body_has(&r, unknown[i]);
		expect_body_lacks(&r, "verdict-valid");
		expect_body_lacks(&r, "<dl class=\"officer\">");
		itest_response_free(&r);
	}
	itest_client_free(c);
}

static void test_malformed_cert_is_a_404_page_that_echoes_it_escaped(void **state)
{
	static const struct {
		const char *query;   /* as sent, percent-encoded */
		const char *raw;     /* must not appear */
		const char *escaped; /* must appear */
	} cases[] = {
	        {"%3Cscript%3Ealert(1)%3C%2Fscript%3E", "<script>", "&lt;script&gt;alert(1)"},
	        {"%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", "<img src=x",
	         "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"},
	        {"abc'def", "abc'def", "abc&#39;def"},
	        {"12", NULL, "查无此证"},
	        {"%E5%BC%A0%E6%98%8E", NULL, "张明"},
	};
	struct itest_client *c = new_client(state);

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct itest_response r;

		fetch_cert(&r, c, "/verify/officer", cases[i].query);
		ITEST_ASSERT_STATUS(r, 404);
		ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
		expect_body_has(&r, "查无此证");
		expect_body_has(&r, cases[i].escaped);
		if (cases[i].raw)
			expect_body_lacks(&r, cases[i].raw);
		expect_body_lacks(&r, "verdict-valid");
		itest_response_free(&r);
	}
	itest_client_free(c);
}

static void test_page_without_cert_is_the_empty_form(void **state)
{
	static const char *const paths[] = {"/verify/officer", "/verify/officer?cert="};
	struct itest_client *c = new_client(state);

	for (size_t i = 0; i < ARRAY_LEN(paths); i++) {
		struct itest_response r;
		struct itest_slice form;
		char *method = NULL;

		fetch(&r, c, paths[i]);
		ITEST_ASSERT_STATUS(r, 200);
		ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
		assert_int_equal(itest_html_find_form(&form, r.body, r.body_len, "/verify/officer"),
		                 0);
		assert_int_equal(itest_html_attribute(&method, form.ptr, form.len, "form", NULL,
		                                      NULL, "method"),
		                 0);
		assert_string_equal(method, "get");
		sx_free(method);
		expect_body_has(&r, "name=\"cert\"");
		expect_body_lacks(&r, "class=\"verdict ");
		expect_body_lacks(&r, "查无此证");
		itest_response_free(&r);
	}
	itest_client_free(c);
}

/* ---- the API ------------------------------------------------------------------------------- */

static void expect_keys(const json_t *object, const char *const *keys, size_t count,
                        const char *what)
{
	assert_true(json_is_object(object));
	if (json_object_size(object) != count)
		fail_msg("%s has %zu keys, want %zu", what, json_object_size(object), count);
	for (size_t i = 0; i < count; i++) {
		if (!json_is_string(json_object_get(object, keys[i])))
			fail_msg("%s.%s is missing or not a string", what, keys[i]);
	}
}

static const char *str_at(const json_t *object, const char *key)
{
	return json_string_value(json_object_get(object, key));
}

static void test_api_returns_the_state_and_only_the_public_fields(void **state)
{
	static const char *const top_keys[] = {"state", "state_label", "checked_on"};
	static const char *const officer_keys[] = {
	        "name",  "cert_no",    "cert_type", "agency_id", "agency_name",
	        "field", "valid_from", "valid_to",  "status",
	};
	struct itest_client *c = new_client(state);

	for (size_t i = 0; i < ARRAY_LEN(officers); i++) {
		const struct demo_officer *o = &officers[i];
		struct itest_response r;
		char before[11], after[11];
		const json_t *officer;

		shanghai_today(before);
		fetch_cert(&r, c, "/api/v1/verify/officer", o->cert_no);
		shanghai_today(after);
		ITEST_ASSERT_STATUS(r, 200);
		ITEST_ASSERT_CONTENT_TYPE(r, JSON_TYPE);
		/* Once: the server adds no-store to everything under /api/ itself. */
		assert_int_equal(header_count(&r, "Cache-Control"), 1);
		assert_string_equal(itest_response_header(&r, "Cache-Control"), "no-store");
		/* Three strings and the officer object, nothing else. */
		assert_true(json_is_object(r.json));
		assert_int_equal(json_object_size(r.json), ARRAY_LEN(top_keys) + 1);
		for (size_t k = 0; k < ARRAY_LEN(top_keys); k++)
			assert_true(json_is_string(json_object_get(r.json, top_keys[k])));
		officer = json_object_get(r.json, "officer");
		/* The photo is public (亮证 shows it); no demo officer has one. */
		assert_true(json_is_null(json_object_get(officer, "photo_sha256")));
		json_object_del((json_t *)officer, "photo_sha256");
		expect_keys(officer, officer_keys, ARRAY_LEN(officer_keys), "officer");

		assert_string_equal(str_at(r.json, "state"), o->state);
		assert_string_equal(str_at(r.json, "state_label"), o->label);
		if (strcmp(str_at(r.json, "checked_on"), before) != 0 &&
		    strcmp(str_at(r.json, "checked_on"), after) != 0)
			fail_msg("checked_on %s, today is %s", str_at(r.json, "checked_on"), after);
		assert_string_equal(str_at(officer, "name"), o->name);
		assert_string_equal(str_at(officer, "cert_no"), o->cert_no);
		assert_string_equal(str_at(officer, "cert_type"), "行政执法证");
		assert_string_equal(str_at(officer, "agency_name"), o->agency);
		assert_true(strlen(str_at(officer, "agency_id")) > 0);
		assert_string_equal(str_at(officer, "field"), o->field);
		assert_string_equal(str_at(officer, "valid_from"), "2024-01-01");
		assert_string_equal(str_at(officer, "valid_to"), o->valid_to);
		assert_string_equal(str_at(officer, "status"), o->status);
		itest_response_free(&r);
	}
	itest_client_free(c);
}

static void test_api_unknown_is_404_and_malformed_or_missing_is_400(void **state)
{
	static const struct {
		const char *path;
		long status;
		const char *code;
	} cases[] = {
	        {"/api/v1/verify/officer?cert=33010020269999", 404, "officer_not_found"},
	        {"/api/v1/verify/officer?cert=ABCD", 404, "officer_not_found"},
	        {"/api/v1/verify/officer?cert=%3Cscript%3E", 400, "bad_cert_no"},
	        {"/api/v1/verify/officer?cert=123", 400, "bad_cert_no"},
	        {"/api/v1/verify/officer?cert=330100200260001330100200260001330", 400,
	         "bad_cert_no"},
	        {"/api/v1/verify/officer?cert=3301%2000", 400, "bad_cert_no"},
	        {"/api/v1/verify/officer?cert=", 400, "bad_cert_no"},
	        {"/api/v1/verify/officer", 400, "bad_cert_no"},
	};
	struct itest_client *c = new_client(state);

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct itest_response r;

		fetch(&r, c, cases[i].path);
		ITEST_ASSERT_API_ERROR(r, cases[i].status, cases[i].code);
		expect_body_lacks(&r, "<script>");
		itest_response_free(&r);
	}
	itest_client_free(c);
}

/* ---- QR codes ------------------------------------------------------------------------------ */

/*
 * Runs `zbarimg --raw -q --nodbus png_path`; returns what it printed, stdout
 * and stderr together (sx_free). --nodbus keeps zbar from reporting its
 * missing D-Bus on stderr. Fails the test without zbarimg.
 */
static char *zbar_decode(struct itest_server *s, const char *png_path)
{
	char *out_path = path_in(s, "zbarimg.out");
	char *argv[] = {"zbarimg", "--raw", "-q", "--nodbus", (char *)png_path, NULL};
	char *text;
	int status = 0;
	int rc = itest_run_program(&status, argv, NULL, out_path, TOOL_TIMEOUT_MS);

	if (rc == SX_ENOTFOUND)
		fail_msg("zbarimg is not installed: apt-get install -y zbar-tools (scripts/setup)");
	assert_int_equal(rc, 0);
	text = read_text_file(out_path);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("zbarimg could not decode %s (status %d): %s", png_path, status, text);
	sx_free(out_path);
	return text;
}

static void test_qr_png_decodes_to_the_page_url_under_the_public_url(void **state)
{
	static const char *const certs[] = {"33010020260001", "33010020260101"};
	struct itest_client *c = new_client(state);

	for (size_t i = 0; i < ARRAY_LEN(certs); i++) {
		struct itest_response r;
		char *png_path = path_in(*state, "qr.png");
		char want[256];
		char *decoded;

		fetch_cert(&r, c, "/verify/officer/qr.png", certs[i]);
		ITEST_ASSERT_STATUS(r, 200);
		ITEST_ASSERT_CONTENT_TYPE(r, "image/png");
		assert_true(r.body_len > 8);
		assert_memory_equal(r.body, "\x89PNG\r\n\x1a\n", 8);
		write_file(png_path, r.body, r.body_len);
		decoded = zbar_decode(*state, png_path);
		/* The trailing slash of --public-url is dropped: no "//verify". */
		snprintf(want, sizeof(want), PUBLIC_URL "/verify/officer?cert=%s\n", certs[i]);
		assert_string_equal(decoded, want);
		sx_free(decoded);
		sx_free(png_path);
		itest_response_free(&r);
	}
	itest_client_free(c);
}

static void test_qr_svg_is_an_svg_image(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;

	fetch_cert(&r, c, "/verify/officer/qr.svg", "33010020260001");
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, "image/svg+xml");
	assert_int_equal(strncmp(r.body, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39), 0);
	expect_body_has(&r, "<path ");
	expect_body_has(&r, "</svg>");
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_qr_for_an_unknown_certificate_is_404_and_for_a_malformed_one_400(void **state)
{
	static const char *const routes[] = {"/verify/officer/qr.png", "/verify/officer/qr.svg"};
	struct itest_client *c = new_client(state);

	for (size_t i = 0; i < ARRAY_LEN(routes); i++) {
		struct itest_response r;

		fetch_cert(&r, c, routes[i], "33010020269999");
		ITEST_ASSERT_STATUS(r, 404);
		ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
		itest_response_free(&r);
		fetch_cert(&r, c, routes[i], "%3Cscript%3E");
		ITEST_ASSERT_STATUS(r, 400);
		ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
		expect_body_lacks(&r, "<script>");
		itest_response_free(&r);
		fetch(&r, c, routes[i]);
		ITEST_ASSERT_STATUS(r, 400);
		itest_response_free(&r);
	}
	itest_client_free(c);
}

/* ---- serve flags, checked by running the binary -------------------------------------------- */

/* Runs $SANXIANG_BIN with args (NULL-terminated, without argv[0]); returns its exit code. */
static int run_sanxiang(struct itest_server *s, const char *const *args, char **output)
{
	const char *bin = getenv("SANXIANG_BIN");
	char *argv[24];
	char *out_path = path_in(s, "run.out");
	size_t n = 0;
	int status = 0;
	int rc;

	assert_non_null(bin);
	argv[n++] = (char *)bin;
	for (; args[n - 1] != NULL; n++) {
		assert_true(n < ARRAY_LEN(argv) - 1);
		argv[n] = (char *)args[n - 1];
	}
	argv[n] = NULL;
	rc = itest_run_program(&status, argv, NULL, out_path, TOOL_TIMEOUT_MS);
	*output = read_text_file(out_path);
	sx_free(out_path);
	if (rc != 0)
		fail_msg("%s %s: rc %d (killed after %d ms?)\n%s", bin, args[0], rc,
		         TOOL_TIMEOUT_MS, *output);
	if (!WIFEXITED(status))
		fail_msg("%s %s did not exit normally (status %d)\n%s", bin, args[0], status,
		         *output);
	return WEXITSTATUS(status);
}

static void test_bad_public_url_or_rate_makes_serve_exit_2(void **state)
{
	static const struct {
		const char *flag;
		const char *value;
	} cases[] = {
	        {"--public-url", "ftp://x"},
	        {"--public-url", ""},
	        {"--public-url", "verify.example.gov.cn"},
	        {"--public-url", "https://verify.example.gov.cn/a b"},
	        {"--public-url", "https://verify.example.gov.cn/\"><script>"},
	        {"--public-url", "https://"},
	        {"--public-url", "http:///verify"},
	        {"--verify-per-minute", "0"},
	        {"--verify-per-minute", "-5"},
	        {"--verify-per-minute", "many"},
	        {"--verify-per-minute", "100001"},
	};
	char *db = path_in(*state, "flags.db");
	char *ready = path_in(*state, "flags.ready");
	const char *init[] = {"init", "--db", db, NULL};
	char *output = NULL;

	assert_int_equal(run_sanxiang(*state, init, &output), 0);
	sx_free(output);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const char *serve[] = {"serve",    "--db",        db,
		                       "--listen", "127.0.0.1:0", "--ready-file",
		                       ready,      cases[i].flag, cases[i].value,
		                       NULL};
		int code = run_sanxiang(*state, serve, &output);

		if (code != 2 || !contains(output, strlen(output), cases[i].flag))
			fail_msg("serve %s \"%s\": exit %d, want 2 naming the flag\n%s",
			         cases[i].flag, cases[i].value, code, output);
		sx_free(output);
	}
	sx_free(ready);
	sx_free(db);
}

/* ---- rate limit ---------------------------------------------------------------------------- */

static void test_lookups_past_the_limit_get_429_while_other_routes_answer(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;
	const char *retry;
	char *end;
	long seconds;

	/* --verify-per-minute 3: a burst of three lookups, whatever their answer. */
	fetch_cert(&r, c, "/verify/officer", "33010020260001");
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);
	fetch_cert(&r, c, "/api/v1/verify/officer", "33010020260002");
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);
	fetch_cert(&r, c, "/api/v1/verify/officer", "33010020269999");
	ITEST_ASSERT_STATUS(r, 404);
	itest_response_free(&r);

	fetch_cert(&r, c, "/api/v1/verify/officer", "33010020260001");
	ITEST_ASSERT_API_ERROR(r, 429, "rate_limited");
	retry = itest_response_header(&r, "Retry-After");
	assert_non_null(retry);
	seconds = strtol(retry, &end, 10);
	/* One token every 20 s; Retry-After may round up by a second. */
	if (end == retry || *end != '\0' || seconds < 1 || seconds > 21)
		fail_msg("Retry-After \"%s\", want 1..21 seconds", retry);
	itest_response_free(&r);

	/* The limit covers every lookup route, the page included. */
	fetch_cert(&r, c, "/verify/officer", "33010020260001");
	ITEST_ASSERT_STATUS(r, 429);
	assert_non_null(itest_response_header(&r, "Retry-After"));
	expect_body_lacks(&r, "verdict-valid");
	itest_response_free(&r);
	fetch_cert(&r, c, "/verify/officer/qr.png", "33010020260001");
	ITEST_ASSERT_STATUS(r, 429);
	itest_response_free(&r);

	/* Other routes, and the form that looks nothing up, still answer. */
	fetch(&r, c, "/healthz");
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);
	fetch(&r, c, "/verify/officer");
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_the_default_limit_allows_a_burst_of_20(void **state)
{
	struct itest_client *c = new_client(state);
	int64_t start = itest_now_ms();
	int allowed = 0;
	int64_t elapsed_ms;

	for (;;) {
		struct itest_response r;

		fetch_cert(&r, c, "/api/v1/verify/officer", "33010020260001");
		if (r.status == 429) {
			ITEST_ASSERT_API_ERROR(r, 429, "rate_limited");
			itest_response_free(&r);
			break;
		}
		ITEST_ASSERT_STATUS(r, 200);
		itest_response_free(&r);
		if (++allowed > 200)
			fail_msg("no 429 after 200 lookups");
	}
	/* 60 a minute: a token a second on top of the burst while this ran. */
	elapsed_ms = itest_now_ms() - start;
	if (allowed < 20 || allowed > 20 + elapsed_ms / 1000 + 1)
		fail_msg("%d lookups allowed in %lld ms, want a burst of 20", allowed,
		         (long long)elapsed_ms);
	itest_client_free(c);
}

int main(void)
{
	static const char *const public_flags[] = {"--public-url", PUBLIC_URL "/",
	                                           "--verify-per-minute", "100000", NULL};
	static const char *const limited_flags[] = {"--verify-per-minute", "3", NULL};
	struct CMUnitTest verify[] = {
	        cmocka_unit_test(test_the_demo_dates_still_give_the_expected_states),
	        cmocka_unit_test(
	                test_page_shows_each_demo_officer_with_verdict_label_name_and_agency),
	        cmocka_unit_test(test_unknown_cert_is_a_404_page_saying_no_such_certificate),
	        cmocka_unit_test(test_malformed_cert_is_a_404_page_that_echoes_it_escaped),
	        cmocka_unit_test(test_page_without_cert_is_the_empty_form),
	        cmocka_unit_test(test_api_returns_the_state_and_only_the_public_fields),
	        cmocka_unit_test(test_api_unknown_is_404_and_malformed_or_missing_is_400),
	        cmocka_unit_test(test_qr_png_decodes_to_the_page_url_under_the_public_url),
	        cmocka_unit_test(test_qr_svg_is_an_svg_image),
	        cmocka_unit_test(
	                test_qr_for_an_unknown_certificate_is_404_and_for_a_malformed_one_400),
	        cmocka_unit_test(test_bad_public_url_or_rate_makes_serve_exit_2),
	};
	struct CMUnitTest limited[] = {
	        cmocka_unit_test(test_lookups_past_the_limit_get_429_while_other_routes_answer),
	};
	struct CMUnitTest defaults[] = {
	        cmocka_unit_test(test_the_default_limit_allows_a_burst_of_20),
	};
	int failures = 0;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	failures += ITEST_RUN_GROUP("verify officer", verify, public_flags);
	failures += ITEST_RUN_GROUP("verify officer --verify-per-minute 3", limited, limited_flags);
	failures += ITEST_RUN_GROUP("verify officer, default limit", defaults, NULL);
	curl_global_cleanup();
	return failures == 0 ? 0 : 1;
}
