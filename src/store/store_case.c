/*
 * store/store_case — the rows of the 执法全过程记录 (sql 0007, see store.h
 * "cases"): one case file (一案一卷) per enforcement case, its officers, its
 * stage history, the text records made from document templates with their
 * 文号 counters, evidence files and their uploads, recording exemptions, the
 * 调阅 log and installation settings.
 *
 * Invariants:
 *   * History is only inserted. case_transition, case_record,
 *     case_record_officer, evidence, evidence_deletion, recording_exemption
 *     and case_access refuse UPDATE and DELETE in the database itself
 *     (triggers of 0007), so a bug here cannot rewrite what happened; the
 *     driver reports such an attempt as SX_EPERM "append_only".
 *   * The stage of a case moves by compare-and-set (UPDATE … WHERE stage =
 *     expected): two requests that both saw stage X cannot both move it, the
 *     second gets SX_ECONFLICT "stale_stage" and writes nothing.
 *   * 文号 are handed out by doc_counter inside the caller's write
 *     transaction, so a rolled-back record gives its number back: no gaps,
 *     and one writer at a time (SQLite's single writer, PostgreSQL's writer
 *     lock in db_begin_write) means no duplicates (《党政机关公文处理工作条例》
 *     第九条: 发文字号由发文机关代字、年份、发文顺序号组成, which 文号 of
 *     enforcement documents follow).
 *   * Every value is a bound parameter; parameters that may be NULL are
 *     written "CAST($n AS TEXT) IS NULL" so that PostgreSQL can type them
 *     (store_internal.h). Booleans are stored as 0/1 integers; text columns
 *     hold '' rather than NULL.
 *
 * What it does not do: no permission checks, no masking of party_id_code /
 * party_phone, no stage rules, no hashing, no file I/O — the service layer,
 * domain/ and src/blob do those.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "store/store_internal.h"

static bool case__empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

static int case__invalid(struct sx_error *err)
{
	return sx_error_set(err, SX_EINVALID, NULL, NULL);
}

/* ---- agency case settings ---- */

int store_case_settings_get(struct store_case_settings *out, struct store_tx *tx,
			    const char *agency_id, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = store__query(&st, tx,
			  "SELECT agency_id, doc_prefix, updated_at, updated_by "
			  "FROM agency_case_settings WHERE agency_id = $1",
			  STORE__PARAMS(P_TEXT(agency_id)), err);
	if (rc < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		store__column_copy(out->agency_id, sizeof(out->agency_id), st, 0);
		store__column_copy(out->doc_prefix, sizeof(out->doc_prefix), st, 1);
		store__column_copy(out->updated_at, sizeof(out->updated_at), st, 2);
		store__column_copy(out->updated_by, sizeof(out->updated_by), st, 3);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = sx_error_set(err, SX_ENOTFOUND, "case_settings_not_found",
				  "本机关尚未设置文书简称");
	}
	db_finish(st);
	return rc;
}

int store_case_settings_put(struct store_tx *tx, const struct store_case_settings *s,
			    struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (s == NULL)
		return case__invalid(err);
	/* "excluded" names the row that was refused: SQLite ≥ 3.24 and PostgreSQL ≥ 9.5. */
	return store__exec(tx, NULL,
			   "INSERT INTO agency_case_settings (agency_id, doc_prefix, updated_at, "
			   "updated_by) VALUES ($1, $2, $3, $4) ON CONFLICT (agency_id) DO UPDATE "
			   "SET doc_prefix = excluded.doc_prefix, updated_at = excluded.updated_at, "
			   "updated_by = excluded.updated_by",
			   STORE__PARAMS(P_TEXT(s->agency_id), P_TEXT(s->doc_prefix),
					 P_TEXT(s->updated_at), P_TEXT(s->updated_by)),
			   err);
}

/* ---- cases ---- */

#define CASE_COLUMNS                                                                               \
	"c.id, c.agency_id, c.case_no, c.kind, c.procedure, c.matter_code, c.matter_name, "       \
	"c.list_version, c.cause, c.party_type, c.party_name, c.party_id_code, c.party_phone, "   \
	"c.party_address, c.stage, c.major, c.hearing_requested, c.started_on, c.due_on, "        \
	"c.extension_days, c.decided_on, c.closed_on, c.archived_on, c.created_at, "              \
	"c.created_by, c.updated_at"

static void case__from_row(struct store_case *c, struct db_stmt *st)
{
	memset(c, 0, sizeof(*c));
	store__column_copy(c->id, sizeof(c->id), st, 0);
	store__column_copy(c->agency_id, sizeof(c->agency_id), st, 1);
	store__column_copy(c->case_no, sizeof(c->case_no), st, 2);
	store__column_copy(c->kind, sizeof(c->kind), st, 3);
	store__column_copy(c->procedure, sizeof(c->procedure), st, 4);
	store__column_copy(c->matter_code, sizeof(c->matter_code), st, 5);
	store__column_copy(c->matter_name, sizeof(c->matter_name), st, 6);
	c->list_version = db_column_int64(st, 7);
	store__column_copy(c->cause, sizeof(c->cause), st, 8);
	store__column_copy(c->party_type, sizeof(c->party_type), st, 9);
	store__column_copy(c->party_name, sizeof(c->party_name), st, 10);
	store__column_copy(c->party_id_code, sizeof(c->party_id_code), st, 11);
	store__column_copy(c->party_phone, sizeof(c->party_phone), st, 12);
	store__column_copy(c->party_address, sizeof(c->party_address), st, 13);
	store__column_copy(c->stage, sizeof(c->stage), st, 14);
	c->major = db_column_int64(st, 15) != 0;
	c->hearing_requested = db_column_int64(st, 16) != 0;
	store__column_copy(c->started_on, sizeof(c->started_on), st, 17);
	store__column_copy(c->due_on, sizeof(c->due_on), st, 18);
	c->extension_days = db_column_int64(st, 19);
	store__column_copy(c->decided_on, sizeof(c->decided_on), st, 20);
	store__column_copy(c->closed_on, sizeof(c->closed_on), st, 21);
	store__column_copy(c->archived_on, sizeof(c->archived_on), st, 22);
	store__column_copy(c->created_at, sizeof(c->created_at), st, 23);
	store__column_copy(c->created_by, sizeof(c->created_by), st, 24);
	store__column_copy(c->updated_at, sizeof(c->updated_at), st, 25);
}

static int case__not_found(struct sx_error *err)
{
	return sx_error_set(err, SX_ENOTFOUND, "case_not_found", "案件不存在");
}

int store_case_insert(struct store_tx *tx, const struct store_case *c, struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (c == NULL)
		return case__invalid(err);
	rc = store__exec(
		tx, NULL,
		"INSERT INTO case_file (id, agency_id, case_no, kind, procedure, matter_code, "
		"matter_name, list_version, cause, party_type, party_name, party_id_code, party_phone, "
		"party_address, stage, major, hearing_requested, started_on, due_on, extension_days, "
		"decided_on, closed_on, archived_on, created_at, created_by, updated_at) VALUES ($1, "
		"$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, "
		"$20, $21, $22, $23, $24, $25, $26)",
		STORE__PARAMS(P_TEXT(c->id), P_TEXT(c->agency_id), P_TEXT(c->case_no),
			      P_TEXT(c->kind), P_TEXT(c->procedure), P_TEXT(c->matter_code),
			      P_TEXT(c->matter_name), P_INT(c->list_version), P_TEXT(c->cause),
			      P_TEXT(c->party_type), P_TEXT(c->party_name), P_TEXT(c->party_id_code),
			      P_TEXT(c->party_phone), P_TEXT(c->party_address), P_TEXT(c->stage),
			      P_INT(c->major ? 1 : 0), P_INT(c->hearing_requested ? 1 : 0),
			      P_TEXT(c->started_on), P_TEXT(c->due_on), P_INT(c->extension_days),
			      P_TEXT(c->decided_on), P_TEXT(c->closed_on), P_TEXT(c->archived_on),
			      P_TEXT(c->created_at), P_TEXT(c->created_by), P_TEXT(c->updated_at)),
		err);
	if (rc == SX_EEXISTS)
		return sx_error_setf(err, SX_EEXISTS, "case_no_exists", "本机关已有该案号的案件",
				     "case_no %s", c->case_no);
	return rc;
}

/* Runs a query that selects CASE_COLUMNS and expects at most one row. */
static int case__get_one(struct store_case *out, struct store_tx *tx, const char *sql,
			 const char *param, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (case__empty(param))
		return case__not_found(err);
	if ((rc = store__query(&st, tx, sql, STORE__PARAMS(P_TEXT(param)), err)) < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		case__from_row(out, st);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = case__not_found(err);
	}
	db_finish(st);
	return rc;
}

int store_case_get(struct store_case *out, struct store_tx *tx, const char *id,
		   struct sx_error *err)
{
	return case__get_one(out, tx, "SELECT " CASE_COLUMNS " FROM case_file c WHERE c.id = $1",
			     id, err);
}

int store_case_get_by_no(struct store_case *out, struct store_tx *tx, const char *case_no,
			 struct sx_error *err)
{
	/* case_no is unique per agency only; the oldest wins should two agencies share one. */
	return case__get_one(out, tx,
			     "SELECT " CASE_COLUMNS " FROM case_file c WHERE c.case_no = $1 "
			     "ORDER BY c.created_at, c.id LIMIT 1",
			     case_no, err);
}

int store_case_update(struct store_tx *tx, const struct store_case *c, const char *expected_stage,
		      struct sx_error *err)
{
	int64_t changed = 0, exists = 0;
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (c == NULL || case__empty(expected_stage))
		return case__invalid(err);
	rc = store__exec(tx, &changed,
			 "UPDATE case_file SET stage = $3, major = $4, hearing_requested = $5, "
			 "due_on = $6, extension_days = $7, decided_on = $8, closed_on = $9, "
			 "archived_on = $10, updated_at = $11 WHERE id = $1 AND stage = $2",
			 STORE__PARAMS(P_TEXT(c->id), P_TEXT(expected_stage), P_TEXT(c->stage),
				       P_INT(c->major ? 1 : 0), P_INT(c->hearing_requested ? 1 : 0),
				       P_TEXT(c->due_on), P_INT(c->extension_days),
				       P_TEXT(c->decided_on), P_TEXT(c->closed_on),
				       P_TEXT(c->archived_on), P_TEXT(c->updated_at)),
			 err);
	if (rc < 0)
		return rc;
	if (changed == 1)
		return 0;
	/* Nothing changed: either there is no such case or its stage moved on. */
	rc = store__query_int64(&exists, tx, "SELECT count(*) FROM case_file WHERE id = $1",
				STORE__PARAMS(P_TEXT(c->id)), err);
	if (rc < 0)
		return rc;
	if (exists == 0)
		return case__not_found(err);
	return sx_error_setf(err, SX_ECONFLICT, "stale_stage",
			     "案件状态已被他人更新，请刷新后重试", "case %s: stage is no longer %s",
			     c->id, expected_stage);
}

/*
 * The WHERE clause of store_case_filter, shared by the list and its count so
 * that their totals agree. $1 agency, $2 region prefix (compared with substr,
 * so no character of it is special), $3 officer, $4 stage, $5 open_only 0/1,
 * $6 overdue_on. Closed and archived cases are never overdue.
 */
#define CASE_FILTER_FROM_WHERE                                                                     \
	" FROM case_file c JOIN agency a ON a.id = c.agency_id"                                    \
	" WHERE (CAST($1 AS TEXT) IS NULL OR c.agency_id = $1)"                                    \
	" AND (CAST($2 AS TEXT) IS NULL OR substr(a.region_code, 1, length($2)) = $2)"             \
	" AND (CAST($3 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM case_officer co"                  \
	" WHERE co.case_id = c.id AND co.officer_id = $3))"                                        \
	" AND (CAST($4 AS TEXT) IS NULL OR c.stage = $4)"                                          \
	" AND ($5 = 0 OR c.stage NOT IN ('closed', 'archived'))"                                   \
	" AND (CAST($6 AS TEXT) IS NULL OR (c.due_on <> '' AND c.due_on < $6"                      \
	" AND c.decided_on = '' AND c.stage NOT IN ('closed', 'archived')))"

#define CASE_FILTER_PARAMS(f)                                                                      \
	P_OPT_TEXT((f)->agency_id), P_OPT_TEXT((f)->region_prefix), P_OPT_TEXT((f)->officer_id),  \
		P_OPT_TEXT((f)->stage), P_INT((f)->open_only ? 1 : 0), P_OPT_TEXT((f)->overdue_on)

int store_case_list(struct store_case **out, size_t *count, struct store_tx *tx,
		    const struct store_case_filter *filter, struct sx_error *err)
{
	struct store_case *items = NULL;
	size_t len = 0, cap = 0;
	struct db_stmt *st = NULL;
	int rc;

	*out = NULL;
	*count = 0;
	if (filter == NULL || filter->limit < 1 || filter->offset < 0)
		return case__invalid(err);
	rc = store__query(&st, tx,
			  "SELECT " CASE_COLUMNS CASE_FILTER_FROM_WHERE
			  " ORDER BY c.created_at DESC, c.id DESC LIMIT $7 OFFSET $8",
			  STORE__PARAMS(CASE_FILTER_PARAMS(filter), P_INT(filter->limit),
					P_INT(filter->offset)),
			  err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if ((rc = store__grow(&items, &cap, len, sizeof(*items), err)) < 0)
			goto cleanup;
		case__from_row(&items[len++], st);
	}
	if (rc < 0)
		goto cleanup;
	rc = 0;
	*out = items;
	*count = len;
	items = NULL;
cleanup:
	db_finish(st);
	sx_free(items);
	return rc;
}

int store_case_list_count(int64_t *out, struct store_tx *tx, const struct store_case_filter *filter,
			  struct sx_error *err)
{
	*out = 0;
	if (filter == NULL)
		return case__invalid(err);
	return store__query_int64(out, tx, "SELECT count(*)" CASE_FILTER_FROM_WHERE,
				  STORE__PARAMS(CASE_FILTER_PARAMS(filter)), err);
}

int store_case_stage_counts(struct store_tx *tx, const char *agency_id,
			    int (*cb)(const char *stage, int64_t count, void *ctx), void *ctx,
			    struct sx_error *err)
{
	struct db_stmt *st = NULL;
	char stage[STORE_STAGE_SIZE];
	int rc;

	if (cb == NULL)
		return case__invalid(err);
	rc = store__query(&st, tx,
			  "SELECT stage, count(*) FROM case_file "
			  "WHERE (CAST($1 AS TEXT) IS NULL OR agency_id = $1) "
			  "GROUP BY stage ORDER BY stage",
			  STORE__PARAMS(P_OPT_TEXT(agency_id)), err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		store__column_copy(stage, sizeof(stage), st, 0);
		if ((rc = cb(stage, db_column_int64(st, 1), ctx)) < 0)
			break;
	}
	db_finish(st);
	return rc < 0 ? rc : 0;
}

/* ---- officers of a case ---- */

int store_case_officer_add(struct store_tx *tx, const struct store_case_officer *o,
			   struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (o == NULL)
		return case__invalid(err);
	rc = store__exec(tx, NULL,
			 "INSERT INTO case_officer (case_id, officer_id, role, added_at, added_by) "
			 "VALUES ($1, $2, $3, $4, $5)",
			 STORE__PARAMS(P_TEXT(o->case_id), P_TEXT(o->officer_id), P_TEXT(o->role),
				       P_TEXT(o->added_at), P_TEXT(o->added_by)),
			 err);
	if (rc == SX_EEXISTS)
		return sx_error_set(err, SX_EEXISTS, "case_officer_exists",
				    "该执法人员已在本案中");
	return rc;
}

int store_case_officers(struct store_case_officer **out, size_t *count, struct store_tx *tx,
			const char *case_id, struct sx_error *err)
{
	struct store_case_officer *items = NULL;
	size_t len = 0, cap = 0;
	struct db_stmt *st = NULL;
	int rc;

	*out = NULL;
	*count = 0;
	/* The officer's columns come first so that store__officer_from_row reads them. */
	rc = store__query(&st, tx,
			  "SELECT " STORE__OFFICER_COLUMNS ", co.case_id, co.officer_id, co.role, "
			  "co.added_at, co.added_by FROM case_officer co "
			  "JOIN officer o ON o.id = co.officer_id WHERE co.case_id = $1 "
			  "ORDER BY CASE co.role WHEN 'lead' THEN 0 ELSE 1 END, o.cert_no, o.id",
			  STORE__PARAMS(P_TEXT(case_id)), err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		struct store_case_officer *co;

		if ((rc = store__grow(&items, &cap, len, sizeof(*items), err)) < 0)
			goto cleanup;
		co = &items[len++];
		memset(co, 0, sizeof(*co));
		store__officer_from_row(&co->officer, st);
		store__column_copy(co->case_id, sizeof(co->case_id), st, 14);
		store__column_copy(co->officer_id, sizeof(co->officer_id), st, 15);
		store__column_copy(co->role, sizeof(co->role), st, 16);
		store__column_copy(co->added_at, sizeof(co->added_at), st, 17);
		store__column_copy(co->added_by, sizeof(co->added_by), st, 18);
	}
	if (rc < 0)
		goto cleanup;
	rc = 0;
	*out = items;
	*count = len;
	items = NULL;
cleanup:
	db_finish(st);
	sx_free(items);
	return rc;
}

/* ---- stage history ---- */

#define TRANSITION_COLUMNS "id, case_id, seq, from_stage, to_stage, reason, at, by_id, by_name"

static void case__transition_from_row(struct store_case_transition *t, struct db_stmt *st)
{
	memset(t, 0, sizeof(*t));
	store__column_copy(t->id, sizeof(t->id), st, 0);
	store__column_copy(t->case_id, sizeof(t->case_id), st, 1);
	t->seq = db_column_int64(st, 2);
	store__column_copy(t->from_stage, sizeof(t->from_stage), st, 3);
	store__column_copy(t->to_stage, sizeof(t->to_stage), st, 4);
	store__column_copy(t->reason, sizeof(t->reason), st, 5);
	store__column_copy(t->at, sizeof(t->at), st, 6);
	store__column_copy(t->by_id, sizeof(t->by_id), st, 7);
	store__column_copy(t->by_name, sizeof(t->by_name), st, 8);
}

int store_case_transition_insert(struct store_tx *tx, const struct store_case_transition *t,
				 struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (t == NULL || t->seq < 1)
		return case__invalid(err);
	rc = store__exec(tx, NULL,
			 "INSERT INTO case_transition (" TRANSITION_COLUMNS ") "
			 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
			 STORE__PARAMS(P_TEXT(t->id), P_TEXT(t->case_id), P_INT(t->seq),
				       P_TEXT(t->from_stage), P_TEXT(t->to_stage), P_TEXT(t->reason),
				       P_TEXT(t->at), P_TEXT(t->by_id), P_TEXT(t->by_name)),
			 err);
	if (rc == SX_EEXISTS)
		return sx_error_setf(err, SX_EEXISTS, "transition_exists",
				     "案件状态已被他人更新，请刷新后重试", "case %s seq %lld",
				     t->case_id, (long long)t->seq);
	return rc;
}

int store_case_transitions(struct store_case_transition **out, size_t *count, struct store_tx *tx,
			   const char *case_id, struct sx_error *err)
{
	struct store_case_transition *items = NULL;
	size_t len = 0, cap = 0;
	struct db_stmt *st = NULL;
	int rc;

	*out = NULL;
	*count = 0;
	rc = store__query(&st, tx,
			  "SELECT " TRANSITION_COLUMNS " FROM case_transition WHERE case_id = $1 "
			  "ORDER BY seq",
			  STORE__PARAMS(P_TEXT(case_id)), err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if ((rc = store__grow(&items, &cap, len, sizeof(*items), err)) < 0)
			goto cleanup;
		case__transition_from_row(&items[len++], st);
	}
	if (rc < 0)
		goto cleanup;
	rc = 0;
	*out = items;
	*count = len;
	items = NULL;
cleanup:
	db_finish(st);
	sx_free(items);
	return rc;
}

int store_case_transitions_each(struct store_tx *tx, const char *agency_id,
				int (*cb)(const struct store_case_transition *t, void *ctx), void *ctx,
				struct sx_error *err)
{
	struct store_case_transition t;
	struct db_stmt *st = NULL;
	int rc;

	if (cb == NULL)
		return case__invalid(err);
	rc = store__query(&st, tx,
			  "SELECT t.id, t.case_id, t.seq, t.from_stage, t.to_stage, t.reason, t.at, "
			  "t.by_id, t.by_name FROM case_transition t "
			  "JOIN case_file c ON c.id = t.case_id "
			  "WHERE (CAST($1 AS TEXT) IS NULL OR c.agency_id = $1) "
			  "ORDER BY t.case_id, t.seq",
			  STORE__PARAMS(P_OPT_TEXT(agency_id)), err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		case__transition_from_row(&t, st);
		if ((rc = cb(&t, ctx)) < 0)
			break;
	}
	db_finish(st);
	return rc < 0 ? rc : 0;
}

/* ---- 文号 counters ---- */

int store_doc_counter_next(int64_t *out, struct store_tx *tx, const char *agency_id,
			   const char *doc_word, int64_t year, struct sx_error *err)
{
	int rc;

	*out = 0;
	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (case__empty(agency_id) || case__empty(doc_word) || year < 1)
		return case__invalid(err);
	/* Three statements rather than UPDATE … RETURNING, which SQLite has only since 3.35. */
	rc = store__exec(tx, NULL,
			 "INSERT INTO doc_counter (agency_id, doc_word, year, last_seq) "
			 "VALUES ($1, $2, $3, 0) ON CONFLICT (agency_id, doc_word, year) DO NOTHING",
			 STORE__PARAMS(P_TEXT(agency_id), P_TEXT(doc_word), P_INT(year)), err);
	if (rc < 0)
		return rc;
	rc = store__exec(tx, NULL,
			 "UPDATE doc_counter SET last_seq = last_seq + 1 "
			 "WHERE agency_id = $1 AND doc_word = $2 AND year = $3",
			 STORE__PARAMS(P_TEXT(agency_id), P_TEXT(doc_word), P_INT(year)), err);
	if (rc < 0)
		return rc;
	return store__query_int64(out, tx,
				  "SELECT last_seq FROM doc_counter "
				  "WHERE agency_id = $1 AND doc_word = $2 AND year = $3",
				  STORE__PARAMS(P_TEXT(agency_id), P_TEXT(doc_word), P_INT(year)),
				  err);
}

/* ---- records ---- */

#define RECORD_COLUMNS                                                                             \
	"id, case_id, stage, template_code, title, doc_no, doc_word, doc_year, doc_seq, "         \
	"field_act, made_on, content_sha256, served, verify_hash, supersedes, created_at, "       \
	"created_by"
/* The bodies follow RECORD_COLUMNS, NULL unless $2 = 1 (they can be large). */
#define RECORD_BODIES                                                                              \
	", CASE WHEN $2 = 1 THEN values_json ELSE NULL END, "                                      \
	"CASE WHEN $2 = 1 THEN body_text ELSE NULL END"

void store_case_record_clear(struct store_case_record *r)
{
	if (r == NULL)
		return;
	sx_free(r->values_json);
	sx_free(r->body_text);
	memset(r, 0, sizeof(*r));
}

/* Fills r from a row of RECORD_COLUMNS RECORD_BODIES. On error r holds nothing to free. */
static int case__record_from_row(struct store_case_record *r, struct db_stmt *st,
				 struct sx_error *err)
{
	int rc;

	memset(r, 0, sizeof(*r));
	store__column_copy(r->id, sizeof(r->id), st, 0);
	store__column_copy(r->case_id, sizeof(r->case_id), st, 1);
	store__column_copy(r->stage, sizeof(r->stage), st, 2);
	store__column_copy(r->template_code, sizeof(r->template_code), st, 3);
	store__column_copy(r->title, sizeof(r->title), st, 4);
	store__column_copy(r->doc_no, sizeof(r->doc_no), st, 5);
	store__column_copy(r->doc_word, sizeof(r->doc_word), st, 6);
	r->doc_year = db_column_int64(st, 7);
	r->doc_seq = db_column_int64(st, 8);
	store__column_copy(r->field_act, sizeof(r->field_act), st, 9);
	store__column_copy(r->made_on, sizeof(r->made_on), st, 10);
	store__column_copy(r->content_sha256, sizeof(r->content_sha256), st, 11);
	r->served = db_column_int64(st, 12) != 0;
	store__column_copy(r->verify_hash, sizeof(r->verify_hash), st, 13);
	store__column_copy(r->supersedes, sizeof(r->supersedes), st, 14);
	store__column_copy(r->created_at, sizeof(r->created_at), st, 15);
	store__column_copy(r->created_by, sizeof(r->created_by), st, 16);
	if ((rc = store__column_dup(&r->values_json, st, 17, err)) < 0 ||
	    (rc = store__column_dup(&r->body_text, st, 18, err)) < 0) {
		store_case_record_clear(r);
		return rc;
	}
	return 0;
}

int store_case_record_insert(struct store_tx *tx, const struct store_case_record *r,
			     struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (r == NULL || r->values_json == NULL || r->body_text == NULL)
		return case__invalid(err);
	rc = store__exec(
		tx, NULL,
		"INSERT INTO case_record (id, case_id, stage, template_code, title, doc_no, doc_word, "
		"doc_year, doc_seq, field_act, made_on, values_json, body_text, content_sha256, "
		"served, verify_hash, supersedes, created_at, created_by) VALUES ($1, $2, $3, $4, $5, "
		"$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
		STORE__PARAMS(P_TEXT(r->id), P_TEXT(r->case_id), P_TEXT(r->stage),
			      P_TEXT(r->template_code), P_TEXT(r->title), P_TEXT(r->doc_no),
			      P_TEXT(r->doc_word), P_INT(r->doc_year), P_INT(r->doc_seq),
			      P_TEXT(r->field_act), P_TEXT(r->made_on), P_TEXT(r->values_json),
			      P_TEXT(r->body_text), P_TEXT(r->content_sha256),
			      P_INT(r->served ? 1 : 0), P_TEXT(r->verify_hash),
			      P_TEXT(r->supersedes), P_TEXT(r->created_at), P_TEXT(r->created_by)),
		err);
	if (rc == SX_EEXISTS)
		return sx_error_setf(err, SX_EEXISTS, "doc_no_exists",
				     "该文号已被使用，请刷新后重试", "record %s doc_no %s", r->id,
				     r->doc_no);
	return rc;
}

int store_case_record_get(struct store_case_record *out, struct store_tx *tx, const char *id,
			  bool with_bodies, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = store__query(&st, tx,
			  "SELECT " RECORD_COLUMNS RECORD_BODIES " FROM case_record WHERE id = $1",
			  STORE__PARAMS(P_TEXT(id), P_INT(with_bodies ? 1 : 0)), err);
	if (rc < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW)
		rc = case__record_from_row(out, st, err);
	else if (rc == DB_DONE)
		rc = sx_error_set(err, SX_ENOTFOUND, "record_not_found", "文书记录不存在");
	db_finish(st);
	return rc;
}

int store_case_records(struct store_case_record **out, size_t *count, struct store_tx *tx,
		       const char *case_id, bool with_bodies, struct sx_error *err)
{
	struct store_case_record *items = NULL;
	size_t len = 0, cap = 0;
	struct db_stmt *st = NULL;
	int rc;

	*out = NULL;
	*count = 0;
	rc = store__query(&st, tx,
			  "SELECT " RECORD_COLUMNS RECORD_BODIES " FROM case_record "
			  "WHERE case_id = $1 ORDER BY created_at, id",
			  STORE__PARAMS(P_TEXT(case_id), P_INT(with_bodies ? 1 : 0)), err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if ((rc = store__grow(&items, &cap, len, sizeof(*items), err)) < 0)
			goto cleanup;
		if ((rc = case__record_from_row(&items[len], st, err)) < 0)
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
	store_case_records_free(items, len);
	return rc;
}

void store_case_records_free(struct store_case_record *r, size_t count)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < count; i++)
		store_case_record_clear(&r[i]);
	sx_free(r);
}

int store_case_record_officer_add(struct store_tx *tx, const struct store_case_record_officer *o,
				  struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (o == NULL)
		return case__invalid(err);
	rc = store__exec(tx, NULL,
			 "INSERT INTO case_record_officer (record_id, officer_id, name, cert_no) "
			 "VALUES ($1, $2, $3, $4)",
			 STORE__PARAMS(P_TEXT(o->record_id), P_TEXT(o->officer_id), P_TEXT(o->name),
				       P_TEXT(o->cert_no)),
			 err);
	if (rc == SX_EEXISTS)
		return sx_error_set(err, SX_EEXISTS, "record_officer_exists",
				    "该执法人员已列入本文书");
	return rc;
}

int store_case_record_officers(struct store_case_record_officer **out, size_t *count,
			       struct store_tx *tx, const char *record_id, struct sx_error *err)
{
	struct store_case_record_officer *items = NULL;
	size_t len = 0, cap = 0;
	struct db_stmt *st = NULL;
	int rc;

	*out = NULL;
	*count = 0;
	rc = store__query(&st, tx,
			  "SELECT record_id, officer_id, name, cert_no FROM case_record_officer "
			  "WHERE record_id = $1 ORDER BY cert_no, officer_id",
			  STORE__PARAMS(P_TEXT(record_id)), err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		struct store_case_record_officer *o;

		if ((rc = store__grow(&items, &cap, len, sizeof(*items), err)) < 0)
			goto cleanup;
		o = &items[len++];
		memset(o, 0, sizeof(*o));
		store__column_copy(o->record_id, sizeof(o->record_id), st, 0);
		store__column_copy(o->officer_id, sizeof(o->officer_id), st, 1);
		store__column_copy(o->name, sizeof(o->name), st, 2);
		store__column_copy(o->cert_no, sizeof(o->cert_no), st, 3);
	}
	if (rc < 0)
		goto cleanup;
	rc = 0;
	*out = items;
	*count = len;
	items = NULL;
cleanup:
	db_finish(st);
	sx_free(items);
	return rc;
}

/* ---- uploads and evidence ---- */

/* The metadata columns of upload and evidence, in struct store_evidence_meta order. */
#define META_COLUMNS(t)                                                                            \
	t "case_id, " t "stage, " t "kind, " t "size_bytes, " t "content_type, " t "file_name, " \
	t "captured_start, " t "captured_end, " t "device_id, " t "place, " t "lat, " t "lon, "  \
	t "officer_id, " t "description"
#define META_COLUMN_COUNT 14

#define META_PARAMS(m)                                                                             \
	P_TEXT((m)->case_id), P_TEXT((m)->stage), P_TEXT((m)->kind), P_INT((m)->size_bytes),      \
		P_TEXT((m)->content_type), P_TEXT((m)->file_name), P_TEXT((m)->captured_start),    \
		P_TEXT((m)->captured_end), P_TEXT((m)->device_id), P_TEXT((m)->place),             \
		P_TEXT((m)->lat), P_TEXT((m)->lon), P_TEXT((m)->officer_id),                       \
		P_TEXT((m)->description)

/* Reads META_COLUMNS starting at column first. */
static void case__meta_from_row(struct store_evidence_meta *m, struct db_stmt *st, int first)
{
	store__column_copy(m->case_id, sizeof(m->case_id), st, first + 0);
	store__column_copy(m->stage, sizeof(m->stage), st, first + 1);
	store__column_copy(m->kind, sizeof(m->kind), st, first + 2);
	m->size_bytes = db_column_int64(st, first + 3);
	store__column_copy(m->content_type, sizeof(m->content_type), st, first + 4);
	store__column_copy(m->file_name, sizeof(m->file_name), st, first + 5);
	store__column_copy(m->captured_start, sizeof(m->captured_start), st, first + 6);
	store__column_copy(m->captured_end, sizeof(m->captured_end), st, first + 7);
	store__column_copy(m->device_id, sizeof(m->device_id), st, first + 8);
	store__column_copy(m->place, sizeof(m->place), st, first + 9);
	store__column_copy(m->lat, sizeof(m->lat), st, first + 10);
	store__column_copy(m->lon, sizeof(m->lon), st, first + 11);
	store__column_copy(m->officer_id, sizeof(m->officer_id), st, first + 12);
	store__column_copy(m->description, sizeof(m->description), st, first + 13);
}

int store_upload_insert(struct store_tx *tx, const struct store_upload *u, struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (u == NULL)
		return case__invalid(err);
	rc = store__exec(tx, NULL,
			 "INSERT INTO upload (id, " META_COLUMNS("") ", status, evidence_id, "
			 "created_at, created_by, finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
			 "$8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
			 STORE__PARAMS(P_TEXT(u->id), META_PARAMS(&u->meta), P_TEXT(u->status),
				       P_TEXT(u->evidence_id), P_TEXT(u->created_at),
				       P_TEXT(u->created_by), P_TEXT(u->finished_at)),
			 err);
	if (rc == SX_EEXISTS)
		return sx_error_set(err, SX_EEXISTS, "upload_exists", "该上传已存在");
	return rc;
}

static int case__upload_not_found(struct sx_error *err)
{
	return sx_error_set(err, SX_ENOTFOUND, "upload_not_found", "上传不存在或已失效");
}

int store_upload_get(struct store_upload *out, struct store_tx *tx, const char *id,
		     struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = store__query(&st, tx,
			  "SELECT id, " META_COLUMNS("") ", status, evidence_id, created_at, "
			  "created_by, finished_at FROM upload WHERE id = $1",
			  STORE__PARAMS(P_TEXT(id)), err);
	if (rc < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		int c = 1 + META_COLUMN_COUNT;

		store__column_copy(out->id, sizeof(out->id), st, 0);
		case__meta_from_row(&out->meta, st, 1);
		store__column_copy(out->status, sizeof(out->status), st, c + 0);
		store__column_copy(out->evidence_id, sizeof(out->evidence_id), st, c + 1);
		store__column_copy(out->created_at, sizeof(out->created_at), st, c + 2);
		store__column_copy(out->created_by, sizeof(out->created_by), st, c + 3);
		store__column_copy(out->finished_at, sizeof(out->finished_at), st, c + 4);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = case__upload_not_found(err);
	}
	db_finish(st);
	return rc;
}

int store_upload_finish(struct store_tx *tx, const char *id, const char *status,
			const char *evidence_id, const char *finished_at, struct sx_error *err)
{
	int64_t changed = 0, exists = 0;
	bool complete;
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (status == NULL || case__empty(finished_at))
		return case__invalid(err);
	/* A complete upload names its evidence; an aborted one names none. */
	complete = strcmp(status, "complete") == 0;
	if (complete && case__empty(evidence_id))
		return case__invalid(err);
	if (!complete && (strcmp(status, "aborted") != 0 || !case__empty(evidence_id)))
		return case__invalid(err);
	rc = store__exec(tx, &changed,
			 "UPDATE upload SET status = $2, evidence_id = $3, finished_at = $4 "
			 "WHERE id = $1 AND status = 'open'",
			 STORE__PARAMS(P_TEXT(id), P_TEXT(status),
				       P_TEXT(complete ? evidence_id : ""), P_TEXT(finished_at)),
			 err);
	if (rc < 0)
		return rc;
	if (changed == 1)
		return 0;
	rc = store__query_int64(&exists, tx, "SELECT count(*) FROM upload WHERE id = $1",
				STORE__PARAMS(P_TEXT(id)), err);
	if (rc < 0)
		return rc;
	if (exists == 0)
		return case__upload_not_found(err);
	return sx_error_set(err, SX_ECONFLICT, "upload_finished", "该上传已结束，不能再更改");
}

#define EVIDENCE_SELECT                                                                            \
	"SELECT e.id, " META_COLUMNS("e.") ", e.sha256, e.sm3, e.created_at, e.created_by, "     \
	"coalesce(d.deleted_at, ''), coalesce(d.deleted_by, ''), coalesce(d.reason, '') "         \
	"FROM evidence e LEFT JOIN evidence_deletion d ON d.evidence_id = e.id "

static void case__evidence_from_row(struct store_evidence *e, struct db_stmt *st)
{
	int c = 1 + META_COLUMN_COUNT;

	memset(e, 0, sizeof(*e));
	store__column_copy(e->id, sizeof(e->id), st, 0);
	case__meta_from_row(&e->meta, st, 1);
	store__column_copy(e->sha256, sizeof(e->sha256), st, c + 0);
	store__column_copy(e->sm3, sizeof(e->sm3), st, c + 1);
	store__column_copy(e->created_at, sizeof(e->created_at), st, c + 2);
	store__column_copy(e->created_by, sizeof(e->created_by), st, c + 3);
	store__column_copy(e->deleted_at, sizeof(e->deleted_at), st, c + 4);
	store__column_copy(e->deleted_by, sizeof(e->deleted_by), st, c + 5);
	store__column_copy(e->delete_reason, sizeof(e->delete_reason), st, c + 6);
}

int store_evidence_insert(struct store_tx *tx, const struct store_evidence *e, struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (e == NULL)
		return case__invalid(err);
	/* deleted_* are not columns of evidence: a deletion is its own row. */
	rc = store__exec(tx, NULL,
			 "INSERT INTO evidence (id, " META_COLUMNS("") ", sha256, sm3, created_at, "
			 "created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
			 "$13, $14, $15, $16, $17, $18, $19)",
			 STORE__PARAMS(P_TEXT(e->id), META_PARAMS(&e->meta), P_TEXT(e->sha256),
				       P_TEXT(e->sm3), P_TEXT(e->created_at), P_TEXT(e->created_by)),
			 err);
	if (rc == SX_EEXISTS)
		return sx_error_set(err, SX_EEXISTS, "evidence_exists", "该证据已存在");
	return rc;
}

static int case__evidence_not_found(struct sx_error *err)
{
	return sx_error_set(err, SX_ENOTFOUND, "evidence_not_found", "证据不存在");
}

int store_evidence_get(struct store_evidence *out, struct store_tx *tx, const char *id,
		       struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = store__query(&st, tx, EVIDENCE_SELECT "WHERE e.id = $1", STORE__PARAMS(P_TEXT(id)),
			  err);
	if (rc < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		case__evidence_from_row(out, st);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = case__evidence_not_found(err);
	}
	db_finish(st);
	return rc;
}

int store_evidence_list(struct store_evidence **out, size_t *count, struct store_tx *tx,
			const char *case_id, struct sx_error *err)
{
	struct store_evidence *items = NULL;
	size_t len = 0, cap = 0;
	struct db_stmt *st = NULL;
	int rc;

	*out = NULL;
	*count = 0;
	rc = store__query(&st, tx, EVIDENCE_SELECT "WHERE e.case_id = $1 ORDER BY e.created_at, e.id",
			  STORE__PARAMS(P_TEXT(case_id)), err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if ((rc = store__grow(&items, &cap, len, sizeof(*items), err)) < 0)
			goto cleanup;
		case__evidence_from_row(&items[len++], st);
	}
	if (rc < 0)
		goto cleanup;
	rc = 0;
	*out = items;
	*count = len;
	items = NULL;
cleanup:
	db_finish(st);
	sx_free(items);
	return rc;
}

int store_evidence_blob_refs(int64_t *out, struct store_tx *tx, const char *sha256,
			     struct sx_error *err)
{
	return store__query_int64(out, tx,
				  "SELECT count(*) FROM evidence e WHERE e.sha256 = $1 AND NOT EXISTS "
				  "(SELECT 1 FROM evidence_deletion d WHERE d.evidence_id = e.id)",
				  STORE__PARAMS(P_TEXT(sha256)), err);
}

int store_evidence_delete(struct store_tx *tx, const char *evidence_id, const char *reason,
			  const char *at, const char *by, struct sx_error *err)
{
	int64_t exists = 0;
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	/* Checked first so that a wrong id reads as "not found", not as a foreign-key error. */
	rc = store__query_int64(&exists, tx, "SELECT count(*) FROM evidence WHERE id = $1",
				STORE__PARAMS(P_TEXT(evidence_id)), err);
	if (rc < 0)
		return rc;
	if (exists == 0)
		return case__evidence_not_found(err);
	rc = store__exec(tx, NULL,
			 "INSERT INTO evidence_deletion (evidence_id, reason, deleted_at, deleted_by) "
			 "VALUES ($1, $2, $3, $4)",
			 STORE__PARAMS(P_TEXT(evidence_id), P_TEXT(reason), P_TEXT(at), P_TEXT(by)),
			 err);
	if (rc == SX_EEXISTS)
		return sx_error_set(err, SX_EEXISTS, "evidence_deleted", "该证据已被删除");
	return rc;
}

/* ---- recording exemptions ---- */

int store_recording_exemption_insert(struct store_tx *tx, const struct store_recording_exemption *e,
				     struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (e == NULL)
		return case__invalid(err);
	return store__exec(tx, NULL,
			   "INSERT INTO recording_exemption (id, case_id, stage, reason, created_at, "
			   "created_by) VALUES ($1, $2, $3, $4, $5, $6)",
			   STORE__PARAMS(P_TEXT(e->id), P_TEXT(e->case_id), P_TEXT(e->stage),
					 P_TEXT(e->reason), P_TEXT(e->created_at),
					 P_TEXT(e->created_by)),
			   err);
}

int store_recording_exemptions(struct store_recording_exemption **out, size_t *count,
			       struct store_tx *tx, const char *case_id, struct sx_error *err)
{
	struct store_recording_exemption *items = NULL;
	size_t len = 0, cap = 0;
	struct db_stmt *st = NULL;
	int rc;

	*out = NULL;
	*count = 0;
	rc = store__query(&st, tx,
			  "SELECT id, case_id, stage, reason, created_at, created_by "
			  "FROM recording_exemption WHERE case_id = $1 ORDER BY created_at, id",
			  STORE__PARAMS(P_TEXT(case_id)), err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		struct store_recording_exemption *e;

		if ((rc = store__grow(&items, &cap, len, sizeof(*items), err)) < 0)
			goto cleanup;
		e = &items[len++];
		memset(e, 0, sizeof(*e));
		store__column_copy(e->id, sizeof(e->id), st, 0);
		store__column_copy(e->case_id, sizeof(e->case_id), st, 1);
		store__column_copy(e->stage, sizeof(e->stage), st, 2);
		store__column_copy(e->reason, sizeof(e->reason), st, 3);
		store__column_copy(e->created_at, sizeof(e->created_at), st, 4);
		store__column_copy(e->created_by, sizeof(e->created_by), st, 5);
	}
	if (rc < 0)
		goto cleanup;
	rc = 0;
	*out = items;
	*count = len;
	items = NULL;
cleanup:
	db_finish(st);
	sx_free(items);
	return rc;
}

/* ---- 调阅 log ---- */

#define ACCESS_COLUMNS                                                                             \
	"x.id, x.case_id, x.agency_id, x.object_type, x.object_id, x.action, x.reason, "          \
	"x.actor_id, x.actor_name, x.remote_addr, x.at"

/*
 * Shared by the list and its count. LEFT JOIN: case_access.agency_id has no
 * foreign key, and a row must not vanish from the unfiltered log because its
 * agency is unknown. $1 case, $2 agency, $3 region prefix (substr: no
 * character of it is special).
 */
#define ACCESS_FILTER_FROM_WHERE                                                                   \
	" FROM case_access x LEFT JOIN agency a ON a.id = x.agency_id"                             \
	" WHERE (CAST($1 AS TEXT) IS NULL OR x.case_id = $1)"                                      \
	" AND (CAST($2 AS TEXT) IS NULL OR x.agency_id = $2)"                                      \
	" AND (CAST($3 AS TEXT) IS NULL OR substr(a.region_code, 1, length($3)) = $3)"

#define ACCESS_FILTER_PARAMS(f)                                                                    \
	P_OPT_TEXT((f)->case_id), P_OPT_TEXT((f)->agency_id), P_OPT_TEXT((f)->region_prefix)

int store_case_access_insert(struct store_tx *tx, const struct store_case_access *a,
			     struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (a == NULL)
		return case__invalid(err);
	return store__exec(tx, NULL,
			   "INSERT INTO case_access (id, case_id, agency_id, object_type, object_id, "
			   "action, reason, actor_id, actor_name, remote_addr, at) "
			   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
			   STORE__PARAMS(P_TEXT(a->id), P_TEXT(a->case_id), P_TEXT(a->agency_id),
					 P_TEXT(a->object_type), P_TEXT(a->object_id),
					 P_TEXT(a->action), P_TEXT(a->reason), P_TEXT(a->actor_id),
					 P_TEXT(a->actor_name), P_TEXT(a->remote_addr),
					 P_TEXT(a->at)),
			   err);
}

int store_case_access_list(struct store_case_access **out, size_t *count, struct store_tx *tx,
			   const struct store_case_access_filter *filter, struct sx_error *err)
{
	struct store_case_access *items = NULL;
	size_t len = 0, cap = 0;
	struct db_stmt *st = NULL;
	int rc;

	*out = NULL;
	*count = 0;
	if (filter == NULL || filter->limit < 1 || filter->offset < 0)
		return case__invalid(err);
	rc = store__query(&st, tx,
			  "SELECT " ACCESS_COLUMNS ACCESS_FILTER_FROM_WHERE
			  " ORDER BY x.at DESC, x.id DESC LIMIT $4 OFFSET $5",
			  STORE__PARAMS(ACCESS_FILTER_PARAMS(filter), P_INT(filter->limit),
					P_INT(filter->offset)),
			  err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		struct store_case_access *a;

		if ((rc = store__grow(&items, &cap, len, sizeof(*items), err)) < 0)
			goto cleanup;
		a = &items[len++];
		memset(a, 0, sizeof(*a));
		store__column_copy(a->id, sizeof(a->id), st, 0);
		store__column_copy(a->case_id, sizeof(a->case_id), st, 1);
		store__column_copy(a->agency_id, sizeof(a->agency_id), st, 2);
		store__column_copy(a->object_type, sizeof(a->object_type), st, 3);
		store__column_copy(a->object_id, sizeof(a->object_id), st, 4);
		store__column_copy(a->action, sizeof(a->action), st, 5);
		store__column_copy(a->reason, sizeof(a->reason), st, 6);
		store__column_copy(a->actor_id, sizeof(a->actor_id), st, 7);
		store__column_copy(a->actor_name, sizeof(a->actor_name), st, 8);
		store__column_copy(a->remote_addr, sizeof(a->remote_addr), st, 9);
		store__column_copy(a->at, sizeof(a->at), st, 10);
	}
	if (rc < 0)
		goto cleanup;
	rc = 0;
	*out = items;
	*count = len;
	items = NULL;
cleanup:
	db_finish(st);
	sx_free(items);
	return rc;
}

int store_case_access_count(int64_t *out, struct store_tx *tx,
			    const struct store_case_access_filter *filter, struct sx_error *err)
{
	*out = 0;
	if (filter == NULL)
		return case__invalid(err);
	return store__query_int64(out, tx, "SELECT count(*)" ACCESS_FILTER_FROM_WHERE,
				  STORE__PARAMS(ACCESS_FILTER_PARAMS(filter)), err);
}

/* ---- installation settings ---- */

int store_setting_get(char *out, size_t out_size, struct store_tx *tx, const char *key,
		      struct sx_error *err)
{
	struct db_stmt *st = NULL;
	size_t len;
	int rc;

	if (out == NULL || out_size == 0)
		return case__invalid(err);
	out[0] = '\0';
	rc = store__query(&st, tx, "SELECT value FROM setting WHERE key = $1",
			  STORE__PARAMS(P_TEXT(key)), err);
	if (rc < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		/* A cut-off setting would be a different setting: refuse rather than truncate. */
		len = db_column_text(st, 0) ? db_column_bytes(st, 0) : 0;
		rc = 0;
		if (len >= out_size)
			rc = sx_error_setf(err, SX_ETOOBIG, NULL, NULL,
					   "setting %s: %zu bytes, buffer %zu", key, len, out_size);
		else
			store__column_copy(out, out_size, st, 0);
	} else if (rc == DB_DONE) {
		rc = sx_error_set(err, SX_ENOTFOUND, "setting_not_found", "该设置尚未设定");
	}
	db_finish(st);
	return rc;
}

int store_setting_put(struct store_tx *tx, const char *key, const char *value, const char *at,
		      const char *by, struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (case__empty(key))
		return case__invalid(err);
	return store__exec(tx, NULL,
			   "INSERT INTO setting (key, value, updated_at, updated_by) "
			   "VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE SET "
			   "value = excluded.value, updated_at = excluded.updated_at, "
			   "updated_by = excluded.updated_by",
			   STORE__PARAMS(P_TEXT(key), P_TEXT(value), P_TEXT(at), P_TEXT(by)), err);
}

/* ---- statistics (service/case_stats) ---- */

int store_case_matters_each(struct store_tx *tx, const char *agency_id,
			    int (*cb)(int64_t list_version, const char *matter_code,
				      const char *kind, void *ctx),
			    void *ctx, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	char code[STORE_CODE_SIZE], kind[STORE_ROLE_SIZE];
	int rc;

	if (cb == NULL || case__empty(agency_id))
		return case__invalid(err);
	rc = store__query(&st, tx,
			  "SELECT DISTINCT list_version, matter_code, kind FROM case_file "
			  "WHERE agency_id = $1 ORDER BY list_version, matter_code, kind",
			  STORE__PARAMS(P_TEXT(agency_id)), err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		store__column_copy(code, sizeof(code), st, 1);
		store__column_copy(kind, sizeof(kind), st, 2);
		if ((rc = cb(db_column_int64(st, 0), code, kind, ctx)) < 0)
			break;
	}
	db_finish(st);
	return rc < 0 ? rc : 0;
}

/*
 * The stages of a case that the recording audit looks at: every from_stage
 * of its transitions (left = 1) and, for an open case, its stage now
 * (left = 0), folded to one row per (case, stage) by max(left). Evidence
 * and exemptions are tested with CASE WHEN EXISTS so that both databases
 * return integers (PostgreSQL's EXISTS is a boolean).
 */
int store_case_stage_facts_each(struct store_tx *tx, const char *agency_id,
				int (*cb)(const struct store_case_stage_fact *f, void *ctx),
				void *ctx, struct sx_error *err)
{
	struct store_case_stage_fact f;
	struct db_stmt *st = NULL;
	int rc;

	if (cb == NULL || case__empty(agency_id))
		return case__invalid(err);
	rc = store__query(
		&st, tx,
		"SELECT c.id, c.case_no, c.kind, c.list_version, c.matter_code, s.stage, s.left_flag, "
		"CASE WHEN c.stage = s.stage AND c.stage NOT IN ('closed', 'archived') THEN 1 "
		"ELSE 0 END, "
		"CASE WHEN EXISTS (SELECT 1 FROM evidence e WHERE e.case_id = c.id "
		"AND e.stage = s.stage AND e.kind = 'video' AND NOT EXISTS (SELECT 1 FROM "
		"evidence_deletion d WHERE d.evidence_id = e.id)) THEN 1 ELSE 0 END, "
		"CASE WHEN EXISTS (SELECT 1 FROM evidence e WHERE e.case_id = c.id "
		"AND e.stage = s.stage AND e.kind = 'audio' AND NOT EXISTS (SELECT 1 FROM "
		"evidence_deletion d WHERE d.evidence_id = e.id)) THEN 1 ELSE 0 END, "
		"coalesce((SELECT max(x.reason) FROM recording_exemption x "
		"WHERE x.case_id = c.id AND x.stage = s.stage), '') "
		"FROM case_file c JOIN (SELECT u.case_id, u.stage, max(u.left_flag) AS left_flag "
		"FROM (SELECT t.case_id, t.from_stage AS stage, 1 AS left_flag "
		"FROM case_transition t JOIN case_file tc ON tc.id = t.case_id "
		"WHERE tc.agency_id = $1 AND t.from_stage <> '' "
		"UNION ALL SELECT oc.id, oc.stage, 0 FROM case_file oc WHERE oc.agency_id = $1 "
		"AND oc.stage NOT IN ('closed', 'archived')) u "
		"GROUP BY u.case_id, u.stage) s ON s.case_id = c.id "
		"WHERE c.agency_id = $1 ORDER BY c.created_at DESC, c.id DESC, s.stage",
		STORE__PARAMS(P_TEXT(agency_id)), err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		memset(&f, 0, sizeof(f));
		store__column_copy(f.case_id, sizeof(f.case_id), st, 0);
		store__column_copy(f.case_no, sizeof(f.case_no), st, 1);
		store__column_copy(f.kind, sizeof(f.kind), st, 2);
		f.list_version = db_column_int64(st, 3);
		store__column_copy(f.matter_code, sizeof(f.matter_code), st, 4);
		store__column_copy(f.stage, sizeof(f.stage), st, 5);
		f.left = db_column_int64(st, 6) != 0;
		f.current = db_column_int64(st, 7) != 0;
		f.has_video = db_column_int64(st, 8) != 0;
		f.has_audio = db_column_int64(st, 9) != 0;
		store__column_copy(f.exemption_reason, sizeof(f.exemption_reason), st, 10);
		if ((rc = cb(&f, ctx)) < 0)
			break;
	}
	db_finish(st);
	return rc < 0 ? rc : 0;
}

int store_case_records_each(struct store_tx *tx, const char *agency_id,
			    int (*cb)(const struct store_case_record *r, const char *case_no,
				      void *ctx),
			    void *ctx, struct sx_error *err)
{
	struct store_case_record r;
	char case_no[STORE_CASE_NO_SIZE];
	struct db_stmt *st = NULL;
	int rc;

	if (cb == NULL || case__empty(agency_id))
		return case__invalid(err);
	/* NULL bodies: case__record_from_row then allocates nothing. */
	rc = store__query(&st, tx,
			  "SELECT " RECORD_COLUMNS ", NULL, NULL, (SELECT c.case_no FROM case_file c "
			  "WHERE c.id = case_record.case_id) FROM case_record WHERE case_id IN "
			  "(SELECT id FROM case_file WHERE agency_id = $1) "
			  "ORDER BY created_at DESC, id DESC",
			  STORE__PARAMS(P_TEXT(agency_id)), err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if ((rc = case__record_from_row(&r, st, err)) < 0)
			break;
		store__column_copy(case_no, sizeof(case_no), st, 19);
		rc = cb(&r, case_no, ctx);
		store_case_record_clear(&r);
		if (rc < 0)
			break;
	}
	db_finish(st);
	return rc < 0 ? rc : 0;
}

/* ---- retention (service/evidence: the retention report) ---- */

int store_evidence_retention_each(struct store_tx *tx, const char *agency_id,
				  int (*cb)(const struct store_evidence *e, const char *case_no,
					    const char *archived_on, void *ctx),
				  void *ctx, struct sx_error *err)
{
	struct store_evidence e;
	struct db_stmt *st = NULL;
	char case_no[STORE_CASE_NO_SIZE], archived_on[11];
	int c = 8 + META_COLUMN_COUNT, rc;

	if (cb == NULL)
		return case__invalid(err);
	rc = store__query(&st, tx,
			  "SELECT e.id, " META_COLUMNS("e.") ", e.sha256, e.sm3, e.created_at, "
			  "e.created_by, coalesce(d.deleted_at, ''), coalesce(d.deleted_by, ''), "
			  "coalesce(d.reason, ''), c.case_no, c.archived_on "
			  "FROM evidence e LEFT JOIN evidence_deletion d ON d.evidence_id = e.id "
			  "JOIN case_file c ON c.id = e.case_id "
			  "WHERE CAST($1 AS TEXT) IS NULL OR c.agency_id = $1 "
			  "ORDER BY c.id, e.created_at, e.id",
			  STORE__PARAMS(P_TEXT(agency_id)), err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		case__evidence_from_row(&e, st);
		store__column_copy(case_no, sizeof(case_no), st, c);
		store__column_copy(archived_on, sizeof(archived_on), st, c + 1);
		if (cb(&e, case_no, archived_on, ctx) < 0)
			break;
	}
	if (rc < 0)
		goto cleanup;
	rc = 0;
cleanup:
	db_finish(st);
	return rc;
}
