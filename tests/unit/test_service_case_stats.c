/*
 * Unit tests for service/case_stats (and the store_case_*_each streams under
 * it) on the demo data (tests/unit/support/case_fixture), on SQLite or
 * PostgreSQL (tests/support/testdb).
 *
 * Cases are opened through service/cases where the rules matter; history that
 * the service would refuse to write today (a stage left without its
 * recording, stays of known length, a record entered days after the act) is
 * written with the store directly, as data made before the gate existed.
 *
 * Covered: counts per stage and open cases; who may see which agency; the
 * mean stay per stage from transitions; overdue cases with days overdue; the
 * recording audit (missing when left, pending when in it, audio enough for key
 * steps, photos never, exemptions and deleted evidence); late records by the
 * Asia/Shanghai date with one day of grace; every allocation failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "case_fixture.h"

#include "base/id.h"
#include "base/mem.h"
#include "base/time.h"
#include "service/case_stats.h"
#include "service/cases.h"

#define CF_PLAIN "330100-SJ-CF-003" /* 处罚, not major; 现场检查/调查取证/送达 key steps */

struct stats_fixture {
	struct case_fixture *cf;
	struct demo_fixture *f;       /* cf->f */
	int next_no;                  /* for case numbers of cases written by the store */
};

static int setup(void **state)
{
	struct stats_fixture *sf = calloc(1, sizeof(*sf));

	if (!sf || !(sf->cf = case_fixture_new("service-case-stats"))) {
		free(sf);
		return -1;
	}
	sf->f = sf->cf->f;
	sf->next_no = 900;
	*state = sf;
	return 0;
}

static int teardown(void **state)
{
	struct stats_fixture *sf = *state;

	if (!sf)
		return 0;
	case_fixture_free(sf->cf);
	free(sf);
	return 0;
}

static void actor(struct service_actor *out, struct stats_fixture *sf, const char *username)
{
	case_fixture_actor(out, sf->cf, username);
}

/* Opens a penalty case of CF_PLAIN as the demo officer; *out is the store row. */
static void open_case(struct store_case *out, struct stats_fixture *sf)
{
	struct service_case c;

	case_fixture_open_case(&c, sf->cf, "penalty", CF_PLAIN);
	*out = c.c;
	service_case_clear(&c);
}

static void move(struct stats_fixture *sf, const char *case_id, const char *to)
{
	case_fixture_move(NULL, sf->cf, "officer", case_id, to, NULL);
}

static struct store_tx *begin_write(struct stats_fixture *sf)
{
	struct store_tx *tx = NULL;

	assert_int_equal(store_begin(&tx, sf->f->store, STORE_TX_WRITE, NULL), 0);
	return tx;
}

static void commit(struct store_tx *tx)
{
	assert_int_equal(store_commit(tx, NULL), 0);
}

/*
 * Writes a case like `like` (same agency, matter and list version) in `stage`
 * with the history given as (from, to, at) triples after an opening at
 * opened_at. out receives the row.
 */
static void write_case(struct store_case *out, struct stats_fixture *sf,
		       const struct store_case *like, const char *stage, const char *started_on,
		       const char *due_on, const char *opened_at, const char *const *moves,
		       size_t move_count)
{
	struct store_tx *tx = begin_write(sf);
	struct store_case c = *like;
	struct store_case_transition t;
	size_t i;

	assert_int_equal(sx_id_new(c.id), 0);
	snprintf(c.case_no, sizeof(c.case_no), "案〔2025〕%d号", sf->next_no++);
	snprintf(c.stage, sizeof(c.stage), "%s", stage);
	snprintf(c.started_on, sizeof(c.started_on), "%s", started_on);
	snprintf(c.due_on, sizeof(c.due_on), "%s", due_on);
	c.decided_on[0] = c.closed_on[0] = c.archived_on[0] = '\0';
	snprintf(c.created_at, sizeof(c.created_at), "%s", opened_at);
	assert_int_equal(store_case_insert(tx, &c, NULL), 0);
	memset(&t, 0, sizeof(t));
	snprintf(t.case_id, sizeof(t.case_id), "%s", c.id);
	snprintf(t.by_id, sizeof(t.by_id), "%s", "test");
	for (i = 0; i <= move_count; i++) {
		assert_int_equal(sx_id_new(t.id), 0);
		t.seq = (int64_t)i + 1;
		snprintf(t.from_stage, sizeof(t.from_stage), "%s", i == 0 ? "" : moves[3 * (i - 1)]);
		snprintf(t.to_stage, sizeof(t.to_stage), "%s",
			 i == 0 ? "filed" : moves[3 * (i - 1) + 1]);
		snprintf(t.at, sizeof(t.at), "%s", i == 0 ? opened_at : moves[3 * (i - 1) + 2]);
		assert_int_equal(store_case_transition_insert(tx, &t, NULL), 0);
	}
	commit(tx);
	*out = c;
}

static void write_evidence(struct stats_fixture *sf, const char *case_id, const char *stage,
			   const char *kind, bool deleted)
{
	struct store_tx *tx = begin_write(sf);
	struct store_evidence e;

	memset(&e, 0, sizeof(e));
	assert_int_equal(sx_id_new(e.id), 0);
	snprintf(e.meta.case_id, sizeof(e.meta.case_id), "%s", case_id);
	snprintf(e.meta.stage, sizeof(e.meta.stage), "%s", stage);
	snprintf(e.meta.kind, sizeof(e.meta.kind), "%s", kind);
	e.meta.size_bytes = 10;
	snprintf(e.sha256, sizeof(e.sha256), "%064d", 1);
	snprintf(e.sm3, sizeof(e.sm3), "%064d", 2);
	snprintf(e.created_at, sizeof(e.created_at), "%s", "2025-01-02T00:00:00.000000Z");
	assert_int_equal(store_evidence_insert(tx, &e, NULL), 0);
	if (deleted)
		assert_int_equal(store_evidence_delete(tx, e.id, "到期", "2025-02-01T00:00:00.000000Z",
						       "admin", NULL),
				 0);
	commit(tx);
}

static void write_exemption(struct stats_fixture *sf, const char *case_id, const char *stage)
{
	struct store_tx *tx = begin_write(sf);
	struct store_recording_exemption x;

	memset(&x, 0, sizeof(x));
	assert_int_equal(sx_id_new(x.id), 0);
	snprintf(x.case_id, sizeof(x.case_id), "%s", case_id);
	snprintf(x.stage, sizeof(x.stage), "%s", stage);
	snprintf(x.reason, sizeof(x.reason), "%s", "执法记录仪故障");
	snprintf(x.created_at, sizeof(x.created_at), "%s", "2025-01-02T00:00:00.000000Z");
	assert_int_equal(store_recording_exemption_insert(tx, &x, NULL), 0);
	commit(tx);
}

static void write_record(char id[STORE_ID_SIZE], struct stats_fixture *sf, const char *case_id,
			 const char *made_on, const char *created_at)
{
	struct store_tx *tx = begin_write(sf);
	struct store_case_record r;

	memset(&r, 0, sizeof(r));
	assert_int_equal(sx_id_new(r.id), 0);
	snprintf(r.case_id, sizeof(r.case_id), "%s", case_id);
	snprintf(r.stage, sizeof(r.stage), "%s", "investigation");
	snprintf(r.template_code, sizeof(r.template_code), "%s", "inquiry");
	snprintf(r.title, sizeof(r.title), "%s", "询问笔录");
	snprintf(r.made_on, sizeof(r.made_on), "%s", made_on);
	r.values_json = "{}";
	r.body_text = "询问笔录";
	snprintf(r.content_sha256, sizeof(r.content_sha256), "%064d", 3);
	snprintf(r.created_at, sizeof(r.created_at), "%s", created_at);
	assert_int_equal(store_case_record_insert(tx, &r, NULL), 0);
	commit(tx);
	snprintf(id, STORE_ID_SIZE, "%s", r.id);
}

static const struct service_case_stats_stage *stage_of(const struct service_case_stats *s,
						       const char *code)
{
	for (size_t i = 0; i < CASEFILE_STAGE_COUNT; i++)
		if (strcmp(s->stages[i].stage, code) == 0)
			return &s->stages[i];
	fail_msg("no stage %s", code);
	return NULL;
}

/* Statistics as `username` of their own agency; fails the test on error. */
static struct service_case_stats *stats_as(struct stats_fixture *sf, const char *username)
{
	struct service_case_stats *s = calloc(1, sizeof(*s));
	struct service_actor a;
	struct sx_error err;

	assert_non_null(s);
	actor(&a, sf, username);
	if (service_case_stats(s, &sf->f->svc, &a, NULL, &err) != 0)
		fail_msg("stats: %s %s %s", err.code, err.message, err.detail);
	return s;
}

/* ---- tests ---- */

static void test_cases_are_counted_in_every_stage_with_its_label(void **state)
{
	struct stats_fixture *sf = *state;
	struct store_case a, b;
	struct service_case_stats *s;

	open_case(&a, sf);
	open_case(&b, sf);
	move(sf, b.id, "investigation");
	s = stats_as(sf, "unit_head");
	assert_string_equal(s->agency_name, DEMO_MARKET);
	assert_int_equal(s->total, 2);
	assert_int_equal(s->open_count, 2);
	assert_int_equal(stage_of(s, "filed")->count, 1);
	assert_int_equal(stage_of(s, "investigation")->count, 1);
	assert_int_equal(stage_of(s, "archived")->count, 0);
	assert_string_equal(stage_of(s, "investigation")->label, "调查取证");
	assert_string_equal(s->stages[0].stage, "filed");
	assert_string_equal(s->stages[CASEFILE_STAGE_COUNT - 1].stage, "coercion");
	/* The case moved to investigation is there without its recording yet: pending. */
	assert_int_equal(s->pending_recording_count, 1);
	assert_string_equal(s->pending[0].case_id, b.id);
	assert_string_equal(s->pending[0].stage, "investigation");
	assert_int_equal(s->missing_recording_cases, 0);
	assert_int_equal(s->overdue_count, 0);
	assert_int_equal(s->late_record_count, 0);
	free(s);
}

static void test_officers_see_no_statistics_and_heads_only_their_own_agency(void **state)
{
	struct stats_fixture *sf = *state;
	struct service_case_stats *s = calloc(1, sizeof(*s));
	struct service_actor a;
	char market[STORE_ID_SIZE], ecology[STORE_ID_SIZE];
	struct sx_error err;

	assert_non_null(s);
	demo_fixture_agency_id(market, sf->f, DEMO_MARKET);
	demo_fixture_agency_id(ecology, sf->f, DEMO_ECOLOGY);
	actor(&a, sf, "officer");
	assert_int_equal(service_case_stats(s, &sf->f->svc, &a, NULL, &err), SX_EPERM);
	assert_string_equal(err.code, "forbidden");
	assert_int_equal(service_case_stats(s, &sf->f->svc, &a, market, &err), SX_EPERM);
	actor(&a, sf, "reviewer");
	assert_int_equal(service_case_stats(s, &sf->f->svc, &a, market, &err), 0);
	assert_string_equal(s->agency_id, market);
	assert_int_equal(service_case_stats(s, &sf->f->svc, &a, ecology, &err), SX_EPERM);
	assert_string_equal(s->agency_id, ""); /* zeroed on error */
	actor(&a, sf, "agency_head");
	assert_int_equal(service_case_stats(s, &sf->f->svc, &a, ecology, &err), SX_EPERM);
	assert_int_equal(service_case_stats(s, &sf->f->svc, &a, "01ZZZZZZZZZZZZZZZZZZZZZZZZ", &err),
			 SX_ENOTFOUND);
	assert_string_equal(err.code, "agency_not_found");
	assert_int_equal(service_case_stats(s, &sf->f->svc, &a, "x-far-too-long-to-be-an-agency-id",
					    &err),
			 SX_ENOTFOUND);
	/* Supervisors: any agency of their region; admins: any agency. */
	actor(&a, sf, "supervisor");
	assert_int_equal(service_case_stats(s, &sf->f->svc, &a, market, &err), 0);
	assert_int_equal(service_case_stats(s, &sf->f->svc, &a, ecology, &err), 0);
	assert_string_equal(s->agency_name, DEMO_ECOLOGY);
	actor(&a, sf, "admin");
	assert_int_equal(service_case_stats(s, &sf->f->svc, &a, ecology, &err), 0);
	/* An actor without an agency must name one. */
	assert_int_equal(service_case_stats(s, &sf->f->svc, &sf->f->cli, NULL, &err), SX_EINVALID);
	assert_string_equal(err.code, "agency_required");
	free(s);
}

static void test_the_mean_stay_counts_only_completed_stays(void **state)
{
	struct stats_fixture *sf = *state;
	struct store_case like, b, c;
	struct service_case_stats *s;
	/* filed 2 days, investigation 1.5 days, examination open. */
	const char *const b_moves[] = {
		"filed", "investigation", "2026-01-03T00:00:00.000000Z",
		"investigation", "examination", "2026-01-04T12:00:00.000000Z",
	};
	/* filed 4 days, then investigation until now. */
	const char *const c_moves[] = {
		"filed", "investigation", "2026-01-05T00:00:00.000000Z",
	};

	open_case(&like, sf); /* in filed since just now: no completed stay */
	write_case(&b, sf, &like, "examination", "2026-01-01", "2026-04-01",
		   "2026-01-01T00:00:00.000000Z", b_moves, 2);
	write_case(&c, sf, &like, "investigation", "2026-01-01", "2026-04-01",
		   "2026-01-01T00:00:00.000000Z", c_moves, 1);
	s = stats_as(sf, "agency_head");
	assert_int_equal(stage_of(s, "filed")->stays, 2);
	assert_int_equal(stage_of(s, "filed")->mean_seconds, 3 * 86400);
	assert_int_equal(stage_of(s, "investigation")->stays, 1);
	assert_int_equal(stage_of(s, "investigation")->mean_seconds, 36 * 3600);
	assert_int_equal(stage_of(s, "examination")->stays, 0);
	assert_int_equal(stage_of(s, "examination")->mean_seconds, 0);
	assert_int_equal(s->total, 3);
	free(s);
}

static void test_overdue_cases_are_counted_with_their_days(void **state)
{
	struct stats_fixture *sf = *state;
	struct store_case like, late, decided;
	struct service_case_stats *s;
	struct store_tx *tx;
	int y, m, d;
	int64_t today;

	open_case(&like, sf);
	write_case(&late, sf, &like, "examination", "2025-01-01", "2025-04-01",
		   "2025-01-01T00:00:00.000000Z", NULL, 0);
	/* Decided in time: past its due date, but not overdue. */
	write_case(&decided, sf, &like, "decision", "2025-01-01", "2025-04-01",
		   "2025-01-01T00:00:00.000000Z", NULL, 0);
	tx = begin_write(sf);
	snprintf(decided.decided_on, sizeof(decided.decided_on), "%s", "2025-03-01");
	assert_int_equal(store_case_update(tx, &decided, "decision", NULL), 0);
	commit(tx);
	s = stats_as(sf, "unit_head");
	assert_int_equal(s->overdue_count, 1);
	assert_int_equal(s->overdue_listed, 1);
	assert_string_equal(s->overdue[0].case_id, late.id);
	assert_string_equal(s->overdue[0].due_on, "2025-04-01");
	assert_int_equal(sx_date_parse(&y, &m, &d, s->today, 10), 0);
	today = sx_date_to_days(y, m, d);
	assert_int_equal(s->overdue[0].days_overdue, today - sx_date_to_days(2025, 4, 1));
	free(s);
}

static void test_a_stage_left_without_its_recording_is_missing(void **state)
{
	struct stats_fixture *sf = *state;
	struct store_case like, bare, photo, audio, exempt, deleted;
	struct service_case_stats *s;
	const char *const moves[] = {
		"filed", "investigation", "2025-01-02T00:00:00.000000Z",
		"investigation", "examination", "2025-01-05T00:00:00.000000Z",
	};

	open_case(&like, sf); /* in filed, which needs no recording */
	write_case(&bare, sf, &like, "examination", "2025-01-01", "", "2025-01-01T00:00:00.000000Z",
		   moves, 2);
	write_case(&photo, sf, &like, "examination", "2025-01-01", "",
		   "2025-01-01T00:00:01.000000Z", moves, 2);
	write_evidence(sf, photo.id, "investigation", "photo", false);
	write_case(&audio, sf, &like, "examination", "2025-01-01", "",
		   "2025-01-01T00:00:02.000000Z", moves, 2);
	write_evidence(sf, audio.id, "investigation", "audio", false); /* key steps: enough */
	write_evidence(sf, audio.id, "filed", "video", false);         /* another stage: no use */
	write_case(&exempt, sf, &like, "examination", "2025-01-01", "",
		   "2025-01-01T00:00:03.000000Z", moves, 2);
	write_exemption(sf, exempt.id, "investigation");
	write_case(&deleted, sf, &like, "examination", "2025-01-01", "",
		   "2025-01-01T00:00:04.000000Z", moves, 2);
	write_evidence(sf, deleted.id, "investigation", "video", true);

	s = stats_as(sf, "agency_head");
	assert_int_equal(s->missing_recording_cases, 3);
	assert_int_equal(s->missing_recording_stages, 3);
	assert_int_equal(s->missing_listed, 3);
	/* Newest case first. */
	assert_string_equal(s->missing[0].case_id, deleted.id);
	assert_string_equal(s->missing[1].case_id, photo.id);
	assert_string_equal(s->missing[2].case_id, bare.id);
	assert_string_equal(s->missing[2].case_no, bare.case_no);
	assert_string_equal(s->missing[2].stage, "investigation");
	assert_string_equal(s->missing[2].av_name, "现场检查");
	assert_false(s->missing[2].full_process);
	assert_int_equal(s->pending_recording_count, 0);
	free(s);
}

static void test_records_entered_more_than_a_day_after_the_act_are_late(void **state)
{
	struct stats_fixture *sf = *state;
	struct store_case c;
	struct service_case_stats *s;
	char on_time[STORE_ID_SIZE], next_day[STORE_ID_SIZE], late_by_tz[STORE_ID_SIZE],
		late[STORE_ID_SIZE];

	open_case(&c, sf);
	write_record(on_time, sf, c.id, "2026-01-09", "2026-01-09T02:00:00.000000Z");
	/* 23:00 in Shanghai on the 10th: one day after the act, within the grace. */
	write_record(next_day, sf, c.id, "2026-01-09", "2026-01-10T15:00:00.000000Z");
	/* 00:30 in Shanghai on the 11th, though still the 10th in UTC: late. */
	write_record(late_by_tz, sf, c.id, "2026-01-09", "2026-01-10T16:30:00.000000Z");
	write_record(late, sf, c.id, "2026-01-05", "2026-01-20T01:00:00.000000Z");
	s = stats_as(sf, "unit_head");
	assert_int_equal(s->late_record_count, 2);
	assert_int_equal(s->late_listed, 2);
	assert_string_equal(s->late[0].record_id, late);
	assert_string_equal(s->late[0].made_on, "2026-01-05");
	assert_string_equal(s->late[0].entered_on, "2026-01-20");
	assert_int_equal(s->late[0].days_late, 15);
	assert_string_equal(s->late[0].case_no, c.case_no);
	assert_string_equal(s->late[0].title, "询问笔录");
	assert_string_equal(s->late[1].record_id, late_by_tz);
	assert_string_equal(s->late[1].entered_on, "2026-01-11");
	assert_int_equal(s->late[1].days_late, 2);
	free(s);
}

static void test_lists_stop_at_twenty_while_counts_go_on(void **state)
{
	struct stats_fixture *sf = *state;
	struct store_case c;
	struct service_case_stats *s;
	char id[STORE_ID_SIZE];
	int i;

	open_case(&c, sf);
	for (i = 0; i < SERVICE_CASE_STATS_LIST_MAX + 5; i++)
		write_record(id, sf, c.id, "2026-01-01", "2026-02-01T01:00:00.000000Z");
	s = stats_as(sf, "unit_head");
	assert_int_equal(s->late_record_count, SERVICE_CASE_STATS_LIST_MAX + 5);
	assert_int_equal(s->late_listed, SERVICE_CASE_STATS_LIST_MAX);
	free(s);
}

static void test_every_allocation_failure_is_an_error_and_leaks_nothing(void **state)
{
	struct stats_fixture *sf = *state;
	struct store_case like, b;
	struct service_case_stats *s = calloc(1, sizeof(*s));
	struct service_actor a;
	struct sx_error err;
	const char *const moves[] = {
		"filed", "investigation", "2025-01-02T00:00:00.000000Z",
		"investigation", "examination", "2025-01-05T00:00:00.000000Z",
	};
	long n;
	int rc = -1, failures = 0;

	assert_non_null(s);
	open_case(&like, sf);
	write_case(&b, sf, &like, "examination", "2025-01-01", "2025-04-01",
		   "2025-01-01T00:00:00.000000Z", moves, 2);
	actor(&a, sf, "unit_head");
	for (n = 0; n < 10000 && rc != 0; n++) {
		sx_mem_fail_after(n);
		rc = service_case_stats(s, &sf->f->svc, &a, NULL, &err);
		sx_mem_fail_after(-1);
		if (rc != 0) {
			failures++;
			assert_int_equal(rc, SX_ENOMEM);
			assert_int_equal(s->total, 0);
		}
	}
	assert_int_equal(rc, 0);
	assert_true(failures > 0); /* the matters and their lists were allocated */
	assert_int_equal(s->missing_recording_cases, 1);
	assert_int_equal(s->overdue_count, 1);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cases_are_counted_in_every_stage_with_its_label,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_officers_see_no_statistics_and_heads_only_their_own_agency, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_the_mean_stay_counts_only_completed_stays, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_overdue_cases_are_counted_with_their_days, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_a_stage_left_without_its_recording_is_missing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_records_entered_more_than_a_day_after_the_act_are_late, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lists_stop_at_twenty_while_counts_go_on, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_every_allocation_failure_is_an_error_and_leaks_nothing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
