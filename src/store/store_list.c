/*
 * store/store_list — versions of an agency's public lists and their items
 * (sql 0005, see store.h). Content rows are only ever inserted; the version
 * row changes once (pending → approved | rejected) and the database itself
 * refuses anything else (triggers in 0005).
 *
 * Version numbers are max+1 inside the write transaction; with one writer
 * (SQLite) that cannot race, and UNIQUE (agency_id, version) turns any race
 * on another backend into SX_EEXISTS rather than a duplicate.
 */
#include <string.h>

#include "base/mem.h"
#include "store/store_internal.h"

#define VERSION_COLUMNS                                                                            \
	"id, agency_id, version, status, effective_from, summary, item_count, content_sha256, "   \
	"created_at, created_by, decided_at, decided_by, decision_note"

static void store__version_from_row(struct store_list_version *v, struct db_stmt *st)
{
	memset(v, 0, sizeof(*v));
	store__column_copy(v->id, sizeof(v->id), st, 0);
	store__column_copy(v->agency_id, sizeof(v->agency_id), st, 1);
	v->version = db_column_int64(st, 2);
	store__column_copy(v->status, sizeof(v->status), st, 3);
	store__column_copy(v->effective_from, sizeof(v->effective_from), st, 4);
	store__column_copy(v->summary, sizeof(v->summary), st, 5);
	v->item_count = db_column_int64(st, 6);
	store__column_copy(v->content_sha256, sizeof(v->content_sha256), st, 7);
	store__column_copy(v->created_at, sizeof(v->created_at), st, 8);
	store__column_copy(v->created_by, sizeof(v->created_by), st, 9);
	store__column_copy(v->decided_at, sizeof(v->decided_at), st, 10);
	store__column_copy(v->decided_by, sizeof(v->decided_by), st, 11);
	store__column_copy(v->decision_note, sizeof(v->decision_note), st, 12);
}

int store_list_version_insert(struct store_tx *tx, const struct store_list_version *v,
			      struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	rc = store__exec(tx, NULL,
			 "INSERT INTO list_version (id, agency_id, version, status, effective_from, "
			 "summary, item_count, content_sha256, created_at, created_by) "
			 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
			 STORE__PARAMS(P_TEXT(v->id), P_TEXT(v->agency_id), P_INT(v->version),
				       P_TEXT(v->status), P_TEXT(v->effective_from),
				       P_TEXT(v->summary), P_INT(v->item_count),
				       P_TEXT(v->content_sha256), P_TEXT(v->created_at),
				       P_TEXT(v->created_by)),
			 err);
	if (rc == SX_EEXISTS)
		return sx_error_set(err, SX_EEXISTS, "list_version_exists",
				    "该清单版本号已存在，请刷新后重试");
	return rc;
}

int store_list_item_insert(struct store_tx *tx, const char *version_id,
			   const struct store_list_item *item, struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	rc = store__exec(tx, NULL,
			 "INSERT INTO list_item (version_id, ord, code, name, act_type, "
			 "random_inspection, major_decision, av_requirement, body) "
			 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
			 STORE__PARAMS(P_TEXT(version_id), P_INT(item->ord), P_TEXT(item->code),
				       P_TEXT(item->name), P_TEXT(item->act_type),
				       P_INT(item->random_inspection ? 1 : 0),
				       P_INT(item->major_decision ? 1 : 0),
				       P_TEXT(item->av_requirement), P_TEXT(item->body)),
			 err);
	if (rc == SX_EEXISTS)
		return sx_error_setf(err, SX_EEXISTS, "matter_duplicate_code",
				     "清单中有重复的事项编码", "code %s", item->code);
	return rc;
}

/* Runs a query expected to return at most one version row. */
static int store__version_one(struct store_list_version *out, struct store_tx *tx,
			      const char *sql, const struct store__param *params, size_t count,
			      struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	if ((rc = store__query(&st, tx, sql, params, count, err)) < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		store__version_from_row(out, st);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = sx_error_set(err, SX_ENOTFOUND, "list_version_not_found", "清单版本不存在");
	}
	db_finish(st);
	return rc;
}

int store_list_version_get(struct store_list_version *out, struct store_tx *tx,
			   const char *agency_id, int64_t version, struct sx_error *err)
{
	return store__version_one(out, tx,
				  "SELECT " VERSION_COLUMNS " FROM list_version "
				  "WHERE agency_id = $1 AND version = $2",
				  STORE__PARAMS(P_TEXT(agency_id), P_INT(version)), err);
}

int store_list_version_latest(struct store_list_version *out, struct store_tx *tx,
			      const char *agency_id, const char *status, struct sx_error *err)
{
	if (status == NULL)
		return store__version_one(out, tx,
					  "SELECT " VERSION_COLUMNS " FROM list_version "
					  "WHERE agency_id = $1 ORDER BY version DESC LIMIT 1",
					  STORE__PARAMS(P_TEXT(agency_id)), err);
	return store__version_one(out, tx,
				  "SELECT " VERSION_COLUMNS " FROM list_version "
				  "WHERE agency_id = $1 AND status = $2 "
				  "ORDER BY version DESC LIMIT 1",
				  STORE__PARAMS(P_TEXT(agency_id), P_TEXT(status)), err);
}

int store_list_version_current(struct store_list_version *out, struct store_tx *tx,
			       const char *agency_id, const char *today, struct sx_error *err)
{
	return store__version_one(out, tx,
				  "SELECT " VERSION_COLUMNS " FROM list_version "
				  "WHERE agency_id = $1 AND status = 'approved' "
				  "AND effective_from <= $2 ORDER BY version DESC LIMIT 1",
				  STORE__PARAMS(P_TEXT(agency_id), P_TEXT(today)), err);
}

int store_list_version_list(struct store_list_version **out, size_t *count, struct store_tx *tx,
			    const char *agency_id, bool include_all, struct sx_error *err)
{
	struct store_list_version *items = NULL;
	size_t len = 0, cap = 0;
	struct db_stmt *st = NULL;
	int rc;

	*out = NULL;
	*count = 0;
	rc = store__query(&st, tx,
			  "SELECT " VERSION_COLUMNS " FROM list_version WHERE agency_id = $1 "
			  "AND ($2 = 1 OR status = 'approved') ORDER BY version DESC",
			  STORE__PARAMS(P_TEXT(agency_id), P_INT(include_all ? 1 : 0)), err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if ((rc = store__grow(&items, &cap, len, sizeof(*items), err)) < 0)
			goto cleanup;
		store__version_from_row(&items[len++], st);
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

int store_list_version_max(int64_t *out, struct store_tx *tx, const char *agency_id,
			   struct sx_error *err)
{
	return store__query_int64(out, tx,
				  "SELECT coalesce(max(version), 0) FROM list_version "
				  "WHERE agency_id = $1",
				  STORE__PARAMS(P_TEXT(agency_id)), err);
}

int store_list_version_decide(struct store_tx *tx, const char *id, const char *status,
			      const char *effective_from, const char *decided_at,
			      const char *decided_by, const char *note, struct sx_error *err)
{
	int64_t changed = 0;
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	rc = store__exec(tx, &changed,
			 "UPDATE list_version SET status = $2, effective_from = $3, "
			 "decided_at = $4, decided_by = $5, decision_note = $6 "
			 "WHERE id = $1 AND status = 'pending'",
			 STORE__PARAMS(P_TEXT(id), P_TEXT(status), P_TEXT(effective_from),
				       P_TEXT(decided_at), P_TEXT(decided_by),
				       P_TEXT(note ? note : "")),
			 err);
	if (rc < 0)
		return rc;
	if (changed != 1)
		return sx_error_set(err, SX_ECONFLICT, "list_version_decided",
				    "该清单版本已审核过，不能再次审核");
	return 0;
}

int store_list_items(struct store_list_item **out, size_t *count, struct store_tx *tx,
		     const char *version_id, const struct store_list_item_filter *filter,
		     struct sx_error *err)
{
	struct store_list_item *items = NULL;
	size_t len = 0, cap = 0;
	struct db_stmt *st = NULL;
	int rc;

	*out = NULL;
	*count = 0;
	if (filter == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	rc = store__query(&st, tx,
			  "SELECT ord, code, name, act_type, random_inspection, major_decision, "
			  "av_requirement, CASE WHEN $5 = 1 THEN body ELSE NULL END "
			  "FROM list_item WHERE version_id = $1 "
			  "AND (CAST($2 AS TEXT) IS NULL OR code = $2) "
			  "AND ($3 = 0 OR random_inspection = 1) "
			  "AND ($4 = 0 OR av_requirement <> 'none') ORDER BY ord",
			  STORE__PARAMS(P_TEXT(version_id), P_OPT_TEXT(filter->code),
					P_INT(filter->random_only ? 1 : 0),
					P_INT(filter->av_only ? 1 : 0),
					P_INT(filter->with_body ? 1 : 0)),
			  err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		struct store_list_item *it;

		if ((rc = store__grow(&items, &cap, len, sizeof(*items), err)) < 0)
			goto cleanup;
		it = &items[len];
		memset(it, 0, sizeof(*it));
		it->ord = db_column_int64(st, 0);
		store__column_copy(it->code, sizeof(it->code), st, 1);
		store__column_copy(it->name, sizeof(it->name), st, 2);
		store__column_copy(it->act_type, sizeof(it->act_type), st, 3);
		it->random_inspection = db_column_int64(st, 4) != 0;
		it->major_decision = db_column_int64(st, 5) != 0;
		store__column_copy(it->av_requirement, sizeof(it->av_requirement), st, 6);
		if (!db_column_is_null(st, 7)) {
			size_t n = db_column_bytes(st, 7);

			if ((it->body = sx_malloc(n + 1)) == NULL) {
				rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
				goto cleanup;
			}
			memcpy(it->body, db_column_text(st, 7), n);
			it->body[n] = '\0';
		}
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
	store_list_items_free(items, len);
	return rc;
}

void store_list_items_free(struct store_list_item *items, size_t count)
{
	if (items == NULL)
		return;
	for (size_t i = 0; i < count; i++)
		sx_free(items[i].body);
	sx_free(items);
}
