/*
 * service/case_stats — statistics of one agency's cases (docs/cases.md,
 * "Statistics"): how many cases are in each stage, how long stays in each
 * stage last, which cases are past their decision deadline, and two audit
 * checks of the record itself: stages left without their required audio/video
 * recording, and records entered late.
 *
 * Invariants:
 *   * Read only: one read transaction, nothing written, no 调阅 row (the
 *     answer shows case numbers and dates, no file content, like a list).
 *   * Memory does not grow with the number of cases: transitions, stages and
 *     records are streamed from the store (store_case_*_each) and folded into
 *     fixed-size counters; lists stop at SERVICE_CASE_STATS_LIST_MAX entries
 *     while their counts go on. Only the audio/video requirements of the
 *     matters the agency's cases use are held (one entry per distinct matter
 *     and list version that requires recording).
 *   * The answer is a plain struct of fixed-size fields: nothing to free.
 *
 * The rules counted:
 *   * Overdue (《行政处罚法》第六十条): a case whose due date has passed with no
 *     decision, as GET /api/v1/cases?overdue=1 lists them.
 *   * Missing recordings (国办发〔2018〕118号 三(二)): a case that LEFT a stage
 *     its matter requires audio/video for (the matter of the list version the
 *     case was opened under) without kept evidence of a satisfying kind for
 *     that stage and without an exemption (domain/recording decides what
 *     satisfies). The gate of service_case_move refuses such a move, so this
 *     finds data made before the gate or a bypass of it. An open case that is
 *     in such a stage now without the recording is "pending", not missing.
 *   * Late records: 笔录 and 文书 are made on the spot, on the day of the act
 *     (made_on); a day's grace is allowed for entering them. A record whose
 *     created_at, as a date in Asia/Shanghai, is more than one calendar day
 *     after made_on is late.
 *
 * Who may see what: reviewers, unit heads and agency heads their own agency;
 * supervisors any agency of their region; admins any agency; officers none.
 */
#ifndef SX_SERVICE_CASE_STATS_H
#define SX_SERVICE_CASE_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/casefile.h"
#include "service/service.h"

#define SERVICE_CASE_STATS_LIST_MAX 20
#define SERVICE_CASE_STATS_LATE_GRACE_DAYS 1 /* days allowed between made_on and entry */

/* One stage: cases in it now and the completed stays in it. */
struct service_case_stats_stage {
	char stage[STORE_STAGE_SIZE];          /* stage code, e.g. "investigation" */
	char label[32];                        /* 调查取证 */
	int64_t count;                         /* cases in this stage now */
	int64_t stays;                         /* completed stays: entered, then left */
	int64_t mean_seconds;                  /* mean length of a completed stay; 0 when stays 0 */
};

struct service_case_stats_overdue {
	char case_id[STORE_ID_SIZE];
	char case_no[STORE_CASE_NO_SIZE];
	char stage[STORE_STAGE_SIZE];
	char due_on[11];                       /* YYYY-MM-DD */
	int64_t days_overdue;                  /* today − due_on, ≥ 1 */
};

/* A stage of a case whose required recording is not there. */
struct service_case_stats_recording {
	char case_id[STORE_ID_SIZE];
	char case_no[STORE_CASE_NO_SIZE];
	char stage[STORE_STAGE_SIZE];
	char av_name[STORE_NAME_SIZE];         /* the list's word, e.g. 现场检查 */
	bool full_process;                     /* a video is needed (else video or audio) */
};

struct service_case_stats_late_record {
	char record_id[STORE_ID_SIZE];
	char case_id[STORE_ID_SIZE];
	char case_no[STORE_CASE_NO_SIZE];
	char title[STORE_NAME_SIZE];
	char made_on[11];                      /* the day of the act */
	char entered_on[11];                   /* created_at as a date in Asia/Shanghai */
	int64_t days_late;                     /* entered_on − made_on, > the grace */
};

struct service_case_stats {
	char agency_id[STORE_ID_SIZE];
	char agency_name[STORE_NAME_SIZE];
	char today[11];                        /* Asia/Shanghai, the day overdue is judged on */
	int64_t total;                         /* all cases of the agency */
	int64_t open_count;                    /* not closed, not archived */
	struct service_case_stats_stage stages[CASEFILE_STAGE_COUNT]; /* in enum order */
	int64_t overdue_count;
	struct service_case_stats_overdue overdue[SERVICE_CASE_STATS_LIST_MAX]; /* newest first */
	size_t overdue_listed;
	int64_t missing_recording_cases;       /* cases with ≥ 1 stage left without its recording */
	int64_t missing_recording_stages;      /* (case, stage) pairs of those */
	struct service_case_stats_recording missing[SERVICE_CASE_STATS_LIST_MAX]; /* newest case first */
	size_t missing_listed;
	int64_t pending_recording_count;       /* open cases in a recorded stage without it yet */
	struct service_case_stats_recording pending[SERVICE_CASE_STATS_LIST_MAX];
	size_t pending_listed;
	int64_t late_record_count;
	struct service_case_stats_late_record late[SERVICE_CASE_STATS_LIST_MAX]; /* newest first */
	size_t late_listed;
};

/*
 * Fills *out with the statistics of agency_id (NULL or "" = the actor's own
 * agency). *out is overwritten; on error it is zeroed.
 * Errors: SX_EPERM "forbidden" (officers; another agency for reviewers and
 * heads; an agency outside a supervisor's region); SX_EINVALID
 * "agency_required" (NULL for an actor without an agency: supervisors and
 * admins name one); SX_ENOTFOUND "agency_not_found"; SX_ECORRUPT when a
 * case's matter is missing from its list version; SX_ENOMEM; store errors.
 */
int service_case_stats(struct service_case_stats *out, const struct service *svc,
		       const struct service_actor *actor, const char *agency_id,
		       struct sx_error *err);

#endif
