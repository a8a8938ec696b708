/*
 * service/reviews — 重大执法决定法制审核 (docs/reviews.md): the catalog of
 * major decisions an agency publishes, the draft decision (拟作出的决定) a
 * case officer prepares, the legal review of it (submission, 科室初审,
 * acceptance, assignment with 回避, the ten-point checklist, the conclusion
 * and its 法制审核意见书, deadlines in working days and the one extension,
 * objection → coordination → the agency head's decision) and the 集体讨论
 * record, and the gate these make for the decision.
 *
 * The gate (《行政处罚法》第五十八条: 未经法制审核或者审核未通过的，不得作出
 * 决定): a case is major when the matter is flagged 重大执法决定 in the 事项
 * 清单 or a rule of the agency's catalog matches the case and its latest
 * draft (domain/majorcat; an agency without a catalog of its own uses
 * majorcat_default). A major case may enter DECISION only when the latest
 * review was concluded 同意 (or, after an unresolved objection, the agency head
 * decided to proceed on a 集体讨论) on the draft that is still the latest:
 * saving a new draft after the review makes the review moot. The decision
 * document (行政处罚决定书) of a major case must carry the reviewed draft's
 * values. service_case_move and service_record_make enforce this; no page
 * or route can skip it.
 *
 * 集体讨论 (第五十七条第二款: 对情节复杂或者重大违法行为给予行政处罚，行政
 * 机关负责人应当集体讨论决定): required before DECISION when the draft is
 * flagged complex, or it includes 吊销许可证件, 降低资质等级, 责令停产停业,
 * 责令关闭, 限制从业 or 行政拘留, or the case went through a hearing; the
 * discussion must be of the latest draft.
 *
 * Who may do what (checked here, never in pages):
 *   - catalog and settings: the agency head of the agency, or an admin;
 *     reading a catalog is public (it is published);
 *   - drafts, submission, objection: officers on the case;
 *   - 科室初审: unit heads of the agency;
 *   - taking, concluding, coordinating a review: reviewers of the agency who
 *     are not officers on the case and did not submit it (回避);
 *   - extension, the head's decision, 集体讨论 records: the agency head;
 *   - reading reviews: reviewers, unit heads and the agency head of the
 *     agency, the officers on the case, supervisors of the region, admins.
 *     Reading one review (its draft is case-file content) is a 调阅 logged
 *     as for service_case_get.
 *
 * Every change is an audit row and a ledger event: majorcat.publish,
 * draft.save, review.submit, review.pre_review, review.take, review.extend,
 * review.conclude, review.object, review.coordinate, review.head_decide,
 * discussion.record (docs/ledger.md).
 *
 * Answers: *out is overwritten, never freed first; on error it is zeroed.
 */
#ifndef SX_SERVICE_REVIEWS_H
#define SX_SERVICE_REVIEWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "domain/majorcat.h"
#include "domain/review.h"
#include "service/service.h"
#include "store/store_review.h"

/* ---- the catalog ---- */

struct service_major_catalog {
	char agency_id[STORE_ID_SIZE];
	char agency_name[STORE_NAME_SIZE];
	bool is_default;                   /* the agency has published none: majorcat_default */
	struct store_major_catalog row;    /* version 0 and body NULL when is_default */
	struct majorcat catalog;           /* the rules */
	struct store_major_catalog *history; /* every version, newest first (bodies NULL) */
	size_t history_count;
};
void service_major_catalog_clear(struct service_major_catalog *c);

/* The catalog in force (version 0) or one version. Public: no actor.
 * SX_ENOTFOUND "agency_not_found" / "catalog_not_found". */
int service_major_catalog_get(struct service_major_catalog *out, const struct service *svc,
			      const char *agency_id, int64_t version, struct sx_error *err);

/* Publishes a new version from JSON (service/majorcat_json). SX_EPERM "forbidden";
 * majorcat_json/majorcat codes; SX_ECONFLICT "catalog_unchanged" when equal to the latest. */
int service_major_catalog_publish(struct service_major_catalog *out, const struct service *svc,
				  const struct service_actor *actor, const char *agency_id,
				  const char *json, size_t json_len, const char *note,
				  struct sx_error *err);

/* Whether the agency requires 科室初审 before the legal-review body. */
int service_review_settings_put(const struct service *svc, const struct service_actor *actor,
				const char *agency_id, bool unit_pre_review, struct sx_error *err);

/* ---- drafts ---- */

struct service_draft_input {
	const char *values_json;       /* the 行政处罚决定书's fields {"facts": …} */
	size_t values_len;
	const char *acts;              /* majorcat act codes, separated by spaces or commas */
	int64_t fine_fen;              /* ≥ 0 */
	int64_t confiscation_fen;      /* ≥ 0 */
	int64_t coercion_value_fen;    /* ≥ 0 */
	bool public_interest;          /* 第五十八条第一款第一项 */
	bool complex;                  /* 第三项; also makes 集体讨论 required */
	bool multi_agency;
	const char *note;              /* what changed; may be NULL */
};

/*
 * Saves a new version of the case's draft decision (general-procedure
 * penalty cases before DECISION; officers on the case). The values must fit
 * the 行政处罚决定书 template. Refused while a review of the case is open
 * (SX_ECONFLICT "review_in_progress"). SX_EINVALID "bad_acts" "bad_amount",
 * doctemplate codes; SX_ECONFLICT "wrong_stage"; SX_EPERM "forbidden".
 */
int service_draft_save(struct store_case_draft *out, const struct service *svc,
		       const struct service_actor *actor, const char *case_id,
		       const struct service_draft_input *in, struct sx_error *err);

/* The case's latest draft with its body (SX_ENOTFOUND "draft_not_found" when none); reading
 * it is a 调阅 of the case file, logged as for service_case_get (reason from staff not on the
 * case). out: store_case_draft_clear. */
int service_draft_get(struct store_case_draft *out, const struct service *svc,
		      const struct service_actor *actor, const char *case_id, const char *reason,
		      const char *remote_addr, struct sx_error *err);

/* ---- where a case stands (the case page, the gate) ---- */

struct service_case_review {
	bool applicable;                   /* a general-procedure penalty case */
	bool major;
	char major_reasons[MAJORCAT_REASONS_SIZE];
	bool has_draft;
	struct store_case_draft draft;     /* the latest draft, body NULL */
	bool has_review;
	struct store_review review;        /* the latest review, bodies NULL */
	bool review_current;               /* it is of the latest draft, and submitted after
					    * any hearing (第五十八条第一款第二项) */
	bool review_passed;                /* the gate's answer for the current draft */
	bool discussion_required;
	bool discussion_done;              /* a 集体讨论 of the latest draft exists */
	size_t discussion_count;
	/* the sign-off chain: "" where not (yet) done */
	char submitted_by[STORE_NAME_SIZE];
	char pre_reviewed_by[STORE_NAME_SIZE];
	char reviewed_by[STORE_NAME_SIZE];
	char discussed_by[STORE_NAME_SIZE];  /* the host of the latest discussion */
	char approved_by[STORE_NAME_SIZE];   /* who moved the case into DECISION */
};

/* ---- reviews ---- */

struct service_review {
	struct store_review r;             /* with bodies */
	struct review_item items[REVIEW_CHECK_COUNT]; /* from r.checklist; all unchecked before */
	char case_no[STORE_CASE_NO_SIZE];
	char party_name[STORE_NAME_SIZE];
	char cause[STORE_CAUSE_SIZE];
	char agency_name[STORE_NAME_SIZE];
	char stage[STORE_STAGE_SIZE];      /* the case's stage now */
	struct store_case_draft draft;     /* the draft under review, with body */
	bool draft_current;                /* still the case's latest draft */
	char major_reasons[MAJORCAT_REASONS_SIZE];
	bool overdue;
	int workdays_left;                 /* meaningful when accepted and not concluded */
	char today[11];
	/* what the actor may do now */
	bool may_pre_review, may_take, may_conclude, may_extend, may_object, may_coordinate,
		may_head_decide;
	int64_t ledger_index;              /* leaf of this call's change or access; -1 */
};
void service_review_clear(struct service_review *r);

/*
 * Submits the case's latest draft for review (case in LEGAL_REVIEW; officer
 * on the case). The materials (the draft, an 调查终结报告, the evidence list —
 * evidence files or evidence records in the file — and, after a hearing, the
 * 听证笔录) are checked: when something is missing the submission is kept as
 * "returned" with the list, the clock does not start, and the answer is
 * SX_EINVALID "materials_incomplete" (out still filled). Otherwise it goes
 * to "pre_review" (agency setting) or straight to "accepted" (accepted_on
 * today, due by review_due). SX_ECONFLICT "wrong_stage" "review_in_progress"
 * "draft_required"; SX_ENOTFOUND "case_not_found".
 */
int service_review_submit(struct service_review *out, const struct service *svc,
			  const struct service_actor *actor, const char *case_id, bool urgent,
			  const char *note, struct sx_error *err);

/* 科室初审 (unit head): pass → accepted (the clock starts), return → returned
 * with the note (required). SX_EINVALID "bad_result" "reason_required". */
int service_review_pre_review(struct service_review *out, const struct service *svc,
			      const struct service_actor *actor, const char *review_id,
			      const char *result, const char *note, struct sx_error *err);

/* A reviewer takes an accepted review (回避 by review_assignment_check:
 * SX_EPERM "reviewer_conflict"); SX_ECONFLICT "already_taken". */
int service_review_take(struct service_review *out, const struct service *svc,
			const struct service_actor *actor, const char *review_id,
			struct sx_error *err);

/* The agency head extends the due date once by REVIEW_EXTENSION_DAYS working
 * days with a reason. SX_ECONFLICT "already_extended" "review_not_open". */
int service_review_extend(struct service_review *out, const struct service *svc,
			  const struct service_actor *actor, const char *review_id,
			  const char *reason, struct sx_error *err);

/*
 * The assigned reviewer (or a reviewer who may take it: taking is implied)
 * concludes with the checklist and the opinion (review_check_conclusion).
 * The 法制审核意见书 is made from them as a record of the case (numbered,
 * hashed, in the ledger, PDF). SX_ECONFLICT "draft_changed" when a newer
 * draft was saved since submission; review codes.
 */
int service_review_conclude(struct service_review *out, const struct service *svc,
			    const struct service_actor *actor, const char *review_id,
			    const struct review_item items[REVIEW_CHECK_COUNT],
			    const char *conclusion, const char *opinion, struct sx_error *err);

/* The case officer objects once, with reasons, to a conclusion other than
 * 同意. SX_ECONFLICT "already_objected" "nothing_to_object". */
int service_review_object(struct service_review *out, const struct service *svc,
			  const struct service_actor *actor, const char *review_id,
			  const char *reason, struct sx_error *err);

/* The reviewer records the coordination: "maintained" (the objection stands
 * unresolved: the agency head decides) or "changed" (the review reopens for
 * a new conclusion). A note is required. */
int service_review_coordinate(struct service_review *out, const struct service *svc,
			      const struct service_actor *actor, const char *review_id,
			      const char *result, const char *note, struct sx_error *err);

/* The agency head decides an unresolved objection: "uphold" (the review
 * stands) or "proceed" (the decision may be made: only with a 集体讨论 of
 * the reviewed draft, SX_ECONFLICT "discussion_required"). Reason required. */
int service_review_head_decide(struct service_review *out, const struct service *svc,
			       const struct service_actor *actor, const char *review_id,
			       const char *decision, const char *reason, struct sx_error *err);

/* Reads one review (logged as a 调阅 of the case file with reason). */
int service_review_get(struct service_review *out, const struct service *svc,
		       const struct service_actor *actor, const char *review_id,
		       const char *reason, const char *remote_addr, struct sx_error *err);

enum service_review_scope {
	SERVICE_REVIEW_SCOPE_QUEUE = 1, /* a reviewer's: open reviews of the agency */
	SERVICE_REVIEW_SCOPE_AGENCY,    /* every review of the actor's agency */
	SERVICE_REVIEW_SCOPE_REGION,    /* supervisors: the agencies of their region */
};

struct service_review_query {
	enum service_review_scope scope;
	bool open_only;
	bool overdue_only;
	int64_t page;                   /* 1-based */
	int64_t per_page;               /* 1..100 */
};

struct service_review_row {
	struct store_review r;          /* bodies NULL */
	char case_no[STORE_CASE_NO_SIZE];
	char party_name[STORE_NAME_SIZE];
	char agency_name[STORE_NAME_SIZE];
	bool overdue;
	int workdays_left;              /* meaningful for accepted reviews */
};

struct service_review_page {
	struct service_review_row *items;
	size_t count;
	int64_t total;
	int64_t page, per_page;
	int64_t open_count, overdue_count; /* in the whole scope, not the page */
	char today[11];
};
void service_review_page_clear(struct service_review_page *p);

/* Lists reviews (no access rows: a list shows no file content). SX_EPERM for a
 * scope the role does not have. */
int service_review_list(struct service_review_page *out, const struct service *svc,
			const struct service_actor *actor, const struct service_review_query *q,
			struct sx_error *err);

struct service_review_staffing {
	char agency_id[STORE_ID_SIZE];
	int64_t reviewers, officers, required;
	bool short_staffed;             /* review_staffing_short */
};
/* Staffing of the actor's agency (agency_id NULL/"") or, for supervisors and
 * admins, of any agency. */
int service_review_staffing(struct service_review_staffing *out, const struct service *svc,
			    const struct service_actor *actor, const char *agency_id,
			    struct sx_error *err);

/* ---- 集体讨论 ---- */

struct service_discussion_input {
	const char *held_at;            /* "YYYY-MM-DD HH:MM" */
	const char *place;
	const char *host;               /* 主持人 */
	const char *attendees;          /* one per line: 姓名 职务 */
	const char *opinions;           /* 讨论意见 */
	const char *conclusion;         /* 讨论结论 */
};

/* Records a 集体讨论 of the case's latest draft (agency head). */
int service_discussion_record(struct store_case_discussion *out, const struct service *svc,
			      const struct service_actor *actor, const char *case_id,
			      const struct service_discussion_input *in, struct sx_error *err);

#endif
