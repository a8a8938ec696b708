/*
 * http/case_stats_api — see case_stats_api.h. Read only: a session is
 * enough (no CSRF token on a GET), and nothing is logged as 调阅 because the
 * answer holds case numbers, stages and dates, no file content.
 *
 * Durations go out in whole seconds (mean_seconds) and, for people, in days
 * rounded to one decimal (mean_days); counts are integers.
 */
#include "http/case_stats_api.h"

#include <string.h>

#include "base/mem.h"
#include "http/handlers.h"
#include "service/case_stats.h"

#define CASE_STATS_SECONDS_PER_DAY 86400

static json_t *case_stats_api__recordings(const struct service_case_stats_recording *list,
					  size_t count)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr && i < count; i++) {
		if (json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s,s:b}", "case_id",
							 list[i].case_id, "case_no",
							 list[i].case_no, "stage", list[i].stage,
							 "av_name", list[i].av_name,
							 "full_process",
							 list[i].full_process)) < 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *case_stats_api__body(const struct service_case_stats *s)
{
	json_t *body, *stages, *overdue, *late;
	size_t i;

	stages = json_array();
	overdue = json_array();
	late = json_array();
	for (i = 0; stages && i < CASEFILE_STAGE_COUNT; i++) {
		const struct service_case_stats_stage *st = &s->stages[i];
		/* Tenths of a day, rounded: the mean is for reading, mean_seconds for computing. */
		int64_t tenths = (st->mean_seconds * 10 + CASE_STATS_SECONDS_PER_DAY / 2) /
				 CASE_STATS_SECONDS_PER_DAY;

		if (json_array_append_new(stages, json_pack("{s:s,s:s,s:I,s:I,s:I,s:f}", "stage",
							    st->stage, "label", st->label, "count",
							    (json_int_t)st->count, "stays",
							    (json_int_t)st->stays, "mean_seconds",
							    (json_int_t)st->mean_seconds,
							    "mean_days", (double)tenths / 10.0)) < 0) {
			json_decref(stages);
			stages = NULL;
		}
	}
	for (i = 0; overdue && i < s->overdue_listed; i++) {
		const struct service_case_stats_overdue *o = &s->overdue[i];

		if (json_array_append_new(overdue, json_pack("{s:s,s:s,s:s,s:s,s:I}", "case_id",
							     o->case_id, "case_no", o->case_no,
							     "stage", o->stage, "due_on", o->due_on,
							     "days_overdue",
							     (json_int_t)o->days_overdue)) < 0) {
			json_decref(overdue);
			overdue = NULL;
		}
	}
	for (i = 0; late && i < s->late_listed; i++) {
		const struct service_case_stats_late_record *r = &s->late[i];

		if (json_array_append_new(late, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I}",
							  "record_id", r->record_id, "case_id",
							  r->case_id, "case_no", r->case_no,
							  "title", r->title, "made_on", r->made_on,
							  "entered_on", r->entered_on, "days_late",
							  (json_int_t)r->days_late)) < 0) {
			json_decref(late);
			late = NULL;
		}
	}
	/* "o" takes each reference, NULL included: json_pack then fails and frees the rest. */
	body = json_pack("{s:s,s:s,s:s,s:I,s:I,s:o,s:{s:I,s:o},s:{s:I,s:I,s:o},s:{s:I,s:o},"
			 "s:{s:I,s:I,s:o}}",
			 "agency_id", s->agency_id, "agency_name", s->agency_name, "today", s->today,
			 "total", (json_int_t)s->total, "open", (json_int_t)s->open_count,
			 "stages", stages,
			 "overdue", "count", (json_int_t)s->overdue_count, "cases", overdue,
			 "missing_recordings", "cases", (json_int_t)s->missing_recording_cases,
			 "stages", (json_int_t)s->missing_recording_stages, "items",
			 case_stats_api__recordings(s->missing, s->missing_listed),
			 "pending_recordings", "count", (json_int_t)s->pending_recording_count,
			 "items", case_stats_api__recordings(s->pending, s->pending_listed),
			 "late_records", "count", (json_int_t)s->late_record_count, "grace_days",
			 (json_int_t)SERVICE_CASE_STATS_LATE_GRACE_DAYS, "records", late);
	return body;
}

int api_case_stats_get(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_case_stats *stats = NULL;
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	if ((rc = http_session_actor(&actor, req, &err)) < 0)
		return http_respond_error(resp, req, &err);
	/* About 30 KiB of fixed-size lists: the heap, not a server thread's stack. */
	if (!(stats = sx_calloc(1, sizeof(*stats)))) {
		sx_error_set(&err, SX_ENOMEM, NULL, NULL);
		return http_respond_error(resp, req, &err);
	}
	if ((rc = service_case_stats(stats, req->app->svc, &actor,
				     http_request_query(req, "agency_id"), &err)) < 0) {
		sx_free(stats);
		return http_respond_error(resp, req, &err);
	}
	rc = http_respond_json_take(resp, req, 200, case_stats_api__body(stats));
	sx_free(stats);
	return rc;
}
