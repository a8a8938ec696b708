/* tests/unit/support/case_fixture — see case_fixture.h. */
#include "case_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/mem.h"
#include "crypto/hash.h"
#include "domain/idcheck.h"
#include "service/evidence.h"

static void case_fixture__officer_id(char out[STORE_ID_SIZE], struct demo_fixture *f,
				     const char *cert_no)
{
	struct store_tx *tx = NULL;
	struct store_officer o;

	assert_int_equal(store_begin(&tx, f->store, STORE_TX_READ, NULL), 0);
	assert_int_equal(store_officer_get_by_cert(&o, tx, cert_no, NULL), 0);
	store_rollback(tx);
	snprintf(out, STORE_ID_SIZE, "%s", o.id);
}

struct case_fixture *case_fixture_new(const char *name)
{
	struct case_fixture *cf = sx_calloc(1, sizeof(*cf));
	struct blob_store_options bo = {0};
	struct sx_error err;

	if (cf == NULL)
		return NULL;
	sx_error_clear(&err);
	if ((cf->f = demo_fixture_new(name)) == NULL)
		goto fail;
	if (doctemplates_load(&cf->templates, &err) < 0) {
		fprintf(stderr, "test: templates: %s %s\n", err.code, err.detail);
		goto fail;
	}
	snprintf(cf->blob_root, sizeof(cf->blob_root), "%s/blobs", cf->f->dir);
	bo.root = cf->blob_root;
	bo.max_bytes = 64u * 1024 * 1024;
	if (blob_store_open(&cf->blobs, &bo, &err) < 0) {
		fprintf(stderr, "test: blobs: %s %s\n", err.code, err.detail);
		goto fail;
	}
	cf->f->svc.templates = cf->templates;
	cf->f->svc.blobs = cf->blobs;
	case_fixture__officer_id(cf->zhang, cf->f, CASE_FIXTURE_ZHANG_CERT);
	case_fixture__officer_id(cf->wang, cf->f, CASE_FIXTURE_WANG_CERT);
	case_fixture__officer_id(cf->li, cf->f, CASE_FIXTURE_LI_CERT);
	memcpy(cf->credit_code, "91330100MA2B3C4D5", 17);
	cf->credit_code[17] = idcheck_credit_code_check_char(cf->credit_code);
	cf->credit_code[18] = '\0';
	cf->officer_pair[0] = cf->zhang;
	cf->officer_pair[1] = cf->wang;
	return cf;
fail:
	case_fixture_free(cf);
	return NULL;
}

void case_fixture_free(struct case_fixture *cf)
{
	if (cf == NULL)
		return;
	blob_store_close(cf->blobs);
	doctemplates_free(cf->templates);
	demo_fixture_free(cf->f);
	sx_free(cf);
}

void case_fixture_actor(struct service_actor *out, struct case_fixture *cf, const char *username)
{
	demo_fixture_actor(out, cf->f, username);
}

void case_fixture_case_input(struct service_case_input *in, struct case_fixture *cf,
			     const char *kind, const char *matter)
{
	memset(in, 0, sizeof(*in));
	in->kind = kind;
	in->matter_code = matter;
	in->cause = "涉嫌销售过期食品";
	in->party_type = "organization";
	in->party_name = "示例市某某食品有限公司";
	in->party_id_code = cf->credit_code;
	in->party_address = "示例市某区某路 1 号";
	in->officer_ids = cf->officer_pair;
	in->officer_count = 2;
	in->fine_fen = -1;
}

void case_fixture_open_case(struct service_case *out, struct case_fixture *cf, const char *kind,
			    const char *matter)
{
	struct service_actor a;
	struct service_case_input in;
	struct sx_error err;

	case_fixture_actor(&a, cf, "officer");
	case_fixture_case_input(&in, cf, kind, matter);
	if (service_case_open(out, &cf->f->svc, &a, &in, &err) != 0)
		fail_msg("open: %s %s", err.code, err.message);
}

void case_fixture_move(struct service_case *out, struct case_fixture *cf, const char *username,
		       const char *case_id, const char *to, const char *reason)
{
	struct service_actor a;
	struct service_case moved;
	struct sx_error err;

	/* out may hold the case (case_id points into it): replace it after the move. */
	case_fixture_actor(&a, cf, username);
	if (service_case_move(&moved, &cf->f->svc, &a, case_id, NULL, to, reason, &err) != 0)
		fail_msg("move to %s: %s %s", to, err.code, err.message);
	if (out == NULL) {
		service_case_clear(&moved);
		return;
	}
	if (out->c.id[0])
		service_case_clear(out);
	*out = moved;
}

int case_fixture_record(struct service_record *out, struct case_fixture *cf, const char *username,
			const char *case_id, const char *template_code, const char *values,
			const char *const *officers, size_t officer_count, struct sx_error *err)
{
	struct service_actor a;
	struct service_record_input in = {0};

	case_fixture_actor(&a, cf, username);
	in.template_code = template_code;
	in.values_json = values;
	in.values_len = strlen(values);
	in.officer_ids = officers;
	in.officer_count = officer_count;
	return service_record_make(out, &cf->f->svc, &a, case_id, &in, err);
}

void case_fixture_upload(struct case_fixture *cf, const char *case_id, const char *kind,
			 const char *data)
{
	struct service_actor a;
	struct service_upload_input in = {0};
	struct service_upload up;
	struct blob_upload *bu = NULL;
	struct store_evidence ev;
	uint64_t current = 0, offset = 0;
	size_t len = strlen(data), half = len / 2;
	int64_t leaf = -1;
	char hex[65];
	struct sx_error err;

	case_fixture_actor(&a, cf, "officer");
	in.kind = kind;
	in.size_bytes = (int64_t)len;
	in.content_type = "video/mp4";
	in.file_name = "现场.MP4"; /* the archive lower-cases the extension */
	in.captured_start = "2026-12-01T17:00:00+08:00"; /* a phone's local time */
	in.captured_end = "2026-12-01T09:30:00Z";
	in.device_id = "DSJ-0001";
	in.place = "示例市某区某路 1 号";
	in.lat = "30.2741";
	in.lon = "120.1551";
	if (service_upload_create(&up, &cf->f->svc, &a, case_id, &in, &err) != 0)
		fail_msg("upload create: %s %s", err.code, err.message);
	assert_int_equal(service_upload_begin(&bu, &current, &cf->f->svc, &a, up.u.id, 0, &err), 0);
	assert_int_equal(blob_upload_write(bu, data, half, &err), 0);
	assert_int_equal(blob_upload_end(&offset, bu, &err), 0);
	assert_int_equal(offset, half);
	/* A resumed request at the wrong offset learns where to continue. */
	assert_int_equal(service_upload_begin(&bu, &current, &cf->f->svc, &a, up.u.id, 0, &err),
			 SX_ECONFLICT);
	assert_int_equal(current, half);
	assert_int_equal(service_upload_begin(&bu, &current, &cf->f->svc, &a, up.u.id, half, &err),
			 0);
	assert_int_equal(blob_upload_write(bu, data + half, len - half, &err), 0);
	assert_int_equal(blob_upload_end(&offset, bu, &err), 0);
	assert_int_equal(service_upload_complete(&ev, &leaf, &cf->f->svc, &a, up.u.id, &err), 0);
	assert_true(leaf >= 0);
	assert_string_equal(ev.meta.captured_start, "2026-12-01T09:00:00.000000Z");
	assert_string_equal(ev.meta.captured_end, "2026-12-01T09:30:00.000000Z");
	crypto_hash_hex(hex, CRYPTO_HASH_SHA256, data, len);
	assert_string_equal(ev.sha256, hex);
}
