/*
 * store/store_review — the rows of 重大执法决定法制审核 (sql 0008, see
 * store_review.h): an agency's catalog of major decisions by version, its
 * review settings, a case's draft decisions by version, its legal reviews
 * and its 集体讨论 records (《行政处罚法》第五十七条第二款、第五十八条;
 * 国办发〔2018〕118号 四).
 *
 * Invariants:
 *   * Catalog versions, draft versions and review seqs are numbered 1, 2, …
 *     per agency / case. An insert first reads the current maximum in the
 *     caller's write transaction and refuses any number but max + 1 with
 *     SX_EEXISTS; the UNIQUE constraints of 0008 refuse the same number
 *     again should two writers ever get past that check (one writer at a
 *     time: SQLite's single writer, PostgreSQL's writer lock).
 *   * major_catalog, case_draft and case_discussion refuse UPDATE and DELETE
 *     in the database itself (triggers of 0008); review rows are never
 *     deleted and change only through store_review_update, a compare-and-set
 *     on the status: two requests that both saw status X cannot both move it,
 *     the second gets SX_ECONFLICT "stale_review" and writes nothing.
 *   * Every value is a bound parameter; parameters that may be NULL are
 *     written "CAST($n AS TEXT) IS NULL" so that PostgreSQL can type them
 *     (store_internal.h). Booleans are 0/1 integers; text columns hold ''
 *     rather than NULL, except the review's checklist and opinion, which are
 *     NULL until the review is concluded.
 *
 * What it does not do: it looks inside no JSON body, hashes nothing and
 * checks no rule of review (domain/majorcat and domain/review decide,
 * service/reviews writes), and checks no permission.
 */
#include "store/store_review.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "store/store_internal.h"

static bool review__empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

static int review__invalid(struct sx_error *err)
{
	return sx_error_set(err, SX_EINVALID, NULL, NULL);
}

/*
 * Whether `number` is the next one after the maximum that max_sql (one
 * parameter, the key) selects: 0 when it is, 1 when it is not, < 0 on error.
 */
static int review__is_not_next(struct store_tx *tx, const char *max_sql, const char *key,
			       int64_t number, struct sx_error *err)
{
	int64_t max = 0;
	int rc;

	if ((rc = store__query_int64(&max, tx, max_sql, STORE__PARAMS(P_TEXT(key)), err)) < 0)
		return rc;
	return number == max + 1 ? 0 : 1;
}

/* ---- catalog of major decisions ---- */

#define CATALOG_COLUMNS                                                                            \
	"agency_id, version, body, body_sha256, note, published_at, published_by, "               \
	"published_by_name"

void store_major_catalog_clear(struct store_major_catalog *c)
{
	if (c == NULL)
		return;
	sx_free(c->body);
	memset(c, 0, sizeof(*c));
}

void store_major_catalogs_free(struct store_major_catalog *c, size_t count)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < count; i++)
		store_major_catalog_clear(&c[i]);
	sx_free(c);
}

/* Fills c from a row of CATALOG_COLUMNS. On error c holds nothing to free. */
static int review__catalog_from_row(struct store_major_catalog *c, struct db_stmt *st,
				    struct sx_error *err)
{
	memset(c, 0, sizeof(*c));
	store__column_copy(c->agency_id, sizeof(c->agency_id), st, 0);
	c->version = db_column_int64(st, 1);
	store__column_copy(c->body_sha256, sizeof(c->body_sha256), st, 3);
	store__column_copy(c->note, sizeof(c->note), st, 4);
	store__column_copy(c->published_at, sizeof(c->published_at), st, 5);
	store__column_copy(c->published_by, sizeof(c->published_by), st, 6);
	store__column_copy(c->published_by_name, sizeof(c->published_by_name), st, 7);
	return store__column_dup(&c->body, st, 2, err);
}

static int review__catalog_exists(struct sx_error *err, const struct store_major_catalog *c)
{
	return sx_error_setf(err, SX_EEXISTS, "catalog_version_exists",
			     "目录清单已有新的版本，请刷新后重试", "agency %s version %lld",
			     c->agency_id, (long long)c->version);
}

int store_major_catalog_insert(struct store_tx *tx, const struct store_major_catalog *c,
			       struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (c == NULL || c->body == NULL || c->version < 1 || review__empty(c->agency_id))
		return review__invalid(err);
	rc = review__is_not_next(
		tx, "SELECT coalesce(max(version), 0) FROM major_catalog WHERE agency_id = $1",
		c->agency_id, c->version, err);
	if (rc < 0)
		return rc;
	if (rc > 0)
		return review__catalog_exists(err, c);
	rc = store__exec(tx, NULL,
			 "INSERT INTO major_catalog (" CATALOG_COLUMNS ") "
			 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
			 STORE__PARAMS(P_TEXT(c->agency_id), P_INT(c->version), P_TEXT(c->body),
				       P_TEXT(c->body_sha256), P_TEXT(c->note),
				       P_TEXT(c->published_at), P_TEXT(c->published_by),
				       P_TEXT(c->published_by_name)),
			 err);
	if (rc == SX_EEXISTS)
		return review__catalog_exists(err, c);
	return rc;
}

int store_major_catalog_latest(struct store_major_catalog *out, struct store_tx *tx,
			       const char *agency_id, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = store__query(&st, tx,
			  "SELECT " CATALOG_COLUMNS " FROM major_catalog WHERE agency_id = $1 "
			  "ORDER BY version DESC LIMIT 1",
			  STORE__PARAMS(P_TEXT(agency_id)), err);
	if (rc < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW)
		rc = review__catalog_from_row(out, st, err);
	else if (rc == DB_DONE)
		rc = sx_error_set(err, SX_ENOTFOUND, "catalog_not_found",
				  "本机关尚未发布重大执法决定法制审核目录清单");
	db_finish(st);
	return rc;
}

int store_major_catalog_versions(struct store_major_catalog **out, size_t *count,
				 struct store_tx *tx, const char *agency_id, struct sx_error *err)
{
	struct store_major_catalog *items = NULL;
	size_t len = 0, cap = 0;
	struct db_stmt *st = NULL;
	int rc;

	*out = NULL;
	*count = 0;
	rc = store__query(&st, tx,
			  "SELECT " CATALOG_COLUMNS " FROM major_catalog WHERE agency_id = $1 "
			  "ORDER BY version DESC",
			  STORE__PARAMS(P_TEXT(agency_id)), err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if ((rc = store__grow(&items, &cap, len, sizeof(*items), err)) < 0)
			goto cleanup;
		if ((rc = review__catalog_from_row(&items[len], st, err)) < 0)
			goto cleanup;
		len++;
	}
	if (rc < 0)
		goto cleanup;
	rc = 0;
	*out = items;
	*count = len;
	items = NULL;
	len = 0;
cleanup:
	db_finish(st);
	store_major_catalogs_free(items, len);
	return rc;
}

/* ---- an agency's review settings ---- */

int store_review_settings_get(struct store_review_settings *out, struct store_tx *tx,
			      const char *agency_id, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (review__empty(agency_id))
		return review__invalid(err);
	rc = store__query(&st, tx,
			  "SELECT agency_id, unit_pre_review, updated_at, updated_by "
			  "FROM agency_review_settings WHERE agency_id = $1",
			  STORE__PARAMS(P_TEXT(agency_id)), err);
	if (rc < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		store__column_copy(out->agency_id, sizeof(out->agency_id), st, 0);
		out->unit_pre_review = db_column_int64(st, 1) != 0;
		store__column_copy(out->updated_at, sizeof(out->updated_at), st, 2);
		store__column_copy(out->updated_by, sizeof(out->updated_by), st, 3);
		rc = 0;
	} else if (rc == DB_DONE) {
		/* Never set: the defaults (no 科室初审). */
		snprintf(out->agency_id, sizeof(out->agency_id), "%s", agency_id);
		rc = 0;
	}
	db_finish(st);
	return rc;
}

int store_review_settings_put(struct store_tx *tx, const struct store_review_settings *s,
			      struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (s == NULL || review__empty(s->agency_id))
		return review__invalid(err);
	/* "excluded" names the row that was refused: SQLite ≥ 3.24 and PostgreSQL ≥ 9.5. */
	return store__exec(tx, NULL,
			   "INSERT INTO agency_review_settings (agency_id, unit_pre_review, "
			   "updated_at, updated_by) VALUES ($1, $2, $3, $4) ON CONFLICT (agency_id) "
			   "DO UPDATE SET unit_pre_review = excluded.unit_pre_review, "
			   "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
			   STORE__PARAMS(P_TEXT(s->agency_id), P_INT(s->unit_pre_review ? 1 : 0),
					 P_TEXT(s->updated_at), P_TEXT(s->updated_by)),
			   err);
}

/* ---- draft decisions ---- */

#define DRAFT_COLUMNS                                                                              \
	"id, case_id, version, body, body_sha256, acts, fine_fen, confiscation_fen, "             \
	"coercion_value_fen, public_interest, complex, multi_agency, note, created_at, "          \
	"created_by, created_by_name"

void store_case_draft_clear(struct store_case_draft *d)
{
	if (d == NULL)
		return;
	sx_free(d->body);
	memset(d, 0, sizeof(*d));
}

void store_case_drafts_free(struct store_case_draft *d, size_t count)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < count; i++)
		store_case_draft_clear(&d[i]);
	sx_free(d);
}

/* Fills d from a row of DRAFT_COLUMNS. On error d holds nothing to free. */
static int review__draft_from_row(struct store_case_draft *d, struct db_stmt *st,
				  struct sx_error *err)
{
	memset(d, 0, sizeof(*d));
	store__column_copy(d->id, sizeof(d->id), st, 0);
	store__column_copy(d->case_id, sizeof(d->case_id), st, 1);
	d->version = db_column_int64(st, 2);
	store__column_copy(d->body_sha256, sizeof(d->body_sha256), st, 4);
	store__column_copy(d->acts, sizeof(d->acts), st, 5);
	d->fine_fen = db_column_int64(st, 6);
	d->confiscation_fen = db_column_int64(st, 7);
	d->coercion_value_fen = db_column_int64(st, 8);
	d->public_interest = db_column_int64(st, 9) != 0;
	d->complex = db_column_int64(st, 10) != 0;
	d->multi_agency = db_column_int64(st, 11) != 0;
	store__column_copy(d->note, sizeof(d->note), st, 12);
	store__column_copy(d->created_at, sizeof(d->created_at), st, 13);
	store__column_copy(d->created_by, sizeof(d->created_by), st, 14);
	store__column_copy(d->created_by_name, sizeof(d->created_by_name), st, 15);
	return store__column_dup(&d->body, st, 3, err);
}

static int review__draft_exists(struct sx_error *err, const struct store_case_draft *d)
{
	return sx_error_setf(err, SX_EEXISTS, "draft_version_exists",
			     "拟作出的决定已有新的版本，请刷新后重试", "case %s version %lld",
			     d->case_id, (long long)d->version);
}

static int review__draft_not_found(struct sx_error *err)
{
	return sx_error_set(err, SX_ENOTFOUND, "draft_not_found", "拟作出的决定不存在");
}

int store_case_draft_insert(struct store_tx *tx, const struct store_case_draft *d,
			    struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (d == NULL || d->body == NULL || d->version < 1 || review__empty(d->case_id))
		return review__invalid(err);
	rc = review__is_not_next(
		tx, "SELECT coalesce(max(version), 0) FROM case_draft WHERE case_id = $1",
		d->case_id, d->version, err);
	if (rc < 0)
		return rc;
	if (rc > 0)
		return review__draft_exists(err, d);
	rc = store__exec(
		tx, NULL,
		"INSERT INTO case_draft (" DRAFT_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
		"$9, $10, $11, $12, $13, $14, $15, $16)",
		STORE__PARAMS(P_TEXT(d->id), P_TEXT(d->case_id), P_INT(d->version), P_TEXT(d->body),
			      P_TEXT(d->body_sha256), P_TEXT(d->acts), P_INT(d->fine_fen),
			      P_INT(d->confiscation_fen), P_INT(d->coercion_value_fen),
			      P_INT(d->public_interest ? 1 : 0), P_INT(d->complex ? 1 : 0),
			      P_INT(d->multi_agency ? 1 : 0), P_TEXT(d->note), P_TEXT(d->created_at),
			      P_TEXT(d->created_by), P_TEXT(d->created_by_name)),
		err);
	if (rc == SX_EEXISTS)
		return review__draft_exists(err, d);
	return rc;
}

/* Runs a query that selects DRAFT_COLUMNS and expects at most one row. */
static int review__draft_one(struct store_case_draft *out, struct store_tx *tx, const char *sql,
			     const char *param, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (review__empty(param))
		return review__draft_not_found(err);
	if ((rc = store__query(&st, tx, sql, STORE__PARAMS(P_TEXT(param)), err)) < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW)
		rc = review__draft_from_row(out, st, err);
	else if (rc == DB_DONE)
		rc = review__draft_not_found(err);
	db_finish(st);
	return rc;
}

int store_case_draft_get(struct store_case_draft *out, struct store_tx *tx, const char *id,
			 struct sx_error *err)
{
	return review__draft_one(out, tx, "SELECT " DRAFT_COLUMNS " FROM case_draft WHERE id = $1",
				 id, err);
}

int store_case_draft_latest(struct store_case_draft *out, struct store_tx *tx,
			    const char *case_id, struct sx_error *err)
{
	return review__draft_one(out, tx,
				 "SELECT " DRAFT_COLUMNS " FROM case_draft WHERE case_id = $1 "
				 "ORDER BY version DESC LIMIT 1",
				 case_id, err);
}

int store_case_drafts(struct store_case_draft **out, size_t *count, struct store_tx *tx,
		      const char *case_id, struct sx_error *err)
{
	struct store_case_draft *items = NULL;
	size_t len = 0, cap = 0;
	struct db_stmt *st = NULL;
	int rc;

	*out = NULL;
	*count = 0;
	rc = store__query(&st, tx,
			  "SELECT " DRAFT_COLUMNS " FROM case_draft WHERE case_id = $1 "
			  "ORDER BY version DESC",
			  STORE__PARAMS(P_TEXT(case_id)), err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if ((rc = store__grow(&items, &cap, len, sizeof(*items), err)) < 0)
			goto cleanup;
		if ((rc = review__draft_from_row(&items[len], st, err)) < 0)
			goto cleanup;
		len++;
	}
	if (rc < 0)
		goto cleanup;
	rc = 0;
	*out = items;
	*count = len;
	items = NULL;
	len = 0;
cleanup:
	db_finish(st);
	store_case_drafts_free(items, len);
	return rc;
}

/* ---- legal reviews ---- */

/*
 * The columns of a review in struct order, from the table aliased "r", in
 * three parts around the two bodies (checklist after REVIEW_COLUMNS_A,
 * opinion after REVIEW_COLUMNS_B) so that lists can select NULL for them.
 */
#define REVIEW_COLUMNS_A                                                                           \
	"r.id, r.case_id, r.agency_id, r.seq, r.draft_id, r.draft_sha256, r.status, r.urgent, "   \
	"r.materials, r.missing, r.submitted_at, r.submitted_by, r.submitted_by_name, "           \
	"r.submit_note, r.returned_at, r.returned_reason, r.pre_review_result, "                  \
	"r.pre_review_at, r.pre_review_by, r.pre_review_by_name, r.pre_review_note, "             \
	"r.reviewer_id, r.reviewer_name, r.accepted_at, r.accepted_on, r.due_on, r.extended, "    \
	"r.extension_reason, r.extension_by, r.extension_by_name, r.extension_at"
#define REVIEW_COLUMNS_B "r.conclusion"
#define REVIEW_COLUMNS_C                                                                           \
	"r.opinion_record_id, r.concluded_at, r.objection, r.objected_at, r.objected_by, "        \
	"r.objected_by_name, r.coordination_result, r.coordination, r.coordinated_at, "           \
	"r.coordinated_by, r.coordinated_by_name, r.head_decision, r.head_reason, r.head_at, "    \
	"r.head_by, r.head_by_name, r.updated_at"
#define REVIEW_COLUMNS                                                                             \
	REVIEW_COLUMNS_A ", r.checklist, " REVIEW_COLUMNS_B ", r.opinion, " REVIEW_COLUMNS_C
#define REVIEW_COLUMNS_NO_BODIES                                                                   \
	REVIEW_COLUMNS_A ", NULL, " REVIEW_COLUMNS_B ", NULL, " REVIEW_COLUMNS_C

void store_review_clear(struct store_review *r)
{
	if (r == NULL)
		return;
	sx_free(r->checklist);
	sx_free(r->opinion);
	memset(r, 0, sizeof(*r));
}

void store_reviews_free(struct store_review *r, size_t count)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < count; i++)
		store_review_clear(&r[i]);
	sx_free(r);
}

#define REVIEW_COPY(field) store__column_copy(r->field, sizeof(r->field), st, c++)

/* Fills r from a row of REVIEW_COLUMNS (or _NO_BODIES). On error r holds nothing to free. */
static int review__from_row(struct store_review *r, struct db_stmt *st, struct sx_error *err)
{
	int c = 0, checklist_col, opinion_col, rc;

	memset(r, 0, sizeof(*r));
	REVIEW_COPY(id);
	REVIEW_COPY(case_id);
	REVIEW_COPY(agency_id);
	r->seq = db_column_int64(st, c++);
	REVIEW_COPY(draft_id);
	REVIEW_COPY(draft_sha256);
	REVIEW_COPY(status);
	r->urgent = db_column_int64(st, c++) != 0;
	r->materials = db_column_int64(st, c++);
	r->missing = db_column_int64(st, c++);
	REVIEW_COPY(submitted_at);
	REVIEW_COPY(submitted_by);
	REVIEW_COPY(submitted_by_name);
	REVIEW_COPY(submit_note);
	REVIEW_COPY(returned_at);
	REVIEW_COPY(returned_reason);
	REVIEW_COPY(pre_review_result);
	REVIEW_COPY(pre_review_at);
	REVIEW_COPY(pre_review_by);
	REVIEW_COPY(pre_review_by_name);
	REVIEW_COPY(pre_review_note);
	REVIEW_COPY(reviewer_id);
	REVIEW_COPY(reviewer_name);
	REVIEW_COPY(accepted_at);
	REVIEW_COPY(accepted_on);
	REVIEW_COPY(due_on);
	r->extended = db_column_int64(st, c++) != 0;
	REVIEW_COPY(extension_reason);
	REVIEW_COPY(extension_by);
	REVIEW_COPY(extension_by_name);
	REVIEW_COPY(extension_at);
	checklist_col = c++;
	REVIEW_COPY(conclusion);
	opinion_col = c++;
	REVIEW_COPY(opinion_record_id);
	REVIEW_COPY(concluded_at);
	REVIEW_COPY(objection);
	REVIEW_COPY(objected_at);
	REVIEW_COPY(objected_by);
	REVIEW_COPY(objected_by_name);
	REVIEW_COPY(coordination_result);
	REVIEW_COPY(coordination);
	REVIEW_COPY(coordinated_at);
	REVIEW_COPY(coordinated_by);
	REVIEW_COPY(coordinated_by_name);
	REVIEW_COPY(head_decision);
	REVIEW_COPY(head_reason);
	REVIEW_COPY(head_at);
	REVIEW_COPY(head_by);
	REVIEW_COPY(head_by_name);
	REVIEW_COPY(updated_at);
	if ((rc = store__column_dup(&r->checklist, st, checklist_col, err)) < 0 ||
	    (rc = store__column_dup(&r->opinion, st, opinion_col, err)) < 0) {
		store_review_clear(r);
		return rc;
	}
	return 0;
}

#undef REVIEW_COPY

static int review__not_found(struct sx_error *err)
{
	return sx_error_set(err, SX_ENOTFOUND, "review_not_found", "法制审核记录不存在");
}

static int review__exists(struct sx_error *err, const struct store_review *r)
{
	return sx_error_setf(err, SX_EEXISTS, "review_exists",
			     "该案件的法制审核已被他人提交，请刷新后重试", "case %s seq %lld",
			     r->case_id, (long long)r->seq);
}

int store_review_insert(struct store_tx *tx, const struct store_review *r, struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (r == NULL || r->seq < 1 || review__empty(r->case_id))
		return review__invalid(err);
	rc = review__is_not_next(tx, "SELECT coalesce(max(seq), 0) FROM review WHERE case_id = $1",
				 r->case_id, r->seq, err);
	if (rc < 0)
		return rc;
	if (rc > 0)
		return review__exists(err, r);
	rc = store__exec(
		tx, NULL,
		"INSERT INTO review (id, case_id, agency_id, seq, draft_id, draft_sha256, status, "
		"urgent, materials, missing, submitted_at, submitted_by, submitted_by_name, "
		"submit_note, returned_at, returned_reason, pre_review_result, pre_review_at, "
		"pre_review_by, pre_review_by_name, pre_review_note, reviewer_id, reviewer_name, "
		"accepted_at, accepted_on, due_on, extended, extension_reason, extension_by, "
		"extension_by_name, extension_at, checklist, conclusion, opinion, opinion_record_id, "
		"concluded_at, objection, objected_at, objected_by, objected_by_name, "
		"coordination_result, coordination, coordinated_at, coordinated_by, "
		"coordinated_by_name, head_decision, head_reason, head_at, head_by, head_by_name, "
		"updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
		"$15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, "
		"$32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46, $47, $48, "
		"$49, $50, $51)",
		STORE__PARAMS(
			P_TEXT(r->id), P_TEXT(r->case_id), P_TEXT(r->agency_id), P_INT(r->seq),
			P_TEXT(r->draft_id), P_TEXT(r->draft_sha256), P_TEXT(r->status),
			P_INT(r->urgent ? 1 : 0), P_INT(r->materials), P_INT(r->missing),
			P_TEXT(r->submitted_at), P_TEXT(r->submitted_by), P_TEXT(r->submitted_by_name),
			P_TEXT(r->submit_note), P_TEXT(r->returned_at), P_TEXT(r->returned_reason),
			P_TEXT(r->pre_review_result), P_TEXT(r->pre_review_at),
			P_TEXT(r->pre_review_by), P_TEXT(r->pre_review_by_name),
			P_TEXT(r->pre_review_note), P_TEXT(r->reviewer_id), P_TEXT(r->reviewer_name),
			P_TEXT(r->accepted_at), P_TEXT(r->accepted_on), P_TEXT(r->due_on),
			P_INT(r->extended ? 1 : 0), P_TEXT(r->extension_reason),
			P_TEXT(r->extension_by), P_TEXT(r->extension_by_name),
			P_TEXT(r->extension_at), P_TEXT(r->checklist), P_TEXT(r->conclusion),
			P_TEXT(r->opinion), P_TEXT(r->opinion_record_id), P_TEXT(r->concluded_at),
			P_TEXT(r->objection), P_TEXT(r->objected_at), P_TEXT(r->objected_by),
			P_TEXT(r->objected_by_name), P_TEXT(r->coordination_result),
			P_TEXT(r->coordination), P_TEXT(r->coordinated_at), P_TEXT(r->coordinated_by),
			P_TEXT(r->coordinated_by_name), P_TEXT(r->head_decision),
			P_TEXT(r->head_reason), P_TEXT(r->head_at), P_TEXT(r->head_by),
			P_TEXT(r->head_by_name), P_TEXT(r->updated_at)),
		err);
	if (rc == SX_EEXISTS)
		return review__exists(err, r);
	return rc;
}

/* Runs a query that selects REVIEW_COLUMNS and expects at most one row. */
static int review__one(struct store_review *out, struct store_tx *tx, const char *sql,
		       const char *param, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (review__empty(param))
		return review__not_found(err);
	if ((rc = store__query(&st, tx, sql, STORE__PARAMS(P_TEXT(param)), err)) < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW)
		rc = review__from_row(out, st, err);
	else if (rc == DB_DONE)
		rc = review__not_found(err);
	db_finish(st);
	return rc;
}

int store_review_get(struct store_review *out, struct store_tx *tx, const char *id,
		     struct sx_error *err)
{
	return review__one(out, tx, "SELECT " REVIEW_COLUMNS " FROM review r WHERE r.id = $1", id,
			   err);
}

int store_review_latest(struct store_review *out, struct store_tx *tx, const char *case_id,
			struct sx_error *err)
{
	return review__one(out, tx,
			   "SELECT " REVIEW_COLUMNS " FROM review r WHERE r.case_id = $1 "
			   "ORDER BY r.seq DESC LIMIT 1",
			   case_id, err);
}

int store_review_update(struct store_tx *tx, const struct store_review *r,
			const char *expected_status, struct sx_error *err)
{
	int64_t changed = 0, exists = 0;
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (r == NULL || review__empty(expected_status))
		return review__invalid(err);
	/* The submission (id through submit_note) is what was submitted: never rewritten. */
	rc = store__exec(
		tx, &changed,
		"UPDATE review SET status = $3, returned_at = $4, returned_reason = $5, "
		"pre_review_result = $6, pre_review_at = $7, pre_review_by = $8, "
		"pre_review_by_name = $9, pre_review_note = $10, reviewer_id = $11, "
		"reviewer_name = $12, accepted_at = $13, accepted_on = $14, due_on = $15, "
		"extended = $16, extension_reason = $17, extension_by = $18, extension_by_name = $19, "
		"extension_at = $20, checklist = $21, conclusion = $22, opinion = $23, "
		"opinion_record_id = $24, concluded_at = $25, objection = $26, objected_at = $27, "
		"objected_by = $28, objected_by_name = $29, coordination_result = $30, "
		"coordination = $31, coordinated_at = $32, coordinated_by = $33, "
		"coordinated_by_name = $34, head_decision = $35, head_reason = $36, head_at = $37, "
		"head_by = $38, head_by_name = $39, updated_at = $40 WHERE id = $1 AND status = $2",
		STORE__PARAMS(P_TEXT(r->id), P_TEXT(expected_status), P_TEXT(r->status),
			      P_TEXT(r->returned_at), P_TEXT(r->returned_reason),
			      P_TEXT(r->pre_review_result), P_TEXT(r->pre_review_at),
			      P_TEXT(r->pre_review_by), P_TEXT(r->pre_review_by_name),
			      P_TEXT(r->pre_review_note), P_TEXT(r->reviewer_id),
			      P_TEXT(r->reviewer_name), P_TEXT(r->accepted_at),
			      P_TEXT(r->accepted_on), P_TEXT(r->due_on), P_INT(r->extended ? 1 : 0),
			      P_TEXT(r->extension_reason), P_TEXT(r->extension_by),
			      P_TEXT(r->extension_by_name), P_TEXT(r->extension_at),
			      P_TEXT(r->checklist), P_TEXT(r->conclusion), P_TEXT(r->opinion),
			      P_TEXT(r->opinion_record_id), P_TEXT(r->concluded_at),
			      P_TEXT(r->objection), P_TEXT(r->objected_at), P_TEXT(r->objected_by),
			      P_TEXT(r->objected_by_name), P_TEXT(r->coordination_result),
			      P_TEXT(r->coordination), P_TEXT(r->coordinated_at),
			      P_TEXT(r->coordinated_by), P_TEXT(r->coordinated_by_name),
			      P_TEXT(r->head_decision), P_TEXT(r->head_reason), P_TEXT(r->head_at),
			      P_TEXT(r->head_by), P_TEXT(r->head_by_name), P_TEXT(r->updated_at)),
		err);
	if (rc < 0)
		return rc;
	if (changed == 1)
		return 0;
	/* Nothing changed: either there is no such review or its status moved on. */
	rc = store__query_int64(&exists, tx, "SELECT count(*) FROM review WHERE id = $1",
				STORE__PARAMS(P_TEXT(r->id)), err);
	if (rc < 0)
		return rc;
	if (exists == 0)
		return review__not_found(err);
	return sx_error_setf(err, SX_ECONFLICT, "stale_review",
			     "法制审核状态已被他人更新，请刷新后重试",
			     "review %s: status is no longer %s", r->id, expected_status);
}

/*
 * The WHERE clause of store_review_filter, shared by the list and its count
 * so that their totals agree. $1 agency, $2 region prefix (compared with
 * substr, so no character of it is special, as store_case_list does), $3
 * case, $4 reviewer, $5 status, $6 open_only 0/1, $7 overdue_on.
 */
#define REVIEW_FILTER_FROM_WHERE                                                                   \
	" FROM review r JOIN agency a ON a.id = r.agency_id"                                       \
	" WHERE (CAST($1 AS TEXT) IS NULL OR r.agency_id = $1)"                                    \
	" AND (CAST($2 AS TEXT) IS NULL OR substr(a.region_code, 1, length($2)) = $2)"             \
	" AND (CAST($3 AS TEXT) IS NULL OR r.case_id = $3)"                                        \
	" AND (CAST($4 AS TEXT) IS NULL OR r.reviewer_id = $4)"                                    \
	" AND (CAST($5 AS TEXT) IS NULL OR r.status = $5)"                                         \
	" AND ($6 = 0 OR r.status IN ('pre_review', 'accepted'))"                                  \
	" AND (CAST($7 AS TEXT) IS NULL OR (r.status = 'accepted' AND r.due_on <> ''"              \
	" AND r.due_on < $7))"

#define REVIEW_FILTER_PARAMS(f)                                                                    \
	P_OPT_TEXT((f)->agency_id), P_OPT_TEXT((f)->region_prefix), P_OPT_TEXT((f)->case_id),     \
		P_OPT_TEXT((f)->reviewer_id), P_OPT_TEXT((f)->status),                             \
		P_INT((f)->open_only ? 1 : 0), P_OPT_TEXT((f)->overdue_on)

int store_review_list(struct store_review **out, size_t *count, struct store_tx *tx,
		      const struct store_review_filter *filter, struct sx_error *err)
{
	struct store_review *items = NULL;
	size_t len = 0, cap = 0;
	struct db_stmt *st = NULL;
	int rc;

	*out = NULL;
	*count = 0;
	if (filter == NULL || filter->limit < 1 || filter->offset < 0)
		return review__invalid(err);
	/* Accepted reviews first, soonest due first (the reviewer's work list), then the rest. */
	rc = store__query(&st, tx,
			  "SELECT " REVIEW_COLUMNS_NO_BODIES REVIEW_FILTER_FROM_WHERE
			  " ORDER BY CASE WHEN r.status = 'accepted' THEN 0 ELSE 1 END, "
			  "CASE WHEN r.status = 'accepted' THEN r.due_on ELSE '' END, "
			  "r.submitted_at, r.id LIMIT $8 OFFSET $9",
			  STORE__PARAMS(REVIEW_FILTER_PARAMS(filter), P_INT(filter->limit),
					P_INT(filter->offset)),
			  err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if ((rc = store__grow(&items, &cap, len, sizeof(*items), err)) < 0)
			goto cleanup;
		/* Bodies are NULL here, so this allocates nothing and cannot fail. */
		if ((rc = review__from_row(&items[len], st, err)) < 0)
			goto cleanup;
		len++;
	}
	if (rc < 0)
		goto cleanup;
	rc = 0;
	*out = items;
	*count = len;
	items = NULL;
	len = 0;
cleanup:
	db_finish(st);
	store_reviews_free(items, len);
	return rc;
}

int store_review_list_count(int64_t *out, struct store_tx *tx,
			    const struct store_review_filter *filter, struct sx_error *err)
{
	*out = 0;
	if (filter == NULL)
		return review__invalid(err);
	return store__query_int64(out, tx, "SELECT count(*)" REVIEW_FILTER_FROM_WHERE,
				  STORE__PARAMS(REVIEW_FILTER_PARAMS(filter)), err);
}

int store_review_staffing(int64_t *reviewers, int64_t *officers, struct store_tx *tx,
			  const char *agency_id, const char *today, struct sx_error *err)
{
	int rc;

	*reviewers = 0;
	*officers = 0;
	if (review__empty(agency_id) || review__empty(today))
		return review__invalid(err);
	rc = store__query_int64(reviewers, tx,
				"SELECT count(*) FROM app_user WHERE agency_id = $1 "
				"AND role = 'reviewer' AND disabled = 0",
				STORE__PARAMS(P_TEXT(agency_id)), err);
	if (rc < 0)
		return rc;
	/* As domain/officer counts a certificate valid on a day: status active (suspended and
	 * revoked override the dates) and valid_from <= today <= valid_to, dates compared as
	 * YYYY-MM-DD text. */
	return store__query_int64(officers, tx,
				  "SELECT count(*) FROM officer WHERE agency_id = $1 "
				  "AND status = 'active' AND valid_from <= $2 AND valid_to >= $2",
				  STORE__PARAMS(P_TEXT(agency_id), P_TEXT(today)), err);
}

/* ---- 集体讨论 ---- */

#define DISCUSSION_COLUMNS                                                                         \
	"id, case_id, draft_id, draft_sha256, held_at, place, host, attendees, opinions, "        \
	"conclusion, created_at, created_by, created_by_name"

void store_case_discussion_clear(struct store_case_discussion *d)
{
	if (d == NULL)
		return;
	sx_free(d->attendees);
	sx_free(d->opinions);
	sx_free(d->conclusion);
	memset(d, 0, sizeof(*d));
}

void store_case_discussions_free(struct store_case_discussion *d, size_t count)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < count; i++)
		store_case_discussion_clear(&d[i]);
	sx_free(d);
}

/* Fills d from a row of DISCUSSION_COLUMNS. On error d holds nothing to free. */
static int review__discussion_from_row(struct store_case_discussion *d, struct db_stmt *st,
				       struct sx_error *err)
{
	int rc;

	memset(d, 0, sizeof(*d));
	store__column_copy(d->id, sizeof(d->id), st, 0);
	store__column_copy(d->case_id, sizeof(d->case_id), st, 1);
	store__column_copy(d->draft_id, sizeof(d->draft_id), st, 2);
	store__column_copy(d->draft_sha256, sizeof(d->draft_sha256), st, 3);
	store__column_copy(d->held_at, sizeof(d->held_at), st, 4);
	store__column_copy(d->place, sizeof(d->place), st, 5);
	store__column_copy(d->host, sizeof(d->host), st, 6);
	store__column_copy(d->created_at, sizeof(d->created_at), st, 10);
	store__column_copy(d->created_by, sizeof(d->created_by), st, 11);
	store__column_copy(d->created_by_name, sizeof(d->created_by_name), st, 12);
	if ((rc = store__column_dup(&d->attendees, st, 7, err)) < 0 ||
	    (rc = store__column_dup(&d->opinions, st, 8, err)) < 0 ||
	    (rc = store__column_dup(&d->conclusion, st, 9, err)) < 0) {
		store_case_discussion_clear(d);
		return rc;
	}
	return 0;
}

int store_case_discussion_insert(struct store_tx *tx, const struct store_case_discussion *d,
				 struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (d == NULL || d->attendees == NULL || d->opinions == NULL || d->conclusion == NULL)
		return review__invalid(err);
	return store__exec(tx, NULL,
			   "INSERT INTO case_discussion (" DISCUSSION_COLUMNS ") VALUES ($1, $2, $3, "
			   "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
			   STORE__PARAMS(P_TEXT(d->id), P_TEXT(d->case_id), P_TEXT(d->draft_id),
					 P_TEXT(d->draft_sha256), P_TEXT(d->held_at),
					 P_TEXT(d->place), P_TEXT(d->host), P_TEXT(d->attendees),
					 P_TEXT(d->opinions), P_TEXT(d->conclusion),
					 P_TEXT(d->created_at), P_TEXT(d->created_by),
					 P_TEXT(d->created_by_name)),
			   err);
}

int store_case_discussions(struct store_case_discussion **out, size_t *count,
			   struct store_tx *tx, const char *case_id, struct sx_error *err)
{
	struct store_case_discussion *items = NULL;
	size_t len = 0, cap = 0;
	struct db_stmt *st = NULL;
	int rc;

	*out = NULL;
	*count = 0;
	/* Oldest first by when it was recorded (held_at is free local text). */
	rc = store__query(&st, tx,
			  "SELECT " DISCUSSION_COLUMNS " FROM case_discussion WHERE case_id = $1 "
			  "ORDER BY created_at, id",
			  STORE__PARAMS(P_TEXT(case_id)), err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if ((rc = store__grow(&items, &cap, len, sizeof(*items), err)) < 0)
			goto cleanup;
		if ((rc = review__discussion_from_row(&items[len], st, err)) < 0)
			goto cleanup;
		len++;
	}
	if (rc < 0)
		goto cleanup;
	rc = 0;
	*out = items;
	*count = len;
	items = NULL;
	len = 0;
cleanup:
	db_finish(st);
	store_case_discussions_free(items, len);
	return rc;
}
