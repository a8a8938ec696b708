/*
 * Integration: keeping the officer register on a real `sanxiang serve` with
 * the demo data (示例市: admin, officer, unit_head, reviewer and agency_head
 * of the 市场监督管理局; officer2 of the 生态环境局; supervisor of the 司法局).
 *
 *   POST /api/v1/officers            agency head registers (201), the officer
 *                                    appears in the public list; officers
 *                                    403, no CSRF header 403, no session 401;
 *                                    duplicate certificate 409, bad ID number
 *                                    400, unknown field 400
 *   POST /api/v1/officers/:c/status  suspend needs a reason, revoke is final
 *   POST /api/v1/officers/:c/user    link an account of the same agency, unlink
 *   PUT  /api/v1/officers/:c/photo   raw PNG body; GET /officers/photo/<sha256>
 *                                    gives the same bytes, publicly cached;
 *                                    not an image 400, wrong type 415, over
 *                                    512 KiB 413
 *   GET  /api/v1/staff/officers[/:c] masked ID numbers; ?reveal=id_number only
 *                                    for the agency head, not the unit head
 *   /staff/officers, /staff/officers/:c and its reveal and status forms
 *
 * ID numbers (身份证号) must never leave the server except in the one answer
 * to a permitted reveal: every public answer and every masked staff answer is
 * searched for the 17-digit prefixes of the demo officers' numbers (from
 * src/service/demo.c) and of the numbers registered here.
 */
#include "itest.h"

#include "base/error.h"
#include "base/mem.h"
#include "crypto/hash.h"
#include "domain/idcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define JSON_TYPE "application/json; charset=utf-8"
#define HTML_TYPE "text/html; charset=utf-8"
#define FORM_TYPE "application/x-www-form-urlencoded"

/* 张明, linked to the demo user "officer", of the 市场监督管理局. */
#define DEMO_CERT "33010020260001"
#define DEMO_ID17 "33010619850312001"

static const char *const id_prefixes[] = {
        "33010619850312001",
        "33010219880705002",
        "33010519900101004",
        "33010619791120003",
        "33010419870415006",
        "33010819920808005",
        /* registered by the tests below */
        "33010619900101011",
        "33010619900101021",
        "33010619900101031",
        "33010619900101041",
        "33010619900101051",
        "33010619900101061",
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

	for (size_t i = 0; n <= len && i + n <= len; i++) {
		if (memcmp(hay + i, needle, n) == 0)
			return true;
	}
	return false;
}

/* Fails when r's body or headers hold any known ID number. */
static void expect_no_id_number(const struct itest_response *r, const char *what)
{
	for (size_t i = 0; i < ARRAY_LEN(id_prefixes); i++) {
		if (contains(r->body, r->body_len, id_prefixes[i]))
			fail_msg("%s: the body holds ID number prefix %s:\n%s", what,
			         id_prefixes[i], r->body);
		for (size_t h = 0; h < r->header_count; h++) {
			const char *v = r->headers[h].value;

			if (contains(v, strlen(v), id_prefixes[i]))
				fail_msg("%s: header %s holds an ID number", what,
				         r->headers[h].name);
		}
	}
}

static void expect_body_has(const struct itest_response *r, const char *needle)
{
	if (!contains(r->body, r->body_len, needle))
		fail_msg("body lacks \"%s\":\n%s", needle, r->body);
}

static void expect_body_lacks(const struct itest_response *r, const char *needle)
{
	if (contains(r->body, r->body_len, needle))
		fail_msg("body holds \"%s\":\n%s", needle, r->body);
}

/* GET that must not show any ID number. */
static void fetch(struct itest_response *out, struct itest_client *c, const char *path)
{
	assert_int_equal(itest_get(out, c, path), 0);
	expect_no_id_number(out, path);
}

static void id_number(char out[19], const char *first17)
{
	snprintf(out, 19, "%s%c", first17, idcheck_person_id_check_char(first17));
}

/* A client logged in as username; *csrf (sx_free) gets the session's token. */
static struct itest_client *login(void **state, const char *username, char **csrf)
{
	struct itest_client *c = new_client(state);

	assert_int_equal(itest_login(csrf, c, username, ITEST_DEMO_PASSWORD), 0);
	return c;
}

/* POST /api/v1/officers with a body for that certificate and ID number. */
static void create(struct itest_response *out, struct itest_client *c, const char *csrf,
                   const char *cert_no, const char *id17, const char *extra)
{
	char body[1024], id[19];
	int n;

	id_number(id, id17);
	n = snprintf(body, sizeof(body),
	             "{\"name\":\"测试员\",\"cert_no\":\"%s\",\"cert_type\":\"行政执法证\","
	             "\"field\":\"市场监管\",\"valid_from\":\"2024-01-01\","
	             "\"valid_to\":\"2099-12-31\",\"id_number\":\"%s\"%s}",
	             cert_no, id, extra ? extra : "");
	assert_true(n > 0 && (size_t)n < sizeof(body));
	assert_int_equal(itest_send_json(out, c, "POST", "/api/v1/officers", body, csrf), 0);
}

static void create_ok(struct itest_client *c, const char *csrf, const char *cert_no,
                      const char *id17)
{
	struct itest_response r;

	create(&r, c, csrf, cert_no, id17, NULL);
	ITEST_ASSERT_STATUS(r, 201);
	itest_response_free(&r);
}

/* POSTs a staff form with the csrf token (NULL: none) and more fields (may be NULL). */
static void post_form(struct itest_response *out, struct itest_client *c, const char *path,
                      const char *csrf, const char *more)
{
	char body[2048];
	char *t = NULL;
	int n;

	if (csrf)
		assert_int_equal(itest_form_escape(&t, c, csrf), 0);
	n = snprintf(body, sizeof(body), "%s%s%s%s", t ? "csrf_token=" : "", t ? t : "",
	             t && more ? "&" : "", more ? more : "");
	assert_true(n >= 0 && (size_t)n < sizeof(body));
	assert_int_equal(itest_request(out, c, "POST", path, FORM_TYPE, body, (size_t)n, NULL), 0);
	sx_free(t);
}

static const char *officer_string(const struct itest_response *r, const char *field)
{
	json_t *o = json_object_get(r->json, "officer");

	return json_string_value(json_object_get(o, field));
}

/* ---- registering ---------------------------------------------------------------------------- */

static void test_agency_head_registers_an_officer_who_appears_in_the_public_list(void **state)
{
	char *csrf = NULL;
	struct itest_client *c = login(state, "agency_head", &csrf);
	struct itest_client *pub = new_client(state);
	struct itest_response r;
	json_t *list;

	create(&r, c, csrf, "T-0001", "33010619900101011", ",\"status\":\"active\"");
	ITEST_ASSERT_STATUS(r, 201);
	ITEST_ASSERT_CONTENT_TYPE(r, JSON_TYPE);
	expect_no_id_number(&r, "create answer");
	assert_string_equal(officer_string(&r, "cert_no"), "T-0001");
	assert_string_equal(officer_string(&r, "agency_name"), "示例市市场监督管理局");
	assert_string_equal(officer_string(&r, "state"), "valid");
	assert_non_null(strstr(officer_string(&r, "id_number"), "********"));
	assert_true(json_is_integer(json_object_get(r.json, "ledger_index")));
	itest_response_free(&r);

	fetch(&r, pub, "/api/v1/officers?q=T-0001");
	ITEST_ASSERT_STATUS(r, 200);
	list = json_object_get(r.json, "officers");
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "name")),
	                    "测试员");
	assert_null(json_object_get(json_array_get(list, 0), "id_number"));
	itest_response_free(&r);

	fetch(&r, pub, "/officers?q=T-0001");
	ITEST_ASSERT_STATUS(r, 200);
	expect_body_has(&r, "T-0001");
	itest_response_free(&r);
	fetch(&r, pub, "/verify/officer?cert=T-0001");
	ITEST_ASSERT_STATUS(r, 200);
	expect_body_has(&r, "测试员");
	itest_response_free(&r);
	fetch(&r, pub, "/api/v1/verify/officer?cert=T-0001");
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);

	itest_client_free(pub);
	itest_client_free(c);
	sx_free(csrf);
}

static void test_only_agency_heads_and_admins_register_and_only_with_csrf(void **state)
{
	char *csrf = NULL, *head_csrf = NULL;
	struct itest_client *c = login(state, "officer", &csrf);
	struct itest_client *head = login(state, "agency_head", &head_csrf);
	struct itest_client *anon = new_client(state);
	struct itest_response r;

	create(&r, c, csrf, "T-0009", "33010619900101021", NULL);
	ITEST_ASSERT_API_ERROR(r, 403, "forbidden");
	itest_response_free(&r);
	create(&r, head, NULL, "T-0009", "33010619900101021", NULL);
	ITEST_ASSERT_API_ERROR(r, 403, "csrf_failed");
	itest_response_free(&r);
	create(&r, anon, NULL, "T-0009", "33010619900101021", NULL);
	ITEST_ASSERT_API_ERROR(r, 401, "unauthenticated");
	itest_response_free(&r);
	/* The agency head of one agency does not register in another. */
	{
		char body[512];
		struct itest_response a;
		const char *eco_id = NULL;
		json_t *item;
		size_t i;

		fetch(&a, anon, "/api/v1/agencies");
		json_array_foreach(json_object_get(a.json, "agencies"), i, item)
		{
			if (strcmp(json_string_value(json_object_get(item, "name")),
			           "示例市生态环境局") == 0)
				eco_id = json_string_value(json_object_get(item, "id"));
		}
		assert_non_null(eco_id);
		snprintf(body, sizeof(body), ",\"agency_id\":\"%s\"", eco_id);
		create(&r, head, head_csrf, "T-0009", "33010619900101021", body);
		ITEST_ASSERT_API_ERROR(r, 403, "forbidden");
		itest_response_free(&r);
		itest_response_free(&a);
	}
	fetch(&r, anon, "/api/v1/officers?q=T-0009");
	assert_int_equal(json_array_size(json_object_get(r.json, "officers")), 0);
	itest_response_free(&r);

	itest_client_free(anon);
	itest_client_free(head);
	itest_client_free(c);
	sx_free(csrf);
	sx_free(head_csrf);
}

static void test_duplicates_bad_id_numbers_and_unknown_fields_are_refused(void **state)
{
	char *csrf = NULL;
	struct itest_client *c = login(state, "admin", &csrf);
	struct itest_response r;

	create(&r, c, csrf, DEMO_CERT, "33010619900101021", NULL);
	ITEST_ASSERT_API_ERROR(r, 409, "cert_no_taken");
	itest_response_free(&r);
	assert_int_equal(
	        itest_send_json(&r, c, "POST", "/api/v1/officers",
	                        "{\"name\":\"测试员\",\"cert_no\":\"T-0010\","
	                        "\"cert_type\":\"行政执法证\",\"field\":\"市场监管\","
	                        "\"valid_from\":\"2024-01-01\",\"valid_to\":\"2099-12-31\","
	                        "\"id_number\":\"330106199001010110\"}",
	                        csrf),
	        0);
	if (r.status == 201)
		fail_msg("330106199001010110 has a wrong check digit but was accepted");
	ITEST_ASSERT_API_ERROR(r, 400, "officer_bad_id_number");
	expect_no_id_number(&r, "bad id answer");
	itest_response_free(&r);
	create(&r, c, csrf, "T-0010", "33010619900101021", ",\"photo\":\"x\"");
	ITEST_ASSERT_API_ERROR(r, 400, "unknown_field");
	itest_response_free(&r);

	itest_client_free(c);
	sx_free(csrf);
}

/* ---- status and accounts -------------------------------------------------------------------- */

static void test_status_changes_need_reasons_and_revocation_is_final(void **state)
{
	char *csrf = NULL;
	struct itest_client *c = login(state, "agency_head", &csrf);
	struct itest_response r;

	create_ok(c, csrf, "T-0002", "33010619900101031");
	assert_int_equal(itest_send_json(&r, c, "POST", "/api/v1/officers/T-0002/status",
	                                 "{\"status\":\"suspended\"}", csrf),
	                 0);
	ITEST_ASSERT_API_ERROR(r, 400, "reason_required");
	itest_response_free(&r);
	assert_int_equal(itest_send_json(&r, c, "POST", "/api/v1/officers/T-0002/status",
	                                 "{\"status\":\"revoked\",\"reason\":\"调离执法岗位\"}",
	                                 csrf),
	                 0);
	ITEST_ASSERT_STATUS(r, 200);
	assert_string_equal(officer_string(&r, "status"), "revoked");
	itest_response_free(&r);
	assert_int_equal(itest_send_json(&r, c, "POST", "/api/v1/officers/T-0002/status",
	                                 "{\"status\":\"active\",\"reason\":null}", csrf),
	                 0);
	ITEST_ASSERT_API_ERROR(r, 409, "officer_revoked");
	itest_response_free(&r);
	fetch(&r, c, "/api/v1/verify/officer?cert=T-0002");
	ITEST_ASSERT_STATUS(r, 200);
	expect_body_has(&r, "revoked");
	itest_response_free(&r);

	itest_client_free(c);
	sx_free(csrf);
}

static void test_accounts_are_linked_within_the_agency(void **state)
{
	char *csrf = NULL;
	struct itest_client *c = login(state, "agency_head", &csrf);
	struct itest_response r;

	create_ok(c, csrf, "T-0003", "33010619900101041");
	assert_int_equal(itest_send_json(&r, c, "POST", "/api/v1/officers/T-0003/user",
	                                 "{\"username\":\"reviewer\"}", csrf),
	                 0);
	ITEST_ASSERT_STATUS(r, 200);
	assert_string_equal(officer_string(&r, "username"), "reviewer");
	itest_response_free(&r);
	/* "officer" is linked to 张明 already; officer2 belongs to another agency. */
	assert_int_equal(itest_send_json(&r, c, "POST", "/api/v1/officers/T-0003/user",
	                                 "{\"username\":\"officer\"}", csrf),
	                 0);
	ITEST_ASSERT_API_ERROR(r, 409, "user_already_linked");
	itest_response_free(&r);
	assert_int_equal(itest_send_json(&r, c, "POST", "/api/v1/officers/T-0003/user",
	                                 "{\"username\":\"officer2\"}", csrf),
	                 0);
	ITEST_ASSERT_API_ERROR(r, 400, "user_other_agency");
	itest_response_free(&r);
	assert_int_equal(itest_send_json(&r, c, "POST", "/api/v1/officers/T-0003/user",
	                                 "{\"username\":null}", csrf),
	                 0);
	ITEST_ASSERT_STATUS(r, 200);
	assert_null(officer_string(&r, "username"));
	itest_response_free(&r);

	itest_client_free(c);
	sx_free(csrf);
}

/* ---- photos --------------------------------------------------------------------------------- */

static void test_uploaded_photo_is_served_publicly_with_the_same_bytes(void **state)
{
	static const unsigned char png[] = {0x89, 'P', 'N', 'G',  0x0D, 0x0A, 0x1A, 0x0A,
	                                    0,    0,   0,   0x0D, 'I',  'H',  'D',  'R'};
	char *csrf = NULL, *officer_csrf = NULL;
	struct itest_client *c = login(state, "agency_head", &csrf);
	struct itest_client *officer = login(state, "officer", &officer_csrf);
	struct itest_client *pub = new_client(state);
	struct itest_response r;
	char header[128], path[128], sha[65];
	const char *headers[] = {header, NULL};
	const char *officer_headers[] = {header, NULL};
	unsigned char *big;

	create_ok(c, csrf, "T-0004", "33010619900101051");
	snprintf(header, sizeof(header), "X-CSRF-Token: %s", csrf);
	assert_int_equal(itest_request(&r, c, "PUT", "/api/v1/officers/T-0004/photo", "image/png",
	                               (const char *)png, sizeof(png), headers),
	                 0);
	ITEST_ASSERT_STATUS(r, 200);
	assert_int_equal(crypto_hash_hex(sha, CRYPTO_HASH_SHA256, png, sizeof(png)), 0);
	assert_string_equal(officer_string(&r, "photo_sha256"), sha);
	snprintf(path, sizeof(path), "/officers/photo/%s", sha);
	assert_string_equal(officer_string(&r, "photo_url"), path);
	itest_response_free(&r);

	fetch(&r, pub, path);
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, "image/png");
	assert_int_equal(r.body_len, sizeof(png));
	assert_memory_equal(r.body, png, sizeof(png));
	assert_non_null(strstr(itest_response_header(&r, "Cache-Control"), "immutable"));
	assert_string_equal(itest_response_header(&r, "X-Content-Type-Options"), "nosniff");
	itest_response_free(&r);
	/* 亮证 shows it, so that a citizen compares the face with the person at the door. */
	fetch(&r, pub, "/verify/officer?cert=T-0004");
	ITEST_ASSERT_STATUS(r, 200);
	{
		char img[160];

		snprintf(img, sizeof(img), "<img src=\"%s\"", path);
		assert_non_null(strstr(r.body, img));
	}
	itest_response_free(&r);
	fetch(&r, pub,
	      "/officers/photo/0000000000000000000000000000000000000000000000000000000000000000");
	ITEST_ASSERT_STATUS(r, 404);
	itest_response_free(&r);

	/* Not an image, a wrong media type, too large, the wrong role. */
	assert_int_equal(itest_request(&r, c, "PUT", "/api/v1/officers/T-0004/photo", "image/png",
	                               "GIF89a", 6, headers),
	                 0);
	ITEST_ASSERT_API_ERROR(r, 400, "bad_photo");
	itest_response_free(&r);
	assert_int_equal(itest_request(&r, c, "PUT", "/api/v1/officers/T-0004/photo",
	                               "application/octet-stream", (const char *)png, sizeof(png),
	                               headers),
	                 0);
	ITEST_ASSERT_API_ERROR(r, 415, "unsupported");
	itest_response_free(&r);
	big = sx_calloc(600 * 1024, 1);
	assert_non_null(big);
	memcpy(big, png, sizeof(png));
	assert_int_equal(itest_request(&r, c, "PUT", "/api/v1/officers/T-0004/photo", "image/png",
	                               (const char *)big, 600 * 1024, headers),
	                 0);
	ITEST_ASSERT_API_ERROR(r, 413, "photo_too_large");
	itest_response_free(&r);
	/* 512 KiB exactly is accepted (the server's body limit is above it). */
	assert_int_equal(itest_request(&r, c, "PUT", "/api/v1/officers/T-0004/photo", "image/png",
	                               (const char *)big, 512 * 1024, headers),
	                 0);
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);
	sx_free(big);
	snprintf(header, sizeof(header), "X-CSRF-Token: %s", officer_csrf);
	assert_int_equal(itest_request(&r, officer, "PUT", "/api/v1/officers/T-0004/photo",
	                               "image/png", (const char *)png, sizeof(png),
	                               officer_headers),
	                 0);
	ITEST_ASSERT_API_ERROR(r, 403, "forbidden");
	itest_response_free(&r);

	itest_client_free(pub);
	itest_client_free(officer);
	itest_client_free(c);
	sx_free(csrf);
	sx_free(officer_csrf);
}

/* ---- the staff register --------------------------------------------------------------------- */

static void test_staff_api_masks_and_reveals_only_to_the_agency_head(void **state)
{
	char *unit_csrf = NULL, *head_csrf = NULL;
	struct itest_client *unit = login(state, "unit_head", &unit_csrf);
	struct itest_client *head = login(state, "agency_head", &head_csrf);
	struct itest_client *anon = new_client(state);
	struct itest_response r;
	char full[19];
	json_t *list;

	fetch(&r, unit, "/api/v1/staff/officers?q=330100");
	ITEST_ASSERT_STATUS(r, 200);
	list = json_object_get(r.json, "officers");
	assert_int_equal(json_array_size(list), 4);
	assert_string_equal(json_string_value(json_object_get(r.json, "agency_name")),
	                    "示例市市场监督管理局");
	itest_response_free(&r);

	fetch(&r, unit, "/api/v1/staff/officers/" DEMO_CERT);
	ITEST_ASSERT_STATUS(r, 200);
	assert_string_equal(officer_string(&r, "username"), "officer");
	itest_response_free(&r);
	fetch(&r, unit, "/api/v1/staff/officers/" DEMO_CERT "?reveal=id_number");
	ITEST_ASSERT_API_ERROR(r, 403, "forbidden_id_number");
	itest_response_free(&r);

	assert_int_equal(
	        itest_get(&r, head, "/api/v1/staff/officers/" DEMO_CERT "?reveal=id_number"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	id_number(full, DEMO_ID17);
	assert_string_equal(officer_string(&r, "id_number"), full);
	assert_true(json_is_true(
	        json_object_get(json_object_get(r.json, "officer"), "id_number_revealed")));
	itest_response_free(&r);

	/* Another agency's officer sees nothing of this one; nobody without a session. */
	{
		char *csrf2 = NULL;
		struct itest_client *other = login(state, "officer2", &csrf2);

		fetch(&r, other, "/api/v1/staff/officers/" DEMO_CERT);
		ITEST_ASSERT_API_ERROR(r, 403, "forbidden");
		itest_response_free(&r);
		itest_client_free(other);
		sx_free(csrf2);
	}
	fetch(&r, anon, "/api/v1/staff/officers");
	ITEST_ASSERT_API_ERROR(r, 401, "unauthenticated");
	itest_response_free(&r);

	itest_client_free(anon);
	itest_client_free(head);
	itest_client_free(unit);
	sx_free(unit_csrf);
	sx_free(head_csrf);
}

static void test_staff_pages_list_show_reveal_and_change_status(void **state)
{
	char *unit_csrf = NULL, *head_csrf = NULL;
	struct itest_client *unit = login(state, "unit_head", &unit_csrf);
	struct itest_client *head = login(state, "agency_head", &head_csrf);
	struct itest_client *anon = new_client(state);
	struct itest_response r;
	char full[19];

	fetch(&r, anon, "/staff/officers");
	ITEST_ASSERT_STATUS(r, 303);
	ITEST_ASSERT_LOCATION(r, anon, "/staff/login");
	itest_response_free(&r);

	fetch(&r, unit, "/staff/officers");
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
	expect_body_has(&r, "href=\"/staff/officers/" DEMO_CERT "\"");
	expect_body_has(&r, "330106********");
	expect_body_has(&r, "暂停");
	itest_response_free(&r);

	/* The unit head gets no reveal button. */
	fetch(&r, unit, "/staff/officers/" DEMO_CERT);
	ITEST_ASSERT_STATUS(r, 200);
	expect_body_lacks(&r, "/reveal");
	expect_body_lacks(&r, "action=\"/staff/officers/" DEMO_CERT "/status\"");
	itest_response_free(&r);
	post_form(&r, unit, "/staff/officers/" DEMO_CERT "/reveal", unit_csrf, NULL);
	ITEST_ASSERT_STATUS(r, 403);
	expect_no_id_number(&r, "unit head reveal");
	itest_response_free(&r);

	fetch(&r, head, "/staff/officers/" DEMO_CERT);
	ITEST_ASSERT_STATUS(r, 200);
	expect_body_has(&r, "action=\"/staff/officers/" DEMO_CERT "/reveal\"");
	expect_body_has(&r, "显示完整身份证号");
	itest_response_free(&r);
	post_form(&r, head, "/staff/officers/" DEMO_CERT "/reveal", NULL, NULL);
	ITEST_ASSERT_STATUS(r, 403);
	expect_no_id_number(&r, "reveal without csrf");
	itest_response_free(&r);
	post_form(&r, head, "/staff/officers/" DEMO_CERT "/reveal", head_csrf, NULL);
	ITEST_ASSERT_STATUS(r, 200);
	id_number(full, DEMO_ID17);
	expect_body_has(&r, full);
	expect_body_has(&r, "审计日志");
	itest_response_free(&r);

	/* The status form: a reason is required to suspend, then it redirects. */
	create_ok(head, head_csrf, "T-0005", "33010619900101061");
	post_form(&r, head, "/staff/officers/T-0005/status", head_csrf, "status=suspended&reason=");
	ITEST_ASSERT_STATUS(r, 400);
	expect_body_has(&r, "理由");
	itest_response_free(&r);
	post_form(&r, head, "/staff/officers/T-0005/status", head_csrf,
	          "status=suspended&reason=%E6%B6%89%E5%AB%8C%E8%BF%9D%E7%BA%AA");
	ITEST_ASSERT_STATUS(r, 303);
	ITEST_ASSERT_LOCATION(r, head, "/staff/officers/T-0005");
	itest_response_free(&r);
	fetch(&r, head, "/staff/officers/T-0005");
	expect_body_has(&r, "暂停");
	itest_response_free(&r);

	itest_client_free(anon);
	itest_client_free(head);
	itest_client_free(unit);
	sx_free(unit_csrf);
	sx_free(head_csrf);
}

int main(void)
{
	struct CMUnitTest tests[] = {
	        cmocka_unit_test(
	                test_agency_head_registers_an_officer_who_appears_in_the_public_list),
	        cmocka_unit_test(test_only_agency_heads_and_admins_register_and_only_with_csrf),
	        cmocka_unit_test(test_duplicates_bad_id_numbers_and_unknown_fields_are_refused),
	        cmocka_unit_test(test_status_changes_need_reasons_and_revocation_is_final),
	        cmocka_unit_test(test_accounts_are_linked_within_the_agency),
	        cmocka_unit_test(test_uploaded_photo_is_served_publicly_with_the_same_bytes),
	        cmocka_unit_test(test_staff_api_masks_and_reveals_only_to_the_agency_head),
	        cmocka_unit_test(test_staff_pages_list_show_reveal_and_change_status),
	};

	return ITEST_RUN_GROUP_AS_MAIN("officers_api", tests, NULL);
}
