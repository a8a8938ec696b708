/*
 * store/store_publication — the rows of 事后公开 (sql 0009, see
 * store_publication.h): one row per version of a published enforcement
 * decision, and the search index of the published ones (《行政处罚法》
 * 第四十八条; 国办发〔2018〕118号 二(三)).
 *
 * Invariants:
 *   * A row changes only through store_publication_update, a compare-and-set
 *     on the status: the row is read in the caller's write transaction (one
 *     writer at a time: SQLite's single writer, PostgreSQL's writer lock), a
 *     stored status other than the expected one is SX_ECONFLICT
 *     "stale_publication", and the UPDATE itself names the expected status as
 *     well, so that nothing is written unless the row is still as read.
 *   * Content columns (agency_name … full_text) are written while the stored
 *     status is draft; after that an update whose content differs from the
 *     stored one is refused whole (SX_ECONFLICT "content_frozen"), and one
 *     whose content is the same leaves those columns untouched (the 100 KiB
 *     full_text is not rewritten on every change of status). full_text NULL
 *     and full_text "" differ: a caller that read the row without its text
 *     and then moves a published row on gets "content_frozen" — read it with
 *     the text first.
 *   * Rows are never deleted (trigger of 0009). A version is corrected at
 *     most once (partial UNIQUE index on supersedes), so the versions of one
 *     decision form a single chain, which store_publication_history follows
 *     both ways with one recursive query.
 *   * Every value is a bound parameter; parameters that may be NULL are
 *     written "CAST($n AS TEXT) IS NULL" (store_internal.h). region_prefix is
 *     compared with substr and the search query with instr / strpos, so no
 *     character of either is special (no LIKE).
 *
 * Search (the statements differ by backend; db_backend_name decides):
 *   SQLite      publication_fts (FTS5, trigram tokenizer). A query of 3 or
 *               more characters (UTF-8 characters, not bytes: the tokenizer
 *               makes trigrams of characters) is MATCHed as one FTS5 phrase
 *               — wrapped in double quotes, each '"' doubled, so no FTS5
 *               operator or column filter in it has any effect — and then
 *               checked with instr: the trigram tokenizer folds case (also
 *               outside ASCII), instr and PostgreSQL's strpos do not. A
 *               shorter query, for which the tokenizer has no trigram, is
 *               instr(body, query) > 0 over every indexed row.
 *   PostgreSQL  publication_search: grams @> CAST($7 AS text[]) AND
 *               strpos(body, $1) > 0. The driver binds every parameter as
 *               text, so the query's grams travel as one array literal,
 *               '{"g1","g2",…}', every element double-quoted with '\' and
 *               '"' escaped by '\' (PostgreSQL "Array Value Input"): no
 *               element can end the literal or the statement. A query whose
 *               grams are none (only punctuation) gives '{}', which every
 *               row contains, and strpos alone decides.
 *   Both join publication for the filters and status = 'published', and the
 *   list and its total share one WHERE clause so that they agree.
 *
 * What it does not do: it checks no rule of publication (domain/publication,
 * domain/redact), normalizes no text and computes no grams (search/zhnorm,
 * called by service/publications), and checks no permission.
 */
#include "store/store_publication.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "store/store_internal.h"

/* Largest PostgreSQL array literal of grams (a 4 MiB normalized text, the most zhnorm
 * takes, has far fewer distinct grams than this allows). */
#define PUB_GRAMS_LITERAL_MAX_BYTES ((size_t)64 * 1024 * 1024)

static bool pub__empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

static int pub__invalid(struct sx_error *err)
{
	return sx_error_set(err, SX_EINVALID, NULL, NULL);
}

static int pub__not_found(struct sx_error *err)
{
	return sx_error_set(err, SX_ENOTFOUND, "publication_not_found", "公开信息不存在");
}

static bool pub__is_postgresql(const struct store_tx *tx)
{
	return strcmp(db_backend_name(tx->db), "postgresql") == 0;
}

/*
 * The columns of a publication in struct order, from the table aliased "p",
 * in two parts around full_text so that lists can select NULL for it.
 */
#define PUB_COLUMNS_A                                                                              \
	"p.id, p.agency_id, p.region_code, p.case_id, p.record_id, p.version, p.supersedes, "      \
	"p.status, p.act_type, p.decided_on, p.due_on, p.agency_name, p.party_type, "              \
	"p.party_name, p.party_code, p.category, p.conclusion, p.doc_no, p.legal_basis, "          \
	"p.penalty, p.fine_fen, p.confiscation_fen"
#define PUB_COLUMNS_C                                                                              \
	"p.override_reason, p.made_at, p.made_by, p.made_by_name, p.checked_at, p.checked_by, "    \
	"p.checked_by_name, p.published_at, p.published_on, p.returned_reason, "                   \
	"p.withhold_reason, p.withhold_text, p.withdraw_reason, p.withdraw_text, "                 \
	"p.withdraw_event_on, p.withdraw_due_on, p.withdrawn_at, p.withdrawn_by, "                 \
	"p.withdrawn_by_name, p.updated_at"
#define PUB_COLUMNS PUB_COLUMNS_A ", p.full_text, " PUB_COLUMNS_C
#define PUB_COLUMNS_NO_TEXT PUB_COLUMNS_A ", NULL, " PUB_COLUMNS_C

void store_publication_clear(struct store_publication *p)
{
	if (p == NULL)
		return;
	sx_free(p->full_text);
	memset(p, 0, sizeof(*p));
}

void store_publications_free(struct store_publication *p, size_t count)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < count; i++)
		store_publication_clear(&p[i]);
	sx_free(p);
}

#define PUB_COPY(field) store__column_copy(p->field, sizeof(p->field), st, c++)

/* Fills p from a row of PUB_COLUMNS (or _NO_TEXT). On error p holds nothing to free. */
static int pub__from_row(struct store_publication *p, struct db_stmt *st, struct sx_error *err)
{
	int c = 0, text_col;

	memset(p, 0, sizeof(*p));
	PUB_COPY(id);
	PUB_COPY(agency_id);
	PUB_COPY(region_code);
	PUB_COPY(case_id);
	PUB_COPY(record_id);
	p->version = db_column_int64(st, c++);
	PUB_COPY(supersedes);
	PUB_COPY(status);
	PUB_COPY(act_type);
	PUB_COPY(decided_on);
	PUB_COPY(due_on);
	PUB_COPY(agency_name);
	PUB_COPY(party_type);
	PUB_COPY(party_name);
	PUB_COPY(party_code);
	PUB_COPY(category);
	PUB_COPY(conclusion);
	PUB_COPY(doc_no);
	PUB_COPY(legal_basis);
	PUB_COPY(penalty);
	p->fine_fen = db_column_int64(st, c++);
	p->confiscation_fen = db_column_int64(st, c++);
	text_col = c++;
	PUB_COPY(override_reason);
	PUB_COPY(made_at);
	PUB_COPY(made_by);
	PUB_COPY(made_by_name);
	PUB_COPY(checked_at);
	PUB_COPY(checked_by);
	PUB_COPY(checked_by_name);
	PUB_COPY(published_at);
	PUB_COPY(published_on);
	PUB_COPY(returned_reason);
	PUB_COPY(withhold_reason);
	PUB_COPY(withhold_text);
	PUB_COPY(withdraw_reason);
	PUB_COPY(withdraw_text);
	PUB_COPY(withdraw_event_on);
	PUB_COPY(withdraw_due_on);
	PUB_COPY(withdrawn_at);
	PUB_COPY(withdrawn_by);
	PUB_COPY(withdrawn_by_name);
	PUB_COPY(updated_at);
	return store__column_dup(&p->full_text, st, text_col, err);
}

#undef PUB_COPY

/* Steps st to the end, collecting rows into *out / *count; finishes st. */
static int pub__collect(struct store_publication **out, size_t *count, struct db_stmt *st,
                        struct sx_error *err)
{
	struct store_publication *items = NULL;
	size_t len = 0, cap = 0;
	int rc;

	while ((rc = db_step(st, err)) == DB_ROW) {
		if ((rc = store__grow(&items, &cap, len, sizeof(*items), err)) < 0)
			goto cleanup;
		if ((rc = pub__from_row(&items[len], st, err)) < 0)
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
	store_publications_free(items, len);
	return rc;
}

/* ---- rows ---- */

static int pub__exists_error(struct sx_error *err, const struct store_publication *p)
{
	return sx_error_setf(err, SX_EEXISTS, "publication_exists",
	                     "该公开信息已存在或已被更正，请刷新后重试",
	                     "publication %s supersedes '%s'", p->id, p->supersedes);
}

int store_publication_insert(struct store_tx *tx, const struct store_publication *p,
                             struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (p == NULL || pub__empty(p->id) || pub__empty(p->agency_id) || p->version < 1)
		return pub__invalid(err);
	rc = store__exec(
	        tx, NULL,
	        "INSERT INTO publication (id, agency_id, region_code, case_id, record_id, version, "
	        "supersedes, status, act_type, decided_on, due_on, agency_name, party_type, "
	        "party_name, party_code, category, conclusion, doc_no, legal_basis, penalty, "
	        "fine_fen, confiscation_fen, full_text, override_reason, made_at, made_by, "
	        "made_by_name, checked_at, checked_by, checked_by_name, published_at, "
	        "published_on, "
	        "returned_reason, withhold_reason, withhold_text, withdraw_reason, withdraw_text, "
	        "withdraw_event_on, withdraw_due_on, withdrawn_at, withdrawn_by, "
	        "withdrawn_by_name, "
	        "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
	        "$15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, "
	        "$31, "
	        "$32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43)",
	        STORE__PARAMS(P_TEXT(p->id), P_TEXT(p->agency_id), P_TEXT(p->region_code),
	                      P_TEXT(p->case_id), P_TEXT(p->record_id), P_INT(p->version),
	                      P_TEXT(p->supersedes), P_TEXT(p->status), P_TEXT(p->act_type),
	                      P_TEXT(p->decided_on), P_TEXT(p->due_on), P_TEXT(p->agency_name),
	                      P_TEXT(p->party_type), P_TEXT(p->party_name), P_TEXT(p->party_code),
	                      P_TEXT(p->category), P_TEXT(p->conclusion), P_TEXT(p->doc_no),
	                      P_TEXT(p->legal_basis), P_TEXT(p->penalty), P_INT(p->fine_fen),
	                      P_INT(p->confiscation_fen), P_TEXT(p->full_text),
	                      P_TEXT(p->override_reason), P_TEXT(p->made_at), P_TEXT(p->made_by),
	                      P_TEXT(p->made_by_name), P_TEXT(p->checked_at), P_TEXT(p->checked_by),
	                      P_TEXT(p->checked_by_name), P_TEXT(p->published_at),
	                      P_TEXT(p->published_on), P_TEXT(p->returned_reason),
	                      P_TEXT(p->withhold_reason), P_TEXT(p->withhold_text),
	                      P_TEXT(p->withdraw_reason), P_TEXT(p->withdraw_text),
	                      P_TEXT(p->withdraw_event_on), P_TEXT(p->withdraw_due_on),
	                      P_TEXT(p->withdrawn_at), P_TEXT(p->withdrawn_by),
	                      P_TEXT(p->withdrawn_by_name), P_TEXT(p->updated_at)),
	        err);
	if (rc == SX_EEXISTS)
		return pub__exists_error(err, p);
	return rc;
}

/* Runs a query that selects PUB_COLUMNS (or _NO_TEXT) and expects at most one row. */
static int pub__one(struct store_publication *out, struct store_tx *tx, const char *sql,
                    const char *param, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (pub__empty(param))
		return pub__not_found(err);
	if ((rc = store__query(&st, tx, sql, STORE__PARAMS(P_TEXT(param)), err)) < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW)
		rc = pub__from_row(out, st, err);
	else if (rc == DB_DONE)
		rc = pub__not_found(err);
	db_finish(st);
	return rc;
}

int store_publication_get(struct store_publication *out, struct store_tx *tx, const char *id,
                          bool with_text, struct sx_error *err)
{
	return pub__one(out, tx,
	                with_text ? "SELECT " PUB_COLUMNS " FROM publication p WHERE p.id = $1"
	                          : "SELECT " PUB_COLUMNS_NO_TEXT
	                            " FROM publication p WHERE p.id = $1",
	                id, err);
}

/* The whole row, full_text included (the header makes no exception, unlike history and
 * the lists). */
int store_publication_by_record(struct store_publication *out, struct store_tx *tx,
                                const char *record_id, struct sx_error *err)
{
	return pub__one(out, tx,
	                "SELECT " PUB_COLUMNS " FROM publication p WHERE p.record_id = $1 "
	                "ORDER BY p.version DESC, p.id LIMIT 1",
	                record_id, err);
}

/*
 * The chain is linear (a version is corrected at most once), so it is the
 * ancestors of id (up, through supersedes) together with its descendants
 * (down, through the rows that supersede it). UNION, not UNION ALL, ends the
 * recursion even on a cycle, which no sequence of inserts through the service
 * can make. SX_ENOTFOUND when id names no row.
 */
int store_publication_history(struct store_publication **out, size_t *count, struct store_tx *tx,
                              const char *id, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	*out = NULL;
	*count = 0;
	if (pub__empty(id))
		return pub__not_found(err);
	rc = store__query(
	        &st, tx,
	        "WITH RECURSIVE up(id, supersedes) AS ("
	        " SELECT id, supersedes FROM publication WHERE id = $1"
	        " UNION SELECT q.id, q.supersedes FROM publication q"
	        " JOIN up ON q.id = up.supersedes),"
	        " down(id) AS ("
	        " SELECT id FROM publication WHERE id = $1"
	        " UNION SELECT q.id FROM publication q JOIN down ON q.supersedes = down.id)"
	        " SELECT " PUB_COLUMNS_NO_TEXT " FROM publication p"
	        " WHERE p.id IN (SELECT id FROM up UNION SELECT id FROM down)"
	        " ORDER BY p.version, p.id",
	        STORE__PARAMS(P_TEXT(id)), err);
	if (rc < 0)
		return rc;
	if ((rc = pub__collect(out, count, st, err)) < 0)
		return rc;
	if (*count == 0)
		return pub__not_found(err);
	return 0;
}

static bool pub__same_text(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Whether the content columns (agency_name … full_text) of a and b are equal. */
static bool pub__same_content(const struct store_publication *a, const struct store_publication *b)
{
	return strcmp(a->agency_name, b->agency_name) == 0 &&
	       strcmp(a->party_type, b->party_type) == 0 &&
	       strcmp(a->party_name, b->party_name) == 0 &&
	       strcmp(a->party_code, b->party_code) == 0 && strcmp(a->category, b->category) == 0 &&
	       strcmp(a->conclusion, b->conclusion) == 0 && strcmp(a->doc_no, b->doc_no) == 0 &&
	       strcmp(a->legal_basis, b->legal_basis) == 0 && strcmp(a->penalty, b->penalty) == 0 &&
	       a->fine_fen == b->fine_fen && a->confiscation_fen == b->confiscation_fen &&
	       pub__same_text(a->full_text, b->full_text);
}

static int pub__stale(struct sx_error *err, const char *id, const char *expected_status)
{
	return sx_error_setf(err, SX_ECONFLICT, "stale_publication",
	                     "公开信息状态已被他人更新，请刷新后重试",
	                     "publication %s: status is no longer %s", id, expected_status);
}

/* $1 id, $2 expected status, then status and the non-content columns after it. */
#define PUB_UPDATE_STATE_SET                                                                       \
	"status = $3, act_type = $4, decided_on = $5, due_on = $6, override_reason = $7, "         \
	"made_at = $8, made_by = $9, made_by_name = $10, checked_at = $11, checked_by = $12, "     \
	"checked_by_name = $13, published_at = $14, published_on = $15, returned_reason = $16, "   \
	"withhold_reason = $17, withhold_text = $18, withdraw_reason = $19, withdraw_text = $20, " \
	"withdraw_event_on = $21, withdraw_due_on = $22, withdrawn_at = $23, withdrawn_by = $24, " \
	"withdrawn_by_name = $25, updated_at = $26"
#define PUB_UPDATE_STATE_PARAMS(p, expected)                                                       \
	P_TEXT((p)->id), P_TEXT(expected), P_TEXT((p)->status), P_TEXT((p)->act_type),             \
	        P_TEXT((p)->decided_on), P_TEXT((p)->due_on), P_TEXT((p)->override_reason),        \
	        P_TEXT((p)->made_at), P_TEXT((p)->made_by), P_TEXT((p)->made_by_name),             \
	        P_TEXT((p)->checked_at), P_TEXT((p)->checked_by), P_TEXT((p)->checked_by_name),    \
	        P_TEXT((p)->published_at), P_TEXT((p)->published_on),                              \
	        P_TEXT((p)->returned_reason), P_TEXT((p)->withhold_reason),                        \
	        P_TEXT((p)->withhold_text), P_TEXT((p)->withdraw_reason),                          \
	        P_TEXT((p)->withdraw_text), P_TEXT((p)->withdraw_event_on),                        \
	        P_TEXT((p)->withdraw_due_on), P_TEXT((p)->withdrawn_at),                           \
	        P_TEXT((p)->withdrawn_by), P_TEXT((p)->withdrawn_by_name), P_TEXT((p)->updated_at)

int store_publication_update(struct store_tx *tx, const struct store_publication *p,
                             const char *expected_status, struct sx_error *err)
{
	struct store_publication stored;
	bool draft;
	int64_t changed = 0;
	int rc;

	memset(&stored, 0, sizeof(stored));
	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (p == NULL || pub__empty(p->id) || pub__empty(expected_status))
		return pub__invalid(err);
	if ((rc = store_publication_get(&stored, tx, p->id, true, err)) < 0)
		return rc;
	if (strcmp(stored.status, expected_status) != 0) {
		rc = pub__stale(err, p->id, expected_status);
		goto cleanup;
	}
	draft = strcmp(stored.status, "draft") == 0;
	if (!draft && !pub__same_content(&stored, p)) {
		rc = sx_error_setf(err, SX_ECONFLICT, "content_frozen",
		                   "公开信息已提交，内容不能再修改；如需更正，请发布更正版本",
		                   "publication %s: content differs in status %s", p->id,
		                   stored.status);
		goto cleanup;
	}
	if (draft)
		rc = store__exec(
		        tx, &changed,
		        "UPDATE publication SET " PUB_UPDATE_STATE_SET ", agency_name = $27, "
		        "party_type = $28, party_name = $29, party_code = $30, category = $31, "
		        "conclusion = $32, doc_no = $33, legal_basis = $34, penalty = $35, "
		        "fine_fen = $36, confiscation_fen = $37, full_text = $38 "
		        "WHERE id = $1 AND status = $2",
		        STORE__PARAMS(
		                PUB_UPDATE_STATE_PARAMS(p, expected_status), P_TEXT(p->agency_name),
		                P_TEXT(p->party_type), P_TEXT(p->party_name), P_TEXT(p->party_code),
		                P_TEXT(p->category), P_TEXT(p->conclusion), P_TEXT(p->doc_no),
		                P_TEXT(p->legal_basis), P_TEXT(p->penalty), P_INT(p->fine_fen),
		                P_INT(p->confiscation_fen), P_TEXT(p->full_text)),
		        err);
	else
		rc = store__exec(tx, &changed,
		                 "UPDATE publication SET " PUB_UPDATE_STATE_SET
		                 " WHERE id = $1 AND status = $2",
		                 STORE__PARAMS(PUB_UPDATE_STATE_PARAMS(p, expected_status)), err);
	if (rc < 0)
		goto cleanup;
	/* Read above in this write transaction: only a bug elsewhere could make this 0. */
	rc = changed == 1 ? 0 : pub__stale(err, p->id, expected_status);
cleanup:
	store_publication_clear(&stored);
	return rc;
}

/* ---- lists ---- */

/* A publication task: publication not done, or a withdrawal not done. */
#define PUB_IS_TASK                                                                                \
	"(p.status IN ('draft', 'pending_check') OR (p.status = 'published' AND "                  \
	"p.withdraw_event_on <> ''))"
/* The due date of a task: of the publication, else of the withdrawal. */
#define PUB_TASK_DUE                                                                               \
	"(CASE WHEN p.status IN ('draft', 'pending_check') THEN p.due_on "                         \
	"ELSE p.withdraw_due_on END)"

/*
 * The WHERE clause of store_publication_filter, shared by the list and its
 * count so that their totals agree. $1 agency, $2 region prefix (substr: no
 * character is special), $3 status, $4 tasks_only 0/1, $5 overdue_on (a task
 * whose due date is set and before it; given alone it still selects tasks
 * only), $6 act type, $7 from_on, $8 to_on.
 */
#define PUB_FILTER_FROM_WHERE                                                                      \
	" FROM publication p"                                                                      \
	" WHERE (CAST($1 AS TEXT) IS NULL OR p.agency_id = $1)"                                    \
	" AND (CAST($2 AS TEXT) IS NULL OR substr(p.region_code, 1, length($2)) = $2)"             \
	" AND (CAST($3 AS TEXT) IS NULL OR p.status = $3)"                                         \
	" AND ($4 = 0 OR " PUB_IS_TASK ")"                                                         \
	" AND (CAST($5 AS TEXT) IS NULL OR (" PUB_IS_TASK " AND " PUB_TASK_DUE " <> ''"            \
	" AND " PUB_TASK_DUE " < $5))"                                                             \
	" AND (CAST($6 AS TEXT) IS NULL OR p.act_type = $6)"                                       \
	" AND (CAST($7 AS TEXT) IS NULL OR p.decided_on >= $7)"                                    \
	" AND (CAST($8 AS TEXT) IS NULL OR p.decided_on <= $8)"

#define PUB_FILTER_PARAMS(f)                                                                       \
	P_OPT_TEXT((f)->agency_id), P_OPT_TEXT((f)->region_prefix), P_OPT_TEXT((f)->status),       \
	        P_INT((f)->tasks_only ? 1 : 0), P_OPT_TEXT((f)->overdue_on),                       \
	        P_OPT_TEXT((f)->act_type), P_OPT_TEXT((f)->from_on), P_OPT_TEXT((f)->to_on)

int store_publication_list(struct store_publication **out, size_t *count, struct store_tx *tx,
                           const struct store_publication_filter *filter, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	bool tasks;
	int rc;

	*out = NULL;
	*count = 0;
	if (filter == NULL || filter->limit < 1 || filter->offset < 0)
		return pub__invalid(err);
	/* Tasks soonest due first (the work list); others newest decision first. */
	tasks = filter->tasks_only || !pub__empty(filter->overdue_on);
	rc = store__query(&st, tx,
	                  tasks ? "SELECT " PUB_COLUMNS_NO_TEXT PUB_FILTER_FROM_WHERE
	                          " ORDER BY " PUB_TASK_DUE ", p.id LIMIT $9 OFFSET $10"
	                        : "SELECT " PUB_COLUMNS_NO_TEXT PUB_FILTER_FROM_WHERE
	                          " ORDER BY p.decided_on DESC, p.id LIMIT $9 OFFSET $10",
	                  STORE__PARAMS(PUB_FILTER_PARAMS(filter), P_INT(filter->limit),
	                                P_INT(filter->offset)),
	                  err);
	if (rc < 0)
		return rc;
	return pub__collect(out, count, st, err);
}

int store_publication_list_count(int64_t *out, struct store_tx *tx,
                                 const struct store_publication_filter *filter,
                                 struct sx_error *err)
{
	*out = 0;
	if (filter == NULL)
		return pub__invalid(err);
	return store__query_int64(out, tx, "SELECT count(*)" PUB_FILTER_FROM_WHERE,
	                          STORE__PARAMS(PUB_FILTER_PARAMS(filter)), err);
}

/* ---- the search index ---- */

/*
 * '{"g1","g2",…}' for grams[0..count) in *out (sx_free): the text form of a
 * PostgreSQL text[] that CAST(… AS text[]) reads back element for element.
 */
static int pub__grams_literal(char **out, const char *const *grams, size_t count,
                              struct sx_error *err)
{
	struct buf b;
	int rc = 0;

	*out = NULL;
	if (count > 0 && grams == NULL)
		return pub__invalid(err);
	buf_init(&b, PUB_GRAMS_LITERAL_MAX_BYTES);
	rc = buf_append_char(&b, '{');
	for (size_t i = 0; rc == 0 && i < count; i++) {
		if (grams[i] == NULL) {
			rc = SX_EINVALID;
			break;
		}
		if (i > 0)
			rc = buf_append_char(&b, ',');
		if (rc == 0)
			rc = buf_append_char(&b, '"');
		for (const char *s = grams[i]; rc == 0 && *s; s++) {
			if (*s == '"' || *s == '\\')
				rc = buf_append_char(&b, '\\');
			if (rc == 0)
				rc = buf_append_char(&b, *s);
		}
		if (rc == 0)
			rc = buf_append_char(&b, '"');
	}
	if (rc == 0)
		rc = buf_append_char(&b, '}');
	if (rc < 0) {
		buf_free(&b);
		return sx_error_set(err, rc, NULL, NULL);
	}
	*out = buf_detach(&b, NULL);
	if (*out == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	return 0;
}

int store_publication_index_put(struct store_tx *tx, const char *publication_id,
                                const char *normalized, const char *const *grams, size_t gram_count,
                                struct sx_error *err)
{
	char *literal = NULL;
	int64_t exists = 0;
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (pub__empty(publication_id) || normalized == NULL)
		return pub__invalid(err);
	/* The same answer on both backends (PostgreSQL's foreign key would say SX_EINVALID,
	 * an FTS5 table has none). */
	rc = store__query_int64(&exists, tx, "SELECT count(*) FROM publication WHERE id = $1",
	                        STORE__PARAMS(P_TEXT(publication_id)), err);
	if (rc < 0)
		return rc;
	if (exists == 0)
		return pub__not_found(err);
	if (pub__is_postgresql(tx)) {
		if ((rc = pub__grams_literal(&literal, grams, gram_count, err)) < 0)
			return rc;
		/* "excluded" names the row that was refused (PostgreSQL >= 9.5). */
		rc = store__exec(
		        tx, NULL,
		        "INSERT INTO publication_search (publication_id, body, grams) "
		        "VALUES ($1, $2, CAST($3 AS text[])) ON CONFLICT (publication_id) "
		        "DO UPDATE SET body = excluded.body, grams = excluded.grams",
		        STORE__PARAMS(P_TEXT(publication_id), P_TEXT(normalized), P_TEXT(literal)),
		        err);
		sx_free(literal);
		return rc;
	}
	/* FTS5 tables have no unique key to upsert on: replace by hand. */
	rc = store__exec(tx, NULL, "DELETE FROM publication_fts WHERE publication_id = $1",
	                 STORE__PARAMS(P_TEXT(publication_id)), err);
	if (rc < 0)
		return rc;
	return store__exec(tx, NULL,
	                   "INSERT INTO publication_fts (publication_id, body) VALUES ($1, $2)",
	                   STORE__PARAMS(P_TEXT(publication_id), P_TEXT(normalized)), err);
}

int store_publication_index_delete(struct store_tx *tx, const char *publication_id,
                                   struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (pub__empty(publication_id))
		return pub__invalid(err);
	return store__exec(tx, NULL,
	                   pub__is_postgresql(tx)
	                           ? "DELETE FROM publication_search WHERE publication_id = $1"
	                           : "DELETE FROM publication_fts WHERE publication_id = $1",
	                   STORE__PARAMS(P_TEXT(publication_id)), err);
}

/* Characters of the UTF-8 text s (its bytes that are not continuation bytes). */
static size_t pub__utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* The query as one FTS5 phrase: "…" with every '"' doubled, in *out (sx_free). */
static int pub__fts_phrase(char **out, const char *query, struct sx_error *err)
{
	size_t len = strlen(query), quotes = 0, n = 0;
	char *s;

	*out = NULL;
	for (const char *q = query; *q; q++)
		quotes += *q == '"';
	if (len > (SIZE_MAX - 3) / 2)
		return sx_error_set(err, SX_ETOOBIG, NULL, NULL);
	if ((s = sx_malloc(len + quotes + 3)) == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	s[n++] = '"';
	for (const char *q = query; *q; q++) {
		s[n++] = *q;
		if (*q == '"')
			s[n++] = '"';
	}
	s[n++] = '"';
	s[n] = '\0';
	*out = s;
	return 0;
}

/*
 * The filters of a search after its FROM/WHERE head: $2 agency, $3 region
 * prefix, $4 act type, $5 from_on, $6 to_on; only published rows.
 */
#define PUB_SEARCH_FILTERS                                                                         \
	" AND p.status = 'published'"                                                              \
	" AND (CAST($2 AS TEXT) IS NULL OR p.agency_id = $2)"                                      \
	" AND (CAST($3 AS TEXT) IS NULL OR substr(p.region_code, 1, length($3)) = $3)"             \
	" AND (CAST($4 AS TEXT) IS NULL OR p.act_type = $4)"                                       \
	" AND (CAST($5 AS TEXT) IS NULL OR p.decided_on >= $5)"                                    \
	" AND (CAST($6 AS TEXT) IS NULL OR p.decided_on <= $6)"

/* $1 the query; $7 its FTS5 phrase. */
#define PUB_SEARCH_SQLITE_LONG                                                                     \
	" FROM publication_fts f JOIN publication p ON p.id = f.publication_id"                    \
	" WHERE publication_fts MATCH $7 AND instr(f.body, $1) > 0" PUB_SEARCH_FILTERS
/* $1 the query. */
#define PUB_SEARCH_SQLITE_SHORT                                                                    \
	" FROM publication_fts f JOIN publication p ON p.id = f.publication_id"                    \
	" WHERE instr(f.body, $1) > 0" PUB_SEARCH_FILTERS
/* $1 the query; $7 the array literal of its grams. */
#define PUB_SEARCH_PG                                                                              \
	" FROM publication_search s JOIN publication p ON p.id = s.publication_id"                 \
	" WHERE s.grams @> CAST($7 AS text[]) AND strpos(s.body, $1) > 0" PUB_SEARCH_FILTERS

#define PUB_SEARCH_ORDER " ORDER BY p.decided_on DESC, p.id"

int store_publication_search(struct store_publication **out, size_t *count, int64_t *total,
                             struct store_tx *tx, const struct store_publication_search *q,
                             struct sx_error *err)
{
	struct store__param params[9];
	const char *list_sql, *count_sql;
	char *extra = NULL; /* $7: the FTS5 phrase or the grams' array literal; NULL = none */
	struct db_stmt *st = NULL;
	size_t n;
	int rc;

	*out = NULL;
	*count = 0;
	*total = 0;
	if (q == NULL || pub__empty(q->query) || q->limit < 1 || q->offset < 0)
		return pub__invalid(err);
	if (pub__is_postgresql(tx)) {
		if ((rc = pub__grams_literal(&extra, q->grams, q->gram_count, err)) < 0)
			return rc;
		list_sql = "SELECT " PUB_COLUMNS_NO_TEXT PUB_SEARCH_PG PUB_SEARCH_ORDER
		           " LIMIT $8 OFFSET $9";
		count_sql = "SELECT count(*)" PUB_SEARCH_PG;
	} else if (pub__utf8_chars(q->query) >= 3) {
		if ((rc = pub__fts_phrase(&extra, q->query, err)) < 0)
			return rc;
		list_sql = "SELECT " PUB_COLUMNS_NO_TEXT PUB_SEARCH_SQLITE_LONG PUB_SEARCH_ORDER
		           " LIMIT $8 OFFSET $9";
		count_sql = "SELECT count(*)" PUB_SEARCH_SQLITE_LONG;
	} else {
		list_sql = "SELECT " PUB_COLUMNS_NO_TEXT PUB_SEARCH_SQLITE_SHORT PUB_SEARCH_ORDER
		           " LIMIT $7 OFFSET $8";
		count_sql = "SELECT count(*)" PUB_SEARCH_SQLITE_SHORT;
	}
	n = 0;
	params[n++] = P_TEXT(q->query);
	params[n++] = P_OPT_TEXT(q->agency_id);
	params[n++] = P_OPT_TEXT(q->region_prefix);
	params[n++] = P_OPT_TEXT(q->act_type);
	params[n++] = P_OPT_TEXT(q->from_on);
	params[n++] = P_OPT_TEXT(q->to_on);
	if (extra != NULL)
		params[n++] = P_TEXT(extra);
	if ((rc = store__query_int64(total, tx, count_sql, params, n, err)) < 0)
		goto cleanup;
	params[n++] = P_INT(q->limit);
	params[n++] = P_INT(q->offset);
	if ((rc = store__query(&st, tx, list_sql, params, n, err)) < 0)
		goto cleanup;
	rc = pub__collect(out, count, st, err);
cleanup:
	if (rc < 0)
		*total = 0;
	sx_free(extra);
	return rc;
}
