/*
 * store/store_publication — the rows of 事后公开 (sql 0009): one row per
 * version of a published enforcement decision (a correction is a new row
 * naming the one it supersedes), and the search index of the published ones.
 *
 * Invariants:
 *   - a row changes only through store_publication_update, which names the
 *     status it expects (a double submit changes nothing: SX_ECONFLICT
 *     "stale_publication"); rows are never deleted;
 *   - the content columns (agency_name … full_text) of a row are fixed once it
 *     leaves draft: update rewrites them only when the stored status is draft
 *     (SX_ECONFLICT "content_frozen" otherwise) — a correction is a new row;
 *   - the search index holds the normalized text (search/zhnorm) of the rows
 *     whose status is published: the service puts a row in when it is published
 *     and takes it out when it is withdrawn or corrected, in the same
 *     transaction.
 * The store checks none of the rules (domain/publication, domain/redact) and
 * does not normalize text: service/publications does.
 *
 * Search, per backend (the same answers):
 *   SQLite      an FTS5 table with the trigram tokenizer over the normalized
 *               text; a query of 3 or more characters is a MATCH of the quoted
 *               phrase, a shorter one a substring test (instr) over the table;
 *   PostgreSQL  a table with the normalized text and its character grams
 *               (zhnorm_grams) in a GIN-indexed text[]; a query is
 *               grams @> the query's grams AND strpos(text, query) > 0
 *               (pg_trgm is not used: it depends on the cluster's locale for
 *               CJK characters).
 *
 * Ownership: char * members are owned by a struct that was read (freed by
 * store_publication_clear / store_publications_free) and borrowed by an
 * insert/update.
 */
#ifndef SX_STORE_STORE_PUBLICATION_H
#define SX_STORE_STORE_PUBLICATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "store/store.h"

#define STORE_PUB_TEXT_SIZE 3073      /* 1024 CJK characters: conclusion, penalty */
#define STORE_PUB_BASIS_SIZE 6145     /* 2048 CJK characters: legal basis */
#define STORE_PUB_CATEGORY_SIZE 193
#define STORE_PUB_NAME_SIZE 301      /* 100 CJK characters, as domain/publication */
#define STORE_PUB_DOC_NO_SIZE 193    /* 64 CJK characters, as domain/publication */
#define STORE_PUB_REASON_CODE_SIZE 24 /* "confirmed_illegal", "personal_privacy" */

struct store_publication {
	char id[STORE_ID_SIZE];
	char agency_id[STORE_ID_SIZE];
	char region_code[STORE_CODE_SIZE];      /* the agency's, for filters */
	char case_id[STORE_ID_SIZE];            /* "" = not from a case file */
	char record_id[STORE_ID_SIZE];          /* the decision document; "" = none */
	int64_t version;                        /* 1 for the first, +1 per correction */
	char supersedes[STORE_ID_SIZE];         /* the version it corrects; "" = none */
	/* draft | pending_check | published | withdrawn | corrected | withheld */
	char status[STORE_ROLE_SIZE];
	char act_type[STORE_ROLE_SIZE];         /* license | penalty | coercion | inspection | other */
	char decided_on[11];
	char due_on[11];                        /* publication deadline (domain/publication) */
	/* the public content (domain/publication struct publication_content) */
	char agency_name[STORE_PUB_NAME_SIZE];
	char party_type[STORE_ROLE_SIZE];       /* person | organization */
	char party_name[STORE_PUB_NAME_SIZE];   /* a person's masked (张某) */
	char party_code[STORE_CODE_SIZE];       /* credit code of an organization; "" for a person */
	char category[STORE_PUB_CATEGORY_SIZE]; /* 执法类别 */
	char conclusion[STORE_PUB_TEXT_SIZE];   /* 执法结论 */
	char doc_no[STORE_PUB_DOC_NO_SIZE];     /* 文号 */
	char legal_basis[STORE_PUB_BASIS_SIZE];
	char penalty[STORE_PUB_TEXT_SIZE];      /* 处罚内容 */
	int64_t fine_fen;
	int64_t confiscation_fen;
	char *full_text;                        /* the redacted 决定书 text; NULL = none */
	char override_reason[STORE_REASON_SIZE];/* why a redaction finding was kept; "" = none */
	/* who and when */
	char made_at[STORE_TIME_SIZE];
	char made_by[STORE_ID_SIZE + 32];
	char made_by_name[STORE_NAME_SIZE];
	char checked_at[STORE_TIME_SIZE];       /* the second person's check; "" = not yet */
	char checked_by[STORE_ID_SIZE + 32];
	char checked_by_name[STORE_NAME_SIZE];
	char published_at[STORE_TIME_SIZE];     /* "" = never published */
	char published_on[11];                  /* the Asia/Shanghai date of published_at */
	char returned_reason[STORE_REASON_SIZE];/* last return to draft; "" = none */
	/* withholding (不予公开): "" = none */
	char withhold_reason[STORE_PUB_REASON_CODE_SIZE];  /* state_secret | trade_secret | personal_privacy */
	char withhold_text[STORE_REASON_SIZE];
	/* withdrawal: the task opens when the decision falls (event_on), and is done at withdrawn_at */
	char withdraw_reason[STORE_PUB_REASON_CODE_SIZE];  /* revoked | confirmed_illegal | remade | other; "" */
	char withdraw_text[STORE_REASON_SIZE];
	char withdraw_event_on[11];             /* the day the decision fell; "" = no task */
	char withdraw_due_on[11];
	char withdrawn_at[STORE_TIME_SIZE];
	char withdrawn_by[STORE_ID_SIZE + 32];
	char withdrawn_by_name[STORE_NAME_SIZE];
	char updated_at[STORE_TIME_SIZE];
};
void store_publication_clear(struct store_publication *p);
void store_publications_free(struct store_publication *p, size_t count);

/* SX_EEXISTS ("publication_exists") when the id or (supersedes) a second correction of one
 * version already exists. */
int store_publication_insert(struct store_tx *tx, const struct store_publication *p,
			     struct sx_error *err);
/* SX_ENOTFOUND ("publication_not_found"). with_text false leaves full_text NULL. */
int store_publication_get(struct store_publication *out, struct store_tx *tx, const char *id,
			  bool with_text, struct sx_error *err);
/* The latest version (highest version) of the publications of a decision record;
 * SX_ENOTFOUND ("publication_not_found"). */
int store_publication_by_record(struct store_publication *out, struct store_tx *tx,
				const char *record_id, struct sx_error *err);
/* Every version of the chain that id belongs to (following supersedes both ways), oldest
 * first, without full_text. */
int store_publication_history(struct store_publication **out, size_t *count, struct store_tx *tx,
			      const char *id, struct sx_error *err);
/*
 * Rewrites status and every column after it (the content columns only while the stored
 * status is draft) of the row p->id, when its stored status is expected_status:
 * SX_ECONFLICT "stale_publication" otherwise; SX_ENOTFOUND; SX_ECONFLICT
 * "content_frozen" when the stored status is not draft and a content column differs.
 */
int store_publication_update(struct store_tx *tx, const struct store_publication *p,
			     const char *expected_status, struct sx_error *err);

struct store_publication_filter {
	const char *agency_id;     /* NULL = any */
	const char *region_prefix; /* NULL = any */
	const char *status;        /* one status; NULL = any */
	bool tasks_only;           /* publication not done (draft, pending_check) or withdrawal
				    * not done (withdraw_event_on set, status published) */
	const char *overdue_on;    /* with tasks_only: only those whose due (due_on, or
				    * withdraw_due_on for a withdrawal) is before this date */
	const char *act_type;      /* NULL = any */
	const char *from_on;       /* decided_on >= this; NULL = any */
	const char *to_on;         /* decided_on <= this; NULL = any */
	int64_t limit;             /* >= 1 */
	int64_t offset;            /* >= 0 */
};
/* Matching rows without full_text: tasks by their due date, others newest decided_on first,
 * then id. SX_EINVALID for a NULL filter or bad limit/offset. */
int store_publication_list(struct store_publication **out, size_t *count, struct store_tx *tx,
			   const struct store_publication_filter *filter, struct sx_error *err);
int store_publication_list_count(int64_t *out, struct store_tx *tx,
				 const struct store_publication_filter *filter,
				 struct sx_error *err);

/* ---- the search index ---- */

/* Puts (or replaces) the row's normalized text and, for PostgreSQL, its grams. */
int store_publication_index_put(struct store_tx *tx, const char *publication_id,
				const char *normalized, const char *const *grams,
				size_t gram_count, struct sx_error *err);
/* Takes the row out of the index (absent is fine). */
int store_publication_index_delete(struct store_tx *tx, const char *publication_id,
				   struct sx_error *err);

struct store_publication_search {
	const char *query;                 /* normalized (zhnorm_text), non-empty */
	const char *const *grams;          /* zhnorm_grams of query (used by PostgreSQL) */
	size_t gram_count;
	const char *agency_id;             /* NULL = any */
	const char *region_prefix;
	const char *act_type;
	const char *from_on, *to_on;       /* decided_on range; NULL = open */
	int64_t limit, offset;
};
/* Published rows whose indexed text holds the query, newest decided_on first, then id,
 * without full_text; *total receives the number of all matches. */
int store_publication_search(struct store_publication **out, size_t *count, int64_t *total,
			     struct store_tx *tx, const struct store_publication_search *q,
			     struct sx_error *err);

#endif
