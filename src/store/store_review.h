/*
 * store/store_review — the rows of 重大执法决定法制审核 (sql 0008): an agency's
 * catalog of major decisions by version, its review settings, a case's draft
 * decisions (拟作出的决定) by version, its legal reviews and its 集体讨论
 * records.
 *
 * Invariants:
 *   - catalog versions and draft versions are append-only and numbered 1, 2, …
 *     per agency / per case: an insert names the next number (max + 1) and gets
 *     SX_EEXISTS otherwise, so two concurrent writers cannot both win;
 *   - a review row is created by a submission and then changes only through
 *     store_review_update, which names the status it expects (a double submit
 *     changes nothing: SX_ECONFLICT "stale_review");
 *   - discussions are append-only.
 * The store does not look inside JSON bodies and checks nothing of the rules:
 * domain/majorcat and domain/review decide, service/reviews writes.
 *
 * Ownership: char * members are owned by a struct that was read (freed by its
 * *_clear or the list's *_free) and borrowed by an insert/update.
 */
#ifndef SX_STORE_STORE_REVIEW_H
#define SX_STORE_STORE_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "store/store.h"

#define STORE_ACTS_SIZE 257 /* space-separated majorcat act codes */

/* ---- catalog of major decisions (重大执法决定法制审核目录清单) ---- */

struct store_major_catalog {
	char agency_id[STORE_ID_SIZE];
	int64_t version;                   /* 1, 2, … per agency */
	char *body;                        /* JSON {"rules": […]} (domain/majorcat) */
	char body_sha256[STORE_SHA256_HEX_SIZE];
	char note[STORE_REASON_SIZE];      /* what changed; "" = none */
	char published_at[STORE_TIME_SIZE];
	char published_by[STORE_ID_SIZE + 32];
	char published_by_name[STORE_NAME_SIZE];
};
void store_major_catalog_clear(struct store_major_catalog *c);
void store_major_catalogs_free(struct store_major_catalog *c, size_t count);
/* c->version must be the agency's next number: SX_EEXISTS ("catalog_version_exists"). */
int store_major_catalog_insert(struct store_tx *tx, const struct store_major_catalog *c,
			       struct sx_error *err);
/* The highest version. SX_ENOTFOUND ("catalog_not_found") when the agency has none. */
int store_major_catalog_latest(struct store_major_catalog *out, struct store_tx *tx,
			       const char *agency_id, struct sx_error *err);
/* Every version, newest first, with bodies. *out NULL when *count is 0. */
int store_major_catalog_versions(struct store_major_catalog **out, size_t *count,
				 struct store_tx *tx, const char *agency_id, struct sx_error *err);

/* ---- an agency's review settings ---- */

struct store_review_settings {
	char agency_id[STORE_ID_SIZE];
	bool unit_pre_review;              /* 科室初审 before the legal-review body */
	char updated_at[STORE_TIME_SIZE];  /* "" when never set */
	char updated_by[STORE_ID_SIZE + 32];
};
/* The agency's settings; never SX_ENOTFOUND: an agency without a row gets the defaults
 * (unit_pre_review false, updated_at ""). */
int store_review_settings_get(struct store_review_settings *out, struct store_tx *tx,
			      const char *agency_id, struct sx_error *err);
/* Inserts or replaces the agency's row. */
int store_review_settings_put(struct store_tx *tx, const struct store_review_settings *s,
			      struct sx_error *err);

/* ---- draft decisions (拟作出的行政执法决定) ---- */

struct store_case_draft {
	char id[STORE_ID_SIZE];
	char case_id[STORE_ID_SIZE];
	int64_t version;                   /* 1, 2, … per case */
	char *body;                        /* canonical JSON of the decision's values */
	char body_sha256[STORE_SHA256_HEX_SIZE]; /* of body; what a review approves */
	char acts[STORE_ACTS_SIZE];        /* majorcat act codes, space-separated */
	int64_t fine_fen;
	int64_t confiscation_fen;
	int64_t coercion_value_fen;
	bool public_interest;
	bool complex;
	bool multi_agency;
	char note[STORE_REASON_SIZE];      /* what changed; "" = none */
	char created_at[STORE_TIME_SIZE];
	char created_by[STORE_ID_SIZE + 32];
	char created_by_name[STORE_NAME_SIZE];
};
void store_case_draft_clear(struct store_case_draft *d);
void store_case_drafts_free(struct store_case_draft *d, size_t count);
/* d->version must be the case's next number: SX_EEXISTS ("draft_version_exists"). */
int store_case_draft_insert(struct store_tx *tx, const struct store_case_draft *d,
			    struct sx_error *err);
/* SX_ENOTFOUND ("draft_not_found"). */
int store_case_draft_get(struct store_case_draft *out, struct store_tx *tx, const char *id,
			 struct sx_error *err);
/* The highest version. SX_ENOTFOUND ("draft_not_found") when the case has none. */
int store_case_draft_latest(struct store_case_draft *out, struct store_tx *tx,
			    const char *case_id, struct sx_error *err);
/* Every version of the case, newest first, with bodies. */
int store_case_drafts(struct store_case_draft **out, size_t *count, struct store_tx *tx,
		      const char *case_id, struct sx_error *err);

/* ---- legal reviews ---- */

struct store_review {
	char id[STORE_ID_SIZE];
	char case_id[STORE_ID_SIZE];
	char agency_id[STORE_ID_SIZE];
	int64_t seq;                       /* 1, 2, … per case */
	char draft_id[STORE_ID_SIZE];
	char draft_sha256[STORE_SHA256_HEX_SIZE];
	/* pre_review | returned | accepted | concluded */
	char status[STORE_ROLE_SIZE];
	bool urgent;
	int64_t materials;                 /* present, bits of enum review_material */
	int64_t missing;                   /* missing at submission; 0 = complete */
	char submitted_at[STORE_TIME_SIZE];
	char submitted_by[STORE_ID_SIZE + 32];
	char submitted_by_name[STORE_NAME_SIZE];
	char submit_note[STORE_REASON_SIZE];
	char returned_at[STORE_TIME_SIZE];     /* "" = not returned */
	char returned_reason[STORE_REASON_SIZE];
	/* 科室初审: "" | pass | return */
	char pre_review_result[STORE_ROLE_SIZE];
	char pre_review_at[STORE_TIME_SIZE];
	char pre_review_by[STORE_ID_SIZE + 32];
	char pre_review_by_name[STORE_NAME_SIZE];
	char pre_review_note[STORE_REASON_SIZE];
	/* acceptance; "" until accepted */
	char reviewer_id[STORE_ID_SIZE + 32];
	char reviewer_name[STORE_NAME_SIZE];
	char accepted_at[STORE_TIME_SIZE];
	char accepted_on[11];
	char due_on[11];
	bool extended;
	char extension_reason[STORE_REASON_SIZE];
	char extension_by[STORE_ID_SIZE + 32];
	char extension_by_name[STORE_NAME_SIZE];
	char extension_at[STORE_TIME_SIZE];
	/* conclusion; "" / NULL until concluded */
	char *checklist;                   /* JSON array of the ten items */
	char conclusion[STORE_ROLE_SIZE];  /* "" | approve | amend | reject */
	char *opinion;                     /* 审核意见 */
	char opinion_record_id[STORE_ID_SIZE];
	char concluded_at[STORE_TIME_SIZE];
	/* disagreement: the case officer's one objection, the coordination, the head's decision */
	char objection[STORE_REASON_SIZE];
	char objected_at[STORE_TIME_SIZE];
	char objected_by[STORE_ID_SIZE + 32];
	char objected_by_name[STORE_NAME_SIZE];
	char coordination_result[STORE_ROLE_SIZE]; /* "" | maintained | changed */
	char coordination[STORE_REASON_SIZE];
	char coordinated_at[STORE_TIME_SIZE];
	char coordinated_by[STORE_ID_SIZE + 32];
	char coordinated_by_name[STORE_NAME_SIZE];
	char head_decision[STORE_ROLE_SIZE];   /* "" | uphold | proceed */
	char head_reason[STORE_REASON_SIZE];
	char head_at[STORE_TIME_SIZE];
	char head_by[STORE_ID_SIZE + 32];
	char head_by_name[STORE_NAME_SIZE];
	char updated_at[STORE_TIME_SIZE];
};
void store_review_clear(struct store_review *r);
void store_reviews_free(struct store_review *r, size_t count);
/* r->seq must be the case's next number: SX_EEXISTS ("review_exists"). */
int store_review_insert(struct store_tx *tx, const struct store_review *r, struct sx_error *err);
/* SX_ENOTFOUND ("review_not_found"). */
int store_review_get(struct store_review *out, struct store_tx *tx, const char *id,
		     struct sx_error *err);
/* The case's review with the highest seq. SX_ENOTFOUND ("review_not_found") when none. */
int store_review_latest(struct store_review *out, struct store_tx *tx, const char *case_id,
			struct sx_error *err);
/*
 * Rewrites status and every column from returned_at to updated_at of the row r->id (never the
 * submission's: ids, seq, draft, urgent, materials, missing, submitted_*, submit_note),
 * when its stored status is expected_status; SX_ECONFLICT ("stale_review") otherwise,
 * SX_ENOTFOUND ("review_not_found") when there is no such row. expected_status may equal
 * r->status for a change that keeps the status (an extension, an objection).
 */
int store_review_update(struct store_tx *tx, const struct store_review *r,
			const char *expected_status, struct sx_error *err);

struct store_review_filter {
	const char *agency_id;     /* NULL = any */
	const char *region_prefix; /* agencies whose region code starts with this; NULL = any */
	const char *case_id;       /* NULL = any */
	const char *reviewer_id;   /* NULL = any */
	const char *status;        /* one status; NULL = any */
	bool open_only;            /* status pre_review or accepted */
	const char *overdue_on;    /* only status accepted with due_on < this date; NULL = any */
	int64_t limit;             /* >= 1 */
	int64_t offset;            /* >= 0 */
};
/* Matching reviews: accepted ones by due_on, then the others, each by submitted_at, then id.
 * Without checklist/opinion bodies (NULL). SX_EINVALID for a NULL filter or bad limit/offset. */
int store_review_list(struct store_review **out, size_t *count, struct store_tx *tx,
		      const struct store_review_filter *filter, struct sx_error *err);
int store_review_list_count(int64_t *out, struct store_tx *tx,
			    const struct store_review_filter *filter, struct sx_error *err);

/*
 * For the staffing check (国办发〔2018〕118号 四): the agency's enabled user
 * accounts of role "reviewer", and its officers whose certificate is valid on
 * `today` (as the officer registry counts them).
 */
int store_review_staffing(int64_t *reviewers, int64_t *officers, struct store_tx *tx,
			  const char *agency_id, const char *today, struct sx_error *err);

/* ---- 集体讨论 (《行政处罚法》第五十七条第二款) ---- */

struct store_case_discussion {
	char id[STORE_ID_SIZE];
	char case_id[STORE_ID_SIZE];
	char draft_id[STORE_ID_SIZE];          /* the draft discussed */
	char draft_sha256[STORE_SHA256_HEX_SIZE];
	char held_at[STORE_TIME_SIZE];         /* when it was held (local text "YYYY-MM-DD HH:MM") */
	char place[STORE_ADDRESS_SIZE];
	char host[STORE_NAME_SIZE];            /* 主持人 */
	char *attendees;                       /* JSON array of {"name","title"} */
	char *opinions;                        /* 讨论意见 */
	char *conclusion;                      /* 讨论结论 */
	char created_at[STORE_TIME_SIZE];
	char created_by[STORE_ID_SIZE + 32];
	char created_by_name[STORE_NAME_SIZE];
};
void store_case_discussion_clear(struct store_case_discussion *d);
void store_case_discussions_free(struct store_case_discussion *d, size_t count);
int store_case_discussion_insert(struct store_tx *tx, const struct store_case_discussion *d,
				 struct sx_error *err);
/* The case's discussions, oldest first, with bodies. */
int store_case_discussions(struct store_case_discussion **out, size_t *count,
			   struct store_tx *tx, const char *case_id, struct sx_error *err);

#endif
