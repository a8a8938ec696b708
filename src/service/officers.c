/* service/officers — see officers.h. */
#include "service/officers.h"

#include <stdio.h>
#include <string.h>

#include "base/codec.h"
#include "base/id.h"
#include "base/mem.h"
#include "base/time.h"
#include "crypto/hash.h"
#include "domain/idcheck.h"
#include "service/ledger.h"
#include "service/registry.h"

/* Room for "from=suspended to=revoked reason=" and 512 characters of 4 bytes. */
#define OFFICERS_DETAIL_SIZE 2200

static const unsigned char officers__jpeg_magic[] = {0xFF, 0xD8, 0xFF};
static const unsigned char officers__png_magic[] = {0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A};

static void officers__today(char out[11])
{
	int y, m, d;

	sx_time_shanghai_date(&y, &m, &d, sx_time_now_us());
	sx_date_format(out, y, m, d);
}

static int officers__forbidden(struct sx_error *err)
{
	return sx_error_set(err, SX_EPERM, "forbidden", "您的角色无权管理执法人员");
}

static void officers__account_view(struct account_actor *out, const struct service_actor *actor)
{
	out->role = actor->role;
	out->agency_id = actor->agency_id;
	out->region_code = actor->region_code;
}

/* Whether the actor sees the staff side of agency's register. */
static bool officers__in_scope(const struct service_actor *actor, const struct store_agency *agency)
{
	struct account_actor view;

	officers__account_view(&view, actor);
	return account_scope_covers(account_registry_scope(actor->role), &view, agency->id,
				    agency->region_code);
}

/* Whether the actor may change officers of that agency: the role, and their
 * own agency (admins: any). */
static bool officers__may_manage(const struct service_actor *actor, const char *agency_id)
{
	return account_can_manage_officers(actor->role) &&
	       (actor->role == ACCOUNT_ROLE_ADMIN || strcmp(actor->agency_id, agency_id) == 0);
}

/* Whether the actor may see the whole ID number of an officer of that agency. */
static bool officers__may_reveal(const struct service_actor *actor, const char *agency_id)
{
	return account_can_see_id_numbers(actor->role) &&
	       (actor->role == ACCOUNT_ROLE_ADMIN || strcmp(actor->agency_id, agency_id) == 0);
}

static bool officers__is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* The certificate number as stored: trimmed, letters upper-cased (as
 * officer_record_normalize spells it). SX_EINVALID "bad_cert_no" otherwise. */
static int officers__cert_no(char out[STORE_CODE_SIZE], const char *cert_no, struct sx_error *err)
{
	size_t start = 0, end = cert_no ? strlen(cert_no) : 0;

	while (start < end && officers__is_blank(cert_no[start]))
		start++;
	while (end > start && officers__is_blank(cert_no[end - 1]))
		end--;
	if (!officer_cert_no_is_well_formed(cert_no ? cert_no + start : NULL, end - start))
		return sx_error_set(err, SX_EINVALID, "bad_cert_no",
				    "执法证号格式不正确（应为 4–32 位数字、字母或“-”）");
	for (size_t i = start; i < end; i++) {
		char c = cert_no[i];

		out[i - start] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
	}
	out[end - start] = '\0';
	return 0;
}

/*
 * Loads the officer with that certificate and its agency, and checks that the
 * actor sees it (registry scope) and, for_write, may change it.
 */
static int officers__load(struct store_officer *o, struct store_agency *agency,
			  struct store_tx *tx, const struct service_actor *actor,
			  const char *cert_no, bool for_write, struct sx_error *err)
{
	char cert[STORE_CODE_SIZE];
	int rc;

	if ((rc = officers__cert_no(cert, cert_no, err)) < 0)
		return rc;
	rc = store_officer_get_by_cert(o, tx, cert, err);
	if (rc == SX_ENOTFOUND)
		return sx_error_set(err, SX_ENOTFOUND, "officer_not_found", "未找到该执法人员");
	if (rc < 0 || (rc = store_agency_get(agency, tx, o->agency_id, err)) < 0)
		return rc;
	if (!officers__in_scope(actor, agency))
		return sx_error_set(err, SX_EPERM, "forbidden", "您无权查看该机关的执法人员名册");
	if (for_write && !officers__may_manage(actor, agency->id))
		return sx_error_set(err, SX_EPERM, "forbidden", "您只能管理本机关的执法人员");
	return 0;
}

/* Loads the agency an officer is registered in and checks the actor may do so. */
static int officers__agency_for_write(struct store_agency *agency, struct store_tx *tx,
				      const struct service_actor *actor, const char *agency_id,
				      struct sx_error *err)
{
	int rc;

	if (agency_id == NULL || agency_id[0] == '\0' || strlen(agency_id) >= STORE_ID_SIZE)
		return sx_error_set(err, SX_ENOTFOUND, "agency_not_found", "执法机关不存在");
	rc = store_agency_get(agency, tx, agency_id, err);
	if (rc == SX_ENOTFOUND)
		return sx_error_set(err, SX_ENOTFOUND, "agency_not_found", "执法机关不存在");
	if (rc < 0)
		return rc;
	if (!officers__in_scope(actor, agency) || !officers__may_manage(actor, agency->id))
		return sx_error_set(err, SX_EPERM, "forbidden", "您只能管理本机关的执法人员");
	return 0;
}

/*
 * Finds the account to link to an officer of agency_id (officer_id: the
 * officer being linked, NULL for a new one) and checks that it may be linked.
 */
static int officers__linkable_user(struct store_user *out, struct store_tx *tx,
				   const char *agency_id, const char *officer_id,
				   const char *username, struct sx_error *err)
{
	struct store_officer linked;
	int rc;

	rc = store_user_get_by_username(out, tx, username, err);
	if (rc == SX_ENOTFOUND)
		return sx_error_set(err, SX_ENOTFOUND, "user_not_found", "要关联的用户账号不存在");
	if (rc < 0)
		return rc;
	if (strcmp(out->agency_id, agency_id) != 0)
		return sx_error_set(err, SX_EINVALID, "user_other_agency",
				    "该用户账号不属于此执法人员所在的机关");
	rc = store_officer_by_user(&linked, tx, out->id, err);
	if (rc == 0 && (officer_id == NULL || strcmp(linked.id, officer_id) != 0))
		return sx_error_setf(err, SX_ECONFLICT, "user_already_linked",
				     "该用户账号已关联其他执法人员", "linked to officer %s", linked.id);
	if (rc < 0 && rc != SX_ENOTFOUND)
		return rc;
	return 0;
}

/* Writes a masked ID number; a stored value that cannot be masked is hidden whole. */
static void officers__mask(char *out, size_t out_size, const char *id_number)
{
	if (idcheck_mask_person_id(out, out_size, id_number, strlen(id_number)) < 0)
		snprintf(out, out_size, "%s", "******");
}

/*
 * Fills a view of o (agency_name: its agency's name). tx (may be NULL) is used
 * to look up the linked account's username. The ID number is masked unless
 * reveal.
 */
static void officers__view(struct service_officer *out, const struct store_officer *o,
			   const char *agency_name, const struct service_actor *actor,
			   const char *today, bool reveal, struct store_tx *tx)
{
	enum officer_credential_state state;

	memset(out, 0, sizeof(*out));
	snprintf(out->id, sizeof(out->id), "%s", o->id);
	snprintf(out->agency_id, sizeof(out->agency_id), "%s", o->agency_id);
	snprintf(out->agency_name, sizeof(out->agency_name), "%s", agency_name);
	snprintf(out->name, sizeof(out->name), "%s", o->name);
	snprintf(out->cert_no, sizeof(out->cert_no), "%s", o->cert_no);
	snprintf(out->cert_type, sizeof(out->cert_type), "%s", o->cert_type);
	snprintf(out->field, sizeof(out->field), "%s", o->field);
	snprintf(out->valid_from, sizeof(out->valid_from), "%s", o->valid_from);
	snprintf(out->valid_to, sizeof(out->valid_to), "%s", o->valid_to);
	snprintf(out->status, sizeof(out->status), "%s", o->status);
	snprintf(out->checked_on, sizeof(out->checked_on), "%s", today);
	/* A record the domain cannot read (bad dates) shows as state 0, 未知:
	 * staff must still see it to correct it. */
	if (officer_credential_state(&state, o->status, o->valid_from, o->valid_to, today) == 0)
		out->state = (int)state;
	if (reveal)
		snprintf(out->id_number, sizeof(out->id_number), "%s", o->id_number);
	else
		officers__mask(out->id_number, sizeof(out->id_number), o->id_number);
	out->id_number_revealed = reveal;
	snprintf(out->user_id, sizeof(out->user_id), "%s", o->user_id);
	if (tx && o->user_id[0] != '\0') {
		struct store_user u;

		if (store_user_get(&u, tx, o->user_id, NULL) == 0)
			snprintf(out->username, sizeof(out->username), "%s", u.username);
	}
	snprintf(out->photo_sha256, sizeof(out->photo_sha256), "%s", o->photo_sha256);
	snprintf(out->created_at, sizeof(out->created_at), "%s", o->created_at);
	out->may_manage = officers__may_manage(actor, o->agency_id);
	out->may_reveal = officers__may_reveal(actor, o->agency_id);
	out->ledger_index = -1;
}

/* Appends the audit event and the ledger event of one change, in tx. */
static int officers__record(uint64_t *index, const struct service *svc, struct store_tx *tx,
			    const struct service_actor *actor, const char *action,
			    const struct store_officer *o, const char *detail,
			    const char *const *fields, struct sx_error *err)
{
	struct store_audit ev = {actor->user_id, action, "officer", o->id, detail};
	int rc;

	if ((rc = store_audit_append(tx, &ev, err)) < 0)
		return rc;
	return service_ledger_record_fields(index, svc, tx, action, o->id, fields, err);
}

/* Commits tx and finishes the answer: on success out gets the index, on
 * failure it is cleared. */
static int officers__commit(struct service_officer *out, struct store_tx *tx, uint64_t index,
			    bool recorded, struct sx_error *err)
{
	int rc = store_commit(tx, err);

	if (out) {
		if (rc < 0)
			memset(out, 0, sizeof(*out));
		else
			out->ledger_index = recorded ? (int64_t)index : -1;
	}
	return rc;
}

int service_officer_create(struct service_officer *out, const struct service *svc,
			   const struct service_actor *actor, const char *agency_id,
			   struct officer_record *rec, const char *username_to_link,
			   struct sx_error *err)
{
	struct store_officer o, existing;
	struct store_agency agency;
	struct store_user user;
	struct store_tx *tx = NULL;
	char today[11];
	char detail[OFFICERS_DETAIL_SIZE];
	bool link = username_to_link && username_to_link[0] != '\0';
	uint64_t index = 0;
	int rc;

	if (out)
		memset(out, 0, sizeof(*out));
	if (!account_can_manage_officers(actor->role))
		return officers__forbidden(err);
	if (rec == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if ((rc = officer_record_normalize(rec, err)) < 0)
		return rc;
	if (agency_id == NULL || agency_id[0] == '\0')
		agency_id = actor->agency_id;

	memset(&o, 0, sizeof(o));
	if ((rc = sx_id_new(o.id)) < 0)
		return sx_error_set(err, rc, NULL, NULL);
	snprintf(o.name, sizeof(o.name), "%s", rec->name);
	snprintf(o.cert_no, sizeof(o.cert_no), "%s", rec->cert_no);
	snprintf(o.cert_type, sizeof(o.cert_type), "%s", rec->cert_type);
	snprintf(o.field, sizeof(o.field), "%s", rec->field);
	snprintf(o.valid_from, sizeof(o.valid_from), "%s", rec->valid_from);
	snprintf(o.valid_to, sizeof(o.valid_to), "%s", rec->valid_to);
	snprintf(o.status, sizeof(o.status), "%s", rec->status);
	snprintf(o.id_number, sizeof(o.id_number), "%s", rec->id_number);
	sx_time_format_utc(o.created_at, sx_time_now_us());
	snprintf(o.created_by, sizeof(o.created_by), "%s", actor->user_id);
	officers__today(today);

	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = officers__agency_for_write(&agency, tx, actor, agency_id, err)) < 0)
		goto cleanup;
	if (!agency.active) {
		rc = sx_error_set(err, SX_EINVALID, "agency_inactive",
				  "该机关已停用，不能登记新的执法人员");
		goto cleanup;
	}
	snprintf(o.agency_id, sizeof(o.agency_id), "%s", agency.id);
	rc = store_officer_get_by_cert(&existing, tx, o.cert_no, err);
	if (rc == 0 || rc == SX_EEXISTS) {
		rc = sx_error_set(err, SX_EEXISTS, "cert_no_taken", "执法证号已被登记");
		goto cleanup;
	}
	if (rc != SX_ENOTFOUND)
		goto cleanup;
	sx_error_clear(err);
	if (link) {
		if ((rc = officers__linkable_user(&user, tx, agency.id, NULL, username_to_link,
						  err)) < 0)
			goto cleanup;
		memcpy(o.user_id, user.id, sizeof(o.user_id));
	}
	rc = store_officer_insert(tx, &o, err);
	if (rc == SX_EEXISTS)
		rc = sx_error_set(err, SX_EEXISTS, "cert_no_taken", "执法证号已被登记");
	if (rc < 0)
		goto cleanup;
	snprintf(detail, sizeof(detail), "cert_no=%s agency_id=%s%s%s", o.cert_no, o.agency_id,
		 link ? " user_id=" : "", link ? o.user_id : "");
	{
		/* The certificate number is what 亮证 shows; the ID number never
		 * enters the log. */
		const char *const fields[] = {"agency_id", o.agency_id, "cert_no", o.cert_no, NULL};

		if ((rc = officers__record(&index, svc, tx, actor, "officer.create", &o, detail,
					   fields, err)) < 0)
			goto cleanup;
	}
	if (out)
		officers__view(out, &o, agency.name, actor, today, false, tx);
	rc = officers__commit(out, tx, index, true, err);
	tx = NULL;
cleanup:
	store_rollback(tx);
	if (rc < 0 && out)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* Appends name to a comma-separated list in buf (size bytes). */
static void officers__add_name(char *buf, size_t size, const char *name)
{
	size_t used = strlen(buf);

	snprintf(buf + used, size - used, "%s%s", used ? "," : "", name);
}

int service_officer_update(struct service_officer *out, const struct service *svc,
			   const struct service_actor *actor, const char *cert_no,
			   const struct officer_record *rec, struct sx_error *err)
{
	struct officer_record r;
	struct store_officer o;
	struct store_agency agency;
	struct store_tx *tx = NULL;
	char today[11];
	char changed[96] = "";
	char detail[OFFICERS_DETAIL_SIZE];
	uint64_t index = 0;
	int rc;

	if (out)
		memset(out, 0, sizeof(*out));
	if (!account_can_manage_officers(actor->role))
		return officers__forbidden(err);
	if (rec == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	r = *rec;
	officers__today(today);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = officers__load(&o, &agency, tx, actor, cert_no, true, err)) < 0)
		goto cleanup;
	/* Both may be left out; what is given must be what is stored. */
	if (r.cert_no[0] == '\0')
		snprintf(r.cert_no, sizeof(r.cert_no), "%s", o.cert_no);
	if (r.id_number[0] == '\0')
		snprintf(r.id_number, sizeof(r.id_number), "%.*s", (int)sizeof(r.id_number) - 1,
			 o.id_number);
	if ((rc = officer_record_normalize(&r, err)) < 0)
		goto cleanup;
	if (strcmp(r.cert_no, o.cert_no) != 0) {
		rc = sx_error_set(err, SX_EINVALID, "cert_no_immutable",
				  "执法证号不能修改；证号有误的，请登记新的执法人员记录");
		goto cleanup;
	}
	if (strcmp(r.id_number, o.id_number) != 0) {
		rc = sx_error_set(err, SX_EINVALID, "id_number_immutable",
				  "身份证号不能修改；人员登记错误的，请登记新的执法人员记录");
		goto cleanup;
	}
	if (strcmp(r.name, o.name) != 0)
		officers__add_name(changed, sizeof(changed), "name");
	if (strcmp(r.cert_type, o.cert_type) != 0)
		officers__add_name(changed, sizeof(changed), "cert_type");
	if (strcmp(r.field, o.field) != 0)
		officers__add_name(changed, sizeof(changed), "field");
	if (strcmp(r.valid_from, o.valid_from) != 0)
		officers__add_name(changed, sizeof(changed), "valid_from");
	if (strcmp(r.valid_to, o.valid_to) != 0)
		officers__add_name(changed, sizeof(changed), "valid_to");
	if (strcmp(r.status, o.status) != 0)
		officers__add_name(changed, sizeof(changed), "status");
	if (changed[0] == '\0') {
		if (out)
			officers__view(out, &o, agency.name, actor, today, false, tx);
		goto cleanup;
	}
	if (strcmp(o.status, "revoked") == 0) {
		rc = sx_error_set(err, SX_ECONFLICT, "officer_revoked",
				  "该执法证已注销，记录不能再修改");
		goto cleanup;
	}
	if (strcmp(r.status, o.status) != 0 && strcmp(r.status, "active") != 0) {
		rc = sx_error_set(err, SX_EINVALID, "reason_required",
				  "暂停或注销执法证须写明理由，请通过“变更状态”办理");
		goto cleanup;
	}
	snprintf(o.name, sizeof(o.name), "%s", r.name);
	snprintf(o.cert_type, sizeof(o.cert_type), "%s", r.cert_type);
	snprintf(o.field, sizeof(o.field), "%s", r.field);
	snprintf(o.valid_from, sizeof(o.valid_from), "%s", r.valid_from);
	snprintf(o.valid_to, sizeof(o.valid_to), "%s", r.valid_to);
	snprintf(o.status, sizeof(o.status), "%s", r.status);
	if ((rc = store_officer_update(tx, &o, err)) < 0)
		goto cleanup;
	snprintf(detail, sizeof(detail), "changed=%s", changed);
	{
		const char *const fields[] = {"agency_id", o.agency_id, "cert_no", o.cert_no,
					      "changed",   changed,     NULL};

		if ((rc = officers__record(&index, svc, tx, actor, "officer.update", &o, detail,
					   fields, err)) < 0)
			goto cleanup;
	}
	if (out)
		officers__view(out, &o, agency.name, actor, today, false, tx);
	rc = officers__commit(out, tx, index, true, err);
	tx = NULL;
cleanup:
	store_rollback(tx);
	if (rc < 0 && out)
		memset(out, 0, sizeof(*out));
	return rc;
}

/*
 * Checks a status reason: UTF-8 text of at most 512 characters without
 * control characters other than line breaks and tabs. *blank tells whether
 * it holds nothing but blanks (or is NULL).
 */
static int officers__check_reason(bool *blank, const char *reason, struct sx_error *err)
{
	size_t len = reason ? strlen(reason) : 0, i = 0, chars = 0;

	*blank = true;
	while (i < len) {
		unsigned long cp;
		size_t n = codec_utf8_char_len(reason + i, len - i, &cp);

		if (n == 0 || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		    (cp >= 0x7f && cp <= 0x9f))
			return sx_error_set(err, SX_EINVALID, "bad_reason",
					    "理由含有控制字符或不是有效的 UTF-8 文本");
		if (!(n == 1 && officers__is_blank(reason[i])))
			*blank = false;
		i += n;
		if (++chars > SERVICE_OFFICER_REASON_MAX_CHARS)
			return sx_error_set(err, SX_EINVALID, "bad_reason", "理由过长（最多 512 个字）");
	}
	return 0;
}

int service_officer_set_status(struct service_officer *out, const struct service *svc,
			       const struct service_actor *actor, const char *cert_no,
			       const char *status, const char *reason, struct sx_error *err)
{
	struct store_officer o;
	struct store_agency agency;
	struct store_tx *tx = NULL;
	const char *to = NULL;
	char from[STORE_ROLE_SIZE];
	char today[11];
	char detail[OFFICERS_DETAIL_SIZE];
	char reason_hash[2 * CRYPTO_HASH_MAX_BYTES + 1] = "";
	bool blank;
	uint64_t index = 0;
	int rc;

	if (out)
		memset(out, 0, sizeof(*out));
	if (!account_can_manage_officers(actor->role))
		return officers__forbidden(err);
	if (status == NULL || officer_status_from_label(&to, status) < 0)
		return sx_error_set(err, SX_EINVALID, "officer_bad_status",
				    "状态：应为在岗、暂停或注销");
	if ((rc = officers__check_reason(&blank, reason, err)) < 0)
		return rc;
	if (blank && strcmp(to, "active") != 0)
		return sx_error_set(err, SX_EINVALID, "reason_required", "暂停或注销执法证须写明理由");
	/* The reason stays in the audit trail; the public log gets its hash. */
	if (!blank && crypto_hash_hex(reason_hash, CRYPTO_HASH_SHA256, reason, strlen(reason)) < 0)
		return sx_error_set(err, SX_EINTERNAL, NULL, NULL);
	officers__today(today);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = officers__load(&o, &agency, tx, actor, cert_no, true, err)) < 0)
		goto cleanup;
	if (strcmp(o.status, "revoked") == 0) {
		rc = sx_error_set(err, SX_ECONFLICT, "officer_revoked",
				  "该执法证已注销，注销不可撤回；如需恢复执法资格，请重新登记");
		goto cleanup;
	}
	if (strcmp(o.status, to) == 0) {
		rc = sx_error_setf(err, SX_ECONFLICT, "status_unchanged", "执法人员已是该状态",
				   "status already %s", to);
		goto cleanup;
	}
	snprintf(from, sizeof(from), "%s", o.status);
	snprintf(o.status, sizeof(o.status), "%s", to);
	if ((rc = store_officer_update(tx, &o, err)) < 0)
		goto cleanup;
	snprintf(detail, sizeof(detail), "from=%s to=%s reason=%s", from, to,
		 blank ? "" : reason);
	{
		const char *const fields[] = {"agency_id", o.agency_id, "cert_no", o.cert_no,
					      "from",      from,        "reason_sha256",
					      reason_hash, "to",        to,
					      NULL};

		if ((rc = officers__record(&index, svc, tx, actor, "officer.status", &o, detail,
					   fields, err)) < 0)
			goto cleanup;
	}
	if (out)
		officers__view(out, &o, agency.name, actor, today, false, tx);
	rc = officers__commit(out, tx, index, true, err);
	tx = NULL;
cleanup:
	store_rollback(tx);
	if (rc < 0 && out)
		memset(out, 0, sizeof(*out));
	return rc;
}

int service_officer_link_user(struct service_officer *out, const struct service *svc,
			      const struct service_actor *actor, const char *cert_no,
			      const char *username, struct sx_error *err)
{
	struct store_officer o;
	struct store_agency agency;
	struct store_user user;
	struct store_tx *tx = NULL;
	char today[11];
	char detail[OFFICERS_DETAIL_SIZE];
	bool unlink = username == NULL || username[0] == '\0';
	bool recorded = false;
	uint64_t index = 0;
	int rc;

	if (out)
		memset(out, 0, sizeof(*out));
	if (!account_can_manage_officers(actor->role))
		return officers__forbidden(err);
	officers__today(today);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = officers__load(&o, &agency, tx, actor, cert_no, true, err)) < 0)
		goto cleanup;
	if (unlink) {
		if (o.user_id[0] == '\0')
			goto unchanged;
		o.user_id[0] = '\0';
	} else {
		/* A revoked officer may lose the link (so that the account can be
		 * linked anew) but gains none. */
		if (strcmp(o.status, "revoked") == 0) {
			rc = sx_error_set(err, SX_ECONFLICT, "officer_revoked",
					  "该执法证已注销，不能再关联用户账号");
			goto cleanup;
		}
		if ((rc = officers__linkable_user(&user, tx, o.agency_id, o.id, username, err)) <
		    0)
			goto cleanup;
		if (strcmp(o.user_id, user.id) == 0)
			goto unchanged;
		memcpy(o.user_id, user.id, sizeof(o.user_id));
	}
	if ((rc = store_officer_update(tx, &o, err)) < 0)
		goto cleanup;
	snprintf(detail, sizeof(detail), "user_id=%s", o.user_id);
	{
		const char *const fields[] = {"agency_id", o.agency_id, "cert_no", o.cert_no,
					      "user_id",   o.user_id,   NULL};

		if ((rc = officers__record(&index, svc, tx, actor, "officer.user", &o, detail, fields,
					   err)) < 0)
			goto cleanup;
	}
	recorded = true;
unchanged:
	if (out)
		officers__view(out, &o, agency.name, actor, today, false, tx);
	rc = officers__commit(out, tx, index, recorded, err);
	tx = NULL;
cleanup:
	store_rollback(tx);
	if (rc < 0 && out)
		memset(out, 0, sizeof(*out));
	return rc;
}

void service_officer_staff_page_clear(struct service_officer_staff_page *p)
{
	if (p == NULL)
		return;
	sx_free(p->items);
	memset(p, 0, sizeof(*p));
}

/* The name of agency id among agencies[0..count); "" when absent. */
static const char *officers__agency_name(const struct store_agency *agencies, size_t count,
					 const char *id)
{
	for (size_t i = 0; i < count; i++) {
		if (strcmp(agencies[i].id, id) == 0)
			return agencies[i].name;
	}
	return "";
}

int service_officer_staff_list(struct service_officer_staff_page *out, const struct service *svc,
			       const struct service_actor *actor, const char *agency_id,
			       const char *query, const struct service_paging *paging,
			       struct sx_error *err)
{
	char q[SERVICE_OFFICER_QUERY_MAX_BYTES + 1];
	struct store_officer_filter filter;
	struct store_officer *rows = NULL;
	struct store_agency *agencies = NULL;
	size_t n = 0, agency_count = 0;
	struct store_tx *tx = NULL;
	int64_t page, page_size;
	int rc;

	memset(out, 0, sizeof(*out));
	page = paging && paging->page ? paging->page : 1;
	page_size = paging && paging->page_size ? paging->page_size
						 : SERVICE_OFFICER_PAGE_SIZE_DEFAULT;
	if (page < 1 || page > SERVICE_OFFICER_PAGE_MAX || page_size < 1 ||
	    page_size > SERVICE_OFFICER_PAGE_SIZE_MAX)
		return sx_error_set(err, SX_EINVALID, "bad_page", "页码或每页条数超出范围");
	if ((rc = service_registry__query(q, query, err)) < 0)
		return rc;
	if (account_registry_scope(actor->role) == ACCOUNT_SCOPE_NONE)
		return sx_error_set(err, SX_EPERM, "forbidden", "您无权查看执法人员名册");
	if (agency_id == NULL || agency_id[0] == '\0')
		agency_id = actor->agency_id;
	/* Only an actor without an agency (the command line, an admin) lists all. */
	if (agency_id[0] == '\0' && account_registry_scope(actor->role) != ACCOUNT_SCOPE_ALL)
		return sx_error_set(err, SX_EPERM, "forbidden", "您无权查看执法人员名册");
	if (strlen(agency_id) >= STORE_ID_SIZE)
		return sx_error_set(err, SX_ENOTFOUND, "agency_not_found", "执法机关不存在");

	memset(&filter, 0, sizeof(filter));
	filter.agency_id = agency_id[0] ? agency_id : NULL;
	filter.query = q[0] ? q : NULL;
	filter.limit = page_size;
	/* page ≤ 100000 and page_size ≤ 100: no overflow. */
	filter.offset = (page - 1) * page_size;

	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	if (filter.agency_id) {
		agencies = sx_malloc(sizeof(*agencies));
		if (agencies == NULL) {
			rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
			goto cleanup;
		}
		agency_count = 1;
		rc = store_agency_get(agencies, tx, filter.agency_id, err);
		if (rc == SX_ENOTFOUND)
			rc = sx_error_set(err, SX_ENOTFOUND, "agency_not_found", "执法机关不存在");
		if (rc < 0)
			goto cleanup;
		if (!officers__in_scope(actor, agencies)) {
			rc = sx_error_set(err, SX_EPERM, "forbidden",
					  "您无权查看该机关的执法人员名册");
			goto cleanup;
		}
		snprintf(out->agency_id, sizeof(out->agency_id), "%s", agencies->id);
		snprintf(out->agency_name, sizeof(out->agency_name), "%s", agencies->name);
	} else if ((rc = store_agency_list(&agencies, &agency_count, tx, err)) < 0) {
		goto cleanup;
	}
	if ((rc = store_officer_list_count(&out->total, tx, &filter, err)) < 0 ||
	    (rc = store_officer_list_staff(&rows, &n, tx, &filter, err)) < 0)
		goto cleanup;
	officers__today(out->checked_on);
	if (n > 0 && (out->items = sx_calloc(n, sizeof(*out->items))) == NULL) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto cleanup;
	}
	/* Lists always mask: a whole number is shown one officer at a time,
	 * on request, and logged (service_officer_staff_get). */
	for (size_t i = 0; i < n; i++)
		officers__view(&out->items[i], &rows[i],
			       officers__agency_name(agencies, agency_count, rows[i].agency_id),
			       actor, out->checked_on, false, tx);
	out->count = n;
	out->page = page;
	out->page_size = page_size;
	rc = 0;
cleanup:
	store_rollback(tx);
	sx_free(rows);
	sx_free(agencies);
	if (rc < 0)
		service_officer_staff_page_clear(out);
	return rc;
}

int service_officer_staff_get(struct service_officer *out, const struct service *svc,
			      const struct service_actor *actor, const char *cert_no,
			      bool reveal_id_number, struct sx_error *err)
{
	struct store_officer o;
	struct store_agency agency;
	struct store_tx *tx = NULL;
	char today[11];
	char cert[STORE_CODE_SIZE];
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = officers__cert_no(cert, cert_no, err)) < 0)
		return rc;
	if (reveal_id_number && !account_can_see_id_numbers(actor->role))
		return sx_error_set(err, SX_EPERM, "forbidden_id_number",
				    "您的角色无权查看完整身份证号");
	officers__today(today);
	/* A reveal writes its access record in the same transaction that reads
	 * the number: no number leaves without its record. */
	if ((rc = store_begin(&tx, svc->store, reveal_id_number ? STORE_TX_WRITE : STORE_TX_READ,
			      err)) < 0)
		return rc;
	if ((rc = officers__load(&o, &agency, tx, actor, cert, false, err)) < 0)
		goto cleanup;
	if (reveal_id_number) {
		char detail[OFFICERS_DETAIL_SIZE];
		struct store_audit ev = {actor->user_id, "officer.id_number.view", "officer", o.id,
					 detail};

		if (!officers__may_reveal(actor, o.agency_id)) {
			rc = sx_error_set(err, SX_EPERM, "forbidden_id_number",
					  "只有本机关负责人或系统管理员可以查看完整身份证号");
			goto cleanup;
		}
		snprintf(detail, sizeof(detail), "cert_no=%s agency_id=%s", o.cert_no, o.agency_id);
		if ((rc = store_audit_append(tx, &ev, err)) < 0)
			goto cleanup;
	}
	officers__view(out, &o, agency.name, actor, today, reveal_id_number, tx);
	if (reveal_id_number) {
		rc = store_commit(tx, err);
		tx = NULL;
	}
cleanup:
	store_rollback(tx);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* image/jpeg or image/png from the first bytes; NULL for anything else. */
static const char *officers__photo_type(const unsigned char *bytes, size_t len)
{
	if (len >= sizeof(officers__jpeg_magic) &&
	    memcmp(bytes, officers__jpeg_magic, sizeof(officers__jpeg_magic)) == 0)
		return "image/jpeg";
	if (len >= sizeof(officers__png_magic) &&
	    memcmp(bytes, officers__png_magic, sizeof(officers__png_magic)) == 0)
		return "image/png";
	return NULL;
}

int service_officer_set_photo(struct service_officer *out, const struct service *svc,
			      const struct service_actor *actor, const char *cert_no,
			      const void *bytes, size_t len, struct sx_error *err)
{
	struct store_officer_photo photo;
	struct store_officer o;
	struct store_agency agency;
	struct store_tx *tx = NULL;
	const char *type;
	char today[11];
	char detail[OFFICERS_DETAIL_SIZE];
	bool recorded = false;
	uint64_t index = 0;
	int rc;

	if (out)
		memset(out, 0, sizeof(*out));
	if (!account_can_manage_officers(actor->role))
		return officers__forbidden(err);
	if (len > SERVICE_OFFICER_PHOTO_MAX_BYTES)
		return sx_error_setf(err, SX_ETOOBIG, "photo_too_large",
				     "照片不能超过 512 KiB", "%zu bytes", len);
	type = bytes ? officers__photo_type(bytes, len) : NULL;
	if (type == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_photo", "照片应为 JPEG 或 PNG 格式");
	memset(&photo, 0, sizeof(photo));
	/* Hash before taking the write lock. */
	if (crypto_hash_hex(photo.sha256, CRYPTO_HASH_SHA256, bytes, len) < 0)
		return sx_error_set(err, SX_EINTERNAL, NULL, NULL);
	snprintf(photo.content_type, sizeof(photo.content_type), "%s", type);
	photo.data = (unsigned char *)(uintptr_t)bytes;  /* borrowed: put only reads it */
	photo.size_bytes = len;
	sx_time_format_utc(photo.created_at, sx_time_now_us());
	snprintf(photo.created_by, sizeof(photo.created_by), "%s", actor->user_id);
	officers__today(today);

	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = officers__load(&o, &agency, tx, actor, cert_no, true, err)) < 0)
		goto cleanup;
	if (strcmp(o.status, "revoked") == 0) {
		rc = sx_error_set(err, SX_ECONFLICT, "officer_revoked",
				  "该执法证已注销，记录不能再修改");
		goto cleanup;
	}
	if (strcmp(o.photo_sha256, photo.sha256) == 0)
		goto unchanged;
	if ((rc = store_officer_photo_put(tx, &photo, err)) < 0)
		goto cleanup;
	snprintf(o.photo_sha256, sizeof(o.photo_sha256), "%s", photo.sha256);
	if ((rc = store_officer_update(tx, &o, err)) < 0)
		goto cleanup;
	snprintf(detail, sizeof(detail), "photo_sha256=%s content_type=%s size_bytes=%zu",
		 photo.sha256, type, len);
	{
		const char *const fields[] = {"agency_id", o.agency_id,     "cert_no", o.cert_no,
					      "photo_sha256", photo.sha256, NULL};

		if ((rc = officers__record(&index, svc, tx, actor, "officer.photo", &o, detail,
					   fields, err)) < 0)
			goto cleanup;
	}
	recorded = true;
unchanged:
	if (out)
		officers__view(out, &o, agency.name, actor, today, false, tx);
	rc = officers__commit(out, tx, index, recorded, err);
	tx = NULL;
cleanup:
	store_rollback(tx);
	if (rc < 0 && out)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* Whether s is 64 lower-case hex digits. */
static bool officers__is_sha256_hex(const char *s)
{
	size_t i;

	for (i = 0; s && s[i] && i < 64; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return s && i == 64 && s[64] == '\0';
}

int service_officer_photo(struct service_officer_photo *out, const struct service *svc,
			  const char *sha256_hex, struct sx_error *err)
{
	struct store_officer_photo photo;
	struct store_tx *tx = NULL;
	char actual[2 * CRYPTO_HASH_MAX_BYTES + 1];
	int rc;

	memset(out, 0, sizeof(*out));
	if (!officers__is_sha256_hex(sha256_hex))
		return sx_error_set(err, SX_ENOTFOUND, "photo_not_found", "照片不存在");
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	rc = store_officer_photo_get(&photo, tx, sha256_hex, err);
	store_rollback(tx);
	if (rc < 0)
		return rc;
	if (crypto_hash_hex(actual, CRYPTO_HASH_SHA256, photo.data, photo.size_bytes) < 0 ||
	    strcmp(actual, sha256_hex) != 0) {
		store_officer_photo_clear(&photo);
		return sx_error_setf(err, SX_ECORRUPT, NULL, NULL,
				     "officer_photo %s: stored bytes hash to %s", sha256_hex,
				     actual);
	}
	snprintf(out->content_type, sizeof(out->content_type), "%s", photo.content_type);
	out->data = photo.data;
	out->size_bytes = photo.size_bytes;
	return 0;
}

void service_officer_photo_clear(struct service_officer_photo *p)
{
	if (p == NULL)
		return;
	sx_free(p->data);
	memset(p, 0, sizeof(*p));
}
