/* service/lists — see lists.h. */
#include "service/lists.h"

#include <stdio.h>
#include <string.h>

#include "base/codec.h"
#include "base/id.h"
#include "base/mem.h"
#include "base/time.h"
#include "crypto/hash.h"
#include "service/ledger.h"
#include "service/matter_json.h"

static void lists__today(char out[11])
{
	int y, m, d;

	sx_time_shanghai_date(&y, &m, &d, sx_time_now_us());
	sx_date_format(out, y, m, d);
}

static bool lists__date_ok(const char *date)
{
	int y, m, d;

	return date && strlen(date) == 10 && sx_date_parse(&y, &m, &d, date, 10) == 0;
}

/* The day before date (both YYYY-MM-DD). */
static void lists__day_before(char out[11], const char *date)
{
	int y, m, d;

	if (sx_date_parse(&y, &m, &d, date, strlen(date)) < 0) {
		out[0] = '\0';
		return;
	}
	sx_date_from_days(&y, &m, &d, sx_date_to_days(y, m, d) - 1);
	sx_date_format(out, y, m, d);
}

const char *service_list_status_label(const char *status)
{
	if (status == NULL)
		return "";
	if (strcmp(status, "pending") == 0)
		return "待审核";
	if (strcmp(status, "approved") == 0)
		return "已发布";
	if (strcmp(status, "rejected") == 0)
		return "已退回";
	return "";
}

void service_list_clear(struct service_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->count; i++)
		matter_clear(&l->items[i]);
	sx_free(l->items);
	memset(l, 0, sizeof(*l));
}

/* Loads the agency and says whether the actor (NULL = public) sees its
 * unpublished side. An unknown agency is SX_ENOTFOUND "agency_not_found". */
static int lists__agency(struct store_agency *agency, bool *staff_view, struct store_tx *tx,
			 const struct service_actor *actor, const char *agency_id,
			 struct sx_error *err)
{
	struct account_actor view;
	int rc;

	*staff_view = false;
	if (agency_id == NULL || agency_id[0] == '\0' || strlen(agency_id) >= STORE_ID_SIZE)
		return sx_error_set(err, SX_ENOTFOUND, "agency_not_found", "执法机关不存在");
	if ((rc = store_agency_get(agency, tx, agency_id, err)) < 0)
		return rc;
	if (actor == NULL)
		return 0;
	view.role = actor->role;
	view.agency_id = actor->agency_id;
	view.region_code = actor->region_code;
	*staff_view = account_scope_covers(account_registry_scope(actor->role), &view, agency->id,
					   agency->region_code);
	return 0;
}

/* The display name of whoever created_by / decided_by names ("" when it is
 * not a user: the command line or the system). */
static void lists__person(char *out, size_t out_size, struct store_tx *tx, const char *who)
{
	struct store_user u;

	out[0] = '\0';
	if (who == NULL || who[0] == '\0')
		return;
	if (strncmp(who, "cli:", 4) == 0) {
		snprintf(out, out_size, "系统管理员（命令行）");
		return;
	}
	if (store_user_get(&u, tx, who, NULL) == 0)
		snprintf(out, out_size, "%s", u.display_name);
}

/* Fills a view from a row. next_effective: the effective date of the next
 * approved version ("" = none). */
static void lists__view(struct service_list_version *out, const struct store_list_version *v,
			const struct store_agency *agency, const char *today,
			const char *next_effective, bool staff_view, struct store_tx *tx)
{
	bool approved = strcmp(v->status, "approved") == 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->agency_id, sizeof(out->agency_id), "%s", v->agency_id);
	snprintf(out->agency_name, sizeof(out->agency_name), "%s", agency->name);
	out->version = v->version;
	snprintf(out->status, sizeof(out->status), "%s", v->status);
	snprintf(out->effective_from, sizeof(out->effective_from), "%s", v->effective_from);
	if (approved && next_effective && next_effective[0])
		lists__day_before(out->effective_to, next_effective);
	out->upcoming = approved && strcmp(v->effective_from, today) > 0;
	out->in_force = approved && !out->upcoming &&
			(next_effective == NULL || next_effective[0] == '\0' ||
			 strcmp(next_effective, today) > 0);
	snprintf(out->summary, sizeof(out->summary), "%s", v->summary);
	out->item_count = v->item_count;
	snprintf(out->content_sha256, sizeof(out->content_sha256), "%s", v->content_sha256);
	snprintf(out->created_at, sizeof(out->created_at), "%s", v->created_at);
	snprintf(out->decided_at, sizeof(out->decided_at), "%s", v->decided_at);
	snprintf(out->decision_note, sizeof(out->decision_note), "%s", v->decision_note);
	if (staff_view) {
		lists__person(out->created_by_name, sizeof(out->created_by_name), tx, v->created_by);
		lists__person(out->decided_by_name, sizeof(out->decided_by_name), tx, v->decided_by);
	}
	out->ledger_index = -1;
}

/* The effective date of the first approved version numbered above `version`
 * in rows (newest first); "" when none. */
static const char *lists__next_effective(const struct store_list_version *rows, size_t count,
					 int64_t version)
{
	const char *next = "";

	for (size_t i = 0; i < count; i++) {
		if (rows[i].version > version && strcmp(rows[i].status, "approved") == 0)
			next = rows[i].effective_from; /* rows are newest first: keep the lowest */
	}
	return next;
}

/* Loads version `version` (0 = in force today) as the actor may see it and
 * fills *out. */
static int lists__load_version(struct store_list_version *row, struct service_list_version *out,
			       struct store_tx *tx, const struct service_actor *actor,
			       const char *agency_id, int64_t version, struct sx_error *err)
{
	struct store_agency agency;
	struct store_list_version *all = NULL;
	size_t all_count = 0;
	bool staff_view;
	char today[11];
	int rc;

	lists__today(today);
	if ((rc = lists__agency(&agency, &staff_view, tx, actor, agency_id, err)) < 0)
		return rc;
	if (version == 0) {
		rc = store_list_version_current(row, tx, agency.id, today, err);
		if (rc == SX_ENOTFOUND)
			return sx_error_set(err, SX_ENOTFOUND, "list_not_published",
					    "该机关尚未发布执法事项清单");
	} else if (version < 0) {
		return sx_error_set(err, SX_ENOTFOUND, "list_version_not_found", "清单版本不存在");
	} else {
		rc = store_list_version_get(row, tx, agency.id, version, err);
	}
	if (rc < 0)
		return rc;
	/* Pending and rejected versions do not exist for those outside scope. */
	if (strcmp(row->status, "approved") != 0 && !staff_view)
		return sx_error_set(err, SX_ENOTFOUND, "list_version_not_found", "清单版本不存在");
	if ((rc = store_list_version_list(&all, &all_count, tx, agency.id, false, err)) < 0)
		return rc;
	lists__view(out, row, &agency, today, lists__next_effective(all, all_count, row->version),
		    staff_view, tx);
	sx_free(all);
	return 0;
}

static bool lists__view_wants(enum service_list_view view, const struct matter *m)
{
	switch (view) {
	case SERVICE_LIST_ALL:
		return true;
	case SERVICE_LIST_RANDOM:
		return m->random_inspection;
	case SERVICE_LIST_AV:
		return m->av_requirement != MATTER_AV_NONE;
	case SERVICE_LIST_DISCRETION:
		return m->discretion_count > 0;
	}
	return false;
}

/* Reads the matters of a version into out->items. */
static int lists__load_items(struct service_list *out, struct store_tx *tx, const char *version_id,
			     enum service_list_view view, const char *code, struct sx_error *err)
{
	struct store_list_item_filter filter = {0};
	struct store_list_item *rows = NULL;
	size_t count = 0;
	int rc;

	filter.code = code;
	filter.random_only = view == SERVICE_LIST_RANDOM;
	filter.av_only = view == SERVICE_LIST_AV;
	filter.with_body = true;
	if ((rc = store_list_items(&rows, &count, tx, version_id, &filter, err)) < 0)
		return rc;
	if (code != NULL && count == 0) {
		rc = sx_error_set(err, SX_ENOTFOUND, "matter_not_found", "该清单中没有这个执法事项");
		goto cleanup;
	}
	if (count > 0 && (out->items = sx_calloc(count, sizeof(*out->items))) == NULL) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto cleanup;
	}
	for (size_t i = 0; i < count; i++) {
		struct matter m;

		rc = matter_json_parse(&m, rows[i].body, strlen(rows[i].body), err);
		if (rc < 0) {
			matter_clear(&m);
			goto cleanup;
		}
		if (!lists__view_wants(view, &m)) {
			matter_clear(&m);
			continue;
		}
		out->items[out->count++] = m;
	}
	rc = 0;
cleanup:
	store_list_items_free(rows, count);
	return rc;
}

int service_list_get(struct service_list *out, const struct service *svc,
		     const struct service_actor *actor, const char *agency_id, int64_t version,
		     enum service_list_view view, const char *code, struct sx_error *err)
{
	struct store_list_version row;
	struct store_tx *tx = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	/* The public reads a replica (it may lag); staff read their own writes. */
	if ((rc = store_begin(&tx, svc->store, actor ? STORE_TX_READ : STORE_TX_READ_PUBLIC,
			      err)) < 0)
		return rc;
	if ((rc = lists__load_version(&row, &out->version, tx, actor, agency_id, version, err)) <
		    0 ||
	    (rc = lists__load_items(out, tx, row.id, view, code, err)) < 0)
		service_list_clear(out);
	store_rollback(tx);
	return rc;
}

/* service_list_versions, read in a transaction of that mode. */
static int lists__versions(struct service_list_version **out, size_t *count,
			   const struct service *svc, const struct service_actor *actor,
			   const char *agency_id, enum store_tx_mode mode, struct sx_error *err)
{
	struct store_list_version *rows = NULL, *approved = NULL;
	size_t row_count = 0, approved_count = 0;
	struct service_list_version *items = NULL;
	struct store_agency agency;
	struct store_tx *tx = NULL;
	bool staff_view;
	char today[11];
	int rc;

	*out = NULL;
	*count = 0;
	lists__today(today);
	if ((rc = store_begin(&tx, svc->store, mode, err)) < 0)
		return rc;
	if ((rc = lists__agency(&agency, &staff_view, tx, actor, agency_id, err)) < 0 ||
	    (rc = store_list_version_list(&rows, &row_count, tx, agency.id, staff_view, err)) < 0 ||
	    (rc = store_list_version_list(&approved, &approved_count, tx, agency.id, false, err)) <
		    0)
		goto cleanup;
	if (row_count > 0 && (items = sx_calloc(row_count, sizeof(*items))) == NULL) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto cleanup;
	}
	for (size_t i = 0; i < row_count; i++)
		lists__view(&items[i], &rows[i], &agency, today,
			    lists__next_effective(approved, approved_count, rows[i].version),
			    staff_view, tx);
	*out = items;
	*count = row_count;
	items = NULL;
cleanup:
	store_rollback(tx);
	sx_free(rows);
	sx_free(approved);
	sx_free(items);
	return rc;
}

int service_list_versions(struct service_list_version **out, size_t *count,
			  const struct service *svc, const struct service_actor *actor,
			  const char *agency_id, struct sx_error *err)
{
	return lists__versions(out, count, svc, actor, agency_id,
			       actor ? STORE_TX_READ : STORE_TX_READ_PUBLIC, err);
}

int service_list__approved_versions(struct service_list_version **out, size_t *count,
				    const struct service *svc, const char *agency_id,
				    struct sx_error *err)
{
	return lists__versions(out, count, svc, NULL, agency_id, STORE_TX_READ, err);
}

/* SHA-256 over the canonical JSON array of the bodies, in list order. */
static int lists__content_hash(char out[STORE_SHA256_HEX_SIZE], char *const *bodies, size_t count,
			       struct sx_error *err)
{
	struct crypto_hasher *h = NULL;
	unsigned char digest[CRYPTO_HASH_MAX_BYTES];
	int rc;

	if ((rc = crypto_hasher_new(&h, CRYPTO_HASH_SHA256)) < 0)
		return sx_error_set(err, rc, NULL, NULL);
	rc = crypto_hasher_update(h, "[", 1);
	for (size_t i = 0; rc == 0 && i < count; i++) {
		if (i > 0)
			rc = crypto_hasher_update(h, ",", 1);
		if (rc == 0)
			rc = crypto_hasher_update(h, bodies[i], strlen(bodies[i]));
	}
	if (rc == 0)
		rc = crypto_hasher_update(h, "]", 1);
	if (rc == 0)
		rc = crypto_hasher_final(h, digest);
	crypto_hasher_free(h);
	if (rc < 0)
		return sx_error_set(err, rc, NULL, NULL);
	return codec_hex_encode(out, STORE_SHA256_HEX_SIZE, digest, 32);
}

static int lists__check_summary(const char *summary, struct sx_error *err)
{
	size_t len = summary ? strlen(summary) : 0;
	bool blank = true;

	for (size_t i = 0; i < len; i++)
		if (summary[i] != ' ' && summary[i] != '\t' && summary[i] != '\n' &&
		    summary[i] != '\r')
			blank = false;
	if (blank)
		return sx_error_set(err, SX_EINVALID, "bad_summary", "请填写修订说明");
	if (len > SERVICE_LIST_SUMMARY_MAX_BYTES || !codec_is_valid_utf8(summary, len))
		return sx_error_set(err, SX_EINVALID, "bad_summary",
				    "修订说明过长（最多 512 个汉字）或不是合法的 UTF-8 文本");
	return 0;
}

/* Serialises items into canonical bodies (*out: count owned strings) and
 * their content hash. */
static int lists__bodies(char ***out, char hash[STORE_SHA256_HEX_SIZE], const struct matter *items,
			 size_t count, struct sx_error *err)
{
	char **bodies;
	int rc = 0;

	*out = NULL;
	if ((bodies = sx_calloc(count, sizeof(*bodies))) == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	for (size_t i = 0; i < count && rc == 0; i++) {
		size_t len;

		rc = matter_json_canonical(&bodies[i], &len, &items[i], err);
	}
	if (rc == 0)
		rc = lists__content_hash(hash, bodies, count, err);
	if (rc < 0) {
		for (size_t i = 0; i < count; i++)
			sx_free(bodies[i]);
		sx_free(bodies);
		return rc;
	}
	*out = bodies;
	return 0;
}

/* Inserts the version row v (content_sha256 and item_count filled here) and
 * its items, with the audit and ledger events of its submission. */
static int lists__insert(uint64_t *index, const struct service *svc, struct store_tx *tx,
			 struct store_list_version *v, const struct matter *items, size_t count,
			 char *const *bodies, struct sx_error *err)
{
	char number[24];
	int rc;

	v->item_count = (int64_t)count;
	if ((rc = store_list_version_insert(tx, v, err)) < 0)
		return rc;
	for (size_t i = 0; i < count; i++) {
		struct store_list_item it;

		memset(&it, 0, sizeof(it));
		it.ord = (int64_t)i;
		snprintf(it.code, sizeof(it.code), "%s", items[i].code);
		snprintf(it.name, sizeof(it.name), "%s", items[i].name);
		snprintf(it.act_type, sizeof(it.act_type), "%s",
			 matter_act_type_label(items[i].act_type));
		it.random_inspection = items[i].random_inspection;
		it.major_decision = items[i].major_decision;
		snprintf(it.av_requirement, sizeof(it.av_requirement), "%s",
			 matter_av_name(items[i].av_requirement));
		it.body = bodies[i];
		if ((rc = store_list_item_insert(tx, v->id, &it, err)) < 0)
			return rc;
	}
	snprintf(number, sizeof(number), "%lld", (long long)v->version);
	{
		struct store_audit ev = {v->created_by, "list.submit", "list_version", v->id,
					 v->content_sha256};
		const char *const fields[] = {"agency_id", v->agency_id, "version", number,
					      "content_sha256", v->content_sha256,
					      "effective_from", v->effective_from, NULL};

		if ((rc = store_audit_append(tx, &ev, err)) < 0)
			return rc;
		return service_ledger_record_fields(index, svc, tx, "list.submit", v->id, fields,
						    err);
	}
}

/* Records the decision on row (already updated in the store) in the audit
 * trail and the ledger. */
static int lists__record_decision(uint64_t *index, const struct service *svc, struct store_tx *tx,
				  const struct store_list_version *row, struct sx_error *err)
{
	bool approve = strcmp(row->status, "approved") == 0;
	const char *kind = approve ? "list.approve" : "list.reject";
	char number[24];
	struct store_audit ev = {row->decided_by, kind, "list_version", row->id,
				 row->content_sha256};
	const char *const fields[] = {"agency_id", row->agency_id, "version", number,
				      "content_sha256", row->content_sha256,
				      "effective_from", row->effective_from, NULL};
	int rc;

	snprintf(number, sizeof(number), "%lld", (long long)row->version);
	if ((rc = store_audit_append(tx, &ev, err)) < 0)
		return rc;
	return service_ledger_record_fields(index, svc, tx, kind, row->id, fields, err);
}

int service_list__insert_decided(const struct service *svc, struct store_tx *tx,
				 struct store_list_version *v, const struct matter *items,
				 size_t count, struct sx_error *err)
{
	struct store_list_version decided = *v;
	char **bodies = NULL;
	int rc;

	if ((rc = matter_validate_list(items, count, err)) < 0 ||
	    (rc = lists__bodies(&bodies, v->content_sha256, items, count, err)) < 0)
		return rc;
	decided = *v;
	snprintf(v->status, sizeof(v->status), "pending");
	v->decided_at[0] = v->decided_by[0] = '\0';
	rc = lists__insert(NULL, svc, tx, v, items, count, bodies, err);
	if (rc == 0 && strcmp(decided.status, "pending") != 0) {
		rc = store_list_version_decide(tx, v->id, decided.status, decided.effective_from,
					       decided.decided_at, decided.decided_by,
					       decided.decision_note, err);
		if (rc == 0) {
			memcpy(decided.content_sha256, v->content_sha256, sizeof(v->content_sha256));
			rc = lists__record_decision(NULL, svc, tx, &decided, err);
		}
	}
	for (size_t i = 0; i < count; i++)
		sx_free(bodies[i]);
	sx_free(bodies);
	return rc;
}

/* Loads the agency for a write and checks that the actor may act on it:
 * their own agency, or any agency for an admin. */
static int lists__agency_for_write(struct store_agency *agency, struct store_tx *tx,
				   const struct service_actor *actor, const char *agency_id,
				   const char *message, struct sx_error *err)
{
	bool staff_view;
	int rc;

	if ((rc = lists__agency(agency, &staff_view, tx, actor, agency_id, err)) < 0)
		return rc;
	if (!staff_view ||
	    (actor->role != ACCOUNT_ROLE_ADMIN && strcmp(actor->agency_id, agency->id) != 0))
		return sx_error_set(err, SX_EPERM, "forbidden", message);
	return 0;
}

int service_list_submit(struct service_list_version *out, const struct service *svc,
			const struct service_actor *actor, const char *agency_id,
			const char *effective_from, const char *summary,
			const struct matter *items, size_t count, struct sx_error *err)
{
	struct store_list_version v, latest;
	struct store_agency agency;
	struct store_tx *tx = NULL;
	char **bodies = NULL;
	char today[11];
	uint64_t index = 0;
	int rc;

	if (!account_can_draft_lists(actor->role))
		return sx_error_set(err, SX_EPERM, "forbidden", "您无权修改执法事项清单");
	lists__today(today);
	if (!lists__date_ok(effective_from))
		return sx_error_set(err, SX_EINVALID, "bad_date", "生效日期应为 YYYY-MM-DD");
	if (strcmp(effective_from, today) < 0)
		return sx_error_set(err, SX_EINVALID, "bad_date", "生效日期不能早于今天");
	if ((rc = lists__check_summary(summary, err)) < 0)
		return rc;
	if (count == 0)
		return sx_error_set(err, SX_EINVALID, "empty_list", "清单中至少要有一个执法事项");
	if ((rc = matter_validate_list(items, count, err)) < 0)
		return rc;
	memset(&v, 0, sizeof(v));
	/* Serialise and hash before taking the write lock. */
	if ((rc = lists__bodies(&bodies, v.content_sha256, items, count, err)) < 0)
		return rc;
	if ((rc = sx_id_new(v.id)) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto cleanup;
	}
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0 ||
	    (rc = lists__agency_for_write(&agency, tx, actor, agency_id,
					  "您无权修改该机关的执法事项清单", err)) < 0)
		goto cleanup;
	if (!agency.active) {
		rc = sx_error_set(err, SX_EINVALID, "agency_inactive", "该机关已停用，不能发布新清单");
		goto cleanup;
	}
	rc = store_list_version_latest(&latest, tx, agency.id, "pending", err);
	if (rc == 0) {
		rc = sx_error_set(err, SX_ECONFLICT, "list_pending_exists",
				  "该机关已有待审核的清单版本，请先审核或退回后再提交");
		goto cleanup;
	}
	if (rc != SX_ENOTFOUND)
		goto cleanup;
	rc = store_list_version_latest(&latest, tx, agency.id, "approved", err);
	if (rc == 0 && strcmp(effective_from, latest.effective_from) < 0) {
		rc = sx_error_setf(err, SX_EINVALID, "bad_date",
				   "生效日期不能早于已发布的最新版本的生效日期",
				   "latest approved effective %s", latest.effective_from);
		goto cleanup;
	}
	if (rc < 0 && rc != SX_ENOTFOUND)
		goto cleanup;
	if ((rc = store_list_version_max(&v.version, tx, agency.id, err)) < 0)
		goto cleanup;
	v.version++;
	snprintf(v.agency_id, sizeof(v.agency_id), "%s", agency.id);
	snprintf(v.status, sizeof(v.status), "pending");
	snprintf(v.effective_from, sizeof(v.effective_from), "%s", effective_from);
	snprintf(v.summary, sizeof(v.summary), "%s", summary);
	sx_time_format_utc(v.created_at, sx_time_now_us());
	snprintf(v.created_by, sizeof(v.created_by), "%s", actor->user_id);
	if ((rc = lists__insert(&index, svc, tx, &v, items, count, bodies, err)) < 0)
		goto cleanup;
	rc = store_commit(tx, err);
	tx = NULL;
	if (rc == 0 && out) {
		lists__view(out, &v, &agency, today, "", false, NULL);
		snprintf(out->created_by_name, sizeof(out->created_by_name), "%s",
			 actor->display_name);
		out->ledger_index = (int64_t)index;
	}
cleanup:
	store_rollback(tx);
	for (size_t i = 0; bodies && i < count; i++)
		sx_free(bodies[i]);
	sx_free(bodies);
	return rc;
}

int service_list_decide(struct service_list_version *out, const struct service *svc,
			const struct service_actor *actor, const char *agency_id,
			int64_t version, bool approve, const char *note, struct sx_error *err)
{
	struct store_list_version row, latest;
	struct store_agency agency;
	struct store_tx *tx = NULL;
	char today[11], effective[11], now[SX_TIME_TEXT_LEN];
	uint64_t index = 0;
	size_t note_len = note ? strlen(note) : 0;
	int rc;

	if (!account_can_approve_lists(actor->role))
		return sx_error_set(err, SX_EPERM, "forbidden",
				    "只有机关负责人或系统管理员可以审核清单");
	if (!approve && lists__check_summary(note, err) < 0)
		return sx_error_set(err, SX_EINVALID, "note_required", "退回时请写明理由");
	if (note_len > SERVICE_LIST_SUMMARY_MAX_BYTES ||
	    !codec_is_valid_utf8(note ? note : "", note_len))
		return sx_error_set(err, SX_EINVALID, "bad_note",
				    "审核意见过长（最多 512 个汉字）或不是合法的 UTF-8 文本");
	lists__today(today);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0 ||
	    (rc = lists__agency_for_write(&agency, tx, actor, agency_id,
					  "您无权审核该机关的清单", err)) < 0)
		goto cleanup;
	if (version <= 0) {
		rc = sx_error_set(err, SX_ENOTFOUND, "list_version_not_found", "清单版本不存在");
		goto cleanup;
	}
	if ((rc = store_list_version_get(&row, tx, agency.id, version, err)) < 0)
		goto cleanup;
	if (strcmp(row.status, "pending") != 0) {
		rc = sx_error_set(err, SX_ECONFLICT, "list_version_decided",
				  "该清单版本已审核过，不能再次审核");
		goto cleanup;
	}
	/* Lists are reviewed before release: by someone other than the author. */
	if (strcmp(row.created_by, actor->user_id) == 0) {
		rc = sx_error_set(err, SX_EPERM, "same_person", "提交人不能审核自己提交的清单版本");
		goto cleanup;
	}
	snprintf(effective, sizeof(effective), "%s", row.effective_from);
	if (approve) {
		/* A list takes effect no earlier than its approval, and never
		 * before the version it follows. */
		if (strcmp(effective, today) < 0)
			snprintf(effective, sizeof(effective), "%s", today);
		rc = store_list_version_latest(&latest, tx, agency.id, "approved", err);
		if (rc == 0 && strcmp(effective, latest.effective_from) < 0)
			snprintf(effective, sizeof(effective), "%s", latest.effective_from);
		else if (rc < 0 && rc != SX_ENOTFOUND)
			goto cleanup;
	}
	sx_time_format_utc(now, sx_time_now_us());
	snprintf(row.status, sizeof(row.status), "%s", approve ? "approved" : "rejected");
	snprintf(row.effective_from, sizeof(row.effective_from), "%s", effective);
	snprintf(row.decided_at, sizeof(row.decided_at), "%s", now);
	snprintf(row.decided_by, sizeof(row.decided_by), "%s", actor->user_id);
	snprintf(row.decision_note, sizeof(row.decision_note), "%s", note ? note : "");
	if ((rc = store_list_version_decide(tx, row.id, row.status, row.effective_from,
					    row.decided_at, row.decided_by, row.decision_note,
					    err)) < 0 ||
	    (rc = lists__record_decision(&index, svc, tx, &row, err)) < 0)
		goto cleanup;
	if (out) {
		lists__view(out, &row, &agency, today, "", true, tx);
		out->ledger_index = (int64_t)index;
	}
	rc = store_commit(tx, err);
	tx = NULL;
cleanup:
	store_rollback(tx);
	return rc;
}

int service_list_diff(struct listdiff *out, struct service_list_version *from_out,
		      struct service_list_version *to_out, const struct service *svc,
		      const struct service_actor *actor, const char *agency_id, int64_t from,
		      int64_t to, struct sx_error *err)
{
	struct service_list old_list, new_list;
	struct service_list_version *versions = NULL;
	size_t version_count = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&old_list, 0, sizeof(old_list));
	memset(&new_list, 0, sizeof(new_list));
	if ((rc = service_list_get(&new_list, svc, actor, agency_id, to, SERVICE_LIST_ALL, NULL,
				   err)) < 0)
		goto cleanup;
	if (from == 0) {
		/* The approved version before `to`: versions are newest first. A
		 * staff diff reads them from the primary, as its versions. */
		if ((rc = lists__versions(&versions, &version_count, svc, NULL, agency_id,
					  actor ? STORE_TX_READ : STORE_TX_READ_PUBLIC, err)) < 0)
			goto cleanup;
		for (size_t i = 0; i < version_count; i++) {
			if (versions[i].version < new_list.version.version) {
				from = versions[i].version;
				break;
			}
		}
	}
	if (from > 0 && (rc = service_list_get(&old_list, svc, actor, agency_id, from,
					       SERVICE_LIST_ALL, NULL, err)) < 0)
		goto cleanup;
	rc = listdiff_compute(out, old_list.items, old_list.count, new_list.items, new_list.count);
	if (rc < 0) {
		sx_error_set(err, rc, NULL, NULL);
		goto cleanup;
	}
	if (from_out)
		*from_out = old_list.version;
	if (to_out)
		*to_out = new_list.version;
cleanup:
	sx_free(versions);
	service_list_clear(&old_list);
	service_list_clear(&new_list);
	return rc;
}
