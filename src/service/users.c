/*
 * service/users — see users.h.
 */
#include "service/users.h"

#include <stdio.h>
#include <string.h>

#include "base/id.h"
#include "base/mem.h"
#include "base/time.h"
#include "crypto/password.h"
#include "service/ledger.h"

static void users__view(struct service_user *out, const struct store_user *u)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->id, sizeof(out->id), "%s", u->id);
	snprintf(out->username, sizeof(out->username), "%s", u->username);
	snprintf(out->display_name, sizeof(out->display_name), "%s", u->display_name);
	snprintf(out->agency_id, sizeof(out->agency_id), "%s", u->agency_id);
	if (account_role_from_name(&out->role, u->role) < 0)
		out->role = ACCOUNT_ROLE_OFFICER;
	out->disabled = u->disabled;
	snprintf(out->created_at, sizeof(out->created_at), "%s", u->created_at);
	out->ledger_index = -1;
}

static int users__forbidden(struct sx_error *err)
{
	return sx_error_set(err, SX_EPERM, "forbidden", "您的角色无权管理用户账号");
}

static int users__forbidden_to_view(struct sx_error *err)
{
	return sx_error_set(err, SX_EPERM, "forbidden", "您的角色无权查看用户账号");
}

static void users__actor_view(struct account_actor *out, const struct service_actor *actor)
{
	out->role = actor->role;
	out->agency_id = actor->agency_id;
	out->region_code = actor->region_code;
}

/* Loads a user and its agency and checks the actor may see it; a user outside
 * the actor's scope is reported as not found, not forbidden, so that ids of
 * other agencies cannot be probed. */
static int users__load_visible(struct store_user *out, struct store_tx *tx,
			       const struct service_actor *actor, const char *id_or_username,
			       struct sx_error *err)
{
	struct store_agency agency;
	struct account_actor view;
	enum account_scope scope = account_user_list_scope(actor->role);
	int rc;

	if (scope == ACCOUNT_SCOPE_NONE)
		return users__forbidden_to_view(err);
	rc = store_user_get(out, tx, id_or_username, err);
	if (rc == SX_ENOTFOUND)
		rc = store_user_get_by_username(out, tx, id_or_username, err);
	if (rc < 0)
		return rc;
	if ((rc = store_agency_get(&agency, tx, out->agency_id, err)) < 0)
		return rc;
	users__actor_view(&view, actor);
	if (!account_scope_covers(scope, &view, out->agency_id, agency.region_code))
		return sx_error_set(err, SX_ENOTFOUND, "user_not_found", "用户不存在");
	return 0;
}

int service_user_create(struct service_user *out, const struct service *svc,
			const struct service_actor *actor, const struct service_user_new *in,
			struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_user u;
	struct store_agency agency;
	enum account_role role;
	int64_t now_us = sx_time_now_us();
	uint64_t index = 0;
	int rc;

	if (!account_can_manage_users(actor->role))
		return users__forbidden(err);
	if ((rc = account_check_username(in->username, err)) < 0 ||
	    (rc = account_check_display_name(in->display_name, err)) < 0 ||
	    (rc = account_check_password(in->password, in->password_len, in->username, err)) < 0)
		return rc;
	if (account_role_from_name(&role, in->role) < 0)
		return sx_error_set(err, SX_EINVALID, "invalid",
				    "角色无效，应为 officer、unit_head、reviewer、agency_head、supervisor 或 admin");
	if (in->agency_id == NULL || strlen(in->agency_id) >= STORE_ID_SIZE)
		return sx_error_set(err, SX_EINVALID, "invalid", "所属机关无效");

	memset(&u, 0, sizeof(u));
	if ((rc = sx_id_new(u.id)) < 0)
		return sx_error_set(err, rc, NULL, NULL);
	snprintf(u.username, sizeof(u.username), "%s", in->username);
	snprintf(u.display_name, sizeof(u.display_name), "%s", in->display_name);
	snprintf(u.agency_id, sizeof(u.agency_id), "%s", in->agency_id);
	snprintf(u.role, sizeof(u.role), "%s", account_role_name(role));
	sx_time_format_utc(u.created_at, now_us);
	sx_time_format_utc(u.password_changed_at, now_us);
	snprintf(u.created_by, sizeof(u.created_by), "%s", actor->user_id);
	/* Hash before taking the write lock: argon2 is slow by design. */
	if ((rc = crypto_password_hash(u.password_hash, in->password, in->password_len,
				       svc->password_params)) < 0)
		return sx_error_set(err, rc, NULL, NULL);

	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	rc = store_agency_get(&agency, tx, u.agency_id, err);
	if (rc == SX_ENOTFOUND)
		rc = sx_error_set(err, SX_EINVALID, "invalid", "所属机关不存在");
	else if (rc == 0 && !agency.active)
		rc = sx_error_set(err, SX_EINVALID, "invalid", "所属机关已停用");
	if (rc < 0)
		goto cleanup;
	if ((rc = store_user_insert(tx, &u, err)) < 0)
		goto cleanup;
	{
		struct store_audit ev = {actor->user_id, "user.create", "user", u.id, u.role};
		/* The public log names ids and the role, never the person. */
		const char *const fields[] = {"agency_id", u.agency_id, "by", actor->user_id,
					      "role", u.role, NULL};

		if ((rc = store_audit_append(tx, &ev, err)) < 0 ||
		    (rc = service_ledger_record_fields(&index, svc, tx, "user.create", u.id, fields,
						       err)) < 0)
			goto cleanup;
	}
	rc = store_commit(tx, err);
	tx = NULL;
	if (rc == 0 && out) {
		users__view(out, &u);
		out->ledger_index = (int64_t)index;
	}
cleanup:
	store_rollback(tx);
	return rc;
}

int service_user_list(struct service_user **out, size_t *count, const struct service *svc,
		      const struct service_actor *actor, const char *agency_id,
		      struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_user *rows = NULL;
	struct service_user *items = NULL;
	struct store_user_filter filter = {agency_id, NULL};
	char prefix[7];
	size_t n = 0;
	int rc;

	*out = NULL;
	*count = 0;
	switch (account_user_list_scope(actor->role)) {
	case ACCOUNT_SCOPE_NONE:
		return users__forbidden_to_view(err);
	case ACCOUNT_SCOPE_OWN_AGENCY:
		if (agency_id && strcmp(agency_id, actor->agency_id) != 0)
			return users__forbidden_to_view(err);
		filter.agency_id = actor->agency_id;
		break;
	case ACCOUNT_SCOPE_REGION:
		if (account_region_prefix(prefix, sizeof(prefix), actor->region_code) < 0)
			return users__forbidden_to_view(err);
		filter.region_prefix = prefix;
		break;
	case ACCOUNT_SCOPE_ALL:
		break;
	}
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	rc = store_user_list(&rows, &n, tx, &filter, err);
	store_rollback(tx);
	if (rc < 0)
		return rc;
	items = sx_calloc(n ? n : 1, sizeof(*items));
	if (items == NULL) {
		sx_free(rows);
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	}
	for (size_t i = 0; i < n; i++)
		users__view(&items[i], &rows[i]);
	sx_free(rows);
	*out = items;
	*count = n;
	return 0;
}

int service_user_find(struct service_user *out, const struct service *svc,
		      const struct service_actor *actor, const char *id_or_username,
		      struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_user u;
	int rc;

	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	rc = users__load_visible(&u, tx, actor, id_or_username, err);
	store_rollback(tx);
	if (rc == 0)
		users__view(out, &u);
	return rc;
}

int service_user_disable(struct service_user *out, const struct service *svc,
			 const struct service_actor *actor, const char *user_id,
			 struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_user u;
	char now[SX_TIME_TEXT_LEN];
	uint64_t index = 0;
	int rc;

	if (!account_can_manage_users(actor->role))
		return users__forbidden(err);
	sx_time_format_utc(now, sx_time_now_us());
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = users__load_visible(&u, tx, actor, user_id, err)) < 0)
		goto cleanup;
	if (strcmp(u.id, actor->user_id) == 0) {
		rc = sx_error_set(err, SX_ECONFLICT, "conflict", "不能停用自己的账号");
		goto cleanup;
	}
	if ((rc = store_user_set_disabled(tx, u.id, true, err)) < 0 ||
	    (rc = store_session_revoke_user(tx, u.id, now, err)) < 0)
		goto cleanup;
	{
		struct store_audit ev = {actor->user_id, "user.disable", "user", u.id, NULL};
		const char *const fields[] = {"by", actor->user_id, NULL};

		if ((rc = store_audit_append(tx, &ev, err)) < 0 ||
		    (rc = service_ledger_record_fields(&index, svc, tx, "user.disable", u.id, fields,
						       err)) < 0)
			goto cleanup;
	}
	rc = store_commit(tx, err);
	tx = NULL;
	if (rc == 0 && out) {
		u.disabled = true;
		users__view(out, &u);
		out->ledger_index = (int64_t)index;
	}
cleanup:
	store_rollback(tx);
	return rc;
}

int service_user_set_password(const struct service *svc, const struct service_actor *actor,
			      const char *user_id, const char *password, size_t password_len,
			      struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_user u;
	char hash[CRYPTO_PASSWORD_HASH_MAX];
	char now[SX_TIME_TEXT_LEN];
	bool self;
	int rc;

	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	/* The target may be named by id or username; "self" is decided on the
	 * resolved id, so both spellings of oneself are the same. */
	rc = store_user_get(&u, tx, user_id, err);
	if (rc == SX_ENOTFOUND)
		rc = store_user_get_by_username(&u, tx, user_id, err);
	self = rc == 0 && strcmp(u.id, actor->user_id) == 0;
	if (self)
		rc = 0;
	else if (!account_can_manage_users(actor->role))
		rc = users__forbidden(err);
	else
		rc = users__load_visible(&u, tx, actor, user_id, err);
	store_rollback(tx);
	tx = NULL;
	if (rc < 0)
		return rc;
	if ((rc = account_check_password(password, password_len, u.username, err)) < 0)
		return rc;
	if ((rc = crypto_password_hash(hash, password, password_len, svc->password_params)) < 0)
		return sx_error_set(err, rc, NULL, NULL);
	sx_time_format_utc(now, sx_time_now_us());
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = store_user_set_password(tx, u.id, hash, now, err)) < 0 ||
	    (rc = store_session_revoke_user(tx, u.id, now, err)) < 0)
		goto cleanup;
	{
		struct store_audit ev = {actor->user_id, "user.password", "user", u.id, NULL};
		const char *const fields[] = {"by", actor->user_id, NULL};

		if ((rc = store_audit_append(tx, &ev, err)) < 0 ||
		    (rc = service_ledger_record_fields(NULL, svc, tx, "user.password", u.id, fields,
						       err)) < 0)
			goto cleanup;
	}
	rc = store_commit(tx, err);
	tx = NULL;
cleanup:
	store_rollback(tx);
	return rc;
}
