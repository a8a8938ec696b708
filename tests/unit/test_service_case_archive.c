/*
 * Unit tests for service/case_archive: the 归档 export of one case as a ZIP
 * and its offline verification, on the demo data (tests/unit/support/
 * case_fixture), on SQLite or PostgreSQL (tests/support/testdb).
 *
 * A case is walked to its decision with a video and a 行政处罚决定书, a
 * checkpoint is published, the case is exported, and then: the archive
 * verifies with the log's own keys (and not with a stranger's); one changed
 * byte in a record PDF, a record JSON, an evidence file, the bundle or the
 * manifest fails with the check that caught it; so do an added and a removed
 * file, a byte flipped in the raw ZIP, and a blob corrupted on disk before the
 * export. Who may export, the reason, an existing output file, a closed
 * ledger and running out of memory are refused and leave no file. The PDF's
 * text (pdftotext, when installed) holds 行政处罚决定书 and the 文号.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <zip.h>

#include "case_fixture.h"

#include "base/buf.h"
#include "base/mem.h"
#include "blob/blob.h"
#include "crypto/sign.h"
#include "ledger/note.h"
#include "service/case_archive.h"
#include "service/cases.h"
#include "service/evidence.h"
#include "service/ledger.h"

#define CF_PLAIN "330100-SJ-CF-003" /* 处罚, not major; 调查取证 needs audio/video */
#define VIDEO_BYTES "video bytes recorded at the inspection, 0123456789 abcdefghijklmnopqrstuvwxyz"

struct archive_fixture {
	struct case_fixture *cf;
	struct demo_fixture *f;                /* cf->f */
	char case_id[STORE_ID_SIZE];
	char doc_no[STORE_CASE_NO_SIZE];
	char zip[512];                         /* the exported archive */
	struct note_verifier keys[BUNDLE_MAX_VKEYS];
	size_t key_count;
	struct bundle_verify_options opt;      /* trusting the log's own keys */
};

static void actor(struct service_actor *out, struct archive_fixture *af, const char *username)
{
	case_fixture_actor(out, af->cf, username);
}

/* Opens a case, records a video in 调查取证, walks it to 决定 and makes the decision. */
static void build_case(struct archive_fixture *af)
{
	struct service_actor a;
	struct service_case_input in;
	struct service_case c;
	struct service_record rec;
	struct sx_error err;

	actor(&a, af, "officer");
	case_fixture_case_input(&in, af->cf, "penalty", CF_PLAIN);
	in.party_phone = "13800000000";
	if (service_case_open(&c, &af->f->svc, &a, &in, &err) != 0)
		fail_msg("open: %s %s", err.code, err.message);
	snprintf(af->case_id, sizeof(af->case_id), "%s", c.c.id);
	service_case_clear(&c);
	case_fixture_move(NULL, af->cf, "officer", af->case_id, "investigation", NULL);
	case_fixture_upload(af->cf, af->case_id, "video", VIDEO_BYTES);
	case_fixture_move(NULL, af->cf, "officer", af->case_id, "examination", NULL);
	case_fixture_move(NULL, af->cf, "officer", af->case_id, "notice", NULL);
	case_fixture_move(NULL, af->cf, "agency_head", af->case_id, "decision", NULL);
	if (case_fixture_record(&rec, af->cf, "officer", af->case_id, "penalty_decision",
				CASE_FIXTURE_DECISION_VALUES, NULL, 0, &err) != 0)
		fail_msg("decision: %s %s", err.code, err.message);
	snprintf(af->doc_no, sizeof(af->doc_no), "%s", rec.r.doc_no);
	service_record_clear(&rec);
}

static void load_keys(struct archive_fixture *af)
{
	struct buf keys;
	char *line, *end;

	buf_init(&keys, 64u * 1024);
	assert_int_equal(service_ledger_keys(&keys, &af->f->svc, NULL), 0);
	for (line = keys.data, end = keys.data + keys.len; line < end;) {
		char *eol = memchr(line, '\n', (size_t)(end - line));

		if (!eol)
			eol = end;
		*eol = '\0';
		if (eol > line) {
			assert_true(af->key_count < BUNDLE_MAX_VKEYS);
			assert_int_equal(note_verifier_parse(&af->keys[af->key_count++], line), 0);
		}
		line = eol + 1;
	}
	buf_free(&keys);
	af->opt.trusted = af->keys;
	af->opt.trusted_count = af->key_count;
}

static int setup(void **state)
{
	struct archive_fixture *af = calloc(1, sizeof(*af));
	struct sx_error err;

	if (!af || !(af->cf = case_fixture_new("case-archive"))) {
		free(af);
		return -1;
	}
	af->f = af->cf->f;
	if (service_ledger_open(&af->f->svc, af->f->key_dir, &err) < 0)
		return -1;
	snprintf(af->zip, sizeof(af->zip), "%s/case.zip", af->f->dir);
	build_case(af);
	load_keys(af);
	*state = af;
	return 0;
}

static int teardown(void **state)
{
	struct archive_fixture *af = *state;

	if (!af)
		return 0;
	sx_mem_fail_after(-1);
	for (size_t i = 0; i < af->key_count; i++)
		note_verifier_free(&af->keys[i]);
	service_ledger_close(&af->f->svc);
	case_fixture_free(af->cf);
	free(af);
	return 0;
}

static void export_as(struct archive_fixture *af, const char *username, const char *reason)
{
	struct service_actor a;
	struct service_case_archive_info info;
	struct sx_error err;

	actor(&a, af, username);
	if (service_case_archive_write(af->zip, &info, &af->f->svc, &a, af->case_id, reason,
				       "10.0.0.9", &err) != 0)
		fail_msg("export: %s %s %s", err.code, err.message, err.detail);
	assert_string_equal(info.case_id, af->case_id);
	assert_int_equal(info.record_count, 1);
	assert_int_equal(info.evidence_count, 1);
	assert_int_equal(info.evidence_bytes, strlen(VIDEO_BYTES));
	assert_false(info.case_archived);
	assert_true(info.checkpoint_size > (uint64_t)info.ledger_index);
}

static bool file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* The bytes of entry `name` of the ZIP at path (malloc'd), or NULL when absent. */
static char *entry_bytes(const char *path, const char *name, size_t *len)
{
	zip_t *za = zip_open(path, ZIP_RDONLY, NULL);
	zip_stat_t st;
	zip_file_t *zf;
	char *data;

	assert_non_null(za);
	if (zip_stat(za, name, 0, &st) < 0) {
		zip_discard(za);
		return NULL;
	}
	data = malloc(st.size + 1);
	assert_non_null(data);
	assert_non_null(zf = zip_fopen(za, name, 0));
	assert_int_equal(zip_fread(zf, data, st.size), (zip_int64_t)st.size);
	zip_fclose(zf);
	zip_discard(za);
	data[st.size] = '\0';
	*len = st.size;
	return data;
}

/* The name of the first entry starting with prefix and ending with suffix. */
static void entry_name(char *out, size_t size, const char *path, const char *prefix,
		       const char *suffix)
{
	zip_t *za = zip_open(path, ZIP_RDONLY, NULL);
	zip_int64_t n;

	assert_non_null(za);
	n = zip_get_num_entries(za, 0);
	out[0] = '\0';
	for (zip_int64_t i = 0; i < n && !out[0]; i++) {
		const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
		size_t nl = strlen(name), sl = strlen(suffix);

		if (strncmp(name, prefix, strlen(prefix)) == 0 && nl >= sl &&
		    strcmp(name + nl - sl, suffix) == 0)
			snprintf(out, size, "%s", name);
	}
	zip_discard(za);
	assert_true(out[0] != '\0');
}

static void copy_file(const char *from, const char *to)
{
	size_t len = 0;
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[65536];

	assert_non_null(in);
	assert_non_null(out);
	while ((len = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, len, out), len);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

enum tamper { TAMPER_FLIP, TAMPER_REMOVE, TAMPER_ADD };

/* Another character of the same kind, so that a tampered file still parses
 * and only its meaning changes: the check under test must catch it, not the
 * parser. A hex digit stays a hex digit and a base64 character (the bundle's
 * hashes) stays base64 whichever one the hash happens to start with. */
static char same_kind_other(char c)
{
	if ((c >= '0' && c <= '8') || (c >= 'a' && c <= 'e'))
		return (char)(c + 1);
	if (c == '9')
		return '0';
	if (c == 'f')
		return 'a';
	if ((c >= 'g' && c <= 'y') || (c >= 'A' && c <= 'Y'))
		return (char)(c + 1);
	if (c == 'z')
		return 'g';
	if (c == 'Z')
		return 'A';
	if (c == '+')
		return '/';
	if (c == '/')
		return '+';
	return (char)(c ^ 0x01);
}

/*
 * A copy of the archive with entry `name` changed: one byte at the first
 * occurrence of `at` (or at the middle when at is NULL) flipped, the entry
 * removed, or (TAMPER_ADD) a new entry of that name added. The copy is a
 * consistent ZIP: only content changes, as someone editing the archive would.
 */
static void tamper(char *out, size_t size, struct archive_fixture *af, const char *name,
		   enum tamper how, const char *at)
{
	zip_t *za;
	zip_int64_t index;

	snprintf(out, size, "%s/tampered-%d.zip", af->f->dir, rand());
	copy_file(af->zip, out);
	assert_non_null(za = zip_open(out, 0, NULL));
	if (how == TAMPER_ADD) {
		static const char extra[] = "not part of the case";
		zip_source_t *src = zip_source_buffer(za, extra, sizeof(extra) - 1, 0);

		assert_true(zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8) >= 0);
	} else {
		assert_true((index = zip_name_locate(za, name, 0)) >= 0);
		if (how == TAMPER_REMOVE) {
			assert_int_equal(zip_delete(za, (zip_uint64_t)index), 0);
		} else {
			size_t len = 0;
			char *data = entry_bytes(af->zip, name, &len);
			char *p = at ? strstr(data, at) : data + len / 2;
			zip_source_t *src;

			assert_non_null(p);
			p += at ? strlen(at) : 0;
			*p = same_kind_other(*p);
			src = zip_source_buffer(za, data, len, 1); /* libzip frees it */
			assert_int_equal(zip_file_replace(za, (zip_uint64_t)index, src, 0), 0);
		}
	}
	assert_int_equal(zip_close(za), 0);
}

static bool has_failure(const struct service_case_archive_report *r, const char *code)
{
	for (size_t i = 0; i < r->finding_count; i++)
		if (!r->findings[i].passed && strcmp(r->findings[i].code, code) == 0)
			return true;
	return false;
}

/* Verifies path, expecting failure `code` among the findings. */
static void expect_failure(struct archive_fixture *af, const char *path, const char *code,
			   const char *words)
{
	struct service_case_archive_report r;
	struct sx_error err;
	bool found = false;

	assert_int_equal(service_case_archive_verify(&r, path, &af->opt, &err), SX_ECORRUPT);
	assert_true(r.failure_count > 0);
	for (size_t i = 0; i < r.finding_count; i++)
		if (!r.findings[i].passed && strcmp(r.findings[i].code, code) == 0) {
			found = true;
			if (words)
				assert_non_null(strstr(r.findings[i].text, words));
		}
	if (!found)
		fail_msg("no failure %s; first: %s %s", code, err.code, err.message);
	service_case_archive_report_free(&r);
}

static void test_an_exported_case_verifies_with_the_logs_keys(void **state)
{
	struct archive_fixture *af = *state;
	struct service_case_archive_report r;
	struct service_access_page page;
	struct service_actor a;
	struct note_verifier stranger;
	struct bundle_verify_options wrong = {0};
	char *manifest;
	size_t len = 0;
	struct sx_error err;

	export_as(af, "agency_head", "归档移交档案室");
	assert_true(service_case_archive_is_zip(af->zip));
	assert_int_equal(service_case_archive_verify(&r, af->zip, &af->opt, &err), 0);
	assert_int_equal(r.failure_count, 0);
	assert_string_equal(r.case_id, af->case_id);
	assert_true(r.manifest_proved);
	assert_true(r.bundle_verified);
	assert_false(r.bundle.keys_from_bundle);
	assert_int_equal(r.records_proved, 1);
	assert_int_equal(r.evidence_proved, 1);
	/* README, case.json, a record's JSON and PDF, a video, the log, the bundle. */
	assert_int_equal(r.file_count, 7);
	assert_int_equal(r.files_matched, 6);
	assert_int_equal(r.finding_count, 4);
	service_case_archive_report_free(&r);

	/* The manifest names no party; case.json shows the party as the service shows it to the
	 * exporter: whole to the agency head (account_can_see_id_numbers). */
	assert_non_null(manifest = entry_bytes(af->zip, "manifest.json", &len));
	assert_null(strstr(manifest, "party"));
	assert_null(strstr(manifest, "13800000000"));
	assert_non_null(strstr(manifest, "\"archived\": false"));
	free(manifest);
	assert_non_null(manifest = entry_bytes(af->zip, "case.json", &len));
	assert_non_null(strstr(manifest, "\"secrets_visible\": true"));
	free(manifest);

	/* The export is 调阅: logged with its reason, and in the log itself. */
	actor(&a, af, "agency_head");
	assert_int_equal(service_case_accesses(&page, &af->f->svc, &a, af->case_id, 1, 50, &err), 0);
	assert_string_equal(page.items[0].action, "export");
	assert_string_equal(page.items[0].object_type, "archive");
	assert_string_equal(page.items[0].reason, "归档移交档案室");
	service_access_page_clear(&page);
	assert_non_null(manifest = entry_bytes(af->zip, "access_log.json", &len));
	assert_non_null(strstr(manifest, "归档移交档案室"));
	free(manifest);

	/* A key the log never used does not vouch for it. */
	{
		struct crypto_sign_key *k = NULL;

		assert_int_equal(crypto_sign_key_generate(&k, CRYPTO_SIGN_ED25519), 0);
		assert_int_equal(note_verifier_from_key(&stranger, "sanxiang.test/unit", k), 0);
		crypto_sign_key_free(k);
	}
	wrong.trusted = &stranger;
	wrong.trusted_count = 1;
	assert_int_equal(service_case_archive_verify(&r, af->zip, &wrong, &err), SX_ECORRUPT);
	assert_true(has_failure(&r, "unknown_key"));
	assert_true(has_failure(&r, "unproved"));
	service_case_archive_report_free(&r);
	note_verifier_free(&stranger);
}

static void test_the_archived_decision_pdf_reads_as_the_decision(void **state)
{
	struct archive_fixture *af = *state;
	char name[256], pdf_path[600], txt_path[600], command[1400];
	char *pdf, *text;
	size_t len = 0;
	FILE *fp;

	export_as(af, "admin", "档案移交");
	entry_name(name, sizeof(name), af->zip, "records/001-penalty_decision-", ".pdf");
	assert_non_null(pdf = entry_bytes(af->zip, name, &len));
	assert_memory_equal(pdf, "%PDF-", 5);
	if (access("/usr/bin/pdftotext", X_OK) != 0) {
		free(pdf);
		skip(); /* scripts/setup installs poppler-utils */
	}
	snprintf(pdf_path, sizeof(pdf_path), "%s/decision.pdf", af->f->dir);
	snprintf(txt_path, sizeof(txt_path), "%s/decision.txt", af->f->dir);
	assert_non_null(fp = fopen(pdf_path, "wb"));
	assert_int_equal(fwrite(pdf, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	free(pdf);
	snprintf(command, sizeof(command), "/usr/bin/pdftotext -enc UTF-8 '%s' '%s'", pdf_path,
		 txt_path);
	assert_int_equal(system(command), 0);
	assert_non_null(pdf = entry_bytes(af->zip, name, &len)); /* still there */
	free(pdf);
	{
		struct stat st;
		size_t got;

		assert_int_equal(stat(txt_path, &st), 0);
		assert_non_null(text = calloc(1, (size_t)st.st_size + 1));
		assert_non_null(fp = fopen(txt_path, "rb"));
		got = fread(text, 1, (size_t)st.st_size, fp);
		fclose(fp);
		assert_int_equal(got, (size_t)st.st_size);
	}
	assert_non_null(strstr(text, "行政处罚决定书"));
	assert_non_null(strstr(text, af->doc_no));
	free(text);
}

static void test_a_changed_byte_in_any_file_fails_verification(void **state)
{
	struct archive_fixture *af = *state;
	char name[256], copy[600];

	export_as(af, "agency_head", "归档");
	/* (a) the PDF */
	entry_name(name, sizeof(name), af->zip, "records/", ".pdf");
	tamper(copy, sizeof(copy), af, name, TAMPER_FLIP, NULL);
	expect_failure(af, copy, "file_hash_mismatch", ".pdf");
	/* (b) the stored record: neither the manifest nor record.make agree */
	entry_name(name, sizeof(name), af->zip, "records/", ".json");
	tamper(copy, sizeof(copy), af, name, TAMPER_FLIP, "没收违法所得 ");
	expect_failure(af, copy, "file_hash_mismatch", ".json");
	expect_failure(af, copy, "record_mismatch", "record.make");
	/* (c) the video: neither the manifest nor evidence.add agree */
	entry_name(name, sizeof(name), af->zip, "evidence/", ".mp4");
	tamper(copy, sizeof(copy), af, name, TAMPER_FLIP, "inspection, ");
	expect_failure(af, copy, "file_hash_mismatch", "evidence/");
	expect_failure(af, copy, "evidence_mismatch", "evidence.add");
	/* (d) the bundle: a leaf hash no longer matches its event */
	tamper(copy, sizeof(copy), af, "proof/bundle.json", TAMPER_FLIP, "\"leaf_hash\": \"");
	expect_failure(af, copy, "leaf_hash_mismatch", "证明包未通过核验");
	expect_failure(af, copy, "unproved", NULL);
	/* (e) the manifest: its hash is in the case.export event */
	tamper(copy, sizeof(copy), af, "manifest.json", TAMPER_FLIP, "\"exported_at\": \"20");
	expect_failure(af, copy, "manifest_mismatch", "case.export");
	/* The untouched archive still verifies. */
	{
		struct service_case_archive_report r;

		assert_int_equal(service_case_archive_verify(&r, af->zip, &af->opt, NULL), 0);
		service_case_archive_report_free(&r);
	}
}

static void test_an_added_or_removed_file_fails_verification(void **state)
{
	struct archive_fixture *af = *state;
	char name[256], copy[600];

	export_as(af, "supervisor", "年度案卷评查");
	{
		size_t len = 0;
		char *text = entry_bytes(af->zip, "case.json", &len);

		/* A supervisor sees no phone numbers: masked as the service masks them. */
		assert_non_null(text);
		assert_null(strstr(text, "13800000000"));
		assert_non_null(strstr(text, "已隐藏"));
		free(text);
	}
	tamper(copy, sizeof(copy), af, "evidence/extra.jpg", TAMPER_ADD, NULL);
	expect_failure(af, copy, "file_unlisted", "evidence/extra.jpg");
	entry_name(name, sizeof(name), af->zip, "evidence/", ".mp4");
	tamper(copy, sizeof(copy), af, name, TAMPER_REMOVE, NULL);
	expect_failure(af, copy, "file_missing", name);
	tamper(copy, sizeof(copy), af, "proof/bundle.json", TAMPER_REMOVE, NULL);
	expect_failure(af, copy, "bundle_missing", NULL);
}

static void test_a_byte_flipped_in_the_raw_zip_is_caught(void **state)
{
	struct archive_fixture *af = *state;
	char copy[600];
	size_t len = 0;
	char *raw;
	char *p;
	FILE *fp;

	export_as(af, "agency_head", "归档");
	/* The video is stored uncompressed: its bytes are in the ZIP as they are. */
	snprintf(copy, sizeof(copy), "%s/raw.zip", af->f->dir);
	assert_non_null(fp = fopen(af->zip, "rb"));
	assert_non_null(raw = malloc(1u << 20));
	len = fread(raw, 1, 1u << 20, fp);
	fclose(fp);
	for (p = raw; p + 12 <= raw + len && memcmp(p, "inspection, ", 12) != 0; p++)
		;
	assert_true(p + 12 <= raw + len);
	p[0] ^= 0x01;
	assert_non_null(fp = fopen(copy, "wb"));
	assert_int_equal(fwrite(raw, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	free(raw);
	expect_failure(af, copy, "file_unreadable", "evidence/");
}

static void test_only_heads_supervisors_and_admins_export_with_a_reason(void **state)
{
	struct archive_fixture *af = *state;
	struct service_actor a;
	struct service_case_archive_info info;
	struct sx_error err;

	actor(&a, af, "officer"); /* on the case, but not one who hands files over */
	assert_int_equal(service_case_archive_write(af->zip, &info, &af->f->svc, &a, af->case_id,
						    "归档", "", &err),
			 SX_EPERM);
	assert_string_equal(err.code, "forbidden");
	actor(&a, af, "reviewer");
	assert_int_equal(service_case_archive_write(af->zip, &info, &af->f->svc, &a, af->case_id,
						    "归档", "", &err),
			 SX_EPERM);
	actor(&a, af, "officer2"); /* another agency: the case does not exist for them */
	assert_int_equal(service_case_archive_write(af->zip, &info, &af->f->svc, &a, af->case_id,
						    "归档", "", &err),
			 SX_ENOTFOUND);
	actor(&a, af, "supervisor");
	assert_int_equal(service_case_archive_write(af->zip, &info, &af->f->svc, &a, af->case_id,
						    "", "", &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "reason_required");
	assert_false(file_exists(af->zip));

	/* An existing file is never replaced. */
	export_as(af, "supervisor", "评查");
	actor(&a, af, "supervisor");
	assert_int_equal(service_case_archive_write(af->zip, &info, &af->f->svc, &a, af->case_id,
						    "评查", "", &err),
			 SX_EEXISTS);
	assert_string_equal(err.code, "file_exists");

	/* Finding the case by its 案号. */
	{
		char id[STORE_ID_SIZE];
		struct service_case_archive_report r;

		assert_int_equal(service_case_archive_verify(&r, af->zip, NULL, &err), 0);
		assert_true(r.bundle.keys_from_bundle);
		assert_int_equal(service_case_archive_find(id, &af->f->svc, &a, r.case_no, &err), 0);
		assert_string_equal(id, af->case_id);
		service_case_archive_report_free(&r);
		assert_int_equal(service_case_archive_find(id, &af->f->svc, &a, "无此案号", &err),
				 SX_ENOTFOUND);
	}
}

static void test_an_export_needs_the_ledger_and_sound_evidence(void **state)
{
	struct archive_fixture *af = *state;
	struct service_actor a;
	struct service_case_archive_info info;
	struct service_ledger *ledger = af->f->svc.ledger;
	struct blob_store *blobs = af->f->svc.blobs;
	char path[600];
	struct sx_error err;
	size_t len = 0;
	char *manifest;
	int fd;

	actor(&a, af, "admin");
	af->f->svc.ledger = NULL;
	assert_int_equal(service_case_archive_write(af->zip, &info, &af->f->svc, &a, af->case_id,
						    "归档", "", &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "ledger_not_open");
	af->f->svc.ledger = ledger;
	af->f->svc.blobs = NULL;
	assert_int_equal(service_case_archive_write(af->zip, &info, &af->f->svc, &a, af->case_id,
						    "归档", "", &err),
			 SX_EINTERNAL);
	assert_string_equal(err.code, "evidence_unavailable");
	af->f->svc.blobs = blobs;
	assert_false(file_exists(af->zip));

	/* A blob whose bytes changed on disk after upload is not exported as evidence. */
	export_as(af, "admin", "归档");
	assert_non_null(manifest = entry_bytes(af->zip, "manifest.json", &len));
	{
		const char *p = strstr(manifest, "\"path\": \"evidence/");
		char hex[65], rel[BLOB_RELATIVE_PATH_MAX];

		assert_non_null(p);
		p = strchr(p + strlen("\"path\": \"evidence/"), '-');
		assert_non_null(p);
		memcpy(hex, p + 1, 64);
		hex[64] = '\0';
		assert_int_equal(blob_relative_path(rel, sizeof(rel), hex, &err), 0);
		snprintf(path, sizeof(path), "%s/%s", af->cf->blob_root, rel);
	}
	free(manifest);
	assert_int_equal(chmod(path, 0640), 0);
	assert_true((fd = open(path, O_WRONLY)) >= 0);
	assert_int_equal(pwrite(fd, "X", 1, 3), 1);
	close(fd);
	snprintf(af->zip, sizeof(af->zip), "%s/second.zip", af->f->dir);
	assert_int_equal(service_case_archive_write(af->zip, &info, &af->f->svc, &a, af->case_id,
						    "再次归档", "", &err),
			 SX_ECORRUPT);
	assert_string_equal(err.code, "blob_corrupt");
	assert_false(file_exists(af->zip));
}

static void test_running_out_of_memory_leaves_no_archive(void **state)
{
	struct archive_fixture *af = *state;
	struct service_actor a;
	struct service_case_archive_info info;
	struct service_case_archive_report r;
	struct sx_error err;
	long n;
	int rc = -1;

	actor(&a, af, "admin");
	for (n = 0; n < 100000 && rc != 0; n += n < 64 ? 1 : n / 4) {
		sx_mem_fail_after(n);
		rc = service_case_archive_write(af->zip, &info, &af->f->svc, &a, af->case_id, "归档",
						"", &err);
		sx_mem_fail_after(-1);
		if (rc != 0)
			assert_false(file_exists(af->zip));
	}
	assert_int_equal(rc, 0);
	rc = -1;
	for (n = 0; n < 100000 && rc != 0; n += n < 64 ? 1 : n / 4) {
		sx_mem_fail_after(n);
		rc = service_case_archive_verify(&r, af->zip, &af->opt, &err);
		sx_mem_fail_after(-1);
		assert_true(rc == 0 || rc == SX_ENOMEM);
		service_case_archive_report_free(&r);
	}
	assert_int_equal(rc, 0);
}

static void test_verify_refuses_what_is_not_an_archive(void **state)
{
	struct archive_fixture *af = *state;
	struct service_case_archive_report r;
	char path[600];
	struct sx_error err;
	zip_t *za;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/junk.zip", af->f->dir);
	assert_non_null(fp = fopen(path, "wb"));
	fputs("PK\003\004 but nothing else", fp);
	fclose(fp);
	assert_true(service_case_archive_is_zip(path));
	assert_int_equal(service_case_archive_verify(&r, path, NULL, &err), SX_EINVALID);
	assert_string_equal(err.code, "not_an_archive");
	service_case_archive_report_free(&r);

	snprintf(path, sizeof(path), "%s/other.zip", af->f->dir);
	assert_non_null(za = zip_open(path, ZIP_CREATE | ZIP_EXCL, NULL));
	assert_true(zip_file_add(za, "hello.txt", zip_source_buffer(za, "hi", 2, 0), 0) >= 0);
	assert_int_equal(zip_close(za), 0);
	assert_int_equal(service_case_archive_verify(&r, path, NULL, &err), SX_EINVALID);
	assert_string_equal(err.code, "not_an_archive");
	service_case_archive_report_free(&r);

	snprintf(path, sizeof(path), "%s/absent.zip", af->f->dir);
	assert_false(service_case_archive_is_zip(path));
	assert_int_equal(service_case_archive_verify(&r, path, NULL, &err), SX_EIO);
	service_case_archive_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_an_exported_case_verifies_with_the_logs_keys,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_the_archived_decision_pdf_reads_as_the_decision,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_changed_byte_in_any_file_fails_verification,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_an_added_or_removed_file_fails_verification,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_byte_flipped_in_the_raw_zip_is_caught, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_only_heads_supervisors_and_admins_export_with_a_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(test_an_export_needs_the_ledger_and_sound_evidence,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_running_out_of_memory_leaves_no_archive, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_verify_refuses_what_is_not_an_archive, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
