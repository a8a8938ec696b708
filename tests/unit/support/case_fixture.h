/*
 * tests/unit/support/case_fixture — a demo_fixture made ready for tests of
 * 案件 (service/cases, case_records, evidence, case_stats, case_archive): the
 * document templates and a blob store under the fixture directory are set on
 * svc, the demo officers' ids are looked up, and a valid 统一社会信用代码 is
 * at hand. Helpers open, move and record on cases and upload evidence as the
 * demo users do, failing the test (cmocka fail_msg) when the service refuses.
 *
 * Invariants: f->svc.templates == templates and f->svc.blobs == blobs for as
 * long as the fixture lives (a test that swaps them puts them back). Every
 * case opened here names 张明 as lead and 王芳 as second officer
 * (《行政处罚法》第四十二条: at least two officers).
 *
 * Not done here: the ledger is initialised by demo_fixture but not opened;
 * tests that need it open (service_ledger_open) do so themselves.
 */
#ifndef SX_TEST_CASE_FIXTURE_H
#define SX_TEST_CASE_FIXTURE_H

#include <stddef.h>

#include "demo_fixture.h"

#include "base/error.h"
#include "blob/blob.h"
#include "service/cases.h"
#include "service/doctemplates.h"

/* Demo officers by 执法证号 (service/demo). */
#define CASE_FIXTURE_ZHANG_CERT "33010020260001" /* 张明, officer, valid */
#define CASE_FIXTURE_WANG_CERT "33010020260003"  /* 王芳, unit head, valid */
#define CASE_FIXTURE_LI_CERT "33010020260002"    /* 李华, certificate expired 2025-12-31 */

/* Values of a complete 行政处罚决定书 (template penalty_decision). */
#define CASE_FIXTURE_DECISION_VALUES                                                            \
	"{\"party_address\":\"示例市某区某路 1 号\",\"facts\":\"当事人销售超过保质期的饮料。\","  \
	"\"evidence\":\"现场检查笔录、询问笔录、照片。\","                                     \
	"\"legal_violated\":\"《中华人民共和国食品安全法》第三十四条第十项\","                   \
	"\"legal_basis\":\"《中华人民共和国食品安全法》第一百二十四条第一款第五项\","            \
	"\"penalty_content\":\"没收违法所得 1200 元，罚款 50000 元。\","                        \
	"\"review_body\":\"示例市人民政府\",\"review_days\":\"60\","                            \
	"\"litigation_court\":\"示例市某区人民法院\",\"litigation_months\":\"6\"}"

struct case_fixture {
	struct demo_fixture *f;
	struct doctemplates *templates;   /* also f->svc.templates */
	struct blob_store *blobs;         /* also f->svc.blobs; largest blob 64 MiB */
	char blob_root[400];              /* <f->dir>/blobs */
	char zhang[STORE_ID_SIZE];        /* 张明, officer, valid */
	char wang[STORE_ID_SIZE];         /* 王芳, unit head, valid */
	char li[STORE_ID_SIZE];           /* 李华, certificate expired 2025-12-31 */
	char credit_code[19];             /* a 企业 code of 示例市 (330100) with its check char */
	const char *officer_pair[2];      /* {zhang, wang}: the officers of the cases opened here */
};

/* Creates the fixture (NULL on failure, with the reason on stderr); name goes
 * into the directory name. Free with case_fixture_free. */
struct case_fixture *case_fixture_new(const char *name);

/* Closes the blob store, frees the templates and the demo fixture. NULL is fine. */
void case_fixture_free(struct case_fixture *cf);

/* The actor of demo user `username` (demo_fixture_actor). */
void case_fixture_actor(struct service_actor *out, struct case_fixture *cf, const char *username);

/* Fills *in for a case of `kind` and `matter` against 示例市某某食品有限公司
 * (cf->credit_code) with 张明 and 王芳; *in borrows cf's strings, so cf must
 * outlive it. Callers may change fields before service_case_open. */
void case_fixture_case_input(struct service_case_input *in, struct case_fixture *cf,
			     const char *kind, const char *matter);

/* Opens the case of case_fixture_case_input as the demo user "officer".
 * out: clear with service_case_clear. */
void case_fixture_open_case(struct service_case *out, struct case_fixture *cf, const char *kind,
			    const char *matter);

/* Moves case_id to stage `to` as `username` (reason may be NULL). When out is
 * not NULL it receives the moved case; a case it held (case_id may point into
 * it) is cleared first. When out is NULL the moved case is cleared. */
void case_fixture_move(struct service_case *out, struct case_fixture *cf, const char *username,
		       const char *case_id, const char *to, const char *reason);

/* Makes a record from template_code with values (JSON) as `username`, with
 * officers (may be NULL, count 0). Returns service_record_make's code, so
 * that tests can check refusals; out: clear with service_record_clear. */
int case_fixture_record(struct service_record *out, struct case_fixture *cf, const char *username,
			const char *case_id, const char *template_code, const char *values,
			const char *const *officers, size_t officer_count, struct sx_error *err);

/* Uploads data (a NUL-terminated string) as evidence of `kind` of the case's
 * current stage as the demo user "officer", in two requests: the second
 * first at a wrong offset (refused with the offset to continue at), then at
 * the right one. Asserts the capture time is stored in UTC and the SHA-256
 * matches. The file is named 现场.MP4 (video/mp4). */
void case_fixture_upload(struct case_fixture *cf, const char *case_id, const char *kind,
			 const char *data);

#endif
