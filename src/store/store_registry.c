/*
 * store/store_registry — agencies, officers and the audit trail
 * (see store.h): the rows behind accounts, the demo data and the public
 * registry pages (事前公开).
 *
 * Invariant: the public officer rows (store_officer_public) are read by a
 * query that never selects id_number, so the secret cannot reach them.
 * Search text is always a bound parameter; LIKE patterns are built by
 * escaping the user's text in C (store__like_pattern), never by pasting it
 * into SQL.
 */
#include <stdint.h>
#include <string.h>

#include "base/id.h"
#include "base/mem.h"
#include "base/time.h"
#include "store/store_internal.h"

#define AGENCY_COLUMNS                                                                             \
	"id, name, credit_code, level, region_code, parent_id, is_justice_bureau, active, "       \
	"created_at, created_by, duties, address, phone, complaint_channel"

int store_agency_insert(struct store_tx *tx, const struct store_agency *a, struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	rc = store__exec(tx, NULL,
			 "INSERT INTO agency (" AGENCY_COLUMNS ") "
			 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
			 STORE__PARAMS(P_TEXT(a->id), P_TEXT(a->name), P_TEXT(a->credit_code),
				       P_TEXT(a->level), P_TEXT(a->region_code),
				       P_OPT_TEXT(a->parent_id), P_INT(a->is_justice_bureau ? 1 : 0),
				       P_INT(a->active ? 1 : 0), P_TEXT(a->created_at),
				       P_TEXT(a->created_by), P_TEXT(a->duties), P_TEXT(a->address),
				       P_TEXT(a->phone), P_TEXT(a->complaint_channel)),
			 err);
	if (rc == SX_EEXISTS)
		return sx_error_set(err, SX_EEXISTS, "exists", "统一社会信用代码已被登记");
	return rc;
}

static void store__agency_from_row(struct store_agency *a, struct db_stmt *st)
{
	memset(a, 0, sizeof(*a));
	store__column_copy(a->id, sizeof(a->id), st, 0);
	store__column_copy(a->name, sizeof(a->name), st, 1);
	store__column_copy(a->credit_code, sizeof(a->credit_code), st, 2);
	store__column_copy(a->level, sizeof(a->level), st, 3);
	store__column_copy(a->region_code, sizeof(a->region_code), st, 4);
	store__column_copy(a->parent_id, sizeof(a->parent_id), st, 5);
	a->is_justice_bureau = db_column_int64(st, 6) != 0;
	a->active = db_column_int64(st, 7) != 0;
	store__column_copy(a->created_at, sizeof(a->created_at), st, 8);
	store__column_copy(a->created_by, sizeof(a->created_by), st, 9);
	store__column_copy(a->duties, sizeof(a->duties), st, 10);
	store__column_copy(a->address, sizeof(a->address), st, 11);
	store__column_copy(a->phone, sizeof(a->phone), st, 12);
	store__column_copy(a->complaint_channel, sizeof(a->complaint_channel), st, 13);
}

int store_agency_get(struct store_agency *out, struct store_tx *tx, const char *id,
		     struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store__query(&st, tx, "SELECT " AGENCY_COLUMNS " FROM agency WHERE id = $1",
			  STORE__PARAMS(P_TEXT(id)), err);
	if (rc < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		store__agency_from_row(out, st);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = sx_error_set(err, SX_ENOTFOUND, "agency_not_found", "执法机关不存在");
	}
	db_finish(st);
	return rc;
}

int store_agency_update(struct store_tx *tx, const struct store_agency *a, struct sx_error *err)
{
	int64_t changed = 0;
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	rc = store__exec(tx, &changed,
			 "UPDATE agency SET name = $2, level = $3, region_code = $4, parent_id = $5, "
			 "is_justice_bureau = $6, active = $7, duties = $8, address = $9, phone = $10, "
			 "complaint_channel = $11 WHERE id = $1",
			 STORE__PARAMS(P_TEXT(a->id), P_TEXT(a->name), P_TEXT(a->level),
				       P_TEXT(a->region_code), P_OPT_TEXT(a->parent_id),
				       P_INT(a->is_justice_bureau ? 1 : 0), P_INT(a->active ? 1 : 0),
				       P_TEXT(a->duties), P_TEXT(a->address), P_TEXT(a->phone),
				       P_TEXT(a->complaint_channel)),
			 err);
	if (rc < 0)
		return rc;
	if (changed != 1)
		return sx_error_set(err, SX_ENOTFOUND, "agency_not_found", "执法机关不存在");
	return 0;
}

int store_agency_list(struct store_agency **out, size_t *count, struct store_tx *tx,
		      struct sx_error *err)
{
	struct store_agency *items = NULL;
	size_t len = 0, cap = 0;
	struct db_stmt *st = NULL;
	int rc;

	*out = NULL;
	*count = 0;
	rc = store__query(&st, tx,
			  "SELECT " AGENCY_COLUMNS " FROM agency ORDER BY region_code, name", NULL, 0,
			  err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if ((rc = store__grow(&items, &cap, len, sizeof(*items), err)) < 0)
			goto cleanup;
		store__agency_from_row(&items[len++], st);
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

int store_officer_insert(struct store_tx *tx, const struct store_officer *o, struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	rc = store__exec(tx, NULL,
			 "INSERT INTO officer (id, agency_id, name, cert_no, cert_type, field, "
			 "valid_from, valid_to, status, id_number, user_id, created_at, created_by, "
			 "photo_sha256) "
			 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
			 STORE__PARAMS(P_TEXT(o->id), P_TEXT(o->agency_id), P_TEXT(o->name),
				       P_TEXT(o->cert_no), P_TEXT(o->cert_type), P_TEXT(o->field),
				       P_TEXT(o->valid_from), P_TEXT(o->valid_to),
				       P_TEXT(o->status), P_TEXT(o->id_number),
				       P_OPT_TEXT(o->user_id), P_TEXT(o->created_at),
				       P_TEXT(o->created_by), P_OPT_TEXT(o->photo_sha256)),
			 err);
	if (rc == SX_EEXISTS)
		return sx_error_set(err, SX_EEXISTS, "exists", "执法证号已被登记");
	return rc;
}

int store_officer_get_by_cert(struct store_officer *out, struct store_tx *tx, const char *cert_no,
			      struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store__query(&st, tx,
			  "SELECT id, agency_id, name, cert_no, cert_type, field, valid_from, valid_to, "
			  "status, id_number, user_id, created_at, created_by, photo_sha256 "
			  "FROM officer WHERE cert_no = $1",
			  STORE__PARAMS(P_TEXT(cert_no)), err);
	if (rc < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		memset(out, 0, sizeof(*out));
		store__column_copy(out->id, sizeof(out->id), st, 0);
		store__column_copy(out->agency_id, sizeof(out->agency_id), st, 1);
		store__column_copy(out->name, sizeof(out->name), st, 2);
		store__column_copy(out->cert_no, sizeof(out->cert_no), st, 3);
		store__column_copy(out->cert_type, sizeof(out->cert_type), st, 4);
		store__column_copy(out->field, sizeof(out->field), st, 5);
		store__column_copy(out->valid_from, sizeof(out->valid_from), st, 6);
		store__column_copy(out->valid_to, sizeof(out->valid_to), st, 7);
		store__column_copy(out->status, sizeof(out->status), st, 8);
		store__column_copy(out->id_number, sizeof(out->id_number), st, 9);
		store__column_copy(out->user_id, sizeof(out->user_id), st, 10);
		store__column_copy(out->created_at, sizeof(out->created_at), st, 11);
		store__column_copy(out->created_by, sizeof(out->created_by), st, 12);
		store__column_copy(out->photo_sha256, sizeof(out->photo_sha256), st, 13);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = sx_error_set(err, SX_ENOTFOUND, "officer_not_found", "未找到该执法证");
	}
	db_finish(st);
	return rc;
}

int store_officer_count(int64_t *out, struct store_tx *tx, const char *agency_id,
			struct sx_error *err)
{
	return store__query_int64(out, tx,
				  "SELECT count(*) FROM officer "
				  "WHERE (CAST($1 AS TEXT) IS NULL OR agency_id = $1)",
				  STORE__PARAMS(P_TEXT(agency_id)), err);
}

int store__like_pattern(char **out, const char *query, struct sx_error *err)
{
	size_t len, j = 0;
	char *p;

	*out = NULL;
	if (query == NULL || query[0] == '\0')
		return 0;
	len = strlen(query);
	if (len > (SIZE_MAX - 3) / 2)
		return sx_error_set(err, SX_ETOOBIG, NULL, NULL);
	p = sx_malloc(2 * len + 3);
	if (p == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	p[j++] = '%';
	for (size_t i = 0; i < len; i++) {
		if (query[i] == '%' || query[i] == '_' || query[i] == '\\')
			p[j++] = '\\';
		p[j++] = query[i];
	}
	p[j++] = '%';
	p[j] = '\0';
	*out = p;
	return 0;
}

int store__officer_filter_check(const struct store_officer_filter *filter, struct sx_error *err)
{
	if (filter == NULL || filter->limit < 1 || filter->offset < 0)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	return 0;
}

const char *store__officer_query(const struct store_officer_filter *filter)
{
	return filter->query && filter->query[0] ? filter->query : NULL;
}

int store_officer_list(struct store_officer_public **out, size_t *count, struct store_tx *tx,
		       const struct store_officer_filter *filter, struct sx_error *err)
{
	struct store_officer_public *items = NULL;
	size_t len = 0, cap = 0;
	struct db_stmt *st = NULL;
	char *pattern = NULL;
	int rc;

	*out = NULL;
	*count = 0;
	if ((rc = store__officer_filter_check(filter, err)) < 0)
		return rc;
	if ((rc = store__like_pattern(&pattern, filter->query, err)) < 0)
		return rc;
	/* id_number is not selected: see the file comment. */
	rc = store__query(&st, tx,
			  "SELECT o.agency_id, a.name, o.name, o.cert_no, o.cert_type, o.field, "
			  "o.valid_from, o.valid_to, o.status, o.photo_sha256 "
			  "FROM officer o JOIN agency a ON a.id = o.agency_id" STORE__OFFICER_FILTER_WHERE
			  " ORDER BY a.region_code, a.name, o.agency_id, o.cert_no"
			  " LIMIT $4 OFFSET $5",
			  STORE__PARAMS(P_TEXT(filter->agency_id), P_TEXT(store__officer_query(filter)),
					P_TEXT(pattern), P_INT(filter->limit),
					P_INT(filter->offset)),
			  err);
	if (rc < 0)
		goto cleanup;
	while ((rc = db_step(st, err)) == DB_ROW) {
		struct store_officer_public *o;

		if ((rc = store__grow(&items, &cap, len, sizeof(*items), err)) < 0)
			goto cleanup;
		o = &items[len++];
		memset(o, 0, sizeof(*o));
		store__column_copy(o->agency_id, sizeof(o->agency_id), st, 0);
		store__column_copy(o->agency_name, sizeof(o->agency_name), st, 1);
		store__column_copy(o->name, sizeof(o->name), st, 2);
		store__column_copy(o->cert_no, sizeof(o->cert_no), st, 3);
		store__column_copy(o->cert_type, sizeof(o->cert_type), st, 4);
		store__column_copy(o->field, sizeof(o->field), st, 5);
		store__column_copy(o->valid_from, sizeof(o->valid_from), st, 6);
		store__column_copy(o->valid_to, sizeof(o->valid_to), st, 7);
		store__column_copy(o->status, sizeof(o->status), st, 8);
		store__column_copy(o->photo_sha256, sizeof(o->photo_sha256), st, 9);
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
	sx_free(pattern);
	return rc;
}

int store_officer_list_count(int64_t *out, struct store_tx *tx,
			     const struct store_officer_filter *filter, struct sx_error *err)
{
	char *pattern = NULL;
	int rc;

	*out = 0;
	if (filter == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if ((rc = store__like_pattern(&pattern, filter->query, err)) < 0)
		return rc;
	rc = store__query_int64(out, tx,
				"SELECT count(*) FROM officer o" STORE__OFFICER_FILTER_WHERE,
				STORE__PARAMS(P_TEXT(filter->agency_id),
					      P_TEXT(store__officer_query(filter)), P_TEXT(pattern)),
				err);
	sx_free(pattern);
	return rc;
}

int store_audit_append(struct store_tx *tx, const struct store_audit *ev, struct sx_error *err)
{
	char id[SX_ID_LEN + 1];
	char now[SX_TIME_TEXT_LEN];
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if ((rc = sx_id_new(id)) < 0)
		return sx_error_set(err, rc, NULL, NULL);
	sx_time_format_utc(now, sx_time_now_us());
	return store__exec(tx, NULL,
			   "INSERT INTO audit_event (id, at, actor_id, action, object_type, "
			   "object_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)",
			   STORE__PARAMS(P_TEXT(id), P_TEXT(now), P_TEXT(ev->actor_id),
					 P_TEXT(ev->action), P_TEXT(ev->object_type),
					 P_TEXT(ev->object_id), P_TEXT(ev->detail ? ev->detail : "")),
			   err);
}

int store_audit_count(int64_t *out, struct store_tx *tx, const char *action, struct sx_error *err)
{
	return store__query_int64(
		out, tx,
		"SELECT count(*) FROM audit_event WHERE (CAST($1 AS TEXT) IS NULL OR action = $1)",
		STORE__PARAMS(P_TEXT(action)), err);
}
