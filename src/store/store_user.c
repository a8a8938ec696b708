/*
 * store/store_user — users, sessions and login throttling (see store.h).
 */
#include <string.h>

#include "base/mem.h"
#include "store/store_internal.h"

#define USER_COLUMNS                                                                               \
	"id, username, display_name, agency_id, role, password_hash, disabled, "                  \
	"password_changed_at, created_at, created_by"

static void store__user_from_row(struct store_user *u, struct db_stmt *st)
{
	memset(u, 0, sizeof(*u));
	store__column_copy(u->id, sizeof(u->id), st, 0);
	store__column_copy(u->username, sizeof(u->username), st, 1);
	store__column_copy(u->display_name, sizeof(u->display_name), st, 2);
	store__column_copy(u->agency_id, sizeof(u->agency_id), st, 3);
	store__column_copy(u->role, sizeof(u->role), st, 4);
	store__column_copy(u->password_hash, sizeof(u->password_hash), st, 5);
	u->disabled = db_column_int64(st, 6) != 0;
	store__column_copy(u->password_changed_at, sizeof(u->password_changed_at), st, 7);
	store__column_copy(u->created_at, sizeof(u->created_at), st, 8);
	store__column_copy(u->created_by, sizeof(u->created_by), st, 9);
}

int store_user_insert(struct store_tx *tx, const struct store_user *u, struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	rc = store__exec(tx, NULL,
			 "INSERT INTO app_user (" USER_COLUMNS ") "
			 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
			 STORE__PARAMS(P_TEXT(u->id), P_TEXT(u->username), P_TEXT(u->display_name),
				       P_TEXT(u->agency_id), P_TEXT(u->role),
				       P_TEXT(u->password_hash), P_INT(u->disabled ? 1 : 0),
				       P_TEXT(u->password_changed_at), P_TEXT(u->created_at),
				       P_TEXT(u->created_by)),
			 err);
	if (rc == SX_EEXISTS)
		return sx_error_set(err, SX_EEXISTS, "exists", "用户名已被使用");
	return rc;
}

static int store__user_get_where(struct store_user *out, struct store_tx *tx, const char *sql,
				 const char *value, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	if ((rc = store__query(&st, tx, sql, STORE__PARAMS(P_TEXT(value)), err)) < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		store__user_from_row(out, st);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = sx_error_set(err, SX_ENOTFOUND, "user_not_found", "用户不存在");
	}
	db_finish(st);
	return rc;
}

int store_user_get(struct store_user *out, struct store_tx *tx, const char *id,
		   struct sx_error *err)
{
	return store__user_get_where(out, tx, "SELECT " USER_COLUMNS " FROM app_user WHERE id = $1",
				     id, err);
}

int store_user_get_by_username(struct store_user *out, struct store_tx *tx, const char *username,
			       struct sx_error *err)
{
	return store__user_get_where(
		out, tx, "SELECT " USER_COLUMNS " FROM app_user WHERE username = $1", username, err);
}

int store_user_list(struct store_user **out, size_t *count, struct store_tx *tx,
		    const struct store_user_filter *filter, struct sx_error *err)
{
	static const char sql[] =
		"SELECT u.id, u.username, u.display_name, u.agency_id, u.role, u.password_hash, "
		"u.disabled, u.password_changed_at, u.created_at, u.created_by "
		"FROM app_user u JOIN agency a ON a.id = u.agency_id "
		"WHERE (CAST($1 AS TEXT) IS NULL OR u.agency_id = $1) "
		"AND (CAST($2 AS TEXT) IS NULL OR substr(a.region_code, 1, length($2)) = $2) "
		"ORDER BY a.region_code, u.agency_id, u.username";
	struct store_user *items = NULL;
	size_t len = 0, cap = 0;
	struct db_stmt *st = NULL;
	const char *agency = filter ? filter->agency_id : NULL;
	const char *region = filter ? filter->region_prefix : NULL;
	int rc;

	*out = NULL;
	*count = 0;
	if ((rc = store__query(&st, tx, sql, STORE__PARAMS(P_TEXT(agency), P_TEXT(region)), err)) < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if ((rc = store__grow(&items, &cap, len, sizeof(*items), err)) < 0)
			goto cleanup;
		store__user_from_row(&items[len++], st);
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

static int store__expect_one(int rc, int64_t changed, struct sx_error *err)
{
	if (rc < 0)
		return rc;
	if (changed == 0)
		return sx_error_set(err, SX_ENOTFOUND, "user_not_found", "用户不存在");
	return 0;
}

int store_user_set_disabled(struct store_tx *tx, const char *id, bool disabled,
			    struct sx_error *err)
{
	int64_t changed = 0;
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	rc = store__exec(tx, &changed, "UPDATE app_user SET disabled = $1 WHERE id = $2",
			 STORE__PARAMS(P_INT(disabled ? 1 : 0), P_TEXT(id)), err);
	return store__expect_one(rc, changed, err);
}

int store_user_set_password(struct store_tx *tx, const char *id, const char *password_hash,
			    const char *changed_at, struct sx_error *err)
{
	int64_t changed = 0;
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	rc = store__exec(tx, &changed,
			 "UPDATE app_user SET password_hash = $1, password_changed_at = $2 "
			 "WHERE id = $3",
			 STORE__PARAMS(P_TEXT(password_hash), P_TEXT(changed_at), P_TEXT(id)), err);
	return store__expect_one(rc, changed, err);
}

/* ---- sessions ---- */

int store_session_insert(struct store_tx *tx, const struct store_session *s, struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	return store__exec(tx, NULL,
			   "INSERT INTO user_session (token_hash, user_id, csrf_token, created_at, "
			   "last_seen_at, expires_at, revoked_at, remote_addr) "
			   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
			   STORE__PARAMS(P_TEXT(s->token_hash), P_TEXT(s->user_id),
					 P_TEXT(s->csrf_token), P_TEXT(s->created_at),
					 P_TEXT(s->last_seen_at), P_TEXT(s->expires_at),
					 P_OPT_TEXT(s->revoked_at), P_TEXT(s->remote_addr)),
			   err);
}

int store_session_get(struct store_session *out, struct store_tx *tx, const char *token_hash,
		      struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store__query(&st, tx,
			  "SELECT token_hash, user_id, csrf_token, created_at, last_seen_at, "
			  "expires_at, revoked_at, remote_addr FROM user_session "
			  "WHERE token_hash = $1",
			  STORE__PARAMS(P_TEXT(token_hash)), err);
	if (rc < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		memset(out, 0, sizeof(*out));
		store__column_copy(out->token_hash, sizeof(out->token_hash), st, 0);
		store__column_copy(out->user_id, sizeof(out->user_id), st, 1);
		store__column_copy(out->csrf_token, sizeof(out->csrf_token), st, 2);
		store__column_copy(out->created_at, sizeof(out->created_at), st, 3);
		store__column_copy(out->last_seen_at, sizeof(out->last_seen_at), st, 4);
		store__column_copy(out->expires_at, sizeof(out->expires_at), st, 5);
		store__column_copy(out->revoked_at, sizeof(out->revoked_at), st, 6);
		store__column_copy(out->remote_addr, sizeof(out->remote_addr), st, 7);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = sx_error_set(err, SX_ENOTFOUND, "session_not_found", "会话不存在");
	}
	db_finish(st);
	return rc;
}

int store_session_touch(struct store_tx *tx, const char *token_hash, const char *at,
			struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	return store__exec(tx, NULL,
			   "UPDATE user_session SET last_seen_at = $1 "
			   "WHERE token_hash = $2 AND revoked_at IS NULL",
			   STORE__PARAMS(P_TEXT(at), P_TEXT(token_hash)), err);
}

int store_session_revoke(struct store_tx *tx, const char *token_hash, const char *at,
			 struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	return store__exec(tx, NULL,
			   "UPDATE user_session SET revoked_at = $1 "
			   "WHERE token_hash = $2 AND revoked_at IS NULL",
			   STORE__PARAMS(P_TEXT(at), P_TEXT(token_hash)), err);
}

int store_session_revoke_user(struct store_tx *tx, const char *user_id, const char *at,
			      struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	return store__exec(tx, NULL,
			   "UPDATE user_session SET revoked_at = $1 "
			   "WHERE user_id = $2 AND revoked_at IS NULL",
			   STORE__PARAMS(P_TEXT(at), P_TEXT(user_id)), err);
}

/* ---- login throttling ---- */

int store_throttle_get(struct store_throttle *out, struct store_tx *tx, const char *username,
		       struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store__query(&st, tx,
			  "SELECT failures, last_failure_at, blocked_until FROM login_throttle "
			  "WHERE username = $1",
			  STORE__PARAMS(P_TEXT(username)), err);
	if (rc < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		memset(out, 0, sizeof(*out));
		out->failures = (int)db_column_int64(st, 0);
		store__column_copy(out->last_failure_at, sizeof(out->last_failure_at), st, 1);
		store__column_copy(out->blocked_until, sizeof(out->blocked_until), st, 2);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = SX_ENOTFOUND;
	}
	db_finish(st);
	return rc;
}

int store_throttle_put(struct store_tx *tx, const char *username, const struct store_throttle *t,
		       struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	/* ON CONFLICT … DO UPDATE is shared by SQLite ≥ 3.24 and PostgreSQL ≥ 9.5. */
	return store__exec(tx, NULL,
			   "INSERT INTO login_throttle (username, failures, last_failure_at, "
			   "blocked_until) VALUES ($1, $2, $3, $4) "
			   "ON CONFLICT (username) DO UPDATE SET failures = excluded.failures, "
			   "last_failure_at = excluded.last_failure_at, "
			   "blocked_until = excluded.blocked_until",
			   STORE__PARAMS(P_TEXT(username), P_INT(t->failures),
					 P_TEXT(t->last_failure_at), P_TEXT(t->blocked_until)),
			   err);
}

int store_throttle_clear(struct store_tx *tx, const char *username, struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	/* Throttle rows are bookkeeping, not records: removing one on a good
	 * login is the one DELETE the store does. */
	return store__exec(tx, NULL, "DELETE FROM login_throttle WHERE username = $1",
			   STORE__PARAMS(P_TEXT(username)), err);
}
